package views

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
