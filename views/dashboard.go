package views

import "strings"

// Dashboard says where the signed-in user is.
type Dashboard struct {
	TenantName, Subdomain, Host string
	IsMaster                    bool
	UserDisplay, Username       string
	RoleName                    string
	Features                    []FeatureLevel
	SupportAccess               bool   // a subtenant user who may read the audit log sees the support access panel
	CapName                     string // the tenant role, where it lowers a level
}

// FeatureLevel is one line of the user's effective permissions. Role is what
// the user's role grants, set where the tenant's cap lowers it.
type FeatureLevel struct {
	Feature, Level string
	Role           string
}

// cappedNote says on the dashboard that the tenant's cap lowers a level.
func cappedNote(f FeatureLevel, capName string) string {
	who := "this tenant's cap"
	if capName != "" {
		who = "the tenant role “" + capName + "”"
	}
	return "Your role grants " + strings.ToLower(levelLabel(f.Role)) + "; " + who + " caps it."
}
