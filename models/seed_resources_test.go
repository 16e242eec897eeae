package models_test

import (
	"context"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

// A seed with resources spreads them over the new tenants, counted in each
// tenant's usage, and shares the master's as the benchmark's reference does:
// 400 private, 500 public, 100 assigned to 50 tenants each, a tenant role
// granting 200 public ones to the odd-numbered tenants and one granting all
// of them to those numbered …3. A forced second seed adds own resources, not
// master ones.
func TestSeedSpreadsResourcesAndSharesTheMastersLikeTheReference(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		ctx := storetest.System(context.Background())
		m, err := s.MasterTenant(ctx)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Seed(ctx, models.SeedOptions{Tenants: 60, Users: 60, Resources: 600, Password: seedPassword})
		if err != nil {
			t.Fatal(err)
		}
		w := seededWorld{s: s, ctx: ctx, masterID: m.ID, res: res}
		if res.Resources != 600 || w.count(t, &models.Resource{}, "tenant_id <> ?", m.ID) != 600 {
			t.Fatalf("own resources: %d made", res.Resources)
		}
		for _, c := range []struct {
			visibility string
			want       int64
		}{{models.VisibilityPrivate, 400}, {models.VisibilityPublic, 500}, {models.VisibilityAssigned, 100}} {
			if n := w.count(t, &models.Resource{}, "tenant_id = ? AND visibility = ?", m.ID, c.visibility); n != c.want {
				t.Errorf("%s master resources: %d, want %d", c.visibility, n, c.want)
			}
		}
		// Ten each, round-robin, in every tenant's counter.
		if n := w.count(t, &models.TenantUsage{}, "resources <> 10 AND tenant_id <> ?", m.ID); n != 0 {
			t.Errorf("%d seeded tenants do not count 10 resources", n)
		}
		var perResource []int64
		storetest.Scan(t, s, &perResource, "SELECT count(*) FROM resource_assignments GROUP BY resource_id")
		if len(perResource) != 100 {
			t.Fatalf("%d assigned resources have tenants, want 100", len(perResource))
		}
		for _, n := range perResource {
			if n < 40 || n > 50 { // distinct tenants of 50 draws over 60
				t.Fatalf("an assigned resource has %d tenants", n)
			}
		}
		var granted []int64
		storetest.Scan(t, s, &granted, "SELECT count(*) FROM tenant_role_resources trr JOIN tenant_roles tr ON tr.id = trr.tenant_role_id WHERE tr.name = 'Shared networks'")
		if len(granted) != 1 || granted[0] != 200 {
			t.Errorf("Shared networks grants %v", granted)
		}
		for sub, want := range map[string]string{"t00001": "Shared networks", "t00002": "Standard", "t00013": "All master resources", "t00003": "All master resources"} {
			var names []string
			storetest.Scan(t, s, &names, "SELECT tr.name FROM tenants t JOIN tenant_roles tr ON tr.id = t.tenant_role_id WHERE t.subdomain = '"+sub+"'")
			if len(names) != 1 || names[0] != want {
				t.Errorf("%s holds %v, want %s", sub, names, want)
			}
		}
		var all []bool
		storetest.Scan(t, s, &all, "SELECT all_master_resources FROM tenant_roles WHERE name = 'All master resources'")
		if len(all) != 1 || !all[0] {
			t.Errorf("All master resources: %v", all)
		}

		if _, err := s.Seed(ctx, models.SeedOptions{Tenants: 10, Resources: 50, Force: true}); err != nil {
			t.Fatal(err)
		}
		if n := w.count(t, &models.Resource{}, "tenant_id = ?", m.ID); n != 1000 {
			t.Errorf("after a second seed the master holds %d resources, want 1000", n)
		}
		if n := w.count(t, &models.Resource{}, "tenant_id <> ?", m.ID); n != 650 {
			t.Errorf("after a second seed %d own resources, want 650", n)
		}
	})
}
