package views

// TenantRoleWizard is one page of the create-tenant-role wizard: the step
// shown, what was typed so far, this step's messages ("" key: the whole
// form) and the sealed state the page posts back.
type TenantRoleWizard struct {
	Steps             []string
	Step              int
	StepName          string // details, caps, resources or review
	Sealed            string
	Errors            map[string]string
	Name, Description string
	Matrix            Matrix
	Held              []Grant // what the person holds: the most each cap can be
	Resources         *TenantRoleWizardResources
	Review            TenantRoleReview
	StepLinks         []string
}

// TenantRoleWizardResources is the master resources step: all public ones,
// or those ticked among the public ones listed (Chosen: ticked ones the
// search does not list, kept).
type TenantRoleWizardResources struct {
	CanGrant bool // tenants: full and resources: full
	All      bool
	Choices  []ResourceChoice
	Chosen   []uint64
	Search   string
	Total    int64
}

// TenantRoleReview is what the wizard's last page shows.
type TenantRoleReview struct {
	Name, Description string
	Grants            []Grant
	All               bool
	Resources         []string
	Subtenants        int64
}

func trResourcesHint(r TenantRoleWizardResources) string {
	if r.Search != "" {
		return Count(r.Total, "public resource matches", "public resources match") + " “" + r.Search + "”."
	}
	return Count(r.Total, "public resource", "public resources") + " in all."
}
