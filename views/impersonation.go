package views

// ImpersonateStart is the master's page to act as a subtenant's user.
type ImpersonateStart struct {
	Tenant, Subdomain, Username, Name, Role string
	Reason                                  string
	Errors                                  map[string]string
	Minutes                                 int
	Action                                  string
}

// SupportAccessRow is one impersonation as the tenant sees it.
type SupportAccessRow struct {
	ID                           uint64
	Impersonator, Target, Reason string
	Started, Ended, EndReason    string
	Minutes                      int
	Running                      bool
	Changes                      []AuditRow
}
