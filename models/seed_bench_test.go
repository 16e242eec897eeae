package models_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

// BenchmarkTemplatePropagation is an edit of a master template with a linked
// copy in each of 10,000 seeded tenants (BENCH_TENANTS to change): one
// UpdateRole, which rewrites every copy with one statement. On PostgreSQL it
// needs LANDLORD_TEST_DATABASE_URL; the fixture (the seed, the template and
// its copies) is made before the timer starts.
//
//	go test -run XXX -bench TemplatePropagation -benchtime 10x ./models/
func BenchmarkTemplatePropagation(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) {
			tenants := 10_000
			if n, err := fmt.Sscan(getenvOr("BENCH_TENANTS", "10000"), &tenants); n != 1 || err != nil {
				b.Fatal(err)
			}
			s := storetest.Open(b, d)
			ctx := storetest.System(context.Background())
			if _, err := s.Seed(ctx, models.SeedOptions{Tenants: tenants, Password: seedPassword}); err != nil {
				b.Fatal(err)
			}
			m, err := s.MasterTenant(ctx)
			if err != nil {
				b.Fatal(err)
			}
			in := models.WithTenant(ctx, m.ID)
			tpl, err := s.CreateRole(in, models.NewRole{Name: "Operator", Permissions: models.Permissions{models.FeatureUsers: models.LevelRead}, Multitenant: true})
			if err != nil {
				b.Fatal(err)
			}
			levels := []models.Level{models.LevelRead, models.LevelFull}
			version := tpl.Version
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r, up, err := s.UpdateRole(in, tpl.ID, version, models.RoleChanges{Name: "Operator",
					Permissions: models.Permissions{models.FeatureUsers: levels[i%2], models.FeatureAudit: levels[(i+1)%2]}})
				if err != nil {
					b.Fatal(err)
				}
				if up.Propagated != int64(tenants) {
					b.Fatalf("rewrote %d copies, want %d", up.Propagated, tenants)
				}
				version = r.Version
			}
			b.ReportMetric(float64(tenants), "copies/op")
		})
	}
}

func getenvOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
