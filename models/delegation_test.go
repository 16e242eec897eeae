package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm"

	"landlord/models"
	"landlord/models/storetest"
)

var allLevels = []models.Level{models.LevelNone, models.LevelRead, models.LevelFull}

// delegationWorld is acme with one role and one holder per feature and
// level, and contexts for actors holding chosen rights.
type delegationWorld struct {
	userWorld
	sys     context.Context // acme, as the command line
	roleOf  map[models.Feature]map[models.Level]uint64
	userOf  map[models.Feature]map[models.Level]uint64
	empty   uint64 // a role that gives nothing
	plainID uint64 // a user holding it
	n       int
}

func newDelegationWorld(t *testing.T, d string) *delegationWorld {
	w := &delegationWorld{userWorld: newUserWorld(t, d), roleOf: map[models.Feature]map[models.Level]uint64{}, userOf: map[models.Feature]map[models.Level]uint64{}}
	w.sys = storetest.System(models.WithTenant(context.Background(), w.f.Acme.ID))
	w.empty = w.role(t, w.sys, "Nothing", models.Permissions{})
	plain, err := w.s.CreateUser(w.sys, newUser("plain", w.empty))
	if err != nil {
		t.Fatal(err)
	}
	w.plainID = plain.ID
	for _, f := range models.Features {
		w.roleOf[f], w.userOf[f] = map[models.Level]uint64{}, map[models.Level]uint64{}
		for _, l := range allLevels {
			w.roleOf[f][l] = w.role(t, w.sys, fmt.Sprintf("%s %s", f, l), models.Permissions{f: l})
			u, err := w.s.CreateUser(w.sys, newUser(fmt.Sprintf("holder-%s-%s", f, l), w.roleOf[f][l]))
			if err != nil {
				t.Fatal(err)
			}
			w.userOf[f][l] = u.ID
		}
	}
	return w
}

// with is base's allLevels, with f at a.
func with(base models.Permissions, f models.Feature, a models.Level) models.Permissions {
	p := models.Permissions{}
	for k, v := range base {
		p[k] = v
	}
	p[f] = a
	return p
}

// acmeActor is acme's admin with the rights p, as a session check would load
// them; they hold no role of their own.
func (w *delegationWorld) acmeActor(p models.Permissions) context.Context {
	return models.WithActor(models.WithTenant(context.Background(), w.f.Acme.ID),
		models.Actor{UserID: w.f.AcmeAdmin.ID, TenantID: w.f.Acme.ID, Name: "actor", Permissions: p})
}

func (w *delegationWorld) masterActor(p models.Permissions) context.Context {
	return models.WithActor(models.WithTenant(context.Background(), w.f.Root.TenantID),
		models.Actor{UserID: w.f.Root.ID, TenantID: w.f.Root.TenantID, Name: "root", Master: true, Permissions: p})
}

func (w *delegationWorld) name(prefix string) string {
	w.n++
	return fmt.Sprintf("%s-%d", prefix, w.n)
}

// delegationOp is one operation of the delegation rules: run tries it as
// the actor in ctx with x the level it gives or touches on f, and returns a
// check that what a refusal must leave alone is as it was.
type delegationOp struct {
	name   string
	master bool               // the actor is a master user
	base   models.Permissions // what the actor holds besides f
	needs  map[models.Feature]models.Level
	run    func(t *testing.T, w *delegationWorld, ctx context.Context, f models.Feature, x models.Level) (error, func() bool)
	tenant func(w *delegationWorld) uint64 // the log a refusal is recorded in
	action string
	// setsSubtenantLevel marks setting a level in a subtenant's role, where
	// a master-only feature is refused at any level
	// (TestASubtenantsRoleIsRefusedMasterOnlyFeatures), so it is not a
	// question of what the actor holds.
	setsSubtenantLevel bool
}

var adminRights = models.Permissions{models.FeatureUsers: models.LevelFull, models.FeatureRoles: models.LevelFull}

func (w *delegationWorld) roleLevels(t *testing.T, tenant, id uint64) models.Permissions {
	t.Helper()
	var p models.Permissions
	err := w.s.TxForTest(models.AcrossTenants(context.Background(), "test: read a role"), func(tx *gorm.DB) error {
		var r models.Role
		if err := tx.Where("id = ?", id).Take(&r).Error; err != nil {
			return err
		}
		p = r.Permissions
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func delegationOps() []delegationOp {
	acme := func(w *delegationWorld) uint64 { return w.f.Acme.ID }
	master := func(w *delegationWorld) uint64 { return w.f.Root.TenantID }
	users := map[models.Feature]models.Level{models.FeatureUsers: models.LevelFull}
	roles := map[models.Feature]models.Level{models.FeatureRoles: models.LevelFull}
	return []delegationOp{
		{name: "create a user with a role that gives x", base: adminRights, needs: users, tenant: acme, action: models.ActionUserCreate,
			run: func(t *testing.T, w *delegationWorld, ctx context.Context, f models.Feature, x models.Level) (error, func() bool) {
				name := w.name("new")
				_, err := w.s.CreateUser(ctx, newUser(name, w.roleOf[f][x]))
				return err, func() bool { return !slices.Contains(w.usernames(t, w.f.Acme.ID), name) }
			}},
		{name: "give a user a role that gives x", base: adminRights, needs: users, tenant: acme, action: models.ActionUserUpdate,
			run: func(t *testing.T, w *delegationWorld, ctx context.Context, f models.Feature, x models.Level) (error, func() bool) {
				storetest.Exec(t, w.s, "UPDATE users SET role_id = ? WHERE id = ?", w.empty, w.plainID)
				_, err := w.s.UpdateUser(ctx, w.plainID, currentUserVersion(t, w.userWorld, w.plainID),
					models.UserChanges{Username: "plain", Email: "plain@example.test", RoleID: w.roleOf[f][x]})
				return err, func() bool { u, _ := w.userAcross(t, w.plainID); return *u.RoleID == w.empty }
			}},
		{name: "the master gives a subtenant's user a role that gives x", master: true, base: adminRights, needs: users, tenant: acme, action: models.ActionUserUpdate,
			run: func(t *testing.T, w *delegationWorld, ctx context.Context, f models.Feature, x models.Level) (error, func() bool) {
				storetest.Exec(t, w.s, "UPDATE users SET role_id = ? WHERE id = ?", w.empty, w.plainID)
				in, _, err := w.s.ManagedTenant(ctx, "acme", models.LevelFull)
				if err != nil {
					return err, func() bool { return true }
				}
				_, err = w.s.UpdateUser(in, w.plainID, currentUserVersion(t, w.userWorld, w.plainID),
					models.UserChanges{Username: "plain", Email: "plain@example.test", RoleID: w.roleOf[f][x]})
				return err, func() bool { u, _ := w.userAcross(t, w.plainID); return *u.RoleID == w.empty }
			}},
		{name: "create a role at x", base: adminRights, needs: roles, tenant: acme, action: models.ActionRoleCreate, setsSubtenantLevel: true,
			run: func(t *testing.T, w *delegationWorld, ctx context.Context, f models.Feature, x models.Level) (error, func() bool) {
				r, err := w.s.CreateRole(ctx, models.NewRole{Name: w.name("role"), Permissions: models.Permissions{f: x}})
				if err == nil {
					if err := w.s.DeleteRole(w.sys, r.ID); err != nil {
						t.Fatal(err)
					}
				}
				return err, func() bool { return r == nil }
			}},
		{name: "raise a role to x", base: adminRights, needs: roles, tenant: acme, action: models.ActionRoleUpdate, setsSubtenantLevel: true,
			run: func(t *testing.T, w *delegationWorld, ctx context.Context, f models.Feature, x models.Level) (error, func() bool) {
				id := w.role(t, w.sys, w.name("raise"), models.Permissions{})
				_, _, err := w.s.UpdateRole(ctx, id, 1, models.RoleChanges{Name: w.name("raised"), Permissions: models.Permissions{f: x}})
				return err, func() bool { return w.roleLevels(t, w.f.Acme.ID, id).Level(f) == models.LevelNone }
			}},
		{name: "edit a role that gives x", base: adminRights, needs: roles, tenant: acme, action: models.ActionRoleUpdate,
			run: func(t *testing.T, w *delegationWorld, ctx context.Context, f models.Feature, x models.Level) (error, func() bool) {
				id := w.role(t, w.sys, w.name("edit"), models.Permissions{f: x})
				_, _, err := w.s.UpdateRole(ctx, id, 1, models.RoleChanges{Name: w.name("renamed"), Description: "edited", Permissions: models.Permissions{f: x}})
				return err, func() bool { r, _ := w.s.Role(w.sys, id); return r.Version == 1 }
			}},
		{name: "delete a role that gives x", base: adminRights, needs: roles, tenant: acme, action: models.ActionRoleDelete,
			run: func(t *testing.T, w *delegationWorld, ctx context.Context, f models.Feature, x models.Level) (error, func() bool) {
				id := w.role(t, w.sys, w.name("delete"), models.Permissions{f: x})
				err := w.s.DeleteRole(ctx, id)
				return err, func() bool { _, err := w.s.Role(w.sys, id); return err == nil }
			}},
		{name: "create a template at x", master: true, base: adminRights, needs: roles, tenant: master, action: models.ActionRoleCreate,
			run: func(t *testing.T, w *delegationWorld, ctx context.Context, f models.Feature, x models.Level) (error, func() bool) {
				name := w.name("template")
				r, err := w.s.CreateRole(ctx, models.NewRole{Name: name, Multitenant: true, Permissions: models.Permissions{f: x}})
				if err == nil {
					if err := w.s.DeleteRole(storetest.System(models.WithTenant(context.Background(), w.f.Root.TenantID)), r.ID); err != nil {
						t.Fatal(err)
					}
				}
				return err, func() bool { return r == nil }
			}},
		{name: "create a tenant role at x", master: true, base: adminRights, needs: roles, tenant: master, action: models.ActionTenantRoleCreate,
			run: func(t *testing.T, w *delegationWorld, ctx context.Context, f models.Feature, x models.Level) (error, func() bool) {
				tr, err := w.s.CreateTenantRole(ctx, models.NewRole{Name: w.name("cap"), Permissions: models.Permissions{f: x}})
				return err, func() bool { return tr == nil }
			}},
		{name: "raise a tenant role to x", master: true, base: adminRights, needs: roles, tenant: master, action: models.ActionTenantRoleUpdate,
			run: func(t *testing.T, w *delegationWorld, ctx context.Context, f models.Feature, x models.Level) (error, func() bool) {
				tr, err := w.s.CreateTenantRole(storetest.System(context.Background()), models.NewRole{Name: w.name("cap"), Permissions: models.Permissions{}})
				if err != nil {
					t.Fatal(err)
				}
				_, err = w.s.UpdateTenantRole(ctx, tr.ID, tr.Version, models.RoleChanges{Name: tr.Name, Permissions: models.Permissions{f: x}})
				return err, func() bool { after, _ := w.s.TenantRole(ctx, tr.ID); return after.Version == tr.Version }
			}},
		{name: "edit a user who holds x", base: adminRights, needs: users, tenant: acme, action: models.ActionUserUpdate,
			run: func(t *testing.T, w *delegationWorld, ctx context.Context, f models.Feature, x models.Level) (error, func() bool) {
				id := w.userOf[f][x]
				u, _ := w.userAcross(t, id)
				_, err := w.s.UpdateUser(ctx, id, u.Version, models.UserChanges{Username: u.Username, Email: u.Email, FirstName: w.name("First"), RoleID: *u.RoleID})
				return err, func() bool { after, _ := w.userAcross(t, id); return after.Version == u.Version }
			}},
		{name: "disable a user who holds x", base: adminRights, needs: users, tenant: acme, action: models.ActionUserDisable,
			run: func(t *testing.T, w *delegationWorld, ctx context.Context, f models.Feature, x models.Level) (error, func() bool) {
				id := w.userOf[f][x]
				err := w.s.SetUserEnabled(ctx, id, false)
				if err == nil {
					if err := w.s.SetUserEnabled(w.sys, id, true); err != nil {
						t.Fatal(err)
					}
				}
				return err, func() bool { u, _ := w.userAcross(t, id); return u.Enabled }
			}},
		{name: "enable a user who holds x", base: adminRights, needs: users, tenant: acme, action: models.ActionUserEnable,
			run: func(t *testing.T, w *delegationWorld, ctx context.Context, f models.Feature, x models.Level) (error, func() bool) {
				id := w.userOf[f][x]
				if err := w.s.SetUserEnabled(w.sys, id, false); err != nil {
					t.Fatal(err)
				}
				err := w.s.SetUserEnabled(ctx, id, true)
				return err, func() bool { u, _ := w.userAcross(t, id); return !u.Enabled }
			}},
		{name: "set the password of a user who holds x", base: adminRights, needs: users, tenant: acme, action: models.ActionUserPasswordReset,
			run: func(t *testing.T, w *delegationWorld, ctx context.Context, f models.Feature, x models.Level) (error, func() bool) {
				id := w.userOf[f][x]
				before, _ := w.userAcross(t, id)
				err := w.s.SetUserPassword(ctx, id, "another long passphrase "+w.name("p"))
				return err, func() bool { after, _ := w.userAcross(t, id); return after.PasswordHash == before.PasswordHash }
			}},
		{name: "delete a user who holds x", base: adminRights, needs: users, tenant: acme, action: models.ActionUserDelete,
			run: func(t *testing.T, w *delegationWorld, ctx context.Context, f models.Feature, x models.Level) (error, func() bool) {
				name := w.name("doomed")
				u, err := w.s.CreateUser(w.sys, newUser(name, w.roleOf[f][x]))
				if err != nil {
					t.Fatal(err)
				}
				err = w.s.DeleteUser(ctx, u.ID, name)
				return err, func() bool { _, ok := w.userAcross(t, u.ID); return ok }
			}},
		{name: "impersonate a user who holds x", master: true,
			base:  models.Permissions{models.FeatureUsers: models.LevelFull, models.FeatureImpersonation: models.LevelFull},
			needs: map[models.Feature]models.Level{models.FeatureImpersonation: models.LevelFull}, tenant: master, action: models.ActionImpersonationRefused,
			run: func(t *testing.T, w *delegationWorld, ctx context.Context, f models.Feature, x models.Level) (error, func() bool) {
				_, imp, err := w.s.StartImpersonation(ctx, models.StartImpersonation{Subdomain: "acme", UserID: w.userOf[f][x],
					Reason: "table", MasterSession: w.name("session"), Limit: 1e9})
				return err, func() bool { return imp == nil }
			}},
	}
}

// For every operation that grants a level, sets one, or acts on a user, on
// every feature and every pair of allLevels (what the actor holds, what is
// given or touched), the model allows it exactly when the actor holds at
// least as much; a refusal changes nothing and is in the log as a failure.
func TestNobodyGivesOrTouchesMoreThanTheyHold(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newDelegationWorld(t, d)
		cases := 0
		for _, op := range delegationOps() {
			for _, f := range models.Features {
				if op.setsSubtenantLevel && f.MasterOnly() {
					continue
				}
				for _, a := range allLevels {
					for _, x := range allLevels {
						hold := with(op.base, f, a)
						ctx := w.acmeActor(hold)
						if op.master {
							ctx = w.masterActor(hold)
						}
						mayAct := true
						for nf, nl := range op.needs {
							mayAct = mayAct && hold.Level(nf) >= nl
						}
						err, unchanged := op.run(t, w, ctx, f, x)
						cases++
						what := fmt.Sprintf("%s, x=%s on %s, holding %s", op.name, x, f, a)
						var ve *models.ValidationError
						switch {
						case !mayAct:
							if !errors.Is(err, models.ErrForbidden) && !errors.As(err, &ve) {
								t.Fatalf("%s: without the operation's own right: %v", what, err)
							}
						case x <= a:
							if err != nil {
								t.Fatalf("%s: refused: %v", what, err)
							}
						default:
							if !errors.As(err, &ve) {
								t.Fatalf("%s: allowed (%v)", what, err)
							}
							if !unchanged() {
								t.Fatalf("%s: refused, but something changed", what)
							}
							evs := w.events(t, op.tenant(w))
							if evs[0].Action != op.action || evs[0].Outcome != models.OutcomeFailure {
								t.Fatalf("%s: the refusal is not in the log: %+v", what, evs[0])
							}
						}
						if op.action == models.ActionUserEnable {
							storetest.Exec(t, w.s, "UPDATE users SET enabled = TRUE WHERE id = ?", w.userOf[f][x])
						}
					}
				}
			}
		}
		t.Logf("%d operations × features × level pairs", cases)
	})
}

// Nobody changes their own role, a role they hold, or their own account's
// state, whatever they hold: each is a climb or a lock-out, and another
// admin does it. Changing one's own name stays allowed.
func TestNobodyChangesTheirOwnRoleOrAccountState(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newDelegationWorld(t, d)
		me, _ := w.userAcross(t, w.f.AcmeAdmin.ID)
		self := models.WithActor(models.WithTenant(context.Background(), w.f.Acme.ID), models.Actor{UserID: me.ID, TenantID: me.TenantID,
			Name: me.Username, Permissions: models.FullPermissions(), RoleID: *me.RoleID})
		// A second admin, so no refusal is the last admin's.
		if _, err := w.s.CreateUser(w.sys, newUser("second", *me.RoleID)); err != nil {
			t.Fatal(err)
		}
		refusals := []struct {
			name, field string
			err         error
		}{}
		try := func(name, field string, err error) {
			refusals = append(refusals, struct {
				name, field string
				err         error
			}{name, field, err})
		}
		for _, l := range allLevels {
			_, err := w.s.UpdateUser(self, me.ID, currentUserVersion(t, w.userWorld, me.ID), models.UserChanges{Username: me.Username, Email: me.Email, RoleID: w.roleOf[models.FeatureAudit][l]})
			try("take a role giving audit "+l.String(), "role", err)
		}
		try("disable themselves", "", w.s.SetUserEnabled(self, me.ID, false))
		try("delete themselves", "", w.s.DeleteUser(self, me.ID, me.Username))
		admin, _ := w.s.Role(w.sys, *me.RoleID)
		_, _, err := w.s.UpdateRole(self, admin.ID, admin.Version, models.RoleChanges{Name: admin.Name, Permissions: models.Permissions{models.FeatureUsers: models.LevelFull}})
		try("edit the role they hold", "", err)
		try("delete the role they hold", "role", w.s.DeleteRole(self, admin.ID))
		for _, r := range refusals {
			var ve *models.ValidationError
			if !errors.As(r.err, &ve) || !ve.Denied || ve.Fields[r.field] == "" {
				t.Errorf("%s: %v", r.name, r.err)
			}
		}
		after, _ := w.userAcross(t, me.ID)
		if !after.Enabled || *after.RoleID != *me.RoleID {
			t.Fatalf("their account changed: %+v", after)
		}
		if p := w.roleLevels(t, w.f.Acme.ID, admin.ID); !models.IsFullRightsAdmin(p) || p.Level(models.FeatureAudit) != models.LevelFull {
			t.Fatalf("the role they hold changed: %v", p)
		}
		if _, err := w.s.UpdateUser(self, me.ID, after.Version, models.UserChanges{Username: me.Username, Email: me.Email, FirstName: "Renamed", RoleID: *me.RoleID}); err != nil {
			t.Fatalf("renaming themselves: %v", err)
		}
	})
}

// Giving the last full-rights admin another role is allowed exactly when it
// still gives full on users and on roles, over every pair of allLevels of the
// two; with a second admin, any.
func TestTheLastAdminKeepsUsersAndRolesFullOverEveryPairOfLevels(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newDelegationWorld(t, d)
		byMaster, _, err := w.s.ManagedTenant(w.master, "acme", models.LevelFull)
		if err != nil {
			t.Fatal(err)
		}
		admin := w.f.AcmeAdmin.ID
		adminRole := w.acmeAdminRole
		for _, u := range allLevels {
			for _, r := range allLevels {
				id := w.role(t, w.sys, w.name(fmt.Sprintf("users %s roles %s", u, r)), models.Permissions{models.FeatureUsers: u, models.FeatureRoles: r})
				_, err := w.s.UpdateUser(byMaster, admin, currentUserVersion(t, w.userWorld, admin), models.UserChanges{Username: "admin@acme.example", Email: "admin@acme.example", RoleID: id})
				keeps := u == models.LevelFull && r == models.LevelFull
				switch {
				case keeps && err != nil:
					t.Fatalf("users %s roles %s: %v", u, r, err)
				case !keeps && fieldError(err, "role") == "":
					t.Fatalf("users %s roles %s: the last admin lost their rights (%v)", u, r, err)
				}
				storetest.Exec(t, w.s, "UPDATE users SET role_id = ? WHERE id = ?", adminRole, admin)
			}
		}
	})
}

// Levels a role already has are not being set: under a cap that hides them,
// someone holding less may still rename the role; raising one is refused.
func TestALatentLevelAboveTheCapMayStayButNotBeRaised(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newDelegationWorld(t, d)
		// acme's admin under a cap without tenants: what they hold.
		hold := models.FullPermissions()
		hold[models.FeatureTenants] = models.LevelNone
		ctx := w.acmeActor(hold)
		latent := w.role(t, w.sys, "Latent", models.Permissions{models.FeatureTenants: models.LevelFull, models.FeatureUsers: models.LevelRead})
		tr, err := w.s.CreateTenantRole(storetest.System(context.Background()), models.NewRole{Name: "No tenants", Permissions: hold})
		if err != nil {
			t.Fatal(err)
		}
		storetest.Exec(t, w.s, "UPDATE tenants SET tenant_role_id = ? WHERE id = ?", tr.ID, w.f.Acme.ID)
		r, _, err := w.s.UpdateRole(ctx, latent, 1, models.RoleChanges{Name: "Latent, renamed", Permissions: models.Permissions{models.FeatureTenants: models.LevelFull, models.FeatureUsers: models.LevelFull}})
		if err != nil {
			t.Fatalf("renaming a role whose latent level exceeds theirs: %v", err)
		}
		// A user whose role's level is hidden by the cap holds none of it.
		if err := w.s.SetUserPassword(ctx, w.userOf[models.FeatureTenants][models.LevelFull], "another long passphrase"); err != nil {
			t.Fatalf("acting on a user whose level the cap hides: %v", err)
		}
		raise := w.role(t, w.sys, "Plain", models.Permissions{})
		_, _, err = w.s.UpdateRole(ctx, raise, 1, models.RoleChanges{Name: "Plain", Permissions: models.Permissions{models.FeatureTenants: models.LevelRead}})
		if fieldError(err, models.PermissionField(models.FeatureTenants)) == "" {
			t.Fatalf("raising a latent level beyond theirs: %v (after %v)", err, r.Permissions)
		}
	})
}

// The master's tenant pages give a subtenant rights too: its initial admin,
// and a move to another tenant role, need the actor to hold what they give.
func TestTheMasterGivesATenantOnlyWhatTheyHold(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newDelegationWorld(t, d)
		hold := models.Permissions{models.FeatureTenants: models.LevelFull, models.FeatureUsers: models.LevelFull, models.FeatureRoles: models.LevelFull}
		ctx := w.masterActor(hold)
		sys := storetest.System(context.Background())
		standard, err := w.s.CreateTenantRole(sys, models.NewRole{Name: "Narrow", Permissions: hold})
		if err != nil {
			t.Fatal(err)
		}
		wide, err := w.s.CreateTenantRole(sys, models.NewRole{Name: "Wide", Permissions: models.FullPermissions()})
		if err != nil {
			t.Fatal(err)
		}
		admin := &models.NewTenantAdmin{Username: "first", Email: "first@gamma.example", Password: storetest.Password}
		_, err = w.s.CreateTenant(ctx, models.NewTenant{Subdomain: "gamma", Name: "Gamma", TenantRoleID: wide.ID, Currency: "USD", Admin: admin})
		if fieldError(err, "admin") == "" {
			t.Fatalf("an initial admin with more than the master holds: %v", err)
		}
		if _, err := w.s.CreateTenant(ctx, models.NewTenant{Subdomain: "gamma", Name: "Gamma", TenantRoleID: standard.ID, Currency: "USD", Admin: admin}); err != nil {
			t.Fatalf("an initial admin within what the master holds: %v", err)
		}
		storetest.Exec(t, w.s, "UPDATE tenants SET tenant_role_id = ? WHERE id = ?", standard.ID, w.f.Beta.ID)
		beta, _ := w.s.TenantBySubdomain(sys, "beta")
		ch := beta.Changes()
		ch.TenantRoleID = wide.ID
		if _, err := w.s.UpdateTenant(ctx, "beta", beta.Version, ch); fieldError(err, "tenant_role") == "" {
			t.Fatalf("a move to a tenant role above the master: %v", err)
		}
		if after, _ := w.s.TenantBySubdomain(sys, "beta"); *after.TenantRoleID != standard.ID {
			t.Fatal("beta moved")
		}
	})
}

// A context that names no actor gives and touches nothing: a route that
// forgot to say who acts cannot grant.
func TestAContextWithoutAnActorGivesNothing(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newDelegationWorld(t, d)
		bare := models.WithTenant(context.Background(), w.f.Acme.ID)
		_, err := w.s.CreateUser(bare, newUser("anon", w.empty))
		if !errors.Is(err, models.ErrForbidden) {
			t.Fatalf("a user created with no actor: %v", err)
		}
		if _, err := w.s.CreateRole(bare, models.NewRole{Name: "Anon"}); !errors.Is(err, models.ErrForbidden) {
			t.Fatalf("a role created with no actor: %v", err)
		}
		if err := w.s.SetUserEnabled(bare, w.plainID, false); !errors.Is(err, models.ErrForbidden) {
			t.Fatalf("a user disabled with no actor: %v", err)
		}
	})
}

// A subtenant's role cannot grant a master-only feature at any level, however
// much the actor holds: refused by its field, nothing stored, on create and
// on a raise; lowering one, keeping one, and the master's own roles are not
// refused.
func TestASubtenantsRoleIsRefusedMasterOnlyFeatures(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newDelegationWorld(t, d)
		acme, master := w.acmeActor(models.FullPermissions()), w.masterActor(models.FullPermissions())
		for _, f := range []models.Feature{models.FeatureTenants, models.FeatureImpersonation} {
			for _, l := range []models.Level{models.LevelRead, models.LevelFull} {
				name := w.name("climb")
				_, err := w.s.CreateRole(acme, models.NewRole{Name: name, Permissions: models.Permissions{f: l}})
				if msg := fieldError(err, models.PermissionField(f)); !strings.Contains(msg, "master tenant only") || !strings.Contains(msg, f.Label()) {
					t.Errorf("creating a role with %s %s in acme: %v", f, l, err)
				}
				id := w.role(t, w.sys, w.name("raise"), models.Permissions{})
				_, _, err = w.s.UpdateRole(acme, id, 1, models.RoleChanges{Name: w.name("raised"), Permissions: models.Permissions{f: l}})
				if fieldError(err, models.PermissionField(f)) == "" || w.roleLevels(t, w.f.Acme.ID, id).Level(f) != models.LevelNone {
					t.Errorf("raising a role to %s %s in acme: %v", f, l, err)
				}
				if _, err := w.s.CreateRole(master, models.NewRole{Name: w.name("master"), Permissions: models.Permissions{f: l}}); err != nil {
					t.Errorf("the master's role with %s %s: %v", f, l, err)
				}
			}
			// A role that holds one (stored before the rule) keeps it, or drops it.
			id := w.role(t, w.sys, w.name("held"), models.Permissions{f: models.LevelFull})
			if _, _, err := w.s.UpdateRole(acme, id, 1, models.RoleChanges{Name: w.name("kept"), Permissions: models.Permissions{f: models.LevelFull}}); err != nil {
				t.Errorf("keeping %s full: %v", f, err)
			}
			if _, _, err := w.s.UpdateRole(acme, id, 2, models.RoleChanges{Name: w.name("lowered"), Permissions: models.Permissions{f: models.LevelRead}}); err != nil {
				t.Errorf("lowering %s: %v", f, err)
			}
		}
	})
}
