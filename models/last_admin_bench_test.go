package models_test

import (
	"context"
	"fmt"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

// BenchmarkRoleChangesAcrossTenants is the master's role changes reaching
// 10,000 seeded tenants with 20,000 users (BENCH_TENANTS, BENCH_USERS to
// change), each tenant with its Administrators and a linked copy of the
// template Ops (full on users and roles):
//
//   - template-down: Ops edited to users: read. Every tenant's user lock is
//     taken and the last-admin check runs over all of them (none loses an
//     admin: the Administrators stay), every copy is rewritten, and every
//     tenant's log gets its event.
//   - cap-audit: the default tenant role's audit cap moved between full and
//     read: an event in every tenant's log (no admin can be lost, no check).
//   - cap-refused: the default tenant role's users cap lowered: the locks and
//     the check, which finds every tenant would lose its admins, and refuses.
//
// The fixture is made before the timer starts; the template's raise back to
// full between two edits is outside it too.
//
//	LANDLORD_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//	  go test -run XXX -bench RoleChangesAcrossTenants -benchtime 3x ./models/
func BenchmarkRoleChangesAcrossTenants(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) {
			var tenants, users int
			if _, err := fmt.Sscan(getenvOr("BENCH_TENANTS", "10000"), &tenants); err != nil {
				b.Fatal(err)
			}
			if _, err := fmt.Sscan(getenvOr("BENCH_USERS", "20000"), &users); err != nil {
				b.Fatal(err)
			}
			s := storetest.Open(b, d)
			sys := storetest.System(context.Background())
			if _, err := s.Seed(sys, models.SeedOptions{Tenants: tenants, Users: users, Password: seedPassword}); err != nil {
				b.Fatal(err)
			}
			m, err := s.MasterTenant(sys)
			if err != nil {
				b.Fatal(err)
			}
			in := models.WithTenant(sys, m.ID)
			tpl, err := s.CreateRole(in, models.NewRole{Name: "Ops", Permissions: adminOnly, Multitenant: true})
			if err != nil {
				b.Fatal(err)
			}
			_, def, err := s.TenantRoleChoices(in)
			if err != nil {
				b.Fatal(err)
			}
			standard, err := s.TenantRole(in, def)
			if err != nil {
				b.Fatal(err)
			}
			b.Run("template-down", func(b *testing.B) {
				version := tpl.Version
				for i := 0; i < b.N; i++ {
					r, up, err := s.UpdateRole(in, tpl.ID, version, models.RoleChanges{Name: "Ops", Permissions: readUsers})
					if err != nil {
						b.Fatal(err)
					}
					if up.Propagated != int64(tenants) {
						b.Fatalf("rewrote %d copies, want %d", up.Propagated, tenants)
					}
					b.StopTimer()
					if r, _, err = s.UpdateRole(in, tpl.ID, r.Version, models.RoleChanges{Name: "Ops", Permissions: adminOnly}); err != nil {
						b.Fatal(err)
					}
					version = r.Version
					b.StartTimer()
				}
				tpl.Version = version // b.Run calls this again with a larger b.N
				b.ReportMetric(float64(tenants), "tenants/op")
			})
			b.Run("cap-audit", func(b *testing.B) {
				version := standard.Version
				for i := 0; i < b.N; i++ {
					p := models.FullPermissions()
					if i%2 == 0 {
						p[models.FeatureAudit] = models.LevelRead
					}
					tr, err := s.UpdateTenantRole(in, standard.ID, version, models.RoleChanges{Name: standard.Name, Description: standard.Description, Permissions: p})
					if err != nil {
						b.Fatal(err)
					}
					version = tr.Version
				}
				standard.Version = version
				b.ReportMetric(float64(tenants), "tenants/op")
			})
			b.Run("cap-refused", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					_, err := s.UpdateTenantRole(in, standard.ID, standard.Version, models.RoleChanges{Name: standard.Name, Permissions: readUsers})
					if fieldError(err, "role") == "" {
						b.Fatalf("not refused: %v", err)
					}
				}
				b.ReportMetric(float64(tenants), "tenants/op")
			})
		})
	}
}
