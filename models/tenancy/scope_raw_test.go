package tenancy_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"landlord/models"
	"landlord/models/storetest"
	"landlord/models/tenancy"
)

func TestRawSQLIsRefusedOutsideAcrossTenants(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
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
			wantErr(t, w.inA(op), tenancy.ErrScopeViolation, name+" in acme")
			wantErr(t, w.core.Tx(context.Background(), op), tenancy.ErrScopeViolation, name+" without tenant")
		}
		for _, u := range append(w.usersOf(t, w.a.ID), w.usersOf(t, w.b.ID)...) {
			if u.LastName != "" {
				t.Fatalf("refused Exec changed %s", u.Username)
			}
		}
		// Through AcrossTenants raw SQL runs, and sees every tenant.
		var n int64
		if err := w.core.Tx(across(), func(tx *gorm.DB) error {
			return tx.Raw("SELECT count(*) FROM users").Scan(&n).Error
		}); err != nil || n != 6 {
			t.Errorf("raw count across tenants: %d, %v; want 6 (acme 3, beta 2, master 1)", n, err)
		}
		var affected int64
		if err := w.core.Tx(across(), func(tx *gorm.DB) error {
			res := tx.Exec("UPDATE users SET last_name = ? WHERE id = ?", "Smith", w.bob.ID)
			affected = res.RowsAffected
			return res.Error
		}); err != nil || affected != 1 {
			t.Errorf("exec across tenants: %d rows, %v", affected, err)
		}
	})
}

func TestStatementOutsideStoreTransactionIsRefusedOnPostgres(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		var us []models.User
		err := w.core.Registry(tenancy.WithTenant(context.Background(), w.a.ID)).Find(&us).Error
		if d == "postgres" {
			wantErr(t, err, tenancy.ErrScopeViolation, "Find outside the store's transaction")
			return
		}
		// SQLite has no row-level security to lose: the callbacks still confine it.
		if err != nil || !sameIDs(ids(us), ids(w.aUsers)) {
			t.Errorf("sqlite Find outside a transaction: %v, %v", ids(us), err)
		}
	})
}
