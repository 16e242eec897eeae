package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"landlord/models"
)

// giveRole has b, signed in on host as an admin of sub, give user id the
// role roleID through the user's edit form.
func (c *console) giveRole(b *browser, host, sub string, id, roleID uint64) {
	c.t.Helper()
	u, ok := c.userIn(sub, id)
	if !ok {
		c.t.Fatalf("no user %d in %s", id, sub)
	}
	form := url.Values{"_csrf": {b.csrfOf(host)}, "version": {strconv.Itoa(u.Version)}, "username": {u.Username}, "email": {u.Email},
		"first_name": {u.FirstName}, "last_name": {u.LastName}, "role": {itoa(roleID)}}
	if res := b.post(host, "/users/"+itoa(id)+"/edit", form); res.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("giving user %d of %s role %d: %d %s", id, sub, roleID, res.StatusCode, doc(c.t, res).Find(`[data-testid="form-error"], .field-error`).Text())
	}
}

// newRole makes a role in tenant sub granting perms only, and returns its id.
func (c *console) newRole(sub, name string, perms models.Permissions) uint64 {
	c.t.Helper()
	r, err := c.store.CreateRole(c.inTenant(sub), models.NewRole{Name: name, Permissions: perms})
	if err != nil {
		c.t.Fatal(err)
	}
	return r.ID
}

// statuses asks for each path on host and returns path → status.
func statuses(b *browser, host string, paths ...string) map[string]int {
	out := map[string]int{}
	for _, p := range paths {
		out[p] = b.get(host, p).StatusCode
	}
	return out
}

// wantStatuses fails the test for each path whose answer is not want.
func wantStatuses(t *testing.T, when string, got map[string]int, want int) {
	t.Helper()
	for p, st := range got {
		if st != want {
			t.Errorf("%s: GET %s = %d, want %d", when, p, st, want)
		}
	}
}

// rightInBanner is the banner's row for feature f: its level in force and
// what limits it.
func rightInBanner(t *testing.T, d *goquery.Document, f models.Feature) (level, limitedBy string) {
	t.Helper()
	row := d.Find(`[data-testid="impersonation-banner"] [data-testid="impersonation-right"][data-feature="` + string(f) + `"]`)
	if row.Length() != 1 {
		t.Fatalf("the banner has %d rows for %s", row.Length(), f)
	}
	level, _ = row.Attr("data-level")
	limitedBy, _ = row.Attr("data-limited-by")
	return level, limitedBy
}

// actorOn is the actor the server builds for b's next request on host.
func (c *console) actorOn(b *browser, host string) models.Actor {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.at(host, "/"), nil)
	for _, ck := range b.client.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	a, ok := c.server.ActorOf(req)
	if !ok {
		c.t.Fatalf("nobody is signed in on %s", host)
	}
	return a
}

func hasNav(d *goquery.Document, href string) bool {
	return d.Find(`[data-testid="nav"] a[href="`+href+`"]`).Length() > 0
}

// The tenant's own admin raising the impersonated user's role, in their own
// session, gives the running impersonation nothing the impersonator lacks:
// what both hold (users) rises, the rest stays refused, on every route, in
// the navigation and in the request's actor.
func TestRaisingTheTargetMidImpersonationGivesNothingBeyondTheImpersonator(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("master", "support", models.Permissions{models.FeatureImpersonation: models.LevelFull, models.FeatureUsers: models.LevelFull})
		c.limitedUser("acme", "helpdesk", models.Permissions{models.FeatureUsers: models.LevelRead})
		helpdesk := c.userNamed("acme", "helpdesk")
		im := c.impersonateAs("support", "acme", helpdesk)
		b := im.master
		wantStatuses(t, "before the raise", statuses(b, "acme.localhost", "/users"), http.StatusOK)
		wantStatuses(t, "before the raise", statuses(b, "acme.localhost", "/users/new", "/audit", "/roles"), http.StatusForbidden)

		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		c.giveRole(admin, "acme.localhost", "acme", helpdesk, c.roleID("acme", models.AdminRoleName))

		// The raise is in force up to what support holds: users, to full.
		wantStatuses(t, "after the raise", statuses(b, "acme.localhost", "/users", "/users/new"), http.StatusOK)
		wantStatuses(t, "after the raise", statuses(b, "acme.localhost",
			"/audit", "/audit/export", "/audit/verify", "/roles", "/roles/new", "/users/export"), http.StatusForbidden)
		d := b.mustSeeDashboard("acme.localhost")
		if hasNav(d, "/audit") || hasNav(d, "/roles") || !hasNav(d, "/users") {
			t.Errorf("navigation after the raise: %q", d.Find(`[data-testid="nav"]`).Text())
		}
		if l, by := rightInBanner(t, d, models.FeatureAudit); l != "none" || by != "impersonator" {
			t.Errorf("banner, audit: %s limited by %q, want none limited by the impersonator", l, by)
		}
		if l, by := rightInBanner(t, d, models.FeatureUsers); l != "full" || by != "" {
			t.Errorf("banner, users: %s limited by %q, want full", l, by)
		}
		a := c.actorOn(b, "acme.localhost")
		if a.Impersonator == nil || a.Permissions.Level(models.FeatureAudit) != models.LevelNone ||
			a.Permissions.Level(models.FeatureRoles) != models.LevelNone || a.Permissions.Level(models.FeatureUsers) != models.LevelFull {
			t.Errorf("the actor's rights after the raise: %v", a.Permissions)
		}
		// The user's own rights page still describes the user.
		perms := doc(t, b.get("acme.localhost", "/users/"+itoa(helpdesk)+"/permissions"))
		if got, _ := perms.Find(`[data-testid="right-row"][data-feature="audit"] [data-testid="right-effective"]`).Attr("data-level"); got != "full" {
			t.Errorf("helpdesk's own audit right on the permissions page: %q, want full", got)
		}
		// helpdesk signing in themselves has everything.
		own := c.browser()
		own.signedIn("acme.localhost", "helpdesk")
		wantStatuses(t, "helpdesk themselves", statuses(own, "acme.localhost", "/audit", "/roles/new"), http.StatusOK)
	})
}

// The master lowering the impersonator's own rights (another role, still
// with impersonation: full) lowers the running impersonation on its next
// request.
func TestLoweringTheImpersonatorMidImpersonationLowersItOnTheNextRequest(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("master", "support", models.Permissions{models.FeatureImpersonation: models.LevelFull, models.FeatureUsers: models.LevelFull,
			models.FeatureRoles: models.LevelFull, models.FeatureAudit: models.LevelFull, models.FeatureExport: models.LevelFull})
		support := c.userNamed("master", "support")
		im := c.impersonateAs("support", "acme", c.alice())
		b := im.master
		wantStatuses(t, "before lowering", statuses(b, "acme.localhost", "/users/new", "/audit", "/roles/new"), http.StatusOK)

		less := c.newRole("master", "Support, lesser", models.Permissions{models.FeatureImpersonation: models.LevelFull, models.FeatureUsers: models.LevelRead})
		root := c.browser()
		root.signedIn("localhost", "root@example.com")
		c.giveRole(root, "localhost", "master", support, less)

		if !signedInOn(b, "acme.localhost") {
			t.Fatal("the impersonation ended; it should go on with less")
		}
		wantStatuses(t, "after lowering", statuses(b, "acme.localhost", "/users"), http.StatusOK)
		wantStatuses(t, "after lowering", statuses(b, "acme.localhost", "/users/new", "/audit", "/audit/export", "/roles", "/roles/new"), http.StatusForbidden)
		d := b.mustSeeDashboard("acme.localhost")
		if hasNav(d, "/audit") || hasNav(d, "/roles") {
			t.Errorf("navigation after lowering: %q", d.Find(`[data-testid="nav"]`).Text())
		}
		// The dashboard's note on the tenant's cap is not taken in by the
		// impersonator's lower rights: acme's cap lowers nothing.
		if n := d.Find(`[data-testid="capped-note"]`); n.Length() != 0 {
			t.Errorf("the dashboard blames the tenant's cap: %q", n.Text())
		}
		if l, by := rightInBanner(t, d, models.FeatureUsers); l != "read" || by != "impersonator" {
			t.Errorf("banner, users: %s limited by %q, want read limited by the impersonator", l, by)
		}
		if got := d.Find(`[data-testid="impersonation-limited-by-you"]`).Text(); !strings.Contains(got, "3") {
			t.Errorf("banner summary: %q, want yours lowering 3 (users, roles, audit)", got)
		}
		a := c.actorOn(b, "acme.localhost")
		if a.Permissions.Level(models.FeatureUsers) != models.LevelRead || a.Permissions.Level(models.FeatureAudit) != models.LevelNone ||
			a.Impersonator == nil || a.Impersonator.Permissions.Level(models.FeatureUsers) != models.LevelRead {
			t.Errorf("the actor after lowering: %v, impersonator %+v", a.Permissions, a.Impersonator)
		}
	})
}

// Where the user holds less than the impersonator, the user's rights are in
// force, and the banner says they are what limits.
func TestTheTargetsLowerRightsAreInForceWhileImpersonated(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("master", "support", models.Permissions{models.FeatureImpersonation: models.LevelFull, models.FeatureUsers: models.LevelFull,
			models.FeatureRoles: models.LevelFull, models.FeatureAudit: models.LevelFull})
		c.limitedUser("acme", "helpdesk", models.Permissions{models.FeatureUsers: models.LevelRead})
		b := c.impersonateAs("support", "acme", c.userNamed("acme", "helpdesk")).master
		wantStatuses(t, "as helpdesk", statuses(b, "acme.localhost", "/users"), http.StatusOK)
		wantStatuses(t, "as helpdesk", statuses(b, "acme.localhost", "/users/new", "/audit", "/roles"), http.StatusForbidden)
		d := b.mustSeeDashboard("acme.localhost")
		for f, want := range map[models.Feature][2]string{
			models.FeatureUsers: {"read", "target"}, models.FeatureAudit: {"none", "target"}, models.FeatureExport: {"none", "both"},
		} {
			if l, by := rightInBanner(t, d, f); l != want[0] || by != want[1] {
				t.Errorf("banner, %s: %s limited by %q, want %s limited by %q", f, l, by, want[0], want[1])
			}
		}
		if d.Find(`[data-testid="impersonation-limited-by-you"]`).Length() != 0 {
			t.Error("the banner says the impersonator's rights limit something")
		}
		if got := d.Find(`[data-testid="impersonation-rights"] summary`).Text(); !strings.Contains(got, "helpdesk's and yours") {
			t.Errorf("banner summary: %q", got)
		}
	})
}

// Resetting the impersonator's password ends their master sessions (the
// session version moves on), and with them every impersonation they run,
// on its next request.
func TestResettingTheImpersonatorsPasswordEndsTheirImpersonations(t *testing.T) {
	const newPassword = "another long passphrase for root"
	cases := []struct {
		name  string
		reset func(c *console)
	}{
		{"another master admin, in the console", func(c *console) {
			c.limitedUser("master", "second-admin", models.FullPermissions())
			other := c.browser()
			other.signedIn("localhost", "second-admin")
			res := other.post("localhost", "/users/"+itoa(c.userNamed("master", "root@example.com"))+"/password",
				url.Values{"_csrf": {other.csrfOf("localhost")}, "password": {newPassword}, "password_confirm": {newPassword}})
			if res.StatusCode != http.StatusSeeOther {
				c.t.Fatalf("resetting root's password: %d", res.StatusCode)
			}
		}},
		{"landlord set-admin-password", func(c *console) {
			if _, err := c.store.SetAdminPassword(context.Background(), "master", "root@example.com", newPassword); err != nil {
				c.t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			forEachDB(t, func(t *testing.T, c *console) {
				im := c.impersonate("acme", c.alice())
				if !signedInOn(im.master, "acme.localhost") {
					t.Fatal("not impersonating to begin with")
				}
				tc.reset(c)
				if signedInOn(im.master, "acme.localhost") {
					t.Error("still impersonating after the impersonator's password was reset")
				}
			})
		})
	}
}

// Two impersonations running in one tenant at once, and a session of the
// tenant's own admin beside them: each session is checked against its own
// impersonation only, so each names its own impersonator and has its own
// rights, and the admin's is no impersonation at all.
func TestImpersonationsRunningSideBySideKeepEachTheirOwn(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("master", "support", models.Permissions{models.FeatureImpersonation: models.LevelFull, models.FeatureUsers: models.LevelFull})
		c.limitedUser("acme", "helpdesk", models.Permissions{models.FeatureUsers: models.LevelRead})
		byRoot := c.impersonate("acme", c.alice()).master
		bySupport := c.impersonateAs("support", "acme", c.userNamed("acme", "helpdesk")).master
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")

		for _, tc := range []struct {
			b                  *browser
			name, impersonator string
			roles              int
		}{
			{byRoot, "alice", "root@example.com", http.StatusOK},
			{bySupport, "helpdesk", "support", http.StatusForbidden},
		} {
			a := c.actorOn(tc.b, "acme.localhost")
			if a.Name != tc.name || a.Impersonator == nil || a.Impersonator.Name != tc.impersonator {
				t.Errorf("%s's impersonation is checked as %s by %+v", tc.impersonator, a.Name, a.Impersonator)
			}
			if got := tc.b.get("acme.localhost", "/roles/new").StatusCode; got != tc.roles {
				t.Errorf("%s as %s: /roles/new %d, want %d", tc.impersonator, tc.name, got, tc.roles)
			}
		}
		if a := c.actorOn(admin, "acme.localhost"); a.Impersonator != nil || a.ImpersonationID != 0 {
			t.Errorf("the admin's own session is taken for an impersonation: %+v", a)
		}
		if admin.mustSeeDashboard("acme.localhost").Find(`[data-testid="impersonation-banner"]`).Length() != 0 {
			t.Error("the admin's own dashboard shows an impersonation banner")
		}
	})
}
