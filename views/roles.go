package views

// View structs and display helpers of the roles pages; the role form and the
// delete page serve tenant roles too.

// Grant is one feature a role grants (above none), with what it gives in
// this tenant when a cap lowers it.
type Grant struct {
	Feature, Level string
	Effective      string // "" unless the tenant's cap lowers it
}

// CapView is a subtenant's tenant role as its admins see it: read-only.
type CapView struct {
	Name, Description string
	Levels            []FeatureLevel
}

// RoleListRow is one line of the roles page.
type RoleListRow struct {
	ID                uint64
	Name, Description string
	Origin            string // own, template, linked or detached
	Template          string // the template's name, for a copy
	Users             int64
	Grants            []Grant
	// Withheld says why the visitor may not edit or delete it ("" if they may).
	Withheld string
}

// RoleList is the roles page.
type RoleList struct {
	Rows           []RoleListRow
	CanEdit        bool // roles: full
	IsMaster       bool
	CanTenantRoles bool     // the master's link to its tenant roles
	Cap            *CapView // a subtenant's cap
}

// LevelChangeView is one feature an edit changes.
type LevelChangeView struct {
	Feature, Before, After string
}

// RolePreview is what saving a role's edit would do.
type RolePreview struct {
	Changes          []LevelChangeView
	Holders, Changed int64
	Template         bool
	LinkedCopies     int64
	CopyHolders      int64
	CopyChanged      int64
	Detaches         bool // a linked copy: saving detaches it
}

// RoleForm is the form of a user role or a tenant role (TenantRole): new
// when ID is 0. Errors has a message per field ("" key: the whole form;
// "perm_<feature>" a matrix row's).
type RoleForm struct {
	// MasterResources is a tenant role's "Master resources" section (nil elsewhere).
	MasterResources   *TenantRoleResources
	TenantRole        bool
	ID                uint64
	Stored            string // the name as saved, for the heading of an edit
	Name, Description string
	Version           int
	Multitenant       bool
	CanTemplate       bool   // the master's create form offers the template box
	Origin, Template  string // an edited user role's origin and template name
	Matrix            Matrix
	Errors            map[string]string
	Preview           *RolePreview
	TenantPreview     *TenantRolePreview
}

// RoleDelete is the confirmation page of deleting a user role or a tenant role.
type RoleDelete struct {
	TenantRole bool
	ID         uint64
	Name       string
	Held       int64 // users holding the role, or tenants holding the tenant role
	Template   bool
	Error      string
}

// FeatureLabel is a feature's name for people.
func FeatureLabel(f string) string {
	switch f {
	case "tenants":
		return "Tenants"
	case "users":
		return "Users"
	case "roles":
		return "Roles"
	case "resources":
		return "Resources"
	case "audit":
		return "Audit log"
	case "impersonation":
		return "Impersonation"
	case "api-tokens":
		return "API tokens"
	case "export":
		return "Export"
	}
	return f
}

func (f RoleForm) base() string {
	if f.TenantRole {
		return "/tenant-roles"
	}
	return "/roles"
}

func (f RoleForm) action() string {
	if f.ID == 0 {
		return f.base() + "/new"
	}
	return f.base() + "/" + Number(f.ID) + "/edit"
}

func (f RoleForm) kind() string {
	if f.TenantRole {
		return "tenant role"
	}
	return "role"
}

func (d RoleDelete) base() string {
	if d.TenantRole {
		return "/tenant-roles"
	}
	return "/roles"
}

func (d RoleDelete) kind() string {
	if d.TenantRole {
		return "tenant role"
	}
	return "role"
}

func roleURL(base string, id uint64, action string) string {
	return base + "/" + Number(id) + "/" + action
}

// originText describes where a role comes from.
func originText(origin, template string) string {
	switch origin {
	case "template":
		return "Template, copied into every subtenant"
	case "linked":
		return "Linked to template “" + template + "”"
	case "detached":
		return "Detached from template “" + template + "”"
	}
	return "Own"
}
