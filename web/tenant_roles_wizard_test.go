package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"landlord/models"
	"landlord/models/storetest"
)

// trPage is one page of the create-tenant-role wizard as a browser got it.
type trPage struct {
	status int
	step   string // data-step: details, caps, resources, review
	doc    *goquery.Document
	loc    string // a redirect out of the wizard
}

func readTRWizard(t testing.TB, res *http.Response) trPage {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	d, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return trPage{status: res.StatusCode, step: d.Find(`[data-testid="tenant-role-wizard"]`).AttrOr("data-step", ""), doc: d}
}

// shown is what the page's form posts as it is: inputs (checked radios and
// boxes only) and textareas.
func (p trPage) shown() url.Values {
	form := url.Values{}
	f := p.doc.Find(`[data-testid="wizard-form"]`)
	f.Find("input").Each(func(_ int, s *goquery.Selection) {
		name, typ := s.AttrOr("name", ""), s.AttrOr("type", "text")
		_, checked := s.Attr("checked")
		switch {
		case name == "":
		case typ == "radio" || typ == "checkbox":
			if checked {
				form.Add(name, s.AttrOr("value", ""))
			}
		default:
			form.Add(name, s.AttrOr("value", ""))
		}
	})
	f.Find("textarea").Each(func(_ int, s *goquery.Selection) { form.Set(s.AttrOr("name", ""), s.Text()) })
	return form
}

func (p trPage) fieldError(field string) string {
	return strings.TrimSpace(p.doc.Find("#error-" + field).Text())
}

func (b *browser) startTRWizard() trPage {
	b.c.t.Helper()
	p := readTRWizard(b.c.t, b.get("localhost", "/tenant-roles/new"))
	if p.status != http.StatusOK || p.step != "details" {
		b.c.t.Fatalf("GET /tenant-roles/new: %d, step %q", p.status, p.step)
	}
	return p
}

// trPost posts the page as shown with fields over it, by the button action,
// following the redirect to the next step as a browser would.
func (b *browser) trPost(p trPage, action string, fields url.Values) trPage {
	b.c.t.Helper()
	form := p.shown()
	form.Set("_action", action)
	for k, v := range fields {
		form[k] = v
	}
	return b.trFollow(b.post("localhost", "/tenant-roles/new", form))
}

func (b *browser) trFollow(res *http.Response) trPage {
	b.c.t.Helper()
	if res.StatusCode != http.StatusSeeOther {
		return readTRWizard(b.c.t, res)
	}
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "/tenant-roles/new?") {
		return trPage{status: res.StatusCode, loc: loc}
	}
	return readTRWizard(b.c.t, b.get("localhost", loc))
}

// trToReview walks the wizard to its review with name, caps and resources.
func (b *browser) trToReview(name string, caps url.Values, resources url.Values) trPage {
	b.c.t.Helper()
	p := b.trPost(b.startTRWizard(), "next", url.Values{"name": {name}, "description": {"Made by the wizard"}})
	if p.step != "caps" {
		b.c.t.Fatalf("after details: %q (%d) %s", p.step, p.status, p.fieldError("name"))
	}
	if p = b.trPost(p, "next", caps); p.step != "resources" {
		b.c.t.Fatalf("after caps: %q (%d)", p.step, p.status)
	}
	if p = b.trPost(p, "next", resources); p.step != "review" {
		b.c.t.Fatalf("after resources: %q (%d) %s", p.step, p.status, p.fieldError("resources"))
	}
	return p
}

// tenantRolesNow is every tenant role with its grants of master resources.
func (c *console) tenantRolesNow() string {
	c.t.Helper()
	var rows []struct {
		Name, Permissions string
		All               bool
		Granted           string
	}
	storetest.Scan(c.t, c.store, &rows, `SELECT name, permissions, all_master_resources AS "all",
		coalesce((SELECT count(*) FROM tenant_role_resources r WHERE r.tenant_role_id = tenant_roles.id), 0) || '' AS granted
		FROM tenant_roles ORDER BY id`)
	return fmt.Sprint(rows)
}

func (c *console) tenantRoleGrants(name string) (all bool, resources []uint64) {
	c.t.Helper()
	id := c.tenantRoleNamed(name)
	storetest.Scan(c.t, c.store, &all, "SELECT all_master_resources FROM tenant_roles WHERE id = ?", id)
	storetest.Scan(c.t, c.store, &resources, "SELECT resource_id FROM tenant_role_resources WHERE tenant_role_id = ? ORDER BY resource_id", id)
	return all, resources
}

func (c *console) makePublic(id uint64) {
	c.t.Helper()
	storetest.Exec(c.t, c.store, "UPDATE resources SET visibility = 'public' WHERE id = ?", id)
}

func TestTheTenantRoleWizardWalksItsStepsKeepsWhatWasTypedAndCreatesAtTheEnd(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		pub, other := c.resourceNamed("master", "pub-net"), c.resourceNamed("master", "pub-db")
		c.makePublic(pub)
		c.makePublic(other)
		private := c.resourceNamed("master", "private-net")
		b := c.browser()
		b.signedIn("localhost", "root@example.com")
		before := c.tenantRolesNow()

		p := b.trPost(b.startTRWizard(), "next", url.Values{"name": {"Gold"}, "description": {"The best"}})
		if p.step != "caps" {
			t.Fatalf("details: %q %d", p.step, p.status)
		}
		if p.doc.Find(`[data-testid="perm-tenants"]`).Length() != 0 {
			t.Error("the caps step offers a master-only feature")
		}
		p = b.trPost(p, "next", url.Values{"perm_users": {"full"}, "perm_audit": {"read"}})
		if p.step != "resources" {
			t.Fatalf("caps: %q %d", p.step, p.status)
		}
		// Only public master resources are listed; a search keeps what was ticked.
		if p.doc.Find(`[data-resource="private-net"]`).Length() != 0 || p.doc.Find(`[data-resource="pub-net"]`).Length() != 1 {
			t.Fatal("the resources step does not list exactly the public master resources")
		}
		p = b.trPost(p, "search", url.Values{"resource": {itoa(pub)}, "resource_q": {"db"}})
		if p.step != "resources" || p.doc.Find(`[data-resource="pub-net"]`).Length() != 0 || p.doc.Find(`[data-resource="pub-db"]`).Length() != 1 {
			t.Fatalf("search: %q, listed %q", p.step, p.doc.Find(`[data-testid="resource-choice"]`).Text())
		}
		if p.doc.Find(`input[type="hidden"][name="resource"][value="`+itoa(pub)+`"]`).Length() != 1 {
			t.Fatal("the search dropped what was ticked")
		}
		p = b.trPost(p, "next", url.Values{"resource": {itoa(pub), itoa(other)}})
		if p.step != "review" {
			t.Fatalf("resources: %q %d %s", p.step, p.status, p.fieldError("resources"))
		}
		if got := p.doc.Find(`[data-testid="review-resources-list"] li`).Length(); got != 2 {
			t.Errorf("review lists %d resources", got)
		}
		if got := text(p.doc, `[data-testid="review-tenants-held"]`); !strings.HasPrefix(got, "No tenant holds it yet. 2 subtenants exist") {
			t.Errorf("review says %q", got)
		}
		if c.tenantRolesNow() != before {
			t.Fatal("something was created before the review was confirmed")
		}
		// Back, and back again: the values are there.
		back := b.trPost(p, "back", nil)
		if back.step != "resources" || back.doc.Find(`input[name="resource"][value="`+itoa(other)+`"][checked]`).Length() != 1 {
			t.Fatal("Back to resources lost the choice")
		}
		back = b.trPost(b.trPost(back, "back", nil), "back", nil)
		if back.step != "details" || back.doc.Find(`[data-testid="field-name"]`).AttrOr("value", "") != "Gold" {
			t.Fatalf("Back to details lost the name: %q", back.step)
		}
		// Two tabs do not mix: another wizard started meanwhile is its own.
		tab := b.trPost(b.startTRWizard(), "next", url.Values{"name": {"Silver"}})
		if tab.step != "caps" {
			t.Fatal("second tab")
		}
		done := b.trPost(p, "finish", nil)
		if done.loc != "/tenant-roles" {
			t.Fatalf("finish: %d %q", done.status, done.loc)
		}
		all, ids := c.tenantRoleGrants("Gold")
		if all || fmt.Sprint(ids) != fmt.Sprint([]uint64{min(pub, other), max(pub, other)}) {
			t.Fatalf("Gold grants all=%v %v", all, ids)
		}
		var perms string
		storetest.Scan(t, c.store, &perms, "SELECT permissions FROM tenant_roles WHERE name = 'Gold'")
		if !strings.Contains(perms, `"users":"full"`) || !strings.Contains(perms, `"audit":"read"`) {
			t.Errorf("Gold's caps: %s", perms)
		}
		if c.tenantRoleExists("Silver") {
			t.Error("the other tab's wizard created something")
		}
		for _, action := range []string{models.ActionTenantRoleCreate, models.ActionTenantRoleResources} {
			var n int64
			storetest.Scan(t, c.store, &n, "SELECT count(*) FROM audit_events WHERE action = ? AND target_id = 'Gold' AND outcome = ?", action, models.OutcomeSuccess)
			if n != 1 {
				t.Errorf("%s events for Gold: %d", action, n)
			}
		}
		if !strings.Contains(text(b.page("localhost", "/tenant-roles"), `[data-testid="flash"]`), "created") {
			t.Error("no flash after creating")
		}
		_ = private
	})
}

func TestTheTenantRoleWizardGrantsAllMasterResources(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("localhost", "root@example.com")
		p := b.trToReview("Everything", url.Values{"perm_resources": {"read"}}, url.Values{"scope": {"all"}})
		if p.doc.Find(`[data-testid="review-resources-all"]`).Length() != 1 {
			t.Fatal("the review does not say all master resources")
		}
		if done := b.trPost(p, "finish", nil); done.loc != "/tenant-roles" {
			t.Fatalf("finish: %d", done.status)
		}
		if all, ids := c.tenantRoleGrants("Everything"); !all || len(ids) != 0 {
			t.Fatalf("all=%v ids=%v", all, ids)
		}
	})
}

func TestTheTenantRoleWizardRefusesANameTakenMeanwhileByTheField(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("localhost", "root@example.com")
		p := b.trToReview("Platinum", url.Values{"perm_users": {"read"}}, nil)
		// Taken meanwhile, in another tab.
		c.capTenant("acme", "Platinum", models.Permissions{models.FeatureUsers: models.LevelFull})
		before := c.tenantRolesNow()
		got := b.trPost(p, "finish", nil)
		if got.step != "details" || got.status != http.StatusUnprocessableEntity || got.fieldError("name") != "A tenant role with this name exists." {
			t.Fatalf("finish with a taken name: %q %d %q", got.step, got.status, got.fieldError("name"))
		}
		if got.doc.Find(`[data-testid="field-name"]`).AttrOr("value", "") != "Platinum" {
			t.Error("the name typed is not kept")
		}
		if c.tenantRolesNow() != before {
			t.Error("something was created")
		}
		// Step 1 itself refuses a taken name.
		if p := b.trPost(b.startTRWizard(), "next", url.Values{"name": {"platinum"}}); p.step != "details" || p.fieldError("name") == "" {
			t.Fatalf("step 1 with a taken name: %q", p.step)
		}
	})
}

func TestTheTenantRoleWizardRefusesCapsAboveWhatTheActorHolds(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		capper := c.masterUser("capper", models.Permissions{models.FeatureRoles: models.LevelFull, models.FeatureUsers: models.LevelRead})
		before := c.tenantRolesNow()
		p := capper.trPost(capper.startTRWizard(), "next", url.Values{"name": {"Climb"}})
		refused := capper.trPost(p, "next", url.Values{"perm_users": {"full"}})
		if refused.step != "caps" || refused.status != http.StatusUnprocessableEntity || !strings.Contains(refused.fieldError("perm_users"), "at most read") {
			t.Fatalf("caps above: %q %d %q", refused.step, refused.status, refused.fieldError("perm_users"))
		}
		// Walked honestly to the review, then a forged final POST: the
		// sealed state cannot be altered, and a posted cap is not read.
		review := capper.trToReview("Honest", url.Values{"perm_users": {"read"}}, nil)
		form := review.shown()
		form.Set("_action", "finish")
		form.Set("perm_users", "full")
		form.Set("perm_roles", "full")
		if got := capper.trFollow(capper.post("localhost", "/tenant-roles/new", form)); got.loc != "/tenant-roles" {
			t.Fatalf("finish: %d", got.status)
		}
		var perms string
		storetest.Scan(t, c.store, &perms, "SELECT permissions FROM tenant_roles WHERE name = 'Honest'")
		if strings.Contains(perms, "full") {
			t.Errorf("a forged final POST raised the caps: %s", perms)
		}
		// A state sealed with a cap above, posted at the review (the
		// furthest step reached is in the state, so no step is skipped).
		form = review.shown()
		form.Set("_step", "3")
		form.Set("_action", "finish")
		form.Set("_wizard", "forged")
		if res := capper.post("localhost", "/tenant-roles/new", form); res.StatusCode != http.StatusBadRequest {
			t.Errorf("a forged state: %d", res.StatusCode)
		}
		// The model refuses too, when the check is not the wizard's.
		if _, err := c.store.CreateTenantRoleWithResources(models.WithActor(context.Background(), c.actorOn(capper, "localhost")), models.NewRole{Name: "Direct", Permissions: models.Permissions{models.FeatureUsers: models.LevelFull}}, false, nil); err == nil {
			t.Error("the model created a tenant role above its actor")
		}
		// Without tenants: full and resources: full, no master resource is
		// offered, and one posted anyway is refused, at the step and at the end.
		pub := c.resourceNamed("master", "pub-net")
		c.makePublic(pub)
		step3 := capper.trPost(capper.trPost(capper.startTRWizard(), "next", url.Values{"name": {"Granter"}}), "next", nil)
		if step3.step != "resources" || step3.doc.Find(`[data-testid="resources-not-yours"]`).Length() != 1 || step3.doc.Find(`[data-testid="resource-choice"]`).Length() != 0 {
			t.Fatalf("the resources step of a master without tenants: full: %q", step3.step)
		}
		for _, forged := range []url.Values{{"resource": {itoa(pub)}}, {"scope": {"all"}}} {
			if got := capper.trPost(step3, "next", forged); got.step != "resources" || !strings.Contains(got.fieldError("resources"), "tenants: full") {
				t.Errorf("granting %v without tenants: full: %q %q", forged, got.step, got.fieldError("resources"))
			}
		}
		if _, err := c.store.CreateTenantRoleWithResources(models.WithActor(context.Background(), c.actorOn(capper, "localhost")), models.NewRole{Name: "Granter"}, true, nil); err == nil {
			t.Error("the model let a master without tenants: full grant all master resources")
		}
		if c.tenantRoleExists("Climb") || c.tenantRoleExists("Direct") || c.tenantRoleExists("Granter") {
			t.Error("a tenant role above its creator was made")
		}
		_ = before
	})
}

func TestTheTenantRoleWizardRefusesANonPublicMasterResource(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		private := c.resourceNamed("master", "private-net")
		acmeOwn := c.resourceNamed("acme", "acme-net")
		b := c.browser()
		b.signedIn("localhost", "root@example.com")
		p := b.trPost(b.startTRWizard(), "next", url.Values{"name": {"Sneaky"}})
		p = b.trPost(p, "next", nil)
		for _, id := range []uint64{private, acmeOwn} {
			got := b.trPost(p, "next", url.Values{"resource": {itoa(id)}})
			if got.step != "resources" || got.status != http.StatusUnprocessableEntity || !strings.Contains(got.fieldError("resources"), "public") {
				t.Fatalf("resource %d: %q %d", id, got.step, got.status)
			}
		}
		// The model refuses it at the end too.
		if _, err := c.store.CreateTenantRoleWithResources(models.WithActor(context.Background(), c.actorOn(b, "localhost")), models.NewRole{Name: "Sneaky"}, false, []uint64{private}); err == nil {
			t.Error("the model granted a private resource")
		}
		if c.tenantRoleExists("Sneaky") {
			t.Error("created")
		}
	})
}

func TestTheTenantRoleWizardRefusesSubtenantsAndMastersBelowRolesFull(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		root := c.browser()
		root.signedIn("localhost", "root@example.com")
		review := root.trToReview("Stolen", url.Values{"perm_users": {"read"}}, nil)
		steps := []url.Values{}
		p := root.startTRWizard()
		steps = append(steps, p.shown())
		p = root.trPost(p, "next", url.Values{"name": {"Stolen"}})
		steps = append(steps, p.shown())
		p = root.trPost(p, "next", nil)
		steps = append(steps, p.shown(), review.shown())
		before := c.tenantRolesNow()

		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		mviewer := c.masterUser("mviewer", models.Permissions{models.FeatureRoles: models.LevelRead, models.FeatureTenants: models.LevelFull, models.FeatureResources: models.LevelFull})
		for _, x := range []struct {
			b    *browser
			host string
			want int
		}{{acme, "acme.localhost", http.StatusNotFound}, {mviewer, "localhost", http.StatusForbidden}} {
			tok := x.b.csrfOf(x.host)
			status(t, "GET "+x.host, x.b.get(x.host, "/tenant-roles/new"), x.want)
			for i, form := range steps {
				form.Set("_csrf", tok)
				form.Set("_action", "next")
				if i == len(steps)-1 {
					form.Set("_action", "finish")
				}
				status(t, fmt.Sprintf("POST step %d on %s", i, x.host), x.b.post(x.host, "/tenant-roles/new", form), x.want)
			}
		}
		if c.tenantRolesNow() != before {
			t.Error("a refused visitor changed the tenant roles")
		}
	})
}

func (c *console) tenantRoleExists(name string) bool {
	c.t.Helper()
	var n int64
	storetest.Scan(c.t, c.store, &n, "SELECT count(*) FROM tenant_roles WHERE name = ?", name)
	return n > 0
}

// A level that is none of none, read and full is a message by its row, with
// every other value kept; nothing is created.
func TestTheTenantRoleWizardSaysABadLevelByItsRow(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("localhost", "root@example.com")
		p := b.trPost(b.startTRWizard(), "next", url.Values{"name": {"Kept"}})
		before := c.tenantRolesNow()
		got := b.trPost(p, "next", url.Values{"perm_users": {"root"}, "perm_audit": {"read"}})
		row := got.doc.Find(`fieldset[data-testid="perm-users"]`)
		if got.step != "caps" || got.status != http.StatusUnprocessableEntity || text(got.doc, `fieldset[data-testid="perm-users"] [data-testid="field-error"]`) != "Choose no access, read or full." {
			t.Fatalf("a bad level: %q %d", got.step, got.status)
		}
		if row.AttrOr("aria-invalid", "") != "true" || row.Find(`input[checked]`).Length() != 0 || got.doc.Find(`#perm-audit-read[checked]`).Length() != 1 {
			t.Error("the row is not marked, or the other values were not kept")
		}
		if c.tenantRolesNow() != before {
			t.Error("something was created")
		}
	})
}
