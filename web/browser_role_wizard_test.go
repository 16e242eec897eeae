package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"landlord/models"
)

// onRoleStep waits for the create-role wizard to show step.
func onRoleStep(step string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(`[data-testid="role-wizard"][data-step="` + step + `"]`))
}

// An admin of acme walks the create-role wizard by clicking, at 1280 and
// 390 px: Back (the button and the browser's) keeps what was typed, the
// review says what the role gives per feature and per group, and Create
// makes it.
func TestBrowserCreatesARoleThroughTheWizard(t *testing.T) {
	ctx := startChromium(t)
	c := newConsole(t, "sqlite")
	lab := c.groupID("acme", "Lab")
	c.groupID("acme", "Edge")
	c.limitedUser("acme", "lead", models.Permissions{models.FeatureRoles: models.LevelFull, models.FeatureUsers: models.LevelRead,
		models.FeatureResources: models.LevelFull, models.FeatureAudit: models.LevelRead})
	at := func(path string) string { return "http://acme.localhost:" + c.url.Port() + path }
	run(t, ctx,
		chromedp.Navigate(at("/login")), chromedp.WaitVisible(byTestID("login-form")),
		chromedp.SendKeys(byTestID("login-username"), "lead"),
		chromedp.SendKeys(byTestID("login-password"), password),
		chromedp.Click(byTestID("login-submit")), chromedp.WaitVisible(byTestID("dashboard")))
	for _, width := range []int64{1280, 390} {
		name := fmt.Sprintf("Desk %d", width)
		run(t, ctx, chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(at("/roles")), chromedp.WaitVisible(byTestID("role-table")),
			chromedp.Click(byTestID("role-new")), onRoleStep("details"),
			chromedp.SendKeys(byTestID("field-name"), name),
			chromedp.SendKeys(byTestID("field-description"), "Front desk"))
		shot(t, ctx, fmt.Sprintf("role-wizard-details-%d", width))
		run(t, ctx, chromedp.Click(byTestID("wizard-next")), onRoleStep("levels"),
			chromedp.Click(byTestID("perm-users-read")),
			chromedp.Click(byTestID("perm-resources-read")),
			chromedp.Click(byTestID("perm-audit-read")))
		if !value(t, ctx, chromedp.Evaluate[bool](`document.querySelector('#perm-users-full').disabled && !document.querySelector('#perm-users-read').disabled`)) {
			t.Fatalf("at %d px users: full can be chosen by someone holding read", width)
		}
		shot(t, ctx, fmt.Sprintf("role-wizard-levels-%d", width))
		run(t, ctx, chromedp.Click(byTestID("wizard-next")), onRoleStep("groups"),
			chromedp.SetValue(byTestID(fmt.Sprintf("field-group.%d", lab)), "full"))
		shot(t, ctx, fmt.Sprintf("role-wizard-groups-%d", width))
		run(t, ctx, chromedp.Click(byTestID("wizard-next")), onRoleStep("review"))
		shot(t, ctx, fmt.Sprintf("role-wizard-review-%d", width))
		if got := textOf(t, ctx, fmt.Sprintf("review-group.%d", lab)); !strings.Contains(got, "full") {
			t.Fatalf("at %d px the review's Lab: %q", width, got)
		}
		// Back, the button: the groups as chosen; the browser's Back: the levels as clicked.
		run(t, ctx, chromedp.Click(byTestID("wizard-back")), onRoleStep("groups"))
		if got := valueOf(t, ctx, fmt.Sprintf("group.%d", lab)); got != "full" {
			t.Fatalf("at %d px Back lost the group's level: %q", width, got)
		}
		run(t, ctx, chromedp.NavigateBack(), onRoleStep("review"), chromedp.NavigateBack(), onRoleStep("groups"), chromedp.NavigateBack(), onRoleStep("levels"))
		if n := countOf(t, ctx, `#perm-users-read:checked, #perm-resources-read:checked, #perm-audit-read:checked`); n != 3 {
			t.Fatalf("at %d px the browser's Back kept %d of the 3 levels", width, n)
		}
		run(t, ctx, chromedp.NavigateBack(), onRoleStep("details"))
		if valueOf(t, ctx, "name") != name {
			t.Fatalf("at %d px the browser's Back lost the name: %q", width, valueOf(t, ctx, "name"))
		}
		// Forward again to the review, which still holds everything.
		run(t, ctx, chromedp.NavigateForward(), onRoleStep("levels"), chromedp.NavigateForward(), onRoleStep("groups"),
			chromedp.NavigateForward(), onRoleStep("review"),
			chromedp.Click(byTestID("wizard-create")), chromedp.WaitVisible(byTestID("flash")))
		if msg := textOf(t, ctx, "flash"); !strings.Contains(msg, "“"+name+"” created") {
			t.Fatalf("at %d px after Create: %q", width, msg)
		}
		id := c.roleNamed("acme", name)
		if got := c.groupLevelsOf("acme", id); got[lab] != "full" {
			t.Fatalf("at %d px the group level stored: %v", width, got)
		}
	}
}
