package models_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
)

func TestArchivingOlderEventsKeepsTheChainVerifiable(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s, _, ctx := chainWorld(t, d)
		clock := time.Now().UTC().Add(-48 * time.Hour)
		s.SetClockForTest(func() time.Time { clock = clock.Add(time.Second); return clock })
		addEvents(t, s, ctx, 5) // two days ago
		cut := clock.Add(time.Hour)
		clock = time.Now().UTC()
		for i := range 3 {
			if _, err := s.CreateRole(ctx, models.NewRole{Name: fmt.Sprintf("recent %d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		before, _, _ := s.AuditPage(ctx, models.AuditFilter{})

		if _, err := s.ArchiveAudit(ctx, "acme", cut, &bytes.Buffer{}); !errors.Is(err, models.ErrForbidden) {
			t.Fatalf("a request's actor archived: %v", err)
		}
		var file bytes.Buffer
		sys := storetest.System(context.Background())
		h, err := s.ArchiveAudit(sys, "acme", cut, &file)
		if err != nil {
			t.Fatal(err)
		}
		// The file: the header, then the archived events oldest first.
		sc := bufio.NewScanner(&file)
		sc.Scan()
		var header models.ArchiveHeader
		if err := json.Unmarshal(sc.Bytes(), &header); err != nil || header.Events < 6 || header.EndsOnHash == "" {
			t.Fatalf("header %s: %v", sc.Text(), err)
		}
		var lines int64
		var lastHash string
		for sc.Scan() {
			var e models.AuditEvent
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatal(err)
			}
			if e.ID > h.ThroughID {
				t.Errorf("archived event %d, after the last one %d", e.ID, h.ThroughID)
			}
			lines, lastHash = lines+1, e.Hash
		}
		if lines != h.Events || lastHash != h.EndsOnHash {
			t.Errorf("%d lines ending on %s; header says %d ending on %s", lines, lastHash, h.Events, h.EndsOnHash)
		}
		after, _, _ := s.AuditPage(ctx, models.AuditFilter{})
		for _, e := range after[1:] {
			if e.OccurredAt.Before(cut) {
				t.Errorf("event %d from before the cut is still in the log", e.ID)
			}
		}
		if int64(len(after)) != int64(len(before))-h.Events+1 { // + the archive's own event
			t.Errorf("%d events left of %d after archiving %d", len(after), len(before), h.Events)
		}
		check, err := s.VerifyAuditChain(ctx)
		if err != nil || check.BrokenID != 0 {
			t.Fatalf("verify after the archive: %+v %v", check, err)
		}
		if _, err := s.CreateRole(ctx, models.NewRole{Name: "after the archive"}); err != nil {
			t.Fatal(err)
		}
		if check, err := s.VerifyAuditChain(ctx); err != nil || check.BrokenID != 0 {
			t.Fatalf("verify after a new event: %+v %v", check, err)
		}
		// A failing write removes nothing.
		if _, err := s.ArchiveAudit(sys, "acme", time.Now().Add(time.Hour), failingWriter{}); err == nil {
			t.Fatal("an archive whose file cannot be written succeeded")
		}
		if kept, _, _ := s.AuditPage(ctx, models.AuditFilter{}); len(kept) < len(after) {
			t.Errorf("a failed archive removed events: %d left of %d", len(kept), len(after))
		}
	})
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
