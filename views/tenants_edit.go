package views

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
