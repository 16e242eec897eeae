package views

import "net/http"

// Small display helpers for the templates; the view structs are beside each page's components.

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

func errorTitle(e ErrorInfo) string {
	if e.Title != "" {
		return e.Title
	}
	if t := http.StatusText(e.Status); t != "" {
		return t
	}
	return "Something went wrong"
}

func errorStatus(status int) string {
	if status == 0 {
		return ""
	}
	return Number(status)
}

// supportDuration says how long an ended impersonation lasted and why it ended.
func supportDuration(r SupportAccessRow) string {
	s := "for " + Number(r.Minutes) + " min, until " + r.Ended + " UTC"
	if r.EndReason != "" {
		s += " (" + r.EndReason + ")"
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func orNever(s string) string {
	if s == "" {
		return "never"
	}
	return s
}

func fullName(first, last string) string {
	switch {
	case first == "":
		return last
	case last == "":
		return first
	}
	return first + " " + last
}

// beyondAny says whether some role of roles cannot be chosen.
func beyondAny(roles []RoleOption) bool {
	for _, r := range roles {
		if r.Beyond != "" {
			return true
		}
	}
	return false
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
