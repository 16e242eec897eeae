package main

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

	"landlord/internal/pagecheck"
)

// TestMain stops the Nu HTML checker the page checks start.
func TestMain(m *testing.M) { pagecheck.Main(m) }

// chromium finds the browser: LANDLORD_TEST_CHROMIUM, else chromium on PATH.
// In CI (CI set) a missing browser fails the test instead of skipping it.
func chromium(t *testing.T) string {
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

// newBrowser starts headless Chromium with a fresh profile. Every page it
// receives is checked (pagecheck); a finding fails the test.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// The browser lives as long as the context of its first action: start it
	// before the test's deadline, so the page checks can finish after it.
	browserCtx, cancelCtx := chromedp.NewContext(alloc)
	if err := chromedp.Do(browserCtx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start Chromium: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(browserCtx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return pagecheck.Watch(t, ctx)
}

// screenshot saves the page to LANDLORD_SCREENSHOTS (if set) or the test's temp dir.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("LANDLORD_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// testid selects an element by its data-testid.
func testid(id string) chromedp.CSS { return chromedp.CSS(`[data-testid="` + id + `"]`) }

func signIn(in *instance, host, username, password string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(in.url(host, "/login")),
		chromedp.WaitVisible(testid("login-form")),
		chromedp.SendKeys(testid("login-username"), username),
		chromedp.SendKeys(testid("login-password"), password),
		chromedp.Click(testid("login-submit")),
	}
}

// read runs action and fails the test on error.
func read[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func TestBrowserLogsInThroughTheFormAndReachesTheDashboard(t *testing.T) {
	in := newInstance(t, "sqlite")
	in.cli("set-admin-password", "master", "root@example.com", "correct horse battery staple")
	in.cli("tenants", "create", "--subdomain", "acme", "--name", "Acme Corp")
	in.cli("set-admin-password", "acme", "ops@acme.example", "acme horse battery staple")
	in.serve()
	ctx := newBrowser(t)

	// The login page, after one failed attempt: message shown, username kept.
	do(t, ctx, signIn(in, "localhost", "root@example.com", "not the password")...)
	do(t, ctx, chromedp.WaitVisible(testid("login-error")))
	if kept := read(t, ctx, chromedp.Value(testid("login-username"))); kept != "root@example.com" {
		t.Fatalf("failed login kept %q", kept)
	}
	if msg := read(t, ctx, chromedp.Text(testid("login-error"))); msg == "" {
		t.Fatal("failed login said nothing")
	}
	screenshot(t, ctx, "login-failed")

	// The master admin signs in on the base domain.
	do(t, ctx, signIn(in, "localhost", "root@example.com", "correct horse battery staple")...)
	do(t, ctx, chromedp.WaitVisible(testid("dashboard")))
	if tenant := read(t, ctx, chromedp.Text(testid("dashboard-tenant"))); !strings.Contains(tenant, "master") {
		t.Fatalf("master dashboard says %q", tenant)
	}
	screenshot(t, ctx, "dashboard-master")

	// Sign out, then sign in to acme from the base domain as acme\user: the
	// browser lands on acme's own host, signed in there.
	do(t, ctx, chromedp.Click(testid("logout")), chromedp.WaitVisible(testid("login-form")))
	screenshot(t, ctx, "signed-out")
	do(t, ctx, signIn(in, "localhost", `acme\ops@acme.example`, "acme horse battery staple")...)
	waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(waitCtx, chromedp.WaitVisible(testid("dashboard"))); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
		screenshot(t, ctx, "handoff-failed")
		t.Fatalf("no dashboard after acme\\ login: at %s: %s (%v)", loc, body, err)
	}
	location := read(t, ctx, chromedp.Location())
	who := read(t, ctx, chromedp.Text(testid("dashboard-user")))
	if location != in.url("acme.localhost", "/") || !strings.Contains(who, "ops@acme.example") {
		t.Fatalf("after acme\\ login: at %s as %q", location, who)
	}
	screenshot(t, ctx, "dashboard-acme")

	// A page that does not exist shows the error page, still signed in: the
	// header names the user, and the dashboard opens again without a login.
	do(t, ctx, chromedp.Navigate(in.url("acme.localhost", "/no-such-page")), chromedp.WaitVisible(testid("error-page")))
	// The header is part of the page already shown, so a short wait is enough.
	headerCtx, cancelHeader := context.WithTimeout(ctx, 5*time.Second)
	defer cancelHeader()
	if who, err := chromedp.Run(headerCtx, chromedp.Text(testid("current-user"))); err != nil || !strings.Contains(who, "ops@acme.example") {
		t.Fatalf("error page does not show ops@acme.example signed in: %q (%v)", who, err)
	}
	screenshot(t, ctx, "error-404")
	do(t, ctx, chromedp.Navigate(in.url("acme.localhost", "/")), chromedp.WaitVisible(testid("dashboard")))

	// An unknown subdomain shows the plain "no such tenant" page.
	do(t, ctx, chromedp.Navigate(in.url("nosuch.localhost", "/")), chromedp.WaitVisible(testid("no-such-tenant")))
	screenshot(t, ctx, "no-such-tenant")
}

func TestBrowserListsTenantsAndEditsOneThroughItsForm(t *testing.T) {
	in := newInstance(t, "sqlite")
	in.cli("set-admin-password", "master", "root@example.com", "correct horse battery staple")
	for _, sub := range []string{"acme", "beta", "gamma"} {
		in.cli("tenants", "create", "--subdomain", sub, "--name", strings.ToUpper(sub[:1])+sub[1:]+" Corp")
	}
	in.cli("set-admin-password", "acme", "ops@acme.example", "acme horse battery staple")
	in.cli("set-admin-password", "acme", "second@acme.example", "acme horse battery staple")
	in.serve()
	ctx := newBrowser(t)

	do(t, ctx, signIn(in, "localhost", "root@example.com", "correct horse battery staple")...)
	do(t, ctx, chromedp.WaitVisible(testid("dashboard")),
		chromedp.Click(chromedp.CSS(`[data-testid="nav"] a[href="/tenants"]`)),
		chromedp.WaitVisible(testid("tenant-table")))
	if n := count(t, ctx, `[data-testid="tenant-row"]`); n != 4 {
		t.Fatalf("%d tenant rows, want 4 (master and three)", n)
	}
	// Sort by users, most first: acme has two.
	// Each click loads a new page; wait for the header that says how it is sorted.
	do(t, ctx, chromedp.Click(testid("sort-users")), chromedp.WaitVisible(chromedp.CSS(`th[aria-sort="ascending"] [data-testid="sort-users"]`)),
		chromedp.Click(testid("sort-users")), chromedp.WaitVisible(chromedp.CSS(`th[aria-sort="descending"] [data-testid="sort-users"]`)))
	first := read(t, ctx, chromedp.AttributeValue(chromedp.CSS(`[data-testid="tenant-row"]:first-child`), "data-subdomain")).Value
	if first != "acme" {
		t.Fatalf("most users first: %q", first)
	}
	screenshot(t, ctx, "tenants-list")
	// Search keeps working without JavaScript-only controls: a plain GET form.
	do(t, ctx, chromedp.SendKeys(testid("list-search-input"), "gam"), chromedp.Submit(testid("list-search-input")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="list-search-input"][value="gam"]`)))
	if n := count(t, ctx, `[data-testid="tenant-row"]`); n != 1 {
		t.Fatalf("search gam: %d rows", n)
	}

	// Edit gamma: an empty name is refused by the field, the description kept.
	do(t, ctx, chromedp.Click(testid("tenant-edit")), chromedp.WaitVisible(testid("tenant-edit-form")),
		chromedp.Clear(testid("field-name")),
		chromedp.SendKeys(testid("field-description"), "Our third customer"),
		chromedp.RemoveAttribute(testid("field-name"), "required"),
		chromedp.Click(testid("save")), chromedp.WaitVisible(testid("field-error")))
	if kept := read(t, ctx, chromedp.Value(testid("field-description"))); kept != "Our third customer" {
		t.Fatalf("the failed save lost the description: %q", kept)
	}
	screenshot(t, ctx, "tenant-edit-error")
	do(t, ctx, chromedp.SendKeys(testid("field-name"), "Gamma Ltd"), chromedp.Click(testid("save")),
		chromedp.WaitVisible(testid("flash")))
	if msg := read(t, ctx, chromedp.Text(testid("flash"))); !strings.Contains(msg, "gamma saved") {
		t.Fatalf("after saving: %q", msg)
	}
	screenshot(t, ctx, "tenant-saved")

	// A tenant admin sees the users page of their own tenant, no tenant list.
	do(t, ctx, chromedp.Click(testid("logout")), chromedp.WaitVisible(testid("login-form")))
	do(t, ctx, signIn(in, "acme.localhost", "ops@acme.example", "acme horse battery staple")...)
	do(t, ctx, chromedp.WaitVisible(testid("dashboard")))
	if n := count(t, ctx, `[data-testid="nav"] a[href="/tenants"]`); n != 0 {
		t.Fatal("a tenant admin is offered the tenant list")
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`[data-testid="nav"] a[href="/users"]`)), chromedp.WaitVisible(testid("user-table")))
	if n := count(t, ctx, `[data-testid="user-row"]`); n != 2 {
		t.Fatalf("acme's users: %d rows, want 2", n)
	}
	screenshot(t, ctx, "users-list")
}

// count is how many elements on the page match the CSS selector.
func count(t *testing.T, ctx context.Context, selector string) int {
	t.Helper()
	js, _ := json.Marshal(selector)
	return read(t, ctx, chromedp.Evaluate[int]("document.querySelectorAll("+string(js)+").length"))
}
