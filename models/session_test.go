package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
)

// fakeClock is a store clock that moves only when told, safe to read from
// several goroutines.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const sessionTTL = time.Hour

// TestSessionUserRefusesASessionForEachReason ends one session a different way
// in each case; each way is caught by exactly one condition of the session
// check, and the session is checked just before as a control.
func TestSessionUserRefusesASessionForEachReason(t *testing.T) {
	cases := []struct {
		name string
		host string // the subdomain the session is presented on
		end  func(t *testing.T, w *world, clk *fakeClock, id string)
	}{
		{"expired", "acme", func(t *testing.T, w *world, clk *fakeClock, id string) {
			clk.advance(sessionTTL)
		}},
		{"closed", "acme", func(t *testing.T, w *world, clk *fakeClock, id string) {
			if err := w.s.CloseSession(models.WithTenant(context.Background(), w.a.ID), id); err != nil {
				t.Fatal(err)
			}
		}},
		{"presented on another tenant's host", "beta", func(*testing.T, *world, *fakeClock, string) {}},
		{"tenant disabled", "acme", func(t *testing.T, w *world, clk *fakeClock, id string) {
			if err := w.s.SetTenantEnabled(storetest.System(context.Background()), "acme", false); err != nil {
				t.Fatal(err)
			}
		}},
		{"password reset", "acme", func(t *testing.T, w *world, clk *fakeClock, id string) {
			if _, err := w.s.SetAdminPassword(context.Background(), "acme", w.aUsers[0].Email, "another horse battery"); err != nil {
				t.Fatal(err)
			}
		}},
		// SetUserEnabled moves the session version on as well; the flag alone
		// must be enough.
		{"user disabled, session version unchanged", "acme", func(t *testing.T, w *world, clk *fakeClock, id string) {
			if n := storetest.Exec(t, w.s, "UPDATE users SET enabled = ? WHERE id = ?", false, w.aUsers[0].ID); n != 1 {
				t.Fatalf("disable: %d rows", n)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			storetest.ForEachDialect(t, func(t *testing.T, d string) {
				w := setup(t, d)
				clk := newFakeClock()
				w.s.SetClockForTest(clk.now)
				admin := w.aUsers[0]
				id, err := w.s.OpenSession(context.Background(), &admin, sessionTTL)
				if err != nil {
					t.Fatal(err)
				}
				tenant, u, err := w.s.SessionUser(context.Background(), "acme", id)
				if err != nil || tenant.ID != w.a.ID || u.ID != admin.ID || u.Role == nil || u.Role.ID != w.aRole {
					t.Fatalf("fresh session: tenant %v user %v err %v", tenant != nil, u != nil, err)
				}
				tc.end(t, w, clk, id)
				if _, u, err := w.s.SessionUser(context.Background(), tc.host, id); !errors.Is(err, models.ErrNotFound) {
					t.Fatalf("session on %s: user %v, err %v; want ErrNotFound", tc.host, u != nil, err)
				}
			})
		})
	}
}

func TestSessionLastsItsLifetimeAndNoLonger(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		clk := newFakeClock()
		w.s.SetClockForTest(clk.now)
		admin := w.aUsers[0]
		id, err := w.s.OpenSession(context.Background(), &admin, sessionTTL)
		if err != nil {
			t.Fatal(err)
		}
		clk.advance(sessionTTL - time.Second)
		if _, u, err := w.s.SessionUser(context.Background(), "acme", id); err != nil || u.ID != admin.ID {
			t.Fatalf("a second before the end: user %+v err %v", u, err)
		}
		clk.advance(time.Second)
		if _, _, err := w.s.SessionUser(context.Background(), "acme", id); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("at the end of its lifetime: err %v, want ErrNotFound", err)
		}
		clk.advance(24 * time.Hour)
		if _, _, err := w.s.SessionUser(context.Background(), "acme", id); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("a day later: err %v, want ErrNotFound", err)
		}
	})
}
