package models_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
)

// twoServers opens two stores on one database, as two server processes
// would have: separate pools, nothing shared but the database.
func twoServers(t *testing.T, dialect string) (a, b *models.Store) {
	t.Helper()
	opts := models.Options{AuditKey: storetest.AuditKey}
	if dialect == "postgres" {
		opts.PostgresURL = storetest.Schema(t)
	} else {
		opts.SQLitePath = filepath.Join(t.TempDir(), "landlord.db")
	}
	var stores [2]*models.Store
	for i := range stores {
		s, err := models.Open(opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := s.UseRequestRole(context.Background(), "", "test request role password"); err != nil {
			t.Fatal(err)
		}
		stores[i] = s
	}
	return stores[0], stores[1]
}

func TestRefusalsOfOneSessionFromTwoServersMakeOneEventAMinute(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		a, b := twoServers(t, d)
		sys := storetest.System(context.Background())
		beta, err := a.CreateTenant(sys, models.NewTenant{Subdomain: "beta", Name: "Beta"})
		if err != nil {
			t.Fatal(err)
		}
		acme, err := a.CreateTenant(sys, models.NewTenant{Subdomain: "acme", Name: "Acme"})
		if err != nil {
			t.Fatal(err)
		}
		at := time.Now().UTC().Truncate(time.Minute).Add(10 * time.Second)
		for _, s := range []*models.Store{a, b} {
			s.SetClock(func() time.Time { return at })
		}
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 40 {
			s := a
			if i%2 == 1 {
				s = b
			}
			wg.Go(func() { errs <- s.RecordRefusedSession(context.Background(), beta.ID, acme.ID, "one session") })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		evs, err := a.AuditEvents(models.WithTenant(context.Background(), beta.ID), 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range evs {
			if e.Action == models.ActionSessionRefused {
				n++
			}
		}
		if n != 1 {
			t.Errorf("40 refusals of one session through two servers made %d events, want 1", n)
		}
		if check, err := b.VerifyAuditChain(models.WithTenant(context.Background(), beta.ID)); err != nil || check.BrokenID != 0 {
			t.Errorf("beta's chain: %+v %v", check, err)
		}
	})
}
