package tenancy_test

import (
	"context"
	"strconv"
	"testing"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"landlord/models"
	"landlord/models/storetest"
	"landlord/models/tenancy"
)

func TestWritesFromOneTenantDoNotReachAnother(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
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
			wantErr(t, err, tenancy.ErrScopeViolation, "Model(&bob).Updates(struct) from acme")
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
				wantErr(t, err, tenancy.ErrScopeViolation, name)
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
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
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
			err := w.core.Tx(context.Background(), op)
			wantErr(t, err, tenancy.ErrNoTenant, name)
		}
		// A global table needs no tenant.
		var n int64
		if err := w.core.Tx(context.Background(), func(tx *gorm.DB) error {
			return tx.Model(&models.Tenant{}).Count(&n).Error
		}); err != nil || n != 3 {
			t.Errorf("count tenants without a tenant: %d, %v", n, err)
		}
		if u, _ := w.userByID(t, w.alice.ID); u.FirstName != "" {
			t.Errorf("update without tenant went through: %q", u.FirstName)
		}
	})
}

func TestSaveIsRefusedOnTenantTables(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
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
			wantErr(t, w.inA(func(tx *gorm.DB) error { return tx.Save(&u).Error }), tenancy.ErrScopeViolation, "Save "+name)
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
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
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
			wantErr(t, w.inA(op), tenancy.ErrScopeViolation, "Create "+name)
		}
		if us := w.usersOf(t, w.b.ID); len(us) != 2 {
			t.Errorf("beta has %d users, want 2", len(us))
		}
		if us := w.usersOf(t, w.a.ID); len(us) != 4 {
			t.Errorf("acme has %d users, want 4 (3 + carol)", len(us))
		}
	})
}
