package web_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"landlord/models/storetest"
)

// The console's shell in a real browser at a desktop's width (1280 px) and a
// phone's (390 px): no page scrolls sideways, tables fit their box on the
// desktop and scroll inside it on the phone, the phone's menu opens (a
// disclosure, no script) and holds every link of the side navigation, and
// pages below a list show their breadcrumbs.

// shellPages are pages of every kind the master's console has, ":acme-admin"
// standing for acme's admin's id.
var shellPages = []string{
	"/", "/tenants", "/tenants/acme", "/tenants/acme/edit", "/tenants/new", "/tenants/acme/users",
	"/tenants/acme/users/:acme-admin", "/tenants/acme/users/:acme-admin/edit", "/users", "/users/new",
	"/roles", "/roles/new", "/tenant-roles", "/tenant-roles/new", "/audit", "/audit/verify", "/support-access", "/settings",
}

func TestBrowserShellFitsADesktopAndAPhone(t *testing.T) {
	c := newConsole(t, "sqlite")
	ctx := startChromium(t)
	admin := strconv.FormatUint(c.userNamed("acme", "admin@acme.example"), 10)
	run(t, ctx, c.signInSteps("localhost", "root@example.com")...)
	// Someone is being helped, so the dashboard lists a running impersonation.
	c.impersonate("acme", c.alice())
	for _, width := range []int64{1280, 390} {
		run(t, ctx, chromedp.EmulateViewport(width, 900))
		for _, p := range shellPages {
			path := strings.ReplaceAll(p, ":acme-admin", admin)
			run(t, ctx, chromedp.Navigate(c.page("localhost", path)), chromedp.WaitReady("main"))
			if w := value(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > int(width) {
				t.Errorf("at %d px %s is %d px wide", width, path, w)
			}
			if width == 1280 {
				// Every table's box is as wide as the table: nothing cut off, no scrolling.
				wide := value(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('main table')].filter(t => t.parentElement.scrollWidth > t.parentElement.clientWidth + 1 || t.getBoundingClientRect().right > document.querySelector('main').getBoundingClientRect().right + 1).map(t => t.dataset.testid || t.outerHTML.slice(0, 60))`))
				if len(wide) > 0 {
					t.Errorf("at 1280 px %s has tables wider than their box: %v", path, wide)
				}
			}
			// A row's actions are in sight, on the phone too (kept at the
			// edge of the table's box while the rest scrolls).
			off := value(t, ctx, chromedp.Evaluate[int](`[...document.querySelectorAll('main table:has(thead th:last-child .visually-hidden) tbody td:last-child')].filter(td => td.getBoundingClientRect().right > innerWidth + 1).length`))
			if off > 0 {
				t.Errorf("at %d px %s has %d rows whose actions are past the edge", width, path, off)
			}
			switch {
			case width == 1280 && path == "/":
				shot(t, ctx, "shell-dashboard-master-1280")
			case width == 390 && path == "/":
				shot(t, ctx, "shell-dashboard-master-390")
			case path == "/tenants/acme/users":
				shot(t, ctx, fmt.Sprintf("shell-users-%d", width))
			case path == "/tenants/acme/users/"+admin+"/edit":
				shot(t, ctx, fmt.Sprintf("shell-user-edit-%d", width))
			}
		}
	}
	// On the phone the side navigation is folded into the header's menu,
	// which opens on a tap and offers the same links.
	run(t, ctx, chromedp.Navigate(c.page("localhost", "/users")), chromedp.WaitReady("main"))
	if countOf(t, ctx, `[data-testid="nav"] a`) == 0 || value(t, ctx, chromedp.Evaluate[bool](`document.querySelector('[data-testid="nav"]').checkVisibility()`)) {
		t.Error("at 390 px the side navigation shows")
	}
	run(t, ctx, chromedp.Click(chromedp.CSS(`[data-testid="nav-menu"] summary`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="nav-menu"] a[href="/tenant-roles"]`)))
	side := value(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-testid="nav"] a')].map(a => a.getAttribute('href'))`))
	menu := value(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-testid="nav-menu"] a')].filter(a => a.checkVisibility()).map(a => a.getAttribute('href'))`))
	if fmt.Sprint(side) != fmt.Sprint(menu) {
		t.Errorf("the phone's menu offers %v, the side navigation %v", menu, side)
	}
	if w := value(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("at 390 px with the menu open the page is %d px wide", w)
	}
	shot(t, ctx, "shell-menu-390-open")

	// And with JavaScript off the menu opens all the same: it is a disclosure.
	noScript := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
	run(t, ctx, noScript, chromedp.Navigate(c.page("localhost", "/roles")), chromedp.WaitReady("main"))
	if htmx := value(t, ctx, chromedp.Evaluate[bool](`typeof window.htmx !== 'undefined'`)); htmx {
		t.Fatal("scripts still run")
	}
	run(t, ctx, chromedp.Click(chromedp.CSS(`[data-testid="nav-menu"] summary`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="nav-menu"] a[href="/support-access"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="nav-menu"] a[href="/support-access"]`)), chromedp.WaitVisible(byTestID("support-access")))
	run(t, ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
		return err
	}))

	// A subtenant's admin: the counts against acme's limits, acme's own
	// events and its running impersonation.
	storetest.Exec(t, c.store, "UPDATE tenants SET max_users = 10, max_resources = 50 WHERE subdomain = 'acme'")
	run(t, ctx, c.signInSteps("acme.localhost", "admin@acme.example")...)
	for _, width := range []int64{1280, 390} {
		run(t, ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(c.page("acme.localhost", "/")), chromedp.WaitVisible(byTestID("dashboard-counts")))
		if w := value(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > int(width) {
			t.Errorf("at %d px acme's dashboard is %d px wide", width, w)
		}
		shot(t, ctx, fmt.Sprintf("shell-dashboard-acme-%d", width))
	}
}
