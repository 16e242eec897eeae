package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
)

// impersonation is a master browser that started impersonating a user.
type impersonation struct {
	master *browser
	target uint64
	loc    *url.URL // the handoff it was sent to
}

// startImpersonating signs root in on the base domain (unless b is given)
// and posts the impersonation form for user id of sub.
func (c *console) tryImpersonating(b *browser, sub string, id uint64, reason string) *http.Response {
	c.t.Helper()
	path := "/tenants/" + sub + "/users/" + strconv.FormatUint(id, 10) + "/impersonate"
	return b.post("localhost", path, url.Values{"_csrf": {b.csrfOf("localhost")}, "reason": {reason}})
}

func (c *console) impersonate(sub string, id uint64) impersonation {
	c.t.Helper()
	return c.impersonateAs("root@example.com", sub, id)
}

// impersonateAs signs master user username in on the base domain, in a
// browser of its own, and starts impersonating user id of sub.
func (c *console) impersonateAs(username, sub string, id uint64) impersonation {
	c.t.Helper()
	b := c.browser()
	b.signedIn("localhost", username)
	res := c.tryImpersonating(b, sub, id, "Ticket 4711: cannot see their devices")
	if res.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("start impersonating: %d %s", res.StatusCode, doc(c.t, res).Find(`[data-testid="form-error"]`).Text())
	}
	loc, _ := url.Parse(res.Header.Get("Location"))
	if loc.Hostname() != sub+".localhost" || loc.Path != "/login/handoff" {
		c.t.Fatalf("sent to %s", loc)
	}
	if res := b.handoff(loc); res.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("handoff: %d", res.StatusCode)
	}
	return impersonation{master: b, target: id, loc: loc}
}

func (c *console) alice() uint64 {
	c.limitedUser("acme", "alice", models.Permissions{models.FeatureUsers: models.LevelFull, models.FeatureRoles: models.LevelFull, models.FeatureAudit: models.LevelRead})
	return c.userNamed("acme", "alice")
}

func signedInOn(b *browser, host string) bool {
	return b.get(host, "/").StatusCode == http.StatusOK
}

func TestImpersonationShowsItselfRecordsBothNamesAndEndsBackOnTheMasterConsole(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		im := c.impersonate("acme", c.alice())
		b := im.master
		d := b.mustSeeDashboard("acme.localhost")
		banner := d.Find(`[data-testid="impersonation-banner"]`).Text()
		if !strings.Contains(banner, "root@example.com") || !strings.Contains(banner, "alice") || !strings.Contains(banner, "min left") {
			t.Fatalf("banner: %q", banner)
		}
		// The master's own session is untouched.
		if !signedInOn(b, "localhost") || strings.Contains(b.mustSeeDashboard("localhost").Text(), "is impersonating") {
			t.Error("the master console lost its session or shows the banner")
		}
		// Acting: a role made while impersonating carries both names.
		res := b.post("acme.localhost", "/settings", url.Values{"_csrf": {b.csrfOf("acme.localhost")}, "version": {"1"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("an impersonator changed the tenant's settings: %d", res.StatusCode)
		}
		ctx := c.tenantCtx("acme")
		if _, err := c.store.CreateRole(models.WithActor(ctx, models.Actor{UserID: im.target, Name: "alice",
			Permissions: models.Permissions{models.FeatureRoles: models.LevelFull}, Impersonator: &models.Actor{UserID: 1, Name: "root@example.com", Master: true}}), models.NewRole{Name: "Made while impersonating"}); err != nil {
			t.Fatal(err)
		}
		// The audit page shows it with the impersonator.
		if got := doc(t, b.get("acme.localhost", "/audit?action=role.create")).Find(`[data-testid="audit-impersonator"]`).Text(); !strings.Contains(got, "root@example.com") {
			t.Errorf("audit row impersonator: %q", got)
		}

		res = b.post("acme.localhost", "/impersonation/end", url.Values{"_csrf": {b.csrfOf("acme.localhost")}})
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "http://localhost:") {
			t.Fatalf("end: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if signedInOn(b, "acme.localhost") {
			t.Error("still signed in on acme after ending")
		}
		if !signedInOn(b, "localhost") {
			t.Error("ending the impersonation signed the master out")
		}
		for _, sub := range []string{"acme", "master"} {
			evs, _, _ := c.store.AuditPage(c.tenantCtx(sub), models.AuditFilter{})
			seen := map[string]bool{}
			for _, e := range evs {
				seen[e.Action] = true
			}
			if !seen[models.ActionImpersonationStart] || !seen[models.ActionImpersonationEnd] {
				t.Errorf("%s's log lacks the start or the end: %v", sub, seen)
			}
		}
		// The tenant's support access page shows it, its reason and the change.
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		sa := doc(t, admin.get("acme.localhost", "/support-access"))
		row := sa.Find(`[data-testid="support-access-row"]`)
		if row.Length() != 1 || !strings.Contains(row.Text(), "Ticket 4711") || !strings.Contains(row.Find(`[data-testid="support-access-changes"]`).Text(), "role.create") {
			t.Errorf("support access: %q", row.Text())
		}
		// And alice hears of it at her next sign-in, once.
		told := func() bool {
			b := c.browser()
			if res := b.login("acme.localhost", "alice", password); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("alice signing in: %d", res.StatusCode)
			}
			got := b.mustSeeDashboard("acme.localhost").Text()
			return strings.Contains(got, "acted as you") && strings.Contains(got, "Ticket 4711")
		}
		if !told() {
			t.Error("alice was not told at sign-in")
		}
		if told() {
			t.Error("alice was told twice")
		}
	})
}

func TestImpersonationSessionWorksOnlyOnItsTenantsHost(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		im := c.impersonate("acme", c.alice())
		cookie := im.master.sessionCookie("acme.localhost")
		for _, host := range []string{"beta.localhost", "localhost"} {
			replay := c.browser()
			res := replay.call(http.MethodGet, host, "/users", "", "Cookie", cookie.Name+"="+cookie.Value)
			if res.StatusCode == http.StatusOK {
				t.Errorf("the impersonation cookie opened /users on %s", host)
			}
			// The person is told, on the login page the refusal leads to, and the host's tenant's log has it.
			if got := doc(t, replay.get(host, "/login")).Text(); !strings.Contains(got, "belongs to another tenant's address") {
				t.Errorf("%s: no message on the login page after the replay", host)
			}
			sub := strings.TrimSuffix(strings.TrimSuffix(host, "localhost"), ".")
			if sub == "" {
				sub = "master"
			}
			if evs, _, _ := c.store.AuditPage(c.tenantCtx(sub), models.AuditFilter{Action: models.ActionSessionRefused}); len(evs) != 1 {
				t.Errorf("%s's log has %d refused sessions, want 1", sub, len(evs))
			}
		}
		// Master pages do not exist on the tenant's host, impersonating or not.
		if res := im.master.get("acme.localhost", "/tenants"); res.StatusCode != http.StatusNotFound {
			t.Errorf("/tenants while impersonating: %d", res.StatusCode)
		}
		// The rights are alice's: she cannot export.
		if res := im.master.get("acme.localhost", "/audit/export"); res.StatusCode != http.StatusForbidden {
			t.Errorf("export while impersonating a user without export: %d", res.StatusCode)
		}
		// The handoff is spent.
		if res := c.browser().handoff(im.loc); res.StatusCode != http.StatusBadRequest {
			t.Errorf("replayed impersonation handoff: %d", res.StatusCode)
		}
	})
}

// endReasons are what the tenant's support access record says for the
// endings the console itself carries out.
var endReasons = map[string]string{
	"the impersonator signs out of the master console": "the impersonator signed out",
	"the target is disabled":                           "the user was disabled",
	"the tenant is disabled":                           "the tenant was disabled",
	"the tenant turns impersonation off":               "the tenant turned impersonation off",
}

func TestImpersonationEndsAtOnceWhenItsGroundsGo(t *testing.T) {
	cases := []struct {
		name string
		cut  func(c *console, im impersonation)
	}{
		{"the impersonator signs out of the master console", func(c *console, im impersonation) {
			im.master.post("localhost", "/logout", url.Values{"_csrf": {im.master.csrfOf("localhost")}})
		}},
		{"the impersonator is disabled", func(c *console, im impersonation) {
			storetest.Exec(c.t, c.store, "UPDATE users SET enabled = FALSE WHERE username = 'root@example.com'")
		}},
		{"the impersonator loses the permission", func(c *console, im impersonation) {
			storetest.Exec(c.t, c.store, `UPDATE roles SET permissions = '{"users":"full","roles":"full","audit":"read"}'
				WHERE id = (SELECT role_id FROM users WHERE username = 'root@example.com')`)
		}},
		{"the target is disabled", func(c *console, im impersonation) {
			if err := c.store.SetUserEnabled(c.tenantCtx("acme"), im.target, false); err != nil {
				c.t.Fatal(err)
			}
		}},
		{"the tenant is disabled", func(c *console, im impersonation) {
			if err := c.store.SetTenantEnabled(storetest.System(context.Background()), "acme", false); err != nil {
				c.t.Fatal(err)
			}
		}},
		{"the tenant turns impersonation off", func(c *console, im impersonation) {
			if err := c.store.SetImpersonationAllowed(c.tenantCtx("acme"), 1, false); err != nil {
				c.t.Fatal(err)
			}
		}},
		{"the time is up", func(c *console, im impersonation) {
			storetest.Exec(c.t, c.store, "UPDATE impersonations SET expires_at = ?", time.Now().Add(-time.Second))
		}},
		{"the impersonator's password is reset", func(c *console, im impersonation) {
			// Behind the store's back, so the session version is all that moves.
			storetest.Exec(c.t, c.store, "UPDATE users SET session_version = session_version + 1 WHERE username = 'root@example.com'")
		}},
		// The rest are states no store operation leaves (each of them ends
		// the impersonation's sessions too, or cannot happen), made by hand
		// so that the session check's own condition is all that ends it.
		{"the master session expires", func(c *console, im impersonation) {
			storetest.Exec(c.t, c.store, "UPDATE user_sessions SET expires_at = ? WHERE token_hash IN (SELECT impersonator_session_hash FROM impersonations)",
				time.Now().Add(-time.Second))
		}},
		{"the master session goes while the impersonator is signed in elsewhere", func(c *console, im impersonation) {
			c.browser().signedIn("localhost", "root@example.com")
			if n := storetest.Exec(c.t, c.store, "DELETE FROM user_sessions WHERE token_hash IN (SELECT impersonator_session_hash FROM impersonations)"); n != 1 {
				c.t.Fatalf("%d master sessions removed, want 1", n)
			}
		}},
		{"the impersonation names another master user than its session's", func(c *console, im impersonation) {
			c.limitedUser("master", "support", models.FullPermissions())
			storetest.Exec(c.t, c.store, "UPDATE impersonations SET impersonator_user_id = ?", c.userNamed("master", "support"))
		}},
		{"the master session is moved to another tenant", func(c *console, im impersonation) {
			forgeSessionTenant(c, "acme")
		}},
		{"the impersonation is marked ended but its session left", func(c *console, im impersonation) {
			storetest.Exec(c.t, c.store, "UPDATE impersonations SET ended_at = ?", time.Now())
		}},
		{"the session names another tenant's impersonation", func(c *console, im impersonation) {
			c.limitedUser("beta", "bob", models.Permissions{models.FeatureUsers: models.LevelRead})
			c.impersonate("beta", c.userNamed("beta", "bob"))
			storetest.Exec(c.t, c.store, `UPDATE user_sessions SET impersonation_id = (SELECT id FROM impersonations WHERE tenant_id = ?)
				WHERE impersonation_id IS NOT NULL AND tenant_id = ?`, c.mustTenant("beta").ID, c.mustTenant("acme").ID)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			forEachDB(t, func(t *testing.T, c *console) {
				im := c.impersonate("acme", c.alice())
				if !signedInOn(im.master, "acme.localhost") {
					t.Fatal("not impersonating to begin with")
				}
				tc.cut(c, im)
				if signedInOn(im.master, "acme.localhost") {
					t.Errorf("still impersonating after %s", tc.name)
				}
				// Where the tenant is told why, its record says the impersonation ended.
				if why, ok := endReasons[tc.name]; ok {
					log, err := c.store.SupportAccessLog(c.tenantCtx("acme"), 1)
					if err != nil || len(log) != 1 || log[0].EndedAt == nil || log[0].EndReason != why {
						t.Errorf("support access after %s: %+v %v", tc.name, log, err)
					}
				}
			})
		})
	}
}

// forgeSessionTenant moves the impersonator's master session into tenant
// sub, past the foreign key that names its user in its own tenant (the
// direct SQLite connection does not enforce foreign keys; on PostgreSQL the
// superuser skips their triggers for this one transaction).
func forgeSessionTenant(c *console, sub string) {
	c.t.Helper()
	move := fmt.Sprintf("UPDATE user_sessions SET tenant_id = %d WHERE token_hash IN (SELECT impersonator_session_hash FROM impersonations)", c.mustTenant(sub).ID)
	if c.store.Dialect() == "postgres" {
		move = "BEGIN; SET LOCAL session_replication_role = replica; " + move + "; COMMIT"
	}
	storetest.Exec(c.t, c.store, move)
}

func TestRefusedImpersonationsSayWhyAndAreRecorded(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		alice := c.alice()
		c.limitedUser("acme", "dora", models.Permissions{})
		dora := c.userNamed("acme", "dora")
		if err := c.store.SetUserEnabled(c.tenantCtx("acme"), dora, false); err != nil {
			t.Fatal(err)
		}
		c.limitedUser("master", "support", models.Permissions{models.FeatureImpersonation: models.LevelFull, models.FeatureUsers: models.LevelRead})
		root := c.browser()
		root.signedIn("localhost", "root@example.com")
		support := c.browser()
		support.signedIn("localhost", "support")
		cases := []struct {
			name string
			b    *browser
			sub  string
			id   uint64
			want string
		}{
			{"a master-tenant user", root, "master", c.userNamed("master", "support"), "master tenant cannot be impersonated"},
			{"a disabled user", root, "acme", dora, "disabled and cannot be impersonated"},
			{"more rights than the impersonator", support, "acme", alice, "more rights than you"},
		}
		for _, tc := range cases {
			res := c.tryImpersonating(tc.b, tc.sub, tc.id, "checking")
			msg := doc(t, res).Find(`[data-testid="form-error"]`).Text()
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, tc.want) {
				t.Errorf("%s: %d %q", tc.name, res.StatusCode, msg)
			}
		}
		res := c.tryImpersonating(root, "acme", alice, "  ")
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, res).Find(`#error-reason`).Text(), "Say why") {
			t.Errorf("no reason: %d", res.StatusCode)
		}
		if err := c.store.SetImpersonationAllowed(c.tenantCtx("acme"), 1, false); err != nil {
			t.Fatal(err)
		}
		res = c.tryImpersonating(root, "acme", alice, "checking")
		if msg := doc(t, res).Find(`[data-testid="form-error"]`).Text(); !strings.Contains(msg, "turned impersonation off") {
			t.Errorf("tenant said no: %q", msg)
		}
		storetest.Exec(t, c.store, "UPDATE tenant_settings SET allow_impersonation = TRUE")
		if err := c.store.SetTenantEnabled(storetest.System(context.Background()), "acme", false); err != nil {
			t.Fatal(err)
		}
		res = c.tryImpersonating(root, "acme", alice, "checking")
		if msg := doc(t, res).Find(`[data-testid="form-error"]`).Text(); !strings.Contains(msg, "is disabled; its users cannot") {
			t.Errorf("disabled tenant: %q", msg)
		}
		evs, _, _ := c.store.AuditPage(c.tenantCtx("master"), models.AuditFilter{Action: models.ActionImpersonationRefused})
		if len(evs) != 5 {
			t.Errorf("%d refusals recorded in the master's log, want 5", len(evs))
		}
	})
}

func TestTheTenantsSettingIsItsAdminsAndAudited(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("acme", "reader", models.Permissions{models.FeatureUsers: models.LevelRead})
		reader := c.browser()
		reader.signedIn("acme.localhost", "reader")
		if res := reader.post("acme.localhost", "/settings", url.Values{"_csrf": {reader.csrfOf("acme.localhost")}, "version": {"1"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("users: read turned it off: %d", res.StatusCode)
		}
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		res := admin.post("acme.localhost", "/settings", url.Values{"_csrf": {admin.csrfOf("acme.localhost")}, "version": {"1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("admin turning it off: %d", res.StatusCode)
		}
		st, _ := c.store.Settings(c.tenantCtx("acme"))
		if st.AllowImpersonation {
			t.Error("still allowed")
		}
		if st2, _ := c.store.Settings(c.tenantCtx("beta")); !st2.AllowImpersonation {
			t.Error("acme's setting changed beta's")
		}
		evs, _, _ := c.store.AuditPage(c.tenantCtx("acme"), models.AuditFilter{Action: models.ActionSettingsUpdate})
		if len(evs) != 1 || !strings.Contains(evs[0].Details, `"allow_impersonation":{"after":false,"before":true}`) {
			t.Errorf("settings audit: %+v", evs)
		}
	})
}

func TestAnImpersonatorCannotTakeTheAccountsKeys(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		alice := c.alice()
		im := c.impersonate("acme", alice)
		b := im.master
		id := strconv.FormatUint(alice, 10)
		res := b.post("acme.localhost", "/users/"+id+"/password", url.Values{"_csrf": {b.csrfOf("acme.localhost")},
			"password": {"a brand new passphrase"}, "password_confirm": {"a brand new passphrase"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, res).Text(), "Not while impersonating") {
			t.Errorf("setting alice's password while impersonating her: %d", res.StatusCode)
		}
		u, err := c.store.User(c.tenantCtx("acme"), alice)
		if err != nil {
			t.Fatal(err)
		}
		res = b.post("acme.localhost", "/users/"+id+"/edit", url.Values{"_csrf": {b.csrfOf("acme.localhost")}, "version": {strconv.Itoa(u.Version)},
			"username": {u.Username}, "email": {"attacker@evil.example"}, "role": {strconv.FormatUint(*u.RoleID, 10)}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, res).Text(), "Not while impersonating") {
			t.Errorf("changing alice's email while impersonating her: %d", res.StatusCode)
		}
		if after, _ := c.store.User(c.tenantCtx("acme"), alice); after.Email != u.Email || after.Version != u.Version {
			t.Errorf("alice's account changed: %+v", after)
		}
	})
}

// flashes are the one-time messages a page shows.
func flashes(t testing.TB, res *http.Response) string {
	t.Helper()
	return doc(t, res).Find(`[data-testid="flash"]`).Text()
}

// Signing out inside an impersonation ends it as ending it does: its record
// says it ended (so the tenant is never told it is still running), its end
// is in both logs, and the page after the sign-out says so.
func TestSigningOutOfAnImpersonationEndsIt(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		im := c.impersonate("acme", c.alice())
		b := im.master
		res := b.post("acme.localhost", "/logout", url.Values{"_csrf": {b.csrfOf("acme.localhost")}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Fatalf("sign out: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if got := flashes(t, b.get("acme.localhost", "/login")); !strings.Contains(got, "impersonation of alice has ended") {
			t.Errorf("the page after signing out says %q", got)
		}
		if signedInOn(b, "acme.localhost") {
			t.Error("still signed in on acme")
		}
		if !signedInOn(b, "localhost") {
			t.Error("signing out of the impersonation signed the master out")
		}
		log, err := c.store.SupportAccessLog(c.tenantCtx("acme"), 1)
		if err != nil || len(log) != 1 || log[0].EndedAt == nil || log[0].EndReason != "the impersonator signed out" {
			t.Fatalf("support access after signing out: %+v %v", log, err)
		}
		for _, sub := range []string{"acme", "master"} {
			evs, _, _ := c.store.AuditPage(c.tenantCtx(sub), models.AuditFilter{Action: models.ActionImpersonationEnd})
			if len(evs) != 1 {
				t.Errorf("%s's log has %d impersonation ends, want 1", sub, len(evs))
			}
		}
		// The tenant's support access page no longer tells it as running.
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		if row := doc(t, admin.get("acme.localhost", "/support-access")).Find(`[data-testid="support-access-row"]`).Text(); !strings.Contains(row, "signed out") {
			t.Errorf("support access row: %q", row)
		}
	})
}

// Ending an impersonation returns to the master console, whose page says it
// ended; the same address in another master session, or for a running
// impersonation, says nothing.
func TestEndingAnImpersonationSaysSoBackOnTheMasterConsole(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		alice := c.alice()
		im := c.impersonate("acme", alice)
		b := im.master
		res := b.post("acme.localhost", "/impersonation/end", url.Values{"_csrf": {b.csrfOf("acme.localhost")}})
		loc, _ := url.Parse(res.Header.Get("Location"))
		if res.StatusCode != http.StatusSeeOther || loc.Hostname() != "localhost" {
			t.Fatalf("end: %d %s", res.StatusCode, loc)
		}
		if got := flashes(t, b.get("localhost", loc.RequestURI())); !strings.Contains(got, "impersonation of alice has ended") {
			t.Errorf("the master console after the end says %q", got)
		}
		other := c.browser()
		other.signedIn("localhost", "root@example.com")
		if got := flashes(t, other.get("localhost", loc.RequestURI())); got != "" {
			t.Errorf("another master session is told %q", got)
		}
		running := c.impersonate("acme", alice)
		if got := flashes(t, running.master.get("localhost", "/tenants/acme/users/"+itoa(alice)+"?ended="+itoa(running.id(t, c)))); got != "" {
			t.Errorf("a running impersonation is told as ended: %q", got)
		}
	})
}

// id is the impersonation's id, the newest of the tenant's.
func (im impersonation) id(t *testing.T, c *console) uint64 {
	t.Helper()
	log, err := c.store.SupportAccessLog(c.tenantCtx("acme"), 1)
	if err != nil || len(log) != 1 {
		t.Fatalf("support access: %v %v", log, err)
	}
	return log[0].ID
}
