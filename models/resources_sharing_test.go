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

// sharingWorld is the two-tenant world with gamma on tenant role Limited,
// the master's resources by name and each subtenant's own.
type sharingWorld struct {
	userWorld
	m         *models.Tenant
	gamma     *models.Tenant
	gammaCtx  context.Context
	standard  uint64 // acme's and beta's tenant role
	limited   uint64 // gamma's
	res       map[string]uint64
	masterAct func(p models.Permissions) context.Context
}

func newSharingWorld(t *testing.T, d string) sharingWorld {
	t.Helper()
	w := sharingWorld{userWorld: newUserWorld(t, d), res: map[string]uint64{}}
	bg := context.Background()
	sys := storetest.System(bg)
	w.m, _ = w.s.MasterTenant(bg)
	limited, err := w.s.CreateTenantRole(w.master, models.NewRole{Name: "Limited", Permissions: models.Permissions{models.FeatureResources: models.LevelFull}})
	if err != nil {
		t.Fatal(err)
	}
	w.limited = limited.ID
	if w.gamma, err = w.s.CreateTenant(sys, models.NewTenant{Subdomain: "gamma", Name: "Gamma", TenantRoleID: limited.ID}); err != nil {
		t.Fatal(err)
	}
	acme, _ := w.s.TenantBySubdomain(bg, "acme")
	w.standard = *acme.TenantRoleID
	w.gammaCtx = models.WithActor(models.WithTenant(bg, w.gamma.ID), models.Actor{UserID: 999, TenantID: w.gamma.ID, Name: "g", Permissions: models.FullPermissions()})
	w.masterAct = func(p models.Permissions) context.Context {
		return models.WithActor(models.WithTenant(bg, w.m.ID), models.Actor{UserID: w.f.Root.ID, TenantID: w.m.ID, Name: "weaker", Master: true, Permissions: p})
	}
	storetest.Exec(t, w.s, `INSERT INTO resource_kinds (key, label, attributes, version, created_at, updated_at) VALUES
		('network', 'Network', '[]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), ('device', 'Device', '[]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`)
	for _, r := range []struct {
		tenant          uint64
		kind, name, vis string
	}{
		{w.m.ID, "network", "m-private", "private"}, {w.m.ID, "network", "m-public-a", "private"},
		{w.m.ID, "device", "m-public-b", "private"}, {w.m.ID, "network", "m-assigned", "private"},
		{w.f.Acme.ID, "network", "acme-net", "private"}, {w.f.Acme.ID, "device", "acme-dev1", "private"},
		{w.f.Acme.ID, "device", "acme-dev2", "private"}, {w.f.Beta.ID, "network", "beta-net", "private"},
	} {
		w.res[r.name] = w.addResource(t, r.tenant, r.kind, r.name)
	}
	return w
}

// addResource writes a private resource behind the store's back.
func (w sharingWorld) addResource(t *testing.T, tenant uint64, kind, name string) uint64 {
	t.Helper()
	storetest.Exec(t, w.s, `INSERT INTO resources (tenant_id, kind, name, attributes, visibility, version, created_at, updated_at)
		VALUES (?, ?, ?, '{}', 'private', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, tenant, kind, name)
	var id uint64
	if err := w.s.TxForTest(models.AcrossTenants(context.Background(), "test: a resource's id"), func(tx *gorm.DB) error {
		return tx.Model(&models.Resource{}).Where("tenant_id = ? AND name = ?", tenant, name).Pluck("id", &id).Error
	}); err != nil || id == 0 {
		t.Fatalf("resource %s: %d %v", name, id, err)
	}
	return id
}

// shared is the names SharedResources gives ctx's tenant, checking each is
// marked as the master's.
func (w sharingWorld) shared(t *testing.T, ctx context.Context) []string {
	t.Helper()
	p, err := w.s.SharedResources(ctx, models.ListQuery{PerPage: 200})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range p.Rows {
		if r.SharedBy != models.MasterSubdomain || r.TenantID != w.m.ID {
			t.Errorf("%s: shared by %q, tenant %d", r.Name, r.SharedBy, r.TenantID)
		}
		names = append(names, r.Name)
	}
	if int64(len(names)) != p.Total {
		t.Errorf("total %d for %d rows", p.Total, len(names))
	}
	return names
}

func (w sharingWorld) mustVisibility(t *testing.T, name, vis string, subs ...string) models.SharingChange {
	t.Helper()
	ch, err := w.s.SetResourceVisibility(w.master, w.res[name], vis, subs)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func wantNames(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: %v, want %v", what, got, want)
	}
}

func TestSubtenantsReadExactlyWhatTheMasterSharesWithThem(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newSharingWorld(t, d)
		for _, ctx := range []context.Context{w.acme, w.beta, w.gammaCtx} {
			wantNames(t, "before any sharing", w.shared(t, ctx))
		}
		w.mustVisibility(t, "m-public-a", models.VisibilityPublic)
		w.mustVisibility(t, "m-public-b", models.VisibilityPublic)
		// Public alone shows nothing: a tenant role must grant it.
		wantNames(t, "public, granted by nobody", w.shared(t, w.acme))
		if _, err := w.s.SetTenantRoleResources(w.master, w.standard, false, []uint64{w.res["m-public-a"]}); err != nil {
			t.Fatal(err)
		}
		wantNames(t, "acme, Standard grants m-public-a", w.shared(t, w.acme), "m-public-a")
		wantNames(t, "beta, Standard grants m-public-a", w.shared(t, w.beta), "m-public-a")
		wantNames(t, "gamma, Limited grants nothing", w.shared(t, w.gammaCtx))
		if _, err := w.s.SetTenantRoleResources(w.master, w.limited, true, nil); err != nil {
			t.Fatal(err)
		}
		wantNames(t, "gamma, all master resources", w.shared(t, w.gammaCtx), "m-public-a", "m-public-b")
		// All master resources includes those made public later.
		later := w.addResource(t, w.m.ID, "device", "m-later")
		w.res["m-later"] = later
		w.mustVisibility(t, "m-later", models.VisibilityPublic)
		wantNames(t, "gamma, after a later public one", w.shared(t, w.gammaCtx), "m-public-a", "m-public-b", "m-later")
		wantNames(t, "acme is not given the later one", w.shared(t, w.acme), "m-public-a")

		w.mustVisibility(t, "m-assigned", models.VisibilityAssigned, "beta")
		wantNames(t, "beta with an assignment", w.shared(t, w.beta), "m-public-a", "m-assigned")
		wantNames(t, "acme without it", w.shared(t, w.acme), "m-public-a")
		wantNames(t, "gamma: assigned is not public", w.shared(t, w.gammaCtx), "m-public-a", "m-public-b", "m-later")

		// By id: what is shared, and nothing else.
		if r, err := w.s.SharedResourceByID(w.beta, w.res["m-assigned"]); err != nil || r.Name != "m-assigned" || r.SharedBy != "master" {
			t.Errorf("beta's assigned resource by id: %+v %v", r, err)
		}
		for _, c := range []struct {
			ctx  context.Context
			name string
		}{{w.acme, "m-assigned"}, {w.acme, "m-private"}, {w.acme, "m-public-b"}, {w.acme, "acme-net"}, {w.acme, "beta-net"}, {w.beta, "acme-net"}, {w.master, "m-public-a"}} {
			if r, err := w.s.SharedResourceByID(c.ctx, w.res[c.name]); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("%s by id: %+v %v, want not found", c.name, r, err)
			}
		}
		// A search narrows the shared list, and only it.
		p, err := w.s.SharedResources(w.gammaCtx, models.ListQuery{Search: "LATER"})
		if err != nil || p.Total != 1 || p.Rows[0].Name != "m-later" {
			t.Errorf("gamma's search: %+v %v", p, err)
		}

		// Made private, a resource leaves every tenant and its grants go:
		// made public again, no tenant role grants it until one is told to.
		w.mustVisibility(t, "m-public-a", models.VisibilityPrivate)
		wantNames(t, "acme after m-public-a went private", w.shared(t, w.acme))
		w.mustVisibility(t, "m-public-a", models.VisibilityPublic)
		wantNames(t, "acme after m-public-a is public again", w.shared(t, w.acme))
		// Assigned, then public: the assignments go.
		w.mustVisibility(t, "m-assigned", models.VisibilityPublic)
		wantNames(t, "beta after m-assigned went public", w.shared(t, w.beta))
		w.mustVisibility(t, "m-assigned", models.VisibilityAssigned, "acme", "beta")
		if _, err := w.s.UnassignResource(w.master, w.res["m-assigned"], "beta"); err != nil {
			t.Fatal(err)
		}
		wantNames(t, "beta after being unassigned", w.shared(t, w.beta))
		wantNames(t, "acme still assigned", w.shared(t, w.acme), "m-assigned")
		if _, err := w.s.AssignResource(w.master, w.res["m-assigned"], "beta"); err != nil {
			t.Fatal(err)
		}
		wantNames(t, "beta assigned again", w.shared(t, w.beta), "m-assigned")
		if _, err := w.s.UnassignResource(w.master, w.res["m-assigned"], "acme"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.UnassignResource(w.master, w.res["m-assigned"], "beta"); err != nil {
			t.Fatal(err)
		}
		if r, _ := w.s.ResourceSharingOf(w.master, w.res["m-assigned"]); r.Visibility != models.VisibilityPrivate {
			t.Errorf("assigned to nobody: %s", r.Visibility)
		}
	})
}

func TestOnlyAMasterWithResourcesFullSharesAndOnlyTheMastersResources(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newSharingWorld(t, d)
		resRead := models.FullPermissions()
		resRead[models.FeatureResources] = models.LevelRead
		for name, ctx := range map[string]context.Context{"acme's admin": w.acme, "a master user with resources: read": w.masterAct(resRead)} {
			if _, err := w.s.SetResourceVisibility(ctx, w.res["m-private"], models.VisibilityPublic, nil); !errors.Is(err, models.ErrForbidden) {
				t.Errorf("%s sets a visibility: %v", name, err)
			}
			if _, err := w.s.AssignResource(ctx, w.res["m-private"], "acme"); err == nil {
				t.Errorf("%s assigns", name)
			}
		}
		// A subtenant's resource is none of the master's to share.
		if _, err := w.s.SetResourceVisibility(w.master, w.res["acme-net"], models.VisibilityAssigned, []string{"beta"}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("sharing acme's resource: %v", err)
		}
		wantNames(t, "beta after the refused share", w.shared(t, w.beta))
		// Bad input, by its field.
		for _, c := range []struct {
			vis   string
			subs  []string
			field string
		}{{"everyone", nil, "visibility"}, {"assigned", nil, "tenants"}, {"assigned", []string{"nosuch"}, "tenants"}, {"assigned", []string{"master"}, "tenants"}} {
			_, err := w.s.SetResourceVisibility(w.master, w.res["m-private"], c.vis, c.subs)
			var ve *models.ValidationError
			if !errors.As(err, &ve) || ve.Fields[c.field] == "" {
				t.Errorf("%s %v: %v, want a message by %s", c.vis, c.subs, err, c.field)
			}
		}
		if r, _ := w.s.ResourceSharingOf(w.master, w.res["m-private"]); r.Visibility != models.VisibilityPrivate || r.Version != 1 {
			t.Errorf("after the refusals: %+v", r.Resource)
		}
	})
}

func TestATenantRolesMasterResourcesNeedTenantsAndResourcesFullPublicOnesAndNoClimb(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newSharingWorld(t, d)
		w.mustVisibility(t, "m-public-a", models.VisibilityPublic)
		w.mustVisibility(t, "m-assigned", models.VisibilityAssigned, "acme")
		grant := []uint64{w.res["m-public-a"]}
		tenantsRead, resRead, usersRead := models.FullPermissions(), models.FullPermissions(), models.FullPermissions()
		tenantsRead[models.FeatureTenants] = models.LevelRead
		resRead[models.FeatureResources] = models.LevelRead
		usersRead[models.FeatureUsers] = models.LevelRead
		for name, ctx := range map[string]context.Context{"acme's admin": w.acme, "tenants: read": w.masterAct(tenantsRead), "resources: read": w.masterAct(resRead)} {
			if _, err := w.s.SetTenantRoleResources(ctx, w.standard, false, grant); !errors.Is(err, models.ErrForbidden) {
				t.Errorf("%s grants: %v", name, err)
			}
		}
		// Standard gives users: full; someone holding users: read may not
		// change what it gives. Limited gives resources only: they may.
		_, err := w.s.SetTenantRoleResources(w.masterAct(usersRead), w.standard, false, grant)
		var ve *models.ValidationError
		if !errors.As(err, &ve) || !ve.Denied {
			t.Errorf("a weaker master changes Standard: %v", err)
		}
		if _, err := w.s.SetTenantRoleResources(w.masterAct(usersRead), w.limited, false, grant); err != nil {
			t.Errorf("the same master changes Limited: %v", err)
		}
		// Only public master resources are granted.
		for _, name := range []string{"m-private", "m-assigned", "acme-net", "beta-net"} {
			_, err := w.s.SetTenantRoleResources(w.master, w.standard, false, []uint64{w.res["m-public-a"], w.res[name]})
			if !errors.As(err, &ve) || ve.Fields["resources"] == "" {
				t.Errorf("granting %s: %v", name, err)
			}
		}
		wantNames(t, "beta after the refusals", w.shared(t, w.beta))
		if _, err := w.s.SetTenantRoleResources(w.master, 424242, false, nil); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("an unknown tenant role: %v", err)
		}
	})
}

func TestSharingIsToldInTheMastersLogAndInEachTenantThatGainsOrLosesIt(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newSharingWorld(t, d)
		if ch := w.mustVisibility(t, "m-assigned", models.VisibilityAssigned, "acme", "gamma"); ch.Gain != 2 || ch.Lose != 0 {
			t.Errorf("assigning to two: %+v", ch)
		}
		if ch := w.mustVisibility(t, "m-assigned", models.VisibilityAssigned, "beta", "gamma"); ch.Gain != 1 || ch.Lose != 1 {
			t.Errorf("moving from acme to beta: %+v", ch)
		}
		if n := len(eventsBy(t, w.s, w.m.ID, models.ActionResourceShare)); n != 2 {
			t.Errorf("master: %d resource.share events", n)
		}
		for _, c := range []struct {
			tenant       uint64
			gained, lost int
		}{{w.f.Acme.ID, 1, 1}, {w.f.Beta.ID, 1, 0}, {w.gamma.ID, 1, 0}} {
			g, l := eventsBy(t, w.s, c.tenant, models.ActionResourceShared), eventsBy(t, w.s, c.tenant, models.ActionResourceUnshared)
			if len(g) != c.gained || len(l) != c.lost {
				t.Errorf("tenant %d: %d gained, %d lost events", c.tenant, len(g), len(l))
			}
			for _, e := range append(g, l...) {
				fromMaster(t, e, "m-assigned")
			}
		}
		w.mustVisibility(t, "m-public-a", models.VisibilityPublic)
		p, err := w.s.SetTenantRoleResources(w.master, w.standard, false, []uint64{w.res["m-public-a"]})
		if err != nil || p.Tenants != 2 || p.Gain != 2 || p.ResourcesGained != 1 {
			t.Errorf("granting to Standard: %+v %v", p, err)
		}
		for _, id := range []uint64{w.f.Acme.ID, w.f.Beta.ID} {
			evs := eventsBy(t, w.s, id, models.ActionTenantRoleResources)
			if len(evs) != 1 || !strings.Contains(evs[0].Details, "m-public-a") {
				t.Errorf("tenant %d's grant events: %+v", id, evs)
			}
		}
		if n := len(eventsBy(t, w.s, w.gamma.ID, models.ActionTenantRoleResources)); n != 0 {
			t.Errorf("gamma told of Standard's grant: %d", n)
		}
		if n := len(eventsBy(t, w.s, w.m.ID, models.ActionTenantRoleResources)); n != 1 {
			t.Errorf("master: %d tenant_role.resources events", n)
		}
		// Refusals are in the master's log as failures.
		if _, err := w.s.SetResourceVisibility(w.master, w.res["m-private"], "assigned", []string{"nosuch"}); err == nil {
			t.Fatal("assigned to nobody known")
		}
		chainsHold(t, w.s, w.m.ID, w.f.Acme.ID, w.f.Beta.ID, w.gamma.ID)
	})
}

func TestWhoCanSeeAndThePreviewsCountTheTenantsThatGainAndLose(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newSharingWorld(t, d)
		id := w.res["m-public-a"]
		if ch, err := w.s.PreviewVisibility(w.master, id, models.VisibilityAssigned, []string{"acme", "beta"}); err != nil || ch.Gain != 2 || ch.Lose != 0 {
			t.Errorf("preview assigning to two: %+v %v", ch, err)
		}
		if r, _ := w.s.ResourceSharingOf(w.master, id); r.Visibility != models.VisibilityPrivate {
			t.Errorf("a preview saved: %s", r.Visibility)
		}
		w.mustVisibility(t, "m-public-a", models.VisibilityPublic)
		if p, err := w.s.PreviewTenantRoleResources(w.master, w.standard, false, []uint64{id}); err != nil || p.Gain != 2 || p.Tenants != 2 || p.ResourcesGained != 1 {
			t.Errorf("preview Standard's grant: %+v %v", p, err)
		}
		if _, err := w.s.SetTenantRoleResources(w.master, w.standard, false, []uint64{id}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.SetTenantRoleResources(w.master, w.limited, true, nil); err != nil {
			t.Fatal(err)
		}
		s, err := w.s.WhoCanSee(w.master, id, models.ListQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range s.Rows {
			got = append(got, r.Subdomain+":"+r.Reason+":"+r.TenantRole)
		}
		wantNames(t, "who can see m-public-a", got, "acme:granted:Standard", "beta:granted:Standard", "gamma:all:Limited")
		if len(s.Groups) != 2 || s.Total != 3 {
			t.Errorf("groups %+v, total %d", s.Groups, s.Total)
		}
		if s, _ := w.s.WhoCanSee(w.master, id, models.ListQuery{Search: "gam"}); s.Total != 1 || s.Rows[0].Subdomain != "gamma" {
			t.Errorf("search: %+v", s.Page)
		}
		// Private: all three lose it; assigned to acme: beta and gamma lose it.
		if ch, _ := w.s.PreviewVisibility(w.master, id, models.VisibilityPrivate, nil); ch.Gain != 0 || ch.Lose != 3 {
			t.Errorf("preview private: %+v", ch)
		}
		if ch, _ := w.s.PreviewVisibility(w.master, id, models.VisibilityAssigned, []string{"acme"}); ch.Gain != 0 || ch.Lose != 2 {
			t.Errorf("preview assigned to acme: %+v", ch)
		}
		if p, _ := w.s.PreviewTenantRoleResources(w.master, w.limited, false, nil); p.Lose != 1 || p.ResourcesLost != 1 {
			t.Errorf("preview Limited without all: %+v", p)
		}
		// Neither a subtenant nor a subtenant's id.
		if _, err := w.s.WhoCanSee(w.acme, id, models.ListQuery{}); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("acme asks who can see: %v", err)
		}
		if _, err := w.s.WhoCanSee(w.master, w.res["acme-net"], models.ListQuery{}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("who can see acme's resource: %v", err)
		}
		if _, err := w.s.PreviewVisibility(w.beta, id, models.VisibilityPrivate, nil); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("beta previews: %v", err)
		}
	})
}

func TestASubtenantsOwnStatementsNeverReachAMasterRow(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newSharingWorld(t, d)
		w.mustVisibility(t, "m-assigned", models.VisibilityAssigned, "acme")
		target := w.res["m-assigned"]
		// acme sees m-assigned through SharedResources, yet its own
		// statements, through the store's doors, neither read nor change it.
		err := w.s.InTenantForTest(w.acme, w.f.Acme.ID, func(tx *gorm.DB) error {
			var all []models.Resource
			if err := tx.Find(&all).Error; err != nil {
				return err
			}
			for _, r := range all {
				if r.TenantID != w.f.Acme.ID {
					t.Errorf("acme's Find read %s of tenant %d", r.Name, r.TenantID)
				}
			}
			res := tx.Model(&models.Resource{}).Where("id = ?", target).Updates(map[string]any{"name": "pwned", "visibility": "private"})
			if res.Error != nil || res.RowsAffected != 0 {
				t.Errorf("acme's update of a master row: %d rows, %v", res.RowsAffected, res.Error)
			}
			res = tx.Where("id = ?", target).Delete(&models.Resource{})
			if res.Error != nil || res.RowsAffected != 0 {
				t.Errorf("acme's delete of a master row: %d rows, %v", res.RowsAffected, res.Error)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		r, err := w.s.ResourceSharingOf(w.master, target)
		if err != nil || r.Name != "m-assigned" || r.Visibility != models.VisibilityAssigned || r.Version != 2 {
			t.Errorf("the master row after acme's writes: %+v %v", r, err)
		}
	})
}

func TestTheMasterSeesASubtenantsResourcesOnlyAsCountsByKind(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newSharingWorld(t, d)
		read := models.Permissions{models.FeatureTenants: models.LevelRead}
		counts, err := w.s.ResourceCountsByKind(w.masterAct(read), "acme")
		if err != nil {
			t.Fatal(err)
		}
		want := []models.KindCount{{Kind: "device", Label: "Device", Count: 2}, {Kind: "network", Label: "Network", Count: 1}}
		if !slices.Equal(counts, want) {
			t.Errorf("acme's counts: %+v", counts)
		}
		if _, err := w.s.ResourceCountsByKind(w.acme, "beta"); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("acme counts beta's: %v", err)
		}
		if _, err := w.s.ResourceCountsByKind(w.masterAct(models.Permissions{}), "acme"); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("a master user without tenants: read: %v", err)
		}
		if _, err := w.s.ResourceCountsByKind(w.master, "nosuch"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("an unknown tenant: %v", err)
		}
	})
}

// Row-level security is PostgreSQL's: the request role's own SQL, entered
// into a subtenant, reads its rows and exactly the master's shared with it,
// and writes none of the master's.
func TestPostgresRowLevelSecurityReadsExactlyWhatIsSharedAndWritesOwnRowsOnly(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		w := newSharingWorld(t, "postgres")
		w.mustVisibility(t, "m-public-a", models.VisibilityPublic)
		w.mustVisibility(t, "m-public-b", models.VisibilityPublic)
		w.mustVisibility(t, "m-assigned", models.VisibilityAssigned, "beta")
		if _, err := w.s.SetTenantRoleResources(w.master, w.standard, false, []uint64{w.res["m-public-a"]}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.SetTenantRoleResources(w.master, w.limited, true, nil); err != nil {
			t.Fatal(err)
		}
		names := func(tenant uint64, ctx context.Context) []string {
			t.Helper()
			var out []string
			err := w.s.InTenantForTest(ctx, tenant, func(tx *gorm.DB) error {
				rows, err := tx.Statement.ConnPool.QueryContext(ctx, "SELECT name FROM resources ORDER BY name")
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var n string
					if err := rows.Scan(&n); err != nil {
						return err
					}
					out = append(out, n)
				}
				return rows.Err()
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		wantNames(t, "acme as the request role", names(w.f.Acme.ID, w.acme), "acme-net", "acme-dev1", "acme-dev2", "m-public-a")
		wantNames(t, "beta as the request role", names(w.f.Beta.ID, w.beta), "beta-net", "m-public-a", "m-assigned")
		wantNames(t, "gamma as the request role", names(w.gamma.ID, w.gammaCtx), "m-public-a", "m-public-b")
		all := names(w.m.ID, w.master)
		wantNames(t, "the master reads its own only", all, "m-private", "m-public-a", "m-public-b", "m-assigned")

		// beta's writes on a master row it reads change nothing, and it
		// cannot make a row of the master's.
		for _, sql := range []string{"UPDATE resources SET name = 'pwned' WHERE id = $1", "DELETE FROM resources WHERE id = $1",
			"UPDATE resources SET tenant_id = tenant_id WHERE id = $1"} {
			err := w.s.InTenantForTest(w.beta, w.f.Beta.ID, func(tx *gorm.DB) error {
				res, err := tx.Statement.ConnPool.ExecContext(w.beta, sql, w.res["m-assigned"])
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n != 0 {
					t.Errorf("%s as beta: %d rows", sql, n)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		err := w.s.InTenantForTest(w.beta, w.f.Beta.ID, func(tx *gorm.DB) error {
			_, err := tx.Statement.ConnPool.ExecContext(w.beta, `INSERT INTO resources (tenant_id, kind, name, attributes, visibility, version, created_at, updated_at)
				VALUES ($1, 'network', 'planted', '{}', 'public', 1, now(), now())`, w.m.ID)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "row-level security") {
			t.Errorf("beta inserts a master row: %v", err)
		}
		// beta moving its own row to the master is refused too.
		err = w.s.InTenantForTest(w.beta, w.f.Beta.ID, func(tx *gorm.DB) error {
			_, err := tx.Statement.ConnPool.ExecContext(w.beta, "UPDATE resources SET tenant_id = $1 WHERE id = $2", w.m.ID, w.res["beta-net"])
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "row-level security") {
			t.Errorf("beta moves its row to the master: %v", err)
		}
		wantNames(t, "the master's rows after beta's writes", names(w.m.ID, w.master), "m-private", "m-public-a", "m-public-b", "m-assigned")

		// Without a verified scope, forged settings read nothing.
		err = w.s.TxForTest(context.Background(), func(tx *gorm.DB) error {
			for _, sql := range []string{"SELECT set_config('landlord.scope', $1, true)", "SELECT set_config('landlord.tenant_id', $1, true)"} {
				if _, err := tx.Statement.ConnPool.ExecContext(context.Background(), sql, fmt.Sprint(w.f.Beta.ID)); err != nil {
					return err
				}
			}
			var n int
			if err := tx.Statement.ConnPool.QueryRowContext(context.Background(), "SELECT count(*) FROM resources").Scan(&n); err != nil {
				return err
			}
			if n != 0 {
				t.Errorf("forged beta scope reads %d resources", n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
