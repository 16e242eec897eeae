package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"landlord/models"
	"landlord/models/storetest"
)

// tenantCtx is a context confined to tenant sub, acting as its admin.
func (c *console) tenantCtx(sub string) context.Context {
	c.t.Helper()
	tn, err := c.store.TenantBySubdomain(context.Background(), sub)
	if err != nil {
		c.t.Fatal(err)
	}
	return models.WithActor(storetest.System(models.WithTenant(context.Background(), tn.ID)), models.Actor{TenantID: tn.ID, Name: "admin@" + sub + ".example", Permissions: models.FullPermissions()})
}

// newestEvent is the id of tenant sub's newest audit event.
func (c *console) newestEvent(sub string) uint64 {
	c.t.Helper()
	evs, _, err := c.store.AuditPage(c.tenantCtx(sub), models.AuditFilter{})
	if err != nil || len(evs) == 0 {
		c.t.Fatalf("events of %s: %v", sub, err)
	}
	return evs[0].ID
}

func auditRowActions(d *goquery.Document) []string {
	var out []string
	d.Find(`[data-testid="audit-row"]`).Each(func(_ int, s *goquery.Selection) { out = append(out, s.AttrOr("data-action", "")) })
	return out
}

func TestAuditLogShowsOnlyTheHostTenantsEvents(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		if _, err := c.store.CreateRole(c.tenantCtx("beta"), models.NewRole{Name: "Beta secret role"}); err != nil {
			t.Fatal(err)
		}
		betaEvent := c.newestEvent("beta")
		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		page := doc(t, acme.get("acme.localhost", "/audit"))
		if strings.Contains(page.Text(), "Beta secret role") {
			t.Error("acme's log shows beta's event")
		}
		if res := acme.get("acme.localhost", "/audit/"+strconv.FormatUint(betaEvent, 10)); res.StatusCode != http.StatusNotFound {
			t.Errorf("beta's event by id on acme's host: %d, want 404", res.StatusCode)
		}
		body, _ := io.ReadAll(acme.get("acme.localhost", "/audit/export?format=jsonl").Body)
		if strings.Contains(string(body), "Beta secret role") || !strings.Contains(string(body), `"action":"login"`) {
			t.Errorf("acme's export: %s", body)
		}
		// A master admin on the base domain sees the master's own log, not acme's.
		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		if res := master.get("localhost", "/audit/"+strconv.FormatUint(c.newestEvent("acme"), 10)); res.StatusCode != http.StatusNotFound {
			t.Errorf("acme's event on the master's host: %d, want 404", res.StatusCode)
		}
	})
}

func TestAuditFiltersPagesAndKeepsTheFilterInItsLinks(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		ctx := c.tenantCtx("acme")
		for i := range 60 {
			if _, err := c.store.CreateRole(ctx, models.NewRole{Name: fmt.Sprintf("role %02d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		first := doc(t, b.get("acme.localhost", "/audit?action=role.create"))
		acts := auditRowActions(first)
		if len(acts) != models.AuditPageSize {
			t.Fatalf("first page: %d rows, want %d", len(acts), models.AuditPageSize)
		}
		for _, a := range acts {
			if a != models.ActionRoleCreate {
				t.Fatalf("filtered on role.create, saw %s", a)
			}
		}
		if !strings.Contains(first.Find(`[data-testid="audit-filtered"]`).Text(), `action is "role.create"`) {
			t.Error("the page does not say how it is filtered")
		}
		older, ok := first.Find(`[data-testid="audit-older"]`).Attr("href")
		if !ok || !strings.Contains(older, "action=role.create") || !strings.Contains(older, "before=") {
			t.Fatalf("older link %q does not keep the filter", older)
		}
		second := doc(t, b.get("acme.localhost", older))
		if n := len(auditRowActions(second)); n != 10 {
			t.Errorf("second page: %d rows, want the 10 left", n)
		}
		if second.Find(`[data-testid="audit-older"]`).Length() != 0 {
			t.Error("the last page links to an older one")
		}
		if strings.Contains(second.Text(), "role 59") || !strings.Contains(second.Text(), "role 00") {
			t.Error("the second page does not hold the oldest events")
		}
		// A time that is not one: message by the field, the rest kept.
		res := b.get("acme.localhost", "/audit?actor=admin&from=yesterday")
		d := doc(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(d.Text(), "Enter a date and time") ||
			d.Find(`[data-testid="filter-actor"]`).AttrOr("value", "") != "admin" || d.Find(`[data-testid="filter-from"]`).AttrOr("value", "") != "yesterday" {
			t.Errorf("bad time: %d", res.StatusCode)
		}
		// The time range: everything so far is before now + 1 day, nothing after.
		if n := len(auditRowActions(doc(t, b.get("acme.localhost", "/audit?from=2999-01-01T00:00")))); n != 0 {
			t.Errorf("events from the year 2999: %d", n)
		}
	})
}

func TestAuditEventShowsBeforeAndAfter(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		ctx := c.tenantCtx("acme")
		r, err := c.store.CreateRole(ctx, models.NewRole{Name: "Support", Permissions: models.Permissions{models.FeatureUsers: models.LevelRead}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.store.UpdateRole(ctx, r.ID, r.Version, models.RoleChanges{Name: "Helpdesk", Permissions: models.Permissions{models.FeatureUsers: models.LevelFull}}); err != nil {
			t.Fatal(err)
		}
		update := c.newestEvent("acme")
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		d := doc(t, b.get("acme.localhost", "/audit/"+strconv.FormatUint(update, 10)))
		got := map[string]string{}
		d.Find(`[data-testid="audit-change"]`).Each(func(_ int, s *goquery.Selection) {
			cells := s.Find("td")
			got[s.AttrOr("data-field", "")] = cells.Eq(1).Text() + "→" + cells.Eq(2).Text()
		})
		if got["name"] != "Support→Helpdesk" || got["permissions.users"] != "read→full" {
			t.Errorf("changes shown: %v", got)
		}
		// A permission is named by its label, not its catalogue key.
		if label := d.Find(`[data-testid="audit-change"][data-field="permissions.users"] td`).First().Text(); label != "Permission: Users" {
			t.Errorf("the permission change is labelled %q", label)
		}
	})
}

func TestAuditVerifyNamesAnEventChangedBehindTheConsolesBack(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		d := doc(t, b.get("acme.localhost", "/audit/verify"))
		if d.Find(`[data-status="intact"]`).Length() != 1 {
			t.Fatalf("fresh chain: %s", d.Find("article").Text())
		}
		victim := c.newestEvent("acme")
		storetest.Exec(t, c.store, "UPDATE audit_events SET ip = '10.9.9.9' WHERE id = ?", victim)
		d = doc(t, b.get("acme.localhost", "/audit/verify"))
		if href := d.Find(`[data-testid="audit-broken"]`).AttrOr("href", ""); href != "/audit/"+strconv.FormatUint(victim, 10) {
			t.Errorf("broken chain names %q, want event %d", href, victim)
		}
	})
}

func TestAuditExportNeedsAuditReadAsWellAsExport(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("acme", "exporter", models.Permissions{models.FeatureExport: models.LevelRead})
		b := c.browser()
		b.signedIn("acme.localhost", "exporter")
		if res := b.get("acme.localhost", "/audit/export"); res.StatusCode != http.StatusForbidden {
			t.Errorf("export without audit: read: %d, want 403", res.StatusCode)
		}
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		res := admin.get("acme.localhost", "/audit/export?format=jsonl&action=login")
		sc := bufio.NewScanner(res.Body)
		n := 0
		for sc.Scan() {
			var e models.AuditEvent
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Action != models.ActionLogin || e.Hash == "" {
				t.Fatalf("line %q: %+v %v", sc.Text(), e, err)
			}
			n++
		}
		if n < 2 {
			t.Errorf("%d login events exported, want both sign-ins", n)
		}
		csv, _ := io.ReadAll(admin.get("acme.localhost", "/audit/export?action=login").Body)
		if !strings.HasPrefix(string(csv), "id,time,actor,impersonator,action") || strings.Count(string(csv), "\n") < 3 {
			t.Errorf("csv export: %s", csv)
		}
	})
}

// TestAuditExportStreamsWithFlatMemory exports 200,000 events and watches the
// process's heap while the body streams: it must stay far below the export's
// own size, which holding the events or the body would exceed.
func TestAuditExportStreamsWithFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("exports 200,000 events")
	}
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		c := newConsole(t, d)
		tn, _ := c.store.TenantBySubdomain(context.Background(), "acme")
		const n = 200000
		rows := "SELECT generate_series AS n FROM generate_series(1, ?)"
		if d == "sqlite" {
			rows = "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ?) SELECT n FROM g"
		}
		storetest.Exec(t, c.store, `INSERT INTO audit_events (tenant_id, occurred_at, actor_name, action, target_type, target_id, outcome, details)
			SELECT ?, ?, 'seed', 'user.create', 'user', 'user-' || n, 'success', '`+strings.Repeat("x", 300)+`' FROM (`+rows+`) s`,
			tn.ID, time.Now().UTC(), n)
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")

		defer debug.SetGCPercent(debug.SetGCPercent(10))
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		var peak atomic.Uint64
		done := make(chan struct{})
		go func() {
			var m runtime.MemStats
			for {
				select {
				case <-done:
					return
				case <-time.After(5 * time.Millisecond):
					runtime.ReadMemStats(&m)
					if m.HeapInuse > peak.Load() {
						peak.Store(m.HeapInuse)
					}
				}
			}
		}()
		res := b.get("acme.localhost", "/audit/export?format=jsonl")
		lines, size := 0, 0
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines++
			size += len(sc.Bytes()) + 1
		}
		close(done)
		if lines < n {
			t.Fatalf("exported %d events, want at least %d", lines, n)
		}
		grew := int64(peak.Load()) - int64(base.HeapInuse)
		t.Logf("%s: exported %d events (%d MB); heap grew by at most %d MB", d, lines, size>>20, grew>>20)
		if grew > 32<<20 || grew > int64(size)/3 {
			t.Errorf("heap grew by %d MB while streaming %d MB", grew>>20, size>>20)
		}
	})
}
