package views

// UserScope says whose users a page shows and where its links go: the
// visitor's own tenant (Prefix ""), or, for the master, a subtenant's
// (Prefix "/tenants/<subdomain>"), where only accounts are shown.
type UserScope struct {
	Prefix     string
	Subdomain  string
	TenantName string
	Managed    bool // the master is managing another tenant's users
	CanManage  bool // the visitor has users: full
}

// Users is the user list's address.
func (s UserScope) Users() string { return s.Prefix + "/users" }

// New is the create wizard's address.
func (s UserScope) New() string { return s.Prefix + "/users/new" }

// User is a user page's address, or one of its actions' with a suffix.
func (s UserScope) User(id uint64, suffix ...string) string {
	p := s.Prefix + "/users/" + Number(id)
	for _, x := range suffix {
		p += "/" + x
	}
	return p
}

// RoleOption is one entry of a role select.
type RoleOption struct {
	ID   uint64
	Name string
	// Beyond names what the role gives beyond the visitor's rights: it is
	// shown but cannot be chosen.
	Beyond string
}

// WizardStepInfo names one step of a wizard for its progress list.
type WizardStepInfo struct {
	Title string
}

// UserWizard is the create-user wizard's page: which step, every value
// typed so far, this step's messages (the "" key: the whole form), and the
// sealed state for the hidden field.
type UserWizard struct {
	Scope        UserScope
	Step         int
	Steps        []WizardStepInfo
	Values       map[string]string
	Errors       map[string]string
	Sealed       string
	Roles        []RoleOption
	RoleName     string // the chosen role's name, for the review
	PasswordRule string
	Limit        string // "3 of 50 users", or "" without a limit
	// PasswordSet: the passwords typed are kept, sealed, and not shown;
	// PasswordNotKept: those typed were dropped by a refusal, to be typed again.
	PasswordSet, PasswordNotKept bool
}

// UserCannotCreate explains why no user can be created in the tenant yet.
type UserCannotCreate struct {
	Scope   UserScope
	Reason  string // "no-role" or "limit"
	Message string
}

// UserDetail is a user's page.
type UserDetail struct {
	Scope          UserScope
	ID             uint64
	Username       string
	Email          string
	Name           string
	Role           string
	TenantRole     string // the cap's name; "" in the master tenant
	Capped         bool
	IdentitySource string
	External       bool
	Enabled        bool
	FullAdmin      bool
	CanImpersonate bool // a master user with impersonation: full, looking at an enabled subtenant user
	// Outranked names what the user holds beyond the visitor: their actions
	// are not offered. Self: the visitor's own page, without disable or delete.
	Outranked string
	Self      bool
	LastLogin string
	Created   string
	Rights    []RightRow
}

// UserEdit is the edit form: the values shown or typed, the version read,
// and a message per field ("" key: the whole form).
type UserEdit struct {
	Scope          UserScope
	ID             uint64
	Current        string // the username as stored, for the heading
	Username       string
	Email          string
	FirstName      string
	LastName       string
	RoleID         uint64
	Version        int
	External       bool
	IdentitySource string
	Roles          []RoleOption
	// Self: the visitor edits themselves, and their role is not theirs to change.
	Self     bool
	RoleName string
	Errors   map[string]string
}

// UserDelete is the delete confirmation.
type UserDelete struct {
	Scope    UserScope
	ID       uint64
	Username string
	Name     string
	Confirm  string
	Errors   map[string]string
}

// UserPassword is the set-password form.
type UserPassword struct {
	Scope          UserScope
	ID             uint64
	Username       string
	Name           string
	External       bool
	IdentitySource string
	PasswordRule   string
	Errors         map[string]string
	// PasswordNotKept: a refused form had passwords typed, which are not
	// written back.
	PasswordNotKept bool
}

// UserRow is one line of a tenant's user list.
type UserRow struct {
	ID        uint64 `json:"id"`
	Name      string `json:"name"`
	Username  string `json:"username"`
	Email     string `json:"email"`
	Role      string `json:"role"`
	Enabled   bool   `json:"enabled"`
	LastLogin string `json:"last_login"`
}

// UserList is the user list page.
type UserList struct {
	Scope          UserScope
	List           ListState
	Rows           []UserRow
	CanExport      bool
	CanImpersonate bool // the master managing a subtenant, with impersonation: full
}
