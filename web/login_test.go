package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

func TestMasterAdminLogsInOnBaseDomain(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("localhost", "root@example.com")
		d := b.mustSeeDashboard("localhost")
		if got := d.Find(`[data-testid="tenant-name"]`).Text(); !strings.Contains(got, "Master") {
			t.Errorf("header tenant name %q", got)
		}
	})
}

func TestTenantUserLogsInOnItsHostByUsernameOrEmail(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		// A user whose username is not their email, so each login names them differently.
		if _, err := c.store.SetAdminPassword(context.Background(), "acme", "ops@acme.example", password); err != nil {
			t.Fatal(err)
		}
		storetest.RenameUser(t, c.store, "ops@acme.example", "olivia")
		for _, login := range []struct{ host, name string }{
			{"acme.localhost", "olivia"},
			{"ACME.localhost", "OPS@acme.example"},
		} {
			b := c.browser()
			b.signedIn(login.host, login.name)
			who := b.mustSeeDashboard(login.host).Find(`[data-testid="dashboard-user"] code`).Text()
			if who != "olivia" {
				t.Errorf("signed in as %s on %s: dashboard of %q, want olivia's", login.name, login.host, who)
			}
		}
	})
}

func TestSubdomainBackslashLoginOnBaseDomainHandsOffToTenantHost(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		res := b.login("localhost", `acme\admin@acme.example`, password)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d", res.StatusCode)
		}
		loc, _ := url.Parse(res.Header.Get("Location"))
		if loc.Hostname() != "acme.localhost" || loc.Path != "/login/handoff" || loc.Query().Get("token") == "" {
			t.Fatalf("redirect %s", loc)
		}
		for _, sc := range res.Cookies() {
			if sc.Name == "landlord_session" && sc.Domain != "" {
				t.Fatalf("session cookie with Domain %q", sc.Domain)
			}
		}
		if b.sessionCookie("localhost") != nil && b.get("localhost", "/").StatusCode == http.StatusOK {
			t.Fatal("base domain got a signed-in session for a tenant user")
		}
		res = b.handoff(loc)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
			t.Fatalf("handoff: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		d := b.mustSeeDashboard("acme.localhost")
		if got := d.Find(`[data-testid="dashboard-tenant"]`).Text(); !strings.Contains(got, "acme") {
			t.Errorf("dashboard tenant %q", got)
		}

		// The token is single-use: a second browser replaying it gets no session.
		other := c.browser()
		res = other.handoff(loc)
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("replayed handoff: %d", res.StatusCode)
		}
		if other.get("acme.localhost", "/").StatusCode != http.StatusSeeOther {
			t.Fatal("replayed handoff opened a session")
		}
	})
}

func TestHandoffTokenOnlyOpensItsOwnTenant(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		loc, _ := url.Parse(b.login("localhost", `acme\admin@acme.example`, password).Header.Get("Location"))
		loc.Host = "beta.localhost:" + c.url.Port()
		res := b.handoff(loc)
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("acme token on beta: %d", res.StatusCode)
		}
		if b.get("beta.localhost", "/").StatusCode != http.StatusSeeOther {
			t.Fatal("acme token opened a beta session")
		}
	})
}

// handoff follows a base-domain login's redirect to loc as a browser does:
// the 303's Referrer-Policy makes the Referer the base domain's origin.
func (b *browser) handoff(loc *url.URL) *http.Response {
	b.c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, loc.String(), nil)
	req.Header.Set("Referer", "http://localhost:"+b.c.url.Port()+"/")
	req.Header.Set("Sec-Fetch-Site", "same-site")
	return b.do(req)
}

func TestHandoffIsTakenOnlyFromTheBaseDomainsOrigin(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		port := c.url.Port()
		base := "http://localhost:" + port
		// Each case is header name, value pairs; Fetch Metadata says nothing either
		// way. (Fewer than 15 cases: each takes a login and a handoff, and both
		// are rate-limited per address to a burst of 30.)
		refused := map[string][]string{
			"no Referer, no Fetch Metadata":     nil,
			"no Referer, same-site":             {"Sec-Fetch-Site", "same-site"},
			"no Referer, typed in":              {"Sec-Fetch-Site", "none"},
			"another site":                      {"Sec-Fetch-Site", "cross-site", "Referer", "http://evil.example/"},
			"a sibling tenant's host":           {"Sec-Fetch-Site", "same-site", "Referer", "http://beta.localhost:" + port + "/"},
			"the tenant's own host":             {"Sec-Fetch-Site", "same-origin", "Referer", "http://acme.localhost:" + port + "/"},
			"the base domain on another port":   {"Sec-Fetch-Site", "same-site", "Referer", "http://localhost:1/"},
			"the base domain over https":        {"Sec-Fetch-Site", "same-site", "Referer", "https://localhost:" + port + "/"},
			"a look-alike host":                 {"Referer", "http://localhost.evil.example:" + port + "/"},
			"Origin of a sibling, base Referer": {"Origin", "http://beta.localhost:" + port, "Referer", base + "/"},
			"Origin null":                       {"Origin", "null"},
		}
		taken := map[string][]string{
			"base Referer, same-site":          {"Sec-Fetch-Site", "same-site", "Referer", base + "/"},
			"base Origin, cross-site":          {"Sec-Fetch-Site", "cross-site", "Origin", base},
			"base Referer, upper case, dotted": {"Referer", "http://LOCALHOST.:" + port + "/"},
		}
		send := func(name string, header []string) int {
			b := c.browser()
			loc, _ := url.Parse(b.login("localhost", `acme\admin@acme.example`, password).Header.Get("Location"))
			req, _ := http.NewRequest(http.MethodGet, loc.String(), nil)
			for i := 0; i+1 < len(header); i += 2 {
				req.Header.Set(header[i], header[i+1])
			}
			return b.do(req).StatusCode
		}
		for name, header := range refused {
			if got := send(name, header); got != http.StatusForbidden {
				t.Errorf("handoff with %s: %d, want 403", name, got)
			}
		}
		for name, header := range taken {
			if got := send(name, header); got != http.StatusSeeOther {
				t.Errorf("handoff with %s: %d, want 303", name, got)
			}
		}
	})
}

func TestEveryLoginFailureLooksTheSame(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		if err := c.store.SetTenantEnabled(storetest.System(context.Background()), "beta", false); err != nil {
			t.Fatal(err)
		}
		cases := []struct{ name, host, user, pw string }{
			{"bad password", "acme.localhost", "admin@acme.example", "wrong password here"},
			{"unknown user", "acme.localhost", "nobody", password},
			{"user of another tenant", "acme.localhost", "admin@beta.example", password},
			{"unknown tenant", "localhost", `nosuch\admin@acme.example`, password},
			{"disabled tenant", "localhost", `beta\admin@beta.example`, password},
			{"disabled tenant on its host, bad password", "beta.localhost", "admin@beta.example", "wrong password here"},
			{"disabled tenant on its host, unknown user", "beta.localhost", "nobody", password},
		}
		var first string
		for _, tc := range cases {
			res := c.browser().login(tc.host, tc.user, tc.pw)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s: status %d", tc.name, res.StatusCode)
			}
			d := doc(t, res)
			msg := d.Find(`[data-testid="login-error"]`).Text()
			if v, _ := d.Find(`input[name="username"]`).Attr("value"); v != tc.user {
				t.Errorf("%s: username not kept: %q", tc.name, v)
			}
			if first == "" {
				first = msg
			}
			if msg == "" || msg != first {
				t.Errorf("%s: message %q, want %q", tc.name, msg, first)
			}
		}
	})
}

func TestLoginRotatesSessionAndCSRFToken(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		before := b.csrf("acme.localhost")
		cookieBefore := b.sessionCookie("acme.localhost").Value
		res := b.post("acme.localhost", "/login", url.Values{"username": {"admin@acme.example"}, "password": {password}, "_csrf": {before}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: %d", res.StatusCode)
		}
		if b.sessionCookie("acme.localhost").Value == cookieBefore {
			t.Fatal("session cookie did not change at login")
		}
		// The pre-login token no longer works.
		res = b.post("acme.localhost", "/logout", url.Values{"_csrf": {before}})
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("logout with pre-login token: %d", res.StatusCode)
		}
	})
}

func TestSessionCookieIsHostOnlyHttpOnlyLax(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		res := c.browser().get("acme.localhost", "/login")
		var found bool
		for _, raw := range res.Header.Values("Set-Cookie") {
			if !strings.HasPrefix(raw, "landlord_session=") {
				continue
			}
			found = true
			low := strings.ToLower(raw)
			if strings.Contains(low, "domain=") || !strings.Contains(low, "httponly") || !strings.Contains(low, "samesite=lax") {
				t.Errorf("cookie attributes: %s", raw)
			}
		}
		if !found {
			t.Fatal("no session cookie set")
		}
	})
}

func TestLogoutIsAPostAndEndsTheSession(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		if res := b.get("acme.localhost", "/logout"); res.StatusCode != http.StatusMethodNotAllowed && res.StatusCode != http.StatusNotFound {
			t.Fatalf("GET /logout: %d", res.StatusCode)
		}
		d := b.mustSeeDashboard("acme.localhost")
		tok, _ := d.Find(`input[name="_csrf"]`).Attr("value")
		res := b.post("acme.localhost", "/logout", url.Values{"_csrf": {tok}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Fatalf("logout: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if res := b.get("acme.localhost", "/"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("dashboard after logout: %d", res.StatusCode)
		}
		acme, _ := c.store.TenantBySubdomain(context.Background(), "acme")
		events, err := c.store.AuditEvents(storetest.System(models.WithTenant(context.Background(), acme.ID)), 10)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range events {
			actions = append(actions, e.Action)
		}
		if len(actions) < 2 || actions[0] != "logout" || actions[1] != "login" {
			t.Fatalf("audit log %v", actions)
		}
	})
}

func TestRepeatedFailuresLockTheAccountForAWhile(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		for i := 0; i < 5; i++ {
			if res := c.browser().login("acme.localhost", "admin@acme.example", "wrong password here"); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d: %d", i+1, res.StatusCode)
			}
		}
		// Even the right password is refused now, reached as acme\user from the base domain too.
		for _, try := range []struct{ host, user string }{
			{"acme.localhost", "admin@acme.example"},
			{"localhost", `acme\admin@acme.example`},
		} {
			res := c.browser().login(try.host, try.user, password)
			if res.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("%s after 5 failures: %d", try.host, res.StatusCode)
			}
			if doc(t, res).Find(`[data-testid="login-error"]`).Text() == "" {
				t.Fatal("no message for a throttled login")
			}
		}
		// Another account of the same tenant is not affected.
		if _, err := c.store.SetAdminPassword(context.Background(), "acme", "second@acme.example", password); err != nil {
			t.Fatal(err)
		}
		c.browser().signedIn("acme.localhost", "second@acme.example")
	})
}

func TestLogoutEndsACopiedSessionToo(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		copied := b.sessionCookie("acme.localhost")
		tok, _ := b.mustSeeDashboard("acme.localhost").Find(`input[name="_csrf"]`).Attr("value")
		if res := b.post("acme.localhost", "/logout", url.Values{"_csrf": {tok}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", res.StatusCode)
		}
		if res := replay(b, "acme.localhost", copied); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("copied cookie after logout: %d", res.StatusCode)
		}
	})
}

func TestOverLongUsernameGetsTheUsualAnswerAndLeavesNoTrace(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		usual := doc(t, c.browser().login("acme.localhost", "nobody", password)).Find(`[data-testid="login-error"]`).Text()
		before := storetest.Column(t, c.store, "audit_events", "id")
		keys := storetest.Column(t, c.store, "login_failures", "key_hash")

		res := c.browser().login("acme.localhost", strings.Repeat("a", 950<<10), password)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("950 KB username: %d", res.StatusCode)
		}
		d := doc(t, res)
		if msg := d.Find(`[data-testid="login-error"]`).Text(); msg != usual {
			t.Errorf("message %q, want the usual %q", msg, usual)
		}
		if v, _ := d.Find(`input[name="username"]`).Attr("value"); v != "" {
			t.Errorf("sent back %d bytes of username", len(v))
		}
		if after := storetest.Column(t, c.store, "audit_events", "id"); len(after) != len(before) {
			t.Errorf("%d audit events written", len(after)-len(before))
		}
		if after := storetest.Column(t, c.store, "login_failures", "key_hash"); len(after) != len(keys) {
			t.Errorf("%d failure counts stored", len(after)-len(keys))
		}
	})
}

// On a disabled tenant's own host the right password is told the tenant is
// disabled (and gets no session); anything else gets the one message, so
// only who knows the password learns it. The password is checked either way:
// the log gives "wrong password" and "tenant disabled", each reached only by
// comparing it with the stored hash.
func TestDisabledTenantsHostSaysSoOnlyAfterTheRightPassword(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		ctx := storetest.System(context.Background())
		c.limitedUser("beta", "bob", models.Permissions{})
		if err := c.store.SetUserEnabled(c.tenantCtx("beta"), c.userNamed("beta", "bob"), false); err != nil {
			t.Fatal(err)
		}
		if err := c.store.SetTenantEnabled(ctx, "beta", false); err != nil {
			t.Fatal(err)
		}
		message := func(res *http.Response) string {
			return doc(t, res).Find(`[data-testid="login-error"]`).Text()
		}
		b := c.browser()
		res := b.login("beta.localhost", "admin@beta.example", "wrong password here")
		if msg := message(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, "check the username and password") {
			t.Errorf("wrong password: %d %q", res.StatusCode, msg)
		}
		res = b.login("beta.localhost", "admin@beta.example", password)
		if msg := message(res); res.StatusCode != http.StatusForbidden || !strings.Contains(msg, "tenant is disabled") || !strings.Contains(msg, "provider") {
			t.Errorf("right password: %d %q", res.StatusCode, msg)
		}
		if signedInOn(b, "beta.localhost") {
			t.Error("the right password on a disabled tenant opened a session")
		}
		// A disabled user's right password learns nothing of the tenant.
		res = b.login("beta.localhost", "bob", password)
		if msg := message(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, "check the username and password") {
			t.Errorf("disabled user, right password: %d %q", res.StatusCode, msg)
		}
		var reasons []string
		events, err := c.store.AuditEvents(storetest.System(models.WithTenant(context.Background(), c.mustTenant("beta").ID)), 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			var d struct {
				Reason string `json:"reason"`
			}
			if e.Action == models.ActionLoginFailed && json.Unmarshal([]byte(e.Details), &d) == nil {
				reasons = append(reasons, d.Reason)
			}
		}
		slices.Sort(reasons)
		if want := []string{"tenant disabled", "tenant disabled", "wrong password"}; !slices.Equal(reasons, want) {
			t.Errorf("failed logins logged as %q, want %q", reasons, want)
		}
	})
}
