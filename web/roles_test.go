package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"landlord/models"
	"landlord/models/storetest"
)

// open loads path on host, failing unless it answers 200, and returns the
// page and its CSRF token.
func (b *browser) open(host, path string) (*goquery.Document, string) {
	b.c.t.Helper()
	res := b.get(host, path)
	if res.StatusCode != http.StatusOK {
		b.c.t.Fatalf("GET %s%s: %d (Location %q)", host, path, res.StatusCode, res.Header.Get("Location"))
	}
	d := doc(b.c.t, res)
	tok, _ := d.Find(`input[name="_csrf"]`).First().Attr("value")
	return d, tok
}

// roleForm is a role form's fields: name, description, the matrix's levels
// (every feature not named is none) and the CSRF token.
func roleForm(csrf, name, description string, levels map[models.Feature]string, extra ...string) url.Values {
	v := url.Values{"_csrf": {csrf}, "name": {name}, "description": {description}}
	for _, f := range models.Features {
		l := levels[f]
		if l == "" {
			l = "none"
		}
		v.Set("perm_"+string(f), l)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

// snapshot is every role of tenant sub and every tenant role, as stored, to
// tell that a refused request changed nothing.
func (c *console) snapshot(sub string) string {
	c.t.Helper()
	tn, err := c.store.TenantBySubdomain(context.Background(), sub)
	if err != nil {
		c.t.Fatal(err)
	}
	rows, err := c.store.Roles(storetest.System(models.WithTenant(context.Background(), tn.ID)))
	if err != nil {
		c.t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		v, _ := r.Permissions.Value()
		out = append(out, fmt.Sprintf("%d %s %q v%d linked=%v %s", r.ID, r.Name, r.Description, r.Version, r.Linked, v))
	}
	trs, err := c.store.TenantRoles(storetest.System(context.Background()))
	if err != nil {
		c.t.Fatal(err)
	}
	for _, r := range trs {
		v, _ := r.Permissions.Value()
		out = append(out, fmt.Sprintf("tenant role %d %s v%d %s", r.ID, r.Name, r.Version, v))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// inTenant is a context acting as the system in tenant sub, for set-up.
func (c *console) inTenant(sub string) context.Context {
	c.t.Helper()
	tn, err := c.store.TenantBySubdomain(context.Background(), sub)
	if err != nil {
		c.t.Fatal(err)
	}
	return models.WithTenant(storetest.System(context.Background()), tn.ID)
}

// template makes a multi-tenant role in the master, copied into acme and beta.
func (c *console) template(name string, perms models.Permissions) *models.Role {
	c.t.Helper()
	r, err := c.store.CreateRole(c.inTenant("master"), models.NewRole{Name: name, Permissions: perms, Multitenant: true})
	if err != nil {
		c.t.Fatal(err)
	}
	return r
}

// capTenant gives tenant sub a new tenant role with perms.
func (c *console) capTenant(sub, name string, perms models.Permissions) *models.TenantRole {
	c.t.Helper()
	tr, err := c.store.CreateTenantRole(storetest.System(context.Background()), models.NewRole{Name: name, Permissions: perms})
	if err != nil {
		c.t.Fatal(err)
	}
	tn, _ := c.store.TenantBySubdomain(context.Background(), sub)
	storetest.Exec(c.t, c.store, "UPDATE tenants SET tenant_role_id = ? WHERE id = ?", tr.ID, tn.ID)
	return tr
}

func allFull() map[models.Feature]string {
	m := map[models.Feature]string{}
	for _, f := range models.Features {
		m[f] = "full"
	}
	return m
}

func text(d *goquery.Document, selector string) string {
	return strings.Join(strings.Fields(d.Find(selector).Text()), " ")
}

func status(t *testing.T, what string, res *http.Response, want int) {
	t.Helper()
	if res.StatusCode != want {
		t.Errorf("%s: %d (Location %q), want %d", what, res.StatusCode, res.Header.Get("Location"), want)
	}
}

func TestRolesPageShowsOriginsHoldersAndTheTenantsCap(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.template("Operator", models.Permissions{models.FeatureUsers: models.LevelRead})
		betaCopy := c.roleNamed("beta", "Operator")
		if _, _, err := c.store.UpdateRole(c.inTenant("beta"), betaCopy, 1, models.RoleChanges{Name: "Operator", Description: "Ours now"}); err != nil {
			t.Fatal(err)
		}
		c.capTenant("acme", "Narrow", models.Permissions{models.FeatureUsers: models.LevelRead, models.FeatureRoles: models.LevelFull})

		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		d, _ := master.open("localhost", "/roles")
		if d.Find(`[data-testid="role-row"][data-role="Operator"][data-origin="template"] [data-testid="template-badge"]`).Length() != 1 {
			t.Error("the master's template is not marked")
		}
		if href, _ := d.Find(`[data-testid="tenant-roles-link"]`).Attr("href"); href != "/tenant-roles" {
			t.Errorf("the master's roles page links to %q for tenant roles", href)
		}
		if d.Find(`[data-testid="tenant-cap"]`).Length() != 0 {
			t.Error("the master, which nothing caps, is shown a cap")
		}

		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		d, _ = acme.open("acme.localhost", "/roles")
		if got := text(d, `[data-role="Operator"] [data-testid="role-origin"]`); got != "Linked to template “Operator”" {
			t.Errorf("acme's copy: %q", got)
		}
		if got := text(d, `[data-role="Administrator"] [data-testid="role-origin"]`); got != "Own" {
			t.Errorf("acme's own role: %q", got)
		}
		if got := text(d, `[data-role="Administrator"] [data-testid="role-users"]`); got != "1" {
			t.Errorf("holders of acme's admin role: %q", got)
		}
		if d.Find(`[data-testid="tenant-roles-link"]`).Length() != 0 {
			t.Error("a subtenant is offered the tenant roles")
		}
		if got := text(d, `[data-testid="tenant-cap-name"]`); got != "Narrow" {
			t.Errorf("acme's cap: %q", got)
		}
		if got, _ := d.Find(`[data-testid="tenant-cap-levels"] [data-feature="users"] td`).Attr("data-level"); got != "read" {
			t.Errorf("acme's cap on users: %q", got)
		}
		// Where the cap bites, the role's grant shows what it gives here.
		if got, _ := d.Find(`[data-role="Administrator"] [data-feature="users"] [data-testid="grant-capped"]`).Attr("data-effective"); got != "read" {
			t.Errorf("the admin role's users: full under a read cap shows %q", got)
		}
		if d.Find(`[data-role="Administrator"] [data-feature="roles"] [data-testid="grant-capped"]`).Length() != 0 {
			t.Error("a grant the cap allows is shown capped")
		}
		// Every role but the one they hold (Administrator): that one says why.
		if d.Find(`[data-testid="role-edit"]`).Length() != 1 || d.Find(`[data-testid="role-new"]`).Length() != 1 {
			t.Error("acme's admin is not offered to edit and create roles")
		}
		if !strings.Contains(d.Find(`[data-role="Administrator"] [data-testid="role-withheld"]`).Text(), "you hold it") {
			t.Error("the role acme's admin holds offers its edit")
		}

		beta := c.browser()
		beta.signedIn("beta.localhost", "admin@beta.example")
		d, _ = beta.open("beta.localhost", "/roles")
		if got := text(d, `[data-role="Operator"] [data-testid="role-origin"]`); got != "Detached from template “Operator”" {
			t.Errorf("beta's edited copy: %q", got)
		}
		if got := text(d, `[data-testid="tenant-cap-name"]`); got != "Standard" {
			t.Errorf("beta's cap: %q", got)
		}

		// roles: read sees the list, without the links to change it.
		c.limitedUser("acme", "viewer", models.Permissions{models.FeatureRoles: models.LevelRead})
		viewer := c.browser()
		viewer.signedIn("acme.localhost", "viewer")
		d, _ = viewer.open("acme.localhost", "/roles")
		if d.Find(`[data-testid="role-row"]`).Length() != 3 || d.Find(`[data-testid="role-edit"], [data-testid="role-delete"], [data-testid="role-new"]`).Length() != 0 {
			t.Error("roles: read sees the wrong rows or links to change them")
		}
	})
}

func TestThePermissionMatrixIsAnAccessibleFormOfRadioButtons(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		details, _ := b.open("acme.localhost", "/roles/new")
		d := b.roleLevelsStep("acme.localhost", "Matrix").doc
		sets := d.Find(`[data-testid="permission-matrix"] fieldset`)
		want := 0
		for _, f := range models.Features {
			if !f.MasterOnly() {
				want++
			}
		}
		if sets.Length() != want {
			t.Fatalf("%d fieldsets, want one per feature a subtenant's role can grant (%d)", sets.Length(), want)
		}
		sets.Each(func(_ int, fs *goquery.Selection) {
			feature := fs.AttrOr("data-feature", "")
			if strings.TrimSpace(fs.Find("legend").Text()) == "" {
				t.Errorf("%s: no legend", feature)
			}
			radios := fs.Find(`input[type="radio"]`)
			if radios.Length() != 3 {
				t.Errorf("%s: %d radio buttons", feature, radios.Length())
			}
			radios.Each(func(_ int, r *goquery.Selection) {
				id := r.AttrOr("id", "")
				if r.AttrOr("name", "") != "perm_"+feature || id == "" || strings.TrimSpace(d.Find(`label[for="`+id+`"]`).Text()) == "" {
					t.Errorf("%s: radio %q has name %q and no label", feature, id, r.AttrOr("name", ""))
				}
			})
			if fs.Find(`input[type="radio"][value="none"][checked]`).Length() != 1 {
				t.Errorf("%s: a new role does not start at none", feature)
			}
		})
		if details.Find(`[data-testid="field-multitenant"]`).Length() != 0 {
			t.Error("a subtenant is offered to make templates")
		}
		if d.Find(`script:not([src])`).Length() != 0 {
			t.Error("the form needs inline script")
		}
		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		d, _ = master.open("localhost", "/roles/new")
		if got := text(d, `label[for="field-multitenant"]`); got != "Multi-tenant template (copied into every subtenant, now and later)" {
			t.Errorf("the master's template box: %q", got)
		}
	})
}

func TestARoleIsCreatedPreviewedSavedAndDeletedThroughItsForms(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		_, tok := b.open("acme.localhost", "/roles/new")
		res := b.createRole("acme.localhost", roleForm(tok, "Support", "First line", map[models.Feature]string{models.FeatureUsers: "full", models.FeatureAudit: "read"}))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/roles" {
			t.Fatalf("create: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		d, _ := b.open("acme.localhost", "/roles")
		if got := text(d, `[data-testid="flash"]`); got != "Role “Support” created." {
			t.Errorf("flash after create: %q", got)
		}
		id := c.roleNamed("acme", "Support")
		path := "/roles/" + itoa(id)

		d, tok = b.open("acme.localhost", path+"/edit")
		if d.Find(`#perm-users-full[checked]`).Length() != 1 || d.Find(`#perm-audit-read[checked]`).Length() != 1 {
			t.Error("the edit form does not show the stored levels")
		}
		version := d.Find(`input[name="version"]`).AttrOr("value", "")
		if d.Find(`[data-testid="linked-warning"]`).Length() != 0 {
			t.Error("an own role warns it is linked")
		}
		// A holder, so the preview has someone to count.
		if _, err := c.store.CreateUser(c.inTenant("acme"), models.NewUser{Username: "sam", Password: password, RoleID: id}); err != nil {
			t.Fatal(err)
		}
		before := c.snapshot("acme")
		edit := roleForm(tok, "Support desk", "First line", map[models.Feature]string{models.FeatureUsers: "read", models.FeatureAudit: "read"}, "version", version)
		edit.Set("_action", "preview")
		res = b.post("acme.localhost", path+"/edit", edit)
		status(t, "preview", res, http.StatusOK)
		d = doc(t, res)
		if got := d.Find(`[data-testid="preview-changes"] tbody tr`).Length(); got != 1 {
			t.Errorf("preview lists %d changed features, want users only", got)
		}
		levels := d.Find(`[data-testid="preview-changes"] [data-feature="users"] td`).Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("data-level", "") })
		if got := strings.Join(levels, " → "); got != "full → read" {
			t.Errorf("preview of users: %q", got)
		}
		if got := text(d, `[data-testid="preview-holders"]`); !strings.Contains(got, "1 user holds this role") || !strings.Contains(got, "1 of them") {
			t.Errorf("preview holders: %q", got)
		}
		if d.Find(`[data-testid="field-name"]`).AttrOr("value", "") != "Support desk" || d.Find(`#perm-users-read[checked]`).Length() != 1 {
			t.Error("the preview lost what was typed")
		}
		if after := c.snapshot("acme"); after != before {
			t.Errorf("the preview changed the role:\n%s\n---\n%s", before, after)
		}

		edit.Set("_action", "save")
		res = b.post("acme.localhost", path+"/edit", edit)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", res.StatusCode)
		}
		r, err := c.store.RoleDetail(c.inTenant("acme"), id)
		if err != nil || r.Name != "Support desk" || r.Permissions.Level(models.FeatureUsers) != models.LevelRead {
			t.Fatalf("saved: %+v %v", r, err)
		}
		// The same form again carries the old version: refused, not saved over.
		edit.Set("name", "Stale")
		res = b.post("acme.localhost", path+"/edit", edit)
		status(t, "a stale save", res, http.StatusConflict)
		if got := text(doc(t, res), `[data-testid="form-error"]`); !strings.Contains(got, "Someone else changed this") {
			t.Errorf("stale save says %q", got)
		}
		if r, _ := c.store.RoleDetail(c.inTenant("acme"), id); r.Name != "Support desk" {
			t.Errorf("the stale save renamed the role to %q", r.Name)
		}

		// Held: the delete is refused with the model's message.
		d, tok = b.open("acme.localhost", path+"/delete")
		if got := text(d, `[data-testid="delete-held"]`); !strings.Contains(got, "1 user holds it") {
			t.Errorf("delete confirmation: %q", got)
		}
		res = b.post("acme.localhost", path+"/delete", url.Values{"_csrf": {tok}})
		status(t, "deleting a held role", res, http.StatusUnprocessableEntity)
		if got := text(doc(t, res), `[data-testid="form-error"]`); got != "1 user(s) have this role; give them another role first." {
			t.Errorf("deleting a held role says %q", got)
		}
		// Unheld: gone.
		spare, err := c.store.CreateRole(c.inTenant("acme"), models.NewRole{Name: "Spare"})
		if err != nil {
			t.Fatal(err)
		}
		res = b.post("acme.localhost", "/roles/"+itoa(spare.ID)+"/delete", url.Values{"_csrf": {tok}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/roles" {
			t.Fatalf("delete: %d", res.StatusCode)
		}
		if _, err := c.store.RoleDetail(c.inTenant("acme"), spare.ID); err != models.ErrNotFound {
			t.Errorf("the deleted role is still there: %v", err)
		}
	})
}

func TestTemplatesAreMadeInTheMasterAndACopysEditDetachesIt(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		_, tok := master.open("localhost", "/roles/new")
		res := master.createRole("localhost", roleForm(tok, "Operator", "", map[models.Feature]string{models.FeatureUsers: "read"}, "multitenant", "on"))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create a template: %d", res.StatusCode)
		}
		d, _ := master.open("localhost", "/roles")
		if got := text(d, `[data-testid="flash"]`); got != "Template “Operator” created and copied, linked, into 2 subtenants." {
			t.Errorf("flash: %q", got)
		}

		// A subtenant cannot make one, whatever it posts.
		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		_, atok := acme.open("acme.localhost", "/roles/new")
		before := c.snapshot("beta")
		res = acme.createRole("acme.localhost", roleForm(atok, "Spread", "", nil, "multitenant", "on"))
		status(t, "a subtenant's template", res, http.StatusForbidden)
		if after := c.snapshot("beta"); after != before {
			t.Error("a subtenant's template reached beta")
		}

		// acme's copy is linked; its edit page warns that saving detaches it.
		copyID := c.roleNamed("acme", "Operator")
		d, atok = acme.open("acme.localhost", "/roles/"+itoa(copyID)+"/edit")
		if got := text(d, `[data-testid="linked-warning"]`); !strings.Contains(got, "detaches it from the template for good") {
			t.Errorf("linked copy's warning: %q", got)
		}
		form := roleForm(atok, "Operator", "", map[models.Feature]string{models.FeatureUsers: "full"}, "version", d.Find(`input[name="version"]`).AttrOr("value", ""), "_action", "preview")
		d = doc(t, acme.post("acme.localhost", "/roles/"+itoa(copyID)+"/edit", form))
		if d.Find(`[data-testid="preview-detaches"]`).Length() != 1 {
			t.Error("the copy's preview does not say saving detaches it")
		}
		form.Set("_action", "save")
		res = acme.post("acme.localhost", "/roles/"+itoa(copyID)+"/edit", form)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save the copy: %d", res.StatusCode)
		}
		d, _ = acme.open("acme.localhost", "/roles")
		if got := text(d, `[data-testid="flash"]`); !strings.Contains(got, "no longer follows its template") {
			t.Errorf("flash after detaching: %q", got)
		}
		if got := text(d, `[data-role="Operator"] [data-testid="role-origin"]`); got != "Detached from template “Operator”" {
			t.Errorf("after saving the copy: %q", got)
		}

		// The template's preview counts the copy that still follows, beta's.
		tplID := c.roleNamed("master", "Operator")
		d, tok = master.open("localhost", "/roles/"+itoa(tplID)+"/edit")
		if d.Find(`[data-testid="template-note"]`).Length() != 1 {
			t.Error("the template's edit page does not say it rewrites its copies")
		}
		version := d.Find(`input[name="version"]`).AttrOr("value", "")
		form = roleForm(tok, "Operator", "", map[models.Feature]string{models.FeatureUsers: "full"}, "version", version, "_action", "preview")
		d = doc(t, master.post("localhost", "/roles/"+itoa(tplID)+"/edit", form))
		if got := text(d, `[data-testid="preview-copies"]`); !strings.Contains(got, "1 linked copy in subtenants") {
			t.Errorf("template preview: %q", got)
		}
		// A rename onto the name of a role of beta's own: the model's message, by the name.
		if _, err := c.store.CreateRole(c.inTenant("beta"), models.NewRole{Name: "Auditor"}); err != nil {
			t.Fatal(err)
		}
		form.Set("name", "Auditor")
		form.Set("_action", "save")
		res = master.post("localhost", "/roles/"+itoa(tplID)+"/edit", form)
		status(t, "a clashing rename", res, http.StatusUnprocessableEntity)
		d = doc(t, res)
		if got := text(d, `#error-name`); got != `1 subtenant(s) already have another role named "Auditor"; choose another name.` {
			t.Errorf("the clash says %q", got)
		}
		if d.Find(`[data-testid="field-name"]`).AttrOr("value", "") != "Auditor" || d.Find(`#perm-users-full[checked]`).Length() != 1 {
			t.Error("the refused rename lost what was typed")
		}
		// Saved under a free name, beta's linked copy follows.
		form.Set("name", "Operators")
		res = master.post("localhost", "/roles/"+itoa(tplID)+"/edit", form)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save the template: %d", res.StatusCode)
		}
		d, _ = master.open("localhost", "/roles")
		if got := text(d, `[data-testid="flash"]`); got != "Role “Operators” saved. 1 linked copy in subtenants rewritten." {
			t.Errorf("flash after the template's save: %q", got)
		}
		c.roleNamed("beta", "Operators")
	})
}

// A level that is none of none, read and full is a message by its row, with
// every typed value kept, never a server error; nothing is saved.
func TestABadLevelIsAFieldErrorWithTheValuesKept(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		acmeRole, standard := c.roleNamed("acme", models.AdminRoleName), c.tenantRoleNamed("Standard")
		for _, tc := range []struct {
			b            *browser
			host, path   string
			edit, action string
		}{
			{acme, "acme.localhost", "/roles/" + itoa(acmeRole) + "/edit", "1", "save"},
			{acme, "acme.localhost", "/roles/" + itoa(acmeRole) + "/edit", "1", "preview"},
			// /tenant-roles/new is a wizard: TestTheTenantRoleWizardSaysABadLevelByItsRow.
			{master, "localhost", "/tenant-roles/" + itoa(standard) + "/edit", "1", "save"},
			{master, "localhost", "/tenant-roles/" + itoa(standard) + "/edit", "1", "preview"},
		} {
			name := tc.path + " " + tc.action
			_, tok := tc.b.open(tc.host, tc.path)
			before := c.snapshot("acme")
			form := roleForm(tok, "Kept", "Kept too", map[models.Feature]string{models.FeatureUsers: "root", models.FeatureAudit: "read"}, "_action", tc.action)
			if tc.edit != "" {
				form.Set("version", tc.edit)
			}
			res := tc.b.post(tc.host, tc.path, form)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", name, res.StatusCode)
				continue
			}
			d := doc(t, res)
			row := d.Find(`fieldset[data-testid="perm-users"]`)
			if got := text(d, `fieldset[data-testid="perm-users"] [data-testid="field-error"]`); got != "Choose no access, read or full." {
				t.Errorf("%s: the users row says %q", name, got)
			}
			if row.AttrOr("aria-invalid", "") != "true" || !strings.Contains(row.AttrOr("aria-describedby", ""), "error-perm_users") {
				t.Errorf("%s: the users row is not marked invalid for assistive technology", name)
			}
			if row.Find(`input[checked]`).Length() != 0 {
				t.Errorf("%s: a level is chosen for the refused value", name)
			}
			if d.Find(`[data-testid="field-name"]`).AttrOr("value", "") != "Kept" || text(d, `[data-testid="field-description"]`) != "Kept too" ||
				d.Find(`#perm-audit-read[checked]`).Length() != 1 || d.Find(`#perm-roles-none[checked]`).Length() != 1 {
				t.Errorf("%s: the typed values were not kept", name)
			}
			if after := c.snapshot("acme"); after != before {
				t.Errorf("%s: something was saved:\n%s\n---\n%s", name, before, after)
			}
		}
	})
}

// Ids in addresses and forms name records of the host's tenant only: another
// tenant's role is not found, whatever is asked of it, and nothing changes.
func TestAnotherTenantsRolesCannotBeReachedByGuessingIDs(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		tpl := c.template("Operator", nil)
		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		_, tok := acme.open("acme.localhost", "/roles")
		betaBefore, masterBefore := c.snapshot("beta"), c.snapshot("master")
		for _, id := range []uint64{c.roleNamed("beta", models.AdminRoleName), c.roleNamed("beta", "Operator"), tpl.ID, c.roleNamed("master", models.AdminRoleName)} {
			p := "/roles/" + itoa(id)
			status(t, "GET "+p+"/edit", acme.get("acme.localhost", p+"/edit"), http.StatusNotFound)
			status(t, "GET "+p+"/delete", acme.get("acme.localhost", p+"/delete"), http.StatusNotFound)
			for _, action := range []string{"preview", "save"} {
				form := roleForm(tok, "Taken", "", map[models.Feature]string{models.FeatureUsers: "full"}, "version", "1", "_action", action)
				status(t, "POST "+p+"/edit "+action, acme.post("acme.localhost", p+"/edit", form), http.StatusNotFound)
			}
			// A bad level does not tell a foreign role from a missing one either.
			status(t, "POST "+p+"/edit with a bad level", acme.post("acme.localhost", p+"/edit", roleForm(tok, "Taken", "", map[models.Feature]string{models.FeatureUsers: "root"}, "version", "1")), http.StatusNotFound)
			status(t, "POST "+p+"/delete", acme.post("acme.localhost", p+"/delete", url.Values{"_csrf": {tok}}), http.StatusNotFound)
		}
		// An id slipped into the form of acme's own role is ignored: the
		// address says which role.
		own := c.roleNamed("acme", "Operator")
		form := roleForm(tok, "Mine", "", nil, "version", "1", "_action", "save", "id", itoa(c.roleNamed("beta", "Operator")), "role_id", itoa(c.roleNamed("beta", "Operator")))
		if res := acme.post("acme.localhost", "/roles/"+itoa(own)+"/edit", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("saving acme's own copy: %d", res.StatusCode)
		}
		c.roleNamed("acme", "Mine")
		// Another tenant's user's rights are not found either.
		status(t, "beta's user's permissions", acme.get("acme.localhost", "/users/"+itoa(c.userNamed("beta", "admin@beta.example"))+"/permissions"), http.StatusNotFound)
		status(t, "the master's user's permissions", acme.get("acme.localhost", "/users/"+itoa(c.userNamed("master", "root@example.com"))+"/permissions"), http.StatusNotFound)
		status(t, "a user id that is not a number", acme.get("acme.localhost", "/users/x/permissions"), http.StatusNotFound)
		status(t, "a role id that is not a number", acme.get("acme.localhost", "/roles/-1/edit"), http.StatusNotFound)

		// Tenant roles do not exist on a subtenant's host.
		standard := "/tenant-roles/" + itoa(c.tenantRoleNamed("Standard"))
		for _, p := range []string{"/tenant-roles", "/tenant-roles/new", standard + "/edit", standard + "/delete"} {
			status(t, "GET "+p+" on acme", acme.get("acme.localhost", p), http.StatusNotFound)
		}
		for _, p := range []string{"/tenant-roles/new", standard + "/edit", standard + "/delete"} {
			res := acme.post("acme.localhost", p, roleForm(tok, "Standard", "", nil, "version", "1", "_action", "save"))
			status(t, "POST "+p+" on acme", res, http.StatusNotFound)
		}
		if after := c.snapshot("beta"); after != betaBefore {
			t.Errorf("beta's roles changed:\n%s\n---\n%s", betaBefore, after)
		}
		if after := c.snapshot("master"); after != masterBefore {
			t.Errorf("the master's roles changed:\n%s\n---\n%s", masterBefore, after)
		}
	})
}

func TestRolesReadIsRefusedEveryChange(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("acme", "viewer", models.Permissions{models.FeatureRoles: models.LevelRead})
		c.limitedUser("master", "mviewer", models.Permissions{models.FeatureRoles: models.LevelRead})
		viewer, mviewer := c.browser(), c.browser()
		viewer.signedIn("acme.localhost", "viewer")
		mviewer.signedIn("localhost", "mviewer")
		before := c.snapshot("acme")
		role := "/roles/" + itoa(c.roleNamed("acme", models.AdminRoleName))
		tr := "/tenant-roles/" + itoa(c.tenantRoleNamed("Standard"))
		for _, x := range []struct {
			b           *browser
			host, list  string
			gets, posts []string
		}{
			{viewer, "acme.localhost", "/roles", []string{"/roles/new", role + "/edit", role + "/delete"}, []string{"/roles/new", role + "/edit", role + "/delete"}},
			{mviewer, "localhost", "/tenant-roles", []string{"/tenant-roles/new", tr + "/edit", tr + "/delete"}, []string{"/tenant-roles/new", tr + "/edit", tr + "/delete"}},
		} {
			d, tok := x.b.open(x.host, x.list)
			if d.Find(`a[href$="/edit"], a[href$="/delete"], a[href$="/new"]`).Length() != 0 {
				t.Errorf("%s offers changes to roles: read", x.list)
			}
			for _, p := range x.gets {
				status(t, "roles: read GET "+p, x.b.get(x.host, p), http.StatusForbidden)
			}
			for _, p := range x.posts {
				res := x.b.post(x.host, p, roleForm(tok, "Changed", "", allFull(), "version", "1", "_action", "save"))
				status(t, "roles: read POST "+p, res, http.StatusForbidden)
			}
		}
		if after := c.snapshot("acme"); after != before {
			t.Errorf("roles: read changed something:\n%s\n---\n%s", before, after)
		}
	})
}

func TestRoleFormsNeedTheCSRFToken(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		acme, master := c.browser(), c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		master.signedIn("localhost", "root@example.com")
		before := c.snapshot("acme")
		role := "/roles/" + itoa(c.roleNamed("acme", models.AdminRoleName))
		tr := "/tenant-roles/" + itoa(c.tenantRoleNamed("Standard"))
		for _, x := range []struct {
			b     *browser
			host  string
			paths []string
		}{
			{acme, "acme.localhost", []string{"/roles/new", role + "/edit", role + "/delete"}},
			{master, "localhost", []string{"/tenant-roles/new", tr + "/edit", tr + "/delete"}},
		} {
			for _, p := range x.paths {
				for _, tok := range []string{"", "not-the-token"} {
					form := roleForm(tok, "Changed", "", nil, "version", "1", "_action", "save")
					status(t, fmt.Sprintf("POST %s with token %q", p, tok), x.b.post(x.host, p, form), http.StatusForbidden)
				}
			}
		}
		if after := c.snapshot("acme"); after != before {
			t.Errorf("a POST without the token changed something:\n%s\n---\n%s", before, after)
		}
	})
}

// The tenant role caps at the route: an admin whose role grants full is
// refused where the cap is lower, and let in on the very next request after
// the master raises it, without signing in again.
func TestTheTenantRoleCapIsEnforcedAtTheRouteAndARaiseCountsAtOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		srv := c.server
		routes, declared := srv.RegisteredRoutes()
		acmeAdmin := c.userNamed("acme", "admin@acme.example")
		tight := c.capTenant("acme", "Tight", models.Permissions{models.FeatureUsers: models.LevelRead, models.FeatureRoles: models.LevelRead})

		// Every GET route of acme's host that needs full on users or roles:
		// the cap at read refuses each.
		var full []string
		for _, r := range routes {
			a, ok := declared[r.Method+" "+r.Path]
			if r.Method != http.MethodGet || !ok || a.Master || a.Level != models.LevelFull || (a.Feature != models.FeatureUsers && a.Feature != models.FeatureRoles) {
				continue
			}
			full = append(full, strings.NewReplacer("/roles/:id", "/roles/"+itoa(c.roleNamed("acme", models.AdminRoleName)), "/users/:id", "/users/"+itoa(acmeAdmin)).Replace(r.Path))
		}
		if len(full) < 3 {
			t.Fatalf("only %v need full on users or roles", full)
		}
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		for _, p := range full {
			status(t, "capped at read: GET "+p, admin.get("acme.localhost", p), http.StatusForbidden)
		}
		_, tok := admin.open("acme.localhost", "/roles")
		res := admin.createRole("acme.localhost", roleForm(tok, "Sneaky", "", nil))
		status(t, "capped at read: POST /roles/new", res, http.StatusForbidden)
		status(t, "capped at read: GET /users", admin.get("acme.localhost", "/users"), http.StatusOK)

		// The master previews raising the cap, then saves it through the form.
		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		path := "/tenant-roles/" + itoa(tight.ID) + "/edit"
		d, mtok := master.open("localhost", path)
		raised := roleForm(mtok, "Tight", "", map[models.Feature]string{models.FeatureUsers: "full", models.FeatureRoles: "full"},
			"version", d.Find(`input[name="version"]`).AttrOr("value", ""), "_action", "preview")
		d = doc(t, master.post("localhost", path, raised))
		if got := text(d, `[data-testid="preview-tenants"]`); got != "1 tenant holds this tenant role." {
			t.Errorf("preview tenants: %q", got)
		}
		if got := text(d, `[data-testid="preview-changed"]`); !strings.HasPrefix(got, "1 user in them") {
			t.Errorf("preview users: %q", got)
		}
		if got := d.Find(`[data-testid="preview-changes"] tbody tr`).Length(); got != 2 {
			t.Errorf("preview lists %d changed features, want 2", got)
		}
		raised.Set("_action", "save")
		if res := master.post("localhost", path, raised); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tenant-roles" {
			t.Fatalf("raising the cap: %d", res.StatusCode)
		}

		// The same session, no new sign-in: let in on the next request.
		for _, p := range full {
			status(t, "after the raise: GET "+p, admin.get("acme.localhost", p), http.StatusOK)
		}
		_, tok = admin.open("acme.localhost", "/roles/new")
		if res := admin.createRole("acme.localhost", roleForm(tok, "Allowed", "", nil)); res.StatusCode != http.StatusSeeOther {
			t.Errorf("after the raise: POST /roles/new %d", res.StatusCode)
		}
	})
}

func TestTenantRolesAreListedCreatedAndDeletedByTheMaster(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		d, tok := master.open("localhost", "/tenant-roles")
		if got := text(d, `[data-testid="tenant-role-row"][data-role="Standard"] [data-testid="tenant-role-tenants"]`); got != "2" {
			t.Errorf("Standard is held by %q tenants, want 2", got)
		}
		if done := master.trPost(master.trToReview("Basic", url.Values{"perm_users": {"read"}}, nil), "finish", nil); done.loc != "/tenant-roles" {
			t.Fatalf("create: %d", done.status)
		}
		dup := master.trPost(master.startTRWizard(), "next", url.Values{"name": {"basic"}})
		if dup.status != http.StatusUnprocessableEntity || dup.fieldError("name") != "A tenant role with this name exists." {
			t.Errorf("duplicate: %d, says %q", dup.status, dup.fieldError("name"))
		}
		basic := c.tenantRoleNamed("Basic")
		d, _ = master.open("localhost", "/tenant-roles/"+itoa(basic)+"/delete")
		if got := text(d, `[data-testid="delete-held"]`); got != "0 tenants hold it." {
			t.Errorf("delete confirmation: %q", got)
		}
		// Held: refused with the model's message.
		standard := c.tenantRoleNamed("Standard")
		res := master.post("localhost", "/tenant-roles/"+itoa(standard)+"/delete", url.Values{"_csrf": {tok}})
		status(t, "deleting a held tenant role", res, http.StatusUnprocessableEntity)
		if got := text(doc(t, res), `[data-testid="form-error"]`); got != "2 tenant(s) have this tenant role; give them another first." {
			t.Errorf("held says %q", got)
		}
		res = master.post("localhost", "/tenant-roles/"+itoa(basic)+"/delete", url.Values{"_csrf": {tok}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: %d", res.StatusCode)
		}
		status(t, "the deleted tenant role", master.get("localhost", "/tenant-roles/"+itoa(basic)+"/edit"), http.StatusNotFound)
	})
}

func TestEffectivePermissionsSayWhichOfRoleAndCapLimits(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.capTenant("acme", "Narrow", models.Permissions{models.FeatureUsers: models.LevelRead, models.FeatureRoles: models.LevelFull, models.FeatureAudit: models.LevelRead})
		c.limitedUser("acme", "reader", models.Permissions{models.FeatureUsers: models.LevelRead, models.FeatureAudit: models.LevelRead, models.FeatureRoles: models.LevelRead})
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		d, _ := admin.open("acme.localhost", "/users")
		if href := d.Find(`[data-testid="user-row"][data-username="reader"] [data-testid="user-permissions-link"]`).AttrOr("href", ""); href != "/users/"+itoa(c.userNamed("acme", "reader"))+"/permissions" {
			t.Errorf("the users list links to %q", href)
		}
		row := func(d *goquery.Document, f string) (role, cap, eff, by string) {
			s := d.Find(`[data-testid="right-row"][data-feature="` + f + `"]`)
			return s.Find(`[data-testid="right-role"]`).AttrOr("data-level", ""), s.Find(`[data-testid="right-cap"]`).AttrOr("data-level", ""),
				s.Find(`[data-testid="right-effective"]`).AttrOr("data-level", ""), s.AttrOr("data-limited-by", "")
		}
		d, _ = admin.open("acme.localhost", "/users/"+itoa(c.userNamed("acme", "reader"))+"/permissions")
		for _, want := range []struct{ f, role, cap, eff, by string }{
			{"users", "read", "read", "read", "both"},
			{"roles", "read", "full", "read", "role"},
			{"audit", "read", "read", "read", "both"},
			{"export", "none", "none", "none", "both"},
		} {
			if role, cap, eff, by := row(d, want.f); role != want.role || cap != want.cap || eff != want.eff || by != want.by {
				t.Errorf("reader's %s: %s/%s/%s by %q, want %s/%s/%s by %q", want.f, role, cap, eff, by, want.role, want.cap, want.eff, want.by)
			}
		}
		d, _ = admin.open("acme.localhost", "/users/"+itoa(c.userNamed("acme", "admin@acme.example"))+"/permissions")
		if role, cap, eff, by := row(d, "users"); role != "full" || cap != "read" || eff != "read" || by != "cap" {
			t.Errorf("admin's users: %s/%s/%s by %q, want full/read/read by the cap", role, cap, eff, by)
		}
		if got := text(d, `[data-feature="users"] [data-testid="right-limit"]`); got != "The tenant role “Narrow”" {
			t.Errorf("admin's users limited by %q", got)
		}
		if _, _, eff, by := row(d, "roles"); eff != "full" || by != "" {
			t.Errorf("admin's roles: %s by %q, want full, unlimited", eff, by)
		}
		// The dashboard shows the cap where it bites on one's own rights.
		d = admin.mustSeeDashboard("acme.localhost")
		if got := text(d, `[data-feature="users"] [data-testid="capped-note"]`); got != "Your role grants full; the tenant role “Narrow” caps it." {
			t.Errorf("dashboard's note on users: %q", got)
		}
		if d.Find(`[data-feature="roles"] [data-testid="capped-note"]`).Length() != 0 {
			t.Error("the dashboard notes a cap that does not bite")
		}

		// The master is never capped.
		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		d, _ = master.open("localhost", "/users/"+itoa(c.userNamed("master", "root@example.com"))+"/permissions")
		if d.Find(`[data-testid="right-cap"]`).Length() != 0 || !strings.Contains(text(d, `[data-testid="user-permissions-summary"]`), "nothing caps") {
			t.Error("the master's user is shown a cap")
		}
		if master.mustSeeDashboard("localhost").Find(`[data-testid="capped-note"]`).Length() != 0 {
			t.Error("the master's dashboard notes a cap")
		}
	})
}

// A subtenant's role form offers no master-only feature (tenants,
// impersonation) and the model refuses one posted anyway, by its field,
// storing nothing; an edit that leaves them out keeps what the role held.
// The master's own form offers them.
func TestASubtenantsRoleCannotGrantMasterOnlyFeatures(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		acme, root := c.browser(), c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		root.signedIn("localhost", "root@example.com")
		masterOnly := []models.Feature{models.FeatureTenants, models.FeatureImpersonation}
		_, tok := acme.open("acme.localhost", "/roles/new")
		d := acme.roleLevelsStep("acme.localhost", "Climber").doc
		for _, f := range masterOnly {
			if d.Find(`[data-testid="perm-`+string(f)+`"]`).Length() != 0 {
				t.Errorf("acme's role form offers %s", f)
			}
		}
		if d.Find(`[data-testid="perm-users"]`).Length() != 1 {
			t.Fatal("acme's role form lacks users")
		}
		md := root.roleLevelsStep("localhost", "Climber").doc
		for _, f := range masterOnly {
			if md.Find(`[data-testid="perm-`+string(f)+`"]`).Length() != 1 {
				t.Errorf("the master's role form does not offer %s", f)
			}
		}

		before := c.snapshot("acme")
		for _, f := range masterOnly {
			res := acme.createRole("acme.localhost", roleForm(tok, "Climber", "", map[models.Feature]string{f: "full", models.FeatureUsers: "read"}))
			p := doc(t, res)
			msg := p.Find("#error-perm_" + string(f)).Text()
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, "master tenant only") {
				t.Errorf("%s=full posted in acme: %d %q", f, res.StatusCode, msg)
			}
			if !strings.Contains(msg, f.Label()) || strings.Contains(msg, string(f)+" ") {
				t.Errorf("the refusal names the feature by its key: %q", msg)
			}
			if p.Find(`#perm-users-read[checked]`).Length() != 1 {
				t.Errorf("the matrix lost what was chosen")
			}
		}
		if c.snapshot("acme") != before {
			t.Error("a refused role was stored")
		}
		// Without the master-only fields, as the form posts, an edit keeps
		// the levels a role holds of them (one stored before the rule, say).
		admin := c.newRole("acme", "Legacy", models.Permissions{models.FeatureUsers: models.LevelRead})
		storetest.Exec(t, c.store, `UPDATE roles SET permissions = '{"tenants":"full","users":"read"}' WHERE id = ?`, admin)
		ed, etok := acme.open("acme.localhost", "/roles/"+itoa(admin)+"/edit")
		fields := formOf(ed, `[data-testid="role-form"]`)
		fields.Set("_csrf", etok)
		fields.Set("description", "Everything this tenant has.")
		if res := acme.post("acme.localhost", "/roles/"+itoa(admin)+"/edit", fields); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("editing acme's role: %d %s", res.StatusCode, doc(t, res).Find(`.form-error, [id^="error-"]`).Text())
		}
		r, err := c.store.Role(c.inTenant("acme"), admin)
		if err != nil || r.Description != "Everything this tenant has." || r.Permissions.Level(models.FeatureTenants) != models.LevelFull {
			t.Errorf("acme's role after the edit: %+v %v", r, err)
		}
	})
}
