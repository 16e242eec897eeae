package web_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"landlord/internal/pagecheck"
)

// TestMain stops the Nu HTML checker the page checks start.
func TestMain(m *testing.M) { pagecheck.Main(m) }

// Browser tests drive headless Chromium: LANDLORD_TEST_CHROMIUM, else
// chromium on PATH; without one they are skipped locally and fail in CI.
// Every page a browser started here receives is checked (pagecheck): axe-core
// at 1280 and 390 px and the Nu HTML checker; a finding fails the test.
// LANDLORD_SCREENSHOTS (relative to the repository's root) keeps their
// screenshots.

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
		// cache (which chromedp cannot follow): the harder case for forms.
		chromedp.Flag("disable-features", "BackForwardCache"),
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
	ctx, cancelTimeout := context.WithTimeout(browserCtx, 120*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return pagecheck.Watch(t, ctx)
}

// shot saves the whole page as name.png.
func shot(t *testing.T, ctx context.Context, name string) {
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

func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		t.Fatalf("at %s: %v; the page says: %s", loc, err, body)
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

func countOf(t *testing.T, ctx context.Context, selector string) int {
	t.Helper()
	js, _ := json.Marshal(selector)
	return value(t, ctx, chromedp.Evaluate[int]("document.querySelectorAll("+string(js)+").length"))
}

func (c *console) page(host, path string) string {
	return "http://" + host + ":" + c.url.Port() + path
}

func (c *console) signInSteps(host, username string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(c.page(host, "/login")),
		chromedp.WaitVisible(byTestID("login-form")),
		chromedp.SendKeys(byTestID("login-username"), username),
		chromedp.SendKeys(byTestID("login-password"), password),
		chromedp.Click(byTestID("login-submit")),
		chromedp.WaitVisible(byTestID("dashboard")),
	}
}
