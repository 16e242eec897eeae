package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"landlord/models"
	"landlord/models/storetest"
)

// A person creating a user in a real browser: the wizard step by step (a
// field error on the first step, Back from the review), then the new user's
// page with their effective permissions. Screenshots of each step go to
// LANDLORD_SCREENSHOTS (relative to the repository root) when it is set.

func TestBrowserCreatesAUserThroughTheWizardAndShowsTheirRights(t *testing.T) {
	c := newConsole(t, "sqlite")
	ctx := startChromium(t)
	bg := context.Background()
	// acme's tenant role caps a few features, so the rights table has
	// something to explain.
	tr, err := c.store.CreateTenantRole(storetest.System(bg), models.NewRole{Name: "Standard, no impersonation", Permissions: models.Permissions{
		models.FeatureUsers: models.LevelFull, models.FeatureRoles: models.LevelFull, models.FeatureResources: models.LevelFull,
		models.FeatureAudit: models.LevelRead, models.FeatureExport: models.LevelRead}})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Exec(t, c.store, "UPDATE tenants SET tenant_role_id = ? WHERE subdomain = 'acme'", tr.ID)
	operator, err := c.store.CreateRole(storetest.System(models.WithTenant(bg, c.mustTenant("acme").ID)), models.NewRole{Name: "Operator", Description: "Runs resources, reads the rest.",
		Permissions: models.Permissions{models.FeatureUsers: models.LevelRead, models.FeatureResources: models.LevelFull,
			models.FeatureAudit: models.LevelFull, models.FeatureExport: models.LevelFull, models.FeatureImpersonation: models.LevelFull}})
	if err != nil {
		t.Fatal(err)
	}
	at := func(path string) string { return "http://acme.localhost:" + c.url.Port() + path }

	run(t, ctx,
		chromedp.Navigate(at("/login")), chromedp.WaitVisible(byTestID("login-form")),
		chromedp.SendKeys(byTestID("login-username"), "admin@acme.example"),
		chromedp.SendKeys(byTestID("login-password"), password),
		chromedp.Click(byTestID("login-submit")), chromedp.WaitVisible(byTestID("dashboard")),
		chromedp.Click(chromedp.CSS(`[data-testid="nav"] a[href="/users"]`)), chromedp.WaitVisible(byTestID("user-table")),
		chromedp.Click(byTestID("new-user")), chromedp.WaitVisible(chromedp.CSS(`[data-testid="step-identity"]`)),
	)

	// Step 1 with a username acme already has (in another case): the step
	// stays, says why, and keeps what was typed.
	run(t, ctx,
		chromedp.SendKeys(byTestID("field-first_name"), "Jane"),
		chromedp.SendKeys(byTestID("field-last_name"), "Doe"),
		chromedp.SendKeys(byTestID("field-username"), "Admin@Acme.example"),
		chromedp.Click(byTestID("wizard-next")), chromedp.WaitVisible(chromedp.CSS("#error-username")),
	)
	if msg := value(t, ctx, chromedp.Text(chromedp.CSS("#error-username"))); !strings.Contains(msg, "taken") {
		t.Fatalf("the taken username says %q", msg)
	}
	if kept := value(t, ctx, chromedp.Value(byTestID("field-last_name"))); kept != "Doe" {
		t.Fatalf("the refused step lost the last name: %q", kept)
	}
	shot(t, ctx, "user-wizard-1-identity-error")

	run(t, ctx,
		chromedp.Clear(byTestID("field-username")), chromedp.SendKeys(byTestID("field-username"), "jane.doe"),
		chromedp.SendKeys(byTestID("field-email"), "jane@acme.example"),
		chromedp.Click(byTestID("wizard-next")), chromedp.WaitVisible(chromedp.CSS(`[data-testid="step-access"]`)),
		chromedp.SetValue(byTestID("field-role"), strconv.FormatUint(operator.ID, 10)),
		chromedp.SendKeys(byTestID("field-password"), "a long new passphrase"),
		chromedp.SendKeys(byTestID("field-password_confirm"), "a long new passphrase"),
	)
	if rule := value(t, ctx, chromedp.Text(byTestID("password-rule"))); !strings.Contains(rule, "12 characters") {
		t.Fatalf("the password rule says %q", rule)
	}
	shot(t, ctx, "user-wizard-2-role-and-password")

	run(t, ctx, chromedp.Click(byTestID("wizard-next")), chromedp.WaitVisible(chromedp.CSS(`[data-testid="step-review"]`)))
	if who := value(t, ctx, chromedp.Text(byTestID("review"))); !strings.Contains(who, "jane.doe") || !strings.Contains(who, "Operator") || strings.Contains(who, "passphrase") {
		t.Fatalf("the review shows %q", who)
	}
	shot(t, ctx, "user-wizard-3-review")

	// Back from the review: the role is still there, and the password is
	// kept without being shown: its fields are empty, and Next with them
	// empty keeps it.
	run(t, ctx, chromedp.Click(byTestID("wizard-back")), chromedp.WaitVisible(chromedp.CSS(`[data-testid="step-access"]`)),
		chromedp.WaitVisible(byTestID("password-kept")))
	if role := value(t, ctx, chromedp.Value(byTestID("field-role"))); role != strconv.FormatUint(operator.ID, 10) {
		t.Fatalf("back from review: role %q", role)
	}
	if pw := value(t, ctx, chromedp.Value(byTestID("field-password_confirm"))); pw != "" {
		t.Fatal("back from review shows the password")
	}
	run(t, ctx,
		chromedp.Click(byTestID("wizard-next")), chromedp.WaitVisible(chromedp.CSS(`[data-testid="step-review"]`)),
		chromedp.Click(byTestID("wizard-create")), chromedp.WaitVisible(byTestID("user-page")),
	)
	if msg := value(t, ctx, chromedp.Text(byTestID("flash"))); !strings.Contains(msg, "jane.doe created") {
		t.Fatalf("after Create: %q", msg)
	}
	if name := value(t, ctx, chromedp.Text(byTestID("user-name"))); name != "Jane Doe" {
		t.Fatalf("the user page names %q", name)
	}
	// The rights table: impersonation granted by the role, capped to none.
	row := `[data-testid="right"][data-feature="impersonation"] `
	role := value(t, ctx, chromedp.Text(chromedp.CSS(row+`[data-testid="right-role"]`)))
	cap := value(t, ctx, chromedp.Text(chromedp.CSS(row+`[data-testid="right-cap"]`)))
	eff := value(t, ctx, chromedp.Text(chromedp.CSS(row+`[data-testid="right-effective"]`)))
	if role != "Full" || cap != "No access" || eff != "No access" {
		t.Fatalf("impersonation: role %q, cap %q, effective %q", role, cap, eff)
	}
	shot(t, ctx, "user-page")

	// The list links to the new user.
	run(t, ctx, chromedp.Click(chromedp.CSS(`[data-testid="breadcrumbs"] a[href="/users"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="user-row"][data-username="jane.doe"]`)))
	shot(t, ctx, "users-list-admin")

	// The actions' pages, reached from the user page.
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="user-row"][data-username="jane.doe"] [data-testid="user-link"]`)), chromedp.WaitVisible(byTestID("user-page")),
		chromedp.Click(byTestID("user-edit")), chromedp.WaitVisible(byTestID("user-edit-form")),
		chromedp.Clear(byTestID("field-username")), chromedp.SendKeys(byTestID("field-username"), "jane doe"),
		chromedp.Click(byTestID("save")), chromedp.WaitVisible(chromedp.CSS("#error-username")),
	)
	if h := value(t, ctx, chromedp.Text(byTestID("edit-current"))); h != "jane.doe" {
		t.Fatalf("the refused edit is headed %q, not the stored username", h)
	}
	shot(t, ctx, "user-edit-error")
	run(t, ctx,
		chromedp.Clear(byTestID("field-username")), chromedp.SendKeys(byTestID("field-username"), "jdoe"),
		chromedp.Click(byTestID("save")), chromedp.WaitVisible(byTestID("user-page")),
		chromedp.Click(byTestID("user-password")), chromedp.WaitVisible(byTestID("user-password-form")),
	)
	shot(t, ctx, "user-password")

	// The master opens acme's users from the tenant list: accounts only, the
	// same pages under /tenants/acme.
	run(t, ctx,
		chromedp.Click(byTestID("logout")), chromedp.WaitVisible(byTestID("login-form")),
		chromedp.Navigate("http://localhost:"+c.url.Port()+"/login"), chromedp.WaitVisible(byTestID("login-form")),
		chromedp.SendKeys(byTestID("login-username"), "root@example.com"),
		chromedp.SendKeys(byTestID("login-password"), password),
		chromedp.Click(byTestID("login-submit")), chromedp.WaitVisible(byTestID("dashboard")),
		chromedp.Click(chromedp.CSS(`[data-testid="nav"] a[href="/tenants"]`)), chromedp.WaitVisible(byTestID("tenant-table")),
		chromedp.Click(chromedp.CSS(`[data-testid="tenant-row"][data-subdomain="acme"] [data-testid="tenant-users-link"]`)),
		chromedp.WaitVisible(byTestID("managed-tenant")),
		chromedp.Click(chromedp.CSS(`[data-testid="user-row"][data-username="jdoe"] [data-testid="user-link"]`)), chromedp.WaitVisible(byTestID("user-page")),
	)
	if loc := value(t, ctx, chromedp.Location()); !strings.Contains(loc, "/tenants/acme/users/") {
		t.Fatalf("the master's user page is at %s", loc)
	}
	shot(t, ctx, "user-page-master")
	run(t, ctx, chromedp.Click(byTestID("user-delete")), chromedp.WaitVisible(byTestID("user-delete-form")),
		chromedp.SendKeys(byTestID("field-confirm"), "jane"), chromedp.Click(byTestID("delete")), chromedp.WaitVisible(chromedp.CSS("#error-confirm")))
	shot(t, ctx, "user-delete-master")
	run(t, ctx, chromedp.Clear(byTestID("field-confirm")), chromedp.SendKeys(byTestID("field-confirm"), "jdoe"),
		chromedp.Click(byTestID("delete")), chromedp.WaitVisible(byTestID("flash")))
	if msg := value(t, ctx, chromedp.Text(byTestID("flash"))); !strings.Contains(msg, "jdoe deleted") {
		t.Fatalf("after delete: %q", msg)
	}
}
