package web_test

import (
	"fmt"
	"net/http"
	"testing"
)

// All test requests come from one address, so failures against twenty
// different accounts, each far below its own limit, slow the next login from
// that address, even with the right password of another account.
func TestManyAccountsFailingFromOneAddressSlowItsLogins(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		for i := range 20 {
			if res := c.browser().login("acme.localhost", fmt.Sprintf("nobody%d", i), password); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d: %d", i+1, res.StatusCode)
			}
		}
		res := c.browser().login("beta.localhost", "admin@beta.example", password)
		if res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("login from the address after 20 failures: %d", res.StatusCode)
		}
		if doc(t, res).Find(`[data-testid="login-error"]`).Text() == "" {
			t.Fatal("no message for a throttled login")
		}
	})
}

// The per-address rate limiter answers a burst of more than 30 login posts
// with 429. The logins are all correct, so no failure is ever recorded and
// the login throttle (which answers 429 with the login form) never speaks:
// the limiter's own answer is the error page.
func TestLoginPostsFromOneAddressAreRateLimited(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		const burst, tries = 30, 100
		limitedAt := 0
		for i := 1; i <= tries && limitedAt == 0; i++ {
			res := c.browser().login("acme.localhost", "admin@acme.example", password)
			switch res.StatusCode {
			case http.StatusSeeOther:
			case http.StatusTooManyRequests:
				d := doc(t, res)
				if d.Find(`[data-testid="error-page"]`).Length() != 1 || d.Find(`[data-testid="login-form"]`).Length() != 0 {
					t.Fatalf("post %d: a 429 that is not the rate limiter's", i)
				}
				if i <= burst {
					t.Fatalf("post %d limited, within the burst of %d", i, burst)
				}
				limitedAt = i
			default:
				t.Fatalf("post %d: %d", i, res.StatusCode)
			}
		}
		if limitedAt == 0 {
			t.Fatalf("%d quick login posts from one address, none limited", tries)
		}
		t.Logf("limited at post %d", limitedAt)
		// The login page itself is not limited.
		if res := c.browser().get("acme.localhost", "/login"); res.StatusCode != http.StatusOK {
			t.Fatalf("login page once limited: %d", res.StatusCode)
		}
	})
}
