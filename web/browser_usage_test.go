package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"landlord/models/storetest"
)

// The master picks a month on /usage in a real browser, at a desk's width
// and a phone's, and sees each tenant's last recorded day; a day typed
// wrongly gets its message by the field; the tenant list and a tenant's page
// draw the counts against the limits.
func TestBrowserShowsUsageAndTheTenantMeters(t *testing.T) {
	c := newConsole(t, "sqlite")
	ctx := startChromium(t)
	acme := c.mustTenant("acme")
	ch := acme.Changes()
	ch.MaxUsers, ch.MaxResources, ch.AccountNumber, ch.CustomerNumber, ch.Currency = 50, 10, "AC-1", "C-7", "CHF"
	if _, err := c.store.UpdateTenant(storetest.System(context.Background()), "acme", acme.Version, ch); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	storetest.Exec(t, c.store, "INSERT INTO resources (tenant_id, kind, name, created_at, updated_at) VALUES (?, 'network', 'n1', ?, ?), (?, 'device', 'd1', ?, ?)",
		acme.ID, now, now, acme.ID, now, now)
	for _, d := range []string{"2026-02-03", "2026-02-27"} {
		day, _ := time.Parse(time.DateOnly, d)
		if _, err := c.store.SnapshotUsage(storetest.System(context.Background()), day); err != nil {
			t.Fatal(err)
		}
	}
	run(t, ctx, c.signInSteps("localhost", "root@example.com")...)
	for _, width := range []int64{1280, 390} {
		run(t, ctx, chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(c.page("localhost", "/usage?month=2026-02")), chromedp.WaitVisible(byTestID("usage-table")))
		if n := countOf(t, ctx, `[data-testid="usage-row"]`); n != 3 {
			t.Fatalf("at %d px: %d rows, want 3", width, n)
		}
		if got := textOf(t, ctx, "usage-day"); !strings.HasPrefix(got, "2026-02-27") {
			t.Fatalf("at %d px: the month's day %q", width, got)
		}
		if w := value(t, ctx, chromedp.Evaluate[int64]("document.documentElement.scrollWidth")); w > width {
			t.Fatalf("at %d px the page is %d px wide", width, w)
		}
		shot(t, ctx, fmt.Sprintf("usage-month-%d", width))

		run(t, ctx, chromedp.Navigate(c.page("localhost", "/usage?day=14.2.2026")), chromedp.WaitVisible(byTestID("field-error")))
		if got := textOf(t, ctx, "field-error"); !strings.Contains(got, "YYYY-MM-DD") {
			t.Fatalf("bad day's message: %q", got)
		}
		shot(t, ctx, fmt.Sprintf("usage-bad-day-%d", width))

		run(t, ctx, chromedp.Navigate(c.page("localhost", "/tenants")), chromedp.WaitVisible(byTestID("tenant-table")))
		if got := value(t, ctx, chromedp.Evaluate[string](`document.querySelector('[data-subdomain="acme"] [data-testid="tenant-resources"]').innerText`)); !strings.HasPrefix(got, "2 of 10") {
			t.Fatalf("at %d px acme's resources: %q", width, got)
		}
		shot(t, ctx, fmt.Sprintf("usage-tenant-list-%d", width))

		run(t, ctx, chromedp.Navigate(c.page("localhost", "/tenants/acme")), chromedp.WaitVisible(byTestID("meter-users")))
		if got := textOf(t, ctx, "usage-users-text"); got != "1 of 50" {
			t.Fatalf("at %d px acme's page: %q", width, got)
		}
		shot(t, ctx, fmt.Sprintf("usage-tenant-page-%d", width))
	}
}
