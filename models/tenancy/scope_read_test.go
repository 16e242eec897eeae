package tenancy_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gorm.io/gorm"

	"landlord/models"
	"landlord/models/storetest"
	"landlord/models/tenancy"
)

func TestQueriesSeeOnlyTheContextTenantsRows(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
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
			if err := w.core.InTenant(context.Background(), w.b.ID, fn); err != nil {
				t.Errorf("%s from beta: %v", name, err)
			}
		}
	})
}

func TestPreloadAndJoinsLoadOnlyTheTenantsRoles(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
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
	sqlDB, err := w.core.OwnerGormForTest().DB()
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
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
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
			if err := w.core.Tx(across(), func(tx *gorm.DB) error { return q(tx).Take(&u, w.alice.ID).Error }); err != nil || u.Role == nil {
				t.Errorf("%s across tenants: role %v, err %v", name, u.Role, err)
			}
		}
	})
}

func TestRawJoinOnTenantTableIsRefused(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		q := func(tx *gorm.DB, us *[]models.User) error {
			return tx.Joins("JOIN roles ON roles.id = users.role_id").Find(us).Error
		}
		var us []models.User
		wantErr(t, w.inA(func(tx *gorm.DB) error { return q(tx, &us) }), tenancy.ErrScopeViolation, "raw join from acme")
		// From a global table too.
		err := w.inA(func(tx *gorm.DB) error {
			var ts []models.Tenant
			return tx.Joins("JOIN users ON users.tenant_id = tenants.id").Find(&ts).Error
		})
		wantErr(t, err, tenancy.ErrScopeViolation, "raw join from tenants")
		// The named way in allows it and sees every tenant's users with a role.
		us = nil
		if err := w.core.Tx(across(), func(tx *gorm.DB) error { return q(tx, &us) }); err != nil {
			t.Fatal(err)
		}
		if len(us) != 5 { // acme's admin and alice, beta's admin and bob, the master's root
			t.Errorf("raw join across tenants: %d users, want 5 with a role", len(us))
		}
	})
}

func TestOrConditionsCannotEscapeTheTenant(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
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
			if err := w.core.Tx(across(), func(tx *gorm.DB) error { return where(tx).Find(&got).Error }); err != nil {
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
