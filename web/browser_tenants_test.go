package web_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The master's tenant pages in headless Chromium, walked as a person would.
// Chromium resolves every *.localhost name to loopback, where the test
// server listens. (The root package's browser tests run the binary; these
// run the server in the test, like the rest of this package.)

// chromiumPath finds the browser: LANDLORD_TEST_CHROMIUM, else chromium on
// PATH. In CI (CI set) a missing browser fails the test instead of skipping it.
func chromiumPath(t *testing.T) string {
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

func startChromium(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// Back and Forward load the page again, as without the back/forward
		// cache (which chromedp cannot follow): the wizard's harder case.
		chromedp.Flag("disable-features", "BackForwardCache"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// snap saves a screenshot to LANDLORD_SCREENSHOTS (a relative one is taken
// from the repository's root, as for the root package's tests) or the test's
// temporary directory.
func snap(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("LANDLORD_SCREENSHOTS")
	switch {
	case dir == "":
		dir = t.TempDir()
	case !filepath.IsAbs(dir):
		dir = filepath.Join("..", dir)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func byTestid(id string) chromedp.CSS { return chromedp.CSS(`[data-testid="` + id + `"]`) }

func act(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("at %s: %v", loc, err)
	}
}

func get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// valueOf is a form field's current value, as the person sees it.
func valueOf(t *testing.T, ctx context.Context, field string) string {
	t.Helper()
	return get(t, ctx, chromedp.Value(byTestid("field-"+field)))
}

// onStep waits for the wizard to show step.
func onStep(step string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(`[data-testid="tenant-wizard"][data-step="` + step + `"]`))
}

func textOf(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	return strings.TrimSpace(get(t, ctx, chromedp.Text(byTestid(id))))
}

func TestBrowserCreatesATenantThroughTheWizardThenDeletesIt(t *testing.T) {
	c := newConsole(t, "sqlite")
	ctx := startChromium(t)
	at := func(host, path string) string { return "http://" + host + ":" + c.url.Port() + path }

	act(t, ctx,
		chromedp.Navigate(at("localhost", "/login")), chromedp.WaitVisible(byTestid("login-form")),
		chromedp.SendKeys(byTestid("login-username"), "root@example.com"),
		chromedp.SendKeys(byTestid("login-password"), password),
		chromedp.Click(byTestid("login-submit")), chromedp.WaitVisible(byTestid("dashboard")),
		chromedp.Navigate(at("localhost", "/tenants")), chromedp.WaitVisible(byTestid("tenant-table")),
		chromedp.Click(byTestid("tenant-new")), onStep("details"))

	// Details: a taken subdomain is refused on this page, what was typed stays.
	act(t, ctx,
		chromedp.SendKeys(byTestid("field-name"), "Gamma Ltd"),
		chromedp.SendKeys(byTestid("field-subdomain"), "acme"),
		chromedp.SendKeys(byTestid("field-description"), "Our third customer"),
		chromedp.SetValue(byTestid("field-currency"), "EUR"))
	snap(t, ctx, "tenant-wizard-details")
	act(t, ctx, chromedp.Click(byTestid("wizard-next")), onStep("details"), chromedp.WaitVisible(chromedp.CSS("#error-subdomain")))
	snap(t, ctx, "tenant-wizard-details-taken")
	if msg := textOf(t, ctx, "field-error"); msg != "That subdomain is taken." {
		t.Fatalf("taken subdomain: %q", msg)
	}
	if valueOf(t, ctx, "name") != "Gamma Ltd" || valueOf(t, ctx, "currency") != "EUR" {
		t.Fatal("the refused page lost what was typed")
	}
	act(t, ctx, chromedp.Clear(byTestid("field-subdomain")), chromedp.SendKeys(byTestid("field-subdomain"), "gamma"),
		chromedp.Click(byTestid("wizard-next")), onStep("limits"))

	// The browser's Back from the limits page shows the details as typed,
	// and its Forward the limits page again.
	act(t, ctx, chromedp.NavigateBack(), onStep("details"))
	if valueOf(t, ctx, "name") != "Gamma Ltd" || valueOf(t, ctx, "subdomain") != "gamma" || valueOf(t, ctx, "currency") != "EUR" {
		t.Fatalf("browser Back to details: %q %q %q", valueOf(t, ctx, "name"), valueOf(t, ctx, "subdomain"), valueOf(t, ctx, "currency"))
	}
	act(t, ctx, chromedp.NavigateForward(), onStep("limits"))

	act(t, ctx, chromedp.SendKeys(byTestid("field-max_users"), "5"))
	snap(t, ctx, "tenant-wizard-limits")
	act(t, ctx, chromedp.Click(byTestid("wizard-next")), onStep("account"),
		chromedp.SendKeys(byTestid("field-account_number"), "AC-7"),
		chromedp.SendKeys(byTestid("field-account_name"), "Gamma Billing"))
	snap(t, ctx, "tenant-wizard-account")
	act(t, ctx, chromedp.Click(byTestid("wizard-next")), onStep("admin"),
		chromedp.SendKeys(byTestid("field-admin_username"), "ops"),
		chromedp.SendKeys(byTestid("field-admin_email"), "ops@gamma.example"),
		chromedp.SendKeys(byTestid("field-admin_password"), password),
		chromedp.SendKeys(byTestid("field-admin_password_confirm"), password+" typo"),
		chromedp.Click(byTestid("wizard-next")), onStep("admin"), chromedp.WaitVisible(chromedp.CSS("#error-admin_password_confirm")))
	act(t, ctx,
		chromedp.SendKeys(byTestid("field-admin_password"), password),
		chromedp.SendKeys(byTestid("field-admin_password_confirm"), password))
	snap(t, ctx, "tenant-wizard-admin")
	act(t, ctx, chromedp.Click(byTestid("wizard-next")), onStep("review"))
	snap(t, ctx, "tenant-wizard-review")
	if strings.Contains(get(t, ctx, chromedp.OuterHTML(chromedp.CSS("html"))), password) {
		t.Fatal("the review page holds the password")
	}

	// Back, step by step, from the review to the details: nothing is lost.
	for _, step := range []string{"admin", "account", "limits", "details"} {
		act(t, ctx, chromedp.Click(byTestid("wizard-back")), onStep(step))
	}
	for field, want := range map[string]string{"name": "Gamma Ltd", "subdomain": "gamma", "description": "Our third customer", "currency": "EUR"} {
		if got := valueOf(t, ctx, field); got != want {
			t.Errorf("details after Back from the review: %s = %q, want %q", field, got, want)
		}
	}
	// And forward again, changing the name only.
	act(t, ctx, chromedp.Clear(byTestid("field-name")), chromedp.SendKeys(byTestid("field-name"), "Gamma Limited"),
		chromedp.Click(byTestid("wizard-next")), onStep("limits"))
	if valueOf(t, ctx, "max_users") != "5" {
		t.Fatalf("limits kept: %q", valueOf(t, ctx, "max_users"))
	}
	act(t, ctx, chromedp.Click(byTestid("wizard-next")), onStep("account"))
	if valueOf(t, ctx, "account_number") != "AC-7" {
		t.Fatalf("account kept: %q", valueOf(t, ctx, "account_number"))
	}
	act(t, ctx, chromedp.Click(byTestid("wizard-next")), onStep("admin"), chromedp.WaitVisible(byTestid("password-kept")))
	if valueOf(t, ctx, "admin_username") != "ops" || valueOf(t, ctx, "admin_password") != "" {
		t.Fatalf("admin kept: %q, password shown: %q", valueOf(t, ctx, "admin_username"), valueOf(t, ctx, "admin_password"))
	}
	act(t, ctx, chromedp.Click(byTestid("wizard-next")), onStep("review"))
	for id, want := range map[string]string{"review-name": "Gamma Limited", "review-subdomain": "gamma", "review-description": "Our third customer",
		"review-currency": "EUR · Euro", "review-max-users": "5", "review-max-resources": "no limit", "review-account-number": "AC-7",
		"review-account-name": "Gamma Billing", "review-admin-username": "ops", "review-admin-email": "ops@gamma.example",
		"review-admin-password": "set (not shown)"} {
		if got := textOf(t, ctx, id); !strings.HasPrefix(got, want) {
			t.Errorf("review %s: %q, want %q", id, got, want)
		}
	}
	// The browser's Back from the review, then Forward: still all there.
	act(t, ctx, chromedp.NavigateBack(), onStep("admin"))
	if valueOf(t, ctx, "admin_username") != "ops" {
		t.Fatalf("browser Back to the admin step: %q", valueOf(t, ctx, "admin_username"))
	}
	act(t, ctx, chromedp.NavigateForward(), onStep("review"))
	if got := textOf(t, ctx, "review-name"); got != "Gamma Limited" {
		t.Fatalf("browser Forward to the review: %q", got)
	}

	// Create: the tenant's page, its limits drawn as meters.
	act(t, ctx, chromedp.Click(byTestid("wizard-create")), chromedp.WaitVisible(byTestid("tenant-detail")))
	if msg := textOf(t, ctx, "flash"); !strings.Contains(msg, "gamma created, with ops as its admin") {
		t.Fatalf("flash: %q", msg)
	}
	if got := textOf(t, ctx, "usage-users-text"); got != "1 / 5" {
		t.Fatalf("users meter text: %q", got)
	}
	meter := get(t, ctx, chromedp.Evaluate[[]float64](`(m => [m.value, m.max])(document.querySelector('[data-testid="meter-users"]'))`))
	if len(meter) != 2 || meter[0] != 1 || meter[1] != 5 {
		t.Fatalf("users meter: %v", meter)
	}
	if got := textOf(t, ctx, "usage-resources-text"); got != "0 (no limit)" {
		t.Fatalf("resources: %q", got)
	}
	if got := textOf(t, ctx, "detail-currency"); got != "EUR · Euro" {
		t.Fatalf("currency: %q", got)
	}
	snap(t, ctx, "tenant-detail")

	// Delete: the counts, a wrong subdomain refused by the field, then gone.
	act(t, ctx, chromedp.Click(byTestid("tenant-delete")), chromedp.WaitVisible(byTestid("tenant-delete-form")))
	if got := textOf(t, ctx, "delete-users"); got != "1 user" {
		t.Fatalf("delete counts: %q", got)
	}
	act(t, ctx, chromedp.SendKeys(byTestid("field-confirm"), "gama"), chromedp.Click(byTestid("delete-confirm")),
		chromedp.WaitVisible(chromedp.CSS("#error-confirm")))
	snap(t, ctx, "tenant-delete")
	act(t, ctx, chromedp.Clear(byTestid("field-confirm")), chromedp.SendKeys(byTestid("field-confirm"), "gamma"),
		chromedp.Click(byTestid("delete-confirm")), chromedp.WaitVisible(byTestid("tenant-table")))
	if msg := textOf(t, ctx, "flash"); !strings.Contains(msg, "gamma deleted") {
		t.Fatalf("after delete: %q", msg)
	}
	js, _ := json.Marshal(`[data-testid="tenant-row"][data-subdomain="gamma"]`)
	if n := get(t, ctx, chromedp.Evaluate[int]("document.querySelectorAll("+string(js)+").length")); n != 0 {
		t.Fatal("gamma is still listed")
	}
}
