package models_test

import (
	"context"
	"errors"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

func TestCrossTenantOperationsNeedAMasterActorWithTheLevel(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		bg := context.Background()
		sys := storetest.System(bg)
		if _, err := s.CreateTenant(sys, models.NewTenant{Subdomain: "acme", Name: "Acme"}); err != nil {
			t.Fatal(err)
		}
		master, _ := s.MasterTenant(bg)
		acme, _ := s.TenantBySubdomain(bg, "acme")
		full, read := models.FullPermissions(), models.Permissions{models.FeatureTenants: models.LevelRead}
		actors := map[string]struct {
			ctx      context.Context
			canRead  bool
			canWrite bool
		}{
			"no actor":              {bg, false, false},
			"subtenant admin":       {models.WithActor(bg, models.Actor{UserID: 1, TenantID: acme.ID, Name: "a", Permissions: full}), false, false},
			"master reader":         {models.WithActor(bg, models.Actor{UserID: 2, TenantID: master.ID, Name: "r", Master: true, Permissions: read}), true, false},
			"master without rights": {models.WithActor(bg, models.Actor{UserID: 3, TenantID: master.ID, Name: "n", Master: true}), false, false},
			"impersonating master": {models.WithActor(bg, models.Actor{UserID: 4, TenantID: master.ID, Name: "i", Master: true, Permissions: full,
				Impersonator: &models.Actor{UserID: 5, Master: true, Permissions: full}}), false, false},
			"master admin": {models.WithActor(bg, models.Actor{UserID: 6, TenantID: master.ID, Name: "m", Master: true, Permissions: full}), true, true},
			"system":       {sys, true, true},
		}
		for name, a := range actors {
			_, err := s.TenantsPage(a.ctx, models.ListQuery{})
			if a.canRead != (err == nil) || (err != nil && !errors.Is(err, models.ErrForbidden)) {
				t.Errorf("%s lists tenants: %v", name, err)
			}
			err = s.SetTenantEnabled(a.ctx, "acme", true)
			if a.canWrite != (err == nil) || (err != nil && !errors.Is(err, models.ErrForbidden)) {
				t.Errorf("%s enables a tenant: %v", name, err)
			}
			_, err = s.CreateTenant(a.ctx, models.NewTenant{Subdomain: "x" + acme.Subdomain, Name: "X"})
			if err == nil {
				s.SetTenantEnabled(sys, "xacme", false) // keep the subdomain free for the next actor
			}
			if a.canWrite != (err == nil || isTaken(err)) || (err != nil && !isTaken(err) && !errors.Is(err, models.ErrForbidden)) {
				t.Errorf("%s creates a tenant: %v", name, err)
			}
			ch := acme.Changes()
			ch.Name = "Acme " + name
			_, err = s.UpdateTenant(a.ctx, "acme", currentVersion(t, s, "acme"), ch)
			if a.canWrite != (err == nil) || (err != nil && !errors.Is(err, models.ErrForbidden)) {
				t.Errorf("%s edits a tenant: %v", name, err)
			}
		}
	})
}

func isTaken(err error) bool {
	var ve *models.ValidationError
	return errors.As(err, &ve) && ve.Fields["subdomain"] != ""
}

func currentVersion(t *testing.T, s *models.Store, sub string) int {
	t.Helper()
	tn, err := s.TenantBySubdomain(context.Background(), sub)
	if err != nil {
		t.Fatal(err)
	}
	return tn.Version
}

func TestAStaleEditIsAConflictAndChangesNothing(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		sys := storetest.System(context.Background())
		acme, err := s.CreateTenant(sys, models.NewTenant{Subdomain: "acme", Name: "Acme"})
		if err != nil {
			t.Fatal(err)
		}
		first, second := acme.Changes(), acme.Changes()
		first.Name, second.Name = "First", "Second"
		if _, err := s.UpdateTenant(sys, "acme", 1, first); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateTenant(sys, "acme", 1, second); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("edit at an old version: %v, want ErrConflict", err)
		}
		tn, _ := s.TenantBySubdomain(context.Background(), "acme")
		if tn.Name != "First" || tn.Version != 2 {
			t.Fatalf("after the conflict: %q version %d", tn.Name, tn.Version)
		}
		if _, err := s.UpdateTenant(sys, "nope", 1, first); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("unknown tenant: %v", err)
		}
	})
}

func TestSessionCheckSeesEveryRevocationAtOnce(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		sys := storetest.System(context.Background())
		if _, err := s.CreateTenant(sys, models.NewTenant{Subdomain: "acme", Name: "Acme"}); err != nil {
			t.Fatal(err)
		}
		u, err := s.SetAdminPassword(sys, "acme", "ops@acme.example", "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		acme, _ := s.TenantBySubdomain(context.Background(), "acme")
		inAcme := models.WithTenant(context.Background(), acme.ID)
		open := func() string {
			id, err := s.OpenSession(inAcme, u, 3600e9)
			if err != nil {
				t.Fatal(err)
			}
			// Re-read the version the user now has.
			tn, got, err := s.SessionUser(context.Background(), "acme", id)
			if err != nil || tn.ID != acme.ID || got.ID != u.ID || got.Role == nil || got.Level(models.FeatureUsers) != models.LevelFull {
				t.Fatalf("fresh session: %v %+v", err, got)
			}
			return id
		}
		gone := func(what, id string) {
			t.Helper()
			if _, _, err := s.SessionUser(context.Background(), "acme", id); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("after %s the session still works: %v", what, err)
			}
		}
		id := open()
		if _, _, err := s.SessionUser(context.Background(), "beta", id); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("acme's session on another subdomain: %v", err)
		}
		if err := s.CloseSession(inAcme, id); err != nil {
			t.Fatal(err)
		}
		gone("logout", id)

		id = open()
		if err := s.SetTenantEnabled(sys, "acme", false); err != nil {
			t.Fatal(err)
		}
		gone("disabling the tenant", id)
		if err := s.SetTenantEnabled(sys, "acme", true); err != nil {
			t.Fatal(err)
		}
	})
}
