package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

// groupID is tenant sub's group named name, made if missing.
func (c *console) groupID(sub, name string) uint64 { return c.groupIn(sub, name).ID }

func (c *console) roleCount(sub string) int {
	c.t.Helper()
	rows, err := c.store.Roles(c.inTenant(sub))
	if err != nil {
		c.t.Fatal(err)
	}
	return len(rows)
}

// groupLevelsOf is the group levels stored for role id of tenant sub.
func (c *console) groupLevelsOf(sub string, id uint64) map[uint64]string {
	c.t.Helper()
	_, rows, err := c.store.RoleGroupAccess(c.inTenant(sub), id)
	if err != nil {
		c.t.Fatal(err)
	}
	out := map[uint64]string{}
	for _, r := range rows {
		if r.Set {
			out[r.Group.ID] = r.Level.String()
		}
	}
	return out
}

func TestTheRoleWizardWalksItsStepsKeepsWhatWasTypedAndCreatesOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		lab, edge := c.groupID("acme", "Lab"), c.groupID("acme", "Edge")
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		before := c.roleCount("acme")
		p := b.startRoleWizard("acme.localhost")
		if p.status != http.StatusOK || p.step != "details" {
			t.Fatalf("GET /roles/new: %d %q", p.status, p.step)
		}
		// A name is needed; the message is by the field.
		p = b.roleWizardPost("acme.localhost", p, "next", url.Values{"name": {""}, "description": {"First line"}})
		if p.status != http.StatusUnprocessableEntity || p.step != "details" || p.fieldError("name") == "" {
			t.Fatalf("an empty name: %d %q %q", p.status, p.step, p.fieldError("name"))
		}
		p = b.roleWizardPost("acme.localhost", p, "next", url.Values{"name": {"Helpdesk"}})
		if p.step != "levels" {
			t.Fatalf("after the details: %q %s", p.step, p.doc.Find(".field-error").Text())
		}
		// A level that is no level is refused by its row, the rest kept.
		p = b.roleWizardPost("acme.localhost", p, "next", url.Values{"perm_users": {"root"}, "perm_audit": {"read"}})
		if p.status != http.StatusUnprocessableEntity || p.step != "levels" || p.fieldError("perm_users") != "Choose no access, read or full." ||
			p.doc.Find(`#perm-audit-read[checked]`).Length() != 1 {
			t.Fatalf("a bad level: %d %q %q", p.status, p.step, p.fieldError("perm_users"))
		}
		p = b.roleWizardPost("acme.localhost", p, "next", url.Values{"perm_users": {"read"}, "perm_resources": {"read"}, "perm_audit": {"read"}})
		if p.step != "groups" {
			t.Fatalf("after the levels: %q %s", p.step, p.doc.Find(".field-error").Text())
		}
		if p.doc.Find(`[data-testid="field-group.`+itoa(lab)+`"]`).Length() != 1 || p.doc.Find(`[data-testid="field-group.`+itoa(edge)+`"]`).Length() != 1 {
			t.Fatal("the group step does not list acme's groups")
		}
		p = b.roleWizardPost("acme.localhost", p, "next", url.Values{"group." + itoa(lab): {"full"}, "group." + itoa(edge): {"none"}})
		if p.step != "review" {
			t.Fatalf("after the groups: %q %s", p.step, p.doc.Find(".field-error").Text())
		}
		if got := text(p.doc, `[data-testid="review-name"]`); got != "Helpdesk" {
			t.Errorf("review name: %q", got)
		}
		if got := text(p.doc, `[data-testid="review-description"]`); got != "First line" {
			t.Errorf("review description: %q", got)
		}
		if got := text(p.doc, `[data-testid="review-level-users"] [data-testid="review-effective"]`); got != "read" {
			t.Errorf("review users: %q", got)
		}
		if got := text(p.doc, `[data-testid="review-group.`+itoa(lab)+`"] [data-testid="review-gives"]`); got != "full" {
			t.Errorf("review Lab gives %q", got)
		}
		if got := text(p.doc, `[data-testid="review-group.`+itoa(edge)+`"] [data-testid="review-gives"]`); got != "none" {
			t.Errorf("review Edge gives %q", got)
		}
		if c.roleCount("acme") != before {
			t.Fatal("a role was created before the review was confirmed")
		}
		// Back, step by step, keeps everything typed.
		p = b.roleWizardPost("acme.localhost", p, "back", nil)
		if p.step != "groups" || p.doc.Find(`[data-testid="field-group.`+itoa(lab)+`"] option[value="full"][selected]`).Length() != 1 {
			t.Fatalf("back to the groups: %q", p.step)
		}
		p = b.roleWizardPost("acme.localhost", p, "back", nil)
		if p.step != "levels" || p.doc.Find(`#perm-users-read[checked], #perm-audit-read[checked], #perm-resources-read[checked]`).Length() != 3 {
			t.Fatalf("back to the levels: %q", p.step)
		}
		p = b.roleWizardPost("acme.localhost", p, "back", nil)
		if p.step != "details" || p.doc.Find(`[data-testid="field-name"]`).AttrOr("value", "") != "Helpdesk" || text(p.doc, `[data-testid="field-description"]`) != "First line" {
			t.Fatalf("back to the details: %q", p.step)
		}
		// The browser's Back: the review's address loads again, as it was.
		for _, step := range []string{"levels", "groups", "review"} {
			p = b.roleWizardPost("acme.localhost", p, "next", nil)
			if p.step != step {
				t.Fatalf("forward again: %q, want %q", p.step, step)
			}
		}
		again := b.readRoleStep(b.get("acme.localhost", p.loc))
		if again.step != "review" || text(again.doc, `[data-testid="review-name"]`) != "Helpdesk" {
			t.Fatalf("the review's address again: %q", again.step)
		}
		done := b.roleWizardPost("acme.localhost", p, "finish", nil)
		if done.status != http.StatusSeeOther || done.res.Header.Get("Location") != "/roles" {
			t.Fatalf("finish: %d %q", done.status, done.res.Header.Get("Location"))
		}
		if got := flashes(t, b.get("acme.localhost", "/roles")); !strings.Contains(got, "Role “Helpdesk” created.") {
			t.Errorf("flash: %q", got)
		}
		id := c.roleNamed("acme", "Helpdesk")
		r, err := c.store.Role(c.inTenant("acme"), id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Permissions.Level(models.FeatureUsers) != models.LevelRead || r.Permissions.Level(models.FeatureAudit) != models.LevelRead || r.Description != "First line" {
			t.Errorf("stored: %+v", r)
		}
		if got := c.groupLevelsOf("acme", id); got[lab] != "full" || got[edge] != "none" || len(got) != 2 {
			t.Errorf("group levels stored: %v", got)
		}
		if c.roleCount("acme") != before+1 {
			t.Error("not exactly one role created")
		}
		// Finishing the same state again creates nothing more: the name is taken.
		twice := b.roleWizardPost("acme.localhost", p, "finish", nil)
		if twice.step != "details" || !strings.Contains(twice.fieldError("name"), "exists") || c.roleCount("acme") != before+1 {
			t.Fatalf("the review posted twice: %q %q", twice.step, twice.fieldError("name"))
		}
	})
}

func TestTwoRoleWizardsInTwoTabsDoNotMix(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		one := b.roleLevelsStep("acme.localhost", "Tab one")
		two := b.roleLevelsStep("acme.localhost", "Tab two")
		one = b.roleWizardPost("acme.localhost", one, "next", url.Values{"perm_users": {"read"}})
		two = b.roleWizardPost("acme.localhost", two, "next", url.Values{"perm_audit": {"full"}})
		for _, p := range []*roleStep{&one, &two} {
			*p = b.roleWizardPost("acme.localhost", *p, "next", nil)
			if p.step != "review" {
				t.Fatalf("to the review: %q", p.step)
			}
			*p = b.roleWizardPost("acme.localhost", *p, "finish", nil)
		}
		r1, _ := c.store.Role(c.inTenant("acme"), c.roleNamed("acme", "Tab one"))
		r2, _ := c.store.Role(c.inTenant("acme"), c.roleNamed("acme", "Tab two"))
		if r1.Permissions.Level(models.FeatureUsers) != models.LevelRead || r1.Permissions.Level(models.FeatureAudit) != models.LevelNone ||
			r2.Permissions.Level(models.FeatureAudit) != models.LevelFull || r2.Permissions.Level(models.FeatureUsers) != models.LevelNone {
			t.Fatalf("the tabs mixed: %+v %+v", r1.Permissions, r2.Permissions)
		}
	})
}

func TestARoleNameTakenMeanwhileReopensTheDetailsWithTheMessage(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		p := b.roleLevelsStep("acme.localhost", "Later")
		p = b.roleWizardPost("acme.localhost", p, "next", url.Values{"perm_users": {"read"}})
		p = b.roleWizardPost("acme.localhost", p, "next", nil)
		if p.step != "review" {
			t.Fatalf("to the review: %q", p.step)
		}
		c.newRole("acme", "later", models.Permissions{})
		before := c.roleCount("acme")
		p = b.roleWizardPost("acme.localhost", p, "finish", nil)
		if p.status != http.StatusUnprocessableEntity || p.step != "details" || p.fieldError("name") != "A role with this name exists." {
			t.Fatalf("the name taken meanwhile: %d %q %q", p.status, p.step, p.fieldError("name"))
		}
		if p.doc.Find(`[data-testid="field-name"]`).AttrOr("value", "") != "Later" {
			t.Error("the typed name was not kept")
		}
		if c.roleCount("acme") != before {
			t.Error("a role was created")
		}
		// Renamed, the rest is still there.
		p = b.roleWizardPost("acme.localhost", p, "next", url.Values{"name": {"Later still"}})
		if p.step != "levels" || p.doc.Find(`#perm-users-read[checked]`).Length() != 1 {
			t.Fatalf("after renaming: %q", p.step)
		}
	})
}

// A template made through the wizard: its review says how many subtenants
// receive a copy, and each gets one, linked.
func TestTheRoleWizardMakesATemplateCopiedIntoEverySubtenant(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.newRole("beta", "Operator", models.Permissions{}) // beta has one of that name already
		root := c.browser()
		root.signedIn("localhost", "root@example.com")
		p := root.roleWizardPost("localhost", root.startRoleWizard("localhost"), "next", url.Values{"name": {"Operator"}, "multitenant": {"on"}})
		p = root.roleWizardPost("localhost", p, "next", url.Values{"perm_users": {"read"}})
		p = root.roleWizardPost("localhost", p, "next", nil)
		if p.step != "review" {
			t.Fatalf("to the review: %q %s", p.step, p.doc.Find(".field-error").Text())
		}
		if got := text(p.doc, `[data-testid="review-template"]`); !strings.Contains(got, "into 1 subtenant now") {
			t.Errorf("the review says %q", got)
		}
		p = root.roleWizardPost("localhost", p, "finish", nil)
		if p.status != http.StatusSeeOther {
			t.Fatalf("finish: %d", p.status)
		}
		if got := flashes(t, root.get("localhost", "/roles")); !strings.Contains(got, "into 1 subtenant") {
			t.Errorf("flash: %q", got)
		}
		copyID := c.roleNamed("acme", "Operator")
		cp, err := c.store.Role(c.inTenant("acme"), copyID)
		if err != nil || !cp.Linked || cp.TemplateID == nil || cp.Permissions.Level(models.FeatureUsers) != models.LevelRead {
			t.Fatalf("acme's copy: %+v %v", cp, err)
		}
		if b, _ := c.store.Role(c.inTenant("beta"), c.roleNamed("beta", "Operator")); b.Linked {
			t.Error("beta's own Operator was overwritten")
		}
		// A subtenant posting the template box is refused, and nothing is made.
		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		before := c.snapshot("beta")
		res := acme.post("acme.localhost", "/roles/new", url.Values{"_csrf": {acme.csrfOf("acme.localhost")}, "_step": {"0"}, "_action": {"next"}, "name": {"Spread"}, "multitenant": {"on"}})
		if res.StatusCode != http.StatusForbidden || c.snapshot("beta") != before {
			t.Fatalf("a subtenant's template: %d", res.StatusCode)
		}
	})
}

// Nobody gives more than they hold: at the levels step, at the groups step,
// and at the end, when their rights were lowered after the step passed.
func TestTheRoleWizardRefusesAWeakerUserAtEachStepAndAtTheEnd(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		lab := c.groupID("acme", "Lab")
		c.limitedUser("acme", "weak", models.Permissions{models.FeatureRoles: models.LevelFull, models.FeatureUsers: models.LevelRead, models.FeatureResources: models.LevelRead})
		w := c.browser()
		w.signedIn("acme.localhost", "weak")
		before := c.snapshot("acme")
		p := w.roleLevelsStep("acme.localhost", "Climber")
		if p.doc.Find(`#perm-users-full[disabled]`).Length() != 1 || p.doc.Find(`#perm-users-read[disabled]`).Length() != 0 {
			t.Error("the level above theirs is choosable, or theirs is not")
		}
		// A forged post of the level above theirs, and one claiming a later step.
		for _, step := range []string{"1", "3"} {
			q := w.roleWizardPost("acme.localhost", p, "next", url.Values{"perm_users": {"full"}, "_step": {step}})
			if q.status != http.StatusUnprocessableEntity || q.step != "levels" || !strings.Contains(q.fieldError("perm_users"), "at most read") {
				t.Fatalf("users: full posted at step %s: %d %q %q", step, q.status, q.step, q.fieldError("perm_users"))
			}
			if !strings.Contains(q.loc, "_step=1&") {
				t.Fatalf("users: full posted at step %s passed its step: %s", step, q.loc)
			}
		}
		p = w.roleWizardPost("acme.localhost", p, "next", url.Values{"perm_users": {"read"}, "perm_resources": {"read"}})
		if p.step != "groups" {
			t.Fatalf("to the groups: %q", p.step)
		}
		if p.doc.Find(`[data-testid="field-group.`+itoa(lab)+`"] option[value="full"][disabled]`).Length() != 1 {
			t.Error("a group level above theirs is choosable")
		}
		q := w.roleWizardPost("acme.localhost", p, "next", url.Values{"group." + itoa(lab): {"full"}})
		if q.status != http.StatusUnprocessableEntity || q.step != "groups" || !strings.Contains(q.fieldError("group."+itoa(lab)), "at most read") {
			t.Fatalf("a group at full: %d %q %q", q.status, q.step, q.fieldError("group."+itoa(lab)))
		}
		p = w.roleWizardPost("acme.localhost", p, "next", url.Values{"group." + itoa(lab): {"read"}})
		if p.step != "review" {
			t.Fatalf("to the review: %q", p.step)
		}
		// Their role is lowered to users: none meanwhile: the review's page, loaded
		// again, shows the levels with the message; the end refuses users: read.
		storetest.Exec(t, c.store, `UPDATE roles SET permissions = '{"roles":"full","resources":"read"}' WHERE name = 'Role of weak'`)
		before = c.snapshot("acme")
		if again := w.readRoleStep(w.get("acme.localhost", p.loc)); again.step != "levels" || !strings.Contains(again.fieldError("perm_users"), "at most none") {
			t.Fatalf("the review loaded after the lowering: %q %q", again.step, again.fieldError("perm_users"))
		}
		end := w.roleWizardPost("acme.localhost", p, "finish", nil)
		if end.doc == nil {
			t.Fatalf("finish after the lowering created the role: %d", end.status)
		}
		if end.status != http.StatusUnprocessableEntity || end.step != "levels" || !strings.Contains(end.fieldError("perm_users"), "at most none") {
			t.Fatalf("finish after the lowering: %d %q %q", end.status, end.step, end.fieldError("perm_users"))
		}
		if c.snapshot("acme") != before {
			t.Fatal("a refused role was stored")
		}
		if !refusedInLog(t, c, "acme", models.ActionRoleCreate) {
			t.Error("the refusal is not in the log")
		}
		// The model refuses on its own, whatever a handler lets through.
		tn := c.mustTenant("acme")
		ctx := models.WithActor(models.WithTenant(context.Background(), tn.ID), models.Actor{UserID: c.userNamed("acme", "weak"), TenantID: tn.ID, Name: "weak",
			Permissions: models.Permissions{models.FeatureRoles: models.LevelFull, models.FeatureResources: models.LevelRead}, RoleID: c.roleNamed("acme", "Role of weak")})
		_, err := c.store.CreateRole(ctx, models.NewRole{Name: "Direct", Permissions: models.Permissions{models.FeatureResources: models.LevelRead},
			GroupLevels: map[uint64]models.Level{lab: models.LevelFull}})
		var ve *models.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(ve.Fields["group."+itoa(lab)], "at most read") {
			t.Fatalf("CreateRole with a group above theirs: %v", err)
		}
		other := c.groupID("beta", "Beta lab")
		if _, err := c.store.CreateRole(ctx, models.NewRole{Name: "Direct", GroupLevels: map[uint64]models.Level{other: models.LevelNone}}); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("CreateRole with beta's group: %v", err)
		}
		if c.snapshot("acme") != before {
			t.Fatal("a refused role was stored")
		}
	})
}

// Every step of the wizard, asked by another tenant's session or by a user
// below roles: full, gives nothing and creates nothing.
func TestEveryRoleWizardStepRefusesOtherTenantsAndWeakerUsers(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		lab := c.groupID("acme", "Lab")
		c.limitedUser("acme", "reader", models.Permissions{models.FeatureRoles: models.LevelRead, models.FeatureUsers: models.LevelFull})
		owner := c.browser()
		owner.signedIn("acme.localhost", "admin@acme.example")
		beta := c.browser()
		beta.signedIn("beta.localhost", "admin@beta.example")
		reader := c.browser()
		reader.signedIn("acme.localhost", "reader")
		p := owner.startRoleWizard("acme.localhost")
		pages := []roleStep{p}
		for _, fields := range []url.Values{{"name": {"Owned"}}, {"perm_users": {"read"}}, {"group." + itoa(lab): {"read"}}} {
			p = owner.roleWizardPost("acme.localhost", p, "next", fields)
			pages = append(pages, p)
		}
		if p.step != "review" {
			t.Fatalf("to the review: %q", p.step)
		}
		acmeBefore, betaBefore := c.snapshot("acme"), c.snapshot("beta")
		cookie := beta.sessionCookie("beta.localhost")
		for i, pg := range pages {
			state := pg.hidden("_wizard")
			action := "next"
			if pg.step == "review" {
				action = "finish"
			}
			form := url.Values{"_wizard": {state}, "_step": {itoa(uint64(i))}, "_action": {action}, "name": {"Owned"}}
			path := "/roles/new?_step=" + itoa(uint64(i)) + "&_wizard=" + url.QueryEscape(state)
			// beta's cookie sent to acme's host.
			refused(t, pg.step+": GET with beta's session", c.browser().call(http.MethodGet, "acme.localhost", path, "", "Cookie", cookie.Name+"="+cookie.Value))
			form.Set("_csrf", beta.csrfOf("beta.localhost"))
			refused(t, pg.step+": POST with beta's session", c.browser().post("acme.localhost", "/roles/new", form, "Cookie", cookie.Name+"="+cookie.Value))
			// acme's state on beta's own host: it opens in no other session.
			if res := beta.post("beta.localhost", "/roles/new", form); res.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: acme's state posted on beta: %d, want 400", pg.step, res.StatusCode)
			}
			// A user of acme below roles: full.
			if res := reader.get("acme.localhost", path); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: GET below roles: full: %d", pg.step, res.StatusCode)
			}
			form.Set("_csrf", reader.csrfOf("acme.localhost"))
			if res := reader.post("acme.localhost", "/roles/new", form); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: POST below roles: full: %d", pg.step, res.StatusCode)
			}
		}
		if c.snapshot("acme") != acmeBefore || c.snapshot("beta") != betaBefore {
			t.Fatal("a refused step created something")
		}
		// A state altered by a byte does not open: the first step again, nothing made.
		state := []byte(p.hidden("_wizard"))
		state[len(state)/2] ^= 1
		res := owner.post("acme.localhost", "/roles/new", url.Values{"_csrf": {owner.csrfOf("acme.localhost")}, "_wizard": {string(state)}, "_step": {"3"}, "_action": {"finish"}})
		if res.StatusCode != http.StatusBadRequest || c.snapshot("acme") != acmeBefore {
			t.Fatalf("an altered state: %d", res.StatusCode)
		}
	})
}
