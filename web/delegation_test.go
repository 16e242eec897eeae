package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

// Climbing from inside a tenant, with the console's own forms: each attempt
// of the probe that found the role model could be climbed is refused with a
// message by the field, changes nothing, and is in the log as a failure.

var helpdesk = models.Permissions{models.FeatureUsers: models.LevelFull, models.FeatureRoles: models.LevelRead}

// refusedInLog says whether sub's newest event of action is a failure.
func refusedInLog(t *testing.T, c *console, sub, action string) bool {
	t.Helper()
	e := auditEvent(t, c, sub, action)
	return e != nil && e.Outcome == models.OutcomeFailure && strings.Contains(e.Details, "refused")
}

func editForm(tok string, u *models.User, role uint64) url.Values {
	return url.Values{"_csrf": {tok}, "version": {strconv.Itoa(u.Version)}, "username": {u.Username}, "email": {u.Email},
		"first_name": {u.FirstName}, "last_name": {u.LastName}, "role": {strconv.FormatUint(role, 10)}}
}

func TestAUserAdminWithoutRolesCannotGiveThemselvesOrOthersTheAdministratorRole(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("acme", "desk", helpdesk)
		c.limitedUser("acme", "plain", models.Permissions{})
		admin := c.roleID("acme", models.AdminRoleName)
		b := c.browser()
		b.signedIn("acme.localhost", "desk")
		tok := b.csrfOf("acme.localhost")

		// Their own user, to Administrator: refused by the field.
		me := c.userNamed("acme", "desk")
		u, _ := c.userIn("acme", me)
		res := b.post("acme.localhost", fmt.Sprintf("/users/%d/edit", me), editForm(tok, u, admin))
		if msg := doc(t, res).Find("#error-role").Text(); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, "your own role") {
			t.Fatalf("own role to Administrator: %d %q", res.StatusCode, msg)
		}
		if after, _ := c.userIn("acme", me); *after.RoleID != *u.RoleID || after.Version != u.Version {
			t.Fatalf("their role changed: %+v", after)
		}
		if !refusedInLog(t, c, "acme", models.ActionUserUpdate) {
			t.Fatal("the refusal is not in acme's log")
		}
		// Another user, to Administrator: the role gives more than they hold.
		plain := c.userNamed("acme", "plain")
		p, _ := c.userIn("acme", plain)
		res = b.post("acme.localhost", fmt.Sprintf("/users/%d/edit", plain), editForm(tok, p, admin))
		d := doc(t, res)
		if msg := d.Find("#error-role").Text(); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, "Roles: full (you have read)") {
			t.Fatalf("another to Administrator: %d %q", res.StatusCode, msg)
		}
		if v, _ := d.Find(`#field-username`).Attr("value"); v != "plain" {
			t.Fatalf("the form lost what was typed: %q", v)
		}
		if after, _ := c.userIn("acme", plain); *after.RoleID != *p.RoleID {
			t.Fatalf("their role changed: %+v", after)
		}
		// The edit form offers Administrator but not to choose.
		form := b.page("acme.localhost", fmt.Sprintf("/users/%d/edit", plain))
		if _, disabled := form.Find(fmt.Sprintf(`#field-role option[value="%d"]`, admin)).Attr("disabled"); !disabled {
			t.Fatal("the edit form lets them choose Administrator")
		}
		// A new user with the Administrator role, through the wizard.
		w := b.startUserWizard("acme.localhost", "")
		if res := w.post("next", identity("newadmin")); res.StatusCode != http.StatusOK {
			t.Fatalf("identity: %d", res.StatusCode)
		}
		if res := w.post("next", access(admin)); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(w.fieldError("role"), "gives more than you hold") {
			t.Fatalf("wizard with Administrator: %d %q", res.StatusCode, w.fieldError("role"))
		}
		if slicesContain(usernamesOf(t, c, "acme"), "newadmin") {
			t.Fatal("the wizard made the user")
		}
	})
}

func slicesContain(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func TestAUserAdminCannotResetTheOnlyFullAdminsPasswordNorDisableOrDeleteThem(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("acme", "desk", helpdesk)
		b := c.browser()
		b.signedIn("acme.localhost", "desk")
		tok := b.csrfOf("acme.localhost")
		boss := c.userNamed("acme", "admin@acme.example")
		before, _ := c.userIn("acme", boss)

		page := b.page("acme.localhost", fmt.Sprintf("/users/%d", boss))
		if page.Find(`[data-testid="user-actions"]`).Length() != 0 || !strings.Contains(page.Find(`[data-testid="user-actions-withheld"]`).Text(), "they hold more than you") {
			t.Fatal("a stronger user's page offers their actions, or does not say why")
		}
		res := b.post("acme.localhost", fmt.Sprintf("/users/%d/password", boss), url.Values{"_csrf": {tok}, "password": {"taken over at last"}, "password_confirm": {"taken over at last"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, res).Text(), "more rights than you") {
			t.Fatalf("password reset of the admin: %d", res.StatusCode)
		}
		if !refusedInLog(t, c, "acme", models.ActionUserPasswordReset) {
			t.Fatal("the refused reset is not in the log")
		}
		res = b.post("acme.localhost", fmt.Sprintf("/users/%d/disable", boss), url.Values{"_csrf": {tok}})
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(b.page("acme.localhost", res.Header.Get("Location")).Find(`[data-testid="flash"]`).Text(), "more rights than you") {
			t.Fatalf("disable the admin: %d", res.StatusCode)
		}
		res = b.post("acme.localhost", fmt.Sprintf("/users/%d/delete", boss), url.Values{"_csrf": {tok}, "confirm": {"admin@acme.example"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("delete the admin: %d", res.StatusCode)
		}
		after, ok := c.userIn("acme", boss)
		if !ok || after.PasswordHash != before.PasswordHash || !after.Enabled || after.SessionVersion != before.SessionVersion {
			t.Fatalf("the admin's account changed: %+v", after)
		}
		// The admin still signs in with their own password.
		c.browser().signedIn("acme.localhost", "admin@acme.example")
	})
}

func TestAMasterSupportUserCannotGiveThemselvesTheMasterAdministratorRole(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("master", "support", helpdesk)
		b := c.browser()
		b.signedIn("localhost", "support")
		me := c.userNamed("master", "support")
		u, _ := c.userIn("master", me)
		admin := c.roleID("master", models.AdminRoleName)
		res := b.post("localhost", fmt.Sprintf("/users/%d/edit", me), editForm(b.csrfOf("localhost"), u, admin))
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("own role to the master's Administrator: %d", res.StatusCode)
		}
		if after, _ := c.userIn("master", me); *after.RoleID != *u.RoleID {
			t.Fatal("the support user took the master's Administrator role")
		}
		if res := b.get("localhost", "/tenants"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("the tenant list: %d", res.StatusCode)
		}
	})
}

func TestARoleAdminCannotRaiseTheRoleTheyHoldNorARoleAboveThemselves(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("acme", "roler", models.Permissions{models.FeatureRoles: models.LevelFull, models.FeatureUsers: models.LevelRead})
		b := c.browser()
		b.signedIn("acme.localhost", "roler")
		tok := b.csrfOf("acme.localhost")
		all := url.Values{"_csrf": {tok}, "version": {"1"}}
		for _, f := range models.Features {
			if !f.MasterOnly() { // as acme's form offers them
				all.Set("perm_"+string(f), "full")
			}
		}
		own := c.roleID("acme", "Role of roler")
		form := url.Values{}
		for k, v := range all {
			form[k] = v
		}
		form.Set("name", "Role of roler")
		res := b.post("acme.localhost", fmt.Sprintf("/roles/%d/edit", own), form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, res).Find(`[data-testid="form-error"]`).Text(), "You hold this role") {
			t.Fatalf("raising the role they hold: %d", res.StatusCode)
		}
		// Another role, raised to users: full: refused by that feature, the
		// matrix as they chose it.
		other, err := c.store.CreateRole(storetest.System(models.WithTenant(context.Background(), c.mustTenant("acme").ID)), models.NewRole{Name: "Viewer"})
		if err != nil {
			t.Fatal(err)
		}
		form.Set("name", "Viewer")
		res = b.post("acme.localhost", fmt.Sprintf("/roles/%d/edit", other.ID), form)
		d := doc(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(d.Find("#error-perm_users").Text(), "at most read") {
			t.Fatalf("raising another role: %d %q", res.StatusCode, d.Find("#error-perm_users").Text())
		}
		if _, checked := d.Find(`input[name="perm_users"][value="full"]`).Attr("checked"); !checked {
			t.Fatal("the matrix lost what was chosen")
		}
		for _, id := range []uint64{own, other.ID} {
			r, _ := c.store.Role(storetest.System(models.WithTenant(context.Background(), c.mustTenant("acme").ID)), id)
			if r.Version != 1 || r.Permissions.Level(models.FeatureUsers) == models.LevelFull {
				t.Fatalf("role %s changed: %+v", r.Name, r)
			}
		}
		if !refusedInLog(t, c, "acme", models.ActionRoleUpdate) {
			t.Fatal("the refusal is not in the log")
		}
		// The roles page offers no edit of the role they hold, and says why.
		list := b.page("acme.localhost", "/roles")
		if list.Find(fmt.Sprintf(`a[href="/roles/%d/edit"]`, own)).Length() != 0 || !strings.Contains(list.Find(`[data-testid="role-withheld"]`).Text(), "you hold it") {
			t.Fatal("the roles page offers to edit the role they hold, or does not say why")
		}
		// A new role at users: full: the same.
		form.Set("name", "Climber")
		form.Del("version")
		if res := b.createRole("acme.localhost", form); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a new role above them: %d", res.StatusCode)
		}
	})
}

func TestAMasterWithoutFullRightsCannotRaiseATenantsCapOrGiveAnInitialAdminMore(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("master", "capper", models.Permissions{models.FeatureRoles: models.LevelFull, models.FeatureTenants: models.LevelFull, models.FeatureUsers: models.LevelFull})
		b := c.browser()
		b.signedIn("localhost", "capper")
		// A tenant role at audit: full, which they do not hold.
		caps := b.trPost(b.startTRWizard(), "next", url.Values{"name": {"Auditors"}})
		if got := b.trPost(caps, "next", url.Values{"perm_audit": {"full"}}); got.status != http.StatusUnprocessableEntity || !strings.Contains(got.fieldError("perm_audit"), "at most none") {
			t.Fatalf("a tenant role above them: %d", got.status)
		}
		if !refusedInLog(t, c, "master", models.ActionTenantRoleCreate) {
			t.Fatal("the refusal is not in the master's log")
		}
	})
}

// The last full admin of a tenant is kept on the master's paths that lower
// a subtenant's rights: a tenant role's cap.
func TestACapChangeThatWouldLeaveATenantWithoutAFullAdminIsRefusedOverTheWeb(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		root := c.browser()
		root.signedIn("localhost", "root@example.com")
		id := c.tenantRoleNamed("Standard")
		form := url.Values{"_csrf": {root.csrfOf("localhost")}, "name": {"Standard"}, "version": {"1"}, "perm_users": {"read"}, "perm_roles": {"full"}}
		res := root.post("localhost", fmt.Sprintf("/tenant-roles/%d/edit", id), form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, res).Text(), "would have no") {
			t.Fatalf("a cap that leaves acme no admin: %d", res.StatusCode)
		}
		if tr, _ := c.store.TenantRole(context.Background(), id); tr.Version != 1 {
			t.Fatal("the cap changed")
		}
	})
}

// An impersonator cannot raise the user they act as, nor give anyone what
// neither of them holds: the probe's support user, impersonating a helpdesk
// user, tried both, then the pages the raise would have opened.
func TestAnImpersonatorCannotRaiseTheImpersonatedUser(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("master", "support", models.Permissions{models.FeatureImpersonation: models.LevelFull, models.FeatureUsers: models.LevelFull})
		c.limitedUser("acme", "desk", models.Permissions{models.FeatureUsers: models.LevelFull})
		c.limitedUser("acme", "plain", models.Permissions{})
		desk, plain := c.userNamed("acme", "desk"), c.userNamed("acme", "plain")
		admin := c.roleID("acme", models.AdminRoleName)
		im := c.impersonateAs("support", "acme", desk)
		b := im.master
		tok := b.csrfOf("acme.localhost")
		for _, id := range []uint64{desk, plain} {
			u, _ := c.userIn("acme", id)
			res := b.post("acme.localhost", fmt.Sprintf("/users/%d/edit", id), editForm(tok, u, admin))
			if res.StatusCode != http.StatusUnprocessableEntity || doc(t, res).Find("#error-role").Text() == "" {
				t.Fatalf("giving %s the Administrator role while impersonating: %d", u.Username, res.StatusCode)
			}
			if after, _ := c.userIn("acme", id); *after.RoleID != *u.RoleID {
				t.Fatalf("%s was given the Administrator role", u.Username)
			}
		}
		if e := auditEvent(t, c, "acme", models.ActionUserUpdate); e == nil || e.Outcome != models.OutcomeFailure || e.ImpersonatorName != "support" {
			t.Fatalf("the refusal is not in acme's log with the impersonator: %+v", e)
		}
		wantStatuses(t, "after the attempts", statuses(b, "acme.localhost", "/audit", "/audit/export", "/roles/new"), http.StatusForbidden)
	})
}
