package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

// roleWorld is the two-tenant fixture with contexts for the master admin and
// for acme's admin, each acting in their own tenant.
type roleWorld struct {
	s            *models.Store
	f            storetest.Fixture
	master, acme context.Context
	masterID     uint64
}

func newRoleWorld(t *testing.T, d string) roleWorld {
	s := storetest.Open(t, d)
	f := storetest.TwoTenants(t, s)
	bg := context.Background()
	full := models.FullPermissions()
	return roleWorld{
		s: s, f: f, masterID: f.Root.TenantID,
		master: models.WithActor(models.WithTenant(bg, f.Root.TenantID), models.Actor{UserID: f.Root.ID, TenantID: f.Root.TenantID, Name: "root", Master: true, Permissions: full}),
		acme:   models.WithActor(models.WithTenant(bg, f.Acme.ID), models.Actor{UserID: f.AcmeAdmin.ID, TenantID: f.Acme.ID, Name: "acme admin", Permissions: full}),
	}
}

// in is tenantID's context with the system acting, as the command line does.
func (w roleWorld) in(tenantID uint64) context.Context {
	return storetest.System(models.WithTenant(context.Background(), tenantID))
}

// roleNamed finds a role by name in a tenant's roles page.
func (w roleWorld) roleNamed(t *testing.T, tenantID uint64, name string) *models.RoleRow {
	t.Helper()
	rows, err := w.s.Roles(w.in(tenantID))
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if rows[i].Name == name {
			return &rows[i]
		}
	}
	return nil
}

func TestTemplatesAreCopiedLinkedIntoEveryTenantNowAndLater(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		ops := models.Permissions{models.FeatureUsers: models.LevelRead, models.FeatureAudit: models.LevelRead}
		tpl, err := w.s.CreateRole(w.master, models.NewRole{Name: "Operator", Permissions: ops, Multitenant: true})
		if err != nil {
			t.Fatal(err)
		}
		later, err := w.s.CreateTenant(storetest.System(context.Background()), models.NewTenant{Subdomain: "gamma", Name: "Gamma"})
		if err != nil {
			t.Fatal(err)
		}
		for _, tenant := range []uint64{w.f.Acme.ID, w.f.Beta.ID, later.ID} {
			r := w.roleNamed(t, tenant, "Operator")
			if r == nil || r.Origin() != "linked" || *r.TemplateID != tpl.ID || r.Template != "Operator" || r.Permissions.Level(models.FeatureUsers) != models.LevelRead {
				t.Fatalf("tenant %d: copy %+v", tenant, r)
			}
		}
		if r := w.roleNamed(t, w.masterID, "Operator"); r == nil || r.Origin() != "template" {
			t.Errorf("the master's own row: %+v", r)
		}
	})
}

func TestEditingATemplateRewritesLinkedCopiesAndEditingACopyDetachesIt(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		tpl, err := w.s.CreateRole(w.master, models.NewRole{Name: "Operator", Permissions: models.Permissions{models.FeatureUsers: models.LevelRead}, Multitenant: true})
		if err != nil {
			t.Fatal(err)
		}
		acmeCopy := w.roleNamed(t, w.f.Acme.ID, "Operator")
		edited, up, err := w.s.UpdateRole(w.acme, acmeCopy.ID, acmeCopy.Version, models.RoleChanges{Name: "Operator", Permissions: models.Permissions{models.FeatureUsers: models.LevelFull}})
		if err != nil || !up.Detached || edited.Linked {
			t.Fatalf("editing acme's copy: %+v %+v %v", edited, up, err)
		}
		_, up, err = w.s.UpdateRole(w.master, tpl.ID, tpl.Version, models.RoleChanges{Name: "Operators", Description: "Day to day",
			Permissions: models.Permissions{models.FeatureUsers: models.LevelRead, models.FeatureAudit: models.LevelRead}})
		if err != nil || up.Propagated != 1 {
			t.Fatalf("editing the template: %+v %v (want beta's copy only)", up, err)
		}
		beta := w.roleNamed(t, w.f.Beta.ID, "Operators")
		if beta == nil || beta.Origin() != "linked" || beta.Description != "Day to day" || beta.Permissions.Level(models.FeatureAudit) != models.LevelRead {
			t.Errorf("beta's linked copy: %+v", beta)
		}
		acme := w.roleNamed(t, w.f.Acme.ID, "Operator")
		if acme == nil || acme.Origin() != "detached" || acme.Permissions.Level(models.FeatureUsers) != models.LevelFull {
			t.Errorf("acme's detached copy followed the template: %+v", acme)
		}
	})
}

func TestATemplateRenameThatClashesInASubtenantIsRefused(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		tpl, err := w.s.CreateRole(w.master, models.NewRole{Name: "Operator", Multitenant: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CreateRole(w.acme, models.NewRole{Name: "Auditor"}); err != nil {
			t.Fatal(err)
		}
		_, _, err = w.s.UpdateRole(w.master, tpl.ID, tpl.Version, models.RoleChanges{Name: "auditor"})
		var ve *models.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(ve.Fields["name"], "1 subtenant") {
			t.Fatalf("rename onto acme's own role: %v", err)
		}
		if r := w.roleNamed(t, w.masterID, "Operator"); r == nil || r.Version != tpl.Version {
			t.Errorf("the refused rename changed the template: %+v", r)
		}
	})
}

func TestOnlyTheMasterMakesTemplatesAndACopyCannotBeReachedFromAnotherTenant(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		if _, err := w.s.CreateRole(w.acme, models.NewRole{Name: "Spread", Multitenant: true}); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("a subtenant admin made a template: %v", err)
		}
		if _, err := w.s.CreateRole(w.master, models.NewRole{Name: "Operator", Multitenant: true}); err != nil {
			t.Fatal(err)
		}
		betaCopy := w.roleNamed(t, w.f.Beta.ID, "Operator")
		if _, _, err := w.s.UpdateRole(w.acme, betaCopy.ID, betaCopy.Version, models.RoleChanges{Name: "Mine"}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("acme edited beta's copy by id: %v", err)
		}
		if err := w.s.DeleteRole(w.acme, betaCopy.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("acme deleted beta's copy by id: %v", err)
		}
		if _, err := w.s.PreviewRole(w.acme, betaCopy.ID, nil); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("acme previewed beta's copy by id: %v", err)
		}
	})
}

func TestARoleSomeoneHoldsCannotBeDeleted(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		err := w.s.DeleteRole(w.acme, *w.f.AcmeAdmin.RoleID)
		var ve *models.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(ve.Fields["role"], "1 user") {
			t.Fatalf("deleting the admin's role: %v", err)
		}
		spare, err := w.s.CreateRole(w.acme, models.NewRole{Name: "Spare"})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.s.DeleteRole(w.acme, spare.ID); err != nil {
			t.Errorf("deleting an unheld role: %v", err)
		}
	})
}

func TestTheTenantRoleCapsWhatAUserRoleGrants(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		capped, err := w.s.CreateTenantRole(w.master, models.NewRole{Name: "Read only", Permissions: models.Permissions{
			models.FeatureUsers: models.LevelRead, models.FeatureRoles: models.LevelRead}})
		if err != nil {
			t.Fatal(err)
		}
		storetest.Exec(t, w.s, "UPDATE tenants SET tenant_role_id = ? WHERE id = ?", capped.ID, w.f.Acme.ID)
		u, tr, rights, err := w.s.UserRights(w.in(w.f.Acme.ID), w.f.AcmeAdmin.ID)
		if err != nil {
			t.Fatal(err)
		}
		if tr == nil || tr.ID != capped.ID {
			t.Fatalf("tenant role: %+v", tr)
		}
		want := map[models.Feature]models.Level{models.FeatureUsers: models.LevelRead, models.FeatureRoles: models.LevelRead, models.FeatureTenants: models.LevelNone}
		for _, r := range rights {
			if w, ok := want[r.Feature]; ok && (r.Effective != w || r.Role != models.LevelFull || !r.Capped) {
				t.Errorf("%s: %+v, want effective %s under a full role", r.Feature, r, w)
			}
		}
		if u.Level(models.FeatureUsers) != models.LevelRead {
			t.Errorf("the user's own level on users: %s", u.Level(models.FeatureUsers))
		}
		// The master is never capped.
		_, tr, rights, err = w.s.UserRights(w.in(w.masterID), w.f.Root.ID)
		if err != nil || tr != nil || rights[0].Effective != models.LevelFull || rights[0].Capped {
			t.Errorf("master rights: %+v %+v %v", tr, rights, err)
		}
		// The preview counts acme's admin among those a looser cap would change.
		tenants, changed, err := w.s.PreviewTenantRole(w.master, capped.ID, models.FullPermissions())
		if err != nil || tenants != 1 || changed != 1 {
			t.Errorf("preview of a full cap: %d tenants, %d users changed, %v", tenants, changed, err)
		}
		tenants, changed, err = w.s.PreviewTenantRole(w.master, capped.ID, capped.Permissions)
		if err != nil || tenants != 1 || changed != 0 {
			t.Errorf("preview of no change: %d tenants, %d users changed, %v", tenants, changed, err)
		}
		if _, err := w.s.CreateTenantRole(w.acme, models.NewRole{Name: "Mine"}); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("a subtenant admin made a tenant role: %v", err)
		}
		err = w.s.DeleteTenantRole(w.master, capped.ID)
		var ve *models.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("deleting a tenant role in use: %v", err)
		}
	})
}

func TestRolePreviewCountsHoldersWhoseRightsChange(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		role := *w.f.AcmeAdmin.RoleID
		im, err := w.s.PreviewRole(w.acme, role, models.Permissions{models.FeatureUsers: models.LevelRead})
		if err != nil || im.Holders != 1 || im.Changed != 1 || len(im.ChangedLevels) != len(models.Features) {
			t.Errorf("narrowing the admin role: %+v %v", im, err)
		}
		im, err = w.s.PreviewRole(w.acme, role, models.FullPermissions())
		if err != nil || im.Holders != 1 || im.Changed != 0 || len(im.ChangedLevels) != 0 {
			t.Errorf("no change: %+v %v", im, err)
		}
	})
}

// A template's rename touches only the tenants holding a linked copy, so only
// their names can clash: a tenant that detached its copy, or never got one,
// may use the new name for a role of its own.
func TestATemplateRenameClashesOnlyWhereALinkedCopyWouldBeRenamed(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		tpl, err := w.s.CreateRole(w.master, models.NewRole{Name: "Operator", Multitenant: true})
		if err != nil {
			t.Fatal(err)
		}
		// acme detaches its copy and keeps a role named "Auditor" of its own.
		acmeCopy := w.roleNamed(t, w.f.Acme.ID, "Operator")
		if _, _, err := w.s.UpdateRole(w.acme, acmeCopy.ID, acmeCopy.Version, models.RoleChanges{Name: "Operator"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CreateRole(w.acme, models.NewRole{Name: "Auditor"}); err != nil {
			t.Fatal(err)
		}
		renamed, up, err := w.s.UpdateRole(w.master, tpl.ID, tpl.Version, models.RoleChanges{Name: "Auditor"})
		if err != nil || up.Propagated != 1 {
			t.Fatalf("renaming onto a name only a tenant without a linked copy uses: %+v %v", up, err)
		}
		if beta := w.roleNamed(t, w.f.Beta.ID, "Auditor"); beta == nil || beta.Origin() != "linked" {
			t.Errorf("beta's linked copy was not renamed: %+v", beta)
		}
		// Back to its old name: acme's detached copy is named so, but is no
		// longer renamed with the template.
		if _, _, err := w.s.UpdateRole(w.master, tpl.ID, renamed.Version, models.RoleChanges{Name: "Operator"}); err != nil {
			t.Fatalf("renaming back over a detached copy's name: %v", err)
		}
		// A beta role of the name still stops it: beta's linked copy would clash.
		if _, err := w.s.CreateRole(w.in(w.f.Beta.ID), models.NewRole{Name: "Supervisor"}); err != nil {
			t.Fatal(err)
		}
		tplNow := w.roleNamed(t, w.masterID, "Operator")
		_, _, err = w.s.UpdateRole(w.master, tpl.ID, tplNow.Version, models.RoleChanges{Name: "Supervisor"})
		var ve *models.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(ve.Fields["name"], "1 subtenant") {
			t.Fatalf("rename onto beta's own role: %v", err)
		}
	})
}

// A template's preview counts the holders of its linked copies whose
// effective rights change, each under their own tenant's cap.
func TestATemplatePreviewCountsCopyHoldersUnderTheirOwnCaps(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		readOnly, err := w.s.CreateTenantRole(w.master, models.NewRole{Name: "Read only", Permissions: models.Permissions{models.FeatureUsers: models.LevelRead}})
		if err != nil {
			t.Fatal(err)
		}
		storetest.Exec(t, w.s, "UPDATE tenants SET tenant_role_id = ? WHERE id = ?", readOnly.ID, w.f.Acme.ID)
		tpl, err := w.s.CreateRole(w.master, models.NewRole{Name: "Operator", Multitenant: true, Permissions: models.Permissions{models.FeatureUsers: models.LevelRead}})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range []struct {
			tenant uint64
			user   string
		}{{w.f.Acme.ID, "op1"}, {w.f.Acme.ID, "op2"}, {w.f.Beta.ID, "op3"}} {
			cp := w.roleNamed(t, x.tenant, "Operator")
			if _, err := w.s.CreateUser(w.in(x.tenant), models.NewUser{Username: x.user, Password: storetest.Password, RoleID: cp.ID}); err != nil {
				t.Fatal(err)
			}
		}
		// users read → full: acme caps users at read, so only beta's holder gains.
		im, err := w.s.PreviewRole(w.master, tpl.ID, models.Permissions{models.FeatureUsers: models.LevelFull})
		if err != nil {
			t.Fatal(err)
		}
		if im.LinkedCopies != 2 || im.CopyHolders != 3 || im.CopyChanged != 1 || im.Holders != 0 {
			t.Errorf("users read → full: %+v, want 2 copies, 3 holders, 1 changed", im)
		}
		if len(im.ChangedLevels) != 1 || im.ChangedLevels[0] != (models.LevelChange{Feature: models.FeatureUsers, Before: models.LevelRead, After: models.LevelFull}) {
			t.Errorf("changed levels: %+v", im.ChangedLevels)
		}
		// users read → none: every holder loses it.
		im, err = w.s.PreviewRole(w.master, tpl.ID, models.Permissions{})
		if err != nil || im.CopyChanged != 3 {
			t.Errorf("users read → none: %+v %v, want all 3 changed", im, err)
		}
		// A detached copy's holders no longer follow.
		acmeCopy := w.roleNamed(t, w.f.Acme.ID, "Operator")
		if _, _, err := w.s.UpdateRole(w.in(w.f.Acme.ID), acmeCopy.ID, acmeCopy.Version, models.RoleChanges{Name: "Operator"}); err != nil {
			t.Fatal(err)
		}
		im, err = w.s.PreviewRole(w.master, tpl.ID, models.Permissions{})
		if err != nil || im.LinkedCopies != 1 || im.CopyHolders != 1 || im.CopyChanged != 1 {
			t.Errorf("after acme detached: %+v %v", im, err)
		}
	})
}

func TestRoleDetailSaysWhoHoldsItAndWhereItComesFrom(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		if _, err := w.s.CreateRole(w.master, models.NewRole{Name: "Operator", Multitenant: true}); err != nil {
			t.Fatal(err)
		}
		cp := w.roleNamed(t, w.f.Acme.ID, "Operator")
		r, err := w.s.RoleDetail(w.acme, cp.ID)
		if err != nil || r.Origin() != "linked" || r.Template != "Operator" || r.Users != 0 {
			t.Fatalf("acme's copy: %+v %v", r, err)
		}
		admin, err := w.s.RoleDetail(w.acme, *w.f.AcmeAdmin.RoleID)
		if err != nil || admin.Origin() != "own" || admin.Users != 1 {
			t.Fatalf("acme's admin role: %+v %v", admin, err)
		}
		betaCopy := w.roleNamed(t, w.f.Beta.ID, "Operator")
		if _, err := w.s.RoleDetail(w.acme, betaCopy.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("acme read beta's copy by id: %v", err)
		}
	})
}

// New tenants get the first tenant role there is, so the last one stays.
func TestTheLastTenantRoleCannotBeDeleted(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		spare, err := w.s.CreateTenantRole(w.master, models.NewRole{Name: "Spare"})
		if err != nil {
			t.Fatal(err)
		}
		// Every tenant moves to the spare, so Standard is held by none.
		storetest.Exec(t, w.s, "UPDATE tenants SET tenant_role_id = ? WHERE NOT is_master", spare.ID)
		rows, err := w.s.TenantRoles(w.master)
		if err != nil {
			t.Fatal(err)
		}
		var standard uint64
		for _, r := range rows {
			if r.Name == "Standard" {
				standard = r.ID
			}
		}
		if err := w.s.DeleteTenantRole(w.master, standard); err != nil {
			t.Fatalf("deleting an unheld tenant role: %v", err)
		}
		storetest.Exec(t, w.s, "UPDATE tenants SET tenant_role_id = NULL")
		err = w.s.DeleteTenantRole(w.master, spare.ID)
		var ve *models.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(ve.Fields["role"], "only tenant role") {
			t.Fatalf("deleting the last tenant role: %v", err)
		}
		if _, err := w.s.CreateTenant(storetest.System(context.Background()), models.NewTenant{Subdomain: "gamma", Name: "Gamma"}); err != nil {
			t.Errorf("a tenant created after: %v", err)
		}
	})
}
