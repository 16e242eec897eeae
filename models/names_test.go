package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

// A look-alike or hidden character in a name is refused by the field, with
// a message naming what is wrong, on every path that writes the name.
func TestHiddenAndLookAlikeNamesAreRefusedByTheirField(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		ops := newUser("ops@acme.example", w.acmeAdminRole)
		ops.Email = "ops@acme.example"
		if _, err := w.s.CreateUser(w.acme, ops); err != nil {
			t.Fatal(err)
		}
		jdoe := newUser("jdoe", w.acmeAdminRole)
		jdoe.Email = "team@acme.example"
		if _, err := w.s.CreateUser(w.acme, jdoe); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CreateUser(w.acme, newUser("дмитрий", w.acmeAdminRole)); err != nil {
			t.Fatal(err)
		}
		user := func(edit func(*models.NewUser)) models.NewUser {
			n := newUser("fresh", w.acmeAdminRole)
			edit(&n)
			return n
		}
		for _, c := range []struct {
			name, field, want string
			n                 models.NewUser
		}{
			{"Cyrillic о beside ops", "username", "looks like the existing user ops@acme.example",
				user(func(n *models.NewUser) { n.Username = "оps@acme.example" })},
			{"digit zero beside ops", "username", "looks like the existing user ops@acme.example",
				user(func(n *models.NewUser) { n.Username = "0ps@acme.example" })},
			{"username like another's email", "username", "looks like team@acme.example, the email address of the existing user jdoe",
				user(func(n *models.NewUser) { n.Username = "tearn@acme.example" })},
			{"email like a username", "email", "looks like the existing user ops@acme.example",
				user(func(n *models.NewUser) { n.Email = "оps@acme.example" })},
			{"right-to-left override", "username", "contains a text-direction control character (U+202E)",
				user(func(n *models.NewUser) { n.Username = "ops\u202Eelpmaxe" })},
			{"left-to-right mark", "username", "contains a text-direction control character (U+200E)",
				user(func(n *models.NewUser) { n.Username = "ops\u200E" })},
			{"Arabic letter mark", "first_name", "contains a text-direction control character (U+061C)",
				user(func(n *models.NewUser) { n.FirstName = "Ali\u061C" })},
			{"first-strong isolate", "last_name", "contains a text-direction control character (U+2068)",
				user(func(n *models.NewUser) { n.LastName = "\u2068Smith" })},
			{"zero-width space", "username", "contains an invisible character (U+200B)",
				user(func(n *models.NewUser) { n.Username = "op\u200Bs" })},
			{"zero-width joiner", "first_name", "contains an invisible character (U+200D)",
				user(func(n *models.NewUser) { n.FirstName = "Jo\u200Dhn" })},
			{"word joiner", "username", "contains an invisible character (U+2060)",
				user(func(n *models.NewUser) { n.Username = "ops\u2060" })},
			{"byte order mark", "last_name", "contains an invisible character (U+FEFF)",
				user(func(n *models.NewUser) { n.LastName = "\uFEFFSmith" })},
			{"Mongolian vowel separator", "username", "contains an invisible character (U+180E)",
				user(func(n *models.NewUser) { n.Username = "ops\u180E" })},
			{"Hangul filler", "username", "contains an invisible character (U+3164)",
				user(func(n *models.NewUser) { n.Username = "ops\u3164" })},
			{"invisible in the email", "email", "contains an invisible character (U+200B)",
				user(func(n *models.NewUser) { n.Email = "o\u200Bps@acme.example" })},
			{"bidi in the email's domain", "email", "contains a text-direction control character (U+202E)",
				user(func(n *models.NewUser) { n.Email = "new@acme\u202E.example" })},
			{"mixed alphabets in the email's local part", "email", "mixes Cyrillic and Latin letters in “nеw”",
				user(func(n *models.NewUser) { n.Email = "nеw@acme.example" })},
			{"mixed alphabets in the email's domain", "email", "mixes Cyrillic and Latin letters in “аcme”",
				user(func(n *models.NewUser) { n.Email = "new@аcme.example" })},
			{"mixed alphabets in a username", "username", "mixes Greek and Latin letters in “nοbody”",
				user(func(n *models.NewUser) { n.Username = "nοbody" })},
			{"a symbol PRECIS refuses", "username", "cannot contain “☺” (U+263A)",
				user(func(n *models.NewUser) { n.Username = "ops☺" })},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := w.s.CreateUser(w.acme, c.n)
				if got := fieldError(err, c.field); !strings.Contains(got, c.want) {
					t.Fatalf("%s: %q, want %q (%v)", c.field, got, c.want, err)
				}
				fields, err := w.s.CheckNewUser(w.acme, c.n)
				if err != nil || !strings.Contains(fields[c.field], c.want) {
					t.Fatalf("the wizard's check: %v %v", fields, err)
				}
			})
		}
		// Case beyond ASCII: SQLite's lower() folds ASCII only, PostgreSQL's
		// folds it as taken; the skeleton refuses it on both.
		_, err := w.s.CreateUser(w.acme, user(func(n *models.NewUser) { n.Username = "ДМИТРИЙ" }))
		if msg := fieldError(err, "username"); !strings.Contains(msg, "taken") && !strings.Contains(msg, "looks like the existing user дмитрий") {
			t.Fatalf("ДМИТРИЙ beside дмитрий: %v", err)
		}
		if _, err := w.s.SetAdminPassword(storetest.System(t.Context()), "acme", "оps@acme.example", storetest.Password); !strings.Contains(fieldError(err, "email"), "looks like the existing user ops@acme.example") {
			t.Fatalf("set-admin-password with a look-alike: %v", err)
		}
		if _, err := w.s.SetAdminPassword(storetest.System(t.Context()), "acme", "boss\u200B@acme.example", storetest.Password); !strings.Contains(fieldError(err, "email"), "invisible character (U+200B)") {
			t.Fatalf("set-admin-password with an invisible character: %v", err)
		}
		if got := w.usernames(t, w.f.Acme.ID); len(got) != 4 {
			t.Fatalf("acme's users: %q", got)
		}
	})
}

// Plain ASCII and names written in one other alphabet are ordinary names.
func TestLegitimateNamesInAnyAlphabetAreAccepted(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		for i, c := range []struct{ username, email, first, last string }{
			{"alice", "alice@acme.example", "Alice", "Smith"},
			{"José", "jose@acme.example", "José", "Núñez"},
			{"Дмитрий", "dmitry@acme.example", "Дмитрий", "Иванов"},
			{"山田", "yamada@acme.example", "太郎", "山田"},
			{"さくら山田", "", "さくら", "山田"},
			{"Ops.Team-2", "ops.team@acme.example", "Ops", "O'Brien-Smith"},
			{"ψυχή", "", "Ψυχή", ""},
		} {
			n := newUser(c.username, w.acmeAdminRole)
			n.Email, n.FirstName, n.LastName = c.email, c.first, c.last
			u, err := w.s.CreateUser(w.acme, n)
			if err != nil {
				t.Fatalf("%d %q: %v", i, c.username, err)
			}
			if u.Username != c.username || u.FirstName != c.first || u.LastName != c.last {
				t.Fatalf("stored as %q %q %q", u.Username, u.FirstName, u.LastName)
			}
		}
		// Full-width letters are stored as their usual form, keeping their case.
		u, err := w.s.CreateUser(w.acme, newUser("Ｗｉｄｅ", w.acmeAdminRole))
		if err != nil || u.Username != "Wide" {
			t.Fatalf("full-width username: %v %v", u, err)
		}
		for _, name := range []string{"Opérateur", "Администратор", "管理者", "Read only"} {
			if _, err := w.s.CreateRole(w.acme, models.NewRole{Name: name, Description: "Line one.\nLine two."}); err != nil {
				t.Fatalf("role %q: %v", name, err)
			}
		}
	})
}

func TestLookAlikeRoleNamesAreRefused(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		for _, c := range []struct {
			field, want string
			n           models.NewRole
		}{
			{"name", "looks like the existing role Administrator", models.NewRole{Name: "Аdministrator"}},
			{"name", "looks like the existing role Administrator", models.NewRole{Name: "Adrninistrator"}},
			{"name", "contains an invisible character (U+200B)", models.NewRole{Name: "Admin\u200Bistrator"}},
			{"name", "contains a text-direction control character (U+202E)", models.NewRole{Name: "\u202Erotartsinimda"}},
			{"description", "contains a text-direction control character (U+202D)", models.NewRole{Name: "Auditor", Description: "Reads \u202Dthe log"}},
			{"description", "contains an invisible character (U+FEFF)", models.NewRole{Name: "Auditor", Description: "\uFEFFReads the log"}},
		} {
			if _, err := w.s.CreateRole(w.acme, c.n); !strings.Contains(fieldError(err, c.field), c.want) {
				t.Fatalf("%q: %v, want %q", c.n.Name, err, c.want)
			}
		}
		// A rename to a look-alike is refused; an edit keeping the name is not.
		id := w.role(t, w.acme, "Operator", models.Permissions{})
		r, err := w.s.Role(w.acme, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.s.UpdateRole(w.acme, id, r.Version, models.RoleChanges{Name: "Аdministrator"}); !strings.Contains(fieldError(err, "name"), "looks like the existing role Administrator") {
			t.Fatalf("rename to a look-alike: %v", err)
		}
		if _, _, err := w.s.UpdateRole(w.acme, id, r.Version, models.RoleChanges{Name: "Operator", Description: "Runs things."}); err != nil {
			t.Fatal(err)
		}
		// The skeleton follows a rename.
		if _, _, err := w.s.UpdateRole(w.acme, id, r.Version+1, models.RoleChanges{Name: "Monitor"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CreateRole(w.acme, models.NewRole{Name: "Rnonitor"}); !strings.Contains(fieldError(err, "name"), "looks like the existing role Monitor") {
			t.Fatalf("look-alike of a renamed role: %v", err)
		}
		// Tenant roles, the master's, likewise.
		if _, err := w.s.CreateTenantRole(w.master, models.NewRole{Name: "Ѕtandard"}); !strings.Contains(fieldError(err, "name"), "looks like the existing tenant role Standard") {
			t.Fatalf("look-alike tenant role: %v", err)
		}
		tr, err := w.s.CreateTenantRole(w.master, models.NewRole{Name: "Basic"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.UpdateTenantRole(w.master, tr.ID, tr.Version, models.RoleChanges{Name: "Standard\u200B"}); !strings.Contains(fieldError(err, "name"), "invisible character (U+200B)") {
			t.Fatalf("tenant role renamed with an invisible character: %v", err)
		}
		if _, err := w.s.UpdateTenantRole(w.master, tr.ID, tr.Version, models.RoleChanges{Name: "Stаndard"}); !strings.Contains(fieldError(err, "name"), "looks like the existing tenant role Standard") {
			t.Fatalf("tenant role renamed to a look-alike: %v", err)
		}
		if _, err := w.s.UpdateTenantRole(w.master, tr.ID, tr.Version, models.RoleChanges{Name: "Premium"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CreateTenantRole(w.master, models.NewRole{Name: "Prernium"}); !strings.Contains(fieldError(err, "name"), "looks like the existing tenant role Premium") {
			t.Fatalf("look-alike of a renamed tenant role: %v", err)
		}
	})
}

// Tenants are isolated: a name that looks like a user of another tenant is
// anyone's to take.
func TestALookAlikeOfAnotherTenantsUserIsAccepted(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		if _, err := w.s.CreateUser(w.acme, newUser("ops", w.acmeAdminRole)); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CreateUser(w.acme, newUser("0ps", w.acmeAdminRole)); !strings.Contains(fieldError(err, "username"), "looks like") {
			t.Fatalf("0ps is not ops's look-alike in acme? %v", err)
		}
		betaRole := *w.f.BetaAdmin.RoleID
		for _, name := range []string{"0ps", "adrnin"} {
			if _, err := w.s.CreateUser(w.beta, newUser(name, betaRole)); err != nil {
				t.Fatalf("beta %s: %v", name, err)
			}
		}
		if _, err := w.s.CreateRole(w.beta, models.NewRole{Name: "Operatоr"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CreateRole(w.acme, models.NewRole{Name: "Operator"}); err != nil {
			t.Fatalf("acme's Operator beside beta's look-alike: %v", err)
		}
	})
}

func TestRenamingAUserToALookAlikeIsRefused(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		bob, err := w.s.CreateUser(w.acme, newUser("bob", w.acmeAdminRole))
		if err != nil {
			t.Fatal(err)
		}
		ch := models.UserChanges{Username: "аdmin@acme.example", Email: bob.Email, FirstName: "B", RoleID: w.acmeAdminRole}
		if _, err := w.s.UpdateUser(w.acme, bob.ID, bob.Version, ch); !strings.Contains(fieldError(err, "username"), "looks like the existing user admin@acme.example") {
			t.Fatalf("rename to a look-alike: %v", err)
		}
		ch = models.UserChanges{Username: "bob", Email: "admin@acme.examp1e", RoleID: w.acmeAdminRole}
		if _, err := w.s.UpdateUser(w.acme, bob.ID, bob.Version, ch); !strings.Contains(fieldError(err, "email"), "looks like the existing user admin@acme.example") {
			t.Fatalf("new email like a sign-in name: %v", err)
		}
		// A case change of one's own name looks like nobody else.
		ch = models.UserChanges{Username: "Bob", Email: bob.Email, RoleID: w.acmeAdminRole}
		u, err := w.s.UpdateUser(w.acme, bob.ID, bob.Version, ch)
		if err != nil {
			t.Fatal(err)
		}
		// The skeleton follows a rename: a look-alike of the new name is refused.
		ch = models.UserChanges{Username: "Robert", Email: "robert@acme.example", RoleID: w.acmeAdminRole}
		if u, err = w.s.UpdateUser(w.acme, bob.ID, u.Version, ch); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CreateUser(w.acme, newUser("R0bert", w.acmeAdminRole)); !strings.Contains(fieldError(err, "username"), "looks like the existing user Robert") {
			t.Fatalf("look-alike of the renamed user: %v", err)
		}
		look := newUser("r0bert@acme.example", w.acmeAdminRole)
		look.Email = ""
		if _, err := w.s.CreateUser(w.acme, look); !strings.Contains(fieldError(err, "username"), "looks like robert@acme.example, the email address of the existing user Robert") {
			t.Fatalf("look-alike of the changed email: %v", err)
		}
		// Two users who looked alike before the check existed stay editable
		// while neither name changes.
		storetest.Exec(t, w.s, "UPDATE users SET username = ?, username_skeleton = ? WHERE id = ?", "b0b", "bob", u.ID)
		other, err := w.s.CreateUser(w.acme, newUser("carol", w.acmeAdminRole))
		if err != nil {
			t.Fatal(err)
		}
		storetest.Exec(t, w.s, "UPDATE users SET username = ?, username_skeleton = ? WHERE id = ?", "bob", "bob", other.ID)
		if _, err := w.s.UpdateUser(w.acme, other.ID, other.Version, models.UserChanges{Username: "bob", Email: other.Email, FirstName: "Carol", RoleID: w.acmeAdminRole}); err != nil {
			t.Fatalf("editing an old look-alike without renaming it: %v", err)
		}
	})
}

// Migration 15 computes the skeleton of every name already stored.
func TestTheMigrationFillsTheSkeletonsOfExistingNames(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		for i := range 3 {
			if _, err := w.s.CreateUser(w.beta, newUser(fmt.Sprintf("Member%d", i), *w.f.BetaAdmin.RoleID)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.s.CreateRole(w.acme, models.NewRole{Name: "Operator"}); err != nil {
			t.Fatal(err)
		}
		before := map[string][]string{}
		cols := []struct{ table, column string }{{"users", "username_skeleton"}, {"users", "email_skeleton"}, {"roles", "name_skeleton"}, {"tenant_roles", "name_skeleton"}}
		for _, c := range cols {
			before[c.table+"."+c.column] = storetest.Column(t, w.s, c.table, c.column)
		}
		// Back to the schema before migration 15, rows kept; then migrate.
		for _, q := range []string{
			"DROP INDEX users_username_skeleton", "DROP INDEX users_email_skeleton", "DROP INDEX roles_name_skeleton", "DROP INDEX tenant_roles_name_skeleton",
			"ALTER TABLE users DROP COLUMN username_skeleton", "ALTER TABLE users DROP COLUMN email_skeleton",
			"ALTER TABLE roles DROP COLUMN name_skeleton", "ALTER TABLE tenant_roles DROP COLUMN name_skeleton",
			"DELETE FROM schema_migrations WHERE version = 15",
		} {
			storetest.Exec(t, w.s, q)
		}
		if applied, err := w.s.Migrate(t.Context()); err != nil || fmt.Sprint(applied) != "[15]" {
			t.Fatalf("migrate again: %v %v", applied, err)
		}
		// The pool's connections keep the statements they prepared on the
		// columns as they were; a server starts on a migrated database.
		w.s = storetest.Reconnect(t, w.s)
		for _, c := range cols {
			got := storetest.Column(t, w.s, c.table, c.column)
			if want := before[c.table+"."+c.column]; fmt.Sprint(got) != fmt.Sprint(want) || len(got) == 0 {
				t.Fatalf("%s.%s after the fill: %q, want %q", c.table, c.column, got, want)
			}
		}
		if got := storetest.Column(t, w.s, "users", "username_skeleton"); !strings.Contains(strings.Join(got, " "), "rnernberl") {
			t.Fatalf("Member1's skeleton is not among %q", got)
		}
		// And the filled skeletons are what the check compares.
		if _, err := w.s.CreateUser(w.beta, newUser("rnember1", *w.f.BetaAdmin.RoleID)); !strings.Contains(fieldError(err, "username"), "looks like the existing user Member1") {
			t.Fatalf("look-alike of a filled name: %v", err)
		}
		if _, err := w.s.CreateRole(w.acme, models.NewRole{Name: "0perator"}); !strings.Contains(fieldError(err, "name"), "looks like the existing role Operator") {
			t.Fatalf("look-alike of a filled role name: %v", err)
		}
	})
}

// The look-alike check runs under the tenant's user lock: two parallel
// creates of look-alikes make one user and one field error.
func TestConcurrentCreatesOfLookAlikesMakeOneUser(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		for round := range 4 {
			a := newUser(fmt.Sprintf("ops%d", round), w.acmeAdminRole)
			b := newUser(fmt.Sprintf("0ps%d", round), w.acmeAdminRole)
			b.Email = fmt.Sprintf("other%d@example.test", round)
			errs := race(
				func() error { _, err := w.s.CreateUser(w.acme, a); return err },
				func() error { _, err := w.s.CreateUser(w.acme, b); return err },
			)
			ok, alike := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case strings.Contains(fieldError(err, "username"), "looks like the existing user"):
					alike++
				default:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if ok != 1 || alike != 1 {
				t.Fatalf("round %d: %d created, %d refused", round, ok, alike)
			}
		}
		for round := range 3 {
			errs := race(
				func() error {
					_, err := w.s.CreateRole(w.acme, models.NewRole{Name: fmt.Sprintf("Operator%d", round)})
					return err
				},
				func() error {
					_, err := w.s.CreateRole(w.acme, models.NewRole{Name: fmt.Sprintf("0perator%d", round)})
					return err
				},
			)
			if (errs[0] == nil) == (errs[1] == nil) || !strings.Contains(fieldError(errs[0], "name")+fieldError(errs[1], "name"), "looks like the existing role") {
				t.Fatalf("round %d: %v", round, errs)
			}
		}
	})
}

// A subtenant's initial admin and the tenant's name are checked as well.
func TestANewTenantsAdminAndNameRefuseHiddenCharacters(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		storetest.TwoTenants(t, s)
		ctx := storetest.System(t.Context())
		for _, c := range []struct {
			field, want string
			n           models.NewTenant
		}{
			{"name", "invisible character (U+200B)", models.NewTenant{Subdomain: "gamma", Name: "Gamma\u200B Corp"}},
			{"name", "text-direction control character (U+202E)", models.NewTenant{Subdomain: "gamma", Name: "\u202Eprop ammaG"}},
			{"admin_username", "invisible character (U+FEFF)", models.NewTenant{Subdomain: "gamma", Name: "Gamma",
				Admin: &models.NewTenantAdmin{Username: "boss\uFEFF", Email: "boss@gamma.example", Password: storetest.Password}}},
			{"admin_email", "mixes Cyrillic and Latin letters", models.NewTenant{Subdomain: "gamma", Name: "Gamma",
				Admin: &models.NewTenantAdmin{Username: "boss", Email: "bоss@gamma.example", Password: storetest.Password}}},
		} {
			if _, err := s.CreateTenant(ctx, c.n); !strings.Contains(fieldError(err, c.field), c.want) {
				t.Fatalf("%s: %v, want %q", c.field, err, c.want)
			}
		}
		if _, err := s.CreateTenant(ctx, models.NewTenant{Subdomain: "gamma", Name: "Гамма 山田 Corp"}); err != nil {
			t.Fatal(err)
		}
	})
}

// A template's copies carry its name's skeleton, and skip a subtenant that
// already has a look-alike role.
func TestTemplateCopiesAreCheckedForLookAlikesInEachSubtenant(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newUserWorld(t, d)
		if _, err := w.s.CreateRole(w.acme, models.NewRole{Name: "0perator"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CreateRole(w.master, models.NewRole{Name: "Auditor", Multitenant: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CreateRole(w.beta, models.NewRole{Name: "Аuditor"}); !strings.Contains(fieldError(err, "name"), "looks like the existing role Auditor") {
			t.Fatalf("look-alike of a template's copy: %v", err)
		}
		tmpl, err := w.s.CreateRole(w.master, models.NewRole{Name: "Operator", Multitenant: true})
		if err != nil {
			t.Fatal(err)
		}
		names := func(ctx context.Context) string {
			rows, err := w.s.Roles(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rows {
				out = append(out, r.Name)
			}
			return strings.Join(out, ",")
		}
		if got := names(w.acme); strings.Contains(got, "Operator") {
			t.Fatalf("acme, which has 0perator, got a copy of Operator: %s", got)
		}
		if got := names(w.beta); !strings.Contains(got, "Operator") {
			t.Fatalf("beta got no copy of Operator: %s", got)
		}
		// A template renamed to a look-alike of a role in a tenant holding its copy is refused.
		if _, err := w.s.CreateRole(w.beta, models.NewRole{Name: "Monitor"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.s.UpdateRole(w.master, tmpl.ID, tmpl.Version, models.RoleChanges{Name: "Rnonitor"}); !strings.Contains(fieldError(err, "name"), "1 subtenant(s) already have another role named") {
			t.Fatalf("template renamed to a look-alike of beta's Monitor: %v", err)
		}
		// A rename that passes carries the skeleton to the copies.
		if _, _, err := w.s.UpdateRole(w.master, tmpl.ID, tmpl.Version, models.RoleChanges{Name: "Watcher"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CreateRole(w.beta, models.NewRole{Name: "Wаtcher"}); !strings.Contains(fieldError(err, "name"), "looks like the existing role Watcher") {
			t.Fatalf("look-alike of a renamed copy: %v", err)
		}
	})
}
