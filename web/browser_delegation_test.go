package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"landlord/models"
)

// A user admin without roles rights, in a real browser at a desk's width
// and a phone's: the tenant's only full admin stays visible, their actions
// are withheld and the page says why; the edit form shows the Administrator
// role but does not let it be chosen.
func TestBrowserAStrongerUsersActionsAreWithheldAndSaidWhy(t *testing.T) {
	c := newConsole(t, "sqlite")
	ctx := startChromium(t)
	c.limitedUser("acme", "desk", helpdesk)
	c.limitedUser("acme", "plain", models.Permissions{})
	boss, plain := c.userNamed("acme", "admin@acme.example"), c.userNamed("acme", "plain")
	admin := c.roleID("acme", models.AdminRoleName)
	at := func(path string) string { return "http://acme.localhost:" + c.url.Port() + path }
	run(t, ctx,
		chromedp.Navigate(at("/login")), chromedp.WaitVisible(byTestID("login-form")),
		chromedp.SendKeys(byTestID("login-username"), "desk"),
		chromedp.SendKeys(byTestID("login-password"), password),
		chromedp.Click(byTestID("login-submit")), chromedp.WaitVisible(byTestID("dashboard")),
	)
	for _, width := range []int64{1280, 390} {
		run(t, ctx, chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(at(fmt.Sprintf("/users/%d", boss))), chromedp.WaitVisible(byTestID("user-actions-withheld")))
		if msg := value(t, ctx, chromedp.Text(byTestID("user-actions-withheld"))); !strings.Contains(msg, "Roles: full (you have read)") {
			t.Fatalf("at %d px the page says %q", width, msg)
		}
		if countOf(t, ctx, `[data-testid="user-actions"]`) != 0 {
			t.Fatalf("at %d px the admin's actions are offered", width)
		}
		shot(t, ctx, fmt.Sprintf("user-withheld-%d", width))
		run(t, ctx, chromedp.Navigate(at(fmt.Sprintf("/users/%d/edit", plain))), chromedp.WaitVisible(byTestID("roles-beyond")))
		if !value(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector('#field-role option[value="%d"]').disabled`, admin))) {
			t.Fatalf("at %d px Administrator can be chosen", width)
		}
		shot(t, ctx, fmt.Sprintf("user-edit-roles-beyond-%d", width))
	}
}
