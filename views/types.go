// Package views holds Landlord's templ components: a layout, small reusable
// pieces, and one page per handler. Components take plain view structs.
package views

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind string // "success", "error" or "info"
	Text string
}

// NavLink is one entry of the navigation; links of one Group ("" for none)
// come one after another.
type NavLink struct {
	Group       string
	Label, Href string
	Active      bool // the page shown is this link's
	Section     bool // the page shown is this link's or one below it
}

// Crumb is one step of a page's breadcrumbs: the lists and records above it.
type Crumb struct {
	Label, Href string
}

// Page is what every full page's layout needs.
type Page struct {
	Title           string
	TenantName      string
	TenantSubdomain string
	IsMaster        bool
	UserDisplay     string // "" when nobody is signed in
	CSRFToken       string
	Nav             []NavLink
	Breadcrumbs     []Crumb // the way up from a page below a list; the page itself is last, without Href
	Flashes         []Flash
	Impersonation   *ImpersonationBanner // set while a master user acts as this user
}

// ImpersonationBanner is what every page says while impersonating.
type ImpersonationBanner struct {
	Impersonator, Target string
	Since, Until         string // UTC clock times
	MinutesLeft          int
	Rights               []ImpersonationRight
	LimitedByYou         int // features the impersonator's own rights lower
}

// ImpersonationRight is one feature's level in force while impersonating,
// the lower of the target's and the impersonator's, and which limits it.
type ImpersonationRight struct {
	Feature, Level string
	LimitedBy      string // "target", "impersonator", "both", or "" at full
}

// LoginForm is the login page's state.
type LoginForm struct {
	Username     string // kept after a failed attempt; the password never is
	Error        string
	OnBaseDomain bool // on the base domain, subdomain\username signs in to a tenant
}

// Dashboard says where the signed-in user is.
type Dashboard struct {
	TenantName, Subdomain, Host string
	IsMaster                    bool
	UserDisplay, Username       string
	RoleName                    string
	Features                    []FeatureLevel
	SupportAccess               bool   // a subtenant user who may read the audit log sees the support access panel
	CapName                     string // the tenant role, where it lowers a level
	Counts                      []DashboardCount
	ShowEvents                  bool // the visitor may read the audit log
	Events                      []AuditRow
	ShowRunning                 bool // the visitor may see the running impersonations
	Running                     []RunningImpersonationRow
	CanEnd                      bool // the master may end them
}

// DashboardCount is one of the dashboard's counts: what, how many, the
// limit (0: none) and the list it counts.
type DashboardCount struct {
	Key, Label string
	N          int64
	Max        int
	Href       string
}

// RunningImpersonationRow is one impersonation still running.
type RunningImpersonationRow struct {
	ID                   uint64
	Tenant, UserHref     string
	Impersonator, Target string
	Reason               string
	Since, Until         string
}

// FeatureLevel is one line of the user's effective permissions. Role is what
// the user's role grants, set where the tenant's cap lowers it.
type FeatureLevel struct {
	Feature, Level string
	Role           string
}

// ErrorInfo is what an error page may say: nothing internal.
type ErrorInfo struct {
	Status         int
	Title, Message string
	RequestID      string
}

// ListState is what a list's search box, sortable headers and pager show.
type ListState struct {
	Path         string
	Search, Sort string
	Desc         bool
	Page, Pages  int
	PerPage      int
	Total        int64
	Shown        int
}

// TenantRow is one line of the master's tenant list.
type TenantRow struct {
	TenantRole        string
	Resources         int64
	Subdomain, Name   string
	Users             int64
	Enabled, IsMaster bool
	Created           string
}

// TenantList is the tenant list page.
type TenantList struct {
	List      ListState
	Rows      []TenantRow
	CanUsers  bool // the visitor may open each tenant's users
	CanCreate bool // tenants: full
}

// TenantEdit is the tenant details form: the values shown or typed, the
// version they were read at, and a message per field ("" key: the whole form).
type TenantEdit struct {
	Subdomain, Name, Description string
	TenantRole                   string // the chosen tenant role's id
	Currency                     string
	MaxUsers, MaxResources       string // as typed; "" or "0" is no limit
	AccountNumber, AccountName   string
	CustomerNumber               string
	IsMaster                     bool // the master has no tenant role
	TenantRoles, Currencies      []Option
	Version                      int
	Errors                       map[string]string
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

// TenantDetail is the master's page of one tenant.
type TenantDetail struct {
	Subdomain, Name, Description string
	Host                         string
	TenantRole                   string
	Currency                     string // "EUR · Euro"
	AccountNumber, AccountName   string
	CustomerNumber               string
	Created, Updated             string
	Enabled, IsMaster            bool
	Users, Resources             int64
	MaxUsers, MaxResources       int // 0: no limit
	FirstUsers                   []UserRow
	CanChange                    bool // tenants: full: the buttons
	Error                        string
}

// TenantDelete is the page that confirms deleting a tenant: what goes with
// it, and the subdomain typed to confirm.
type TenantDelete struct {
	Subdomain, Name string
	IsMaster        bool
	Users, Roles    int64
	Resources       int64
	AuditEvents     int64
	Sessions        int64
	Typed           string
	Errors          map[string]string
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

// AuditFilterForm is the audit log's filter as typed.
type AuditFilterForm struct {
	Actor, Action, TargetType, TargetID, Outcome, From, To string
}

// AuditRow is one line of the audit log.
type AuditRow struct {
	ID                                                      uint64
	Time, Actor, Impersonator, Action, TargetType, TargetID string
	Outcome, IP                                             string
}

// AuditList is the audit log page. Query is the filter as a query string;
// Older the query of the next page; Filtered the filter in words.
type AuditList struct {
	Filter    AuditFilterForm
	Errors    map[string]string
	Actions   []string
	Events    []AuditRow
	Query     string
	Before    string
	Older     string
	Filtered  string
	CanExport bool
}

// AuditChange is one field's before and after.
type AuditChange struct {
	Field, Before, After string
}

// AuditEventView is one event in full.
type AuditEventView struct {
	AuditRow
	UserAgent, Hash, Details string
	Changes                  []AuditChange
}

// AuditVerify is the result of checking a tenant's chain.
type AuditVerify struct {
	Checked  int64
	BrokenID uint64
	Reason   string
	// Checkpoints is what an uploaded checkpoint file said, nil before one.
	Checkpoints *AuditCheckpoints
	UploadError string
	UploadLimit string // the largest file the form takes, for people
}

// AuditCheckpoints is a checkpoint file checked against the tenant's chain.
type AuditCheckpoints struct {
	Results    []AuditCheckpointResult // this tenant's lines
	Others     int                     // lines of other tenants, ignored
	Unreadable []int                   // lines that are no checkpoint
}

// AuditCheckpointResult is one of the tenant's checkpoints: reached or not, and why.
type AuditCheckpointResult struct {
	Line    int
	HeadID  uint64
	At      string
	Reached bool
	Reason  string
}
