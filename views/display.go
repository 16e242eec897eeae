package views

import "strings"

// Display helpers every page family uses; the rest sit beside their pages.

func levelLabel(level string) string {
	switch level {
	case "none":
		return "No access"
	case "read":
		return "Read"
	case "full":
		return "Full"
	default:
		return level
	}
}

func roleLabel(role string) string {
	if role == "" {
		return "no role"
	}
	return role
}

// changeLabel is the name for people of a changed field an audit event
// records: a role's "permissions.<feature>" shows the feature's label.
func changeLabel(field string) string {
	if f, ok := strings.CutPrefix(field, "permissions."); ok {
		return "Permission: " + FeatureLabel(f)
	}
	return field
}

// navGroup is one area of the navigation: its name ("" for links of their own) and links.
type navGroup struct {
	Name  string
	Links []NavLink
}

// navGroups folds links, each area's one after another, into their groups.
func navGroups(links []NavLink) []navGroup {
	var gs []navGroup
	for _, l := range links {
		if n := len(gs); n > 0 && gs[n-1].Name == l.Group {
			gs[n-1].Links = append(gs[n-1].Links, l)
			continue
		}
		gs = append(gs, navGroup{Name: l.Group, Links: []NavLink{l}})
	}
	return gs
}
