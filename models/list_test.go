package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"landlord/models"
	"landlord/models/storetest"
)

// The list pages build their statements and scan their rows by hand; these
// tests hold them to what GORM's query builder and scanner answer for the same
// question (the lists' earlier implementation), for every sort key, both
// directions, searches and pages up to past the end, on both databases.

var listSorts = map[string]string{ // the whitelists, as the references order by them
	"name": "lower(tenants.name)", "subdomain": "tenants.subdomain", "role": "lower(tenant_roles.name)",
	"users": "tenant_usage.users", "resources": "tenant_usage.resources", "created": "tenants.created_at", "status": "tenants.enabled",
}

var userListSorts = map[string]string{
	"username": "lower(users.username)", "name": "lower(users.last_name || ' ' || users.first_name)",
	"email": "lower(users.email)", "status": "users.enabled", "last_login": "users.last_login_at",
}

func direction(desc bool) string {
	if desc {
		return " DESC"
	}
	return " ASC"
}

// referenceTenants is the tenant list as GORM built and scanned it.
func referenceTenants(t *testing.T, s *models.Store, sort string, desc bool, search string, page, per int) ([]models.TenantRow, int64) {
	t.Helper()
	var (
		rows  []models.TenantRow
		total int64
	)
	err := s.TxForTest(models.AcrossTenants(storetest.System(context.Background()), "the reference tenant list"), func(tx *gorm.DB) error {
		where := func(db *gorm.DB) *gorm.DB {
			if search == "" {
				return db
			}
			p := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(search)) + "%"
			return db.Where(`lower(tenants.name) LIKE ? ESCAPE '\' OR tenants.subdomain LIKE ? ESCAPE '\'`, p, p)
		}
		if err := tx.Model(&models.Tenant{}).Scopes(where).Count(&total).Error; err != nil {
			return err
		}
		return tx.Model(&models.Tenant{}).Scopes(where).
			Select("tenants.*, COALESCE(tenant_usage.users, 0) AS users, COALESCE(tenant_usage.resources, 0) AS resources, " +
				"COALESCE(tenant_roles.name, '') AS tenant_role").
			Joins("LEFT JOIN tenant_usage ON tenant_usage.tenant_id = tenants.id").
			Joins("LEFT JOIN tenant_roles ON tenant_roles.id = tenants.tenant_role_id").
			Order(listSorts[sort] + direction(desc) + ", tenants.id" + direction(desc)).Limit(per).Offset((page - 1) * per).
			Scan(&rows).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows, total
}

func tenantLine(r models.TenantRow) string {
	role := "<nil>"
	if r.TenantRoleID != nil {
		role = fmt.Sprint(*r.TenantRoleID)
	}
	return fmt.Sprintf("%d %s %q %q %s %s %s %s %s %v %v %d %d %d %s %s %q %d %d", r.ID, r.Subdomain, r.Name, r.Description, role,
		r.Currency, r.AccountNumber, r.AccountName, r.CustomerNumber, r.Enabled, r.IsMaster, r.MaxUsers, r.MaxResources, r.Version,
		r.CreatedAt.UTC().Format(time.RFC3339Nano), r.UpdatedAt.UTC().Format(time.RFC3339Nano), r.TenantRole, r.Users, r.Resources)
}

// variedTenants is a seeded install made uneven: names in both cases, some
// tenants disabled, under a second tenant role, holding resources, or with
// users deleted, so every sort key has ties and differences.
func variedTenants(t *testing.T, d string) *models.Store {
	t.Helper()
	s := storetest.Open(t, d)
	ctx := storetest.System(context.Background())
	if _, err := s.Seed(ctx, models.SeedOptions{Tenants: 13, Users: 40, Password: seedPassword}); err != nil {
		t.Fatal(err)
	}
	gold, err := s.CreateTenantRole(ctx, models.NewRole{Name: "gold", Permissions: models.FullPermissions()})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Exec(t, s, `UPDATE tenants SET name = CASE WHEN id % 3 = 0 THEN 'alpha ' || subdomain WHEN id % 3 = 1 THEN 'Beta ' || subdomain ELSE name END,
		enabled = (id % 4 <> 0), account_name = 'acct ' || subdomain WHERE NOT is_master`)
	storetest.Exec(t, s, `UPDATE tenants SET tenant_role_id = ? WHERE id % 2 = 0 AND NOT is_master`, gold.ID)
	storetest.Exec(t, s, `INSERT INTO resources (tenant_id, kind, name, created_at, updated_at)
		SELECT t.id, 'vm', 'r' || u.id, t.created_at, t.created_at FROM tenants t JOIN users u ON u.tenant_id = t.id WHERE t.id % 3 = 0 AND u.id % 2 = 0`)
	storetest.Exec(t, s, `DELETE FROM users WHERE id % 7 = 0`)
	storetest.Exec(t, s, `DELETE FROM resources WHERE id % 5 = 0`)
	return s
}

func TestTenantsPageAnswersWhatGORMDidForEverySortSearchAndPage(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := variedTenants(t, d)
		ctx := storetest.System(context.Background())
		for sort := range listSorts {
			for _, desc := range []bool{false, true} {
				for _, search := range []string{"", "T0001", "alpha", "%", "zzz"} {
					for page := 1; page <= 5; page++ {
						want, wantTotal := referenceTenants(t, s, sort, desc, search, page, 4)
						got, err := s.TenantsPage(ctx, models.ListQuery{Sort: sort, Desc: desc, Search: search, Page: page, PerPage: 4})
						if err != nil {
							t.Fatal(err)
						}
						at := fmt.Sprintf("sort=%s desc=%v q=%q page=%d", sort, desc, search, page)
						if got.Total != wantTotal || len(got.Rows) != len(want) {
							t.Fatalf("%s: total %d, %d rows; want %d, %d", at, got.Total, len(got.Rows), wantTotal, len(want))
						}
						for i := range want {
							if g, w := tenantLine(got.Rows[i]), tenantLine(want[i]); g != w {
								t.Fatalf("%s row %d:\n got %s\nwant %s", at, i, g, w)
							}
						}
					}
				}
			}
		}
	})
}

func TestUsageCountersFollowRowsAddedAndRemovedManyAtATime(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := variedTenants(t, d)
		counted := func(table string) map[uint64]int64 {
			var rows []struct {
				TenantID uint64
				N        int64
			}
			err := s.TxForTest(models.AcrossTenants(context.Background(), "count rows per tenant"), func(tx *gorm.DB) error {
				return tx.Table(table).Select("tenant_id, count(*) AS n").Group("tenant_id").Scan(&rows).Error
			})
			if err != nil {
				t.Fatal(err)
			}
			out := map[uint64]int64{}
			for _, r := range rows {
				out[r.TenantID] = r.N
			}
			return out
		}
		users, resources := counted("users"), counted("resources")
		p, err := s.TenantsPage(storetest.System(context.Background()), models.ListQuery{PerPage: models.MaxPerPage})
		if err != nil {
			t.Fatal(err)
		}
		var some int64
		for _, r := range p.Rows {
			if r.Users != users[r.ID] || r.Resources != resources[r.ID] {
				t.Errorf("%s: counters say %d users, %d resources; the tables hold %d, %d", r.Subdomain, r.Users, r.Resources, users[r.ID], resources[r.ID])
			}
			some += r.Resources
		}
		if some == 0 || len(p.Rows) != 14 {
			t.Fatalf("%d rows, %d resources: the fixture is not what it should be", len(p.Rows), some)
		}
	})
}

// referenceUsers is the user list as GORM built and scanned it.
func referenceUsers(t *testing.T, s *models.Store, tenant uint64, sort string, desc bool, search string, page, per int) ([]models.User, int64) {
	t.Helper()
	var (
		users []models.User
		total int64
	)
	err := s.InTenantForTest(context.Background(), tenant, func(tx *gorm.DB) error {
		where := func(db *gorm.DB) *gorm.DB {
			if search == "" {
				return db
			}
			p := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(search)) + "%"
			return db.Where(`lower(users.username) LIKE ? ESCAPE '\' OR lower(users.email) LIKE ? ESCAPE '\' OR lower(users.first_name || ' ' || users.last_name) LIKE ? ESCAPE '\'`, p, p, p)
		}
		if err := tx.Model(&models.User{}).Scopes(where).Count(&total).Error; err != nil {
			return err
		}
		q := tx.Model(&models.User{}).
			Select("users.id", "users.tenant_id", "users.username", "users.email", "users.first_name", "users.last_name",
				"users.role_id", "users.enabled", "users.identity_source", "users.last_login_at", "users.created_at").
			Joins("Role", tx.Session(&gorm.Session{NewDB: true}).Select("id", "name")).Scopes(where).
			Order(userListSorts[sort] + direction(desc) + ", users.id" + direction(desc))
		if per > 0 {
			q = q.Limit(per).Offset((page - 1) * per)
		}
		return q.Find(&users).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	return users, total
}

func userLine(u *models.User) string {
	id, role, login := "<nil>", "<nil>", "<nil>"
	if u.RoleID != nil {
		id = fmt.Sprint(*u.RoleID)
	}
	if u.Role != nil {
		role = fmt.Sprintf("%d %q", u.Role.ID, u.Role.Name)
	}
	if u.LastLoginAt != nil {
		login = u.LastLoginAt.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("%d %d %q %q %q %q %s %s %v %q %s %s %q %d", u.ID, u.TenantID, u.Username, u.Email, u.FirstName, u.LastName,
		id, role, u.Enabled, u.IdentitySource, login, u.CreatedAt.UTC().Format(time.RFC3339Nano), u.PasswordHash, u.Version)
}

func TestUsersPageAndExportAnswerWhatGORMDidForEverySortSearchAndPage(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		ctx := storetest.System(context.Background())
		if _, err := s.Seed(ctx, models.SeedOptions{Tenants: 2, Users: 50, Password: seedPassword}); err != nil {
			t.Fatal(err)
		}
		storetest.Exec(t, s, `UPDATE users SET
			username = CASE WHEN id % 5 = 0 THEN upper(username) ELSE username END,
			first_name = CASE WHEN id % 3 = 0 THEN 'ann' ELSE 'Bob' END,
			last_name = CASE WHEN id % 2 = 0 THEN 'Zeta' ELSE 'alpha' END,
			email = CASE WHEN id % 9 = 0 THEN '' ELSE email END,
			enabled = (id % 4 <> 0),
			last_login_at = CASE WHEN id % 3 = 1 THEN created_at ELSE NULL END,
			role_id = CASE WHEN id % 6 = 0 THEN NULL ELSE role_id END`)
		t1, err := s.TenantBySubdomain(ctx, "t00001")
		if err != nil {
			t.Fatal(err)
		}
		in := models.WithTenant(context.Background(), t1.ID)
		for sort := range userListSorts {
			for _, desc := range []bool{false, true} {
				for _, search := range []string{"", "USER0001", "ann z", "_", "nobody"} {
					for page := 1; page <= 4; page++ {
						want, wantTotal := referenceUsers(t, s, t1.ID, sort, desc, search, page, 7)
						got, err := s.UsersPage(in, models.ListQuery{Sort: sort, Desc: desc, Search: search, Page: page, PerPage: 7})
						if err != nil {
							t.Fatal(err)
						}
						at := fmt.Sprintf("sort=%s desc=%v q=%q page=%d", sort, desc, search, page)
						if got.Total != wantTotal || len(got.Rows) != len(want) {
							t.Fatalf("%s: total %d, %d rows; want %d, %d", at, got.Total, len(got.Rows), wantTotal, len(want))
						}
						for i := range want {
							if g, w := userLine(&got.Rows[i]), userLine(&want[i]); g != w {
								t.Fatalf("%s row %d:\n got %s\nwant %s", at, i, g, w)
							}
						}
					}
				}
				want, _ := referenceUsers(t, s, t1.ID, sort, desc, "", 0, 0)
				var got []string
				if err := s.EachUser(in, models.ListQuery{Sort: sort, Desc: desc}, func(u *models.User) error { got = append(got, userLine(u)); return nil }); err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) || len(want) < 20 {
					t.Fatalf("export sort=%s: %d users, want %d", sort, len(got), len(want))
				}
				for i := range want {
					if got[i] != userLine(&want[i]) {
						t.Fatalf("export sort=%s row %d:\n got %s\nwant %s", sort, i, got[i], userLine(&want[i]))
					}
				}
			}
		}
	})
}

// An export stops at the first error its writer returns (a client gone, a
// full disk) and says so, on both databases, rather than going on or
// reporting success for a file cut short.
func TestEachUserStopsAtItsWritersErrorAndReturnsIt(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		ctx := storetest.System(context.Background())
		if _, err := s.Seed(ctx, models.SeedOptions{Tenants: 1, Users: 5, Password: seedPassword}); err != nil {
			t.Fatal(err)
		}
		t1, err := s.TenantBySubdomain(ctx, "t00001")
		if err != nil {
			t.Fatal(err)
		}
		gone := errors.New("the client went away")
		n := 0
		err = s.EachUser(models.WithTenant(context.Background(), t1.ID), models.ListQuery{}, func(*models.User) error {
			n++
			if n == 2 {
				return gone
			}
			return nil
		})
		if !errors.Is(err, gone) || n != 2 {
			t.Fatalf("the walk went on to %d users and returned %v; want it stopped at 2 with the writer's error", n, err)
		}
		// The connection it used is whole: the next read answers.
		p, err := s.UsersPage(models.WithTenant(context.Background(), t1.ID), models.ListQuery{})
		if err != nil || p.Total != 5 || len(p.Rows) != 5 {
			t.Fatalf("the next page: %d of %d (%v)", len(p.Rows), p.Total, err)
		}
	})
}
