package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"gorm.io/gorm"

	"landlord/models"
	"landlord/models/storetest"
)

const seedPassword = "seeded horse battery staple"

// seededWorld is a fresh install with one master template, then seeded.
type seededWorld struct {
	s        *models.Store
	ctx      context.Context
	masterID uint64
	template *models.Role
	res      *models.SeedResult
}

func seed(t *testing.T, d string, tenants, users int) seededWorld {
	t.Helper()
	s := storetest.Open(t, d)
	ctx := storetest.System(context.Background())
	m, err := s.MasterTenant(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A template the seeded tenants must get a linked copy of, and one named
	// like the Administrator role they get, which they must not.
	tpl, err := s.CreateRole(models.WithTenant(ctx, m.ID), models.NewRole{Name: "Operator",
		Permissions: models.Permissions{models.FeatureUsers: models.LevelRead}, Multitenant: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateRole(models.WithTenant(ctx, m.ID), models.NewRole{Name: "administrator", Multitenant: true}); err != nil {
		t.Fatal(err)
	}
	res, err := s.Seed(ctx, models.SeedOptions{Tenants: tenants, Users: users, Password: seedPassword})
	if err != nil {
		t.Fatal(err)
	}
	return seededWorld{s: s, ctx: ctx, masterID: m.ID, template: tpl, res: res}
}

// count runs a count across tenants.
func (w seededWorld) count(t *testing.T, model any, where string, args ...any) int64 {
	t.Helper()
	var n int64
	err := w.s.TxForTest(models.AcrossTenants(w.ctx, "count what the seed made"), func(tx *gorm.DB) error {
		return tx.Model(model).Where(where, args...).Count(&n).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSeedMakesTenantsWithRolesTemplatesAndUsersSpreadOverThem(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		const tenants, users = 7, 30 // 30 over 7: two tenants get 5, five get 4
		w := seed(t, d, tenants, users)
		if w.res.Tenants != tenants || w.res.Users != users || w.res.Templates != tenants || w.res.First != "t00001" || w.res.Last != "t00007" {
			t.Fatalf("result %+v", w.res)
		}
		all, err := w.s.ListTenants(w.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != tenants+1 {
			t.Fatalf("%d tenants, want the master and %d", len(all), tenants)
		}
		standard, err := w.s.TenantRoles(w.ctx)
		if err != nil || len(standard) == 0 {
			t.Fatal(standard, err)
		}
		for i, tn := range all[1:] {
			want := fmt.Sprintf("t%05d", i+1)
			if tn.Subdomain != want || tn.Name != fmt.Sprintf("Tenant %05d", i+1) || !tn.Enabled || tn.IsMaster ||
				tn.TenantRoleID == nil || *tn.TenantRoleID != standard[0].ID || models.CheckSubdomain(tn.Subdomain) != nil {
				t.Fatalf("tenant %d: %+v", i, tn)
			}
			roles, err := w.s.Roles(models.WithTenant(w.ctx, tn.ID))
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string]models.RoleRow{}
			for _, r := range roles {
				byName[r.Name] = r
			}
			admin, copy := byName[models.AdminRoleName], byName["Operator"]
			if len(roles) != 2 || admin.Origin() != "own" || admin.Permissions.Level(models.FeatureTenants) != models.LevelFull ||
				copy.Origin() != "linked" || *copy.TemplateID != w.template.ID || copy.Template != "Operator" {
				t.Fatalf("%s's roles: %+v", tn.Subdomain, roles)
			}
			wantUsers := int64(users / tenants)
			if i < users%tenants {
				wantUsers++
			}
			if admin.Users != wantUsers {
				t.Errorf("%s: %d users hold the Administrator role, want %d", tn.Subdomain, admin.Users, wantUsers)
			}
		}
		if n := w.count(t, &models.User{}, "1 = 1"); n != users {
			t.Errorf("%d users", n)
		}
		if n := w.count(t, &models.User{}, "role_id IS NULL OR password_hash = '' OR NOT enabled"); n != 0 {
			t.Errorf("%d seeded users without a role, a password or enabled", n)
		}
	})
}

func TestSeedLeavesTheUsageCountersRight(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := seed(t, d, 4, 10)
		// The counters the tenant list shows, against the rows themselves.
		p, err := w.s.TenantsPage(w.ctx, models.ListQuery{PerPage: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Rows) != 5 {
			t.Fatalf("%d rows", len(p.Rows))
		}
		for _, r := range p.Rows {
			if n := w.count(t, &models.User{}, "tenant_id = ?", r.ID); r.Users != n {
				t.Errorf("%s: counter says %d users, the table holds %d", r.Subdomain, r.Users, n)
			}
		}
		// And they keep counting what comes after, one user and many.
		t3 := p.Rows[3]
		if t3.Subdomain != "t00003" {
			t.Fatalf("row 3 is %s", t3.Subdomain)
		}
		in := models.WithTenant(w.ctx, t3.ID)
		roles, _ := w.s.Roles(in)
		if _, err := w.s.CreateUser(in, models.NewUser{Username: "late", Password: seedPassword, RoleID: roles[0].ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Seed(w.ctx, models.SeedOptions{Tenants: 2, Users: 5, Password: seedPassword, Force: true}); err != nil {
			t.Fatal(err)
		}
		p, err = w.s.TenantsPage(w.ctx, models.ListQuery{PerPage: 10})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, r := range p.Rows {
			got[r.Subdomain] = r.Users
			if n := w.count(t, &models.User{}, "tenant_id = ?", r.ID); r.Users != n {
				t.Errorf("after more users: %s counter %d, table %d", r.Subdomain, r.Users, n)
			}
		}
		if got["t00003"] != 3 || got["t00005"] != 3 || got["t00006"] != 2 {
			t.Errorf("counters %v", got)
		}
	})
}

func TestSeedRefusesADatabaseWithTenantsUnlessForced(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		ctx := storetest.System(context.Background())
		if _, err := s.CreateTenant(ctx, models.NewTenant{Subdomain: "t00002", Name: "A real tenant"}); err != nil {
			t.Fatal(err)
		}
		_, err := s.Seed(ctx, models.SeedOptions{Tenants: 3, Users: 3, Password: seedPassword})
		if !errors.Is(err, models.ErrNotEmpty) || !strings.Contains(err.Error(), "1 subtenants") || !strings.Contains(err.Error(), "--force") {
			t.Fatalf("seed over a real tenant: %v", err)
		}
		m, _ := s.MasterTenant(ctx)
		if evs, _ := s.AuditEvents(models.WithTenant(ctx, m.ID), 10); len(evs) != 1 || evs[0].Action != models.ActionTenantCreate {
			t.Fatalf("a refused seed left events %+v", evs)
		}
		// Forced, it numbers its tenants after the highest seeded-looking one.
		res, err := s.Seed(ctx, models.SeedOptions{Tenants: 3, Users: 3, Password: seedPassword, Force: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.First != "t00003" || res.Last != "t00005" || res.Tenants != 3 {
			t.Fatalf("forced seed: %+v", res)
		}
		// Nobody but the system or a master user with tenants: full may seed.
		reader := models.WithActor(context.Background(), models.Actor{Name: "reader", Master: true,
			Permissions: models.Permissions{models.FeatureTenants: models.LevelRead}})
		if _, err := s.Seed(reader, models.SeedOptions{Tenants: 1, Force: true, Password: seedPassword}); !errors.Is(err, models.ErrForbidden) {
			t.Fatalf("seed by a reader: %v", err)
		}
	})
}

func TestSeededUsersSignInWithTheSeedsPassword(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := seed(t, d, 3, 7)
		t2, err := w.s.TenantBySubdomain(w.ctx, "t00002")
		if err != nil {
			t.Fatal(err)
		}
		// User 5 went to tenant 2 (round robin over 3).
		res, err := w.s.LogIn(w.ctx, models.LoginAttempt{Host: t2, Login: "user00005", Password: seedPassword})
		if err != nil {
			t.Fatal(err)
		}
		if res.User.TenantID != t2.ID || res.User.Role == nil || res.User.Role.Name != models.AdminRoleName {
			t.Fatalf("signed in as %+v", res.User)
		}
		if _, err := w.s.LogIn(w.ctx, models.LoginAttempt{Host: t2, Login: "user00005@t00002.example", Password: seedPassword}); err != nil {
			t.Fatalf("by email: %v", err)
		}
		if _, err := w.s.LogIn(w.ctx, models.LoginAttempt{Host: t2, Login: "user00001", Password: seedPassword}); !errors.Is(err, models.ErrInvalidCredentials) {
			t.Fatalf("user 1 belongs to t00001, not t00002: %v", err)
		}
		// One random password when none is given, printed to whoever seeds.
		res2, err := w.s.Seed(w.ctx, models.SeedOptions{Tenants: 1, Users: 1, Force: true})
		if err != nil {
			t.Fatal(err)
		}
		t4, _ := w.s.TenantBySubdomain(w.ctx, res2.First)
		if len(res2.Password) < models.MinPasswordLength || res2.Password == seedPassword {
			t.Fatalf("generated password %q", res2.Password)
		}
		if _, err := w.s.LogIn(w.ctx, models.LoginAttempt{Host: t4, Login: res2.ExampleUser, Password: res2.Password}); err != nil {
			t.Fatalf("%s with the generated password: %v", res2.ExampleUser, err)
		}
	})
}

func TestSeedIsOneEventInTheMastersLog(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := seed(t, d, 3, 5)
		evs, err := w.s.AuditEvents(models.WithTenant(w.ctx, w.masterID), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 || evs[0].Action != models.ActionSeed || evs[0].TargetID != "t00001..t00003" ||
			!strings.Contains(evs[0].Details, `"tenants":3`) || !strings.Contains(evs[0].Details, `"users":5`) {
			t.Fatalf("newest master events %+v", evs)
		}
		seeds := 0
		for _, e := range evs {
			if e.Action == models.ActionSeed {
				seeds++
			}
		}
		if seeds != 1 {
			t.Errorf("%d seed events", seeds)
		}
		if n := w.count(t, &models.AuditEvent{}, "tenant_id <> ?", w.masterID); n != 0 {
			t.Errorf("%d events in the seeded tenants' logs", n)
		}
	})
}

func TestSeedRefusesSillyArguments(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	ctx := storetest.System(context.Background())
	for _, o := range []models.SeedOptions{{Tenants: 0}, {Tenants: 1, Users: -1}, {Tenants: 1, Password: "short"}, {Tenants: models.MaxSeedTenants + 1}} {
		var v *models.ValidationError
		if _, err := s.Seed(ctx, o); !errors.As(err, &v) {
			t.Errorf("%+v: %v", o, err)
		}
	}
}
