package views

// LoginForm is the login page's state.
type LoginForm struct {
	Username     string // kept after a failed attempt; the password never is
	Error        string
	OnBaseDomain bool // on the base domain, subdomain\username signs in to a tenant
}
