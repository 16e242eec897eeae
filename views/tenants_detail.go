package views

import "strconv"

// usageText is "37 of 50", or "37 (no limit)" when the limit is 0.
func usageText(used int64, max int) string {
	if max <= 0 {
		return Number(used) + " (no limit)"
	}
	return Number(used) + " of " + Number(max)
}

// meterHigh is where a usage meter turns to a warning: 90% of the limit.
func meterHigh(max int) string {
	return strconv.FormatFloat(float64(max)*0.9, 'f', -1, 64)
}

// TenantDetail is the master's page of one tenant.
type TenantDetail struct {
	Subdomain, Name, Description string
	Host                         string
	TenantRole                   string
	Currency                     string // "EUR · Euro"
	AccountNumber, AccountName   string
	CustomerNumber               string
	Created, Updated             string
	Enabled, IsMaster            bool
	Users, Resources             int64
	MaxUsers, MaxResources       int // 0: no limit
	FirstUsers                   []UserRow
	CanChange                    bool // tenants: full: the buttons
	Error                        string
}

// TenantDelete is the page that confirms deleting a tenant: what goes with
// it, and the subdomain typed to confirm.
type TenantDelete struct {
	Subdomain, Name string
	IsMaster        bool
	Users, Roles    int64
	Resources       int64
	AuditEvents     int64
	Sessions        int64
	Typed           string
	Errors          map[string]string
}

// TenantDisable is the page that confirms disabling a tenant: who it signs
// out, and a message when the confirmation was missing.
type TenantDisable struct {
	Subdomain, Name string
	IsMaster        bool
	Enabled         bool
	SignedIn        int64 // users signed in now, signed out by disabling
	Users           int64
	Error           string
}
