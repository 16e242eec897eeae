package web_test

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"landlord/models/storetest"
)

// statementCalls is, by statement text, how often the store's request role
// has run each in its database, as pg_stat_statements counts them.
func (c *console) statementCalls() map[string]int64 {
	c.t.Helper()
	var rows []struct {
		Query string
		Calls int64
	}
	storetest.Scan(c.t, c.store, &rows, `SELECT s.query, s.calls FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
		WHERE r.rolname = ? AND s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`, c.store.AppRole())
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Query] += r.Calls
	}
	return out
}

// statementsOf is how many statements the request role runs for one GET of
// path on host (after one to warm up), and which.
func (c *console) statementsOf(b *browser, host, path string) (int64, string) {
	c.t.Helper()
	status(c.t.(*testing.T), path, b.get(host, path), http.StatusOK)
	before := c.statementCalls()
	status(c.t.(*testing.T), path, b.get(host, path), http.StatusOK)
	var n int64
	var which []string
	for q, calls := range c.statementCalls() {
		if d := calls - before[q]; d > 0 {
			n += d
			which = append(which, fmt.Sprintf("%d× %.160s", d, strings.Join(strings.Fields(q), " ")))
		}
	}
	return n, strings.Join(which, "\n")
}

// TestASubtenantsResourceListIsTheSessionCheckAndOneRead counts, on
// PostgreSQL, what the list of own and shared resources runs: the session
// check, the signed tenant entry and the one statement of the page with its
// total and its filters' kinds and groups, as the user list does.
func TestASubtenantsResourceListIsTheSessionCheckAndOneRead(t *testing.T) {
	if os.Getenv("LANDLORD_TEST_DATABASE_URL") == "" {
		t.Skip("counts PostgreSQL's statements: LANDLORD_TEST_DATABASE_URL is not set")
	}
	c := newConsole(t, "postgres")
	storetest.Exec(t, c.store, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
	ids := c.sharedWorld()
	b := c.browser()
	b.signedIn("acme.localhost", "admin@acme.example")
	users, _ := c.statementsOf(b, "acme.localhost", "/users")
	for _, path := range []string{"/resources", "/resources?page=2", "/resources?kind=network&q=shared&sort=updated", "/resources?group=" + id(ids["lab"])} {
		n, which := c.statementsOf(b, "acme.localhost", path)
		if n > 3 || n == 0 {
			t.Errorf("%s: %d statements, want the session check and at most two (the user list: %d):\n%s", path, n, users, which)
		}
		t.Logf("%s: %d statements (the user list: %d)", path, n, users)
	}
}
