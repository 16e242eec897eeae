package pagecheck_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"landlord/internal/pagecheck"
)

func TestMain(m *testing.M) { pagecheck.Main(m) }

const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'"

// fixtures are pages with known faults, and one without.
var fixtures = map[string]string{
	"/good": `<a href="/bad" id="to-bad">A page with faults</a>`,
	// An image without a text alternative (axe: image-alt, critical), and an
	// attribute HTML does not have (Nu).
	"/bad": `<img src="/missing.png"><p else>text</p>
		<form method="post" action="/posted"><button id="post">Post</button></form>`,
	// Refused forms answer 422; their pages are checked too.
	"/posted": `<p><span><div>a div inside a paragraph's span</div></span></p>`,
	// A region that scrolls only on a phone: at 390 px it cannot be reached
	// by keyboard (axe: scrollable-region-focusable, serious).
	"/narrow": `<div style="overflow-x: auto"><p style="white-space: nowrap">A line that is too wide for a phone, though a desktop has room for all of it.</p></div>`,
	"/nocsp":  `<p>Sent without a policy.</p>`,
	// Shown again to be checked, a page must not act again: neither its
	// document nor its script is asked of the server a second time.
	"/scripted": `<p>A page with a script.</p><script src="/count.js"></script>`,
}

func fixtureServer(t *testing.T, hits map[string]int, mu *sync.Mutex) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		if r.URL.Path == "/count.js" {
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, "document.body.dataset.ran = 'yes';")
			return
		}
		body, ok := fixtures[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.URL.Path != "/nocsp" {
			w.Header().Set("Content-Security-Policy", csp)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusUnprocessableEntity)
		}
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>%s</title></head><body><main>%s</main></body></html>`, r.URL.Path, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func chromium(t *testing.T) context.Context {
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
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// TestPagesWithFaultsAreReported feeds pages with known faults through the
// checks the browser tests use: each fault is reported with its page, the
// clean page with nothing, and the pages' own policy still applies.
func TestPagesWithFaultsAreReported(t *testing.T) {
	hits := map[string]int{}
	var mu sync.Mutex
	srv := fixtureServer(t, hits, &mu)
	ctx := chromium(t)
	c, err := pagecheck.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(srv.URL+"/good"))

	// Checking a page does not lift its policy: the checker's axe-core is
	// not in the page's own world, and an inline script is still refused.
	c.Check()
	if kind, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`typeof axe`)); kind != "undefined" {
		t.Errorf("axe-core is in the page's own world: typeof axe is %q", kind)
	}
	refused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`new Promise(done => {
		document.addEventListener('securitypolicyviolation', e => done(e.effectiveDirective), {once: true});
		const s = document.createElement('script');
		s.textContent = 'window.inlineRan = true';
		document.head.append(s);
		setTimeout(() => done(window.inlineRan ? 'ran' : 'silent'), 2000);
	})`, chromedp.EvalAwaitPromise))
	if err != nil || !strings.HasPrefix(refused, "script-src") {
		t.Errorf("an inline script on a checked page: %q (%v), want a script-src violation", refused, err)
	}

	// A link clicked, a form posted, addresses typed: every way of leaving a
	// page has it checked.
	do(t, ctx, chromedp.Click(chromedp.ID("to-bad")), chromedp.WaitVisible(chromedp.ID("post")))
	do(t, ctx, chromedp.Click(chromedp.ID("post")), chromedp.WaitVisible(chromedp.CSS("div")))
	do(t, ctx, chromedp.Navigate(srv.URL+"/narrow"))
	do(t, ctx, chromedp.Navigate(srv.URL+"/nocsp"))
	do(t, ctx, chromedp.Navigate(srv.URL+"/scripted"), chromedp.WaitVisible(chromedp.CSS(`body[data-ran="yes"]`)))
	// The same page again is checked once.
	do(t, ctx, chromedp.Navigate(srv.URL+"/good"))
	found := c.Finish()
	mu.Lock()
	if hits["/scripted"] != 1 || hits["/count.js"] != 1 || hits["/good"] != 2 {
		t.Errorf("checking the pages asked the server again: document %d times, script %d times, /good %d times (want 1, 1, 2)", hits["/scripted"], hits["/count.js"], hits["/good"])
	}
	mu.Unlock()

	has := func(checker, path, rule string, width int64, message string) bool {
		for _, p := range found {
			if p.Checker == checker && strings.Contains(p.URL, srv.URL+path) && p.Rule == rule && p.Width == width &&
				strings.Contains(p.Message, message) {
				return true
			}
		}
		return false
	}
	want := []struct {
		checker, path, rule string
		width               int64
		message             string
	}{
		{"axe", "/bad", "image-alt", 1280, "critical"},
		{"axe", "/bad", "image-alt", 390, "critical"},
		{"axe", "/narrow", "scrollable-region-focusable", 390, "serious"},
		{"csp", "/nocsp", "", 0, "without a Content-Security-Policy"},
	}
	if _, err := os.Stat(os.Getenv("LANDLORD_TEST_VNU")); os.Getenv("LANDLORD_TEST_VNU") != "" && err == nil {
		want = append(want,
			struct {
				checker, path, rule string
				width               int64
				message             string
			}{"nu", "/bad", "", 0, "Attribute “else” not allowed"},
			struct {
				checker, path, rule string
				width               int64
				message             string
			}{"nu", "/posted", "", 0, "Stray end tag “span”"})
	} else if os.Getenv("CI") != "" {
		t.Error("the Nu HTML checker is needed in CI: set LANDLORD_TEST_VNU to vnu.jar")
	} else {
		t.Log("Nu HTML checker skipped: LANDLORD_TEST_VNU is not set")
	}
	for _, w := range want {
		if !has(w.checker, w.path, w.rule, w.width, w.message) {
			t.Errorf("not reported: %s %s %s at %d px (%s)", w.checker, w.path, w.rule, w.width, w.message)
		}
	}
	if has("axe", "/narrow", "scrollable-region-focusable", 1280, "serious") {
		t.Error("the region that scrolls only on a phone is reported at 1280 px")
	}
	for _, p := range found {
		if strings.Contains(p.URL, "/good") {
			t.Errorf("the clean page is reported: %s", p)
		}
	}
	if received, checked := c.Pages(); received != 7 || checked != 6 {
		t.Errorf("%d pages received, %d checked; want 7 and 6", received, checked)
	}
	if t.Failed() {
		for _, p := range found {
			t.Log(p)
		}
	}
}
