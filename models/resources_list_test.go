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

// listWorld is the sharing world with acme granted m-public-a by its tenant
// role (Standard) and assigned m-assigned, gamma granted every master
// resource, m-public-b public but granted to Standard by nobody, m-private
// private, and acme-net in acme's group Lab.
func listWorld(t *testing.T, d string) (sharingWorld, *models.ResourceGroup) {
	t.Helper()
	w := newSharingWorld(t, d)
	w.mustVisibility(t, "m-public-a", models.VisibilityPublic)
	w.mustVisibility(t, "m-public-b", models.VisibilityPublic)
	w.mustVisibility(t, "m-assigned", models.VisibilityAssigned, "acme")
	if _, err := w.s.SetTenantRoleResources(w.master, w.standard, false, []uint64{w.res["m-public-a"]}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.SetTenantRoleResources(w.master, w.limited, true, nil); err != nil {
		t.Fatal(err)
	}
	g, err := w.s.CreateResourceGroup(w.acme, models.GroupInput{Name: "Lab"})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Exec(t, w.s, "UPDATE resources SET group_id = ? WHERE id = ?", g.ID, w.res["acme-net"])
	return w, g
}

// listed is the page's rows as name, or name* for a shared one, checking
// each shared row is a master row marked as the master's and each own row
// the tenant's own, and that the total is total.
func listed(t *testing.T, w sharingWorld, ctx context.Context, q models.ResourceQuery, total int64) string {
	t.Helper()
	p, err := w.s.ResourcesPage(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != total {
		t.Errorf("%+v: total %d, want %d", q, p.Total, total)
	}
	tenant, _ := models.TenantFrom(ctx)
	var names []string
	for _, r := range p.Rows {
		switch {
		case r.SharedBy == models.MasterSubdomain && r.TenantID == w.m.ID && tenant != w.m.ID:
			names = append(names, r.Name+"*")
		case r.SharedBy == "" && r.TenantID == tenant:
			names = append(names, r.Name)
		default:
			t.Errorf("%s: tenant %d, shared by %q, in tenant %d's list", r.Name, r.TenantID, r.SharedBy, tenant)
		}
	}
	return strings.Join(names, ",")
}

func TestASubtenantsListShowsItsOwnResourcesBesideExactlyWhatTheMasterShares(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w, lab := listWorld(t, d)
		for _, c := range []struct {
			who   string
			ctx   context.Context
			q     models.ResourceQuery
			total int64
			want  string
		}{
			{"acme", w.acme, models.ResourceQuery{}, 5, "acme-dev1,acme-dev2,acme-net,m-assigned*,m-public-a*"},
			{"acme, page 2 of 2 a page", w.acme, models.ResourceQuery{ListQuery: models.ListQuery{PerPage: 2, Page: 2}}, 5, "acme-net,m-assigned*"},
			{"acme, page 3", w.acme, models.ResourceQuery{ListQuery: models.ListQuery{PerPage: 2, Page: 3}}, 5, "m-public-a*"},
			{"acme, by name descending", w.acme, models.ResourceQuery{ListQuery: models.ListQuery{Sort: "name", Desc: true, PerPage: 2}}, 5, "m-public-a*,m-assigned*"},
			{"acme, networks", w.acme, models.ResourceQuery{Kind: "network"}, 3, "acme-net,m-assigned*,m-public-a*"},
			{"acme, devices (m-public-b is not granted)", w.acme, models.ResourceQuery{Kind: "device"}, 2, "acme-dev1,acme-dev2"},
			{"acme, searched", w.acme, models.ResourceQuery{ListQuery: models.ListQuery{Search: "M-P"}}, 1, "m-public-a*"},
			{"acme, group Lab: own only", w.acme, models.ResourceQuery{GroupID: lab.ID}, 1, "acme-net"},
			{"acme, no group: own only", w.acme, models.ResourceQuery{Ungrouped: true}, 2, "acme-dev1,acme-dev2"},
			{"beta: its own and Standard's grant, not acme's assignment", w.beta, models.ResourceQuery{}, 2, "beta-net,m-public-a*"},
			{"gamma: every public one, not the assigned nor the private", w.gammaCtx, models.ResourceQuery{}, 2, "m-public-a*,m-public-b*"},
			{"the master: its own only", w.master, models.ResourceQuery{}, 4, "m-assigned,m-private,m-public-a,m-public-b"},
			{"past the end: the total still", w.acme, models.ResourceQuery{ListQuery: models.ListQuery{PerPage: 2, Page: 9}}, 5, ""},
		} {
			if got := listed(t, w, c.ctx, c.q, c.total); got != c.want {
				t.Errorf("%s: %s, want %s", c.who, got, c.want)
			}
		}
		// The page carries the filters' kinds and the tenant's groups.
		p, err := w.s.ResourcesPage(w.acme, models.ResourceQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Kinds) != 2 || p.Kinds[0].Key != "device" || p.Kinds[1].Label != "Network" || len(p.Groups) != 1 || p.Groups[0].Name != "Lab" {
			t.Errorf("kinds %+v, groups %+v", p.Kinds, p.Groups)
		}
		if p.Rows[0].KindLabel != "Device" || p.Rows[2].GroupName != "Lab" || p.Rows[3].GroupName != "" {
			t.Errorf("labels %+v", p.Rows)
		}
		// The export has the same rows, the shared ones marked.
		var rows []string
		if err := w.s.EachResource(w.acme, models.ResourceQuery{}, func(r *models.ResourceRow) error {
			rows = append(rows, r.Name+"/"+r.SharedBy)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(rows, ","); got != "acme-dev1/,acme-dev2/,acme-net/,m-assigned/master,m-public-a/master" {
			t.Errorf("export %s", got)
		}
	})
}

func TestAHiddenGroupStaysHiddenWhileSharedResourcesShowToAnyReader(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w, lab := listWorld(t, d)
		storetest.Exec(t, w.s, "INSERT INTO role_group_levels (tenant_id, role_id, group_id, level) VALUES (?, ?, ?, 'none')", w.f.Acme.ID, w.acmeAdminRole, lab.ID)
		read := models.Permissions{models.FeatureResources: models.LevelRead}
		member := groupActor(w.userWorld, w.acmeAdminRole, read)
		if got := listed(t, w, member, models.ResourceQuery{}, 4); got != "acme-dev1,acme-dev2,m-assigned*,m-public-a*" {
			t.Errorf("a reader whose role hides Lab: %s", got)
		}
		if got := listed(t, w, member, models.ResourceQuery{GroupID: lab.ID}, 0); got != "" {
			t.Errorf("filtered on the hidden group: %s", got)
		}
		p, err := w.s.ResourcesPage(member, models.ResourceQuery{})
		if err != nil || len(p.Groups) != 0 {
			t.Errorf("the hidden group is offered: %+v %v", p.Groups, err)
		}
		var n int
		if err := w.s.EachResource(member, models.ResourceQuery{}, func(r *models.ResourceRow) error {
			if r.Name == "acme-net" {
				t.Error("the export has the hidden group's resource")
			}
			n++
			return nil
		}); err != nil || n != 4 {
			t.Errorf("export: %d rows, %v", n, err)
		}
		// Another role of acme, without the override, still sees Lab's.
		if got := listed(t, w, groupActor(w.userWorld, 0, read), models.ResourceQuery{}, 5); !strings.Contains(got, "acme-net") {
			t.Errorf("without the override: %s", got)
		}
		// Nobody without resources: read gets the list.
		if _, err := w.s.ResourcesPage(groupActor(w.userWorld, w.acmeAdminRole, models.Permissions{}), models.ResourceQuery{}); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("without resources: read: %v", err)
		}
	})
}

func TestASharedResourceCannotBeEditedNorDeletedByTheTenantItIsSharedWith(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w, _ := listWorld(t, d)
		id := w.res["m-public-a"]
		before := storetest.Column(t, w.s, "resources", "name")
		if _, err := w.s.UpdateResource(w.acme, id, 1, models.ResourceInput{Name: "taken"}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("edit: %v", err)
		}
		if err := w.s.DeleteResource(w.acme, id); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("delete: %v", err)
		}
		if _, _, err := w.s.ResourceByID(w.acme, id); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("read as its own: %v", err)
		}
		if after := storetest.Column(t, w.s, "resources", "name"); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("resources changed: %v, was %v", after, before)
		}
	})
}
