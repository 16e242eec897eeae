package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
)

// An admin opens the newest event of the audit log from the list; its
// details, which can be wider than a phone, scroll in a region the keyboard
// can reach (the page checks run axe-core over it at both widths).
func TestBrowserOpensAnAuditEventFromTheLog(t *testing.T) {
	c := newConsole(t, "sqlite")
	ctx := startChromium(t)
	// An event whose details are not a list of changes: a beta session
	// presented on acme's host.
	if err := c.store.RecordRefusedSession(context.Background(), c.mustTenant("acme").ID, c.mustTenant("beta").ID, "a beta session"); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, c.signInSteps("acme.localhost", "admin@acme.example")...)
	run(t, ctx, chromedp.Navigate(c.page("acme.localhost", "/audit")), chromedp.WaitVisible(byTestID("audit-table")),
		chromedp.Click(chromedp.CSS(`[data-testid="audit-row"][data-action="session.refused"] a`)), chromedp.WaitVisible(byTestID("audit-event")))
	if n := countOf(t, ctx, `[data-testid="audit-details"][tabindex="0"][aria-label]`); n != 1 {
		html := value(t, ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="audit-event"]').outerHTML`))
		t.Fatalf("%d labelled, focusable details regions: %s", n, html)
	}
	shot(t, ctx, "audit-event")
}
