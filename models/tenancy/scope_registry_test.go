package tenancy_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"landlord/models"
	"landlord/models/storetest"
	"landlord/models/tenancy"
)

func TestTenantRegistryIsReadableByAllButWrittenOnlyAcrossTenants(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		s, acme, ctx := w.core, w.a, context.Background()
		inAcme := tenancy.WithTenant(ctx, acme.ID)
		err := s.Tx(inAcme, func(tx *gorm.DB) error {
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
			if err := s.Tx(inAcme, write); !errors.Is(err, tenancy.ErrScopeViolation) {
				t.Errorf("%s of the registry from a tenant: %v", name, err)
			}
		}
		got, err := w.s.TenantBySubdomain(ctx, "acme")
		if err != nil || got.MaxUsers != 0 {
			t.Fatalf("registry changed: %+v %v", got, err)
		}
		if _, err := w.s.TenantBySubdomain(ctx, "rogue"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("rogue tenant created: %v", err)
		}
		if d == "postgres" {
			// Raw SQL as the app role, which RLS binds, with acme's setting.
			db := s.Registry(tenancy.AcrossTenants(ctx, "raw SQL as the app role"))
			err := db.Transaction(func(tx *gorm.DB) error {
				if err := tx.Exec("SET LOCAL ROLE " + s.AppRole()).Error; err != nil {
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
				tx.Exec("SET LOCAL ROLE " + s.AppRole())
				return tx.Exec("INSERT INTO tenants (subdomain, name, created_at, updated_at) VALUES ('rogue', 'Rogue', now(), now())").Error
			})
			if err == nil || !strings.Contains(err.Error(), "row-level security") {
				t.Errorf("raw registry insert as the app role: %v", err)
			}
		}
		// The named way in may.
		across := tenancy.AcrossTenants(ctx, "test")
		if err := s.Tx(across, writes["update"]); err != nil {
			t.Fatalf("update across tenants: %v", err)
		}
	})
}
