package models_test

import (
	"context"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
)

// A dashboard summary is kept per tenant only while the tenant is as it was
// read: an audited change (a new user), an edit of the tenant (its limits),
// or summaryTTL passing reads it again; another tenant never gets it.
func TestAKeptDashboardSummaryServesOnlyWhileItsTenantIsUnchanged(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		f := storetest.TwoTenants(t, s)
		now := time.Now().UTC()
		s.SetClockForTest(func() time.Time { return now })
		bg := context.Background()
		acmeID, err := s.OpenSession(models.WithTenant(bg, f.Acme.ID), f.AcmeAdmin, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		betaID, err := s.OpenSession(models.WithTenant(bg, f.Beta.ID), f.BetaAdmin, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		// dashboard is what acme's (or beta's) admin sees on a fresh request.
		dashboard := func(sub, id string) models.DashboardSummary {
			t.Helper()
			tn, _, err := s.SessionUser(bg, sub, id)
			if err != nil {
				t.Fatal(err)
			}
			if tn.AuditHead == 0 {
				t.Fatalf("%s: the session check read no audit head", sub)
			}
			sum, err := s.Dashboard(signedIn(t, s, sub, id, nil), tn)
			if err != nil {
				t.Fatal(err)
			}
			return sum
		}
		first := dashboard("acme", acmeID)
		if first.Counts.Users != 1 || !first.ShowEvents || len(first.Events) == 0 {
			t.Fatalf("acme's first summary: %+v", first)
		}
		// A change made outside the console writes no audit event: the kept
		// summary still serves.
		storetest.Exec(t, s, "UPDATE tenant_usage SET users = users + 100 WHERE tenant_id = ?", f.Acme.ID)
		if got := dashboard("acme", acmeID).Counts.Users; got != 1 {
			t.Fatalf("acme's users before any audited change: %d, want the kept 1", got)
		}
		// beta's summary is beta's own.
		if b := dashboard("beta", betaID); b.Counts.Users != 1 || len(b.Events) == 0 || b.Events[0].TenantID != f.Beta.ID {
			t.Fatalf("beta's summary after acme's was kept: %+v", b)
		}
		for _, e := range dashboard("beta", betaID).Events {
			if e.TenantID != f.Beta.ID {
				t.Fatalf("beta's dashboard shows event %d of tenant %d", e.ID, e.TenantID)
			}
		}

		// An audited change in acme: the next request reads afresh.
		sys := storetest.System(models.WithTenant(bg, f.Acme.ID))
		if _, err := s.CreateUser(sys, models.NewUser{Username: "newcomer", Password: storetest.Password, RoleID: *f.AcmeAdmin.RoleID}); err != nil {
			t.Fatal(err)
		}
		after := dashboard("acme", acmeID)
		if after.Counts.Users != 102 || after.Events[0].Action != models.ActionUserCreate {
			t.Fatalf("acme after a user was made: %d users, latest %q", after.Counts.Users, after.Events[0].Action)
		}

		// The master edits acme's limits: acme's version moves on.
		acme, err := s.TenantBySubdomain(bg, "acme")
		if err != nil {
			t.Fatal(err)
		}
		ch := acme.Changes()
		ch.MaxUsers = 500
		master := storetest.System(models.WithTenant(bg, f.Root.TenantID))
		if _, err := s.UpdateTenant(master, "acme", acme.Version, ch); err != nil {
			t.Fatal(err)
		}
		if got := dashboard("acme", acmeID).Counts.MaxUsers; got != 500 {
			t.Fatalf("acme's user limit after the master's edit: %d, want 500", got)
		}

		// Unaudited again, then past the kept summary's lifetime.
		storetest.Exec(t, s, "UPDATE tenant_usage SET users = 7 WHERE tenant_id = ?", f.Acme.ID)
		if got := dashboard("acme", acmeID).Counts.Users; got != 102 {
			t.Fatalf("acme's users within the kept summary's lifetime: %d, want 102", got)
		}
		now = now.Add(31 * time.Second)
		if got := dashboard("acme", acmeID).Counts.Users; got != 7 {
			t.Fatalf("acme's users after the kept summary ran out: %d, want 7", got)
		}

		// A tenant that is not the request's is refused.
		betaTenant, _, err := s.SessionUser(bg, "beta", betaID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Dashboard(signedIn(t, s, "acme", acmeID, nil), betaTenant); err == nil {
			t.Fatal("acme's request read beta's dashboard")
		}
	})
}
