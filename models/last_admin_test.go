package models_test

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"landlord/models"
	"landlord/models/storetest"
)

// adminGone is the start of the refusal naming the tenants that would lose
// their last full-rights admin.
const adminGone = " would have no enabled admin with users and roles full"

var (
	readUsers = models.Permissions{models.FeatureUsers: models.LevelRead, models.FeatureRoles: models.LevelFull}
	adminOnly = models.Permissions{models.FeatureUsers: models.LevelFull, models.FeatureRoles: models.LevelFull}
)

// roleAcross reads any role by id across tenants.
func roleAcross(t *testing.T, s *models.Store, id uint64) models.Role {
	t.Helper()
	var r models.Role
	err := s.TxForTest(models.AcrossTenants(context.Background(), "test: read a role"), func(tx *gorm.DB) error {
		return tx.Where("id = ?", id).Take(&r).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// copyIn is the id of the role of tenantID copied from template id.
func copyIn(t *testing.T, s *models.Store, tenantID, template uint64) uint64 {
	t.Helper()
	var ids []uint64
	err := s.TxForTest(models.AcrossTenants(context.Background(), "test: find a template's copy"), func(tx *gorm.DB) error {
		return tx.Model(&models.Role{}).Where("tenant_id = ? AND template_id = ?", tenantID, template).Pluck("id", &ids).Error
	})
	if err != nil || len(ids) != 1 {
		t.Fatalf("copies of %d in tenant %d: %v %v", template, tenantID, ids, err)
	}
	return ids[0]
}

// noEvent fails if tenantID's log has an event of action.
func noEvent(t *testing.T, s *models.Store, tenantID uint64, action string) {
	t.Helper()
	if ev := find(eventsOf(t, s, tenantID), action); ev != nil {
		t.Errorf("tenant %d has a %s event: %+v", tenantID, action, ev)
	}
}

// giveRole moves user id of ctx's tenant to role.
func (w userWorld) giveRole(t *testing.T, _ context.Context, id, role uint64) {
	t.Helper()
	u, ok := w.userAcross(t, id)
	if !ok {
		t.Fatalf("no user %d", id)
	}
	// Set up as the system: nobody gives themselves a role.
	sys := storetest.System(models.WithTenant(context.Background(), u.TenantID))
	if _, err := w.s.UpdateUser(sys, id, u.Version, models.UserChanges{Username: u.Username, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName, RoleID: role}); err != nil {
		t.Fatal(err)
	}
}

func TestARoleEditThatLeavesATenantWithoutAFullAdminIsRefused(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		admin := roleAcross(t, w.s, w.acmeAdminRole)
		_, _, err := w.s.UpdateRole(w.acme, admin.ID, admin.Version, models.RoleChanges{Name: admin.Name, Permissions: readUsers})
		if msg := fieldError(err, "role"); msg != "acme"+adminGone+": give another user full rights there first." {
			t.Fatalf("editing the last admins' role down: %v", err)
		}
		if r := roleAcross(t, w.s, admin.ID); r.Version != admin.Version || r.Permissions.Level(models.FeatureUsers) != models.LevelFull {
			t.Fatalf("the role changed: %+v", r)
		}
		noEvent(t, w.s, w.f.Acme.ID, models.ActionRoleUpdate)

		// The master tenant, uncapped, is kept the same way.
		m, err := w.s.MasterTenant(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		rootRole := roleAcross(t, w.s, *w.f.Root.RoleID)
		_, _, err = w.s.UpdateRole(w.master, rootRole.ID, rootRole.Version, models.RoleChanges{Name: rootRole.Name, Permissions: models.Permissions{models.FeatureUsers: models.LevelFull}})
		if !strings.HasPrefix(fieldError(err, "role"), models.MasterSubdomain+adminGone) {
			t.Fatalf("the master's last admins' role: %v", err)
		}
		noEvent(t, w.s, m.ID, models.ActionRoleUpdate)

		// Lowering what makes no admin (audit) is no reason to refuse.
		lower := models.FullPermissions()
		lower[models.FeatureAudit] = models.LevelRead
		r, _, err := w.s.UpdateRole(w.acme, admin.ID, admin.Version, models.RoleChanges{Name: admin.Name, Permissions: lower})
		if err != nil {
			t.Fatalf("lowering audit only: %v", err)
		}
		// With another full admin on another role, the first role may go down.
		second := w.role(t, w.acme, "Second admin", adminOnly)
		if _, err := w.s.CreateUser(w.acme, newUser("second", second)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.s.UpdateRole(w.acme, admin.ID, r.Version, models.RoleChanges{Name: admin.Name, Permissions: readUsers}); err != nil {
			t.Fatalf("with a second admin: %v", err)
		}
		// And now the second admin's role is the last one.
		sr := roleAcross(t, w.s, second)
		_, _, err = w.s.UpdateRole(w.acme, second, sr.Version, models.RoleChanges{Name: sr.Name, Permissions: readUsers})
		if !strings.HasPrefix(fieldError(err, "role"), "acme"+adminGone) {
			t.Fatalf("the second admin's role: %v", err)
		}
	})
}

func TestARoleEditInATenantWithNoAdminIsNotRefused(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		// gamma is created without an initial admin: it has none to lose.
		if _, err := w.s.CreateTenant(storetest.System(context.Background()), models.NewTenant{Subdomain: "gamma", Name: "Gamma"}); err != nil {
			t.Fatal(err)
		}
		g, _ := w.s.TenantBySubdomain(context.Background(), "gamma")
		gctx, _, err := w.s.ManagedTenant(w.master, "gamma", models.LevelFull)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := w.s.Roles(gctx)
		if err != nil || len(rows) == 0 {
			t.Fatalf("gamma's roles: %v %v", rows, err)
		}
		r := rows[0].Role
		if _, _, err := w.s.UpdateRole(models.WithTenant(storetest.System(context.Background()), g.ID), r.ID, r.Version, models.RoleChanges{Name: r.Name, Permissions: readUsers}); err != nil {
			t.Fatalf("editing a role of a tenant without admins: %v", err)
		}
	})
}

// templateWorld is acme, beta and gamma, each with a linked copy of the
// template Ops (full on users and roles). In acme the copy's holder is the
// only full-rights admin; beta and gamma keep their Administrator.
type templateWorld struct {
	userWorld
	tpl                 *models.Role
	gamma               *models.Tenant
	acmeOps, acmeHolder uint64
}

func newTemplateWorld(t *testing.T, d string) templateWorld {
	t.Helper()
	w := templateWorld{userWorld: newUserWorld(t, d)}
	var err error
	sys := storetest.System(context.Background())
	if w.gamma, err = w.s.CreateTenant(sys, models.NewTenant{Subdomain: "gamma", Name: "Gamma"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.SetAdminPassword(sys, "gamma", "admin@gamma.example", storetest.Password); err != nil {
		t.Fatal(err)
	}
	if w.tpl, err = w.s.CreateRole(w.master, models.NewRole{Name: "Ops", Permissions: adminOnly, Multitenant: true}); err != nil {
		t.Fatal(err)
	}
	w.acmeOps = copyIn(t, w.s, w.f.Acme.ID, w.tpl.ID)
	holder, err := w.s.CreateUser(w.acme, newUser("ops", w.acmeOps))
	if err != nil {
		t.Fatal(err)
	}
	w.acmeHolder = holder.ID
	betaOps := copyIn(t, w.s, w.f.Beta.ID, w.tpl.ID)
	if _, err := w.s.CreateUser(w.beta, newUser("ops", betaOps)); err != nil {
		t.Fatal(err)
	}
	reader := w.role(t, w.acme, "Reader", models.Permissions{models.FeatureUsers: models.LevelRead})
	w.giveRole(t, w.acme, w.f.AcmeAdmin.ID, reader)
	return w
}

func TestATemplateEditIsRefusedInTheOneTenantItWouldLeaveWithoutAnAdmin(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newTemplateWorld(t, d)
		m, _ := w.s.MasterTenant(context.Background())
		_, _, err := w.s.UpdateRole(w.master, w.tpl.ID, w.tpl.Version, models.RoleChanges{Name: "Ops", Permissions: readUsers})
		msg := fieldError(err, "role")
		if !strings.HasPrefix(msg, "acme"+adminGone) {
			t.Fatalf("the template edit: %v", err)
		}
		if strings.Contains(msg, "beta") || strings.Contains(msg, "gamma") {
			t.Errorf("names a tenant that keeps its admin: %s", msg)
		}
		// Nothing changed: the template, every copy, and no event anywhere.
		if r := roleAcross(t, w.s, w.tpl.ID); r.Version != w.tpl.Version || r.Permissions.Level(models.FeatureUsers) != models.LevelFull {
			t.Errorf("the template: %+v", r)
		}
		for _, tenant := range []uint64{w.f.Acme.ID, w.f.Beta.ID, w.gamma.ID} {
			if c := roleAcross(t, w.s, copyIn(t, w.s, tenant, w.tpl.ID)); c.Version != 1 || c.Permissions.Level(models.FeatureUsers) != models.LevelFull {
				t.Errorf("tenant %d's copy: %+v", tenant, c)
			}
			noEvent(t, w.s, tenant, models.ActionTemplatePropagate)
		}
		noEvent(t, w.s, m.ID, models.ActionRoleUpdate)

		// Once acme has another full admin, the edit goes through everywhere.
		w.giveRole(t, w.acme, w.f.AcmeAdmin.ID, w.acmeAdminRole)
		if _, up, err := w.s.UpdateRole(w.master, w.tpl.ID, w.tpl.Version, models.RoleChanges{Name: "Ops", Permissions: readUsers}); err != nil || up.Propagated != 3 {
			t.Fatalf("with a second admin in acme: %+v %v", up, err)
		}
		if c := roleAcross(t, w.s, w.acmeOps); c.Permissions.Level(models.FeatureUsers) != models.LevelRead {
			t.Errorf("acme's copy: %+v", c)
		}
	})
}

func TestATemplateHeldByTheMastersLastAdminCannotBeEditedDown(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		tpl, err := w.s.CreateRole(w.master, models.NewRole{Name: "Ops", Permissions: adminOnly, Multitenant: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CreateUser(w.master, newUser("ops", tpl.ID)); err != nil {
			t.Fatal(err)
		}
		reader := w.role(t, w.master, "Reader", models.Permissions{models.FeatureUsers: models.LevelRead})
		w.giveRole(t, w.master, w.f.Root.ID, reader)
		_, _, err = w.s.UpdateRole(w.master, tpl.ID, tpl.Version, models.RoleChanges{Name: "Ops", Permissions: readUsers})
		if msg := fieldError(err, "role"); !strings.HasPrefix(msg, models.MasterSubdomain+adminGone) {
			t.Fatalf("editing the template the master's last admin holds: %v", err)
		}
	})
}

func TestACapChangeIsRefusedWhereATenantHoldingItWouldLoseItsLastAdmin(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		sys := storetest.System(context.Background())
		m, _ := w.s.MasterTenant(context.Background())
		limited, err := w.s.CreateTenantRole(w.master, models.NewRole{Name: "Limited", Permissions: models.FullPermissions()})
		if err != nil {
			t.Fatal(err)
		}
		acme, _ := w.s.TenantBySubdomain(context.Background(), "acme")
		ch := acme.Changes()
		ch.TenantRoleID = limited.ID
		if _, err := w.s.UpdateTenant(w.master, "acme", acme.Version, ch); err != nil {
			t.Fatal(err)
		}
		// gamma holds it too, with no admin at all: no reason to refuse.
		if _, err := w.s.CreateTenant(sys, models.NewTenant{Subdomain: "gamma", Name: "Gamma", TenantRoleID: limited.ID}); err != nil {
			t.Fatal(err)
		}
		_, err = w.s.UpdateTenantRole(w.master, limited.ID, limited.Version, models.RoleChanges{Name: "Limited", Permissions: readUsers})
		msg := fieldError(err, "role")
		if !strings.HasPrefix(msg, "acme"+adminGone) || strings.Contains(msg, "gamma") || strings.Contains(msg, "beta") {
			t.Fatalf("lowering the cap of acme's last admin: %v", err)
		}
		if tr, _ := w.s.TenantRole(context.Background(), limited.ID); tr.Version != limited.Version || tr.Permissions.Level(models.FeatureUsers) != models.LevelFull {
			t.Errorf("the cap changed: %+v", tr)
		}
		noEvent(t, w.s, m.ID, models.ActionTenantRoleUpdate)
		noEvent(t, w.s, w.f.Acme.ID, models.ActionTenantRoleUpdate)

		// Lowering a feature that makes no admin goes through.
		lower := models.FullPermissions()
		lower[models.FeatureExport] = models.LevelNone
		if _, err := w.s.UpdateTenantRole(w.master, limited.ID, limited.Version, models.RoleChanges{Name: "Limited", Permissions: lower}); err != nil {
			t.Fatalf("lowering export only: %v", err)
		}
	})
}

func TestACapChangeReachingManyTenantsNamesTheFirstAndCountsTheRest(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		sys := storetest.System(context.Background())
		// Five seeded tenants with an admin each, and acme and beta: all Standard.
		if _, err := w.s.Seed(sys, models.SeedOptions{Tenants: 5, Users: 5, Password: storetest.Password, Force: true}); err != nil {
			t.Fatal(err)
		}
		roles, def, err := w.s.TenantRoleChoices(w.master)
		if err != nil {
			t.Fatal(err)
		}
		var standard models.TenantRole
		for _, r := range roles {
			if r.ID == def {
				standard = r
			}
		}
		_, err = w.s.UpdateTenantRole(w.master, standard.ID, standard.Version, models.RoleChanges{Name: standard.Name, Permissions: readUsers})
		want := "acme, beta, t00001 and 4 other tenants (7 in all)" + adminGone
		if msg := fieldError(err, "role"); !strings.HasPrefix(msg, want) {
			t.Fatalf("got %q, want it to start %q", msg, want)
		}
	})
}

func TestMovingATenantToACapWithoutAdminRightsIsRefused(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		m, _ := w.s.MasterTenant(context.Background())
		readOnly, err := w.s.CreateTenantRole(w.master, models.NewRole{Name: "Read only", Permissions: readUsers})
		if err != nil {
			t.Fatal(err)
		}
		acme, _ := w.s.TenantBySubdomain(context.Background(), "acme")
		ch := acme.Changes()
		ch.TenantRoleID = readOnly.ID
		_, err = w.s.UpdateTenant(w.master, "acme", acme.Version, ch)
		if msg := fieldError(err, "tenant_role"); !strings.HasPrefix(msg, "acme"+adminGone) {
			t.Fatalf("moving acme under a cap without users full: %v", err)
		}
		if got, _ := w.s.TenantBySubdomain(context.Background(), "acme"); *got.TenantRoleID != *acme.TenantRoleID || got.Version != acme.Version {
			t.Errorf("acme moved: %+v", got)
		}
		noEvent(t, w.s, m.ID, models.ActionTenantUpdate)
		noEvent(t, w.s, w.f.Acme.ID, models.ActionTenantUpdate)

		// A cap that keeps users and roles full is a move like any other.
		ok, err := w.s.CreateTenantRole(w.master, models.NewRole{Name: "Admins only", Permissions: adminOnly})
		if err != nil {
			t.Fatal(err)
		}
		ch.TenantRoleID = ok.ID
		if _, err := w.s.UpdateTenant(w.master, "acme", acme.Version, ch); err != nil {
			t.Fatalf("moving acme under a cap that keeps its admin: %v", err)
		}
	})
}

func TestARoleEditAndAUserEditAtOnceLeaveOneAdmin(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		second := w.role(t, w.acme, "Second admin", adminOnly)
		reader := w.role(t, w.acme, "Reader", models.Permissions{models.FeatureUsers: models.LevelRead})
		for round := range 4 {
			// Two admins, one on each role; one role edited down while the
			// other's holder is moved to Reader.
			u, err := w.s.CreateUser(w.acme, newUser("second"+string(rune('a'+round)), second))
			if err != nil {
				t.Fatal(err)
			}
			admin := roleAcross(t, w.s, w.acmeAdminRole)
			uv, _ := w.userAcross(t, u.ID)
			errs := race(
				func() error {
					_, _, err := w.s.UpdateRole(w.acme, admin.ID, admin.Version, models.RoleChanges{Name: admin.Name, Permissions: readUsers})
					return err
				},
				func() error {
					_, err := w.s.UpdateUser(w.acme, u.ID, uv.Version, models.UserChanges{Username: uv.Username, Email: uv.Email, FirstName: uv.FirstName, LastName: uv.LastName, RoleID: reader})
					return err
				},
			)
			refused := 0
			for _, err := range errs {
				if fieldError(err, "role") != "" {
					refused++
				} else if err != nil {
					t.Fatal(err)
				}
			}
			if refused != 1 {
				t.Fatalf("round %d: %d of the two refused: %v", round, refused, errs)
			}
			// Back to the Administrator role at full, and no second admin.
			if r := roleAcross(t, w.s, admin.ID); r.Permissions.Level(models.FeatureUsers) != models.LevelFull {
				full := models.FullPermissions()
				for _, f := range models.Features {
					if f.MasterOnly() { // not acme's to raise again
						full[f] = r.Permissions.Level(f)
					}
				}
				if _, _, err := w.s.UpdateRole(w.acme, admin.ID, r.Version, models.RoleChanges{Name: admin.Name, Permissions: full}); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.s.DeleteUser(w.acme, u.ID, u.Username); err != nil {
				t.Fatal(err)
			}
		}
	})
}
