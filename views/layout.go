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
