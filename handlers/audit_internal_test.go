package handlers

import (
	"reflect"
	"testing"

	"landlord/views"
)

// The audit page reads the details of events written before they were all
// JSON as well as those written since: a change record shows as changes,
// anything else (text, or JSON of another shape) as it is.
func TestAuditPageReadsOldAndNewDetails(t *testing.T) {
	disabled := []views.AuditChange{{Field: "enabled", Before: "true", After: "false"}}
	for _, tc := range []struct {
		name, details string
		want          []views.AuditChange
	}{
		{"old text of a tenant disabled", "3 sessions ended", nil},
		{"old text of a failed sign-in", "wrong password", nil},
		{"old text of an admin set from the command line", "admin set from the command line", nil},
		{"old hand-written JSON of an impersonation", `{"impersonation":7,"ended":"expired","minutes":30}`, nil},
		{"old hand-written JSON with an escape JSON has not", `{"reason":"flag \U000e0067"}`, nil},
		{"a change record, old and new", `{"enabled":{"after":false,"before":true}}`, disabled},
		{"a change of a name and a level", `{"name":{"after":"Ops","before":"Operators"},"permissions.audit":{"after":"full","before":"read"}}`,
			[]views.AuditChange{{Field: "name", Before: "Operators", After: "Ops"}, {Field: "permissions.audit", Before: "read", After: "full"}}},
		{"new JSON of a tenant disabled", `{"sessions_ended":3}`, nil},
		{"new JSON of a failed sign-in", `{"reason":"wrong password"}`, nil},
		{"new JSON of an impersonation", `{"ended":"expired","impersonation":7,"minutes":30}`, nil},
		{"no details", "", nil},
	} {
		if got := auditChanges(tc.details); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: auditChanges(%q) = %#v, want %#v", tc.name, tc.details, got, tc.want)
		}
	}
}
