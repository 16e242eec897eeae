package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

// TestAnonymousCookieAndTokenOfAnotherTenantCannotPostALogin replays acme's
// anonymous cookie and the CSRF token in it on beta's host. The token is real
// and the credentials are good, so only the cookie's tenant stands in the way.
func TestAnonymousCookieAndTokenOfAnotherTenantCannotPostALogin(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		acme := c.browser()
		tok := acme.csrf("acme.localhost")
		cookie := acme.sessionCookie("acme.localhost")
		if cookie == nil {
			t.Fatal("acme's login page set no session cookie")
		}
		form := url.Values{"username": {"admin@beta.example"}, "password": {password}, "_csrf": {tok}}

		other := c.browser()
		req, _ := http.NewRequest(http.MethodPost, other.at("beta.localhost", "/login"), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", cookie.Name+"="+cookie.Value)
		res := other.do(req)
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("acme's cookie and token posted to beta's login: %d %s, want 403", res.StatusCode, res.Header.Get("Location"))
		}
		// Whatever cookie came back opens no session on beta.
		if res := other.get("beta.localhost", "/"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Fatalf("beta after the refused login: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if actions := auditActions(t, c, "beta"); slices.Contains(actions, models.ActionLogin) {
			t.Fatalf("beta's audit log records a login: %v", actions)
		}
		// The same form with beta's own cookie and token signs in: the refusal
		// above is the cookie's tenant, not the form.
		beta := c.browser()
		form.Set("_csrf", beta.csrf("beta.localhost"))
		if res := beta.post("beta.localhost", "/login", form); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
			t.Fatalf("beta's own login: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

// auditActions is the actions in a tenant's audit log, newest first.
func auditActions(t testing.TB, c *console, subdomain string) []string {
	t.Helper()
	ctx := context.Background()
	tenant, err := c.store.TenantBySubdomain(ctx, subdomain)
	if err != nil {
		t.Fatal(err)
	}
	events, err := c.store.AuditEvents(storetest.System(models.WithTenant(ctx, tenant.ID)), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action)
	}
	return actions
}
