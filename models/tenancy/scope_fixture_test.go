package tenancy_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm"

	"landlord/models"
	"landlord/models/storetest"
	"landlord/models/tenancy"
)

// world is two tenants with rows in both. The counts differ on purpose, so a
// statement that leaks or ignores the tenant gives a different answer:
//
// (and the master tenant has its admin, root@example.com):
//
//	acme: users admin@acme.example, alice, anna (no role) = 3; roles Administrator = 1
//	beta: users admin@beta.example, bob = 2;                 roles Administrator, Viewer = 2
type world struct {
	s            *models.Store
	core         *tenancy.DB // s's
	dialect      string
	a, b         *models.Tenant
	aRole, bRole uint64 // each tenant's Administrator role
	aUsers       []models.User
	bUsers       []models.User
	alice, anna  models.User
	bob          models.User
}

const acrossWhy = "scope test: read both tenants to check what a scoped statement did"

func across() context.Context { return tenancy.AcrossTenants(context.Background(), acrossWhy) }

func setup(t *testing.T, dialect string) *world {
	t.Helper()
	return setupOn(t, dialect, storetest.Open(t, dialect))
}

func setupOn(t *testing.T, dialect string, s *models.Store) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{s: s, core: storetest.Core(t, s), dialect: dialect}
	f := storetest.TwoTenants(t, s)
	w.a, w.b = f.Acme, f.Beta
	aAdmin, bAdmin := f.AcmeAdmin, f.BetaAdmin
	w.aRole, w.bRole = *aAdmin.RoleID, *bAdmin.RoleID
	if aAdmin.TenantID != w.a.ID || bAdmin.TenantID != w.b.ID {
		t.Fatalf("admins in the wrong tenants: %d %d", aAdmin.TenantID, bAdmin.TenantID)
	}
	w.alice = w.addUser(t, w.a.ID, "alice", &w.aRole)
	w.anna = w.addUser(t, w.a.ID, "anna", nil)
	w.bob = w.addUser(t, w.b.ID, "bob", &w.bRole)
	if err := w.core.InTenant(ctx, w.b.ID, func(tx *gorm.DB) error {
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
	if err := w.core.InTenant(context.Background(), tenantID, func(tx *gorm.DB) error { return tx.Create(&u).Error }); err != nil {
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
	if err := w.core.Tx(across(), func(tx *gorm.DB) error {
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
	if err := w.core.Tx(across(), func(tx *gorm.DB) error {
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
	return w.core.InTenant(context.Background(), w.a.ID, fn)
}

func ids(us []models.User) []uint64 {
	out := make([]uint64, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

// sameIDs says whether a and b hold the same ids, in any order.
func sameIDs(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
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
