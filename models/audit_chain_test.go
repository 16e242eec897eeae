package models_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

// chainWorld is the two-tenant fixture with acme's admin acting in acme.
func chainWorld(t *testing.T, d string) (*models.Store, storetest.Fixture, context.Context) {
	s := storetest.Open(t, d)
	f := storetest.TwoTenants(t, s)
	ctx := models.WithActor(models.WithTenant(context.Background(), f.Acme.ID),
		models.Actor{UserID: f.AcmeAdmin.ID, TenantID: f.Acme.ID, Name: "admin", Permissions: models.FullPermissions()})
	return s, f, ctx
}

func addEvents(t *testing.T, s *models.Store, ctx context.Context, n int) {
	t.Helper()
	for i := range n {
		if _, err := s.CreateRole(ctx, models.NewRole{Name: fmt.Sprintf("role %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTheAuditChainHoldsAndNamesTheFirstChangedEvent(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s, f, ctx := chainWorld(t, d)
		addEvents(t, s, ctx, 5)
		check, err := s.VerifyAuditChain(ctx)
		if err != nil || check.BrokenID != 0 || check.Checked < 6 {
			t.Fatalf("untouched chain: %+v %v", check, err)
		}
		evs, err := s.AuditEvents(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		victim := evs[2] // newest first: the third newest
		storetest.Exec(t, s, "UPDATE audit_events SET details = 'nothing happened' WHERE id = ?", victim.ID)
		check, err = s.VerifyAuditChain(ctx)
		if err != nil || check.BrokenID != victim.ID {
			t.Fatalf("edited event %d: %+v %v", victim.ID, check, err)
		}
		// Beta's chain is its own and still holds.
		beta := models.WithTenant(context.Background(), f.Beta.ID)
		if check, err := s.VerifyAuditChain(beta); err != nil || check.BrokenID != 0 {
			t.Errorf("beta's chain: %+v %v", check, err)
		}
	})
}

func TestTheAuditChainCatchesARemovedEvent(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s, _, ctx := chainWorld(t, d)
		addEvents(t, s, ctx, 4)
		evs, _ := s.AuditEvents(ctx, 100)
		storetest.Exec(t, s, "DELETE FROM audit_events WHERE id = ?", evs[2].ID)
		check, err := s.VerifyAuditChain(ctx)
		if err != nil || check.BrokenID != evs[1].ID {
			t.Errorf("removed %d: %+v %v; want the next event %d named", evs[2].ID, check, err, evs[1].ID)
		}
		// Removing the newest is caught by the head.
		storetest.Exec(t, s, "DELETE FROM audit_events WHERE id >= ?", evs[1].ID)
		if check, err := s.VerifyAuditChain(ctx); err != nil || check.BrokenID == 0 {
			t.Errorf("removed the newest: %+v %v", check, err)
		}
	})
}

func TestParallelWritersInOneTenantDoNotForkTheChain(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s, _, ctx := chainWorld(t, d)
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.CreateRole(ctx, models.NewRole{Name: fmt.Sprintf("parallel %d", i)})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		check, err := s.VerifyAuditChain(ctx)
		if err != nil || check.BrokenID != 0 || check.Checked < 21 {
			t.Fatalf("after 20 parallel writers: %+v %v", check, err)
		}
		evs, _ := s.AuditEvents(ctx, 100)
		seen := map[string]bool{}
		for _, e := range evs {
			if seen[e.PrevHash] {
				t.Fatalf("two events link to %s: the chain forked", e.PrevHash)
			}
			seen[e.PrevHash] = true
		}
	})
}
