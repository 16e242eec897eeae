package views

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
