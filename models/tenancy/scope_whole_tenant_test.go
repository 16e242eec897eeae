package tenancy_test

import (
	"errors"
	"testing"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"landlord/models"
	"landlord/models/storetest"
)

// An update or delete that names no rows is refused, as GORM refuses it on any
// table: the tenant condition must not pass for "which rows" and change the
// whole tenant.
func TestUpdateOrDeleteNamingNoRowsIsRefused(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		for name, fn := range map[string]func(tx *gorm.DB) error{
			"Update on the model": func(tx *gorm.DB) error { return tx.Model(&models.User{}).Update("last_name", "Everyone").Error },
			"Updates with a map": func(tx *gorm.DB) error {
				return tx.Model(&models.User{}).Updates(map[string]any{"last_name": "Everyone"}).Error
			},
			"UpdateColumn":            func(tx *gorm.DB) error { return tx.Model(&models.User{}).UpdateColumn("last_name", "Everyone").Error },
			"Delete of the model":     func(tx *gorm.DB) error { return tx.Delete(&models.User{}).Error },
			"Delete of the audit log": func(tx *gorm.DB) error { return tx.Delete(&models.AuditEvent{}).Error },
			"an empty condition list": func(tx *gorm.DB) error {
				return tx.Model(&models.User{}).Clauses(clause.Where{}).Update("last_name", "Everyone").Error
			},
		} {
			err := w.inA(fn)
			if !errors.Is(err, gorm.ErrMissingWhereClause) {
				t.Errorf("%s: %v, want ErrMissingWhereClause", name, err)
			}
		}
		for _, u := range w.usersOf(t, w.a.ID) {
			if u.LastName == "Everyone" {
				t.Fatalf("%s was changed", u.Username)
			}
		}
		if len(w.usersOf(t, w.a.ID)) != 3 {
			t.Fatal("acme's users were deleted")
		}
		// Named rows still change: by condition, and by the model's key.
		if err := w.inA(func(tx *gorm.DB) error {
			if err := tx.Model(&models.User{}).Where("id = ?", w.alice.ID).Update("last_name", "Named").Error; err != nil {
				return err
			}
			return tx.Model(&w.anna).Update("last_name", "Keyed").Error
		}); err != nil {
			t.Fatal(err)
		}
		for _, u := range w.usersOf(t, w.a.ID) {
			want := map[uint64]string{w.alice.ID: "Named", w.anna.ID: "Keyed"}[u.ID]
			if u.LastName != want {
				t.Errorf("%s: last name %q, want %q", u.Username, u.LastName, want)
			}
		}
	})
}
