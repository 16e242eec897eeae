package web_test

import (
	"context"
	"net/http"
	"testing"

	"landlord/models/storetest"
)

func TestPasswordResetEndsOpenSessions(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		const newPassword = "a different horse battery staple"
		if _, err := c.store.SetAdminPassword(context.Background(), "acme", "admin@acme.example", newPassword); err != nil {
			t.Fatal(err)
		}
		b.mustBeSignedOut("acme.localhost")
		// The reset user is still enabled and signs in with the new password.
		if res := c.browser().login("acme.localhost", "admin@acme.example", newPassword); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login with the new password: %d", res.StatusCode)
		}
	})
}

// SetUserEnabled also moves the session version on, which alone ends the
// session; this test disables the user without it, so the user's enabled flag
// is the only thing that can end the session.
func TestDisabledUserFlagAloneEndsOpenSessions(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		cookie := b.sessionCookie("acme.localhost")
		setEnabledKeepingSessionVersion(t, c, "admin@acme.example", false)
		b.mustBeSignedOut("acme.localhost")

		// Enabled again, with the session version untouched, a copy of the
		// same cookie works: nothing but the flag ended the session.
		setEnabledKeepingSessionVersion(t, c, "admin@acme.example", true)
		if res := replay(b, "acme.localhost", cookie); res.StatusCode != http.StatusOK {
			t.Fatalf("the session's cookie once the user is enabled again: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

// mustBeSignedOut checks that the browser's next request to the dashboard on
// host is sent to the login page, and that the login page, not the dashboard,
// is what it then gets.
func (b *browser) mustBeSignedOut(host string) {
	b.c.t.Helper()
	res := b.get(host, "/")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		b.c.t.Fatalf("dashboard on %s: %d (Location %q), want 303 to /login", host, res.StatusCode, res.Header.Get("Location"))
	}
	if doc(b.c.t, res).Find(`[data-testid="dashboard"]`).Length() != 0 {
		b.c.t.Fatalf("the redirect from %s/ shows the dashboard", host)
	}
	res = b.get(host, "/login")
	if res.StatusCode != http.StatusOK {
		b.c.t.Fatalf("login page on %s: %d (Location %q)", host, res.StatusCode, res.Header.Get("Location"))
	}
	d := doc(b.c.t, res)
	if d.Find(`[data-testid="login-form"]`).Length() != 1 || d.Find(`[data-testid="dashboard"]`).Length() != 0 {
		b.c.t.Fatalf("%s/login after the session ended is not the login page", host)
	}
	if d.Find(`[data-testid="current-user"]`).Length() != 0 {
		b.c.t.Fatalf("%s/login still names a signed-in user: %q", host, d.Find(`[data-testid="current-user"]`).Text())
	}
}

// setEnabledKeepingSessionVersion sets a user's enabled flag and nothing else,
// which no store operation does.
func setEnabledKeepingSessionVersion(t testing.TB, c *console, email string, enabled bool) {
	t.Helper()
	if n := storetest.Exec(t, c.store, "UPDATE users SET enabled = ? WHERE lower(email) = lower(?)", enabled, email); n != 1 {
		t.Fatalf("set enabled=%v on %s: %d rows", enabled, email, n)
	}
}
