package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

// seedKinds adds the kinds the resource tests use, behind the store's back.
func seedKinds(t *testing.T, s *models.Store) {
	t.Helper()
	storetest.Exec(t, s, `INSERT INTO resource_kinds (key, label, attributes, version, created_at, updated_at) VALUES
		('network', 'Network', '[{"name":"cidr","label":"CIDR","type":"text","required":true},{"name":"vlan","label":"VLAN","type":"number"}]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
		('device', 'Device', '[{"name":"managed","label":"Managed","type":"yes/no"}]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`)
}

func network(name string, group uint64) models.ResourceInput {
	return models.ResourceInput{Kind: "network", Name: name, GroupID: group, Values: map[string]string{"cidr": "10.0.0.0/8", "vlan": "12"}}
}

func newResourceWorld(t *testing.T, d string) userWorld {
	w := newUserWorld(t, d)
	seedKinds(t, w.s)
	return w
}

func TestResourcesAreCreatedEditedAndDeletedInTheirTenantOnly(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newResourceWorld(t, d)
		r, err := w.s.CreateResource(w.acme, network("core", 0))
		if err != nil {
			t.Fatal(err)
		}
		if r.Attributes != `{"cidr":"10.0.0.0/8","vlan":"12"}` {
			t.Fatalf("attributes %s", r.Attributes)
		}
		// The same name in another case is refused in the kind, by the field; another kind takes it.
		_, err = w.s.CreateResource(w.acme, network("CORE", 0))
		if fieldError(err, "name") == "" {
			t.Fatalf("duplicate name: %v", err)
		}
		if _, err := w.s.CreateResource(w.acme, models.ResourceInput{Kind: "device", Name: "core"}); err != nil {
			t.Fatal(err)
		}
		// Beta may use the name, and neither sees, edits nor deletes acme's resource.
		if _, err := w.s.CreateResource(w.beta, network("core", 0)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.s.ResourceByID(w.beta, r.ID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("beta reads acme's: %v", err)
		}
		if _, err := w.s.UpdateResource(w.beta, r.ID, r.Version, network("taken", 0)); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("beta edits acme's: %v", err)
		}
		if err := w.s.DeleteResource(w.beta, r.ID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("beta deletes acme's: %v", err)
		}
		// Attributes are checked by their fields; the kind must exist.
		bad := network("edge", 0)
		bad.Values = map[string]string{"vlan": "many"}
		_, err = w.s.CreateResource(w.acme, bad)
		if fieldError(err, "attr.cidr") == "" || fieldError(err, "attr.vlan") == "" {
			t.Fatalf("bad attributes: %v", err)
		}
		if _, err := w.s.CreateResource(w.acme, models.ResourceInput{Kind: "nope", Name: "x"}); fieldError(err, "kind") == "" {
			t.Fatalf("unknown kind: %v", err)
		}
		// A group of another tenant is not one to choose.
		bg, err := w.s.CreateResourceGroup(w.beta, models.GroupInput{Name: "Beta group"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CreateResource(w.acme, network("edge", bg.ID)); fieldError(err, "group") == "" {
			t.Fatalf("another tenant's group: %v", err)
		}
		// Edits take the version read.
		up, err := w.s.UpdateResource(w.acme, r.ID, r.Version, network("core-2", 0))
		if err != nil || up.Name != "core-2" {
			t.Fatalf("update: %v", err)
		}
		if _, err := w.s.UpdateResource(w.acme, r.ID, r.Version, network("core-3", 0)); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("stale version: %v", err)
		}
		if err := w.s.DeleteResource(w.acme, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.s.ResourceByID(w.acme, r.ID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("deleted: %v", err)
		}
		acts := storetest.Column(t, w.s, "audit_events", "action")
		for _, a := range []string{models.ActionResourceCreate, models.ActionResourceUpdate, models.ActionResourceDelete} {
			if !strings.Contains(strings.Join(acts, " "), a) {
				t.Fatalf("no %s event in %v", a, acts)
			}
		}
	})
}

func TestResourcesPageFiltersSearchesSortsAndPages(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newResourceWorld(t, d)
		g, err := w.s.CreateResourceGroup(w.acme, models.GroupInput{Name: "Lab"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			group := uint64(0)
			if i%2 == 0 {
				group = g.ID
			}
			if _, err := w.s.CreateResource(w.acme, network(fmt.Sprintf("net-%d", i), group)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.s.CreateResource(w.acme, models.ResourceInput{Kind: "device", Name: "box"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CreateResource(w.beta, network("net-beta", 0)); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			q     models.ResourceQuery
			total int64
			first string
		}{
			{models.ResourceQuery{}, 6, "box"},
			{models.ResourceQuery{Kind: "network"}, 5, "net-0"},
			{models.ResourceQuery{GroupID: g.ID}, 3, "net-0"},
			{models.ResourceQuery{Ungrouped: true}, 3, "box"},
			{models.ResourceQuery{ListQuery: models.ListQuery{Search: "NET-3"}}, 1, "net-3"},
			{models.ResourceQuery{ListQuery: models.ListQuery{Sort: "name", Desc: true}}, 6, "net-4"},
			{models.ResourceQuery{ListQuery: models.ListQuery{Sort: "kind"}}, 6, "box"},
			{models.ResourceQuery{ListQuery: models.ListQuery{PerPage: 2, Page: 2}}, 6, "net-1"},
		} {
			p, err := w.s.ResourcesPage(w.acme, c.q)
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != c.total || len(p.Rows) == 0 || p.Rows[0].Name != c.first {
				t.Fatalf("%+v: total %d, rows %v", c.q, p.Total, p.Rows)
			}
		}
		var names []string
		if err := w.s.EachResource(w.acme, models.ResourceQuery{GroupID: g.ID}, func(r *models.ResourceRow) error {
			names = append(names, r.Name+"/"+r.GroupName+"/"+r.KindLabel)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if strings.Join(names, ",") != "net-0/Lab/Network,net-2/Lab/Network,net-4/Lab/Network" {
			t.Fatalf("export %v", names)
		}
	})
}

func TestConcurrentCreatesAtTheResourceLimitMakeOneResource(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newResourceWorld(t, d)
		for round := range 4 {
			storetest.Exec(t, w.s, "UPDATE tenants SET max_resources = ? WHERE subdomain = 'acme'", round+1)
			errs := race(
				func() error { _, err := w.s.CreateResource(w.acme, network(fmt.Sprintf("a%d", round), 0)); return err },
				func() error { _, err := w.s.CreateResource(w.acme, network(fmt.Sprintf("b%d", round), 0)); return err },
			)
			ok, limited := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case strings.Contains(fieldError(err, ""), "limit of"):
					limited++
				default:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			p, err := w.s.ResourcesPage(w.acme, models.ResourceQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if ok != 1 || limited != 1 || p.Total != int64(round+1) {
				t.Fatalf("round %d: %d created, %d refused, %d resources", round, ok, limited, p.Total)
			}
		}
	})
}

func TestDeletingAGroupUngroupsMovesOrDeletesItsResources(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newResourceWorld(t, d)
		mk := func(name string) *models.ResourceGroup {
			g, err := w.s.CreateResourceGroup(w.acme, models.GroupInput{Name: name})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 2 {
				if _, err := w.s.CreateResource(w.acme, network(fmt.Sprintf("%s-%d", name, i), g.ID)); err != nil {
					t.Fatal(err)
				}
			}
			return g
		}
		a, b, c, keep := mk("a"), mk("b"), mk("c"), mk("keep")
		if _, err := w.s.CreateResourceGroup(w.acme, models.GroupInput{Name: "KEEP"}); fieldError(err, "name") == "" {
			t.Fatalf("duplicate group name: %v", err)
		}
		// Beta can neither delete acme's group nor move into it.
		if _, err := w.s.DeleteResourceGroup(w.beta, a.ID, models.GroupFateDelete, 0); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("beta deletes acme's group: %v", err)
		}
		if _, err := w.s.DeleteResourceGroup(w.acme, a.ID, models.GroupFateUngroup, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.DeleteResourceGroup(w.acme, b.ID, models.GroupFateMove, keep.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.DeleteResourceGroup(w.acme, c.ID, models.GroupFateMove, c.ID); fieldError(err, "to") == "" {
			t.Fatalf("move into itself: %v", err)
		}
		if n, err := w.s.DeleteResourceGroup(w.acme, c.ID, models.GroupFateDelete, 0); err != nil || n != 2 {
			t.Fatalf("delete: %d, %v", n, err)
		}
		count := func(q models.ResourceQuery) int64 {
			p, err := w.s.ResourcesPage(w.acme, q)
			if err != nil {
				t.Fatal(err)
			}
			return p.Total
		}
		if all, un, kept := count(models.ResourceQuery{}), count(models.ResourceQuery{Ungrouped: true}), count(models.ResourceQuery{GroupID: keep.ID}); all != 6 || un != 2 || kept != 4 {
			t.Fatalf("after: %d resources, %d ungrouped, %d in keep", all, un, kept)
		}
		gs, err := w.s.ResourceGroups(w.acme)
		if err != nil || len(gs) != 1 || gs[0].Resources != 4 {
			t.Fatalf("groups %v, %v", gs, err)
		}
	})
}

// groupActor is acme's user holding role, with rights p, as a session check loads them.
func groupActor(w userWorld, role uint64, p models.Permissions) context.Context {
	return models.WithActor(models.WithTenant(context.Background(), w.f.Acme.ID),
		models.Actor{UserID: w.f.AcmeAdmin.ID, TenantID: w.f.Acme.ID, Name: "member", Permissions: p, RoleID: role})
}

func TestAGroupsLevelOverridesTheRolesAndHidesWhatIsNone(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newResourceWorld(t, d)
		open, err := w.s.CreateResourceGroup(w.acme, models.GroupInput{Name: "Open"})
		if err != nil {
			t.Fatal(err)
		}
		secret, err := w.s.CreateResourceGroup(w.acme, models.GroupInput{Name: "Secret"})
		if err != nil {
			t.Fatal(err)
		}
		hidden, err := w.s.CreateResource(w.acme, network("hidden", secret.ID))
		if err != nil {
			t.Fatal(err)
		}
		seen, err := w.s.CreateResource(w.acme, network("seen", open.ID))
		if err != nil {
			t.Fatal(err)
		}
		perms := models.Permissions{models.FeatureResources: models.LevelRead}
		role := w.role(t, w.acme, "Reader", perms)
		none, full := models.LevelNone, models.LevelFull
		if err := w.s.SetRoleGroupLevels(w.acme, role, map[uint64]*models.Level{secret.ID: &none, open.ID: &full}); err != nil {
			t.Fatal(err)
		}
		ctx := groupActor(w, role, perms)
		if _, _, err := w.s.ResourceByID(ctx, hidden.ID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("hidden group's resource: %v", err)
		}
		if err := w.s.DeleteResource(ctx, hidden.ID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("hidden group's resource deleted: %v", err)
		}
		p, err := w.s.ResourcesPage(ctx, models.ResourceQuery{})
		if err != nil || p.Total != 1 || p.Rows[0].Name != "seen" {
			t.Fatalf("list %v, %v", p.Rows, err)
		}
		if p, _ := w.s.ResourcesPage(ctx, models.ResourceQuery{GroupID: secret.ID}); p.Total != 0 {
			t.Fatalf("filter by hidden group: %d", p.Total)
		}
		n := 0
		_ = w.s.EachResource(ctx, models.ResourceQuery{}, func(*models.ResourceRow) error { n++; return nil })
		if n != 1 {
			t.Fatalf("export %d", n)
		}
		gs, err := w.s.ResourceGroups(ctx)
		if err != nil || len(gs) != 1 || gs[0].Name != "Open" {
			t.Fatalf("groups %v, %v", gs, err)
		}
		if _, err := w.s.DeleteResourceGroup(ctx, secret.ID, models.GroupFateDelete, 0); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("hidden group deleted: %v", err)
		}
		// The override gives full on Open over the role's read; read elsewhere changes nothing.
		if _, err := w.s.UpdateResource(ctx, seen.ID, seen.Version, network("seen-2", open.ID)); err != nil {
			t.Fatalf("full by the group: %v", err)
		}
		if _, err := w.s.CreateResource(ctx, network("loose", 0)); !errors.Is(err, models.ErrForbidden) {
			t.Fatalf("read by the role creates: %v", err)
		}
	})
}

func TestAWeakerUserCannotRaiseAGroupsLevel(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newResourceWorld(t, d)
		g, err := w.s.CreateResourceGroup(w.acme, models.GroupInput{Name: "Lab"})
		if err != nil {
			t.Fatal(err)
		}
		target := w.role(t, w.acme, "Target", models.Permissions{models.FeatureResources: models.LevelRead})
		weak := models.Permissions{models.FeatureRoles: models.LevelFull, models.FeatureResources: models.LevelRead}
		ctx := groupActor(w, 0, weak)
		full, read := models.LevelFull, models.LevelRead
		err = w.s.SetRoleGroupLevels(ctx, target, map[uint64]*models.Level{g.ID: &full})
		if !strings.Contains(fieldError(err, models.GroupLevelField(g.ID)), "at most read") {
			t.Fatalf("raise beyond own level: %v", err)
		}
		if err := w.s.SetRoleGroupLevels(ctx, target, map[uint64]*models.Level{g.ID: &read}); err != nil {
			t.Fatalf("within own level: %v", err)
		}
		// Another tenant's role or group is not found.
		if err := w.s.SetRoleGroupLevels(w.beta, target, map[uint64]*models.Level{g.ID: &read}); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("beta sets acme's role: %v", err)
		}
		_, rows, err := w.s.RoleGroupAccess(w.acme, target)
		if err != nil || len(rows) != 1 || !rows[0].Set || rows[0].Level != models.LevelRead {
			t.Fatalf("group access %v, %v", rows, err)
		}
	})
}

func TestTheTenantRoleCapsAGroupsOverride(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newResourceWorld(t, d)
		capPerms := models.FullPermissions()
		capPerms[models.FeatureResources] = models.LevelRead
		tr, err := w.s.CreateTenantRole(storetest.System(context.Background()), models.NewRole{Name: "Narrow", Permissions: capPerms})
		if err != nil {
			t.Fatal(err)
		}
		g, err := w.s.CreateResourceGroup(w.acme, models.GroupInput{Name: "Lab"})
		if err != nil {
			t.Fatal(err)
		}
		r, err := w.s.CreateResource(w.acme, network("core", g.ID))
		if err != nil {
			t.Fatal(err)
		}
		storetest.Exec(t, w.s, "UPDATE tenants SET tenant_role_id = ? WHERE id = ?", tr.ID, w.f.Acme.ID)
		perms := models.Permissions{models.FeatureResources: models.LevelRead}
		role := w.role(t, w.acme, "Reader", perms)
		full := models.LevelFull
		if err := w.s.SetRoleGroupLevels(w.acme, role, map[uint64]*models.Level{g.ID: &full}); err != nil {
			t.Fatal(err)
		}
		// The role gives full on Lab; the tenant role allows read: read it is.
		ctx := groupActor(w, role, perms)
		if _, lvl, err := w.s.ResourceByID(ctx, r.ID); err != nil || lvl != models.LevelRead {
			t.Fatalf("level %s, %v", lvl, err)
		}
		if _, err := w.s.UpdateResource(ctx, r.ID, r.Version, network("core-2", g.ID)); !errors.Is(err, models.ErrForbidden) {
			t.Fatalf("edit above the cap: %v", err)
		}
	})
}

// A group a role sets no level for takes the role's own resources level: a
// maker who holds less on that group than their own level may not give the
// role that level there, at create, by putting a group back to the role's
// level, or by raising the role's level.
func TestNoRoleGivesMoreOnAGroupThanItsMakerHoldsThere(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newResourceWorld(t, d)
		lab, err := w.s.CreateResourceGroup(w.acme, models.GroupInput{Name: "Lab"})
		if err != nil {
			t.Fatal(err)
		}
		perms := models.Permissions{models.FeatureRoles: models.LevelFull, models.FeatureResources: models.LevelFull}
		lead := w.role(t, w.acme, "Lead", perms)
		read, full := models.LevelRead, models.LevelFull
		if err := w.s.SetRoleGroupLevels(w.acme, lead, map[uint64]*models.Level{lab.ID: &read}); err != nil {
			t.Fatal(err)
		}
		ctx := groupActor(w, lead, perms) // full on resources, read on Lab
		field := models.GroupLevelField(lab.ID)
		_, err = w.s.CreateRole(ctx, models.NewRole{Name: "Proxy", Permissions: models.Permissions{models.FeatureResources: full}})
		if !strings.Contains(fieldError(err, field), "at most read") {
			t.Fatalf("a role giving full on Lab by its own level: %v", err)
		}
		if err := w.s.CheckRoleGroupLevels(ctx, "Proxy", full, nil); !strings.Contains(fieldError(err, field), "at most read") {
			t.Fatalf("the wizard's group step: %v", err)
		}
		if err := w.s.CheckRoleGroupLevels(ctx, "Proxy", full, map[uint64]models.Level{lab.ID: read}); err != nil {
			t.Fatalf("the group step with Lab at read: %v", err)
		}
		proxy, err := w.s.CreateRole(ctx, models.NewRole{Name: "Proxy", Permissions: models.Permissions{models.FeatureResources: full},
			GroupLevels: map[uint64]models.Level{lab.ID: read}})
		if err != nil {
			t.Fatalf("Lab at read: %v", err)
		}
		if err := w.s.SetRoleGroupLevels(ctx, proxy.ID, map[uint64]*models.Level{lab.ID: nil}); !strings.Contains(fieldError(err, field), "at most read") {
			t.Fatalf("Lab back to the role's full: %v", err)
		}
		viewer, err := w.s.CreateRole(ctx, models.NewRole{Name: "Viewer", Permissions: models.Permissions{models.FeatureResources: read}})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = w.s.UpdateRole(ctx, viewer.ID, viewer.Version, models.RoleChanges{Name: "Viewer", Permissions: models.Permissions{models.FeatureResources: full}})
		if !strings.Contains(fieldError(err, models.PermissionField(models.FeatureResources)), "Lab") {
			t.Fatalf("raising Viewer to full with Lab unset: %v", err)
		}
		// The tenant's admin, who holds full on Lab, may do all of it.
		if _, _, err := w.s.UpdateRole(w.acme, viewer.ID, viewer.Version, models.RoleChanges{Name: "Viewer", Permissions: models.Permissions{models.FeatureResources: full}}); err != nil {
			t.Fatalf("the admin raises Viewer: %v", err)
		}
	})
}
