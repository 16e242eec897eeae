package views

// UsageReport is the master's billing report page of a day or a month.
type UsageReport struct {
	Day, Month Field  // the picker's fields, with the person's values and errors
	Period     string // "2026-03-14" or "2026-03"; "" when the input was refused
	IsMonth    bool
	Kinds      []string // the resource kinds with a column, in order
	Rows       []UsageRow
	CSV        string // the download's address, for the same period
}

// UsageRow is one tenant's line of the report.
type UsageRow struct {
	Name, Subdomain, Currency  string
	AccountNumber, AccountName string
	CustomerNumber             string
	Day                        string // the day the counts are of
	Live                       bool   // today's counters, not yet recorded
	Users, Resources           int64
	ByKind                     []int64 // by Kinds
}
