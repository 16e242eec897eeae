package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

// seedKinds adds the master's network kind, behind the store's back, once.
func (c *console) seedKinds() {
	c.t.Helper()
	storetest.Exec(c.t, c.store, `INSERT INTO resource_kinds (key, label, attributes, version, created_at, updated_at) VALUES
		('network', 'Network', '[{"name":"cidr","label":"CIDR","type":"text","required":true},{"name":"dhcp","label":"DHCP","type":"yes/no"}]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)
		ON CONFLICT (key) DO NOTHING`)
}

// resourceIn is tenant sub's network named name, made if missing.
func (c *console) resourceIn(sub, name string) *models.Resource {
	c.t.Helper()
	c.seedKinds()
	ctx := c.inTenant(sub)
	p, err := c.store.ResourcesPage(ctx, models.ResourceQuery{ListQuery: models.ListQuery{Search: name}})
	if err != nil {
		c.t.Fatal(err)
	}
	for _, r := range p.Rows {
		if r.Name == name {
			return &r.Resource
		}
	}
	r, err := c.store.CreateResource(ctx, models.ResourceInput{Kind: "network", Name: name, Values: map[string]string{"cidr": "10.0.0.0/8"}})
	if err != nil {
		c.t.Fatal(err)
	}
	return r
}

// groupIn is tenant sub's group named name, made if missing.
func (c *console) groupIn(sub, name string) *models.ResourceGroup {
	c.t.Helper()
	ctx := c.inTenant(sub)
	gs, err := c.store.ResourceGroups(ctx)
	if err != nil {
		c.t.Fatal(err)
	}
	for _, g := range gs {
		if g.Name == name {
			return &g.ResourceGroup
		}
	}
	g, err := c.store.CreateResourceGroup(ctx, models.GroupInput{Name: name})
	if err != nil {
		c.t.Fatal(err)
	}
	return g
}

// resourceState is every resource and group of tenant sub, as stored.
func (c *console) resourceState(sub string) string {
	c.t.Helper()
	ctx := c.inTenant(sub)
	var out []string
	if err := c.store.EachResource(ctx, models.ResourceQuery{}, func(r *models.ResourceRow) error {
		group := "-"
		if r.GroupID != nil {
			group = id(*r.GroupID)
		}
		out = append(out, fmt.Sprintf("%d %s %s v%d %s %s", r.ID, r.Kind, r.Name, r.Version, group, r.Attributes))
		return nil
	}); err != nil {
		c.t.Fatal(err)
	}
	gs, err := c.store.ResourceGroups(ctx)
	if err != nil {
		c.t.Fatal(err)
	}
	for _, g := range gs {
		out = append(out, fmt.Sprintf("group %d %s v%d %d", g.ID, g.Name, g.Version, g.Resources))
	}
	return strings.Join(out, "\n")
}

func id(n uint64) string { return fmt.Sprint(n) }

func TestResourcePagesCreateEditAndDeleteWithMessagesByField(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.seedKinds()
		g := c.groupIn("acme", "Lab")
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		d, _ := b.open("acme.localhost", "/resources/new")
		if d.Find(`[data-testid="kind-form"] select[name="kind"] option[value="network"]`).Length() != 1 {
			t.Fatal("the new form does not offer the kinds first")
		}
		d, tok := b.open("acme.localhost", "/resources/new?kind=network")
		if d.Find(`[data-testid="field-attr.cidr"]`).Length() != 1 {
			t.Fatal("the kind's attributes are not asked for")
		}
		form := url.Values{"_csrf": {tok}, "kind": {"network"}, "name": {"core"}, "group": {id(g.ID)}, "attr.dhcp": {"maybe"}}
		res := b.post("acme.localhost", "/resources/new", form)
		status(t, "bad attributes", res, http.StatusUnprocessableEntity)
		d = doc(t, res)
		if d.Find(`#error-attr\.cidr`).Length() != 1 || d.Find(`#error-attr\.dhcp`).Length() != 1 {
			t.Error("attribute messages are not by their fields")
		}
		if v, _ := d.Find(`[data-testid="field-name"]`).Attr("value"); v != "core" {
			t.Errorf("the name typed is not kept: %q", v)
		}
		form.Set("attr.cidr", "10.1.0.0/16")
		form.Set("attr.dhcp", "yes")
		res = b.post("acme.localhost", "/resources/new", form)
		status(t, "create", res, http.StatusSeeOther)
		r := c.resourceIn("acme", "core")
		if r.GroupID == nil || *r.GroupID != g.ID || r.Attributes != `{"cidr":"10.1.0.0/16","dhcp":"yes"}` {
			t.Fatalf("created %+v", r)
		}
		// The same name in another case is refused by the field.
		form.Set("name", "CORE")
		res = b.post("acme.localhost", "/resources/new", form)
		status(t, "duplicate", res, http.StatusUnprocessableEntity)
		if doc(t, res).Find(`#error-name`).Length() != 1 {
			t.Error("no message by the name")
		}
		d, _ = b.open("acme.localhost", "/resources/"+id(r.ID))
		if text(d, `[data-testid="attr-cidr"]`) != "10.1.0.0/16" || text(d, `[data-testid="resource-group"]`) != "Lab" {
			t.Error("the resource's page does not show it")
		}
		_, tok = b.open("acme.localhost", "/resources/"+id(r.ID)+"/edit")
		res = b.post("acme.localhost", "/resources/"+id(r.ID)+"/edit", url.Values{"_csrf": {tok}, "version": {id(uint64(r.Version))}, "name": {"core-2"}, "group": {id(g.ID)}, "attr.cidr": {"10.2.0.0/16"}})
		status(t, "edit", res, http.StatusSeeOther)
		res = b.post("acme.localhost", "/resources/"+id(r.ID)+"/edit", url.Values{"_csrf": {tok}, "version": {id(uint64(r.Version))}, "name": {"core-3"}, "attr.cidr": {"10.2.0.0/16"}})
		status(t, "stale edit", res, http.StatusConflict)
		d, _ = b.open("acme.localhost", "/resources?q=core")
		if d.Find(`[data-testid="resource-row"][data-name="core-2"]`).Length() != 1 {
			t.Error("the list does not show the edit")
		}
		// Exports carry the filters; an unknown format is a 400.
		res = b.get("acme.localhost", "/resources/export?format=jsonl&group="+id(g.ID))
		status(t, "export", res, http.StatusOK)
		var row map[string]any
		if err := json.NewDecoder(res.Body).Decode(&row); err != nil || row["name"] != "core-2" || row["group"] != "Lab" {
			t.Errorf("export: %v %v", row, err)
		}
		status(t, "export format", b.get("acme.localhost", "/resources/export?format=xml"), http.StatusBadRequest)
		res = b.get("acme.localhost", "/resources/export")
		status(t, "csv export", res, http.StatusOK)
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Errorf("csv export: %s", res.Header.Get("Content-Type"))
		}
		_, tok = b.open("acme.localhost", "/resources/"+id(r.ID)+"/delete")
		status(t, "delete", b.post("acme.localhost", "/resources/"+id(r.ID)+"/delete", url.Values{"_csrf": {tok}}), http.StatusSeeOther)
		status(t, "deleted", b.get("acme.localhost", "/resources/"+id(r.ID)), http.StatusNotFound)
	})
}

func TestAnotherTenantsResourcesAndGroupsAreNotFoundAndUnchanged(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		r := c.resourceIn("acme", "core")
		g := c.groupIn("acme", "Lab")
		before := c.resourceState("acme")
		beta := c.browser()
		beta.signedIn("beta.localhost", "admin@beta.example")
		tok := beta.csrfOf("beta.localhost")
		for _, p := range []string{"/resources/" + id(r.ID), "/resources/" + id(r.ID) + "/edit", "/resources/" + id(r.ID) + "/delete",
			"/resource-groups/" + id(g.ID) + "/edit", "/resource-groups/" + id(g.ID) + "/delete"} {
			status(t, "GET "+p, beta.get("beta.localhost", p), http.StatusNotFound)
		}
		form := url.Values{"_csrf": {tok}, "version": {"1"}, "name": {"taken"}, "fate": {"delete"}, "attr.cidr": {"1.1.1.1/32"}}
		for _, p := range []string{"/resources/" + id(r.ID) + "/edit", "/resources/" + id(r.ID) + "/delete",
			"/resource-groups/" + id(g.ID) + "/edit", "/resource-groups/" + id(g.ID) + "/delete"} {
			status(t, "POST "+p, beta.post("beta.localhost", p, form), http.StatusNotFound)
		}
		// A resource of beta's may not be put in acme's group.
		c.seedKinds()
		res := beta.post("beta.localhost", "/resources/new", url.Values{"_csrf": {tok}, "kind": {"network"}, "name": {"mine"}, "group": {id(g.ID)}, "attr.cidr": {"1.1.1.1/32"}})
		status(t, "beta into acme's group", res, http.StatusUnprocessableEntity)
		d, _ := beta.open("beta.localhost", "/resources")
		if d.Find(`[data-testid="resource-row"]`).Length() != 0 || d.Find(`#filter-group option[value="`+id(g.ID)+`"]`).Length() != 0 {
			t.Error("beta's list shows acme's resources or groups")
		}
		// Acme's session cookie on beta's host is refused.
		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		cookie := acme.sessionCookie("acme.localhost")
		refused(t, "acme's session on beta", c.browser().call(http.MethodGet, "beta.localhost", "/resources", "", "Cookie", cookie.Name+"="+cookie.Value))
		if after := c.resourceState("acme"); after != before {
			t.Errorf("acme's resources changed:\n%s\nto\n%s", before, after)
		}
	})
}

func TestAGroupTheRoleHidesIsAbsentEverywhere(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		open, secret := c.groupIn("acme", "Open"), c.groupIn("acme", "Secret")
		c.seedKinds()
		ctx := c.inTenant("acme")
		hidden, err := c.store.CreateResource(ctx, models.ResourceInput{Kind: "network", Name: "hidden", GroupID: secret.ID, Values: map[string]string{"cidr": "10.9.0.0/16"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.store.CreateResource(ctx, models.ResourceInput{Kind: "network", Name: "seen", GroupID: open.ID, Values: map[string]string{"cidr": "10.8.0.0/16"}}); err != nil {
			t.Fatal(err)
		}
		c.limitedUser("acme", "reader", models.Permissions{models.FeatureResources: models.LevelRead, models.FeatureExport: models.LevelRead})
		role := c.roleNamed("acme", "Role of reader")
		none := models.LevelNone
		if err := c.store.SetRoleGroupLevels(ctx, role, map[uint64]*models.Level{secret.ID: &none}); err != nil {
			t.Fatal(err)
		}
		b := c.browser()
		b.signedIn("acme.localhost", "reader")
		status(t, "hidden resource", b.get("acme.localhost", "/resources/"+id(hidden.ID)), http.StatusNotFound)
		status(t, "hidden group's delete", b.get("acme.localhost", "/resource-groups/"+id(secret.ID)+"/delete"), http.StatusNotFound)
		d, _ := b.open("acme.localhost", "/resources")
		if d.Find(`[data-testid="resource-row"]`).Length() != 1 || text(d, `[data-testid="pager-range"]`) != "1–1 of 1" {
			t.Errorf("list: %q", text(d, `[data-testid="resource-table"]`))
		}
		if d.Find(`#filter-group option[value="`+id(secret.ID)+`"]`).Length() != 0 {
			t.Error("the hidden group is offered as a filter")
		}
		d, _ = b.open("acme.localhost", "/resource-groups")
		if d.Find(`[data-testid="group-row"][data-name="Secret"]`).Length() != 0 || d.Find(`[data-testid="group-row"]`).Length() != 1 {
			t.Error("the group list shows the hidden group")
		}
		res := b.get("acme.localhost", "/resources/export?format=jsonl")
		var buf strings.Builder
		_, _ = fmt.Fprint(&buf, doc(t, res).Text())
		if strings.Contains(buf.String(), "hidden") {
			t.Error("the export holds the hidden group's resource")
		}
		// Read by the role: the pages that change are refused, and nothing changes.
		r := c.resourceIn("acme", "seen")
		before := c.resourceState("acme")
		status(t, "read-only edit", b.get("acme.localhost", "/resources/"+id(r.ID)+"/edit"), http.StatusForbidden)
		tok := b.csrfOf("acme.localhost")
		status(t, "read-only delete", b.post("acme.localhost", "/resources/"+id(r.ID)+"/delete", url.Values{"_csrf": {tok}}), http.StatusForbidden)
		status(t, "read-only new", b.get("acme.localhost", "/resources/new"), http.StatusForbidden)
		if after := c.resourceState("acme"); after != before {
			t.Errorf("a reader changed resources:\n%s\nto\n%s", before, after)
		}
	})
}

func TestAWeakerUserCannotRaiseAGroupLevelOnTheRolePage(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		g := c.groupIn("acme", "Lab")
		c.limitedUser("acme", "weak", models.Permissions{models.FeatureRoles: models.LevelFull, models.FeatureResources: models.LevelRead})
		c.limitedUser("acme", "target", models.Permissions{models.FeatureResources: models.LevelRead})
		target := c.roleNamed("acme", "Role of target")
		b := c.browser()
		b.signedIn("acme.localhost", "weak")
		_, tok := b.open("acme.localhost", "/roles/"+id(target)+"/groups")
		field := models.GroupLevelField(g.ID)
		res := b.post("acme.localhost", "/roles/"+id(target)+"/groups", url.Values{"_csrf": {tok}, field: {"full"}})
		status(t, "raise", res, http.StatusUnprocessableEntity)
		if !strings.Contains(doc(t, res).Find("#error-"+strings.ReplaceAll(field, ".", `\.`)).Text(), "at most read") {
			t.Error("no message by the group's field")
		}
		_, rows, err := c.store.RoleGroupAccess(c.inTenant("acme"), target)
		if err != nil || rows[0].Set {
			t.Fatalf("the level was set: %v %v", rows, err)
		}
		res = b.post("acme.localhost", "/roles/"+id(target)+"/groups", url.Values{"_csrf": {tok}, field: {"none"}})
		status(t, "lower", res, http.StatusSeeOther)
		// Beta's admin cannot reach acme's role's group access.
		beta := c.browser()
		beta.signedIn("beta.localhost", "admin@beta.example")
		status(t, "beta", beta.get("beta.localhost", "/roles/"+id(target)+"/groups"), http.StatusNotFound)
	})
}

func TestGroupPagesCreateEditAndDeleteWithTheResourcesFate(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.seedKinds()
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		_, tok := b.open("acme.localhost", "/resource-groups/new")
		status(t, "create", b.post("acme.localhost", "/resource-groups/new", url.Values{"_csrf": {tok}, "name": {"Lab"}}), http.StatusSeeOther)
		status(t, "create", b.post("acme.localhost", "/resource-groups/new", url.Values{"_csrf": {tok}, "name": {"Keep"}}), http.StatusSeeOther)
		res := b.post("acme.localhost", "/resource-groups/new", url.Values{"_csrf": {tok}, "name": {"LAB"}})
		status(t, "duplicate", res, http.StatusUnprocessableEntity)
		if doc(t, res).Find("#error-name").Length() != 1 {
			t.Error("no message by the name")
		}
		lab, keep := c.groupIn("acme", "Lab"), c.groupIn("acme", "Keep")
		ctx := c.inTenant("acme")
		for i := range 3 {
			if _, err := c.store.CreateResource(ctx, models.ResourceInput{Kind: "network", Name: fmt.Sprint("n", i), GroupID: lab.ID, Values: map[string]string{"cidr": "10.0.0.0/8"}}); err != nil {
				t.Fatal(err)
			}
		}
		d, _ := b.open("acme.localhost", "/resource-groups")
		if text(d, `[data-name="Lab"] [data-testid="group-count"]`) != "3" {
			t.Errorf("count %q", text(d, `[data-name="Lab"] [data-testid="group-count"]`))
		}
		_, tok = b.open("acme.localhost", "/resource-groups/"+id(lab.ID)+"/edit")
		status(t, "edit", b.post("acme.localhost", "/resource-groups/"+id(lab.ID)+"/edit", url.Values{"_csrf": {tok}, "version": {"1"}, "name": {"Lab 2"}}), http.StatusSeeOther)
		d, tok = b.open("acme.localhost", "/resource-groups/"+id(lab.ID)+"/delete")
		if d.Find(`input[name="fate"]`).Length() != 3 {
			t.Error("the confirm page does not ask what becomes of the resources")
		}
		status(t, "move", b.post("acme.localhost", "/resource-groups/"+id(lab.ID)+"/delete", url.Values{"_csrf": {tok}, "fate": {"move"}, "to": {id(keep.ID)}}), http.StatusSeeOther)
		d, _ = b.open("acme.localhost", "/resource-groups")
		if d.Find(`[data-testid="group-row"]`).Length() != 1 || text(d, `[data-name="Keep"] [data-testid="group-count"]`) != "3" {
			t.Error("the resources did not move")
		}
	})
}

func TestEffectivePermissionsShowEachGroupsLevelAndItsRule(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		capPerms := models.FullPermissions()
		capPerms[models.FeatureResources] = models.LevelRead
		c.capTenant("acme", "Narrow", capPerms)
		a, b := c.groupIn("acme", "A"), c.groupIn("acme", "B")
		c.groupIn("acme", "C")
		c.limitedUser("acme", "member", models.Permissions{models.FeatureResources: models.LevelRead})
		role := c.roleNamed("acme", "Role of member")
		none, full := models.LevelNone, models.LevelFull
		if err := c.store.SetRoleGroupLevels(c.inTenant("acme"), role, map[uint64]*models.Level{a.ID: &none, b.ID: &full}); err != nil {
			t.Fatal(err)
		}
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		page, _ := admin.open("acme.localhost", "/users/"+id(c.userNamed("acme", "member"))+"/permissions")
		for group, want := range map[string]string{"A": "none group override", "B": "read tenant role cap", "C": "read role default"} {
			row := page.Find(`[data-testid="group-level-row"][data-group="` + group + `"]`)
			level, _ := row.Find(`[data-testid="group-level"]`).Attr("data-level")
			if got := level + " " + strings.TrimSpace(row.Find(`[data-testid="group-rule"]`).Text()); got != want {
				t.Errorf("group %s: %q, want %q", group, got, want)
			}
		}
	})
}

func TestTheResourceLimitIsAMessageOnTheForm(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.resourceIn("acme", "first")
		storetest.Exec(t, c.store, "UPDATE tenants SET max_resources = 1 WHERE subdomain = 'acme'")
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		_, tok := b.open("acme.localhost", "/resources/new?kind=network")
		res := b.post("acme.localhost", "/resources/new", url.Values{"_csrf": {tok}, "kind": {"network"}, "name": {"second"}, "attr.cidr": {"10.0.0.0/8"}})
		status(t, "at the limit", res, http.StatusUnprocessableEntity)
		d := doc(t, res)
		if !strings.Contains(text(d, `[data-testid="form-error"]`), "limit of 1 resources") {
			t.Errorf("message: %q", text(d, `[data-testid="form-error"]`))
		}
		if v, _ := d.Find(`[data-testid="field-name"]`).Attr("value"); v != "second" {
			t.Errorf("the name typed is lost: %q", v)
		}
	})
}
