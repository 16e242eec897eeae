package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"landlord/config"
	"landlord/models"
	"landlord/models/storetest"
)

// newConsoleBehindProxy is a console whose requests all come through a
// trusted proxy on loopback, so each may say which address it is from.
func newConsoleBehindProxy(t *testing.T, dialect string) *console {
	t.Helper()
	store := storetest.Open(t, dialect)
	storetest.TwoTenants(t, store)
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
	return serve(t, store, config.Config{TrustedProxies: []*net.IPNet{loopback}})
}

// loginForm is one login post of a burst.
type loginForm struct{ user, password, from string }

// burst posts the login forms on host all at once, each from its own browser
// with its own CSRF token, and returns their statuses and how long they took.
func (c *console) burst(host string, forms []loginForm) ([]int, time.Duration) {
	c.t.Helper()
	reqs := make([]*http.Request, len(forms))
	browsers := make([]*browser, len(forms))
	for i, f := range forms {
		browsers[i] = c.browser()
		body := url.Values{"username": {f.user}, "password": {f.password}, "_csrf": {browsers[i].csrf(host)}}
		reqs[i], _ = http.NewRequest(http.MethodPost, browsers[i].at(host, "/login"), strings.NewReader(body.Encode()))
		reqs[i].Header.Set("Content-Type", "application/x-www-form-urlencoded")
		reqs[i].Header.Set("X-Forwarded-For", f.from)
	}
	statuses := make([]int, len(forms))
	errs := make([]error, len(forms))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := browsers[i].client.Do(reqs[i])
			if err != nil {
				errs[i] = err
				return
			}
			res.Body.Close()
			statuses[i] = res.StatusCode
		}()
	}
	began := time.Now()
	close(start)
	wg.Wait()
	took := time.Since(began)
	for _, err := range errs {
		if err != nil {
			c.t.Fatal(err)
		}
	}
	return statuses, took
}

// passwordChecks counts acme's failed logins that got as far as a password
// check, by the reason the audit log gives.
func passwordChecks(t *testing.T, c *console, reason string) int {
	t.Helper()
	ctx := context.Background()
	acme, err := c.store.TenantBySubdomain(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	events, err := c.store.AuditEvents(storetest.System(models.WithTenant(ctx, acme.ID)), 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range events {
		var d struct {
			Reason string `json:"reason"`
		}
		if e.Action == models.ActionLoginFailed && json.Unmarshal([]byte(e.Details), &d) == nil && d.Reason == reason {
			n++
		}
	}
	return n
}

// lateChecks is how many attempts past the free ones a rule may let in over
// a burst that took d: the first after 1 s, the next 2 s later, and so on.
func lateChecks(d time.Duration) int { return int(math.Log2(d.Seconds() + 1)) }

func count(statuses []int, status int) int {
	n := 0
	for _, s := range statuses {
		if s == status {
			n++
		}
	}
	return n
}

func TestParallelWrongPasswordsForOneAccountGetOnlyTheFreeChecks(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		c := newConsoleBehindProxy(t, d)
		forms := make([]loginForm, 20)
		for i := range forms {
			forms[i] = loginForm{"admin@acme.example", "not the password at all", fmt.Sprintf("203.0.113.%d", i+1)}
		}
		statuses, took := c.burst("acme.localhost", forms)
		checked := passwordChecks(t, c, "wrong password")
		if most := 5 + lateChecks(took); checked < 5 || checked > most {
			t.Errorf("%d of 20 parallel wrong passwords from 20 addresses were checked in %v; want 5 to %d", checked, took, most)
		}
		if failed, refused := count(statuses, http.StatusUnprocessableEntity), count(statuses, http.StatusTooManyRequests); failed != checked || failed+refused != len(forms) {
			t.Errorf("statuses %v: %d failed, %d refused, %d checked", statuses, failed, refused, checked)
		}
	})
}

func TestParallelAttemptsFromOneAddressGetOnlyTheFreeChecks(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		c := newConsoleBehindProxy(t, d)
		forms := make([]loginForm, 40)
		for i := range forms {
			forms[i] = loginForm{fmt.Sprintf("nobody-%d", i), "not the password at all", "198.51.100.7"}
		}
		statuses, took := c.burst("acme.localhost", forms)
		checked := passwordChecks(t, c, "unknown user")
		if most := 20 + lateChecks(took); checked < 20 || checked > most {
			t.Errorf("%d of 40 parallel attempts from one address were checked in %v; want 20 to %d", checked, took, most)
		}
		// The rest are refused, by the address's count or by the request rate limit.
		if failed, refused := count(statuses, http.StatusUnprocessableEntity), count(statuses, http.StatusTooManyRequests); failed != checked || failed+refused != len(forms) {
			t.Errorf("statuses %v: %d failed, %d refused, %d checked", statuses, failed, refused, checked)
		}
	})
}

func TestFailedSignInsOutliveTheServerProcess(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		for i := 0; i < 5; i++ {
			if res := c.browser().login("acme.localhost", "admin@acme.example", "not the password at all"); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d: %d", i+1, res.StatusCode)
			}
		}
		// A new server process on the same database, after a restart or beside
		// this one, refuses the account too, right password and all.
		restarted := serve(t, c.store, config.Config{})
		res := restarted.browser().login("acme.localhost", "admin@acme.example", password)
		if res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("after a restart: %d", res.StatusCode)
		}
		if doc(t, res).Find(`[data-testid="login-error"]`).Text() == "" {
			t.Fatal("no message for a throttled login")
		}
	})
}
