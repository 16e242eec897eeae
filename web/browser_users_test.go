package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"landlord/models"
	"landlord/models/storetest"
)

// A person creating a user in a real browser: the wizard step by step (a
// field error on the first step, Back from the review), then the new user's
// page with their effective permissions. Screenshots of each step go to
// LANDLORD_SCREENSHOTS (relative to the repository root) when it is set.

func usersChromium(t *testing.T) string {
	t.Helper()
	path := os.Getenv("LANDLORD_TEST_CHROMIUM")
	if path == "" {
		path, _ = exec.LookPath("chromium")
	}
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("Chromium is needed for browser tests: apt-get install -y chromium")
		}
		t.Skip("no Chromium: set LANDLORD_TEST_CHROMIUM or install chromium")
	}
	return path
}

func usersBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(usersChromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

func usersScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("LANDLORD_SCREENSHOTS")
	switch {
	case dir == "":
		dir = t.TempDir()
	case !filepath.IsAbs(dir):
		dir = filepath.Join("..", dir) // the tests run in web/
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func byTestID(id string) chromedp.CSS { return chromedp.CSS(`[data-testid="` + id + `"]`) }

func steps(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		t.Fatalf("%v; the page says: %s", err, body)
	}
}

func value[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestBrowserCreatesAUserThroughTheWizardAndShowsTheirRights(t *testing.T) {
	c := newConsole(t, "sqlite")
	ctx := usersBrowser(t)
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
	operator, err := c.store.CreateRole(models.WithTenant(bg, c.mustTenant("acme").ID), models.NewRole{Name: "Operator", Description: "Runs resources, reads the rest.",
		Permissions: models.Permissions{models.FeatureUsers: models.LevelRead, models.FeatureResources: models.LevelFull,
			models.FeatureAudit: models.LevelFull, models.FeatureExport: models.LevelFull, models.FeatureImpersonation: models.LevelFull}})
	if err != nil {
		t.Fatal(err)
	}
	at := func(path string) string { return "http://acme.localhost:" + c.url.Port() + path }

	steps(t, ctx,
		chromedp.Navigate(at("/login")), chromedp.WaitVisible(byTestID("login-form")),
		chromedp.SendKeys(byTestID("login-username"), "admin@acme.example"),
		chromedp.SendKeys(byTestID("login-password"), password),
		chromedp.Click(byTestID("login-submit")), chromedp.WaitVisible(byTestID("dashboard")),
		chromedp.Click(chromedp.CSS(`[data-testid="nav"] a[href="/users"]`)), chromedp.WaitVisible(byTestID("user-table")),
		chromedp.Click(byTestID("new-user")), chromedp.WaitVisible(chromedp.CSS(`[data-testid="step-identity"]`)),
	)

	// Step 1 with a username acme already has (in another case): the step
	// stays, says why, and keeps what was typed.
	steps(t, ctx,
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
	usersScreenshot(t, ctx, "user-wizard-1-identity-error")

	steps(t, ctx,
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
	usersScreenshot(t, ctx, "user-wizard-2-role-and-password")

	steps(t, ctx, chromedp.Click(byTestID("wizard-next")), chromedp.WaitVisible(chromedp.CSS(`[data-testid="step-review"]`)))
	if who := value(t, ctx, chromedp.Text(byTestID("review"))); !strings.Contains(who, "jane.doe") || !strings.Contains(who, "Operator") || strings.Contains(who, "passphrase") {
		t.Fatalf("the review shows %q", who)
	}
	usersScreenshot(t, ctx, "user-wizard-3-review")

	// Back from the review: the role and the passwords are still there.
	steps(t, ctx, chromedp.Click(byTestID("wizard-back")), chromedp.WaitVisible(chromedp.CSS(`[data-testid="step-access"]`)))
	if role := value(t, ctx, chromedp.Value(byTestID("field-role"))); role != strconv.FormatUint(operator.ID, 10) {
		t.Fatalf("back from review: role %q", role)
	}
	if pw := value(t, ctx, chromedp.Value(byTestID("field-password_confirm"))); pw != "a long new passphrase" {
		t.Fatal("back from review lost the password")
	}
	steps(t, ctx,
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
	usersScreenshot(t, ctx, "user-page")

	// The list links to the new user.
	steps(t, ctx, chromedp.Click(byTestID("back-to-users")), chromedp.WaitVisible(chromedp.CSS(`[data-testid="user-row"][data-username="jane.doe"]`)))
	usersScreenshot(t, ctx, "users-list-admin")

	// The actions' pages, reached from the user page.
	steps(t, ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="user-row"][data-username="jane.doe"] [data-testid="user-link"]`)), chromedp.WaitVisible(byTestID("user-page")),
		chromedp.Click(byTestID("user-edit")), chromedp.WaitVisible(byTestID("user-edit-form")),
		chromedp.Clear(byTestID("field-username")), chromedp.SendKeys(byTestID("field-username"), "jane doe"),
		chromedp.Click(byTestID("save")), chromedp.WaitVisible(chromedp.CSS("#error-username")),
	)
	if h := value(t, ctx, chromedp.Text(byTestID("edit-current"))); h != "jane.doe" {
		t.Fatalf("the refused edit is headed %q, not the stored username", h)
	}
	usersScreenshot(t, ctx, "user-edit-error")
	steps(t, ctx,
		chromedp.Clear(byTestID("field-username")), chromedp.SendKeys(byTestID("field-username"), "jdoe"),
		chromedp.Click(byTestID("save")), chromedp.WaitVisible(byTestID("user-page")),
		chromedp.Click(byTestID("user-password")), chromedp.WaitVisible(byTestID("user-password-form")),
	)
	usersScreenshot(t, ctx, "user-password")

	// The master opens acme's users from the tenant list: accounts only, the
	// same pages under /tenants/acme.
	steps(t, ctx,
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
	usersScreenshot(t, ctx, "user-page-master")
	steps(t, ctx, chromedp.Click(byTestID("user-delete")), chromedp.WaitVisible(byTestID("user-delete-form")),
		chromedp.SendKeys(byTestID("field-confirm"), "jane"), chromedp.Click(byTestID("delete")), chromedp.WaitVisible(chromedp.CSS("#error-confirm")))
	usersScreenshot(t, ctx, "user-delete-master")
	steps(t, ctx, chromedp.Clear(byTestID("field-confirm")), chromedp.SendKeys(byTestID("field-confirm"), "jdoe"),
		chromedp.Click(byTestID("delete")), chromedp.WaitVisible(byTestID("flash")))
	if msg := value(t, ctx, chromedp.Text(byTestID("flash"))); !strings.Contains(msg, "jdoe deleted") {
		t.Fatalf("after delete: %q", msg)
	}
}
