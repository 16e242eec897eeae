package models_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"landlord/models"
	"landlord/models/storetest"
)

// rowsOf counts a table's rows of one tenant, read behind the store's back.
func rowsOf(t *testing.T, s *models.Store, table string, tenantID uint64) int {
	t.Helper()
	n := 0
	for _, v := range storetest.Column(t, s, table, "tenant_id") {
		if v == strconv.FormatUint(tenantID, 10) {
			n++
		}
	}
	return n
}

// addResources gives a tenant n resources through the store's own scoping.
func addResources(t *testing.T, s *models.Store, tenantID uint64, n int) {
	t.Helper()
	now := time.Now().UTC()
	err := s.InTenantForTest(context.Background(), tenantID, func(tx *gorm.DB) error {
		for i := range n {
			if err := tx.Create(&models.Resource{Kind: "network", Name: fmt.Sprintf("net-%d", i), Attributes: "{}", Version: 1, CreatedAt: now, UpdatedAt: now}).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func fieldError(err error, field string) string {
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return ve.Fields[field]
	}
	return ""
}

// eventsOf is a tenant's audit log, newest first.
func eventsOf(t *testing.T, s *models.Store, tenantID uint64) []models.AuditEvent {
	t.Helper()
	evs, err := s.AuditEvents(models.WithTenant(context.Background(), tenantID), 100)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestCreateTenantMakesTheTenantItsRolesItsAdminAndTheirEventsTogether(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		if _, err := w.s.CreateRole(w.master, models.NewRole{Name: "Operator", Permissions: models.Permissions{models.FeatureUsers: models.LevelRead}, Multitenant: true}); err != nil {
			t.Fatal(err)
		}
		limited, err := w.s.CreateTenantRole(storetest.System(context.Background()), models.NewRole{Name: "Limited", Permissions: models.Permissions{models.FeatureUsers: models.LevelFull}})
		if err != nil {
			t.Fatal(err)
		}
		tn, err := w.s.CreateTenant(w.master, models.NewTenant{
			Subdomain: " Gamma ", Name: " Gamma Ltd ", Description: "Third", TenantRoleID: limited.ID, Currency: "eur",
			MaxUsers: 50, MaxResources: 7, AccountNumber: "AC-1", AccountName: "Gamma Billing", CustomerNumber: "C-9",
			Admin: &models.NewTenantAdmin{Username: "ops", Email: "ops@gamma.example", Password: storetest.Password},
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := w.s.TenantDetails(w.master, "gamma", 10)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != tn.ID || got.Name != "Gamma Ltd" || got.Description != "Third" || got.TenantRole != "Limited" || got.Currency != "EUR" ||
			got.MaxUsers != 50 || got.MaxResources != 7 || got.AccountNumber != "AC-1" || got.AccountName != "Gamma Billing" ||
			got.CustomerNumber != "C-9" || !got.Enabled || got.Users != 1 {
			t.Fatalf("created: %+v", got)
		}
		if len(got.FirstUsers) != 1 || got.FirstUsers[0].Username != "ops" || got.FirstUsers[0].Role == nil || got.FirstUsers[0].Role.Name != models.AdminRoleName {
			t.Fatalf("the initial admin: %+v", got.FirstUsers)
		}
		if r := w.roleNamed(t, tn.ID, "Operator"); r == nil || r.Origin() != "linked" {
			t.Fatalf("the template's copy: %+v", r)
		}
		if r := w.roleNamed(t, tn.ID, models.AdminRoleName); r == nil || r.Users != 1 {
			t.Fatalf("the Administrator role: %+v", r)
		}
		// The admin signs in on the new tenant's host, capped by its tenant role.
		res, err := w.s.LogIn(context.Background(), models.LoginAttempt{Host: tn, Login: "ops@gamma.example", Password: storetest.Password})
		if err != nil {
			t.Fatalf("the initial admin cannot sign in: %v", err)
		}
		_, _, rights, err := w.s.UserRights(models.WithTenant(context.Background(), tn.ID), res.User.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rights {
			want := models.LevelNone
			if r.Feature == models.FeatureUsers {
				want = models.LevelFull
			}
			if r.Effective != want {
				t.Errorf("%s: %s, want %s under the Limited cap", r.Feature, r.Effective, want)
			}
		}

		master := eventsOf(t, w.s, w.masterID)
		if master[0].Action != models.ActionTenantCreate || master[0].TargetID != "gamma" || master[0].ActorName != "root" {
			t.Fatalf("master's log: %+v", master[0])
		}
		var details map[string]any
		if err := json.Unmarshal([]byte(master[0].Details), &details); err != nil {
			t.Fatal(err)
		}
		for k, v := range map[string]any{"name": "Gamma Ltd", "tenant_role": "Limited", "currency": "EUR", "max_users": 50.0,
			"account_number": "AC-1", "customer_number": "C-9", "initial_admin": "ops"} {
			if details[k] != v {
				t.Errorf("tenant.create details %s = %v, want %v", k, details[k], v)
			}
		}
		if strings.Contains(master[0].Details, storetest.Password) {
			t.Fatal("the audit log holds the password")
		}
		own := eventsOf(t, w.s, tn.ID)
		found := false
		for _, e := range own {
			found = found || (e.Action == models.ActionUserCreate && e.TargetID == "ops")
		}
		if !found {
			t.Fatalf("the new tenant's log has no user.create: %+v", own)
		}
	})
}

func TestCreateTenantWithoutAnAdminOrARoleGetsTheDefaults(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		sys := storetest.System(context.Background())
		tn, err := s.CreateTenant(sys, models.NewTenant{Subdomain: "acme", Name: "Acme"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.TenantDetails(sys, "acme", 10)
		if err != nil {
			t.Fatal(err)
		}
		if got.TenantRole != "Standard" || got.Currency != models.DefaultCurrency || got.MaxUsers != 0 || got.Users != 0 || len(got.FirstUsers) != 0 {
			t.Fatalf("defaults: %+v", got)
		}
		if n := rowsOf(t, s, "audit_events", tn.ID); n != 0 {
			t.Fatalf("a tenant without users has %d events of its own", n)
		}
	})
}

func TestCreateTenantRefusesEachBadFieldByName(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		sys := storetest.System(context.Background())
		storetest.TwoTenants(t, s)
		good := func() models.NewTenant {
			return models.NewTenant{Subdomain: "gamma", Name: "Gamma", Admin: &models.NewTenantAdmin{Username: "ops", Email: "ops@gamma.example", Password: storetest.Password}}
		}
		for field, change := range map[string]func(*models.NewTenant){
			"subdomain":       func(n *models.NewTenant) { n.Subdomain = "acme" },
			"name":            func(n *models.NewTenant) { n.Name = " " },
			"currency":        func(n *models.NewTenant) { n.Currency = "XAU" },
			"tenant_role":     func(n *models.NewTenant) { n.TenantRoleID = 999999 },
			"max_users":       func(n *models.NewTenant) { n.MaxUsers = -1 },
			"max_resources":   func(n *models.NewTenant) { n.MaxResources = models.MaxTenantLimit + 1 },
			"account_number":  func(n *models.NewTenant) { n.AccountNumber = strings.Repeat("1", 65) },
			"account_name":    func(n *models.NewTenant) { n.AccountName = "bad\x01name" },
			"customer_number": func(n *models.NewTenant) { n.CustomerNumber = strings.Repeat("c", 65) },
			"admin_username":  func(n *models.NewTenant) { n.Admin.Username = "two words" },
			"admin_email":     func(n *models.NewTenant) { n.Admin.Email = "not an address" },
			"admin_password":  func(n *models.NewTenant) { n.Admin.Password = "short" },
		} {
			n := good()
			change(&n)
			_, err := s.CreateTenant(sys, n)
			if fieldError(err, field) == "" {
				t.Errorf("%s: %v, want a message by the field", field, err)
			}
		}
		for _, reserved := range []string{"www", "new", "master"} {
			n := good()
			n.Subdomain = reserved
			if _, err := s.CreateTenant(sys, n); fieldError(err, "subdomain") == "" {
				t.Errorf("reserved %q: %v", reserved, err)
			}
		}
		if _, err := s.TenantBySubdomain(context.Background(), "gamma"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("a refused create left a tenant: %v", err)
		}
	})
}

// refuseUsername makes the database itself refuse a user of that name, so a
// create fails at its very last step, inside the transaction.
func refuseUsername(t *testing.T, s *models.Store, d, username string) {
	t.Helper()
	if d == "sqlite" {
		storetest.Exec(t, s, `CREATE TRIGGER refuse_user BEFORE INSERT ON users WHEN NEW.username = '`+username+`'
			BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`)
		return
	}
	storetest.Exec(t, s, `CREATE FUNCTION refuse_user() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF NEW.username = '`+username+`' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`)
	storetest.Exec(t, s, `CREATE TRIGGER refuse_user BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION refuse_user()`)
}

func TestAFailureAtTheInitialAdminLeavesNoTenantBehind(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		if _, err := w.s.CreateRole(w.master, models.NewRole{Name: "Operator", Multitenant: true}); err != nil {
			t.Fatal(err)
		}
		refuseUsername(t, w.s, d, "boom")
		tables := []string{"tenants", "roles", "users", "audit_events", "tenant_usage"}
		before := map[string]int{}
		column := func(table string) string {
			if table == "tenant_usage" {
				return "tenant_id"
			}
			return "id"
		}
		for _, table := range tables {
			before[table] = len(storetest.Column(t, w.s, table, column(table)))
		}
		_, err := w.s.CreateTenant(w.master, models.NewTenant{Subdomain: "gamma", Name: "Gamma",
			Admin: &models.NewTenantAdmin{Username: "boom", Email: "boom@gamma.example", Password: storetest.Password}})
		if err == nil || !strings.Contains(err.Error(), "refused by the test") {
			t.Fatalf("create with a refused admin: %v", err)
		}
		if _, err := w.s.TenantBySubdomain(context.Background(), "gamma"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("the tenant stayed: %v", err)
		}
		for _, table := range tables {
			if n := len(storetest.Column(t, w.s, table, column(table))); n != before[table] {
				t.Errorf("%s: %d rows, %d before the failed create", table, n, before[table])
			}
		}
		// The same create with another admin goes through: nothing was left half-made.
		if _, err := w.s.CreateTenant(w.master, models.NewTenant{Subdomain: "gamma", Name: "Gamma",
			Admin: &models.NewTenantAdmin{Username: "ops", Email: "ops@gamma.example", Password: storetest.Password}}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestTwoSimultaneousCreatesOfOneSubdomainMakeOneTenantAndOneFieldError(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		sys := storetest.System(context.Background())
		for round := range 4 {
			sub := fmt.Sprintf("race%d", round)
			var (
				wg    sync.WaitGroup
				start = make(chan struct{})
				errs  = make([]error, 2)
			)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[i] = s.CreateTenant(sys, models.NewTenant{Subdomain: sub, Name: fmt.Sprintf("Racer %d", i),
						Admin: &models.NewTenantAdmin{Username: "ops", Email: "ops@race.example", Password: storetest.Password}})
				}()
			}
			close(start)
			wg.Wait()
			ok, taken := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case fieldError(err, "subdomain") == "That subdomain is taken.":
					taken++
				default:
					t.Errorf("round %d: %v, want success or the subdomain's message", round, err)
				}
			}
			if ok != 1 || taken != 1 {
				t.Fatalf("round %d: %d created, %d refused", round, ok, taken)
			}
			n := 0
			for _, v := range storetest.Column(t, s, "tenants", "subdomain") {
				if v == sub {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("round %d: %d tenants named %s", round, n, sub)
			}
			tn, _ := s.TenantBySubdomain(context.Background(), sub)
			if users := rowsOf(t, s, "users", tn.ID); users != 1 {
				t.Fatalf("round %d: the tenant has %d users", round, users)
			}
		}
	})
}

func TestDeleteTenantRemovesEveryRowItOwnsAndCountsThem(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		acme := w.f.Acme
		if _, err := w.s.CreateRole(w.acme, models.NewRole{Name: "Helpers"}); err != nil {
			t.Fatal(err)
		}
		addResources(t, w.s, acme.ID, 3)
		addResources(t, w.s, w.f.Beta.ID, 2)
		if _, err := w.s.OpenSession(context.Background(), w.f.AcmeAdmin, time.Hour); err != nil {
			t.Fatal(err)
		}
		events := rowsOf(t, w.s, "audit_events", acme.ID)
		betaBefore := map[string]int{}
		tables := []string{"users", "roles", "resources", "audit_events", "user_sessions", "login_handoffs", "tenant_usage"}
		for _, table := range tables {
			betaBefore[table] = rowsOf(t, w.s, table, w.f.Beta.ID)
		}

		_, preview, err := w.s.TenantDeletionPreview(w.master, "acme")
		if err != nil {
			t.Fatal(err)
		}
		want := models.TenantDeletion{Users: 1, Roles: 2, Resources: 3, AuditEvents: int64(events), Sessions: 1}
		if preview != want {
			t.Fatalf("preview %+v, want %+v", preview, want)
		}
		// Only a master with tenants: full may delete.
		reader := models.WithActor(context.Background(), models.Actor{UserID: w.f.Root.ID, TenantID: w.masterID, Name: "r", Master: true,
			Permissions: models.Permissions{models.FeatureTenants: models.LevelRead}})
		for name, ctx := range map[string]context.Context{"master reader": reader, "acme's admin": w.acme} {
			if _, err := w.s.DeleteTenant(ctx, "acme"); !errors.Is(err, models.ErrForbidden) {
				t.Errorf("%s deletes: %v", name, err)
			}
		}
		gone, err := w.s.DeleteTenant(w.master, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if gone != want {
			t.Fatalf("deleted %+v, want %+v", gone, want)
		}
		for _, table := range append(tables, "tenants") {
			if table == "tenants" {
				for _, v := range storetest.Column(t, w.s, "tenants", "subdomain") {
					if v == "acme" {
						t.Error("the tenants row stayed")
					}
				}
				continue
			}
			if n := rowsOf(t, w.s, table, acme.ID); n != 0 {
				t.Errorf("%s: %d of acme's rows stayed", table, n)
			}
			if n := rowsOf(t, w.s, table, w.f.Beta.ID); n != betaBefore[table] {
				t.Errorf("%s: beta has %d rows, had %d", table, n, betaBefore[table])
			}
		}
		ev := eventsOf(t, w.s, w.masterID)[0]
		var details struct {
			Removed models.TenantDeletion `json:"removed"`
		}
		if ev.Action != models.ActionTenantDelete || ev.TargetID != "acme" || json.Unmarshal([]byte(ev.Details), &details) != nil || details.Removed != want {
			t.Fatalf("master's log: %+v", ev)
		}
		if _, err := w.s.DeleteTenant(w.master, "acme"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("deleting it again: %v", err)
		}
		// The subdomain is free again.
		if _, err := w.s.CreateTenant(w.master, models.NewTenant{Subdomain: "acme", Name: "Acme again"}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestTheMasterTenantCanBeNeitherDisabledNorDeleted(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		if _, err := w.s.DeleteTenant(w.master, models.MasterSubdomain); fieldError(err, "confirm") != "The master tenant cannot be deleted." {
			t.Fatalf("deleting the master: %v", err)
		}
		if err := w.s.SetTenantEnabled(w.master, models.MasterSubdomain, false); fieldError(err, "subdomain") == "" {
			t.Fatalf("disabling the master: %v", err)
		}
		m, err := w.s.MasterTenant(context.Background())
		if err != nil || !m.Enabled {
			t.Fatalf("the master after both: %+v %v", m, err)
		}
		if n := rowsOf(t, w.s, "users", m.ID); n != 1 {
			t.Fatalf("the master has %d users left", n)
		}
	})
}

func TestEditingATenantChecksLimitsAgainstUsageAndAuditsEachChange(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		if _, err := w.s.CreateUser(w.acme, models.NewUser{Username: "second", Password: storetest.Password, RoleID: *w.f.AcmeAdmin.RoleID}); err != nil {
			t.Fatal(err)
		}
		addResources(t, w.s, w.f.Acme.ID, 3)
		// Limited keeps acme's admins full on users and roles: a move that
		// left acme without one would be refused (last_admin_test.go).
		limited, err := w.s.CreateTenantRole(storetest.System(context.Background()), models.NewRole{Name: "Limited",
			Permissions: models.Permissions{models.FeatureUsers: models.LevelFull, models.FeatureRoles: models.LevelFull}})
		if err != nil {
			t.Fatal(err)
		}
		acme, _ := w.s.TenantBySubdomain(context.Background(), "acme")
		ch := acme.Changes()
		ch.MaxUsers, ch.MaxResources = 1, 2
		_, err = w.s.UpdateTenant(w.master, "acme", acme.Version, ch)
		if !strings.Contains(fieldError(err, "max_users"), "has 2 users") || !strings.Contains(fieldError(err, "max_resources"), "has 3 resources") {
			t.Fatalf("limits below usage: %v", err)
		}
		ch.MaxUsers, ch.MaxResources = 2, 0
		ch.TenantRoleID, ch.Currency, ch.AccountName, ch.Description = limited.ID, "JPY", "Acme Billing", ""
		got, err := w.s.UpdateTenant(w.master, "acme", acme.Version, ch)
		if err != nil {
			t.Fatal(err)
		}
		if got.MaxUsers != 2 || got.MaxResources != 0 || *got.TenantRoleID != limited.ID || got.Currency != "JPY" || got.Version != acme.Version+1 {
			t.Fatalf("saved: %+v", got)
		}
		ev := eventsOf(t, w.s, w.masterID)[0]
		var details map[string]map[string]any
		if err := json.Unmarshal([]byte(ev.Details), &details); err != nil {
			t.Fatal(err)
		}
		if ev.Action != models.ActionTenantUpdate || len(details) != 4 || details["max_users"]["before"] != 0.0 || details["max_users"]["after"] != 2.0 ||
			details["tenant_role"]["before"] != "Standard" || details["tenant_role"]["after"] != "Limited" ||
			details["currency"]["after"] != "JPY" || details["account_name"]["after"] != "Acme Billing" {
			t.Fatalf("tenant.update details: %s", ev.Details)
		}
		// The master has no tenant role to give; an unknown one is refused.
		m, _ := w.s.MasterTenant(context.Background())
		mch := m.Changes()
		mch.TenantRoleID = limited.ID
		if _, err := w.s.UpdateTenant(w.master, models.MasterSubdomain, m.Version, mch); fieldError(err, "tenant_role") == "" {
			t.Fatalf("a tenant role for the master: %v", err)
		}
		ch = got.Changes()
		ch.TenantRoleID = 999999
		if _, err := w.s.UpdateTenant(w.master, "acme", got.Version, ch); fieldError(err, "tenant_role") == "" {
			t.Fatalf("an unknown tenant role: %v", err)
		}
		ch.TenantRoleID, ch.Currency = limited.ID, "ZZZ"
		if _, err := w.s.UpdateTenant(w.master, "acme", got.Version, ch); fieldError(err, "currency") == "" {
			t.Fatalf("an unknown currency: %v", err)
		}
	})
}

func TestATenantRoleGivenToATenantCannotBeDeleted(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		sys := storetest.System(context.Background())
		limited, err := w.s.CreateTenantRole(sys, models.NewRole{Name: "Limited"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CreateTenant(w.master, models.NewTenant{Subdomain: "gamma", Name: "Gamma", TenantRoleID: limited.ID}); err != nil {
			t.Fatal(err)
		}
		if err := w.s.DeleteTenantRole(sys, limited.ID); fieldError(err, "role") == "" {
			t.Fatalf("deleting a tenant role in use: %v", err)
		}
	})
}

func TestCurrenciesAreSortedUniqueAndActive(t *testing.T) {
	seen := map[string]bool{}
	for i, c := range models.Currencies {
		if len(c.Code) != 3 || strings.ToUpper(c.Code) != c.Code || c.Name == "" || seen[c.Code] {
			t.Errorf("currency %+v", c)
		}
		if i > 0 && models.Currencies[i-1].Code >= c.Code {
			t.Errorf("%s is out of order", c.Code)
		}
		seen[c.Code] = true
	}
	for _, code := range []string{"USD", "EUR", "JPY", "CHF", "XOF"} {
		if _, ok := models.CurrencyName(code); !ok {
			t.Errorf("%s is missing", code)
		}
	}
	for _, code := range []string{"XAU", "XXX", "XTS", "DEM", "HRK", "usd", ""} {
		if _, ok := models.CurrencyName(code); ok {
			t.Errorf("%s is listed", code)
		}
	}
}
