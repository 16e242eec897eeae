package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"landlord/internal/pagecheck"
	"landlord/models"
	"landlord/models/storetest"
)

// TestBrowserImpersonatesFromTheUsersPageAndTheTenantSeesIt walks it as the
// people involved would: the master starts from acme's user list, acts on
// acme's host under the banner, ends it and is back on the master console;
// then acme's admin finds all three (start, change, end) on the dashboard's
// support access panel and in the audit log.
func TestBrowserImpersonatesFromTheUsersPageAndTheTenantSeesIt(t *testing.T) {
	c := newConsole(t, "sqlite")
	c.limitedUser("acme", "alice", models.Permissions{models.FeatureUsers: models.LevelFull, models.FeatureRoles: models.LevelFull, models.FeatureAudit: models.LevelRead})
	ctx := startChromium(t)

	run(t, ctx, c.signInSteps("localhost", "root@example.com")...)
	run(t, ctx,
		chromedp.Navigate(c.page("localhost", "/tenants/acme/users")),
		chromedp.WaitVisible(`[data-username="alice"] [data-testid="user-impersonate-link"]`),
		chromedp.Click(`[data-username="alice"] [data-testid="user-impersonate-link"]`),
		chromedp.WaitVisible(byTestID("impersonate-form")),
		chromedp.SendKeys(byTestID("field-reason"), "Ticket 4711: alice cannot see the Operators role"),
	)
	shot(t, ctx, "impersonate-start")
	run(t, ctx,
		chromedp.Click(byTestID("impersonate-submit")),
		chromedp.WaitVisible(byTestID("impersonation-banner")),
	)
	if loc := value(t, ctx, chromedp.Location()); !strings.Contains(loc, "acme.localhost") {
		t.Fatalf("impersonation landed on %s", loc)
	}
	banner := value(t, ctx, chromedp.Text(byTestID("impersonation-banner")))
	if !strings.Contains(banner, "root@example.com is impersonating alice") {
		t.Errorf("banner: %q", banner)
	}
	shot(t, ctx, "impersonate-banner")

	// A change made as alice.
	run(t, ctx,
		chromedp.Navigate(c.page("acme.localhost", "/roles/new")),
		onRoleStep("details"),
		chromedp.SendKeys(byTestID("field-name"), "Operators"),
		chromedp.Click(byTestID("wizard-next")), onRoleStep("levels"),
		chromedp.Click(byTestID("wizard-next")), onRoleStep("groups"),
		chromedp.Click(byTestID("wizard-next")), onRoleStep("review"),
		chromedp.Click(byTestID("wizard-create")),
		chromedp.WaitVisible(byTestID("roles")),
	)
	run(t, ctx,
		chromedp.Click(byTestID("end-impersonation")),
		chromedp.WaitVisible(byTestID("user-actions")),
	)
	if loc := value(t, ctx, chromedp.Location()); !strings.HasPrefix(loc, c.page("localhost", "/tenants/acme/users/")) {
		t.Errorf("ending returned to %s, want the master's page of alice", loc)
	}
	if countOf(t, ctx, `[data-testid="impersonation-banner"]`) != 0 {
		t.Error("the banner is still shown on the master console")
	}

	// Acme's admin sees it: the dashboard panel (loaded after the page) and the log.
	admin := startChromium(t)
	run(t, admin, c.signInSteps("acme.localhost", "admin@acme.example")...)
	run(t, admin, chromedp.WaitVisible(`[data-testid="support-access-panel"] [data-testid="support-access-row"]`))
	panel := value(t, admin, chromedp.Text(byTestID("support-access-panel")))
	if !strings.Contains(panel, "root@example.com acted as alice") || !strings.Contains(panel, "Ticket 4711") || !strings.Contains(panel, "1 change(s)") {
		t.Errorf("support access panel: %q", panel)
	}
	shot(t, admin, "support-access-panel")
	// The panel came by htmx, after the page: check the dashboard as it is now.
	pagecheck.CheckNow(t, admin)
	run(t, admin,
		chromedp.Navigate(c.page("acme.localhost", "/support-access")),
		chromedp.WaitVisible(byTestID("support-access-changes")),
	)
	if got := value(t, admin, chromedp.Text(byTestID("support-access-changes"))); !strings.Contains(got, "role.create") {
		t.Errorf("support access changes: %q", got)
	}
	shot(t, admin, "support-access")
	run(t, admin,
		chromedp.Navigate(c.page("acme.localhost", "/audit")),
		chromedp.WaitVisible(byTestID("audit-table")),
	)
	actions := value(t, admin, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-testid="audit-row"]')].map(r => r.dataset.action)`))
	joined := strings.Join(actions, " ")
	for _, want := range []string{models.ActionImpersonationStart, models.ActionRoleCreate, models.ActionImpersonationEnd} {
		if !strings.Contains(joined, want) {
			t.Errorf("acme's audit log lacks %s: %v", want, actions)
		}
	}
	if got := value(t, admin, chromedp.Text(`[data-action="role.create"] [data-testid="audit-impersonator"]`)); !strings.Contains(got, "root@example.com") {
		t.Errorf("the change does not name the impersonator: %q", got)
	}
	shot(t, admin, "audit-log")
}

// TestBrowserBannerShowsTheRightsInForce lowers the impersonator's own role
// mid-impersonation and reads the banner as the impersonator would, at a
// desktop's width and a phone's (390 px): one line that opens, by keyboard
// too, to each feature's level in force and the side that limits it, in
// words, and nothing wider than the screen.
func TestBrowserBannerShowsTheRightsInForce(t *testing.T) {
	c := newConsole(t, "sqlite")
	c.limitedUser("master", "support", models.Permissions{models.FeatureImpersonation: models.LevelFull, models.FeatureUsers: models.LevelFull,
		models.FeatureRoles: models.LevelFull, models.FeatureAudit: models.LevelFull, models.FeatureExport: models.LevelFull})
	c.limitedUser("acme", "alice", models.Permissions{models.FeatureUsers: models.LevelFull, models.FeatureRoles: models.LevelFull, models.FeatureAudit: models.LevelRead})
	ctx := startChromium(t)
	run(t, ctx, c.signInSteps("localhost", "support")...)
	run(t, ctx,
		chromedp.Navigate(c.page("localhost", "/tenants/acme/users/"+itoa(c.userNamed("acme", "alice"))+"/impersonate")),
		chromedp.WaitVisible(byTestID("impersonate-form")),
		chromedp.SendKeys(byTestID("field-reason"), "Ticket 4712: alice's audit export"),
		chromedp.Click(byTestID("impersonate-submit")),
		chromedp.WaitVisible(byTestID("impersonation-banner")),
	)
	// The master takes roles down to read and audit away; support keeps impersonating.
	storetest.Exec(t, c.store, `UPDATE roles SET permissions = '{"impersonation":"full","users":"full","roles":"read"}' WHERE name = 'Role of support'`)
	run(t, ctx,
		chromedp.Reload(),
		chromedp.WaitVisible(byTestID("impersonation-banner")),
		chromedp.Focus(`[data-testid="impersonation-rights"] summary`),
		chromedp.KeyEvent(" "),
		chromedp.WaitVisible(`[data-testid="impersonation-right"][data-feature="audit"]`),
	)
	rows := value(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-testid="impersonation-right"]')].map(r => r.innerText.replace(/\s+/g, ' ').trim())`))
	for _, want := range []string{"Users Full neither", "Roles Read your rights", "Audit log No access your rights", "Impersonation No access alice's rights", "Export No access both"} {
		if !strings.Contains(strings.Join(rows, "\n"), want) {
			t.Errorf("the banner's rights lack %q: %q", want, rows)
		}
	}
	if got := value(t, ctx, chromedp.Text(byTestID("impersonation-limited-by-you"))); !strings.Contains(got, "yours lower 2") {
		t.Errorf("summary: %q", got)
	}
	shot(t, ctx, "impersonation-rights-1280")
	run(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(byTestID("impersonation-banner")))
	if w := value(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("at 390 px the page is %d px wide", w)
	}
	shot(t, ctx, "impersonation-rights-390")
	run(t, ctx,
		chromedp.Click(`[data-testid="impersonation-rights"] summary`),
		chromedp.WaitVisible(`[data-testid="impersonation-right"][data-feature="audit"]`),
	)
	if w := value(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("at 390 px, the rights open, the page is %d px wide", w)
	}
	shot(t, ctx, "impersonation-rights-390-open")
}
