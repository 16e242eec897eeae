package views

// SharingListRow is one of the master's resources on the sharing list.
type SharingListRow struct {
	ID         uint64
	Name, Kind string
	Visibility string // private, public or assigned
}

// SharingList is the master's list of its resources with their sharing.
type SharingList struct {
	Rows   []SharingListRow
	Search string
	Total  int64
}

// TenantChoice is one subtenant of the sharing page's picker.
type TenantChoice struct {
	Subdomain, Name string
	Checked         bool
}

// SeerGroupView is how many tenants see a resource for one reason.
type SeerGroupView struct {
	Why     string
	Tenants int64
}

// SeerView is one tenant that sees a resource, and why.
type SeerView struct {
	Subdomain, Name, Why string
}

// SharingPreview is how many tenants a change gives or takes a resource.
type SharingPreview struct {
	Gain, Lose int64
	// Resources says, for a tenant role, how many resources it gains and
	// loses ("" for one resource's sharing).
	Resources string
}

// ResourceSharing is the sharing page of one master resource.
type ResourceSharing struct {
	ID         uint64
	Name, Kind string
	Visibility string // the choice shown (the person's, after a preview)
	// Picker is the subtenants listed (the search's, or the first ones);
	// Chosen are the assigned ones not listed, kept as they are.
	Picker      []TenantChoice
	Chosen      []string
	Search      string
	PickerTotal int64
	Groups      []SeerGroupView
	Seers       []SeerView
	SeersTotal  int64
	Preview     *SharingPreview
	CanChange   bool
	Errors      map[string]string
}

// ResourceChoice is one public master resource of a tenant role's list.
type ResourceChoice struct {
	ID      uint64
	Name    string
	Kind    string
	Checked bool
}

// TenantRoleResources is the "Master resources" section of a tenant role's page.
type TenantRoleResources struct {
	TenantRoleID uint64
	All          bool
	Choices      []ResourceChoice
	Chosen       []uint64 // granted ones not listed, kept as they are
	Search       string
	Total        int64
	Preview      *SharingPreview
	CanChange    bool
	Errors       map[string]string
}

// KindCountView is how many resources of one kind a tenant has.
type KindCountView struct {
	Label string
	Count int64
}

// pickerHint says what the tenant picker lists.
func pickerHint(s ResourceSharing) string {
	match := Count(s.PickerTotal, "subtenant matches", "subtenants match")
	if s.Search != "" {
		match += " “" + s.Search + "”"
	}
	return "For “Assigned”. " + match + "; the first " + Number(len(s.Picker)) + " are listed. Chosen ones not listed stay chosen (" + Number(len(s.Chosen)) + ")."
}

// resourceHint says what a tenant role's resource list lists.
func resourceHint(r TenantRoleResources) string {
	return Count(r.Total, "public resource matches", "public resources match") + "; the first " + Number(len(r.Choices)) +
		" are listed. Chosen ones not listed stay chosen (" + Number(len(r.Chosen)) + ")."
}
