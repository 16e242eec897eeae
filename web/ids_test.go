package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"landlord/models"
)

// Ids in paths, queries and forms: anything that is not a decimal from 1 to
// 2^63-1 names nothing, on both databases, and never answers 500.

// notIDs are what a person or a script may put where an id goes: beyond the
// databases' bigint, signed, zero, and what a looser parser would accept.
var notIDs = []string{"9223372036854775808", "18446744073709551615", "18446744073709551616", "-1", "0", "1e3", " 5", "+5", "0x10", "007"}

// formOf is what the form selected in d would post as it stands.
func formOf(d *goquery.Document, selector string) url.Values {
	form := url.Values{}
	f := d.Find(selector)
	f.Find("input").Each(func(_ int, s *goquery.Selection) {
		name, typ := s.AttrOr("name", ""), s.AttrOr("type", "text")
		if name == "" || ((typ == "radio" || typ == "checkbox") && s.AttrOr("checked", "-") == "-") {
			return
		}
		form.Set(name, s.AttrOr("value", ""))
	})
	f.Find("textarea").Each(func(_ int, s *goquery.Selection) { form.Set(s.AttrOr("name", ""), s.Text()) })
	f.Find("select").Each(func(_ int, s *goquery.Selection) {
		form.Set(s.AttrOr("name", ""), s.Find("option[selected]").AttrOr("value", ""))
	})
	return form
}

// idRoutes are the routes that take an id in their path, as host, method
// and path with %s for the id, and who signs in to call them.
type idRoute struct{ host, method, path string }

func acmeIDRoutes() []idRoute {
	var out []idRoute
	for _, p := range []string{"/users/%s", "/users/%s/permissions", "/users/%s/edit", "/users/%s/delete", "/users/%s/password", "/roles/%s/edit", "/roles/%s/delete", "/audit/%s"} {
		out = append(out, idRoute{"acme.localhost", http.MethodGet, p})
	}
	for _, p := range []string{"/users/%s/edit", "/users/%s/disable", "/users/%s/enable", "/users/%s/delete", "/users/%s/password", "/roles/%s/edit", "/roles/%s/delete"} {
		out = append(out, idRoute{"acme.localhost", http.MethodPost, p})
	}
	return out
}

func masterIDRoutes() []idRoute {
	var out []idRoute
	for _, p := range []string{"/tenants/acme/users/%s", "/tenants/acme/users/%s/edit", "/tenants/acme/users/%s/delete", "/tenants/acme/users/%s/password",
		"/tenants/acme/users/%s/impersonate", "/tenant-roles/%s/edit", "/tenant-roles/%s/delete"} {
		out = append(out, idRoute{"localhost", http.MethodGet, p})
	}
	for _, p := range []string{"/tenants/acme/users/%s/edit", "/tenants/acme/users/%s/disable", "/tenants/acme/users/%s/enable", "/tenants/acme/users/%s/delete",
		"/tenants/acme/users/%s/password", "/tenants/acme/users/%s/impersonate", "/tenant-roles/%s/edit", "/tenant-roles/%s/delete"} {
		out = append(out, idRoute{"localhost", http.MethodPost, p})
	}
	return out
}

// call sends r with id in its path; a POST carries a form that would pass
// were the id a real one.
func (b *browser) callWithID(r idRoute, id, csrf string) *http.Response {
	b.c.t.Helper()
	path := strings.Replace(r.path, "%s", url.PathEscape(id), 1)
	if r.method == http.MethodGet {
		return b.get(r.host, path)
	}
	return b.post(r.host, path, url.Values{"_csrf": {csrf}, "version": {"1"}, "name": {"Renamed"}, "username": {"renamed"},
		"confirm": {"renamed"}, "password": {newPassword}, "password_confirm": {newPassword}, "reason": {"Ticket 1"}, "_action": {"save"}})
}

func TestAPathIDThatIsNoIDIsNotFoundOnEveryRoute(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		acmeTok := acme.csrfOf("acme.localhost")
		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		masterTok := master.csrfOf("localhost")

		// The routes answer their page for a real id of the tenant, so a 404
		// below is the id's doing.
		c.limitedUser("acme", "bob", models.Permissions{})
		bob, role, event := itoa(c.userNamed("acme", "bob")), itoa(c.roleNamed("acme", models.AdminRoleName)), itoa(c.newestEvent("acme"))
		for _, p := range []string{"/users/" + bob, "/users/" + bob + "/edit", "/roles/" + role + "/edit", "/audit/" + event} {
			status(t, "GET "+p, acme.get("acme.localhost", p), http.StatusOK)
		}
		standard := itoa(c.tenantRoleNamed("Standard"))
		for _, p := range []string{"/tenants/acme/users/" + bob, "/tenants/acme/users/" + bob + "/impersonate", "/tenant-roles/" + standard + "/edit"} {
			status(t, "GET "+p, master.get("localhost", p), http.StatusOK)
		}

		for _, id := range notIDs {
			for _, r := range acmeIDRoutes() {
				status(t, r.method+" "+r.path+" with "+id, acme.callWithID(r, id, acmeTok), http.StatusNotFound)
			}
			for _, r := range masterIDRoutes() {
				status(t, r.method+" "+r.path+" with "+id, master.callWithID(r, id, masterTok), http.StatusNotFound)
			}
		}

		// A real id of another tenant is no more found than one that is no id.
		betaUser, betaRole, betaEvent := itoa(c.userNamed("beta", "admin@beta.example")), itoa(c.roleNamed("beta", models.AdminRoleName)), itoa(c.newestEvent("beta"))
		for _, r := range acmeIDRoutes() {
			id := betaUser
			switch {
			case strings.HasPrefix(r.path, "/roles/"):
				id = betaRole
			case strings.HasPrefix(r.path, "/audit/"):
				id = betaEvent
			}
			status(t, r.method+" "+r.path+" with beta's "+id, acme.callWithID(r, id, acmeTok), http.StatusNotFound)
		}
		for _, r := range masterIDRoutes() {
			if strings.HasPrefix(r.path, "/tenants/acme/users/") {
				status(t, r.method+" "+r.path+" with beta's user", master.callWithID(r, betaUser, masterTok), http.StatusNotFound)
			}
		}
		if u, ok := c.userIn("acme", c.userNamed("acme", "bob")); !ok || u.Username != "bob" || !u.Enabled {
			t.Fatalf("bob after the refused requests: %+v", u)
		}
	})
}

func TestAnAuditCursorThatIsNoIDShowsTheNewestPage(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		newest := strings.Join(auditRowActions(admin.page("acme.localhost", "/audit")), ",")
		if newest == "" {
			t.Fatal("acme's log is empty")
		}
		// A real cursor pages: older than the newest event leaves it out.
		older := admin.page("acme.localhost", "/audit?before="+itoa(c.newestEvent("acme")))
		if got := strings.Join(auditRowActions(older), ","); got == newest {
			t.Fatalf("a real cursor shows the newest page: %s", got)
		}
		for _, id := range notIDs {
			d := admin.page("acme.localhost", "/audit?before="+url.QueryEscape(id))
			if got := strings.Join(auditRowActions(d), ","); got != newest {
				t.Errorf("before=%q shows %s, want the newest page %s", id, got, newest)
			}
		}
	})
}

func TestARoleFieldThatIsNoIDIsAMessageByTheFieldWithTheValuesKept(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		c.limitedUser("acme", "bob", models.Permissions{})
		bob := itoa(c.userNamed("acme", "bob"))
		for _, id := range notIDs {
			// The user wizard's role.
			w := acme.startUserWizard("acme.localhost", "")
			if res := w.post("next", identity("jane")); res.StatusCode != http.StatusOK || w.step != "1" {
				t.Fatalf("identity: %d", res.StatusCode)
			}
			fields := access(0)
			fields.Set("role", id)
			if res := w.post("next", fields); res.StatusCode != http.StatusUnprocessableEntity || w.step != "1" || w.fieldError("role") == "" {
				t.Errorf("the wizard's role %q: %d step %s %q", id, res.StatusCode, w.step, w.fieldError("role"))
			}

			// The user edit's role.
			form := formOf(acme.page("acme.localhost", "/users/"+bob+"/edit"), `[data-testid="user-edit-form"]`)
			form.Set("role", id)
			form.Set("first_name", "Robert")
			res := acme.post("acme.localhost", "/users/"+bob+"/edit", form)
			d := doc(t, res)
			if res.StatusCode != http.StatusUnprocessableEntity || strings.TrimSpace(d.Find("#error-role").Text()) == "" ||
				d.Find(`[data-testid="field-first_name"]`).AttrOr("value", "") != "Robert" {
				t.Errorf("the edit's role %q: %d %q", id, res.StatusCode, d.Find("#error-role").Text())
			}

			// The tenant edit's tenant role.
			form = formOf(master.page("localhost", "/tenants/acme/edit"), `[data-testid="tenant-edit-form"]`)
			form.Set("tenant_role", id)
			form.Set("customer_number", "C-42")
			res = master.post("localhost", "/tenants/acme/edit", form)
			d = doc(t, res)
			if res.StatusCode != http.StatusUnprocessableEntity || strings.TrimSpace(d.Find("#error-tenant_role").Text()) == "" ||
				d.Find(`[data-testid="field-customer_number"]`).AttrOr("value", "") != "C-42" {
				t.Errorf("the tenant edit's tenant role %q: %d %q", id, res.StatusCode, d.Find("#error-tenant_role").Text())
			}

			// The tenant wizard's tenant role.
			p := master.startTenantWizard()
			details := url.Values{"tenant_role": {id}}
			for k, v := range gammaDetails {
				details[k] = v
			}
			p = master.wizardPost(p, "next", details)
			if p.status != http.StatusUnprocessableEntity || p.step != "details" || p.fieldError("tenant_role") == "" || p.value("name") != "Gamma Ltd" {
				t.Errorf("the tenant wizard's tenant role %q: %d step %s %q", id, p.status, p.step, p.fieldError("tenant_role"))
			}
		}
		if u, _ := c.userIn("acme", c.userNamed("acme", "bob")); u.FirstName == "Robert" {
			t.Fatal("bob was saved with a role that is no id")
		}
		if tn, _ := c.store.TenantBySubdomain(t.Context(), "acme"); tn.CustomerNumber == "C-42" {
			t.Fatal("acme was saved with a tenant role that is no id")
		}
	})
}

func TestAVersionNoRecordCanHaveIsAConflictAndOneThatIsNoNumberABadRequest(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		c.limitedUser("acme", "bob", models.Permissions{})
		bob := itoa(c.userNamed("acme", "bob"))
		op := itoa(c.roleNamed("acme", "Role of bob"))
		standard := itoa(c.tenantRoleNamed("Standard"))
		forms := []struct {
			b              *browser
			host, path, of string
		}{
			{acme, "acme.localhost", "/users/" + bob + "/edit", `[data-testid="user-edit-form"]`},
			{acme, "acme.localhost", "/roles/" + op + "/edit", `[data-testid="role-form"]`},
			{acme, "acme.localhost", "/settings", `[data-testid="settings-form"]`},
			{master, "localhost", "/tenants/acme/edit", `[data-testid="tenant-edit-form"]`},
			{master, "localhost", "/tenant-roles/" + standard + "/edit", `[data-testid="role-form"]`},
		}
		before := c.snapshot("acme")
		for _, f := range forms {
			form := formOf(f.b.page(f.host, f.path), f.of)
			if form.Get("version") == "" || form.Get("_csrf") == "" {
				t.Fatalf("%s: no version or token in %v", f.path, form)
			}
			form.Set("_action", "save")
			for _, v := range []string{"2147483648", "9223372036854775808", "18446744073709551615", "18446744073709551616", "0"} {
				form.Set("version", v)
				status(t, f.path+" at version "+v, f.b.post(f.host, f.path, form), http.StatusConflict)
			}
			for _, v := range []string{"-1", "1e3", " 5", "+5", "0x10", ""} {
				form.Set("version", v)
				status(t, f.path+" at version "+v, f.b.post(f.host, f.path, form), http.StatusBadRequest)
			}
		}
		if after := c.snapshot("acme"); after != before {
			t.Fatalf("a refused version changed roles:\n%s\n---\n%s", before, after)
		}
	})
}
