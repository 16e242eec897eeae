package views

// RightRow is one feature of a user's effective permissions: the level the
// user's role grants, the tenant role's cap ("" where there is none: the
// master) and the result. LimitedBy is "role", "cap", "both" (they agree
// below full) or "" (nothing limits it).
type RightRow struct {
	Feature, Role, Cap, Effective string
	LimitedBy                     string
}

// UserPermissions is a user's effective permissions page.
type UserPermissions struct {
	UserID                uint64
	UserDisplay, Username string
	RoleName              string
	Capped                bool
	CapName               string // "" when the subtenant has no tenant role
	Rows                  []RightRow
	Groups                []GroupLevelRow
}

// GroupLevelRow is the user's resources level on one group and the rule
// that set it: "role default", "group override" or "tenant role cap".
type GroupLevelRow struct {
	Group, Level, Rule string
}

// limitText is the line saying which of role and cap limits a feature.
func limitText(r RightRow, roleName, capName string, capped bool) string {
	switch r.LimitedBy {
	case "role":
		if !capped {
			return "The user role “" + roleName + "” (the master tenant has no cap)"
		}
		return "The user role “" + roleName + "”"
	case "cap":
		if capName == "" {
			return "The tenant has no tenant role, so nothing is allowed"
		}
		return "The tenant role “" + capName + "”"
	case "both":
		return "Both: the user role and the tenant role agree"
	}
	return "Not limited"
}

func userPermissionsURL(id uint64) string {
	return "/users/" + Number(id) + "/permissions"
}
