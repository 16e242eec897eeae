package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

// replay sends cookie to host as if a client copied it there.
func replay(b *browser, host string, cookie *http.Cookie) *http.Response {
	other := b.c.browser()
	req, _ := http.NewRequest(http.MethodGet, other.at(host, "/"), nil)
	req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	return other.do(req)
}

func TestSessionCookieIsRefusedOnAnyOtherTenantsHost(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		// Signed in as acme's second user, so a cookie that opened the
		// tenant's first user instead would show.
		if _, err := c.store.SetAdminPassword(context.Background(), "acme", "second@acme.example", password); err != nil {
			t.Fatal(err)
		}
		acme := c.browser()
		acme.signedIn("acme.localhost", "second@acme.example")
		acmeCookie := acme.sessionCookie("acme.localhost")

		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		masterCookie := master.sessionCookie("localhost")

		cases := []struct {
			name   string
			host   string
			cookie *http.Cookie
		}{
			{"acme cookie on beta", "beta.localhost", acmeCookie},
			{"acme cookie on the base domain", "localhost", acmeCookie},
			{"master cookie on acme", "acme.localhost", masterCookie},
		}
		for _, tc := range cases {
			res := replay(acme, tc.host, tc.cookie)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
				t.Errorf("%s: %d %s", tc.name, res.StatusCode, res.Header.Get("Location"))
			}
		}
		// The same cookies still work where they belong, each for its own user.
		for _, own := range []struct {
			host   string
			cookie *http.Cookie
			user   string
		}{
			{"acme.localhost", acmeCookie, "second@acme.example"},
			{"localhost", masterCookie, "root@example.com"},
		} {
			res := replay(acme, own.host, own.cookie)
			if res.StatusCode != http.StatusOK {
				t.Errorf("cookie on its own host %s: %d %s", own.host, res.StatusCode, res.Header.Get("Location"))
				continue
			}
			d := doc(t, res)
			if who := d.Find(`[data-testid="dashboard-user"] code`).Text(); who != own.user {
				t.Errorf("cookie on its own host %s: dashboard of %q, want %q", own.host, who, own.user)
			}
			if d.Find(`[data-testid="current-user"]`).Text() == "" {
				t.Errorf("cookie on its own host %s: no current user in the header", own.host)
			}
		}
	})
}

// An anonymous cookie is a tenant's too: brought to another tenant's host
// (tossed there by a sibling subdomain, say), it is replaced, and the CSRF
// token it carried, which its first owner knows, signs nothing there.
func TestAnotherTenantsAnonymousCookieCarriesNoTokenHere(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		beta := c.browser()
		tok := beta.csrf("beta.localhost")
		cookie := beta.sessionCookie("beta.localhost")
		if cookie == nil {
			t.Fatal("beta's login page set no cookie")
		}
		login := func(host string) *http.Response {
			form := url.Values{"username": {"admin@" + strings.TrimSuffix(host, ".localhost") + ".example"}, "password": {password}, "_csrf": {tok}}
			req, _ := http.NewRequest(http.MethodPost, beta.at(host, "/login"), strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", "http://"+host+":"+c.url.Port())
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
			return c.browser().do(req)
		}
		if res := login("acme.localhost"); res.StatusCode != http.StatusForbidden {
			t.Errorf("beta's anonymous cookie and token on acme: %d, want 403", res.StatusCode)
		}
		// Where they belong, the same cookie and token sign beta's admin in.
		if res := login("beta.localhost"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("beta's cookie and token on beta: %d, want 303", res.StatusCode)
		}
	})
}

func TestDisabledUserSessionEndsOnNextRequest(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		ctx := context.Background()
		acme, err := c.store.TenantBySubdomain(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		// Another full-rights admin, since acme's last one cannot be disabled.
		if _, err := c.store.SetAdminPassword(storetest.System(ctx), "acme", "second@acme.example", password); err != nil {
			t.Fatal(err)
		}
		if err := c.store.SetUserEnabled(storetest.System(models.WithTenant(ctx, acme.ID)), c.userNamed("acme", "admin@acme.example"), false); err != nil {
			t.Fatal(err)
		}
		b.mustBeSignedOut("acme.localhost")
		res := c.browser().login("acme.localhost", "admin@acme.example", password)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("disabled user login: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if doc(t, res).Find(`[data-testid="login-error"]`).Text() == "" {
			t.Fatal("disabled user login: no message")
		}
	})
}

func TestDisabledTenantSessionsEndAtOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		if err := c.store.SetTenantEnabled(storetest.System(context.Background()), "acme", false); err != nil {
			t.Fatal(err)
		}
		b.mustBeSignedOut("acme.localhost")
	})
}

func TestReenablingATenantDoesNotReviveItsSessions(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		old := b.sessionCookie("acme.localhost")
		ctx := storetest.System(context.Background())
		for _, enabled := range []bool{false, true} {
			if err := c.store.SetTenantEnabled(ctx, "acme", enabled); err != nil {
				t.Fatal(err)
			}
		}
		if res := replay(b, "acme.localhost", old); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Fatalf("session from before the tenant was disabled, after it was enabled again: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		// The tenant works again for a new login.
		c.browser().signedIn("acme.localhost", "admin@acme.example")
	})
}

func TestHostResolution(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		cases := []struct {
			host   string
			status int
			testid string
		}{
			{"localhost", http.StatusOK, "login-form"},
			{"LOCALHOST", http.StatusOK, "login-form"},
			{"acme.localhost", http.StatusOK, "login-form"},
			{"Acme.LocalHost", http.StatusOK, "login-form"},
			{"nosuch.localhost", http.StatusNotFound, "no-such-tenant"},
			{"master.localhost", http.StatusNotFound, "no-such-tenant"},
			{"www.localhost", http.StatusNotFound, "no-such-tenant"},
			{"a.acme.localhost", http.StatusNotFound, "no-such-tenant"},
			{"example.com", http.StatusBadRequest, "error-page"},
			{"acme.localhost.example.com", http.StatusBadRequest, "error-page"},
			{"notlocalhost", http.StatusBadRequest, "error-page"},
		}
		for _, tc := range cases {
			res := b.get(tc.host, "/login")
			if res.StatusCode != tc.status {
				t.Errorf("%s: status %d, want %d", tc.host, res.StatusCode, tc.status)
				continue
			}
			if doc(t, res).Find(`[data-testid="`+tc.testid+`"]`).Length() == 0 {
				t.Errorf("%s: no %s", tc.host, tc.testid)
			}
		}
		if res := b.get("unrelated.example", "/healthz"); res.StatusCode != http.StatusOK {
			t.Errorf("healthz on any host: %d", res.StatusCode)
		}
	})
}

func TestStateChangingRequestsNeedSameOriginAndSessionToken(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		tok := b.csrf("acme.localhost")
		creds := func(token string) url.Values {
			return url.Values{"username": {"admin@acme.example"}, "password": {password}, "_csrf": {token}}
		}
		origin := "http://acme.localhost:" + c.url.Port()
		sibling := "http://beta.localhost:" + c.url.Port()
		cases := []struct {
			name   string
			form   url.Values
			header []string
		}{
			{"no token", url.Values{"username": {"admin@acme.example"}, "password": {password}}, nil},
			{"wrong token", creds("forged"), nil},
			{"another browser's token", creds(c.browser().csrf("acme.localhost")), nil},
			{"another tenant's token", creds(c.browser().csrf("beta.localhost")), nil},
			{"sibling tenant origin", creds(tok), []string{"Origin", sibling}},
			{"cross-site fetch", creds(tok), []string{"Sec-Fetch-Site", "cross-site"}},
			{"same-site (sibling subdomain) fetch", creds(tok), []string{"Sec-Fetch-Site", "same-site"}},
			{"null origin", creds(tok), []string{"Origin", "null"}},
		}
		for _, tc := range cases {
			res := b.post("acme.localhost", "/login", tc.form, tc.header...)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: %d, want 403", tc.name, res.StatusCode)
			}
		}
		res := b.post("acme.localhost", "/login", creds(tok), "Origin", origin, "Sec-Fetch-Site", "same-origin")
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("same-origin login with token: %d", res.StatusCode)
		}
	})
}

func TestSecurityHeadersOnPagesAndErrors(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		for _, tc := range []struct{ host, path string }{
			{"acme.localhost", "/login"},
			{"acme.localhost", "/no-such-page"},
			{"nosuch.localhost", "/"},
			{"example.com", "/"},
		} {
			res := b.get(tc.host, tc.path)
			csp := res.Header.Get("Content-Security-Policy")
			for _, want := range []string{"object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("%s%s: CSP %q lacks %s", tc.host, tc.path, csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") {
				t.Errorf("%s%s: CSP allows inline code", tc.host, tc.path)
			}
			if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") == "" {
				t.Errorf("%s%s: headers %v", tc.host, tc.path, res.Header)
			}
		}
	})
}

func TestErrorPagesLeakNothing(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		res := c.browser().get("acme.localhost", "/no-such-page")
		if res.StatusCode != http.StatusNotFound {
			t.Fatalf("status %d", res.StatusCode)
		}
		d := doc(t, res)
		if d.Find(`[data-testid="error-page"]`).Length() != 1 {
			t.Fatal("no error page")
		}
		html, _ := d.Html()
		for _, leak := range []string{"goroutine", ".go:", "sql", "gorm"} {
			if strings.Contains(strings.ToLower(html), leak) {
				t.Errorf("error page mentions %q", leak)
			}
		}
	})
}

func TestFailedLoginsAreRecordedInTheTenantsAuditLog(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		if res := c.browser().login("acme.localhost", "admin@acme.example", "wrong password here"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("login with a wrong password: %d", res.StatusCode)
		}
		ctx := context.Background()
		acme, err := c.store.TenantBySubdomain(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		beta, err := c.store.TenantBySubdomain(ctx, "beta")
		if err != nil {
			t.Fatal(err)
		}
		events, err := c.store.AuditEvents(storetest.System(models.WithTenant(ctx, acme.ID)), 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 1 || events[0].Action != models.ActionLoginFailed || events[0].Outcome != models.OutcomeFailure || events[0].IP == "" {
			t.Fatalf("acme audit: %+v", events)
		}
		betaEvents, err := c.store.AuditEvents(storetest.System(models.WithTenant(ctx, beta.ID)), 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(betaEvents) == 0 {
			t.Fatal("beta's audit log is empty: its own admin's creation is missing, so the read proves nothing")
		}
		for _, e := range betaEvents {
			if e.Action == models.ActionLoginFailed {
				t.Fatal("acme's failed login shows in beta's log")
			}
		}
	})
}

func TestLogoutWithAnotherTenantsCookieAndTokenIsRefused(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		tok, ok := acme.mustSeeDashboard("acme.localhost").Find(`input[name="_csrf"]`).Attr("value")
		if !ok || tok == "" {
			t.Fatal("acme's dashboard has no CSRF token")
		}
		cookie := acme.sessionCookie("acme.localhost")

		other := c.browser()
		req, _ := http.NewRequest(http.MethodPost, other.at("beta.localhost", "/logout"), strings.NewReader(url.Values{"_csrf": {tok}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
		if res := other.do(req); res.StatusCode != http.StatusForbidden {
			t.Fatalf("acme session and token posted to beta: %d", res.StatusCode)
		}
		acme.mustSeeDashboard("acme.localhost")
		// The token is good where it belongs: beta refused the tenant, not a bad token.
		if res := acme.post("acme.localhost", "/logout", url.Values{"_csrf": {tok}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Fatalf("acme's token on acme: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

func TestServerErrorPageShowsRequestIDAndNothingInternal(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		c.store.Close() // every query now fails
		res := b.get("acme.localhost", "/login")
		if res.StatusCode != http.StatusInternalServerError {
			t.Fatalf("status %d", res.StatusCode)
		}
		d := doc(t, res)
		if d.Find(`[data-testid="error-page"]`).Length() != 1 || d.Find(`[data-testid="request-id"]`).Text() == "" {
			t.Fatal("500 page without request id")
		}
		if id := res.Header.Get("X-Request-Id"); id == "" || d.Find(`[data-testid="request-id"]`).Text() != id {
			t.Fatalf("request id header %q does not match the page", id)
		}
		// The random request id may spell anything; look at the rest.
		html, _ := d.Html()
		html = strings.ReplaceAll(html, d.Find(`[data-testid="request-id"]`).Text(), "")
		for _, leak := range []string{"closed", "sql", "gorm", "database"} {
			if strings.Contains(strings.ToLower(html), leak) {
				t.Errorf("500 page mentions %q", leak)
			}
		}
		if res.Header.Get("Content-Security-Policy") == "" {
			t.Error("500 page without security headers")
		}
		if res := b.get("acme.localhost", "/readyz"); res.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("readyz with the database gone: %d", res.StatusCode)
		}
	})
}

func TestOversizedBodyIsRefused(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		big := url.Values{"username": {strings.Repeat("a", 2<<20)}, "password": {"x"}, "_csrf": {b.csrf("acme.localhost")}}
		if res := b.post("acme.localhost", "/login", big); res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("2 MiB login form: %d", res.StatusCode)
		}
	})
}
