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

func pageTitle(title string) string {
	if title == "" {
		return "Landlord"
	}
	return title + " · Landlord"
}

// flashClass maps a Flash kind to its CSS class; unknown kinds show as info.
func flashClass(kind string) string {
	switch kind {
	case "success", "error":
		return "flash-" + kind
	default:
		return "flash-info"
	}
}

// flashRole makes screen readers announce errors at once and the rest politely.
func flashRole(kind string) string {
	if kind == "error" {
		return "alert"
	}
	return "status"
}

// limitedByLabel says which side of an impersonation limits a right.
func limitedByLabel(side, target string) string {
	switch side {
	case "target":
		return target + "'s rights"
	case "impersonator":
		return "your rights"
	case "both":
		return "both"
	}
	return "neither"
}
