package models_test

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"landlord/models"
	"landlord/models/storetest"
)

// world is two tenants with rows in both. The counts differ on purpose, so a
// statement that leaks or ignores the tenant gives a different answer:
//
//	acme: users admin@acme.test, alice, anna (no role) = 3; roles Administrator = 1
//	beta: users admin@beta.test, bob = 2;                 roles Administrator, Viewer = 2
type world struct {
	s            *models.Store
	dialect      string
	a, b         *models.Tenant
	aRole, bRole uint64 // each tenant's Administrator role
	aUsers       []models.User
	bUsers       []models.User
	alice, anna  models.User
	bob          models.User
}

const acrossWhy = "scope test: read both tenants to check what a scoped statement did"

func across() context.Context { return models.AcrossTenants(context.Background(), acrossWhy) }

func setup(t *testing.T, dialect string) *world {
	t.Helper()
	return setupOn(t, dialect, storetest.Open(t, dialect))
}

func setupOn(t *testing.T, dialect string, s *models.Store) *world {
	t.Helper()
	ctx := storetest.System(context.Background())
	w := &world{s: s, dialect: dialect}
	var err error
	if w.a, err = s.CreateTenant(ctx, models.NewTenant{Subdomain: "acme", Name: "Acme"}); err != nil {
		t.Fatal(err)
	}
	if w.b, err = s.CreateTenant(ctx, models.NewTenant{Subdomain: "beta", Name: "Beta"}); err != nil {
		t.Fatal(err)
	}
	aAdmin, err := s.SetAdminPassword(ctx, "acme", "admin@acme.test", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	bAdmin, err := s.SetAdminPassword(ctx, "beta", "admin@beta.test", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	w.aRole, w.bRole = *aAdmin.RoleID, *bAdmin.RoleID
	if aAdmin.TenantID != w.a.ID || bAdmin.TenantID != w.b.ID {
		t.Fatalf("admins in the wrong tenants: %d %d", aAdmin.TenantID, bAdmin.TenantID)
	}
	w.alice = w.addUser(t, w.a.ID, "alice", &w.aRole)
	w.anna = w.addUser(t, w.a.ID, "anna", nil)
	w.bob = w.addUser(t, w.b.ID, "bob", &w.bRole)
	if err := s.InTenantForTest(ctx, w.b.ID, func(tx *gorm.DB) error {
		return tx.Create(&models.Role{Name: "Viewer", Permissions: models.Permissions{}, Version: 1}).Error
	}); err != nil {
		t.Fatal(err)
	}
	w.aUsers, w.bUsers = w.usersOf(t, w.a.ID), w.usersOf(t, w.b.ID)
	if len(w.aUsers) != 3 || len(w.bUsers) != 2 {
		t.Fatalf("fixture: acme has %d users, beta %d; want 3 and 2", len(w.aUsers), len(w.bUsers))
	}
	return w
}

func (w *world) addUser(t *testing.T, tenantID uint64, name string, roleID *uint64) models.User {
	t.Helper()
	u := models.User{Username: name, Email: name + "@example.test", RoleID: roleID, Enabled: true, IdentitySource: "local", SessionVersion: 1, Version: 1}
	if err := w.s.InTenantForTest(context.Background(), tenantID, func(tx *gorm.DB) error { return tx.Create(&u).Error }); err != nil {
		t.Fatalf("add %s: %v", name, err)
	}
	if u.ID == 0 || u.TenantID != tenantID {
		t.Fatalf("add %s: id %d tenant %d", name, u.ID, u.TenantID)
	}
	return u
}

// usersOf reads a tenant's users across tenants, i.e. not through the scoping
// under test, ordered by id.
func (w *world) usersOf(t *testing.T, tenantID uint64) []models.User {
	t.Helper()
	var us []models.User
	if err := w.s.TxForTest(across(), func(tx *gorm.DB) error {
		return tx.Where("tenant_id = ?", tenantID).Order("id").Find(&us).Error
	}); err != nil {
		t.Fatal(err)
	}
	return us
}

// userByID reads any tenant's user across tenants.
func (w *world) userByID(t *testing.T, id uint64) (models.User, bool) {
	t.Helper()
	var us []models.User
	if err := w.s.TxForTest(across(), func(tx *gorm.DB) error {
		return tx.Where("id = ?", id).Find(&us).Error
	}); err != nil {
		t.Fatal(err)
	}
	if len(us) == 0 {
		return models.User{}, false
	}
	return us[0], true
}

// inA runs fn in a store transaction confined to acme.
func (w *world) inA(fn func(tx *gorm.DB) error) error {
	return w.s.InTenantForTest(context.Background(), w.a.ID, fn)
}

func forEachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) { fn(t, d) })
	}
}

func ids(us []models.User) []uint64 {
	out := make([]uint64, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

func sameIDs(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// sqlOf is the statement fn would run, values inlined, all quotes removed (the
// dialects quote differently).
func sqlOf(tx *gorm.DB, fn func(tx *gorm.DB) *gorm.DB) string {
	return strings.NewReplacer(`"`, "", "`", "", "'", "").Replace(tx.ToSQL(fn))
}

func wantErr(t *testing.T, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %v, want %v", what, err, target)
	}
}

func TestQueriesSeeOnlyTheContextTenantsRows(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		wantIDs := ids(w.aUsers)
		err := w.inA(func(tx *gorm.DB) error {
			var found []models.User
			if err := tx.Order("id").Find(&found).Error; err != nil {
				return err
			}
			if !sameIDs(ids(found), wantIDs) {
				t.Errorf("Find: got users %v, want acme's %v", ids(found), wantIDs)
			}
			var n int64
			if err := tx.Model(&models.User{}).Count(&n).Error; err != nil {
				return err
			}
			if n != 3 {
				t.Errorf("Count users: got %d, want acme's 3", n)
			}
			if err := tx.Model(&models.Role{}).Count(&n).Error; err != nil {
				return err
			}
			if n != 1 {
				t.Errorf("Count roles: got %d, want acme's 1", n)
			}
			var names []string
			if err := tx.Model(&models.User{}).Order("id").Pluck("username", &names).Error; err != nil {
				return err
			}
			if len(names) != 3 {
				t.Errorf("Pluck: got %v, want acme's 3 usernames", names)
			}
			type row struct{ Username string }
			var rows []row
			if err := tx.Model(&models.User{}).Select("username").Scan(&rows).Error; err != nil {
				return err
			}
			if len(rows) != 3 {
				t.Errorf("Scan: got %v, want acme's 3 rows", rows)
			}
			var first, last models.User
			if err := tx.First(&first).Error; err != nil {
				return err
			}
			if err := tx.Last(&last).Error; err != nil {
				return err
			}
			if first.ID != wantIDs[0] || last.ID != wantIDs[2] {
				t.Errorf("First/Last: got %d/%d, want acme's %d/%d", first.ID, last.ID, wantIDs[0], wantIDs[2])
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		// Table(...) with an alias: the tenant condition names the alias.
		for _, table := range []string{"users", "users u", "users AS u"} {
			var rows []map[string]any
			if err := w.inA(func(tx *gorm.DB) error { return tx.Table(table).Find(&rows).Error }); err != nil {
				t.Errorf("Table(%q).Find: %v", table, err)
			} else if len(rows) != 3 {
				t.Errorf("Table(%q).Find from acme: %d rows, want 3", table, len(rows))
			}
			var n int64
			if err := w.inA(func(tx *gorm.DB) error { return tx.Table(table).Count(&n).Error }); err != nil || n != 3 {
				t.Errorf("Table(%q).Count from acme: %d, %v; want 3", table, n, err)
			}
		}

		// Every lookup of beta's user by primary key from acme finds nothing.
		lookups := map[string]func(tx *gorm.DB) error{
			"First(&u, id)":      func(tx *gorm.DB) error { var u models.User; return tx.First(&u, w.bob.ID).Error },
			"Take(&u, id)":       func(tx *gorm.DB) error { var u models.User; return tx.Take(&u, w.bob.ID).Error },
			"First(&User{ID})":   func(tx *gorm.DB) error { u := models.User{ID: w.bob.ID}; return tx.First(&u).Error },
			"Where(id).Take":     func(tx *gorm.DB) error { var u models.User; return tx.Where("id = ?", w.bob.ID).Take(&u).Error },
			"Where(name).First":  func(tx *gorm.DB) error { var u models.User; return tx.Where("username = ?", "bob").First(&u).Error },
			"Preload(Role).Take": func(tx *gorm.DB) error { var u models.User; return tx.Preload("Role").Take(&u, w.bob.ID).Error },
		}
		for name, fn := range lookups {
			wantErr(t, w.inA(fn), gorm.ErrRecordNotFound, name)
			// The same lookup confined to beta does find bob: the statement itself works.
			if err := w.s.InTenantForTest(context.Background(), w.b.ID, fn); err != nil {
				t.Errorf("%s from beta: %v", name, err)
			}
		}
	})
}

func TestWritesFromOneTenantDoNotReachAnother(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)

		t.Run("Update of another tenant's id changes nothing", func(t *testing.T) {
			var affected int64
			if err := w.inA(func(tx *gorm.DB) error {
				res := tx.Model(&models.User{}).Where("id = ?", w.bob.ID).Update("first_name", "Pwned")
				affected = res.RowsAffected
				return res.Error
			}); err != nil {
				t.Fatal(err)
			}
			if affected != 0 {
				t.Errorf("update from acme changed %d of beta's rows", affected)
			}
			if u, _ := w.userByID(t, w.bob.ID); u.FirstName != "" {
				t.Errorf("bob's first name is now %q", u.FirstName)
			}
			// The same update on acme's own user does change it.
			if err := w.inA(func(tx *gorm.DB) error {
				res := tx.Model(&models.User{}).Where("id = ?", w.alice.ID).Update("first_name", "Alice")
				affected = res.RowsAffected
				return res.Error
			}); err != nil || affected != 1 {
				t.Errorf("update of acme's own user: %d rows, %v", affected, err)
			}
		})

		t.Run("Updates of a loaded row of another tenant changes nothing", func(t *testing.T) {
			bob := w.bob
			var affected int64
			err := w.inA(func(tx *gorm.DB) error {
				res := tx.Model(&bob).Updates(map[string]any{"first_name": "Pwned"})
				affected = res.RowsAffected
				return res.Error
			})
			if err != nil || affected != 0 {
				t.Errorf("Model(&bob).Updates(map) from acme: %d rows, %v", affected, err)
			}
			bob = w.bob
			err = w.inA(func(tx *gorm.DB) error {
				return tx.Model(&bob).Updates(&models.User{FirstName: "Pwned"}).Error
			})
			wantErr(t, err, models.ErrScopeViolation, "Model(&bob).Updates(struct) from acme")
			if u, _ := w.userByID(t, w.bob.ID); u.FirstName != "" {
				t.Errorf("bob's first name is now %q", u.FirstName)
			}
		})

		// Every way of naming tenant_id in an update is refused, each tried on a
		// fresh user of acme.
		moves := map[string]func(tx *gorm.DB, id uint64) *gorm.DB{
			"Updates map tenant_id": func(tx *gorm.DB, id uint64) *gorm.DB {
				return tx.Model(&models.User{}).Where("id = ?", id).Updates(map[string]any{"tenant_id": w.b.ID})
			},
			"Updates map TenantID": func(tx *gorm.DB, id uint64) *gorm.DB {
				return tx.Model(&models.User{}).Where("id = ?", id).Updates(map[string]any{"TenantID": w.b.ID})
			},
			"Update tenant_id": func(tx *gorm.DB, id uint64) *gorm.DB {
				return tx.Model(&models.User{}).Where("id = ?", id).Update("tenant_id", w.b.ID)
			},
			"UpdateColumn tenant_id expr": func(tx *gorm.DB, id uint64) *gorm.DB {
				return tx.Model(&models.User{}).Where("id = ?", id).UpdateColumn("tenant_id", gorm.Expr("tenant_id + 1"))
			},
			"Updates &map tenant_id": func(tx *gorm.DB, id uint64) *gorm.DB {
				return tx.Model(&models.User{}).Where("id = ?", id).Updates(&map[string]any{"tenant_id": w.b.ID})
			},
			"Updates map TENANT_ID": func(tx *gorm.DB, id uint64) *gorm.DB {
				return tx.Model(&models.User{}).Where("id = ?", id).Updates(map[string]any{"TENANT_ID": w.b.ID})
			},
			"Updates struct of the model": func(tx *gorm.DB, id uint64) *gorm.DB {
				return tx.Model(&models.User{}).Where("id = ?", id).Updates(&models.User{TenantID: w.b.ID})
			},
			"Updates struct of another type": func(tx *gorm.DB, id uint64) *gorm.DB {
				type patch struct {
					FirstName string
					TenantID  uint64
				}
				return tx.Model(&models.User{}).Where("id = ?", id).Updates(patch{FirstName: "Moved", TenantID: w.b.ID})
			},
			"explicit SET clause": func(tx *gorm.DB, id uint64) *gorm.DB {
				return tx.Model(&models.User{}).Where("id = ?", id).
					Clauses(clause.Set{{Column: clause.Column{Name: "tenant_id"}, Value: w.b.ID}}).
					Updates(map[string]any{})
			},
		}
		i := 0
		for name, move := range moves {
			i++
			victim := w.addUser(t, w.a.ID, "victim"+strconv.Itoa(i), nil)
			t.Run(name+" is refused", func(t *testing.T) {
				err := w.inA(func(tx *gorm.DB) error { return move(tx, victim.ID).Error })
				wantErr(t, err, models.ErrScopeViolation, name)
				if u, ok := w.userByID(t, victim.ID); !ok || u.TenantID != w.a.ID {
					t.Errorf("acme's user now in tenant %d (found %v), want acme %d", u.TenantID, ok, w.a.ID)
				}
			})
		}

		t.Run("Updates map users.tenant_id fails", func(t *testing.T) {
			victim := w.addUser(t, w.a.ID, "qualified", nil)
			err := w.inA(func(tx *gorm.DB) error {
				return tx.Model(&models.User{}).Where("id = ?", victim.ID).Updates(map[string]any{"users.tenant_id": w.b.ID}).Error
			})
			if err == nil {
				t.Error("update of users.tenant_id went through")
			}
			if u, _ := w.userByID(t, victim.ID); u.TenantID != w.a.ID {
				t.Errorf("acme's user now in tenant %d", u.TenantID)
			}
		})

		t.Run("Delete of another tenant's id deletes nothing", func(t *testing.T) {
			var affected int64
			for _, del := range []func(tx *gorm.DB) *gorm.DB{
				func(tx *gorm.DB) *gorm.DB { return tx.Delete(&models.User{}, w.bob.ID) },
				func(tx *gorm.DB) *gorm.DB { return tx.Where("id = ?", w.bob.ID).Delete(&models.User{}) },
				func(tx *gorm.DB) *gorm.DB { return tx.Delete(&models.User{ID: w.bob.ID}) },
			} {
				if err := w.inA(func(tx *gorm.DB) error {
					res := del(tx)
					affected += res.RowsAffected
					return res.Error
				}); err != nil {
					t.Fatal(err)
				}
			}
			if affected != 0 {
				t.Errorf("delete from acme removed %d of beta's rows", affected)
			}
			if _, ok := w.userByID(t, w.bob.ID); !ok {
				t.Error("bob is gone")
			}
			// The same delete on acme's own user does delete it.
			if err := w.inA(func(tx *gorm.DB) error {
				res := tx.Delete(&models.User{}, w.anna.ID)
				affected = res.RowsAffected
				return res.Error
			}); err != nil || affected != 1 {
				t.Errorf("delete of acme's own user: %d rows, %v", affected, err)
			}
		})
	})
}

func TestStatementWithoutTenantFails(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		ops := map[string]func(tx *gorm.DB) error{
			"Find":  func(tx *gorm.DB) error { var us []models.User; return tx.Find(&us).Error },
			"First": func(tx *gorm.DB) error { var u models.User; return tx.First(&u, w.alice.ID).Error },
			"Count": func(tx *gorm.DB) error { var n int64; return tx.Model(&models.User{}).Count(&n).Error },
			"Pluck": func(tx *gorm.DB) error { var s []string; return tx.Model(&models.User{}).Pluck("username", &s).Error },
			"Update": func(tx *gorm.DB) error {
				return tx.Model(&models.User{}).Where("id = ?", w.alice.ID).Update("first_name", "x").Error
			},
			"Delete": func(tx *gorm.DB) error { return tx.Delete(&models.User{}, w.alice.ID).Error },
			"Create": func(tx *gorm.DB) error { return tx.Create(&models.User{Username: "nobody"}).Error },
			"Table(users).Find": func(tx *gorm.DB) error {
				var rows []map[string]any
				return tx.Table("users").Find(&rows).Error
			},
			"Joins(Role).Find": func(tx *gorm.DB) error { var us []models.User; return tx.Joins("Role").Find(&us).Error },
		}
		for name, op := range ops {
			err := w.s.TxForTest(context.Background(), op)
			wantErr(t, err, models.ErrNoTenant, name)
		}
		// A global table needs no tenant.
		var n int64
		if err := w.s.TxForTest(context.Background(), func(tx *gorm.DB) error {
			return tx.Model(&models.Tenant{}).Count(&n).Error
		}); err != nil || n != 3 {
			t.Errorf("count tenants without a tenant: %d, %v", n, err)
		}
		if u, _ := w.userByID(t, w.alice.ID); u.FirstName != "" {
			t.Errorf("update without tenant went through: %q", u.FirstName)
		}
	})
}

func TestPreloadAndJoinsLoadOnlyTheTenantsRoles(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		aID := strconv.FormatUint(w.a.ID, 10)
		err := w.inA(func(tx *gorm.DB) error {
			for name, q := range map[string]func(tx *gorm.DB) *gorm.DB{
				"Preload": func(tx *gorm.DB) *gorm.DB { return tx.Preload("Role") },
				"Joins":   func(tx *gorm.DB) *gorm.DB { return tx.Joins("Role") },
			} {
				var us []models.User
				if err := q(tx).Order("users.id").Find(&us).Error; err != nil {
					return err
				}
				if !sameIDs(ids(us), ids(w.aUsers)) {
					t.Errorf("%s: users %v, want acme's %v", name, ids(us), ids(w.aUsers))
				}
				withRole := 0
				for _, u := range us {
					if u.Role != nil {
						withRole++
						if u.Role.TenantID != w.a.ID || u.Role.ID != w.aRole {
							t.Errorf("%s: %s has role %d of tenant %d", name, u.Username, u.Role.ID, u.Role.TenantID)
						}
					}
				}
				if withRole != 2 {
					t.Errorf("%s: %d users with a role, want 2 (anna has none)", name, withRole)
				}
			}

			// The joined alias carries the tenant condition in its ON clause, and
			// the main table in the WHERE clause.
			var us []models.User
			sql := sqlOf(tx, func(tx *gorm.DB) *gorm.DB { return tx.Joins("Role").Where("users.username <> ?", "x").Find(&us) })
			onRole := regexp.MustCompile(`LEFT JOIN roles Role ON .*Role\.tenant_id = ` + aID + `\b.* WHERE `)
			if !onRole.MatchString(sql) {
				t.Errorf("Joins(Role) SQL lacks Role.tenant_id = %s in ON:\n%s", aID, sql)
			}
			if !strings.Contains(sql, "users.tenant_id = "+aID) {
				t.Errorf("Joins(Role) SQL lacks users.tenant_id = %s:\n%s", aID, sql)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// forgeRole points one of acme's users at beta's role, bypassing the composite
// foreign key that normally makes this impossible, so the join condition is all
// that stands between acme and beta's role.
func forgeRole(t *testing.T, w *world, userID, roleID uint64) {
	t.Helper()
	sqlDB, err := w.s.DBForTest().DB()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if w.dialect == "sqlite" {
		conn, err := sqlDB.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		for _, q := range []string{"PRAGMA foreign_keys = OFF", "UPDATE users SET role_id = " + strconv.FormatUint(roleID, 10) + " WHERE id = " + strconv.FormatUint(userID, 10), "PRAGMA foreign_keys = ON"} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		return
	}
	tx, err := sqlDB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// As the superuser (not landlord_app): skip FK triggers and RLS for the forgery.
	if _, err := tx.Exec("SET LOCAL session_replication_role = replica"); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("UPDATE users SET role_id = $1 WHERE id = $2", roleID, userID); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestJoinedOrPreloadedRoleOfAnotherTenantIsNotLoaded(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		forgeRole(t, w, w.alice.ID, w.bRole)
		if u, _ := w.userByID(t, w.alice.ID); u.RoleID == nil || *u.RoleID != w.bRole {
			t.Fatalf("forgery did not take: %+v", u.RoleID)
		}
		for name, q := range map[string]func(tx *gorm.DB) *gorm.DB{
			"Preload": func(tx *gorm.DB) *gorm.DB { return tx.Preload("Role") },
			"Joins":   func(tx *gorm.DB) *gorm.DB { return tx.Joins("Role") },
		} {
			var u models.User
			if err := w.inA(func(tx *gorm.DB) error { return q(tx).Take(&u, w.alice.ID).Error }); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if u.Role != nil {
				t.Errorf("%s: acme's alice came back with beta's role %d (tenant %d)", name, u.Role.ID, u.Role.TenantID)
			}
			// Across tenants the forged role is there: the check above can fail.
			if err := w.s.TxForTest(across(), func(tx *gorm.DB) error { return q(tx).Take(&u, w.alice.ID).Error }); err != nil || u.Role == nil {
				t.Errorf("%s across tenants: role %v, err %v", name, u.Role, err)
			}
		}
	})
}

func TestRawJoinOnTenantTableIsRefused(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		q := func(tx *gorm.DB, us *[]models.User) error {
			return tx.Joins("JOIN roles ON roles.id = users.role_id").Find(us).Error
		}
		var us []models.User
		wantErr(t, w.inA(func(tx *gorm.DB) error { return q(tx, &us) }), models.ErrScopeViolation, "raw join from acme")
		// From a global table too.
		err := w.inA(func(tx *gorm.DB) error {
			var ts []models.Tenant
			return tx.Joins("JOIN users ON users.tenant_id = tenants.id").Find(&ts).Error
		})
		wantErr(t, err, models.ErrScopeViolation, "raw join from tenants")
		// The named way in allows it and sees every tenant's users with a role.
		us = nil
		if err := w.s.TxForTest(across(), func(tx *gorm.DB) error { return q(tx, &us) }); err != nil {
			t.Fatal(err)
		}
		if len(us) != 4 {
			t.Errorf("raw join across tenants: %d users, want 4 with a role", len(us))
		}
	})
}

func TestOrConditionsCannotEscapeTheTenant(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		aID := strconv.FormatUint(w.a.ID, 10)
		cases := map[string]func(tx *gorm.DB) *gorm.DB{
			"Or()": func(tx *gorm.DB) *gorm.DB {
				return tx.Where("username = ?", "x").Or("username = ?", "bob")
			},
			"OR in one string": func(tx *gorm.DB) *gorm.DB {
				return tx.Where("username = ? OR username = ?", "bob", "x")
			},
			"OR after a newline": func(tx *gorm.DB) *gorm.DB {
				return tx.Where("username = ?\nOR username = ?", "bob", "x")
			},
			"OR before a parenthesis": func(tx *gorm.DB) *gorm.DB {
				return tx.Where("username = ? OR(username = ?)", "bob", "x")
			},
			"Or() alone": func(tx *gorm.DB) *gorm.DB {
				return tx.Or("username = ?", "bob")
			},
			"Not/Or mix": func(tx *gorm.DB) *gorm.DB {
				return tx.Not("username = ?", "x").Or("username = ?", "bob")
			},
		}
		for name, where := range cases {
			var got []models.User
			if err := w.inA(func(tx *gorm.DB) error { return where(tx).Find(&got).Error }); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, u := range got {
				if u.TenantID != w.a.ID {
					t.Errorf("%s: acme got %s of tenant %d", name, u.Username, u.TenantID)
				}
			}
			// Across tenants the condition does match bob: the check above can fail.
			got = nil
			if err := w.s.TxForTest(across(), func(tx *gorm.DB) error { return where(tx).Find(&got).Error }); err != nil {
				t.Fatal(err)
			}
			if !containsUser(got, w.bob.ID) {
				t.Errorf("%s across tenants does not find bob: the case proves nothing", name)
			}
			// The same holds for Count, Update and Delete built from the condition.
			var n int64
			if err := w.inA(func(tx *gorm.DB) error {
				if err := where(tx.Model(&models.User{})).Count(&n).Error; err != nil {
					return err
				}
				if n > 3 {
					t.Errorf("%s: Count from acme is %d, more than acme's 3 users", name, n)
				}
				return where(tx.Model(&models.User{})).Update("last_name", "Pwned").Error
			}); err != nil {
				t.Fatal(err)
			}
			if u, _ := w.userByID(t, w.bob.ID); u.LastName != "" {
				t.Errorf("%s: update from acme changed bob", name)
			}
			if err := w.inA(func(tx *gorm.DB) error { return where(tx).Delete(&models.User{}).Error }); err != nil {
				t.Fatal(err)
			}
			if _, ok := w.userByID(t, w.bob.ID); !ok {
				t.Fatalf("%s: delete from acme removed bob", name)
			}
		}

		// The SQL: the caller's conditions in one group, ANDed with the tenant.
		err := w.inA(func(tx *gorm.DB) error {
			var us []models.User
			sql := sqlOf(tx, func(tx *gorm.DB) *gorm.DB { return tx.Where("username = ?", "x").Or("username = ?", "bob").Find(&us) })
			want := "WHERE (username = x OR username = bob) AND users.tenant_id = " + aID
			if !strings.Contains(sql, want) {
				t.Errorf("Or SQL:\n%s\nwant it to contain\n%s", sql, want)
			}
			sql = sqlOf(tx, func(tx *gorm.DB) *gorm.DB { return tx.Where("username = ?\nOR username = ?", "bob", "x").Find(&us) })
			want = "WHERE (username = bob\nOR username = x) AND users.tenant_id = " + aID
			if !strings.Contains(sql, want) {
				t.Errorf("newline OR SQL:\n%s\nwant it to contain\n%s", sql, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func containsUser(us []models.User, id uint64) bool {
	for _, u := range us {
		if u.ID == id {
			return true
		}
	}
	return false
}

func TestRawSQLIsRefusedOutsideAcrossTenants(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		ops := map[string]func(tx *gorm.DB) error{
			"Raw.Scan": func(tx *gorm.DB) error { var n int64; return tx.Raw("SELECT count(*) FROM users").Scan(&n).Error },
			"Raw.Rows": func(tx *gorm.DB) error {
				rows, err := tx.Raw("SELECT id FROM users").Rows()
				if rows != nil {
					rows.Close()
				}
				return err
			},
			"Raw.Row": func(tx *gorm.DB) error {
				q := tx.Raw("SELECT count(*) FROM users")
				if row := q.Row(); row != nil { // gorm returns no *sql.Row when a callback failed
					var n int64
					return row.Scan(&n)
				}
				return q.Error
			},
			"Exec": func(tx *gorm.DB) error { return tx.Exec("UPDATE users SET last_name = 'Pwned'").Error },
			"Raw on a global table": func(tx *gorm.DB) error {
				var n int64
				return tx.Raw("SELECT count(*) FROM tenants").Scan(&n).Error
			},
		}
		for name, op := range ops {
			wantErr(t, w.inA(op), models.ErrScopeViolation, name+" in acme")
			wantErr(t, w.s.TxForTest(context.Background(), op), models.ErrScopeViolation, name+" without tenant")
		}
		for _, u := range append(w.usersOf(t, w.a.ID), w.usersOf(t, w.b.ID)...) {
			if u.LastName != "" {
				t.Fatalf("refused Exec changed %s", u.Username)
			}
		}
		// Through AcrossTenants raw SQL runs, and sees every tenant.
		var n int64
		if err := w.s.TxForTest(across(), func(tx *gorm.DB) error {
			return tx.Raw("SELECT count(*) FROM users").Scan(&n).Error
		}); err != nil || n != 5 {
			t.Errorf("raw count across tenants: %d, %v; want 5", n, err)
		}
		var affected int64
		if err := w.s.TxForTest(across(), func(tx *gorm.DB) error {
			res := tx.Exec("UPDATE users SET last_name = ? WHERE id = ?", "Smith", w.bob.ID)
			affected = res.RowsAffected
			return res.Error
		}); err != nil || affected != 1 {
			t.Errorf("exec across tenants: %d rows, %v", affected, err)
		}
	})
}

func TestSaveIsRefusedOnTenantTables(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		cases := map[string]func() models.User{
			"beta's id, acme's tenant": func() models.User {
				return models.User{ID: w.bob.ID, TenantID: w.a.ID, Username: "hijacked", Enabled: true}
			},
			"beta's id, zero tenant": func() models.User { return models.User{ID: w.bob.ID, Username: "hijacked"} },
			"beta's id, beta's tenant": func() models.User {
				u := w.bob
				u.Username = "hijacked"
				return u
			},
			"acme's own loaded row": func() models.User {
				u := w.alice
				u.FirstName = "Saved"
				return u
			},
		}
		for name, mk := range cases {
			u := mk()
			wantErr(t, w.inA(func(tx *gorm.DB) error { return tx.Save(&u).Error }), models.ErrScopeViolation, "Save "+name)
		}
		// Save with explicit columns is an update of acme's rows only.
		var affected int64
		if err := w.inA(func(tx *gorm.DB) error {
			u := models.User{ID: w.bob.ID, Username: "hijacked"}
			res := tx.Select("username").Save(&u)
			affected = res.RowsAffected
			return res.Error
		}); err != nil || affected != 0 {
			t.Errorf("Select(username).Save of beta's id: %d rows, %v", affected, err)
		}
		if bob, _ := w.userByID(t, w.bob.ID); bob.Username != "bob" || bob.TenantID != w.b.ID {
			t.Errorf("bob changed: %+v", bob)
		}
		if alice, _ := w.userByID(t, w.alice.ID); alice.FirstName != "" {
			t.Errorf("alice changed: %q", alice.FirstName)
		}
		// Save of a new row (no id) is a create in the tenant.
		nu := models.User{Username: "newbie", Version: 1}
		if err := w.inA(func(tx *gorm.DB) error { return tx.Save(&nu).Error }); err != nil || nu.TenantID != w.a.ID {
			t.Errorf("Save of a new row: tenant %d, %v", nu.TenantID, err)
		}
	})
}

func TestCreateSetsTheTenantAndRefusesAnother(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		u := models.User{Username: "carol", Version: 1}
		if err := w.inA(func(tx *gorm.DB) error { return tx.Create(&u).Error }); err != nil {
			t.Fatal(err)
		}
		if got, _ := w.userByID(t, u.ID); got.TenantID != w.a.ID || u.TenantID != w.a.ID {
			t.Errorf("created with zero TenantID: stored tenant %d, struct %d, want %d", got.TenantID, u.TenantID, w.a.ID)
		}
		refused := map[string]func(tx *gorm.DB) error{
			"struct of beta": func(tx *gorm.DB) error { return tx.Create(&models.User{TenantID: w.b.ID, Username: "mole"}).Error },
			"slice with one of beta": func(tx *gorm.DB) error {
				return tx.Create(&[]models.User{{Username: "ok1"}, {TenantID: w.b.ID, Username: "mole"}}).Error
			},
			"map": func(tx *gorm.DB) error {
				return tx.Model(&models.User{}).Create(map[string]any{"username": "mole", "tenant_id": w.b.ID}).Error
			},
			"upsert": func(tx *gorm.DB) error {
				return tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&models.User{ID: w.bob.ID, Username: "mole"}).Error
			},
			"association of beta": func(tx *gorm.DB) error {
				return tx.Create(&models.User{Username: "mole", Role: &models.Role{TenantID: w.b.ID, Name: "Mole"}}).Error
			},
		}
		for name, op := range refused {
			wantErr(t, w.inA(op), models.ErrScopeViolation, "Create "+name)
		}
		if us := w.usersOf(t, w.b.ID); len(us) != 2 {
			t.Errorf("beta has %d users, want 2", len(us))
		}
		if us := w.usersOf(t, w.a.ID); len(us) != 4 {
			t.Errorf("acme has %d users, want 4 (3 + carol)", len(us))
		}
	})
}

func TestStatementOutsideStoreTransactionIsRefusedOnPostgres(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		var us []models.User
		err := w.s.DBForTest().WithContext(models.WithTenant(context.Background(), w.a.ID)).Find(&us).Error
		if d == "postgres" {
			wantErr(t, err, models.ErrScopeViolation, "Find outside the store's transaction")
			return
		}
		// SQLite has no row-level security to lose: the callbacks still confine it.
		if err != nil || !sameIDs(ids(us), ids(w.aUsers)) {
			t.Errorf("sqlite Find outside a transaction: %v, %v", ids(us), err)
		}
	})
}

// Row-level security is PostgreSQL's; SQLite has no counterpart to test.
func TestPostgresRowLevelSecurityConfinesTheAppRole(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		d := "postgres"
		w := setup(t, d)
		sqlDB, err := w.s.DBForTest().DB()
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()

		var super, bypass bool
		if err := sqlDB.QueryRow("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1", models.AppRole).Scan(&super, &bypass); err != nil {
			t.Fatal(err)
		}
		if super || bypass {
			t.Errorf("%s: rolsuper %v, rolbypassrls %v", models.AppRole, super, bypass)
		}
		var owned int
		if err := sqlDB.QueryRow("SELECT count(*) FROM pg_tables WHERE tableowner = $1", models.AppRole).Scan(&owned); err != nil {
			t.Fatal(err)
		}
		if owned != 0 {
			t.Errorf("%s owns %d tables", models.AppRole, owned)
		}
		// Every table with a tenant_id column, present and future, has forced RLS.
		var tenantTables, forced int
		if err := sqlDB.QueryRow(`SELECT count(*), count(*) FILTER (WHERE c.relrowsecurity AND c.relforcerowsecurity)
			FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'
			WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'`).Scan(&tenantTables, &forced); err != nil {
			t.Fatal(err)
		}
		if tenantTables < 5 || forced != tenantTables {
			t.Errorf("%d of %d tenant tables have forced row-level security", forced, tenantTables)
		}

		// asApp runs fn in a transaction as the app role, with the tenant setting if tenant != 0.
		asApp := func(tenant uint64, fn func(q func(string, ...any) (int64, error)) error) error {
			tx, err := sqlDB.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			if _, err := tx.Exec("SET LOCAL ROLE " + models.AppRole); err != nil {
				return err
			}
			if tenant != 0 {
				if _, err := tx.Exec("SELECT set_config('landlord.tenant_id', $1, true)", strconv.FormatUint(tenant, 10)); err != nil {
					return err
				}
			}
			return fn(func(sql string, args ...any) (int64, error) {
				if strings.HasPrefix(sql, "SELECT") {
					var n int64
					err := tx.QueryRow(sql, args...).Scan(&n)
					return n, err
				}
				res, err := tx.Exec(sql, args...)
				if err != nil {
					return 0, err
				}
				return res.RowsAffected()
			})
		}
		count := func(tenant uint64, table string) int64 {
			t.Helper()
			var n int64
			if err := asApp(tenant, func(q func(string, ...any) (int64, error)) error {
				var err error
				n, err = q("SELECT count(*) FROM " + table)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(0, "users"); n != 0 {
			t.Errorf("app role without tenant setting sees %d users, want 0", n)
		}
		if n := count(w.a.ID, "users"); n != 3 {
			t.Errorf("app role as acme sees %d users, want 3", n)
		}
		if n := count(w.b.ID, "roles"); n != 2 {
			t.Errorf("app role as beta sees %d roles, want 2", n)
		}
		// A previous transaction's setting does not linger on the connection.
		if n := count(0, "users"); n != 0 {
			t.Errorf("app role after a tenant transaction sees %d users, want 0", n)
		}

		rls := func(what, sql string, args ...any) {
			t.Helper()
			err := asApp(w.a.ID, func(q func(string, ...any) (int64, error)) error { _, err := q(sql, args...); return err })
			if err == nil || !strings.Contains(err.Error(), "row-level security") {
				t.Errorf("%s under acme's setting: %v, want a row-level security violation", what, err)
			}
		}
		rls("INSERT a user of beta", `INSERT INTO users (tenant_id, username, created_at, updated_at) VALUES ($1, 'mole', now(), now())`, w.b.ID)
		rls("UPDATE a user to beta", `UPDATE users SET tenant_id = $1 WHERE id = $2`, w.b.ID, w.anna.ID)
		// Beta's rows are invisible to UPDATE and DELETE: nothing to change.
		if err := asApp(w.a.ID, func(q func(string, ...any) (int64, error)) error {
			for _, sql := range []string{"UPDATE users SET last_name = 'Pwned' WHERE id = $1", "DELETE FROM users WHERE id = $1"} {
				n, err := q(sql, w.bob.ID)
				if err != nil {
					return err
				}
				if n != 0 {
					t.Errorf("%s of beta's user under acme's setting: %d rows", sql, n)
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// The audit log is append-only for the app role.
		if err := asApp(w.a.ID, func(q func(string, ...any) (int64, error)) error {
			_, err := q("DELETE FROM audit_events")
			return err
		}); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("app role DELETE FROM audit_events: %v, want permission denied", err)
		}
	})
}

// Many-to-many: test-only tenant models with a tenant-owned join table.

type Team struct {
	ID       uint64
	TenantID uint64
	Name     string
	Members  []Member `gorm:"many2many:team_members"`
}

type Member struct {
	ID       uint64
	TenantID uint64
	Name     string
}

type TeamMember struct {
	TeamID   uint64 `gorm:"primaryKey"`
	MemberID uint64 `gorm:"primaryKey"`
	TenantID uint64
}

// BadTeam's join table has no tenant_id: the scoping must refuse it.
type BadTeam struct {
	ID       uint64
	TenantID uint64
	Members  []Member `gorm:"many2many:bad_team_members"`
}

// teamStore is a second *gorm.DB on the store's connection pool, with its own
// callbacks guarding the team tables, wrapped in a Store so s.tx behaves as in
// production (on PostgreSQL: SET LOCAL ROLE and the tenant setting).
func teamStore(t *testing.T, w *world) *models.Store {
	t.Helper()
	db, err := gorm.Open(teamDialector(t, w), &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true, TranslateError: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetupJoinTable(&Team{}, "Members", &TeamMember{}); err != nil {
		t.Fatal(err)
	}
	if err := db.AutoMigrate(&Member{}, &Team{}, &TeamMember{}); err != nil {
		t.Fatal(err)
	}
	if w.dialect == "postgres" {
		for _, q := range []string{
			"GRANT SELECT, INSERT, UPDATE, DELETE ON teams, members, team_members TO " + models.AppRole,
			"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA " + `"` + currentSchema(t, db) + `"` + " TO " + models.AppRole,
		} {
			if err := db.Exec(q).Error; err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := models.RegisterTenantScopeForTest(db, []any{&Team{}, &Member{}, &TeamMember{}}); err != nil {
		t.Fatal(err)
	}
	return models.StoreOnDBForTest(db)
}

func currentSchema(t *testing.T, db *gorm.DB) string {
	var s string
	if err := db.Raw("SELECT current_schema()").Scan(&s).Error; err != nil {
		t.Fatal(err)
	}
	return s
}

func TestManyToManyJoinRowsAreTenantOwned(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		ts := teamStore(t, w)
		ctx := context.Background()

		addTeam := func(tenant uint64, name string, members ...string) Team {
			t.Helper()
			team := Team{Name: name}
			err := ts.InTenantForTest(ctx, tenant, func(tx *gorm.DB) error {
				if err := tx.Create(&team).Error; err != nil {
					return err
				}
				ms := make([]*Member, len(members))
				for i, m := range members {
					ms[i] = &Member{Name: m}
				}
				return tx.Model(&team).Association("Members").Append(ms)
			})
			if err != nil {
				t.Fatalf("team %s: %v", name, err)
			}
			return team
		}
		aTeam := addTeam(w.a.ID, "red", "ann", "art")
		bTeam := addTeam(w.b.ID, "blue", "ben", "bea", "bo")

		type joinRow struct {
			TeamID, MemberID, TenantID uint64
		}
		var joins []joinRow
		if err := ts.TxForTest(across(), func(tx *gorm.DB) error {
			return tx.Model(&TeamMember{}).Order("team_id, member_id").Find(&joins).Error
		}); err != nil {
			t.Fatal(err)
		}
		if len(joins) != 5 {
			t.Fatalf("join rows: %+v, want 5", joins)
		}
		for _, j := range joins {
			want := w.a.ID
			if j.TeamID == bTeam.ID {
				want = w.b.ID
			}
			if j.TenantID != want {
				t.Errorf("join row %+v: tenant %d, want %d", j, j.TenantID, want)
			}
		}

		err := ts.InTenantForTest(ctx, w.a.ID, func(tx *gorm.DB) error {
			var ms []Member
			if err := tx.Model(&aTeam).Association("Members").Find(&ms); err != nil {
				return err
			}
			if len(ms) != 2 {
				t.Errorf("acme's team members from acme: %d, want 2", len(ms))
			}
			for _, m := range ms {
				if m.TenantID != w.a.ID {
					t.Errorf("acme got member %s of tenant %d", m.Name, m.TenantID)
				}
			}
			// Beta's team, named by a forged struct: no members visible.
			ms = nil
			forged := Team{ID: bTeam.ID}
			if err := tx.Model(&forged).Association("Members").Find(&ms); err != nil {
				return err
			}
			if len(ms) != 0 {
				t.Errorf("beta's team members from acme: %d, want 0", len(ms))
			}
			if n := tx.Model(&forged).Association("Members").Count(); n != 0 {
				t.Errorf("beta's team member count from acme: %d, want 0", n)
			}
			// Preload goes through the join table, which is scoped too.
			var teams []Team
			if err := tx.Preload("Members").Find(&teams).Error; err != nil {
				return err
			}
			if len(teams) != 1 || len(teams[0].Members) != 2 {
				t.Errorf("Preload(Members) from acme: %+v", teams)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// And beta sees its three (the checks above can fail).
		if err := ts.InTenantForTest(ctx, w.b.ID, func(tx *gorm.DB) error {
			if n := tx.Model(&bTeam).Association("Members").Count(); n != 3 {
				t.Errorf("beta's team member count from beta: %d, want 3", n)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}

		// A many-to-many whose join table has no TenantID is refused.
		fresh, err := gorm.Open(teamDialector(t, w), &gorm.Config{Logger: logger.Discard})
		if err != nil {
			t.Fatal(err)
		}
		err = models.RegisterTenantScopeForTest(fresh, []any{&BadTeam{}, &Member{}})
		if err == nil || !strings.Contains(err.Error(), "join table") {
			t.Errorf("register BadTeam: %v, want a join table error", err)
		}
	})
}

func teamDialector(t *testing.T, w *world) gorm.Dialector {
	t.Helper()
	sqlDB, err := w.s.DBForTest().DB()
	if err != nil {
		t.Fatal(err)
	}
	if w.dialect == "postgres" {
		return postgres.New(postgres.Config{Conn: sqlDB})
	}
	return &sqlite.Dialector{Conn: sqlDB}
}

func TestTenantRegistryIsReadableByAllButWrittenOnlyAcrossTenants(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		s, acme, ctx := w.s, w.a, context.Background()
		inAcme := models.WithTenant(ctx, acme.ID)
		err := s.TxForTest(inAcme, func(tx *gorm.DB) error {
			var n int64
			return tx.Model(&models.Tenant{}).Count(&n).Error
		})
		if err != nil {
			t.Fatalf("reading the registry from a tenant: %v", err)
		}
		writes := map[string]func(tx *gorm.DB) error{
			"update": func(tx *gorm.DB) error {
				return tx.Model(&models.Tenant{}).Where("id = ?", acme.ID).Update("max_users", 1000).Error
			},
			"create": func(tx *gorm.DB) error {
				return tx.Create(&models.Tenant{Subdomain: "rogue", Name: "Rogue", Enabled: true, CreatedAt: time.Now(), UpdatedAt: time.Now()}).Error
			},
			"delete": func(tx *gorm.DB) error { return tx.Where("id = ?", acme.ID).Delete(&models.Tenant{}).Error },
		}
		for name, write := range writes {
			if err := s.TxForTest(inAcme, write); !errors.Is(err, models.ErrScopeViolation) {
				t.Errorf("%s of the registry from a tenant: %v", name, err)
			}
		}
		got, err := s.TenantBySubdomain(ctx, "acme")
		if err != nil || got.MaxUsers != 0 {
			t.Fatalf("registry changed: %+v %v", got, err)
		}
		if _, err := s.TenantBySubdomain(ctx, "rogue"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("rogue tenant created: %v", err)
		}
		if d == "postgres" {
			// Raw SQL as the app role, which RLS binds, with acme's setting.
			db := s.DBForTest().WithContext(models.AcrossTenants(ctx, "raw SQL as the app role"))
			err := db.Transaction(func(tx *gorm.DB) error {
				if err := tx.Exec("SET LOCAL ROLE " + models.AppRole).Error; err != nil {
					return err
				}
				if err := tx.Exec("SELECT set_config('landlord.tenant_id', ?, true)", strconv.FormatUint(acme.ID, 10)).Error; err != nil {
					return err
				}
				var visible int64
				if err := tx.Raw("SELECT count(*) FROM tenants").Scan(&visible).Error; err != nil || visible != 3 {
					t.Errorf("app role sees %d tenants (%v), want all 3", visible, err)
				}
				res := tx.Exec("UPDATE tenants SET max_users = 7")
				if res.Error != nil || res.RowsAffected != 0 {
					t.Errorf("raw registry update: %d rows, %v", res.RowsAffected, res.Error)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			err = db.Transaction(func(tx *gorm.DB) error {
				tx.Exec("SET LOCAL ROLE " + models.AppRole)
				return tx.Exec("INSERT INTO tenants (subdomain, name, created_at, updated_at) VALUES ('rogue', 'Rogue', now(), now())").Error
			})
			if err == nil || !strings.Contains(err.Error(), "row-level security") {
				t.Errorf("raw registry insert as the app role: %v", err)
			}
		}
		// The named way in may.
		across := models.AcrossTenants(ctx, "test")
		if err := s.TxForTest(across, writes["update"]); err != nil {
			t.Fatalf("update across tenants: %v", err)
		}
	})
}
