package models_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
)

// attempt signs in as login on host (the base domain when host is the
// master), from ip when it is not empty.
func attempt(t *testing.T, s *models.Store, host, login, password, ip string) error {
	t.Helper()
	ctx := context.Background()
	if ip != "" {
		ctx = models.WithClient(ctx, models.Client{IP: ip})
	}
	tenant, err := s.TenantBySubdomain(ctx, host)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.LogIn(ctx, models.LoginAttempt{Host: tenant, OnBase: tenant.IsMaster, Login: login, Password: password})
	if err != nil && !errors.Is(err, models.ErrInvalidCredentials) && !errors.Is(err, models.ErrTooManyAttempts) {
		t.Fatal(err)
	}
	return err
}

const wrongPassword = "not the password at all"

func TestFailedSignInsCountAgainstTheAccountHoweverItIsWritten(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		storetest.TwoTenants(t, s)
		storetest.RenameUser(t, s, "admin@acme.example", "olivia")
		for _, account := range []struct {
			name     string
			spelled  [][2]string // host, login
			password string      // the right one, for a known account
		}{
			{"a user, by username or email, on its host or as acme\\", [][2]string{
				{"acme", "olivia"}, {"acme", " OLIVIA\t"}, {"acme", "Admin@Acme.Example"},
				{"master", `acme\olivia`}, {"master", "\tACME \\ admin@acme.example "},
			}, storetest.Password},
			{"an unknown name", [][2]string{
				{"acme", "ghost"}, {"acme", "\tGHOST "}, {"master", `acme\Ghost`}, {"master", ` Acme\ghost`}, {"acme", "ghost"},
			}, wrongPassword},
			{"a name in an unknown tenant", [][2]string{
				{"master", `nosuch\ghost`}, {"master", `NOSUCH\Ghost`}, {"master", ` nosuch \ ghost`}, {"master", "nosuch\\ghost\t"}, {"master", `NoSuch\GHOST`},
			}, wrongPassword},
		} {
			for i, sp := range account.spelled {
				if err := attempt(t, s, sp[0], sp[1], wrongPassword, ""); !errors.Is(err, models.ErrInvalidCredentials) {
					t.Fatalf("%s: failure %d (%q on %s): %v", account.name, i+1, sp[1], sp[0], err)
				}
			}
			for _, sp := range account.spelled {
				if err := attempt(t, s, sp[0], sp[1], account.password, ""); !errors.Is(err, models.ErrTooManyAttempts) {
					t.Errorf("%s: after 5 failures, %q on %s: %v, want ErrTooManyAttempts", account.name, sp[1], sp[0], err)
				}
			}
		}
		// Other accounts are not affected.
		if err := attempt(t, s, "beta", "admin@beta.example", storetest.Password, ""); err != nil {
			t.Fatalf("beta's admin: %v", err)
		}
	})
}

func TestAThrottledAccountIsLetInAfterTheWaitAndASuccessForgivesItsFailures(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		storetest.TwoTenants(t, s)
		now := time.Now().UTC()
		s.SetClockForTest(func() time.Time { return now })
		const ip = "198.51.100.7"
		for i := 0; i < 5; i++ {
			if err := attempt(t, s, "acme", "admin@acme.example", wrongPassword, ip); !errors.Is(err, models.ErrInvalidCredentials) {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		if err := attempt(t, s, "acme", "admin@acme.example", storetest.Password, ip); !errors.Is(err, models.ErrTooManyAttempts) {
			t.Fatalf("sixth attempt at once: %v", err)
		}
		now = now.Add(time.Second)
		if err := attempt(t, s, "acme", "admin@acme.example", storetest.Password, ip); err != nil {
			t.Fatalf("a second later, the right password: %v", err)
		}
		// The success forgave the account: five more failures before it is slowed again.
		for i := 0; i < 5; i++ {
			if err := attempt(t, s, "acme", "admin@acme.example", wrongPassword, ip); !errors.Is(err, models.ErrInvalidCredentials) {
				t.Fatalf("failure %d after the success: %v", i+1, err)
			}
		}
		if err := attempt(t, s, "acme", "admin@acme.example", wrongPassword, ip); !errors.Is(err, models.ErrTooManyAttempts) {
			t.Fatalf("sixth failure after the success: %v", err)
		}

		// Counts with nothing to count are deleted, by the first attempt after their time.
		if keys := storetest.Column(t, s, "login_failures", "key_hash"); len(keys) != 2 {
			t.Fatalf("%d keys, want the account's and the address's", len(keys))
		}
		now = now.Add(3 * time.Hour)
		if err := attempt(t, s, "beta", "admin@beta.example", storetest.Password, "203.0.113.9"); err != nil {
			t.Fatal(err)
		}
		if keys := storetest.Column(t, s, "login_failures", "key_hash"); len(keys) != 1 {
			t.Fatalf("%d keys three hours later, want only the new address's", len(keys))
		}
	})
}

func TestAThrottledAttemptIsAudited(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		f := storetest.TwoTenants(t, s)
		for i := 0; i < 6; i++ {
			attempt(t, s, "acme", "admin@acme.example", wrongPassword, "")
		}
		events, err := s.AuditEvents(models.WithTenant(context.Background(), f.Acme.ID), 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 2 || events[0].Details != `{"reason":"too many failed sign-ins"}` || events[1].Details != `{"reason":"wrong password"}` {
			t.Fatalf("events %+v", events)
		}
		if e := events[0]; e.Action != models.ActionLoginFailed || e.ActorUserID == nil || *e.ActorUserID != f.AcmeAdmin.ID {
			t.Fatalf("throttled attempt recorded as %+v", e)
		}
	})
}

func TestOverLongLoginsAreRefusedBeforeAnyDatabaseWork(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		f := storetest.TwoTenants(t, s)
		ctx := context.Background()
		master, err := s.MasterTenant(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// From here any database work fails with an error of its own.
		s.Close()
		long := func(n int) string { return strings.Repeat("a", n) }
		for _, tc := range []struct {
			name  string
			a     models.LoginAttempt
			early bool
		}{
			{"a 950 KB username", models.LoginAttempt{Host: f.Acme, Login: long(950 << 10), Password: wrongPassword}, true},
			{"a 255-byte username", models.LoginAttempt{Host: f.Acme, Login: long(255), Password: wrongPassword}, true},
			{`a 255-byte name after acme\`, models.LoginAttempt{Host: master, OnBase: true, Login: `acme\` + long(255), Password: wrongPassword}, true},
			{"a 64-byte tenant key", models.LoginAttempt{Host: master, OnBase: true, Login: long(64) + `\bob`, Password: wrongPassword}, true},
			{"a 1025-byte password", models.LoginAttempt{Host: f.Acme, Login: "bob", Password: long(1025)}, true},
			{"a 254-byte username", models.LoginAttempt{Host: f.Acme, Login: long(254), Password: wrongPassword}, false},
			{"a 254-byte username in whitespace", models.LoginAttempt{Host: f.Acme, Login: " \t" + long(254) + "\t ", Password: wrongPassword}, false},
			{"a 254-byte name after a 63-byte key", models.LoginAttempt{Host: master, OnBase: true, Login: long(63) + `\` + long(254), Password: wrongPassword}, false},
			{"a 1024-byte password", models.LoginAttempt{Host: f.Acme, Login: "bob", Password: long(1024)}, false},
		} {
			_, err := s.LogIn(ctx, tc.a)
			switch {
			case tc.early && !errors.Is(err, models.ErrInvalidCredentials):
				t.Errorf("%s: %v, want ErrInvalidCredentials before any database work", tc.name, err)
			case !tc.early && (err == nil || errors.Is(err, models.ErrInvalidCredentials)):
				t.Errorf("%s: %v, want the closed database's error", tc.name, err)
			}
		}
	})
}

func TestFailureCountsAreKeptUnderHashesNotWhatWasTyped(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		storetest.TwoTenants(t, s)
		attempt(t, s, "acme", "Typed.Name@Example.org", wrongPassword, "198.51.100.7")
		attempt(t, s, "acme", "admin@acme.example", wrongPassword, "198.51.100.7")
		keys := storetest.Column(t, s, "login_failures", "key_hash")
		if len(keys) != 3 {
			t.Fatalf("keys %q, want two accounts' and an address's", keys)
		}
		sha256Hex := regexp.MustCompile(`^[0-9a-f]{64}$`)
		for _, k := range keys {
			if !sha256Hex.MatchString(k) {
				t.Errorf("key %q is not a SHA-256", k)
			}
		}
	})
}
