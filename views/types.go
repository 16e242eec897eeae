// Package views holds Landlord's templ components: a layout, small reusable
// pieces, and one page per handler. Components take plain view structs.
package views

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind string // "success", "error" or "info"
	Text string
}

// NavLink is one entry of the top navigation.
type NavLink struct {
	Label, Href string
	Active      bool
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
	Flashes         []Flash
}

// LoginForm is the login page's state.
type LoginForm struct {
	Username   string // kept after a failed attempt; the password never is
	Error      string
	BaseDomain bool // on the base domain, subdomain\username signs in to a tenant
}

// Dashboard says where the signed-in user is.
type Dashboard struct {
	TenantName, Subdomain, Host string
	IsMaster                    bool
	UserDisplay, Username       string
	RoleName                    string
	Features                    []FeatureLevel
}

// FeatureLevel is one line of the user's effective permissions.
type FeatureLevel struct {
	Feature, Level string
}

// ErrorInfo is what an error page may say: nothing internal.
type ErrorInfo struct {
	Status         int
	Title, Message string
	RequestID      string
}
