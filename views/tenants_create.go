package views

// The create wizard's view types and display helpers.

func wizardStepClass(i, current int) string {
	switch {
	case i < current:
		return "wizard-step done"
	case i == current:
		return "wizard-step current"
	}
	return "wizard-step"
}

func stepTitle(steps []string, i int) string {
	if i < 0 || i >= len(steps) {
		return ""
	}
	return steps[i]
}

// Option is one choice of a select.
type Option struct {
	Value, Label string
}

// TenantWizard is one page of the create-tenant wizard: the step shown, every
// value typed so far (one per field), this step's messages ("" key: the whole
// form) and the sealed state the page posts back.
type TenantWizard struct {
	Steps       []string // the steps' titles, in order
	Step        int
	StepName    string // details, limits, account, admin or review
	Sealed      string
	Values      map[string]string
	Errors      map[string]string
	PasswordSet bool // a password was typed earlier; it is never shown again
	// PasswordNotKept: a password typed was dropped by a refusal (of its
	// step, or of the creation), to be typed again.
	PasswordNotKept bool
	TenantRoles     []Option
	Currencies      []Option
	Review          TenantReview
	StepLinks       []string // the address of each step reached, values kept
	BaseDomain      string   // tenants' hosts are <subdomain>.<base domain>
}

// TenantReview is what the wizard's last page shows of what was typed, as
// displayed (never the password).
type TenantReview struct {
	Name, Description, Subdomain string
	TenantRole, Currency         string
	MaxUsers, MaxResources       string
	AccountNumber, AccountName   string
	CustomerNumber               string
	Admin                        bool
	AdminUsername, AdminEmail    string
}
