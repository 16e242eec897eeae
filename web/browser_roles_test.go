package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"landlord/models"
	"landlord/models/storetest"
)

// The roles pages as a person uses them, in headless Chromium: the browser is
// LANDLORD_TEST_CHROMIUM, else chromium on PATH; without one the test is
// skipped locally and fails in CI. LANDLORD_SCREENSHOTS (relative to the
// repository's root) keeps the screenshots.

func TestBrowserEditsARolesMatrixAndSeesATemplateLinkedInASubtenant(t *testing.T) {
	ctx := startChromium(t)
	c := newConsole(t, "sqlite")
	bg := context.Background()
	master := storetest.System(bg)
	// acme is capped: users at read, no impersonation; everything else full.
	capPerms := models.FullPermissions()
	capPerms[models.FeatureUsers], capPerms[models.FeatureImpersonation] = models.LevelRead, models.LevelNone
	limited, err := c.store.CreateTenantRole(master, models.NewRole{Name: "Limited", Description: "Users read-only, no impersonation.", Permissions: capPerms})
	if err != nil {
		t.Fatal(err)
	}
	acme, _ := c.store.TenantBySubdomain(bg, "acme")
	storetest.Exec(t, c.store, "UPDATE tenants SET tenant_role_id = ? WHERE id = ?", limited.ID, acme.ID)
	inAcme := storetest.System(models.WithTenant(bg, acme.ID))
	support, err := c.store.CreateRole(inAcme, models.NewRole{Name: "Support", Description: "First-line support.",
		Permissions: models.Permissions{models.FeatureUsers: models.LevelFull, models.FeatureResources: models.LevelRead}})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"sam", "sue"} {
		if _, err := c.store.CreateUser(inAcme, models.NewUser{Username: name, FirstName: strings.ToUpper(name[:1]) + name[1:], LastName: "Support", Password: password, RoleID: support.ID}); err != nil {
			t.Fatal(err)
		}
	}

	// The master admin makes a template through the form, clicking the matrix.
	run(t, ctx, c.signInSteps("localhost", "root@example.com")...)
	run(t, ctx, chromedp.Click(chromedp.CSS(`[data-testid="nav"] a[href="/roles"]`)), chromedp.WaitVisible(byTestID("role-table")),
		chromedp.Click(byTestID("role-new")), onRoleStep("details"),
		chromedp.SendKeys(byTestID("field-name"), "Operator"),
		chromedp.SendKeys(byTestID("field-description"), "Day-to-day operations."),
		chromedp.Click(byTestID("field-multitenant")),
		chromedp.Click(byTestID("wizard-next")), onRoleStep("levels"),
		chromedp.Click(byTestID("perm-users-read")),
		chromedp.Click(byTestID("perm-resources-full")),
		chromedp.Click(byTestID("perm-audit-read")),
		chromedp.Click(byTestID("wizard-next")), onRoleStep("groups"),
		chromedp.Click(byTestID("wizard-next")), onRoleStep("review"),
		chromedp.Click(byTestID("wizard-create")),
		chromedp.WaitVisible(byTestID("flash")))
	if msg := value(t, ctx, chromedp.Text(byTestID("flash"))); !strings.Contains(msg, "copied, linked, into 2 subtenants") {
		t.Fatalf("after creating the template: %q", msg)
	}
	if n := countOf(t, ctx, `[data-testid="role-row"][data-role="Operator"][data-origin="template"] [data-testid="template-badge"]`); n != 1 {
		t.Fatal("the master's roles page does not mark the template")
	}
	shot(t, ctx, "roles-master")

	// The tenant roles, reached from the roles page.
	run(t, ctx, chromedp.Click(byTestID("tenant-roles-link")), chromedp.WaitVisible(byTestID("tenant-role-table")))
	if n := countOf(t, ctx, `[data-testid="tenant-role-row"]`); n != 2 {
		t.Fatalf("%d tenant roles, want Standard and Limited", n)
	}
	shot(t, ctx, "tenant-roles")

	// acme's admin sees the template's copy linked, and acme's cap.
	run(t, ctx, c.signInSteps("acme.localhost", "admin@acme.example")...)
	run(t, ctx, chromedp.Navigate(c.page("acme.localhost", "/roles")), chromedp.WaitVisible(byTestID("role-table")))
	origin := value(t, ctx, chromedp.Text(chromedp.CSS(`[data-testid="role-row"][data-role="Operator"] [data-testid="role-origin"]`)))
	if origin != "Linked to template “Operator”" {
		t.Fatalf("acme's copy of the template: %q", origin)
	}
	if name := value(t, ctx, chromedp.Text(byTestID("tenant-cap-name"))); name != "Limited" {
		t.Fatalf("acme's cap: %q", name)
	}
	if n := countOf(t, ctx, `[data-testid="role-row"][data-role="Support"] [data-feature="users"] [data-effective="read"]`); n != 1 {
		t.Fatal("the roles page does not show that the cap lowers Support's users: full to read")
	}
	shot(t, ctx, "roles-subtenant")

	// Edit Support as a person would: click the levels, Preview, then Save.
	run(t, ctx, chromedp.Click(chromedp.CSS(`[data-testid="role-row"][data-role="Support"] [data-testid="role-edit"]`)),
		chromedp.WaitVisible(byTestID("permission-matrix")),
		chromedp.Click(byTestID("perm-users-read")),
		chromedp.Click(byTestID("perm-audit-read")),
		chromedp.Click(byTestID("perm-export-full")),
		chromedp.Click(byTestID("preview")),
		chromedp.WaitVisible(byTestID("preview-panel")))
	changes := countOf(t, ctx, `[data-testid="preview-changes"] tbody tr`)
	holders := value(t, ctx, chromedp.Text(byTestID("preview-holders")))
	if changes != 3 || !strings.Contains(holders, "2 users hold this role") || !strings.Contains(holders, "2 of them") {
		t.Fatalf("the preview: %d changes, %q", changes, holders)
	}
	// The preview keeps what was clicked.
	if n := countOf(t, ctx, `#perm-users-read:checked, #perm-audit-read:checked, #perm-export-full:checked`); n != 3 {
		t.Fatalf("after the preview %d of the 3 clicked levels are still chosen", n)
	}
	shot(t, ctx, "role-matrix-preview")
	run(t, ctx, chromedp.Click(byTestID("save")), chromedp.WaitVisible(byTestID("flash")))
	if msg := value(t, ctx, chromedp.Text(byTestID("flash"))); !strings.Contains(msg, "Support") {
		t.Fatalf("after saving: %q", msg)
	}
	saved, err := c.store.RoleDetail(inAcme, support.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := models.Permissions{models.FeatureUsers: models.LevelRead, models.FeatureResources: models.LevelRead, models.FeatureAudit: models.LevelRead, models.FeatureExport: models.LevelFull}
	for _, f := range models.Features {
		if saved.Permissions.Level(f) != want.Level(f) {
			t.Errorf("saved %s: %s, want %s", f, saved.Permissions.Level(f), want.Level(f))
		}
	}

	// The dashboard shows where the cap bites on the admin's own rights.
	run(t, ctx, chromedp.Navigate(c.page("acme.localhost", "/")), chromedp.WaitVisible(byTestID("dashboard")))
	if n := countOf(t, ctx, `[data-feature="users"] [data-testid="capped-note"]`); n != 1 {
		t.Error("the dashboard does not say the cap lowers users")
	}

	// A user's effective permissions, from the users list.
	run(t, ctx, chromedp.Navigate(c.page("acme.localhost", "/users")), chromedp.WaitVisible(byTestID("user-table")),
		chromedp.Click(chromedp.CSS(`[data-testid="user-row"][data-username="admin@acme.example"] [data-testid="user-permissions-link"]`)),
		chromedp.WaitVisible(byTestID("rights")))
	if by := value(t, ctx, chromedp.AttributeValue(chromedp.CSS(`[data-testid="right-row"][data-feature="users"]`), "data-limited-by")).Value; by != "cap" {
		t.Errorf("the admin's users right is limited by %q, want the cap", by)
	}
	shot(t, ctx, "user-permissions")
}
