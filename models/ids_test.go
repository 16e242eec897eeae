package models_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"gorm.io/gorm"

	"landlord/models"
	"landlord/models/storetest"
)

// Ids are signed 64-bit in both databases: a model given one above 2^63-1,
// by whatever caller, finds nothing rather than failing with a server error.

var beyondBigint = []uint64{1 << 63, math.MaxUint64}

// notFound fails unless err says nothing was found, as the handlers show
// with a 404 (or a message by the field it came from).
func notFound(t *testing.T, what string, err error) {
	t.Helper()
	var ve *models.ValidationError
	if !errors.Is(err, models.ErrNotFound) && !errors.As(err, &ve) {
		t.Errorf("%s: %v, want not found", what, err)
	}
}

func TestAModelGivenAnIDBeyondTheBigintRangeFindsNothing(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		admin := w.f.AcmeAdmin.ID
		// The same calls with ids in range reach the database: one that is
		// there is found, the largest a column holds is simply not there.
		if _, err := w.s.User(w.acme, admin); err != nil {
			t.Fatal(err)
		}
		for _, id := range append([]uint64{math.MaxInt64}, beyondBigint...) {
			notFound(t, "User", second(w.s.User(w.acme, id)))
			notFound(t, "Role", second(w.s.Role(w.acme, id)))
			notFound(t, "RoleDetail", second(w.s.RoleDetail(w.acme, id)))
			notFound(t, "TenantRole", second(w.s.TenantRole(w.master, id)))
			notFound(t, "AuditEventByID", second(w.s.AuditEventByID(w.acme, id)))
			_, _, _, err := w.s.UserRights(w.acme, id)
			notFound(t, "UserRights", err)
			notFound(t, "UpdateUser", second(w.s.UpdateUser(w.acme, id, 1, models.UserChanges{Username: "x", RoleID: w.acmeAdminRole})))
			notFound(t, "UpdateUser's role", second(w.s.UpdateUser(w.acme, admin, w.f.AcmeAdmin.Version, models.UserChanges{Username: "x", RoleID: id})))
			notFound(t, "SetUserEnabled", w.s.SetUserEnabled(w.acme, id, false))
			notFound(t, "DeleteUser", w.s.DeleteUser(w.acme, id, "x"))
			notFound(t, "SetUserPassword", w.s.SetUserPassword(w.acme, id, "a long new passphrase"))
			_, _, err = w.s.UpdateRole(w.acme, id, 1, models.RoleChanges{Name: "x"})
			notFound(t, "UpdateRole", err)
			notFound(t, "DeleteRole", w.s.DeleteRole(w.acme, id))
			notFound(t, "UpdateTenantRole", second(w.s.UpdateTenantRole(w.master, id, 1, models.RoleChanges{Name: "x"})))
			notFound(t, "DeleteTenantRole", w.s.DeleteTenantRole(w.master, id))
			_, _, err = w.s.ImpersonationTarget(w.master, "acme", id)
			notFound(t, "ImpersonationTarget", err)
			notFound(t, "CreateUser's role", second(w.s.CreateUser(w.acme, newUser("newcomer", id))))
		}
		for _, id := range beyondBigint {
			_, _, err := w.s.AuditPage(w.acme, models.AuditFilter{Before: id})
			notFound(t, "AuditPage before", err)
		}
		if u, err := w.s.User(w.acme, admin); err != nil || u.Username != w.f.AcmeAdmin.Username || u.Version != w.f.AcmeAdmin.Version {
			t.Fatalf("acme's admin after the refused calls: %+v %v", u, err)
		}
	})
}

// Every way a statement carries an id: a condition's argument, an IN list,
// a primary key, a struct or map condition, NOT and OR, raw SQL and Exec.
func TestAStatementNamingAnIDBeyondTheBigintRangeIsNotSent(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		f := storetest.TwoTenants(t, s)
		ctx := models.AcrossTenants(context.Background(), "test: statements with ids")
		for _, id := range beyondBigint {
			ptr := id
			for name, run := range map[string]func(tx *gorm.DB) error{
				"Where ?":       func(tx *gorm.DB) error { var us []models.User; return tx.Where("id = ?", id).Find(&us).Error },
				"Where pointer": func(tx *gorm.DB) error { var us []models.User; return tx.Where("id = ?", &ptr).Find(&us).Error },
				"IN list": func(tx *gorm.DB) error {
					var us []models.User
					return tx.Where("id IN ?", []uint64{f.Root.ID, id}).Find(&us).Error
				},
				"IN of any": func(tx *gorm.DB) error {
					var us []models.User
					return tx.Where("id IN ?", []any{f.Root.ID, id}).Find(&us).Error
				},
				"primary key": func(tx *gorm.DB) error { var u models.User; return tx.Take(&u, id).Error },
				"struct":      func(tx *gorm.DB) error { var us []models.User; return tx.Where(&models.User{ID: id}).Find(&us).Error },
				"map": func(tx *gorm.DB) error {
					var us []models.User
					return tx.Where(map[string]any{"id": id}).Find(&us).Error
				},
				"Not": func(tx *gorm.DB) error { var us []models.User; return tx.Not("id = ?", id).Find(&us).Error },
				"Or": func(tx *gorm.DB) error {
					var us []models.User
					return tx.Where("id = ?", f.Root.ID).Or("id = ?", id).Find(&us).Error
				},
				"Count": func(tx *gorm.DB) error {
					var n int64
					return tx.Model(&models.User{}).Where("id < ?", id).Count(&n).Error
				},
				"Update": func(tx *gorm.DB) error {
					return tx.Model(&models.User{}).Where("id = ?", id).Update("first_name", "x").Error
				},
				"Delete": func(tx *gorm.DB) error { return tx.Where("id = ?", id).Delete(&models.User{}).Error },
				"Raw": func(tx *gorm.DB) error {
					var ids []uint64
					return tx.Raw("SELECT id FROM users WHERE id = ?", id).Scan(&ids).Error
				},
				"Exec": func(tx *gorm.DB) error { return tx.Exec("UPDATE users SET first_name = 'x' WHERE id = ?", id).Error },
			} {
				err := s.TxForTest(ctx, run)
				if !errors.Is(err, models.ErrNotFound) || !errors.Is(err, gorm.ErrRecordNotFound) {
					t.Errorf("%s with %d: %v, want not found", name, id, err)
				}
			}
		}
		// The same statements in range run: the guard refuses ids, not queries.
		var us []models.User
		if err := s.TxForTest(ctx, func(tx *gorm.DB) error {
			return tx.Where("id IN ?", []uint64{f.Root.ID, math.MaxInt64}).Find(&us).Error
		}); err != nil || len(us) != 1 {
			t.Fatalf("an IN list in range: %v, %d rows", err, len(us))
		}
	})
}

func TestAVersionBeyondTheColumnIsAConflict(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		for _, v := range []int{math.MaxInt32 + 1, math.MaxInt64, -1} {
			if err := w.s.SetImpersonationAllowed(w.acme, v, false); !errors.Is(err, models.ErrConflict) {
				t.Errorf("the settings at version %d: %v", v, err)
			}
			if _, err := w.s.UpdateUser(w.acme, w.f.AcmeAdmin.ID, v, models.UserChanges{Username: "x", RoleID: w.acmeAdminRole}); !errors.Is(err, models.ErrConflict) {
				t.Errorf("a user at version %d: %v", v, err)
			}
		}
	})
}

func second[T any](_ T, err error) error { return err }
