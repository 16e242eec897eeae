package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"landlord/models"
	"landlord/models/storetest"
)

// userWorld is the two-tenant fixture with acting contexts: acme's admin in
// acme, beta's admin in beta, and the master admin in the master tenant.
type userWorld struct {
	s                  *models.Store
	f                  storetest.Fixture
	master, acme, beta context.Context
	acmeAdminRole      uint64
}

func newUserWorld(t *testing.T, d string) userWorld {
	t.Helper()
	s := storetest.Open(t, d)
	f := storetest.TwoTenants(t, s)
	bg := context.Background()
	full := models.FullPermissions()
	w := userWorld{
		s: s, f: f,
		master: models.WithActor(models.WithTenant(bg, f.Root.TenantID), models.Actor{UserID: f.Root.ID, TenantID: f.Root.TenantID, Name: "root@example.com", Master: true, Permissions: full}),
		acme:   models.WithActor(models.WithTenant(bg, f.Acme.ID), models.Actor{UserID: f.AcmeAdmin.ID, TenantID: f.Acme.ID, Name: "admin@acme.example", Permissions: full}),
		beta:   models.WithActor(models.WithTenant(bg, f.Beta.ID), models.Actor{UserID: f.BetaAdmin.ID, TenantID: f.Beta.ID, Name: "admin@beta.example", Permissions: full}),
	}
	w.acmeAdminRole = *f.AcmeAdmin.RoleID
	return w
}

// newUser is a valid NewUser named name with role.
func newUser(name string, role uint64) models.NewUser {
	return models.NewUser{Username: name, Email: name + "@example.test", FirstName: "First", LastName: "Last", Password: storetest.Password, RoleID: role}
}

// role makes a role with perms in ctx's tenant.
func (w userWorld) role(t *testing.T, ctx context.Context, name string, perms models.Permissions) uint64 {
	t.Helper()
	r, err := w.s.CreateRole(ctx, models.NewRole{Name: name, Permissions: perms})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// usernames lists a tenant's usernames, read across tenants.
func (w userWorld) usernames(t *testing.T, tenantID uint64) []string {
	t.Helper()
	var names []string
	err := w.s.TxForTest(models.AcrossTenants(context.Background(), "test: read a tenant's users"), func(tx *gorm.DB) error {
		return tx.Model(&models.User{}).Where("tenant_id = ?", tenantID).Order("lower(username)").Pluck("username", &names).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// userAcross reads any user by id across tenants, with their password hash.
func (w userWorld) userAcross(t *testing.T, id uint64) (models.User, bool) {
	t.Helper()
	var us []models.User
	err := w.s.TxForTest(models.AcrossTenants(context.Background(), "test: read a user"), func(tx *gorm.DB) error {
		return tx.Where("id = ?", id).Find(&us).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(us) == 0 {
		return models.User{}, false
	}
	return us[0], true
}

// events lists a tenant's audit events, newest first.
func (w userWorld) events(t *testing.T, tenantID uint64) []models.AuditEvent {
	t.Helper()
	evs, err := w.s.AuditEvents(models.WithTenant(context.Background(), tenantID), 100)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func setMaxUsers(t *testing.T, s *models.Store, sub string, n int) {
	t.Helper()
	storetest.Exec(t, s, "UPDATE tenants SET max_users = ? WHERE subdomain = ?", n, sub)
}

func TestUsernamesAreUniquePerTenantWhateverTheCase(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		if _, err := w.s.CreateUser(w.acme, newUser("Jane", w.acmeAdminRole)); err != nil {
			t.Fatal(err)
		}
		dup := newUser("jANE", w.acmeAdminRole)
		dup.Email = "other@example.test"
		if _, err := w.s.CreateUser(w.acme, dup); !strings.Contains(fieldError(err, "username"), "taken") {
			t.Fatalf("the same username in another case: %v", err)
		}
		// The first step's check says so before any password is typed.
		fields, err := w.s.CheckNewUser(w.acme, models.NewUser{Username: "JANE"})
		if err != nil || !strings.Contains(fields["username"], "taken") {
			t.Fatalf("CheckNewUser of a taken username: %v %v", fields, err)
		}
		// An email, any case, and a username that is someone's email (both sign in).
		byEmail := newUser("jane2", w.acmeAdminRole)
		byEmail.Email = "JANE@example.test"
		if _, err := w.s.CreateUser(w.acme, byEmail); !strings.Contains(fieldError(err, "email"), "taken") {
			t.Fatalf("a taken email: %v", err)
		}
		asEmail := newUser("admin@ACME.example", w.acmeAdminRole)
		asEmail.Email = ""
		if _, err := w.s.CreateUser(w.acme, asEmail); !strings.Contains(fieldError(err, "username"), "taken") {
			t.Fatalf("a username that is another user's email: %v", err)
		}
		// The same username is fine in another tenant.
		betaRole := *w.f.BetaAdmin.RoleID
		if _, err := w.s.CreateUser(w.beta, newUser("JANE", betaRole)); err != nil {
			t.Fatalf("the same username in beta: %v", err)
		}
		if got := w.usernames(t, w.f.Acme.ID); strings.Join(got, ",") != "admin@acme.example,Jane" {
			t.Fatalf("acme's users: %v", got)
		}
		if fields, err := w.s.CheckNewUser(w.acme, models.NewUser{Username: "new one"}); err != nil || fields["username"] == "" {
			t.Fatalf("a username with a space: %v %v", fields, err)
		}
		if fields, err := w.s.CheckNewUser(w.acme, models.NewUser{Username: "fresh", Email: "fresh@example.test"}); err != nil || fields != nil {
			t.Fatalf("a fresh username: %v %v", fields, err)
		}
	})
}

func TestANewUsersRoleMustBeTheTenantsOwn(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		betaRole := *w.f.BetaAdmin.RoleID
		if _, err := w.s.CreateUser(w.acme, newUser("jane", betaRole)); fieldError(err, "role") == "" {
			t.Fatalf("beta's role in acme: %v", err)
		}
		if _, err := w.s.CreateUser(w.acme, newUser("jane", 0)); fieldError(err, "role") == "" {
			t.Fatalf("no role: %v", err)
		}
		if got := w.usernames(t, w.f.Acme.ID); len(got) != 1 {
			t.Fatalf("acme's users after refusals: %v", got)
		}
	})
}

func TestThePasswordRule(t *testing.T) {
	for _, c := range []struct {
		password, username, email string
		ok                        bool
	}{
		{"correct horse battery", "jane", "jane@example.test", true},
		{"short", "jane", "", false},
		{"élève-élève", "jane", "", false}, // 11 characters, more bytes
		{"élève-élèves", "jane", "", true}, // 12 characters
		{"jane.doe.long", "Jane.Doe.Long", "", false},
		{" jane@example.test ", "jane", "JANE@example.test", false},
		{strings.Repeat("x", models.MaxPasswordLength+1), "jane", "", false},
		{"", "jane", "", false},
	} {
		if got := models.PasswordProblem(c.password, c.username, c.email); (got == "") != c.ok {
			t.Errorf("PasswordProblem(%q, %q, %q) = %q", c.password, c.username, c.email, got)
		}
	}
	if !strings.Contains(models.PasswordRule, fmt.Sprint(models.MinPasswordLength)) {
		t.Errorf("the rule as stated does not give the length: %q", models.PasswordRule)
	}
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		n := newUser("jane-the-username", w.acmeAdminRole)
		n.Password = "JANE-the-username"
		if _, err := w.s.CreateUser(w.acme, n); fieldError(err, "password") == "" {
			t.Fatalf("the username as password: %v", err)
		}
	})
}

func TestATenantsUserLimitIsKept(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		setMaxUsers(t, w.s, "acme", 3) // acme has its admin
		for _, name := range []string{"u1", "u2"} {
			if _, err := w.s.CreateUser(w.acme, newUser(name, w.acmeAdminRole)); err != nil {
				t.Fatal(err)
			}
		}
		opts, err := w.s.UserOptions(w.acme)
		if err != nil || !opts.AtLimit() || opts.Users != 3 {
			t.Fatalf("options at the limit: %+v %v", opts, err)
		}
		_, err = w.s.CreateUser(w.acme, newUser("u3", w.acmeAdminRole))
		if msg := fieldError(err, ""); !strings.Contains(msg, "acme's limit of 3 users is reached") {
			t.Fatalf("past the limit: %v", err)
		}
		// Beta has no limit (0), and acme's does not reach it.
		for _, name := range []string{"b1", "b2", "b3"} {
			if _, err := w.s.CreateUser(w.beta, newUser(name, *w.f.BetaAdmin.RoleID)); err != nil {
				t.Fatal(err)
			}
		}
		// A deleted user makes room again.
		u1 := w.userID(t, w.acme, "u1")
		if err := w.s.DeleteUser(w.acme, u1, "u1"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CreateUser(w.acme, newUser("u3", w.acmeAdminRole)); err != nil {
			t.Fatalf("after a delete: %v", err)
		}
	})
}

// userID finds a user by username in ctx's tenant.
func (w userWorld) userID(t *testing.T, ctx context.Context, username string) uint64 {
	t.Helper()
	p, err := w.s.UsersPage(ctx, models.ListQuery{Search: username})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range p.Rows {
		if u.Username == username {
			return u.ID
		}
	}
	t.Fatalf("no user %s", username)
	return 0
}

// race runs fns at the same moment and returns their errors.
func race(fns ...func() error) []error {
	errs := make([]error, len(fns))
	var start, done sync.WaitGroup
	start.Add(1)
	for i, fn := range fns {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			errs[i] = fn()
		}()
	}
	start.Done()
	done.Wait()
	return errs
}

func TestConcurrentCreatesAtTheLimitMakeOneUser(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		for round := range 4 {
			before := len(w.usernames(t, w.f.Acme.ID))
			setMaxUsers(t, w.s, "acme", before+1)
			errs := race(
				func() error {
					_, err := w.s.CreateUser(w.acme, newUser(fmt.Sprintf("a%d", round), w.acmeAdminRole))
					return err
				},
				func() error {
					_, err := w.s.CreateUser(w.acme, newUser(fmt.Sprintf("b%d", round), w.acmeAdminRole))
					return err
				},
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
			if after := len(w.usernames(t, w.f.Acme.ID)); ok != 1 || limited != 1 || after != before+1 {
				t.Fatalf("round %d: %d created, %d refused, %d users (was %d)", round, ok, limited, after, before)
			}
		}
	})
}

func TestConcurrentCreatesOfOneUsernameMakeOneUser(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		for round := range 4 {
			name := fmt.Sprintf("same%d", round)
			a, b := newUser(name, w.acmeAdminRole), newUser(strings.ToUpper(name), w.acmeAdminRole)
			b.Email = fmt.Sprintf("other%d@example.test", round)
			errs := race(
				func() error { _, err := w.s.CreateUser(w.acme, a); return err },
				func() error { _, err := w.s.CreateUser(w.acme, b); return err },
			)
			ok, taken := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case strings.Contains(fieldError(err, "username"), "taken"):
					taken++
				default:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			n := 0
			for _, u := range w.usernames(t, w.f.Acme.ID) {
				if strings.EqualFold(u, name) {
					n++
				}
			}
			if ok != 1 || taken != 1 || n != 1 {
				t.Fatalf("round %d: %d created, %d refused, %d rows", round, ok, taken, n)
			}
		}
	})
}

func TestTheLastFullRightsAdminStays(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		admin := w.f.AcmeAdmin.ID
		// The master acts: nobody disables, deletes or demotes themselves.
		byMaster, _, err := w.s.ManagedTenant(w.master, "acme", models.LevelFull)
		if err != nil {
			t.Fatal(err)
		}
		reader := w.role(t, w.acme, "Reader", models.Permissions{models.FeatureUsers: models.LevelRead})
		// Full on users but not on roles is no full-rights admin.
		usersOnly := w.role(t, w.acme, "User admin", models.Permissions{models.FeatureUsers: models.LevelFull})
		if err := w.s.SetUserEnabled(byMaster, admin, false); !strings.Contains(fieldError(err, ""), "last full-rights administrator") {
			t.Fatalf("disabling the last admin: %v", err)
		}
		if err := w.s.DeleteUser(byMaster, admin, "admin@acme.example"); !strings.Contains(fieldError(err, ""), "last full-rights administrator") {
			t.Fatalf("deleting the last admin: %v", err)
		}
		for _, r := range []uint64{reader, usersOnly} {
			_, err := w.s.UpdateUser(byMaster, admin, currentUserVersion(t, w, admin), models.UserChanges{Username: "admin@acme.example", Email: "admin@acme.example", RoleID: r})
			if !strings.Contains(fieldError(err, "role"), "last full-rights administrator") {
				t.Fatalf("taking the last admin's rights away: %v", err)
			}
		}
		if u, _ := w.userAcross(t, admin); !u.Enabled || *u.RoleID != w.acmeAdminRole {
			t.Fatalf("the admin changed: %+v", u)
		}
		// Someone who is no admin can be disabled; a second admin frees the first.
		plain, err := w.s.CreateUser(w.acme, newUser("plain", reader))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.s.SetUserEnabled(byMaster, plain.ID, false); err != nil {
			t.Fatal(err)
		}
		second, err := w.s.CreateUser(w.acme, newUser("second", w.acmeAdminRole))
		if err != nil {
			t.Fatal(err)
		}
		// A disabled admin does not count.
		if err := w.s.SetUserEnabled(byMaster, second.ID, false); err != nil {
			t.Fatal(err)
		}
		if err := w.s.SetUserEnabled(byMaster, admin, false); fieldError(err, "") == "" {
			t.Fatalf("a disabled second admin let the last one go: %v", err)
		}
		if err := w.s.SetUserEnabled(byMaster, second.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.UpdateUser(byMaster, admin, currentUserVersion(t, w, admin), models.UserChanges{Username: "admin@acme.example", Email: "admin@acme.example", RoleID: reader}); err != nil {
			t.Fatalf("with a second admin the first may lose the role: %v", err)
		}
		if err := w.s.DeleteUser(byMaster, second.ID, "second"); fieldError(err, "") == "" {
			t.Fatalf("the second is now the last: %v", err)
		}
	})
}

func currentUserVersion(t *testing.T, w userWorld, id uint64) int {
	t.Helper()
	u, ok := w.userAcross(t, id)
	if !ok {
		t.Fatalf("no user %d", id)
	}
	return u.Version
}

func TestTwoAdminsDisablingEachOtherAtOnceLeaveOne(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		for round := range 4 {
			second, err := w.s.CreateUser(w.acme, newUser(fmt.Sprintf("second%d", round), w.acmeAdminRole))
			if err != nil {
				t.Fatal(err)
			}
			first := w.f.AcmeAdmin.ID
			errs := race(
				func() error { return w.s.SetUserEnabled(w.acme, first, false) },
				func() error { return w.s.SetUserEnabled(w.acme, second.ID, false) },
			)
			refused := 0
			for _, err := range errs {
				if fieldError(err, "") != "" {
					refused++
				} else if err != nil {
					t.Fatal(err)
				}
			}
			a, _ := w.userAcross(t, first)
			b, _ := w.userAcross(t, second.ID)
			if refused != 1 || a.Enabled == b.Enabled {
				t.Fatalf("round %d: %d refused; first enabled %v, second %v", round, refused, a.Enabled, b.Enabled)
			}
			// Back to one enabled admin, acme's own, for the next round.
			if !a.Enabled {
				if err := w.s.SetUserEnabled(w.acme, first, true); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.s.DeleteUser(w.acme, second.ID, second.Username); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestEditingAUserIsAuditedAndRefusesAStaleVersion(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		reader := w.role(t, w.acme, "Reader", models.Permissions{models.FeatureUsers: models.LevelRead})
		u, err := w.s.CreateUser(w.acme, newUser("jane", w.acmeAdminRole))
		if err != nil {
			t.Fatal(err)
		}
		ch := models.UserChanges{Username: "jane.doe", Email: "jd@example.test", FirstName: "Jane", LastName: "Doe", RoleID: reader}
		got, err := w.s.UpdateUser(w.acme, u.ID, u.Version, ch)
		if err != nil {
			t.Fatal(err)
		}
		if got.Username != "jane.doe" || got.Version != u.Version+1 || got.Role.Name != "Reader" {
			t.Fatalf("after the edit: %+v", got)
		}
		ev := w.events(t, w.f.Acme.ID)[0]
		if ev.Action != models.ActionUserUpdate || ev.TargetID != "jane.doe" || ev.ActorName != "admin@acme.example" ||
			!strings.Contains(ev.Details, `"username":{"after":"jane.doe","before":"jane"}`) ||
			!strings.Contains(ev.Details, `"role":{"after":"Reader","before":"Administrator"}`) {
			t.Fatalf("audit event: %+v", ev)
		}
		// The version read before the edit is stale now.
		if _, err := w.s.UpdateUser(w.acme, u.ID, u.Version, ch); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("a stale version: %v", err)
		}
		// A taken username, another tenant's role.
		ch.Username = "ADMIN@acme.example"
		if _, err := w.s.UpdateUser(w.acme, u.ID, got.Version, ch); fieldError(err, "username") == "" {
			t.Fatalf("a taken username: %v", err)
		}
		ch.Username, ch.RoleID = "jane.doe", *w.f.BetaAdmin.RoleID
		if _, err := w.s.UpdateUser(w.acme, u.ID, got.Version, ch); fieldError(err, "role") == "" {
			t.Fatalf("beta's role: %v", err)
		}
		// Keeping one's own username in another case is no clash.
		ch.Username, ch.RoleID = "Jane.Doe", reader
		if _, err := w.s.UpdateUser(w.acme, u.ID, got.Version, ch); err != nil {
			t.Fatalf("own username in another case: %v", err)
		}
	})
}

func TestAnExternalUsersIdentityAndPasswordStayWithTheirSource(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		reader := w.role(t, w.acme, "Reader", models.Permissions{models.FeatureUsers: models.LevelRead})
		u, err := w.s.CreateUser(w.acme, newUser("ext", w.acmeAdminRole))
		if err != nil {
			t.Fatal(err)
		}
		storetest.Exec(t, w.s, `UPDATE users SET identity_source = 'ldap', username = 'CORP\ext' WHERE id = ?`, u.ID)
		same := models.UserChanges{Username: `CORP\ext`, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName, RoleID: w.acmeAdminRole}
		for field, ch := range map[string]models.UserChanges{
			"username":   {Username: "ext2", Email: same.Email, FirstName: same.FirstName, LastName: same.LastName, RoleID: reader},
			"email":      {Username: same.Username, Email: "new@example.test", FirstName: same.FirstName, LastName: same.LastName, RoleID: reader},
			"first_name": {Username: same.Username, Email: same.Email, FirstName: "X", LastName: same.LastName, RoleID: reader},
			"last_name":  {Username: same.Username, Email: same.Email, FirstName: same.FirstName, LastName: "Y", RoleID: reader},
		} {
			if _, err := w.s.UpdateUser(w.acme, u.ID, 1, ch); !strings.Contains(fieldError(err, field), "ldap") {
				t.Errorf("changing an external user's %s: %v", field, err)
			}
		}
		// The role is the console's to set, even with a username local rules refuse.
		same.RoleID = reader
		if got, err := w.s.UpdateUser(w.acme, u.ID, 1, same); err != nil || got.Role.Name != "Reader" {
			t.Fatalf("an external user's role: %v", err)
		}
		if err := w.s.SetUserPassword(w.acme, u.ID, "a brand new passphrase"); !strings.Contains(fieldError(err, "password"), "ldap") {
			t.Fatalf("an external user's password: %v", err)
		}
		if after, _ := w.userAcross(t, u.ID); after.PasswordHash != "" && models.CheckPassword(after.PasswordHash, "a brand new passphrase") {
			t.Fatal("the password was set")
		}
	})
}

func TestSettingAPasswordEndsTheUsersSessions(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		u, err := w.s.CreateUser(w.acme, newUser("jane", w.acmeAdminRole))
		if err != nil {
			t.Fatal(err)
		}
		sid, err := w.s.OpenSession(context.Background(), u, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.s.SessionUser(context.Background(), "acme", sid); err != nil {
			t.Fatal(err)
		}
		if err := w.s.SetUserPassword(w.acme, u.ID, "jane"); fieldError(err, "password") == "" {
			t.Fatalf("a weak password: %v", err)
		}
		if err := w.s.SetUserPassword(w.acme, u.ID, "a brand new passphrase"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.s.SessionUser(context.Background(), "acme", sid); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("the session after a password set: %v", err)
		}
		after, _ := w.userAcross(t, u.ID)
		if !models.CheckPassword(after.PasswordHash, "a brand new passphrase") {
			t.Fatal("the new password does not check")
		}
		if ev := w.events(t, w.f.Acme.ID)[0]; ev.Action != models.ActionUserPasswordReset || ev.TargetID != "jane" {
			t.Fatalf("audit: %+v", ev)
		}
	})
}

func TestDeletingAUserNeedsItsUsernameAndTakesItsSessions(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		u, err := w.s.CreateUser(w.acme, newUser("jane", w.acmeAdminRole))
		if err != nil {
			t.Fatal(err)
		}
		sid, err := w.s.OpenSession(context.Background(), u, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		for _, typed := range []string{"", "JANE", "jan"} {
			if err := w.s.DeleteUser(w.acme, u.ID, typed); fieldError(err, "confirm") == "" {
				t.Fatalf("confirmed with %q: %v", typed, err)
			}
		}
		if err := w.s.DeleteUser(w.acme, u.ID, " jane "); err != nil {
			t.Fatal(err)
		}
		if _, ok := w.userAcross(t, u.ID); ok {
			t.Fatal("the user is still there")
		}
		if _, _, err := w.s.SessionUser(context.Background(), "acme", sid); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("the deleted user's session: %v", err)
		}
		if ev := w.events(t, w.f.Acme.ID)[0]; ev.Action != models.ActionUserDelete || ev.TargetID != "jane" || !strings.Contains(ev.Details, `"before":"jane"`) {
			t.Fatalf("audit: %+v", ev)
		}
		if err := w.s.DeleteUser(w.acme, u.ID, "jane"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("deleting again: %v", err)
		}
	})
}

func TestAnotherTenantsUserIsNotFound(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		beta := w.f.BetaAdmin
		before, _ := w.userAcross(t, beta.ID)
		ops := map[string]func() error{
			"read":   func() error { _, err := w.s.User(w.acme, beta.ID); return err },
			"rights": func() error { _, _, _, err := w.s.UserRights(w.acme, beta.ID); return err },
			"edit": func() error {
				_, err := w.s.UpdateUser(w.acme, beta.ID, before.Version, models.UserChanges{Username: "x", RoleID: w.acmeAdminRole})
				return err
			},
			"disable":  func() error { return w.s.SetUserEnabled(w.acme, beta.ID, false) },
			"delete":   func() error { return w.s.DeleteUser(w.acme, beta.ID, beta.Username) },
			"password": func() error { return w.s.SetUserPassword(w.acme, beta.ID, "a brand new passphrase") },
		}
		for name, op := range ops {
			if err := op(); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("%s beta's admin from acme: %v", name, err)
			}
		}
		if after, _ := w.userAcross(t, beta.ID); after.Version != before.Version || after.PasswordHash != before.PasswordHash || !after.Enabled {
			t.Fatalf("beta's admin changed: %+v", after)
		}
	})
}

func TestOnlyTheMasterReachesAnotherTenantsUsers(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		bg := context.Background()
		masterID := w.f.Root.TenantID
		reader := models.Permissions{models.FeatureUsers: models.LevelRead}
		actor := func(tenant uint64, master bool, p models.Permissions) context.Context {
			return models.WithActor(models.WithTenant(bg, tenant), models.Actor{UserID: 99, TenantID: tenant, Name: "x", Master: master, Permissions: p})
		}
		for name, c := range map[string]struct {
			ctx         context.Context
			read, write bool
		}{
			"beta's admin":  {w.beta, false, false},
			"master reader": {actor(masterID, true, reader), true, false},
			"master admin":  {w.master, true, true},
			"impersonating": {models.WithActor(w.master, models.Actor{UserID: 1, TenantID: masterID, Master: true, Permissions: models.FullPermissions(),
				Impersonator: &models.Actor{UserID: 2, TenantID: masterID, Master: true, Permissions: models.FullPermissions()}}), false, false},
		} {
			_, _, err := w.s.ManagedTenant(c.ctx, "acme", models.LevelRead)
			if c.read != (err == nil) || (err != nil && !errors.Is(err, models.ErrForbidden)) {
				t.Errorf("%s opens acme's users: %v", name, err)
			}
			_, _, err = w.s.ManagedTenant(c.ctx, "acme", models.LevelFull)
			if c.write != (err == nil) || (err != nil && !errors.Is(err, models.ErrForbidden)) {
				t.Errorf("%s manages acme's users: %v", name, err)
			}
			// A subtenant's actor learns nothing of which subdomains exist.
			if _, _, err := w.s.ManagedTenant(c.ctx, "nosuch", models.LevelRead); c.read != errors.Is(err, models.ErrNotFound) {
				t.Errorf("%s opens an unknown tenant: %v", name, err)
			}

			// A context confined to acme by hand, without ManagedTenant, is
			// checked by every operation all the same.
			a, _ := models.ActorFrom(c.ctx)
			byHand := models.WithActor(models.WithTenant(bg, w.f.Acme.ID), a)
			if _, err := w.s.UsersPage(byHand, models.ListQuery{}); c.read != (err == nil) {
				t.Errorf("%s lists acme's users by hand: %v", name, err)
			}
			if _, _, _, err := w.s.UserRights(byHand, w.f.AcmeAdmin.ID); c.read != (err == nil) {
				t.Errorf("%s reads acme's admin by hand: %v", name, err)
			}
			writes := map[string]error{
				"create": func() error {
					_, err := w.s.CreateUser(byHand, newUser("by-"+strings.ReplaceAll(name, " ", "-"), w.acmeAdminRole))
					return err
				}(),
				"password": w.s.SetUserPassword(byHand, w.f.AcmeAdmin.ID, "a brand new passphrase "+name),
			}
			for op, err := range writes {
				if c.write != (err == nil) || (err != nil && !errors.Is(err, models.ErrForbidden)) {
					t.Errorf("%s: %s in acme by hand: %v", name, op, err)
				}
			}
		}
		if _, _, err := w.s.ManagedTenant(w.master, "master", models.LevelRead); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("the master's own users through ManagedTenant: %v", err)
		}
		if got := w.usernames(t, w.f.Acme.ID); strings.Join(got, ",") != "admin@acme.example,by-master-admin" {
			t.Errorf("acme's users: %v", got)
		}
	})
}

func TestTheMastersChangesToASubtenantsUsersAreInBothLogs(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		ctx, acme, err := w.s.ManagedTenant(w.master, "acme", models.LevelFull)
		if err != nil {
			t.Fatal(err)
		}
		u, err := w.s.CreateUser(ctx, newUser("jane", w.acmeAdminRole))
		if err != nil {
			t.Fatal(err)
		}
		if u.TenantID != acme.ID {
			t.Fatalf("created in tenant %d, want acme's %d", u.TenantID, acme.ID)
		}
		if err := w.s.SetUserPassword(ctx, u.ID, "a brand new passphrase"); err != nil {
			t.Fatal(err)
		}
		for _, action := range []string{models.ActionUserCreate, models.ActionUserPasswordReset} {
			inAcme, inMaster := find(w.events(t, acme.ID), action), find(w.events(t, w.f.Root.TenantID), action)
			if inAcme == nil || inAcme.TargetID != "jane" || inAcme.ActorName != `master\root@example.com` || inAcme.ActorUserID != nil {
				t.Errorf("%s in acme's log: %+v", action, inAcme)
			}
			if inMaster == nil || inMaster.TargetID != `acme\jane` || inMaster.ActorName != "root@example.com" ||
				inMaster.ActorUserID == nil || *inMaster.ActorUserID != w.f.Root.ID {
				t.Errorf("%s in the master's log: %+v", action, inMaster)
			}
		}
		// Beta's log has none of it.
		if ev := find(w.events(t, w.f.Beta.ID), models.ActionUserPasswordReset); ev != nil {
			t.Errorf("beta's log: %+v", ev)
		}
		// acme's own admin's changes stay in acme's log.
		if err := w.s.SetUserEnabled(w.acme, u.ID, false); err != nil {
			t.Fatal(err)
		}
		if ev := find(w.events(t, w.f.Root.TenantID), models.ActionUserDisable); ev != nil {
			t.Errorf("acme's own change in the master's log: %+v", ev)
		}
	})
}

func find(evs []models.AuditEvent, action string) *models.AuditEvent {
	for i := range evs {
		if evs[i].Action == action {
			return &evs[i]
		}
	}
	return nil
}
