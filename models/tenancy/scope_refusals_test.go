package tenancy_test

import (
	"context"
	"testing"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"landlord/models"
	"landlord/models/storetest"
	"landlord/models/tenancy"
)

// Test-only models for a join path that crosses from tenant tables into a
// global one: a desk (tenant-owned) is in an office (tenant-owned) in a
// region (global, no tenant_id).

type Region struct {
	ID   uint64
	Name string
}

type Office struct {
	ID       uint64
	TenantID uint64
	Name     string
	RegionID uint64
	Region   Region
}

type Desk struct {
	ID       uint64
	TenantID uint64
	Label    string
	OfficeID uint64
	Office   Office
}

// officeStore is, like teamStore, a store on the same connections whose
// scoping guards the office tables.
func officeStore(t *testing.T, w *world) *tenancy.DB {
	t.Helper()
	db, err := gorm.Open(teamDialector(t, w), &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true, TranslateError: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AutoMigrate(&Region{}, &Office{}, &Desk{}); err != nil {
		t.Fatal(err)
	}
	if w.dialect == "postgres" {
		for _, q := range []string{
			"GRANT SELECT, INSERT, UPDATE, DELETE ON regions, offices, desks TO " + w.core.AppRole(),
			"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA " + `"` + currentSchema(t, db) + `"` + " TO " + w.core.AppRole(),
		} {
			if err := db.Exec(q).Error; err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tenancy.RegisterScope(db, []any{&Office{}, &Desk{}}); err != nil {
		t.Fatal(err)
	}
	return tenancy.OnGormForTest(db, w.core)
}

func TestJoinPathFromTenantIntoGlobalTablesIsRefused(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		offices := officeStore(t, w)
		err := offices.InTenant(context.Background(), w.a.ID, func(tx *gorm.DB) error {
			region := Region{Name: "north"}
			if err := tx.Create(&region).Error; err != nil {
				return err
			}
			office := Office{Name: "hq", RegionID: region.ID}
			if err := tx.Create(&office).Error; err != nil {
				return err
			}
			return tx.Create(&Desk{Label: "d1", OfficeID: office.ID}).Error
		})
		if err != nil {
			t.Fatal(err)
		}

		// Within the tenant, a path of tenant tables only is confined and works.
		var desks []Desk
		if err := offices.InTenant(context.Background(), w.a.ID, func(tx *gorm.DB) error {
			return tx.Joins("Office").Find(&desks).Error
		}); err != nil || len(desks) != 1 || desks[0].Office.Name != "hq" {
			t.Fatalf("Joins(Office) in acme: %+v, %v", desks, err)
		}
		// The tenant condition has nowhere to go on the region, so the whole
		// path is refused rather than half confined.
		desks = nil
		err = offices.InTenant(context.Background(), w.a.ID, func(tx *gorm.DB) error {
			return tx.Joins("Office.Region").Find(&desks).Error
		})
		wantErr(t, err, tenancy.ErrScopeViolation, "Joins(Office.Region) in acme")
		if len(desks) != 0 {
			t.Errorf("the refused join still loaded %d desks", len(desks))
		}
		// Across tenants the same statement runs: the refusal above is the
		// scoping's, not a broken query.
		desks = nil
		if err := offices.Tx(across(), func(tx *gorm.DB) error {
			return tx.Joins("Office.Region").Find(&desks).Error
		}); err != nil || len(desks) != 1 || desks[0].Office.Region.Name != "north" {
			t.Fatalf("Joins(Office.Region) across tenants: %+v, %v", desks, err)
		}
	})
}

func TestRowCreatedAcrossTenantsNeedsItsTenant(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		refused := map[string]func(tx *gorm.DB) error{
			"struct without a tenant": func(tx *gorm.DB) error {
				return tx.Create(&models.User{Username: "stray", IdentitySource: "local", Version: 1}).Error
			},
			"slice with one without a tenant": func(tx *gorm.DB) error {
				return tx.Create(&[]models.User{
					{TenantID: w.b.ID, Username: "stray-b", IdentitySource: "local", Version: 1},
					{Username: "stray", IdentitySource: "local", Version: 1},
				}).Error
			},
		}
		for name, op := range refused {
			wantErr(t, w.core.Tx(across(), op), tenancy.ErrScopeViolation, "Create across tenants, "+name)
		}
		if a, b := w.usersOf(t, w.a.ID), w.usersOf(t, w.b.ID); len(a) != 3 || len(b) != 2 {
			t.Errorf("after the refused creates acme has %d users, beta %d; want 3 and 2", len(a), len(b))
		}
		// Naming the tenant is all it takes.
		u := models.User{TenantID: w.b.ID, Username: "placed", IdentitySource: "local", Version: 1}
		if err := w.core.Tx(across(), func(tx *gorm.DB) error { return tx.Create(&u).Error }); err != nil {
			t.Fatalf("Create across tenants with the tenant named: %v", err)
		}
		if got, ok := w.userByID(t, u.ID); !ok || got.TenantID != w.b.ID {
			t.Errorf("placed user: %+v (found %v), want in beta", got, ok)
		}
	})
}
