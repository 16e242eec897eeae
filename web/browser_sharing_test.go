package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"landlord/models"
	"landlord/models/storetest"
)

// The master shares a resource and gives a tenant role master resources,
// as a person does it, at a desktop's width and a phone's.
func TestBrowserSharesAResourceAndGivesATenantRoleMasterResources(t *testing.T) {
	ctx := startChromium(t)
	c := newConsole(t, "sqlite")
	sys := storetest.System(context.Background())
	for _, sub := range []string{"gamma", "delta"} {
		if _, err := c.store.CreateTenant(sys, models.NewTenant{Subdomain: sub, Name: strings.ToUpper(sub[:1]) + sub[1:] + " Ltd"}); err != nil {
			t.Fatal(err)
		}
	}
	c.resourceNamed("master", "core-network")
	db := c.resourceNamed("master", "shared-database")
	c.resourceNamed("master", "private-vault")
	c.resourceNamed("acme", "acme-router")
	if _, err := c.store.SetResourceVisibility(sys, db, models.VisibilityPublic, nil); err != nil {
		t.Fatal(err)
	}
	standard := c.tenantRoleNamed("Standard")
	run(t, ctx, c.signInSteps("localhost", "root@example.com")...)

	for i, width := range []int64{1280, 390} {
		// From the list to a resource's sharing page; assign it to beta via
		// the picker's search, preview, then save.
		run(t, ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(c.page("localhost", "/sharing")), chromedp.WaitVisible(byTestID("sharing-table")))
		shot(t, ctx, fmt.Sprintf("sharing-list-%d", width))
		run(t, ctx, chromedp.Click(chromedp.CSS(`[data-resource="core-network"] [data-testid="sharing-link"]`)), chromedp.WaitVisible(byTestID("sharing-form")))
		if i == 0 {
			run(t, ctx, chromedp.SendKeys(byTestID("tenant-q"), "bet"), chromedp.Click(byTestID("tenant-search-submit")), chromedp.WaitVisible(chromedp.CSS(`[data-testid="tenant-q"][value="bet"]`)))
			if n := countOf(t, ctx, `[data-testid="tenant-choice"]`); n != 1 {
				t.Fatalf("the picker's search for bet lists %d tenants", n)
			}
			run(t, ctx, chromedp.Click(byTestID("visibility-assigned")), chromedp.Click(chromedp.CSS(`[data-tenant="beta"] input`)),
				chromedp.Click(byTestID("preview")), chromedp.WaitVisible(byTestID("sharing-preview")))
			if got := value(t, ctx, chromedp.Text(byTestID("preview-counts"))); got != "1 tenant gains it, 0 tenants lose it." {
				t.Fatalf("the preview says %q", got)
			}
			shot(t, ctx, fmt.Sprintf("sharing-preview-%d", width))
			run(t, ctx, chromedp.Click(byTestID("save")), chromedp.WaitVisible(byTestID("flash")))
			if n := countOf(t, ctx, `[data-testid="seer-row"][data-tenant="beta"]`); n != 1 {
				t.Fatal("who can see it does not list beta")
			}
		} else {
			run(t, ctx, chromedp.Click(chromedp.CSS(`[data-tenant="gamma"] input`)),
				chromedp.Click(byTestID("preview")), chromedp.WaitVisible(byTestID("sharing-preview")))
			if got := value(t, ctx, chromedp.Text(byTestID("preview-counts"))); got != "1 tenant gains it, 0 tenants lose it." {
				t.Fatalf("the phone's preview says %q", got)
			}
		}
		shot(t, ctx, fmt.Sprintf("sharing-resource-%d", width))

		// The tenant role's master resources: the public one only is listed.
		run(t, ctx, chromedp.Navigate(c.page("localhost", fmt.Sprintf("/tenant-roles/%d/edit", standard))), chromedp.WaitVisible(byTestID("master-resources")))
		if n := countOf(t, ctx, `[data-testid="resource-choice"]`); n != 1 || countOf(t, ctx, `[data-resource="shared-database"]`) != 1 {
			t.Fatalf("the tenant role lists %d resources", n)
		}
		if i == 0 {
			run(t, ctx, chromedp.Click(byTestID("scope-chosen")), chromedp.Click(chromedp.CSS(`[data-resource="shared-database"] input`)),
				chromedp.Click(byTestID("resources-preview")), chromedp.WaitVisible(byTestID("sharing-preview")))
			if got := value(t, ctx, chromedp.Text(chromedp.CSS(`[data-testid="master-resources"] [data-testid="preview-counts"]`))); !strings.HasPrefix(got, "4 tenants gain it") {
				t.Fatalf("the tenant role's preview says %q", got)
			}
			shot(t, ctx, fmt.Sprintf("sharing-tenant-role-preview-%d", width))
			run(t, ctx, chromedp.Click(byTestID("resources-save")), chromedp.WaitVisible(byTestID("flash")))
		}
		shot(t, ctx, fmt.Sprintf("sharing-tenant-role-%d", width))

		// A subtenant's page shows its resources only as counts by kind.
		run(t, ctx, chromedp.Navigate(c.page("localhost", "/tenants/acme")), chromedp.WaitVisible(byTestID("kind-counts")))
		shot(t, ctx, fmt.Sprintf("sharing-tenant-kinds-%d", width))
	}
	// What was saved is what the subtenants read.
	beta, _ := c.store.TenantBySubdomain(context.Background(), "beta")
	inBeta := models.WithActor(models.WithTenant(context.Background(), beta.ID), models.Actor{UserID: 1, TenantID: beta.ID, Name: "b", Permissions: models.FullPermissions()})
	p, err := c.store.SharedResources(inBeta, models.ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range p.Rows {
		names = append(names, r.Name)
	}
	if strings.Join(names, ",") != "core-network,shared-database" {
		t.Errorf("beta reads %v", names)
	}
}
