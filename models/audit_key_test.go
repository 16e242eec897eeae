package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

// chainEvents is the context tenant's events, oldest first.
func chainEvents(t *testing.T, s *models.Store, ctx context.Context) []models.AuditEvent {
	t.Helper()
	evs, err := s.AuditEvents(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(evs)
	return evs
}

// rehashPlain rewrites evs[from:to] as someone who can write the database but
// has no key would: each event (with whatever details it now has) linked to
// the one before and hashed with plain SHA-256, in raw SQL as the database's
// owner; when to is the end, the chain's head follows.
func rehashPlain(t *testing.T, s *models.Store, tenant uint64, evs []models.AuditEvent, from, to int) {
	t.Helper()
	prev := evs[from].PrevHash
	for i := from; i < to; i++ {
		e := &evs[i]
		e.PrevHash = prev
		e.Hash = models.PlainChainHashForTest(e)
		storetest.Exec(t, s, "UPDATE audit_events SET details = ?, prev_hash = ?, hash = ? WHERE id = ?", e.Details, e.PrevHash, e.Hash, e.ID)
		prev = e.Hash
	}
	if to == len(evs) {
		storetest.Exec(t, s, "UPDATE audit_chains SET head_hash = ? WHERE tenant_id = ?", prev, tenant)
	}
}

func brokenAt(t *testing.T, s *models.Store, ctx context.Context, id uint64, reason string) {
	t.Helper()
	check, err := s.VerifyAuditChain(ctx)
	if err != nil || check.BrokenID != id || !strings.Contains(check.Reason, reason) {
		t.Fatalf("verify: %+v %v; want broken at %d with %q", check, err, id, reason)
	}
}

func holds(t *testing.T, s *models.Store, ctx context.Context) models.ChainCheck {
	t.Helper()
	check, err := s.VerifyAuditChain(ctx)
	if err != nil || check.BrokenID != 0 {
		t.Fatalf("verify: %+v %v; want the chain to hold", check, err)
	}
	return check
}

func TestAnOwnerWhoRecomputesPlainHashesDoesNotPassVerify(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s, f, ctx := chainWorld(t, d)
		addEvents(t, s, ctx, 5)
		evs := chainEvents(t, s, ctx)
		v := len(evs) - 3
		evs[v].Details = `{"name":"nothing happened"}`
		rehashPlain(t, s, f.Acme.ID, evs, v, len(evs))
		brokenAt(t, s, ctx, evs[v].ID, "without the audit key")

		// The whole chain recomputed plain has no keyed event left.
		rehashPlain(t, s, f.Acme.ID, evs, 0, len(evs))
		brokenAt(t, s, ctx, evs[len(evs)-1].ID, "no event carries the audit key's hash")
	})
}

// preKeyWorld is acme's chain as an install before keying left it (every
// event plain-hashed), keyed since by a start that had not recorded the
// key yet: events, the mark, then two more events.
func preKeyWorld(t *testing.T, d string) (*models.Store, storetest.Fixture, context.Context, []models.AuditEvent) {
	t.Helper()
	s, f, ctx := chainWorld(t, d)
	addEvents(t, s, ctx, 3)
	evs := chainEvents(t, s, ctx)
	rehashPlain(t, s, f.Acme.ID, evs, 0, len(evs))
	brokenAt(t, s, ctx, evs[len(evs)-1].ID, "no event carries")
	storetest.Exec(t, s, "DELETE FROM audit_key")
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, err := s.CreateRole(ctx, models.NewRole{Name: fmt.Sprintf("after keying %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	after := chainEvents(t, s, ctx)
	if len(after) != len(evs)+3 || after[len(evs)].Action != models.ActionChainKeyed {
		t.Fatalf("no mark after the plain events: %d events, then %q", len(after), after[len(evs)].Action)
	}
	return s, f, ctx, after
}

func TestAPreKeyChainContinuesKeyedFromAMark(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s, f, ctx, evs := preKeyWorld(t, d)
		if check := holds(t, s, ctx); check.Checked != int64(len(evs)) {
			t.Errorf("checked %d of %d events", check.Checked, len(evs))
		}
		// Chains already keyed get no mark, and keying happens once.
		if _, err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, tenant := range []uint64{f.Acme.ID, f.Beta.ID} {
			marks := 0
			for _, e := range chainEvents(t, s, models.WithTenant(context.Background(), tenant)) {
				if e.Action == models.ActionChainKeyed {
					marks++
				}
			}
			if want := map[uint64]int{f.Acme.ID: 1, f.Beta.ID: 0}[tenant]; marks != want {
				t.Errorf("tenant %d has %d marks, want %d", tenant, marks, want)
			}
		}
	})
}

func TestTheMarkCannotBeMovedRemovedOrItsPlainPastRewritten(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		for _, tc := range []struct {
			name   string
			attack func(t *testing.T, s *models.Store, acme uint64, evs []models.AuditEvent, mark int)
			broken func(evs []models.AuditEvent, mark int) uint64
			reason string
		}{
			{"a plain event before the mark changed and rehashed up to it", func(t *testing.T, s *models.Store, acme uint64, evs []models.AuditEvent, mark int) {
				evs[1].Details = `{"name":"nothing happened"}`
				rehashPlain(t, s, acme, evs, 1, mark)
			}, func(evs []models.AuditEvent, mark int) uint64 { return evs[mark].ID }, "does not link"},
			{"the mark deleted", func(t *testing.T, s *models.Store, acme uint64, evs []models.AuditEvent, mark int) {
				storetest.Exec(t, s, "DELETE FROM audit_events WHERE id = ?", evs[mark].ID)
			}, func(evs []models.AuditEvent, mark int) uint64 { return evs[mark+1].ID }, "does not link"},
			{"the mark and all after it deleted, the head rolled back", func(t *testing.T, s *models.Store, acme uint64, evs []models.AuditEvent, mark int) {
				storetest.Exec(t, s, "DELETE FROM audit_events WHERE id >= ?", evs[mark].ID)
				storetest.Exec(t, s, "UPDATE audit_chains SET head_id = ?, head_hash = ? WHERE tenant_id = ?", evs[mark-1].ID, evs[mark-1].Hash, acme)
			}, func(evs []models.AuditEvent, mark int) uint64 { return evs[mark-1].ID }, "no event carries"},
			{"the tail after the mark recomputed plain", func(t *testing.T, s *models.Store, acme uint64, evs []models.AuditEvent, mark int) {
				evs[mark+1].Details = `{"name":"nothing happened"}`
				rehashPlain(t, s, acme, evs, mark+1, len(evs))
			}, func(evs []models.AuditEvent, mark int) uint64 { return evs[mark+1].ID }, "without the audit key"},
			{"the mark moved forward: it and the tail recomputed plain", func(t *testing.T, s *models.Store, acme uint64, evs []models.AuditEvent, mark int) {
				rehashPlain(t, s, acme, evs, mark, len(evs))
			}, func(evs []models.AuditEvent, mark int) uint64 { return evs[len(evs)-1].ID }, "no event carries"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s, f, ctx, evs := preKeyWorld(t, d)
				mark := len(evs) - 3
				tc.attack(t, s, f.Acme.ID, evs, mark)
				brokenAt(t, s, ctx, tc.broken(evs, mark), tc.reason)
			})
		}
	})
}

func TestKeyingLeavesAChangedHeadUnkeyed(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s, f, ctx := chainWorld(t, d)
		addEvents(t, s, ctx, 2)
		evs := chainEvents(t, s, ctx)
		rehashPlain(t, s, f.Acme.ID, evs, 0, len(evs))
		last := evs[len(evs)-1]
		storetest.Exec(t, s, "UPDATE audit_events SET details = 'nothing happened' WHERE id = ?", last.ID)
		storetest.Exec(t, s, "DELETE FROM audit_key")
		if _, err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		if now := chainEvents(t, s, ctx); len(now) != len(evs) {
			t.Fatalf("a chain with a changed head was keyed over it: %d events, %d before", len(now), len(evs))
		}
		brokenAt(t, s, ctx, last.ID, "does not match its hash")
	})
}

func TestAProcessWithAnotherAuditKeyRefusesToStart(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		if _, err := storetest.Reopen(t, s, []byte("another audit key, also 32 bytes long")); !errors.Is(err, models.ErrAuditKeyMismatch) {
			t.Fatalf("another key: %v", err)
		}
		if _, err := storetest.Reopen(t, s, storetest.AuditKey); err != nil {
			t.Fatalf("the same key: %v", err)
		}
		if _, err := models.Open(models.Options{SQLitePath: t.TempDir() + "/x.db", AuditKey: []byte("short")}); err == nil {
			t.Fatal("a 5-byte audit key was accepted")
		}
	})
}

func TestEventsCutFromTheChainsStartAreCaught(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s, f, ctx := chainWorld(t, d)
		addEvents(t, s, ctx, 4)
		evs := chainEvents(t, s, ctx)
		storetest.Exec(t, s, "DELETE FROM audit_events WHERE id <= ?", evs[1].ID)
		storetest.Exec(t, s, "UPDATE audit_chains SET start_after_id = ?, start_hash = ? WHERE tenant_id = ?", evs[1].ID, evs[1].Hash, f.Acme.ID)
		brokenAt(t, s, ctx, evs[2].ID, "which no archive recorded")
	})
}
