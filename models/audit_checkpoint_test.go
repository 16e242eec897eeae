package models_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
)

// checkpointFile is the checkpoints as `landlord audit checkpoint` writes
// them, read back as a file is.
func checkpointFile(t *testing.T, cps ...models.AuditCheckpoint) []models.CheckpointLine {
	t.Helper()
	var b bytes.Buffer
	for _, cp := range cps {
		if err := json.NewEncoder(&b).Encode(cp); err != nil {
			t.Fatal(err)
		}
	}
	lines, err := models.ReadAuditCheckpoints(&b)
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

func checkpoint(t *testing.T, s *models.Store, tenant *models.Tenant) models.AuditCheckpoint {
	t.Helper()
	cp, check, err := s.CheckpointAuditChain(context.Background(), tenant)
	if err != nil || check.BrokenID != 0 || cp.Signature == "" {
		t.Fatalf("checkpoint of %s: %+v %+v %v", tenant.Subdomain, cp, check, err)
	}
	return cp
}

func verifyCheckpoints(t *testing.T, s *models.Store, ctx context.Context, lines []models.CheckpointLine) models.CheckpointReport {
	t.Helper()
	rep, err := s.VerifyAuditCheckpoints(ctx, lines)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestACheckpointCatchesTheNewestEventRemovedAndTheHeadRolledBack(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s, f, ctx := chainWorld(t, d)
		addEvents(t, s, ctx, 3)
		cp := checkpoint(t, s, f.Acme)
		evs := chainEvents(t, s, ctx)
		if cp.HeadID != evs[len(evs)-1].ID || cp.HeadHash != evs[len(evs)-1].Hash || cp.Events != int64(len(evs)) || cp.Tenant != "acme" {
			t.Fatalf("checkpoint %+v of %d events ending on %d", cp, len(evs), evs[len(evs)-1].ID)
		}
		file := checkpointFile(t, cp)
		if rep := verifyCheckpoints(t, s, ctx, file); rep.Failed() || len(rep.Results) != 1 || !rep.Results[0].Reached {
			t.Fatalf("untouched: %+v", rep)
		}
		prev := evs[len(evs)-2]
		storetest.Exec(t, s, "DELETE FROM audit_events WHERE id = ?", cp.HeadID)
		storetest.Exec(t, s, "UPDATE audit_chains SET head_id = ?, head_hash = ? WHERE tenant_id = ?", prev.ID, prev.Hash, f.Acme.ID)
		holds(t, s, ctx) // the chain alone cannot tell
		rep := verifyCheckpoints(t, s, ctx, file)
		if !rep.Failed() || rep.Results[0].Reached || !strings.Contains(rep.Results[0].Reason, "no longer in the chain") {
			t.Fatalf("after the rollback: %+v", rep)
		}
	})
}

func TestACheckpointCatchesAHeadRewrittenUnderItsID(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s, f, ctx := chainWorld(t, d)
		addEvents(t, s, ctx, 2)
		cp := checkpoint(t, s, f.Acme)
		evs := chainEvents(t, s, ctx)
		prev := evs[len(evs)-2]
		// Rolled back, the id handed out again, and a new event written there.
		storetest.Exec(t, s, "DELETE FROM audit_events WHERE id = ?", cp.HeadID)
		storetest.Exec(t, s, "UPDATE audit_chains SET head_id = ?, head_hash = ? WHERE tenant_id = ?", prev.ID, prev.Hash, f.Acme.ID)
		if d == "postgres" {
			storetest.Exec(t, s, "SELECT setval('audit_events_id_seq', ?)", cp.HeadID-1)
		} else {
			storetest.Exec(t, s, "UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_events'", cp.HeadID-1)
		}
		if _, err := s.CreateRole(ctx, models.NewRole{Name: "in its place"}); err != nil {
			t.Fatal(err)
		}
		if now := chainEvents(t, s, ctx); now[len(now)-1].ID != cp.HeadID {
			t.Fatalf("the new event took id %d, not %d", now[len(now)-1].ID, cp.HeadID)
		}
		holds(t, s, ctx)
		rep := verifyCheckpoints(t, s, ctx, checkpointFile(t, cp))
		if !rep.Failed() || !strings.Contains(rep.Results[0].Reason, "hash differs") {
			t.Fatalf("a head rewritten under its id: %+v", rep)
		}
	})
}

func TestAForgedCheckpointIsRefused(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s, f, ctx := chainWorld(t, d)
		addEvents(t, s, ctx, 3)
		cp := checkpoint(t, s, f.Acme)
		evs := chainEvents(t, s, ctx)
		for name, forge := range map[string]func(cp *models.AuditCheckpoint){
			// What someone who rolled the log back would want the file to say.
			"an older head": func(cp *models.AuditCheckpoint) { cp.HeadID, cp.HeadHash = evs[len(evs)-2].ID, evs[len(evs)-2].Hash },
			"another id":    func(cp *models.AuditCheckpoint) { cp.HeadID-- },
			"fewer events":  func(cp *models.AuditCheckpoint) { cp.Events-- },
			"another time":  func(cp *models.AuditCheckpoint) { cp.At = cp.At.Add(-time.Hour) },
			"another name":  func(cp *models.AuditCheckpoint) { cp.Tenant = "beta" },
			"no key's":      func(cp *models.AuditCheckpoint) { cp.Signature = strings.Repeat("0", 64) },
		} {
			forged := cp
			forge(&forged)
			if s.CheckpointSigned(&forged) {
				t.Errorf("%s: signed", name)
			}
			rep := verifyCheckpoints(t, s, ctx, checkpointFile(t, forged))
			if !rep.Failed() || !strings.Contains(rep.Results[0].Reason, "signature does not match") {
				t.Errorf("%s: %+v", name, rep)
			}
		}
		// Another tenant's line is not this tenant's checkpoint, and is not checked.
		beta := checkpoint(t, s, f.Beta)
		rep := verifyCheckpoints(t, s, ctx, checkpointFile(t, beta, cp))
		if rep.Failed() || rep.Others != 1 || len(rep.Results) != 1 {
			t.Errorf("beta's line in acme's check: %+v", rep)
		}
		lines, _ := models.ReadAuditCheckpoints(strings.NewReader("not json\n\n{\"tenant\":\"acme\"}\n"))
		if rep := verifyCheckpoints(t, s, ctx, lines); fmt.Sprint(rep.Unreadable) != "[1 3]" {
			t.Errorf("unreadable lines: %+v", rep)
		}
	})
}

func TestACheckpointTakenBeforeAnArchiveStillVerifies(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s, f, ctx := chainWorld(t, d)
		clock := time.Now().UTC().Add(-48 * time.Hour)
		s.SetClockForTest(func() time.Time { clock = clock.Add(time.Second); return clock })
		addEvents(t, s, ctx, 3)
		old := checkpoint(t, s, f.Acme) // its head is two days old
		cut := clock.Add(time.Hour)
		clock = time.Now().UTC()
		for i := range 2 {
			if _, err := s.CreateRole(ctx, models.NewRole{Name: fmt.Sprintf("recent %d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		recent := checkpoint(t, s, f.Acme)
		sys := storetest.System(context.Background())
		if _, err := s.ArchiveAudit(sys, "acme", cut, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		holds(t, s, ctx)
		rep := verifyCheckpoints(t, s, ctx, checkpointFile(t, old, recent))
		if rep.Failed() || !strings.Contains(rep.Results[0].Reason, "archived since") || rep.Results[1].Reason != "" {
			t.Fatalf("after archiving the older head: %+v", rep)
		}
		// Everything archived, the archive's own event aside.
		if _, err := s.ArchiveAudit(sys, "acme", time.Now().Add(time.Hour), &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		holds(t, s, ctx)
		if rep := verifyCheckpoints(t, s, ctx, checkpointFile(t, old, recent)); rep.Failed() {
			t.Fatalf("after archiving both heads: %+v", rep)
		}
	})
}

func TestABrokenChainGetsNoCheckpoint(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s, f, ctx := chainWorld(t, d)
		addEvents(t, s, ctx, 2)
		evs := chainEvents(t, s, ctx)
		storetest.Exec(t, s, "UPDATE audit_events SET details = 'x' WHERE id = ?", evs[1].ID)
		cp, check, err := s.CheckpointAuditChain(context.Background(), f.Acme)
		if err != nil || check.BrokenID != evs[1].ID || cp.Signature != "" {
			t.Fatalf("checkpoint of a broken chain: %+v %+v %v", cp, check, err)
		}
	})
}
