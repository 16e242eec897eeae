package views

import "strings"

// Levels are the matrix's columns, lowest first.
var Levels = []string{"none", "read", "full"}

// MatrixRow is one feature of a permission matrix: the level chosen ("" when
// the posted value was not a level, so none is checked), the cap the tenant
// is under ("" where there is none) and the field's error message.
type MatrixRow struct {
	Feature string
	Level   string
	Cap     string
	Error   string
	// Most is the highest level the visitor may give ("": no limit shown);
	// the levels above it are shown but cannot be chosen.
	Most string
}

// Matrix is the permission matrix of a role form. CapName names the tenant
// role whose cap the rows show, if any.
type Matrix struct {
	Rows    []MatrixRow
	CapName string
}

// featureHint says in a few words what a feature covers.
func featureHint(f string) string {
	switch f {
	case "tenants":
		return "Subtenants: list, create and change them (master tenant only)."
	case "users":
		return "This tenant's user accounts."
	case "roles":
		return "User roles and what they grant."
	case "resources":
		return "The tenant's resources."
	case "audit":
		return "Who did what, and when."
	case "impersonation":
		return "Acting as another user."
	case "api-tokens":
		return "Tokens for scripts and the API."
	case "export":
		return "Downloading lists as CSV or JSON lines."
	}
	return ""
}

// levelRank orders level names: none < read < full.
func levelRank(l string) int {
	switch l {
	case "read":
		return 1
	case "full":
		return 2
	}
	return 0
}

// aboveCap says whether level l of a row is more than its cap gives.
func (r MatrixRow) aboveCap(l string) bool {
	return r.Cap != "" && levelRank(l) > levelRank(r.Cap)
}

// describedBy lists the ids of what describes a row besides its legend
// (which holds the feature's hint): its cap and its error.
func (r MatrixRow) describedBy() string {
	var ids []string
	if r.Cap != "" {
		ids = append(ids, "cap-perm-"+r.Feature)
	}
	if r.Error != "" {
		ids = append(ids, "error-perm_"+r.Feature)
	}
	return strings.Join(ids, " ")
}

// capText says what the tenant's cap does to a row.
func (r MatrixRow) capText(capName string) string {
	who := "This tenant's cap"
	if capName != "" {
		who = "The tenant role “" + capName + "”"
	}
	s := who + " allows at most " + r.Cap
	if r.Cap == "none" {
		s = who + " allows no access to this"
	}
	if r.aboveCap(r.Level) {
		s += ": holders of this role get " + strings.ToLower(levelLabel(r.Cap)) + " here"
	}
	return s + "."
}
