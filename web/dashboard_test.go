package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"landlord/models"
)

// dashCount is the dashboard's count of key ("" when not shown).
func dashCount(d *goquery.Document, key string) string {
	return d.Find(`[data-testid="dashboard-count"][data-count="`+key+`"]`).AttrOr("data-n", "")
}

func attrs(d *goquery.Document, sel, attr string) map[string]bool {
	out := map[string]bool{}
	d.Find(sel).Each(func(_ int, s *goquery.Selection) { out[s.AttrOr(attr, "")] = true })
	return out
}

// Acme and beta hold different numbers of users, beta has a limit, each has
// events of its own and an impersonation running: each dashboard counts,
// lists and shows only its own tenant's; the master's shows every running
// impersonation and the number of tenants.
func TestDashboardShowsOnlyTheVisitorsTenant(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("beta", "bob", models.Permissions{models.FeatureUsers: models.LevelRead})
		c.limitedUser("beta", "bea", models.Permissions{models.FeatureUsers: models.LevelRead})
		c.limitedUser("acme", "reader", models.Permissions{models.FeatureUsers: models.LevelRead})
		// acme's reader holds users: read and no audit.
		c.limitedUser("acme", "plain", models.Permissions{})
		alice, bob := c.alice(), c.userNamed("beta", "bob")
		c.impersonate("acme", alice)
		c.impersonate("beta", bob)

		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		beta := c.browser()
		beta.signedIn("beta.localhost", "admin@beta.example")
		master := c.browser()
		master.signedIn("localhost", "root@example.com")

		a, b, m := admin.mustSeeDashboard("acme.localhost"), beta.mustSeeDashboard("beta.localhost"), master.mustSeeDashboard("localhost")
		// acme: its admin, alice, reader, plain; beta: its admin, bob, bea.
		if got := dashCount(a, "users"); got != "4" {
			t.Errorf("acme's dashboard counts %s users, want 4", got)
		}
		if got := dashCount(b, "users"); got != "3" {
			t.Errorf("beta's dashboard counts %s users, want 3", got)
		}
		if got := dashCount(a, "tenants"); got != "" {
			t.Errorf("a subtenant's dashboard counts tenants: %s", got)
		}
		if got := dashCount(m, "tenants"); got != "3" {
			t.Errorf("the master's dashboard counts %s tenants, want 3", got)
		}

		// The latest events are each tenant's own, each a link to itself.
		own := func(sub string) map[string]bool {
			evs, _, err := c.store.AuditPage(c.tenantCtx(sub), models.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			ids := map[string]bool{}
			for _, e := range evs {
				ids[strconv.FormatUint(e.ID, 10)] = true
			}
			return ids
		}
		acmeEvents, betaEvents := own("acme"), own("beta")
		for _, tc := range []struct {
			who       string
			d         *goquery.Document
			mine, not map[string]bool
		}{{"acme", a, acmeEvents, betaEvents}, {"beta", b, betaEvents, acmeEvents}} {
			shown := attrs(tc.d, `[data-testid="latest-event"]`, "data-event")
			if len(shown) == 0 {
				t.Errorf("%s's dashboard shows no event", tc.who)
			}
			for id := range shown {
				if !tc.mine[id] || tc.not[id] {
					t.Errorf("%s's dashboard shows event %s, not its own", tc.who, id)
				}
				if tc.d.Find(`[data-testid="latest-event"][data-event="`+id+`"] a[href="/audit/`+id+`"]`).Length() != 1 {
					t.Errorf("%s's event %s is not a link to itself", tc.who, id)
				}
			}
		}

		// Running impersonations: each tenant its own, the master all of them.
		tenantsOf := func(d *goquery.Document) map[string]bool {
			return attrs(d, `[data-testid="running-impersonation"]`, "data-tenant")
		}
		if got := tenantsOf(a); len(got) != 1 || !got["acme"] {
			t.Errorf("acme's dashboard shows impersonations of %v", got)
		}
		if got := tenantsOf(b); len(got) != 1 || !got["beta"] {
			t.Errorf("beta's dashboard shows impersonations of %v", got)
		}
		if got := tenantsOf(m); len(got) != 2 || !got["acme"] || !got["beta"] {
			t.Errorf("the master's dashboard shows impersonations of %v, want acme and beta", got)
		}
		if a.Find(`[data-testid="end-running"]`).Length() != 0 || m.Find(`[data-testid="end-running"]`).Length() != 2 {
			t.Error("End is offered to the subtenant, or not to the master")
		}

		// Without audit rights: no events, no impersonations; the counts
		// the person may read stay.
		for _, who := range []string{"reader", "plain"} {
			p := c.browser()
			p.signedIn("acme.localhost", who)
			d := p.mustSeeDashboard("acme.localhost")
			if d.Find(`[data-testid="latest-event"], [data-testid="latest-events-none"], [data-testid="running-impersonation"], [data-testid="running-none"]`).Length() != 0 {
				t.Errorf("%s, without audit rights, sees the audit events or the impersonations", who)
			}
			if want := map[string]string{"reader": "4", "plain": ""}[who]; dashCount(d, "users") != want {
				t.Errorf("%s sees the user count %q, want %q", who, dashCount(d, "users"), want)
			}
		}
	})
}

// The master ends a running impersonation from the dashboard: it ends at
// once, on the record; nobody else can, and not on a tenant's host.
func TestTheMasterEndsARunningImpersonationFromTheDashboard(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		im := c.impersonate("acme", c.alice())
		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		row := master.mustSeeDashboard("localhost").Find(`[data-testid="running-impersonation"]`)
		id := row.AttrOr("data-impersonation", "")
		action := row.Find("form").AttrOr("action", "")
		if id == "" || action != "/impersonations/"+id+"/end" {
			t.Fatalf("the row %q posts to %q", id, action)
		}
		// acme's admin cannot end it on acme's host: the route is the master's.
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		if res := admin.post("acme.localhost", action, url.Values{"_csrf": {admin.csrfOf("acme.localhost")}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("acme's admin ending it: %d, want 404", res.StatusCode)
		}
		if !signedInOn(im.master, "acme.localhost") {
			t.Fatal("the impersonation ended before the master ended it")
		}
		// Without the CSRF token, nothing.
		if res := master.post("localhost", action, url.Values{}); res.StatusCode != http.StatusForbidden {
			t.Errorf("without CSRF: %d, want 403", res.StatusCode)
		}
		res := master.post("localhost", action, url.Values{"_csrf": {master.csrfOf("localhost")}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
			t.Fatalf("ending it: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if signedInOn(im.master, "acme.localhost") {
			t.Error("the impersonation's session still works")
		}
		if n := master.mustSeeDashboard("localhost").Find(`[data-testid="running-impersonation"]`).Length(); n != 0 {
			t.Errorf("the dashboard still lists %d running", n)
		}
		evs, _, _ := c.store.AuditPage(c.tenantCtx("acme"), models.AuditFilter{Action: models.ActionImpersonationEnd})
		if len(evs) != 1 || !strings.Contains(evs[0].Details, "ended by root@example.com from the master console") {
			t.Errorf("acme's log has %d impersonation ends (%v), want 1 saying who ended it", len(evs), evs)
		}
		// An unknown one is not found.
		if res := master.post("localhost", "/impersonations/999999/end", url.Values{"_csrf": {master.csrfOf("localhost")}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("an unknown impersonation: %d, want 404", res.StatusCode)
		}
	})
}
