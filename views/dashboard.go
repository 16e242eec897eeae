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
	Counts                      []DashboardCount
	ShowEvents                  bool // the visitor may read the audit log
	Events                      []AuditRow
	ShowRunning                 bool // the visitor may see the running impersonations
	Running                     []RunningImpersonationRow
	CanEnd                      bool // the master may end them
}

// DashboardCount is one of the dashboard's counts: what, how many, the
// limit (0: none) and the list it counts.
type DashboardCount struct {
	Key, Label string
	N          int64
	Max        int
	Href       string
}

// RunningImpersonationRow is one impersonation still running.
type RunningImpersonationRow struct {
	ID                   uint64
	Tenant, UserHref     string
	Impersonator, Target string
	Reason               string
	Since, Until         string
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
