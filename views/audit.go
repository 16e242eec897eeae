package views

// AuditFilterForm is the audit log's filter as typed.
type AuditFilterForm struct {
	Actor, Action, TargetType, TargetID, Outcome, From, To string
}

// AuditRow is one line of the audit log.
type AuditRow struct {
	ID                                                      uint64
	Time, Actor, Impersonator, Action, TargetType, TargetID string
	Outcome, IP                                             string
}

// AuditList is the audit log page. Query is the filter as a query string;
// Older the query of the next page; Filtered the filter in words.
type AuditList struct {
	Filter    AuditFilterForm
	Errors    map[string]string
	Actions   []string
	Events    []AuditRow
	Query     string
	Before    string
	Older     string
	Filtered  string
	CanExport bool
}

// AuditChange is one field's before and after.
type AuditChange struct {
	Field, Before, After string
}

// AuditEventView is one event in full.
type AuditEventView struct {
	AuditRow
	UserAgent, Hash, Details string
	Changes                  []AuditChange
}

// AuditVerify is the result of checking a tenant's chain.
type AuditVerify struct {
	Checked  int64
	BrokenID uint64
	Reason   string
	// Checkpoints is what an uploaded checkpoint file said, nil before one.
	Checkpoints *AuditCheckpoints
	UploadError string
	UploadLimit string // the largest file the form takes, for people
}

// AuditCheckpoints is a checkpoint file checked against the tenant's chain.
type AuditCheckpoints struct {
	Results    []AuditCheckpointResult // this tenant's lines
	Others     int                     // lines of other tenants, ignored
	Unreadable []int                   // lines that are no checkpoint
}

// AuditCheckpointResult is one of the tenant's checkpoints: reached or not, and why.
type AuditCheckpointResult struct {
	Line    int
	HeadID  uint64
	At      string
	Reached bool
	Reason  string
}
