package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"landlord/models"
	"landlord/models/storetest"
)

// onTRStep waits for the tenant role wizard to show step.
func onTRStep(step string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(`[data-testid="tenant-role-wizard"][data-step="` + step + `"]`))
}

// The master creates a tenant role through the wizard, at a desktop's width
// and a phone's; Back (the button and the browser's) keeps what was chosen.
func TestBrowserCreatesATenantRoleThroughTheWizard(t *testing.T) {
	ctx := startChromium(t)
	c := newConsole(t, "sqlite")
	sys := storetest.System(context.Background())
	for _, name := range []string{"core-network", "shared-database"} {
		if _, err := c.store.SetResourceVisibility(sys, c.resourceNamed("master", name), models.VisibilityPublic, nil); err != nil {
			t.Fatal(err)
		}
	}
	c.resourceNamed("master", "private-vault")
	run(t, ctx, c.signInSteps("localhost", "root@example.com")...)

	for i, width := range []int64{1280, 390} {
		name := []string{"Gold", "Silver"}[i]
		shotOf := func(step string) { shot(t, ctx, fmt.Sprintf("tenant-role-wizard-%s-%d", step, width)) }
		run(t, ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(c.page("localhost", "/tenant-roles")), chromedp.WaitVisible(byTestID("tenant-role-table")),
			chromedp.Click(byTestID("tenant-role-new")), onTRStep("details"),
			chromedp.SendKeys(byTestID("field-name"), name), chromedp.SendKeys(byTestID("field-description"), "For the best customers"))
		shotOf("details")
		run(t, ctx, chromedp.Click(byTestID("wizard-next")), onTRStep("caps"))
		if countOf(t, ctx, `[data-testid="perm-tenants"]`) != 0 {
			t.Fatal("the caps step offers a master-only feature")
		}
		// The browser's Back shows the details as typed, its Forward the caps.
		run(t, ctx, chromedp.NavigateBack(), onTRStep("details"))
		if got := valueOf(t, ctx, "name"); got != name {
			t.Fatalf("browser Back to details: name %q", got)
		}
		run(t, ctx, chromedp.NavigateForward(), onTRStep("caps"),
			chromedp.Click(chromedp.CSS(`label[for="perm-users-full"]`)), chromedp.Click(chromedp.CSS(`label[for="perm-resources-read"]`)))
		shotOf("caps")
		run(t, ctx, chromedp.Click(byTestID("wizard-next")), onTRStep("resources"))
		if n := countOf(t, ctx, `[data-testid="resource-choice"]`); n != 2 || countOf(t, ctx, `[data-resource="private-vault"]`) != 0 {
			t.Fatalf("the resources step lists %d resources", n)
		}
		// Tick one, search for the other: the first stays chosen.
		run(t, ctx, chromedp.Click(chromedp.CSS(`[data-resource="core-network"] input`)),
			chromedp.SendKeys(byTestID("resource-q"), "data"), chromedp.Click(byTestID("resource-search-submit")),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="resource-q"][value="data"]`)),
			chromedp.Click(chromedp.CSS(`[data-resource="shared-database"] input`)))
		shotOf("resources")
		run(t, ctx, chromedp.Click(byTestID("wizard-next")), onTRStep("review"))
		if n := countOf(t, ctx, `[data-testid="review-resources-list"] li`); n != 2 {
			t.Fatalf("the review lists %d resources", n)
		}
		shotOf("review")
		// Back, the button: the resources as chosen; then on to the review again.
		run(t, ctx, chromedp.Click(byTestID("wizard-back")), onTRStep("resources"),
			chromedp.Clear(byTestID("resource-q")), chromedp.Click(byTestID("resource-search-submit")), chromedp.WaitVisible(chromedp.CSS(`[data-resource="core-network"]`)))
		if countOf(t, ctx, `[data-testid="resource-choice"] input:checked`) != 2 {
			t.Fatal("Back lost the resources chosen")
		}
		run(t, ctx, chromedp.Click(byTestID("wizard-back")), onTRStep("caps"))
		if countOf(t, ctx, `#perm-users-full:checked`) != 1 {
			t.Fatal("Back lost the caps chosen")
		}
		run(t, ctx, chromedp.Click(byTestID("wizard-next")), onTRStep("resources"), chromedp.Click(byTestID("wizard-next")), onTRStep("review"),
			chromedp.Click(byTestID("wizard-create")), chromedp.WaitVisible(byTestID("flash")))
		if countOf(t, ctx, `[data-testid="tenant-role-row"][data-role="`+name+`"]`) != 1 {
			t.Fatalf("%s is not listed", name)
		}
		if _, ids := c.tenantRoleGrants(name); len(ids) != 2 {
			t.Fatalf("%s grants %v", name, ids)
		}
	}
}
