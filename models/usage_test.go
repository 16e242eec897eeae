package models_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"landlord/models"
	"landlord/models/storetest"
)

// addResource puts a resource of kind into tenant behind the store's back
// (the resource pages are not what this tests); the counters' triggers count it.
func addResource(t *testing.T, s *models.Store, tenant uint64, kind, name string) {
	t.Helper()
	now := time.Now().UTC()
	storetest.Exec(t, s, "INSERT INTO resources (tenant_id, kind, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)", tenant, kind, name, now, now)
}

func masterReader(f storetest.Fixture, p models.Permissions) context.Context {
	return models.WithActor(models.WithTenant(context.Background(), f.Root.TenantID),
		models.Actor{UserID: f.Root.ID, TenantID: f.Root.TenantID, Name: "root", Master: true, Permissions: p})
}

func snapshot(t *testing.T, s *models.Store, day time.Time) models.SnapshotResult {
	t.Helper()
	res, err := s.SnapshotUsage(storetest.System(context.Background()), day)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// A day is recorded once per tenant: a second run records nothing, except a
// tenant created since the first, and changes since then do not rewrite it.
func TestUsageSnapshotRecordsEachTenantOncePerDay(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		f := storetest.TwoTenants(t, s)
		addResource(t, s, f.Acme.ID, "network", "n1")
		addResource(t, s, f.Acme.ID, "network", "n2")
		addResource(t, s, f.Acme.ID, "device", "d1")
		day := time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)
		if res := snapshot(t, s, day); res.Recorded != 3 || res.Busy {
			t.Fatalf("first run: %+v, want master, acme and beta", res)
		}
		addResource(t, s, f.Acme.ID, "device", "d2") // after the snapshot: not in it
		if res := snapshot(t, s, day); res.Recorded != 0 {
			t.Fatalf("second run of the day recorded %d", res.Recorded)
		}
		if _, err := s.CreateTenant(storetest.System(context.Background()), models.NewTenant{Subdomain: "gamma", Name: "Gamma"}); err != nil {
			t.Fatal(err)
		}
		if res := snapshot(t, s, day.Add(8*time.Hour)); res.Recorded != 1 {
			t.Fatalf("run after gamma was created recorded %d, want gamma alone", res.Recorded)
		}
		rep, err := s.UsageReport(masterReader(f, models.FullPermissions()), models.UsagePeriod{Day: day})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Rows) != 4 {
			t.Fatalf("report of the day: %d rows, want 4", len(rep.Rows))
		}
		for _, r := range rep.Rows {
			if r.Subdomain == "acme" && (r.Resources != 3 || r.ByKind["network"] != 2 || r.ByKind["device"] != 1 || r.Users != 1 || r.Day != "2026-03-14") {
				t.Fatalf("acme's recorded day: %+v", r)
			}
		}
		if len(rep.Kinds) != 2 || rep.Kinds[0] != "device" || rep.Kinds[1] != "network" {
			t.Fatalf("kinds: %v", rep.Kinds)
		}
		if _, err := s.SnapshotUsage(masterReader(f, models.FullPermissions()), day); !errors.Is(err, models.ErrForbidden) {
			t.Fatalf("a master user recording usage: %v, want forbidden (the system alone)", err)
		}
	})
}

// The month's report shows each tenant's last recorded day in the month and
// says which; today's report adds the live counts of tenants not yet recorded.
func TestUsageMonthReportPicksTheLastRecordedDay(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		f := storetest.TwoTenants(t, s)
		snapshot(t, s, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
		addResource(t, s, f.Acme.ID, "network", "n1")
		snapshot(t, s, time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC))
		addResource(t, s, f.Acme.ID, "network", "n2")
		snapshot(t, s, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)) // next month
		storetest.Exec(t, s, "DELETE FROM usage_snapshots WHERE tenant_id = ? AND day > ?", f.Beta.ID, "2026-03-02")
		ctx := masterReader(f, models.Permissions{models.FeatureTenants: models.LevelRead})
		p, ok := models.ParseUsagePeriod("2026-03")
		if !ok || !p.Month {
			t.Fatalf("2026-03 read as %+v", p)
		}
		rep, err := s.UsageReport(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		days := map[string]string{}
		for _, r := range rep.Rows {
			days[r.Subdomain] = r.Day
			if r.Subdomain == "acme" && r.Resources != 1 {
				t.Fatalf("acme in March: %+v, want the 20th's one resource", r)
			}
		}
		if days["acme"] != "2026-03-20" || days["beta"] != "2026-03-02" || len(rep.Rows) != 3 {
			t.Fatalf("March's days: %v (%d rows)", days, len(rep.Rows))
		}
		if rep.Rows[len(rep.Rows)-1].Subdomain != "beta" {
			t.Fatalf("newest first: the last row is %s, want beta (2 March)", rep.Rows[len(rep.Rows)-1].Subdomain)
		}
		// Today: nothing recorded yet, so every tenant's live counters.
		now := time.Date(2026, 5, 5, 10, 0, 0, 0, time.UTC)
		s.SetClockForTest(func() time.Time { return now })
		today, err := s.UsageReport(ctx, models.UsagePeriod{Day: now})
		if err != nil {
			t.Fatal(err)
		}
		if len(today.Rows) != 3 || !today.Rows[0].Live {
			t.Fatalf("today: %+v", today.Rows)
		}
		for _, r := range today.Rows {
			if r.Subdomain == "acme" && (r.Resources != 2 || r.ByKind["network"] != 2) {
				t.Fatalf("acme live: %+v", r)
			}
		}
		// Another day without a snapshot: nothing, not live counts.
		if other, err := s.UsageReport(ctx, models.UsagePeriod{Day: now.AddDate(0, 0, -1)}); err != nil || len(other.Rows) != 0 {
			t.Fatalf("a day never recorded: %v %+v", err, other.Rows)
		}
	})
}

// The report is the master's with tenants: read: a subtenant's user, a master
// user without it and an impersonating master are refused.
func TestUsageReportIsTheMastersWithTenantsRead(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		f := storetest.TwoTenants(t, s)
		snapshot(t, s, time.Now())
		p := models.UsagePeriod{Day: time.Now().UTC()}
		bg := context.Background()
		for name, ctx := range map[string]context.Context{
			"acme's admin":           models.WithActor(models.WithTenant(bg, f.Acme.ID), models.Actor{UserID: f.AcmeAdmin.ID, TenantID: f.Acme.ID, Name: "a", Permissions: models.FullPermissions()}),
			"master without tenants": masterReader(f, models.Permissions{models.FeatureUsers: models.LevelFull}),
			"no actor":               models.WithTenant(bg, f.Root.TenantID),
		} {
			if rep, err := s.UsageReport(ctx, p); !errors.Is(err, models.ErrForbidden) || len(rep.Rows) != 0 {
				t.Fatalf("%s: %v, %d rows", name, err, len(rep.Rows))
			}
		}
	})
}

// A subtenant's session reads its own snapshots through the store and never
// another tenant's: usage_snapshots is a tenant table.
func TestUsageSnapshotsAreTenantIsolated(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		f := storetest.TwoTenants(t, s)
		snapshot(t, s, time.Now())
		var rows []models.UsageSnapshot
		err := s.TxForTest(models.WithTenant(context.Background(), f.Acme.ID), func(tx *gorm.DB) error {
			return tx.Find(&rows).Error
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].TenantID != f.Acme.ID {
			t.Fatalf("acme reads %+v", rows)
		}
		var n int64
		err = s.TxForTest(models.WithTenant(context.Background(), f.Acme.ID), func(tx *gorm.DB) error {
			return tx.Model(&models.UsageSnapshot{}).Where("tenant_id = ?", f.Beta.ID).Count(&n).Error
		})
		if err != nil || n != 0 {
			t.Fatalf("acme counting beta's snapshots: %d, %v", n, err)
		}
	})
}

// Two server processes on one PostgreSQL database snapshot at once: each
// tenant is recorded once, and while one holds the lock the other records
// nothing and says so.
func TestConcurrentUsageSnapshotsTakeTheLockOnPostgres(t *testing.T) {
	s := storetest.Open(t, "postgres")
	storetest.TwoTenants(t, s)
	other := storetest.Reconnect(t, s)
	day := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

	// Held elsewhere: this run must skip, not wait and not insert.
	db, err := sql.Open("pgx", storetest.URL(t, s))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	holder, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got bool
	if err := holder.QueryRow("SELECT pg_try_advisory_xact_lock(hashtext('landlord usage snapshot ' || current_schema()))").Scan(&got); err != nil || !got {
		t.Fatalf("taking the lock: %v %v", got, err)
	}
	if res := snapshot(t, s, day); !res.Busy || res.Recorded != 0 {
		t.Fatalf("while the lock is held: %+v", res)
	}
	holder.Rollback()

	var wg sync.WaitGroup
	results := make([]models.SnapshotResult, 8)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			st := s
			if i%2 == 1 {
				st = other
			}
			r, err := st.SnapshotUsage(storetest.System(context.Background()), day)
			if err != nil {
				t.Error(err)
			}
			results[i] = r
		}(i)
	}
	wg.Wait()
	var total int64
	for _, r := range results {
		total += r.Recorded
	}
	if total != 3 {
		t.Fatalf("eight concurrent runs recorded %d in all, want 3 (%+v)", total, results)
	}
	if n := storetest.Exec(t, s, "UPDATE usage_snapshots SET users = users WHERE day = ?", "2026-06-01"); n != 3 {
		t.Fatalf("%d snapshot rows for the day, want 3", n)
	}
}
