package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
)

// These tests pin down behaviour of LogIn that mutation testing showed no
// other test in this package relied on (see docs/testing.md).

func TestOnlyALoginForAnotherTenantsAccountGetsAHandoff(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		f := storetest.TwoTenants(t, s)
		ctx := context.Background()
		master, err := s.MasterTenant(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name    string
			a       models.LoginAttempt
			tenant  uint64
			handoff bool
		}{
			{`acme\ on the base domain`, models.LoginAttempt{Host: master, OnBase: true, Login: `acme\admin@acme.example`}, f.Acme.ID, true},
			{"on acme's host", models.LoginAttempt{Host: f.Acme, Login: "admin@acme.example"}, f.Acme.ID, false},
			{"the master's admin on the base domain", models.LoginAttempt{Host: master, OnBase: true, Login: "root@example.com"}, master.ID, false},
		} {
			tc.a.Password = storetest.Password
			res, err := s.LogIn(ctx, tc.a)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if res == nil || res.User == nil || res.Tenant == nil || res.Tenant.ID != tc.tenant || res.User.TenantID != tc.tenant {
				t.Fatalf("%s: signed in as %+v", tc.name, res)
			}
			if got := res.Handoff != ""; got != tc.handoff {
				t.Errorf("%s: handoff %q, want one: %v", tc.name, res.Handoff, tc.handoff)
			}
		}
	})
}

// A success hands back the failure it reserved against its address, so an
// office signing in all day behind one address is never slowed by it.
func TestSuccessfulSignInsNeverSlowTheirAddress(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		storetest.TwoTenants(t, s)
		now := time.Now().UTC()
		s.SetClockForTest(func() time.Time { return now })
		// More than the address's 20 free failures, all at one instant.
		for i := 0; i < 25; i++ {
			if err := attempt(t, s, "acme", "admin@acme.example", storetest.Password, "198.51.100.7"); err != nil {
				t.Fatalf("success %d: %v", i+1, err)
			}
		}
	})
}

// Old counts are swept once a window, but a failure is remembered for one to
// two windows: the sweep an hour later must not forget it.
func TestFailuresAnHourOldStillCountAfterTheSweep(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		storetest.TwoTenants(t, s)
		now := time.Now().UTC()
		s.SetClockForTest(func() time.Time { return now })
		for i := 0; i < 5; i++ {
			if err := attempt(t, s, "acme", "admin@acme.example", wrongPassword, ""); !errors.Is(err, models.ErrInvalidCredentials) {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		now = now.Add(time.Hour) // the next sweep is due
		if err := attempt(t, s, "acme", "admin@acme.example", wrongPassword, ""); !errors.Is(err, models.ErrInvalidCredentials) {
			t.Fatalf("an hour later, after the wait: %v", err)
		}
		// Six failures within two windows: the next one waits two seconds.
		if err := attempt(t, s, "acme", "admin@acme.example", storetest.Password, ""); !errors.Is(err, models.ErrTooManyAttempts) {
			t.Fatalf("right after the sixth failure: %v, want ErrTooManyAttempts", err)
		}
	})
}
