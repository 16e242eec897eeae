package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
)

// signedIn checks session id on subdomain with read sent along, as the
// server does, and returns the request context it would build.
func signedIn(t *testing.T, s *models.Store, sub, id string, read *models.Prefetch) context.Context {
	t.Helper()
	tn, u, err := s.SessionUserWith(context.Background(), sub, id, read)
	if err != nil {
		t.Fatalf("session check on %s: %v", sub, err)
	}
	ctx := models.WithTenant(context.Background(), tn.ID)
	a := models.Actor{UserID: u.ID, TenantID: tn.ID, Name: u.Username, Master: tn.IsMaster, Permissions: u.Permissions()}
	return models.WithPrefetch(models.WithActor(ctx, a), read)
}

func emails(p models.Page[models.User]) []string {
	var out []string
	for _, u := range p.Rows {
		out = append(out, u.Email)
	}
	return out
}

// The user list read with the session check serves that request's list page
// on PostgreSQL, and only there, only in the tenant the check confirmed and
// only for the same query; a read sent in another tenant's name is dropped.
func TestAUserListReadWithTheSessionCheckServesOnlyItsTenantsSameQuery(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		f := storetest.TwoTenants(t, s)
		ctx := context.Background()
		id, err := s.OpenSession(models.WithTenant(ctx, f.Acme.ID), f.AcmeAdmin, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		read := models.PrefetchUsers(f.Acme.ID, models.ListQuery{})
		inAcme := signedIn(t, s, "acme", id, read)
		if read.Confirmed() != (d == "postgres") {
			t.Fatalf("read with the check confirmed: %v", read.Confirmed())
		}
		// A change after the check: a page served from the read ahead still
		// shows the row as the check's round trip found it.
		storetest.Exec(t, s, "UPDATE users SET email = 'later@acme.example' WHERE id = ?", f.AcmeAdmin.ID)
		page, err := s.UsersPage(inAcme, models.ListQuery{Sort: "username"})
		if err != nil {
			t.Fatal(err)
		}
		want := "later@acme.example"
		if d == "postgres" {
			want = "admin@acme.example"
		}
		if got := emails(page); len(got) != 1 || got[0] != want || page.Total != 1 {
			t.Errorf("acme's list with its read ahead: %v of %d, want [%s]", got, page.Total, want)
		}
		// Another query on the same request reads afresh.
		if page, err = s.UsersPage(inAcme, models.ListQuery{Sort: "email"}); err != nil || emails(page)[0] != "later@acme.example" {
			t.Errorf("another sort served the read ahead: %v %v", emails(page), err)
		}

		// A cookie that claims beta while its session is acme's: beta's rows
		// are read (confined to beta) and then never used.
		forged := models.PrefetchUsers(f.Beta.ID, models.ListQuery{})
		inAcme = signedIn(t, s, "acme", id, forged)
		if forged.Confirmed() {
			t.Fatal("acme's session confirmed a read in beta's name")
		}
		if page, err = s.UsersPage(inAcme, models.ListQuery{}); err != nil || len(page.Rows) != 1 || page.Rows[0].TenantID != f.Acme.ID {
			t.Errorf("acme's list after a read in beta's name: %v %v", emails(page), err)
		}

		// A session that does not exist, or has ended, is refused as without a
		// read; its read is never confirmed.
		for _, sid := range []string{"not a session", id} {
			if sid == id {
				if err := s.CloseSession(models.WithTenant(ctx, f.Acme.ID), id); err != nil {
					t.Fatal(err)
				}
			}
			stale := models.PrefetchUsers(f.Acme.ID, models.ListQuery{})
			if _, _, err := s.SessionUserWith(ctx, "acme", sid, stale); !errors.Is(err, models.ErrNotFound) || stale.Confirmed() {
				t.Errorf("session %q with a read: %v, read confirmed %v", sid, err, stale.Confirmed())
			}
		}

		// The master's read of its own list does not answer for a tenant it
		// manages on the same request.
		rootID, err := s.OpenSession(models.WithTenant(ctx, f.Root.TenantID), f.Root, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		inMaster := signedIn(t, s, models.MasterSubdomain, rootID, models.PrefetchUsers(f.Root.TenantID, models.ListQuery{}))
		page, err = s.UsersPage(models.WithTenant(inMaster, f.Beta.ID), models.ListQuery{})
		if got := emails(page); err != nil || len(got) != 1 || got[0] != "admin@beta.example" {
			t.Errorf("the master on beta's list: %v %v", got, err)
		}
	})
}
