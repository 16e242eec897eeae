// Package pagecheck checks every page a browser test visits: axe-core for
// accessibility, at the desktop's width and a phone's, and the Nu HTML checker
// over the markup the server sent.
//
// Watch hooks a chromedp tab. Every HTML document the tab receives (a link
// followed, a form posted, a redirect's target, an error page) is kept as the
// server sent it, headers and body, whatever action of the test caused it.
// A second tab of the same browser shows each kept page again, served from
// what was kept, and runs axe-core over it at both widths; the Nu checker reads
// the same bodies. The test's own tab is never resized or paused, so the
// checks cannot disturb what the test does. Page scripts do not run in the
// second tab: the pages work without JavaScript, and a page shown twice must
// not act twice. CheckNow runs axe-core in the test's own tab on demand, for
// a state only script makes (an htmx swap, say).
//
// axe-core runs in an isolated world made through the DevTools protocol,
// which the page's Content-Security-Policy does not govern: the policy stays
// on for the page itself.
package pagecheck

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Widths are the two viewport widths every page is checked at.
var Widths = []int64{1280, 390}

// Problem is one finding on one page.
type Problem struct {
	Checker string // "axe", "nu" or "csp"
	URL     string
	Width   int64  // axe only
	Rule    string // axe rule id
	Target  string // axe: the elements' selectors; nu: the line and the extract
	Message string
}

func (p Problem) String() string {
	switch p.Checker {
	case "axe":
		return fmt.Sprintf("axe %s at %d px on %s: %s: %s", p.Rule, p.Width, p.URL, p.Message, p.Target)
	case "nu":
		return fmt.Sprintf("Nu on %s: %s (%s)", p.URL, p.Message, p.Target)
	}
	return fmt.Sprintf("%s on %s: %s", p.Checker, p.URL, p.Message)
}

// Checker watches one tab.
type Checker struct {
	ctx    context.Context
	target *chromedp.Target
	axe    string
	queue  chan document
	done   chan struct{}

	inflight sync.WaitGroup // responses being read

	mu       sync.Mutex
	problems []Problem
	pages    []document // every HTML page received
	distinct []document // those checked: the same page again is not
	seen     map[[32]byte]bool
	finished bool
}

type document struct {
	url     string
	status  int64
	headers []*fetch.HeaderEntry
	body    []byte
}

type checkerKey struct{}

// Watch starts checking the tab of ctx (a chromedp context) and, when the
// test ends, fails the test for every serious or critical axe violation, Nu
// error and page sent without a Content-Security-Policy. The context it
// returns is ctx carrying the checker, for CheckNow.
func Watch(t testing.TB, ctx context.Context) context.Context {
	t.Helper()
	c, err := Start(ctx)
	if err != nil {
		t.Fatalf("page checks: %v", err)
	}
	if _, err := nuJar(); err != nil {
		if os.Getenv("CI") != "" {
			t.Errorf("page checks: %v", err)
		} else {
			t.Logf("page checks: Nu HTML checker skipped: %v", err)
		}
	} else {
		go nu.start() // warm it up while the test runs
	}
	t.Cleanup(func() {
		start := time.Now()
		for _, p := range c.Finish() {
			t.Error(p)
		}
		received, checked := c.Pages()
		t.Logf("page checks: %d pages received, %d checked (the others were the same again); finishing took %v after the test",
			received, checked, time.Since(start).Round(time.Millisecond))
	})
	return context.WithValue(ctx, checkerKey{}, c)
}

// CheckNow checks the tab of ctx, a context Watch returned, as it shows now:
// after an htmx swap or anything else only script does, which the pages kept
// from the server do not show. Call it between a test's steps.
func CheckNow(t testing.TB, ctx context.Context) {
	t.Helper()
	c, ok := ctx.Value(checkerKey{}).(*Checker)
	if !ok {
		t.Fatal("pagecheck.CheckNow: the context does not come from pagecheck.Watch")
	}
	c.Check()
}

// Start hooks the tab of ctx.
func Start(ctx context.Context) (*Checker, error) {
	src, err := axeSource()
	if err != nil {
		return nil, err
	}
	if err := chromedp.Do(ctx); err != nil { // the tab must exist
		return nil, err
	}
	c := &Checker{ctx: ctx, target: chromedp.FromContext(ctx).Target, axe: src,
		queue: make(chan document, 100000), done: make(chan struct{}), seen: map[[32]byte]bool{}}
	if err := chromedp.Listen(ctx, c.event); err != nil {
		return nil, err
	}
	_, err = cdp.Call(ctx, c.target, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
		{URLPattern: "*", ResourceType: network.ResourceTypeDocument, RequestStage: fetch.RequestStageResponse},
	}})
	if err != nil {
		return nil, fmt.Errorf("Fetch.enable: %w", err)
	}
	go c.replay()
	return c, nil
}

// event runs on chromedp's reading goroutine: it must not block or call.
func (c *Checker) event(ev any) {
	if ev, ok := ev.(*fetch.EventRequestPaused); ok {
		c.inflight.Add(1)
		go func() {
			defer c.inflight.Done()
			c.keep(ev)
		}()
	}
}

// keep reads an HTML response's body before letting it through.
func (c *Checker) keep(ev *fetch.EventRequestPaused) {
	ctx, cancel := context.WithTimeout(c.ctx, time.Minute)
	defer cancel()
	defer func() {
		// An error here means the tab is going away: nothing waits for the page.
		_, _ = cdp.Call(ctx, c.target, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
	}()
	if ev.ResponseErrorReason != "" || ev.ResponseStatusCode >= 300 && ev.ResponseStatusCode < 400 {
		return
	}
	if mt, _, _ := mime.ParseMediaType(header(ev.ResponseHeaders, "Content-Type")); mt != "text/html" {
		return
	}
	u := ev.Request.URL
	res, err := cdp.Call(ctx, c.target, fetch.GetResponseBody, fetch.GetResponseBodyParams{RequestID: ev.RequestID})
	c.mu.Lock()
	defer c.mu.Unlock()
	if header(ev.ResponseHeaders, "Content-Security-Policy") == "" {
		c.problems = append(c.problems, Problem{Checker: "csp", URL: u, Message: "the page is sent without a Content-Security-Policy header"})
	}
	if err != nil {
		c.problems = append(c.problems, Problem{Checker: "nu", URL: u, Message: "could not read the page's body: " + err.Error()})
		return
	}
	d := document{url: u, status: ev.ResponseStatusCode, headers: ev.ResponseHeaders, body: res.Body}
	c.pages = append(c.pages, d)
	if k := sameness(d); !c.seen[k] {
		c.seen[k] = true
		c.distinct = append(c.distinct, d)
		if !c.finished {
			c.queue <- d
		}
	}
}

// hiddenValue is a hidden input's value: a CSRF token or a wizard's sealed
// state, new on every page, which neither checker reads.
var hiddenValue = regexp.MustCompile(`(<input type="hidden" name="[^"]*" value=")[^"]*"`)

// sameness tells pages apart but for their hidden values: a page shown again
// (Back, a wizard's step revisited) is checked once.
func sameness(d document) [32]byte {
	return sha256.Sum256(append([]byte(strconv.FormatInt(d.status, 10)+"\n"), hiddenValue.ReplaceAll(d.body, []byte(`$1"`))...))
}

func header(hs []*fetch.HeaderEntry, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// replay shows each kept page in a tab of its own, served from what was kept,
// and runs axe-core over it at both widths.
func (c *Checker) replay() {
	defer close(c.done)
	var (
		tab     context.Context
		target  *chromedp.Target
		showing document
		mu      sync.Mutex
	)
	for d := range c.queue {
		if tab == nil {
			// The test's deadline must not end the checks quietly: the tab
			// lives until every kept page has been shown.
			var cancel context.CancelFunc
			tab, cancel = chromedp.NewContext(context.WithoutCancel(c.ctx))
			defer cancel()
			var err error
			if target, err = c.openReplayTab(tab, func() document {
				mu.Lock()
				defer mu.Unlock()
				return showing
			}); err != nil {
				c.failed(d.url, 0, err)
				tab = nil
				continue
			}
		}
		mu.Lock()
		showing = d
		mu.Unlock()
		ctx, cancel := context.WithTimeout(tab, 2*time.Minute)
		if err := chromedp.Do(ctx, chromedp.Navigate(d.url)); err != nil {
			c.failed(d.url, 0, err)
		} else {
			c.checkWidths(ctx, target, d.url)
		}
		cancel()
	}
}

// openReplayTab makes the tab serve every document from what was kept and
// refuse every script, the pages' own and htmx's requests.
func (c *Checker) openReplayTab(tab context.Context, showing func() document) (*chromedp.Target, error) {
	if err := chromedp.Do(tab); err != nil {
		return nil, err
	}
	target := chromedp.FromContext(tab).Target
	err := chromedp.Listen(tab, func(ev any) {
		pe, ok := ev.(*fetch.EventRequestPaused)
		if !ok {
			return
		}
		go func() {
			if pe.ResourceType != network.ResourceTypeDocument {
				_, _ = cdp.Call(tab, target, fetch.FailRequest, fetch.FailRequestParams{RequestID: pe.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
				return
			}
			d := showing()
			_, _ = cdp.Call(tab, target, fetch.FulfillRequest, fetch.FulfillRequestParams{
				RequestID: pe.RequestID, ResponseCode: d.status, ResponseHeaders: replayHeaders(d.headers), Body: d.body})
		}()
	})
	if err != nil {
		return nil, err
	}
	_, err = cdp.Call(tab, target, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
		{URLPattern: "*", ResourceType: network.ResourceTypeDocument},
		{URLPattern: "*", ResourceType: network.ResourceTypeScript},
		{URLPattern: "*", ResourceType: network.ResourceTypeXHR},
		{URLPattern: "*", ResourceType: network.ResourceTypeFetch},
	}})
	return target, err
}

// replayHeaders are the kept headers but those that would act twice or no
// longer fit: a cookie set again would undo the test's later ones, and the
// body kept is decoded.
func replayHeaders(hs []*fetch.HeaderEntry) []*fetch.HeaderEntry {
	var out []*fetch.HeaderEntry
	for _, h := range hs {
		switch strings.ToLower(h.Name) {
		case "set-cookie", "content-encoding", "content-length", "transfer-encoding":
			continue
		}
		out = append(out, h)
	}
	return out
}

// Check runs axe-core over the test's tab as it is now, at both widths, and
// gives the viewport back as it was. Kept pages are checked anyway; this is
// for a state that only script makes. Call it between steps, not while one
// runs.
func (c *Checker) Check() {
	ctx, cancel := context.WithTimeout(c.ctx, 2*time.Minute)
	defer cancel()
	before, err := c.axe1(ctx, c.target)
	if err != nil {
		c.failed("(the page shown)", 0, err)
		return
	}
	c.checkWidths(ctx, c.target, before.URL)
	scale := before.Scale
	if scale == 0 {
		scale = 1
	}
	if _, err := cdp.Call(ctx, c.target, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: before.Width, Height: before.Height, DeviceScaleFactor: scale}); err != nil {
		c.failed(before.URL, 0, err)
	}
}

func (c *Checker) checkWidths(ctx context.Context, target *chromedp.Target, u string) {
	for _, w := range Widths {
		if _, err := cdp.Call(ctx, target, emulation.SetDeviceMetricsOverride,
			emulation.SetDeviceMetricsOverrideParams{Width: w, Height: 800, DeviceScaleFactor: 1}); err != nil {
			c.failed(u, w, err)
			return
		}
		r, err := c.axe1(ctx, target)
		if err != nil {
			c.failed(u, w, err)
			return
		}
		c.mu.Lock()
		for _, v := range r.Violations {
			c.problems = append(c.problems, Problem{Checker: "axe", URL: r.URL, Width: r.Width, Rule: v.ID,
				Target: strings.Join(v.Targets, ", "), Message: v.Impact + ": " + v.Help})
		}
		c.mu.Unlock()
	}
}

type axeResult struct {
	URL        string  `json:"url"`
	Width      int64   `json:"width"`
	Height     int64   `json:"height"`
	Scale      float64 `json:"scale"`
	Violations []struct {
		ID      string   `json:"id"`
		Impact  string   `json:"impact"`
		Help    string   `json:"help"`
		Targets []string `json:"targets"`
	} `json:"violations"`
}

// axeRun runs axe-core over the document and gives what it found serious or
// critical, with the viewport it ran in.
const axeRun = `axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify({
	url: location.href, width: innerWidth, height: innerHeight, scale: devicePixelRatio,
	violations: r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
		id: v.id, impact: v.impact, help: v.help,
		targets: v.nodes.map(n => n.target.join(' ')),
	})),
}))`

// axe1 runs axe-core once in an isolated world of the main frame.
func (c *Checker) axe1(ctx context.Context, target *chromedp.Target) (axeResult, error) {
	var res axeResult
	tree, err := cdp.Call(ctx, target, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		return res, err
	}
	// The same name gives the same world while the document lasts.
	world, err := cdp.Call(ctx, target, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{
		FrameID: tree.FrameTree.Frame.ID, WorldName: "landlord-page-checks"})
	if err != nil {
		return res, err
	}
	eval := func(expr string, await bool) (string, error) {
		r, err := cdp.Call(ctx, target, runtime.Evaluate, runtime.EvaluateParams{
			Expression: expr, ContextID: world.ExecutionContextID,
			ReturnByValue: ptr(true), AwaitPromise: ptr(await)})
		if err != nil {
			return "", err
		}
		if r.ExceptionDetails != nil {
			return "", &chromedp.ExceptionError{ExceptionDetails: r.ExceptionDetails}
		}
		var s string
		if len(r.Result.Value) > 0 {
			if err := json.Unmarshal(r.Result.Value, &s); err != nil {
				return "", err
			}
		}
		return s, nil
	}
	loaded, err := eval(`typeof axe`, false)
	if err != nil {
		return res, err
	}
	if loaded == "undefined" {
		if _, err := eval(c.axe+"\n;''", false); err != nil {
			return res, fmt.Errorf("load axe-core: %w", err)
		}
	}
	out, err := eval(axeRun, true)
	if err != nil {
		return res, fmt.Errorf("axe.run: %w", err)
	}
	return res, json.Unmarshal([]byte(out), &res)
}

func (c *Checker) failed(u string, width int64, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.problems = append(c.problems, Problem{Checker: "axe", URL: u, Width: width, Message: "could not check the page: " + err.Error()})
}

// Finish waits for the checks under way, runs the Nu checker over every
// kept page and returns what was found. Later calls return nothing.
func (c *Checker) Finish() []Problem {
	c.inflight.Wait()
	c.mu.Lock()
	if c.finished {
		c.mu.Unlock()
		return nil
	}
	c.finished = true
	close(c.queue)
	c.mu.Unlock()
	<-c.done
	c.mu.Lock()
	pages, problems := c.distinct, c.problems
	c.mu.Unlock()
	return dedupe(append(problems, nuCheck(pages)...))
}

// dedupe drops a finding repeated on the same page address, as when a page
// is shown again after a Back.
func dedupe(ps []Problem) []Problem {
	seen := map[string]bool{}
	var out []Problem
	for _, p := range ps {
		if k := p.String(); !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}

// Pages is how many HTML pages were received, and how many of them were
// checked: the others were the same page again.
func (c *Checker) Pages() (received, checked int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pages), len(c.distinct)
}

func ptr[T any](v T) *T { return &v }

// axeSource reads the vendored axe-core from web/testdata, found from the
// module's root whichever package's tests run.
func axeSource() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			b, err := os.ReadFile(filepath.Join(dir, "web", "testdata", "axe.min.js"))
			return string(b), err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory: cannot find web/testdata/axe.min.js")
		}
		dir = parent
	}
}
