package models_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"landlord/models"
	"landlord/models/storetest"
)

// eventsBy is tenantID's events of action, newest first.
func eventsBy(t *testing.T, s *models.Store, tenantID uint64, action string) []models.AuditEvent {
	t.Helper()
	var out []models.AuditEvent
	for _, e := range eventsOf(t, s, tenantID) {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

// chainsHold verifies the audit chain of every tenant named.
func chainsHold(t *testing.T, s *models.Store, tenants ...uint64) {
	t.Helper()
	for _, id := range tenants {
		c, err := s.VerifyAuditChain(models.WithTenant(context.Background(), id))
		if err != nil || c.BrokenID != 0 || c.Checked == 0 {
			t.Errorf("tenant %d's chain: %+v %v", id, c, err)
		}
	}
}

// fromMaster checks that ev is the master admin's, as a subtenant's log tells it.
func fromMaster(t *testing.T, ev models.AuditEvent, target string) map[string]any {
	t.Helper()
	if ev.ActorName != `master\root@example.com` || ev.ActorUserID != nil || ev.TargetID != target || ev.Outcome != models.OutcomeSuccess {
		t.Errorf("event: %+v", ev)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(ev.Details), &d); err != nil {
		t.Errorf("details %q: %v", ev.Details, err)
	}
	return d
}

// levels is the before and after of one field of an event's details.
func levels(d map[string]any, field string) (before, after any) {
	c, _ := d[field].(map[string]any)
	return c["before"], c["after"]
}

func TestATemplatesChangesAreInTheLogOfEveryTenantWithACopy(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		sys := storetest.System(context.Background())
		m, _ := w.s.MasterTenant(context.Background())
		gamma, err := w.s.CreateTenant(sys, models.NewTenant{Subdomain: "gamma", Name: "Gamma"})
		if err != nil {
			t.Fatal(err)
		}
		// gamma has a role of its own named Ops, so it gets no copy.
		if _, err := w.s.CreateRole(models.WithTenant(sys, gamma.ID), models.NewRole{Name: "Ops"}); err != nil {
			t.Fatal(err)
		}
		gammaBefore := len(eventsOf(t, w.s, gamma.ID))

		tpl, err := w.s.CreateRole(w.master, models.NewRole{Name: "Ops", Permissions: models.Permissions{models.FeatureAudit: models.LevelRead}, Multitenant: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, tenant := range []uint64{w.f.Acme.ID, w.f.Beta.ID} {
			evs := eventsBy(t, w.s, tenant, models.ActionRoleCreate)
			if len(evs) != 1 {
				t.Fatalf("tenant %d: %d role.create events", tenant, len(evs))
			}
			det := fromMaster(t, evs[0], "Ops")
			changes, _ := det["changes"].(map[string]any)
			if det["template"] != "Ops" || det["linked"] != true {
				t.Errorf("copy added: %s", evs[0].Details)
			}
			if b, a := levels(changes, "permissions.audit"); b != "none" || a != "read" {
				t.Errorf("copy added, audit level: %v → %v (%s)", b, a, evs[0].Details)
			}
		}
		// The master's own event is JSON, with the count of copies.
		var created struct {
			Template bool
			Copies   int
			Changes  map[string]any
		}
		if err := json.Unmarshal([]byte(eventsBy(t, w.s, m.ID, models.ActionRoleCreate)[0].Details), &created); err != nil ||
			!created.Template || created.Copies != 2 || created.Changes["name"] == nil {
			t.Errorf("the master's role.create: %+v %v", created, err)
		}

		// An edit: both copies are rewritten, each tenant is told the levels.
		tpl2, _, err := w.s.UpdateRole(w.master, tpl.ID, tpl.Version, models.RoleChanges{Name: "Ops", Permissions: models.Permissions{models.FeatureAudit: models.LevelFull}})
		if err != nil {
			t.Fatal(err)
		}
		for _, tenant := range []uint64{w.f.Acme.ID, w.f.Beta.ID} {
			evs := eventsBy(t, w.s, tenant, models.ActionTemplatePropagate)
			if len(evs) != 1 {
				t.Fatalf("tenant %d: %d propagate events", tenant, len(evs))
			}
			det := fromMaster(t, evs[0], "Ops")
			changes, _ := det["changes"].(map[string]any)
			if b, a := levels(changes, "permissions.audit"); b != "read" || a != "full" || det["template"] != "Ops" {
				t.Errorf("copy rewritten: %s", evs[0].Details)
			}
		}

		// beta detaches its copy (renaming it); the next edit reaches acme only.
		betaCopy := roleAcross(t, w.s, copyIn(t, w.s, w.f.Beta.ID, tpl.ID))
		if _, _, err := w.s.UpdateRole(w.beta, betaCopy.ID, betaCopy.Version, models.RoleChanges{Name: "Beta ops", Permissions: betaCopy.Permissions}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.s.UpdateRole(w.master, tpl.ID, tpl2.Version, models.RoleChanges{Name: "Ops", Description: "Operations"}); err != nil {
			t.Fatal(err)
		}
		if n := len(eventsBy(t, w.s, w.f.Acme.ID, models.ActionTemplatePropagate)); n != 2 {
			t.Errorf("acme: %d propagate events, want 2", n)
		}
		if n := len(eventsBy(t, w.s, w.f.Beta.ID, models.ActionTemplatePropagate)); n != 1 {
			t.Errorf("beta, detached: %d propagate events, want 1", n)
		}

		// The delete releases both copies, the detached one by its own name.
		if err := w.s.DeleteRole(w.master, tpl.ID); err != nil {
			t.Fatal(err)
		}
		for tenant, name := range map[uint64]string{w.f.Acme.ID: "Ops", w.f.Beta.ID: "Beta ops"} {
			evs := eventsBy(t, w.s, tenant, models.ActionTemplateRelease)
			if len(evs) != 1 {
				t.Fatalf("tenant %d: %d release events", tenant, len(evs))
			}
			if det := fromMaster(t, evs[0], name); det["template"] != "Ops" {
				t.Errorf("copy released: %s", evs[0].Details)
			}
		}
		if n := len(eventsOf(t, w.s, gamma.ID)); n != gammaBefore {
			t.Errorf("gamma, without a copy, got %d events", n-gammaBefore)
		}
		// The master's log has one event per change, not one per tenant.
		if n := len(eventsBy(t, w.s, m.ID, models.ActionRoleUpdate)); n != 2 {
			t.Errorf("the master's log: %d role.update events", n)
		}
		chainsHold(t, w.s, m.ID, w.f.Acme.ID, w.f.Beta.ID, gamma.ID)
	})
}

func TestACapChangeIsInTheLogOfEveryTenantHoldingIt(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		sys := storetest.System(context.Background())
		m, _ := w.s.MasterTenant(context.Background())
		noExport := models.FullPermissions()
		delete(noExport, models.FeatureExport)
		limited, err := w.s.CreateTenantRole(w.master, models.NewRole{Name: "Limited", Permissions: noExport})
		if err != nil {
			t.Fatal(err)
		}
		gamma, err := w.s.CreateTenant(sys, models.NewTenant{Subdomain: "gamma", Name: "Gamma", TenantRoleID: limited.ID})
		if err != nil {
			t.Fatal(err)
		}
		// acme's move is in acme's log, with the cap's levels.
		acme, _ := w.s.TenantBySubdomain(context.Background(), "acme")
		ch := acme.Changes()
		ch.TenantRoleID = limited.ID
		if _, err := w.s.UpdateTenant(w.master, "acme", acme.Version, ch); err != nil {
			t.Fatal(err)
		}
		moves := eventsBy(t, w.s, w.f.Acme.ID, models.ActionTenantUpdate)
		if len(moves) != 1 {
			t.Fatalf("acme: %d tenant.update events", len(moves))
		}
		det := fromMaster(t, moves[0], "acme")
		if b, a := levels(det, "tenant_role"); b != "Standard" || a != "Limited" {
			t.Errorf("the move: %s", moves[0].Details)
		}
		if b, a := levels(det, "permissions.export"); b != "full" || a != "none" {
			t.Errorf("the move's cap levels: %s", moves[0].Details)
		}
		// An edit that does not move acme is not in its log.
		acme, _ = w.s.TenantBySubdomain(context.Background(), "acme")
		ch = acme.Changes()
		ch.Description = "Now described"
		if _, err := w.s.UpdateTenant(w.master, "acme", acme.Version, ch); err != nil {
			t.Fatal(err)
		}
		if n := len(eventsBy(t, w.s, w.f.Acme.ID, models.ActionTenantUpdate)); n != 1 {
			t.Errorf("acme's log after a description edit: %d tenant.update events", n)
		}

		// The cap change reaches acme and gamma, not beta (Standard).
		lower := models.Permissions{}
		for f, l := range noExport {
			lower[f] = l
		}
		lower[models.FeatureAudit] = models.LevelRead
		tr, err := w.s.UpdateTenantRole(w.master, limited.ID, limited.Version, models.RoleChanges{Name: "Limited", Permissions: lower})
		if err != nil {
			t.Fatal(err)
		}
		for _, tenant := range []uint64{w.f.Acme.ID, gamma.ID} {
			evs := eventsBy(t, w.s, tenant, models.ActionTenantRoleUpdate)
			if len(evs) != 1 {
				t.Fatalf("tenant %d: %d tenant_role.update events", tenant, len(evs))
			}
			if b, a := levels(fromMaster(t, evs[0], "Limited"), "permissions.audit"); b != "full" || a != "read" {
				t.Errorf("the cap change: %s", evs[0].Details)
			}
		}
		noEvent(t, w.s, w.f.Beta.ID, models.ActionTenantRoleUpdate)
		// A rename changes no tenant's rights: only the master's log has it.
		if _, err := w.s.UpdateTenantRole(w.master, limited.ID, tr.Version, models.RoleChanges{Name: "Limited plus", Permissions: lower}); err != nil {
			t.Fatal(err)
		}
		if n := len(eventsBy(t, w.s, w.f.Acme.ID, models.ActionTenantRoleUpdate)); n != 1 {
			t.Errorf("acme after a rename: %d tenant_role.update events", n)
		}
		if n := len(eventsBy(t, w.s, m.ID, models.ActionTenantRoleUpdate)); n != 2 {
			t.Errorf("the master's log: %d tenant_role.update events", n)
		}
		chainsHold(t, w.s, m.ID, w.f.Acme.ID, w.f.Beta.ID, gamma.ID)
	})
}

// countStatements counts the statements s runs from now on.
func countStatements(t *testing.T, s *models.Store) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	count := func(*gorm.DB) { n.Add(1) }
	cb := storetest.Core(t, s).Registry(context.Background()).Callback()
	for i, err := range []error{
		cb.Create().After("gorm:create").Register("test:count_create", count),
		cb.Query().After("gorm:query").Register("test:count_query", count),
		cb.Update().After("gorm:update").Register("test:count_update", count),
		cb.Delete().After("gorm:delete").Register("test:count_delete", count),
		cb.Row().After("gorm:row").Register("test:count_row", count),
		cb.Raw().After("gorm:raw").Register("test:count_raw", count),
	} {
		if err != nil {
			t.Fatal(i, err)
		}
	}
	return &n
}

func TestACapChangeTakesAsManyStatementsForSixTenantsAsForTwo(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		sys := storetest.System(context.Background())
		n := countStatements(t, w.s)
		var used []int64
		for i, tenants := range []int{2, 6} {
			tr, err := w.s.CreateTenantRole(w.master, models.NewRole{Name: fmt.Sprintf("Cap %d", i), Permissions: models.FullPermissions()})
			if err != nil {
				t.Fatal(err)
			}
			// Tenants without admins: the check runs and lets the change through.
			for j := range tenants {
				if _, err := w.s.CreateTenant(sys, models.NewTenant{Subdomain: fmt.Sprintf("c%d-%d", i, j), Name: "C", TenantRoleID: tr.ID}); err != nil {
					t.Fatal(err)
				}
			}
			before := n.Load()
			if _, err := w.s.UpdateTenantRole(w.master, tr.ID, tr.Version, models.RoleChanges{Name: tr.Name, Permissions: readUsers}); err != nil {
				t.Fatal(err)
			}
			used = append(used, n.Load()-before)
			for j := range tenants {
				sub, _ := w.s.TenantBySubdomain(context.Background(), fmt.Sprintf("c%d-%d", i, j))
				if len(eventsBy(t, w.s, sub.ID, models.ActionTenantRoleUpdate)) != 1 {
					t.Fatalf("%s has no event of the cap change", sub.Subdomain)
				}
				chainsHold(t, w.s, sub.ID)
			}
		}
		if used[0] != used[1] || used[0] == 0 {
			t.Errorf("statements for 2 tenants: %d, for 6: %d", used[0], used[1])
		}
	})
}
