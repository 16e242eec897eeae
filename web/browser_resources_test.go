package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"landlord/models"
)

// A person makes, reads, edits and deletes a resource and a group, through
// the pages and no script of their own, at a desktop's width and a phone's.
func TestBrowserManagesResourcesAndGroups(t *testing.T) {
	ctx := startChromium(t)
	c := newConsole(t, "sqlite")
	c.seedKinds()
	lab := c.groupIn("acme", "Lab")
	c.groupIn("acme", "Edge")
	c.resourceIn("acme", "uplink")
	// A master network the master shares with acme's tenant role: listed
	// beside acme's own, read-only.
	wan := c.resourceNamed("master", "campus-wan")
	if _, err := c.store.SetResourceVisibility(c.inTenant("master"), wan, models.VisibilityPublic, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.store.SetTenantRoleResources(c.inTenant("master"), c.tenantRoleNamed("Standard"), false, []uint64{wan}); err != nil {
		t.Fatal(err)
	}
	c.limitedUser("acme", "viewer", models.Permissions{models.FeatureResources: models.LevelRead})
	viewer := c.roleNamed("acme", "Role of viewer")
	at := func(path string) string { return c.page("acme.localhost", path) }
	run(t, ctx, c.signInSteps("acme.localhost", "admin@acme.example")...)

	// The list, from the navigation; then a new network, its kind chosen first.
	run(t, ctx, chromedp.Click(chromedp.CSS(`[data-testid="nav"] a[href="/resources"]`)), chromedp.WaitVisible(byTestID("resource-table")),
		chromedp.Click(byTestID("resource-new")), chromedp.WaitVisible(byTestID("kind-form")),
		chromedp.SetValue(byTestID("field-kind"), "network"), chromedp.Click(byTestID("choose-kind")),
		chromedp.WaitVisible(byTestID("resource-form")),
		chromedp.SendKeys(byTestID("field-name"), "core"),
		chromedp.SetValue(byTestID("field-group"), fmt.Sprint(lab.ID)),
		chromedp.SendKeys(byTestID("field-attr.cidr"), "10.4.0.0/16"), chromedp.Click(byTestID("resource-save")),
		chromedp.WaitVisible(byTestID("flash")))
	if msg := value(t, ctx, chromedp.Text(byTestID("flash"))); !strings.Contains(msg, "“core” created") {
		t.Fatalf("after creating: %q", msg)
	}
	core := c.resourceIn("acme", "core")
	for _, width := range []int64{1280, 390} {
		suffix := fmt.Sprintf("-%d", width)
		run(t, ctx, chromedp.EmulateViewport(width, 900))
		run(t, ctx, chromedp.Navigate(at("/resources")), chromedp.WaitVisible(byTestID("resource-table")))
		if n := countOf(t, ctx, `[data-testid="resource-row"]`); n != 3 {
			t.Fatalf("at %d px the list shows %d resources", width, n)
		}
		if n := countOf(t, ctx, `[data-testid="resource-row"][data-shared="master"] [data-testid="shared-badge"]`); n != 1 {
			t.Fatalf("at %d px the list marks %d resources as the master's", width, n)
		}
		shot(t, ctx, "resources-list"+suffix)
		shot(t, ctx, "resources-shared-list"+suffix)
		run(t, ctx, chromedp.Click(`[data-testid="resource-row"][data-shared="master"] [data-testid="resource-link"]`), chromedp.WaitVisible(byTestID("resource-shared")))
		if n := countOf(t, ctx, `[data-testid="resource-edit"], [data-testid="resource-delete"]`); n != 0 {
			t.Fatalf("at %d px the shared resource offers %d changes", width, n)
		}
		shot(t, ctx, "resources-shared-show"+suffix)
		run(t, ctx, chromedp.Navigate(at("/resources/new")), chromedp.WaitVisible(byTestID("kind-form")))
		shot(t, ctx, "resources-new-kind"+suffix)
		run(t, ctx, chromedp.Navigate(at("/resources/new?kind=network")), chromedp.WaitVisible(byTestID("resource-form")))
		shot(t, ctx, "resources-new"+suffix)
		run(t, ctx, chromedp.Navigate(at(fmt.Sprintf("/resources/%d", core.ID))), chromedp.WaitVisible(byTestID("resource-page")))
		if got := value(t, ctx, chromedp.Text(byTestID("attr-cidr"))); got != "10.4.0.0/16" {
			t.Fatalf("at %d px the CIDR reads %q", width, got)
		}
		shot(t, ctx, "resources-show"+suffix)
		run(t, ctx, chromedp.Click(byTestID("resource-edit")), chromedp.WaitVisible(byTestID("resource-form")))
		shot(t, ctx, "resources-edit"+suffix)
		run(t, ctx, chromedp.Navigate(at(fmt.Sprintf("/resources/%d/delete", core.ID))), chromedp.WaitVisible(byTestID("resource-delete-page")))
		shot(t, ctx, "resources-delete"+suffix)
		run(t, ctx, chromedp.Navigate(at("/resource-groups")), chromedp.WaitVisible(byTestID("group-table")))
		shot(t, ctx, "resources-groups"+suffix)
		run(t, ctx, chromedp.Click(byTestID("group-new")), chromedp.WaitVisible(byTestID("group-form")))
		shot(t, ctx, "resources-group-new"+suffix)
		run(t, ctx, chromedp.Navigate(at(fmt.Sprintf("/resource-groups/%d/delete", lab.ID))), chromedp.WaitVisible(byTestID("group-delete-page")))
		shot(t, ctx, "resources-group-delete"+suffix)
		run(t, ctx, chromedp.Navigate(at(fmt.Sprintf("/roles/%d/groups", viewer))), chromedp.WaitVisible(byTestID("role-groups-form")))
		shot(t, ctx, "resources-role-groups"+suffix)
		if w := value(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > int(width) {
			t.Errorf("at %d px the page is %d px wide", width, w)
		}
	}
	run(t, ctx, chromedp.EmulateViewport(1280, 900))
	// Edit, then delete the resource; delete the group, moving what it holds.
	run(t, ctx, chromedp.Navigate(at(fmt.Sprintf("/resources/%d/edit", core.ID))), chromedp.WaitVisible(byTestID("resource-form")),
		chromedp.SetValue(byTestID("field-name"), "core-2"), chromedp.Click(byTestID("resource-save")), chromedp.WaitVisible(byTestID("flash")))
	run(t, ctx, chromedp.Click(byTestID("resource-delete")), chromedp.WaitVisible(byTestID("resource-delete-page")),
		chromedp.Click(byTestID("confirm-delete")), chromedp.WaitVisible(byTestID("resource-table")))
	if msg := value(t, ctx, chromedp.Text(byTestID("flash"))); !strings.Contains(msg, "“core-2” deleted") {
		t.Fatalf("after deleting: %q", msg)
	}
	run(t, ctx, chromedp.Navigate(at("/resource-groups/new")), chromedp.WaitVisible(byTestID("group-form")),
		chromedp.SendKeys(byTestID("field-name"), "Spare"), chromedp.Click(byTestID("group-save")), chromedp.WaitVisible(byTestID("group-table")))
	run(t, ctx, chromedp.Navigate(at(fmt.Sprintf("/resource-groups/%d/delete", lab.ID))), chromedp.WaitVisible(byTestID("group-delete-page")),
		chromedp.Click(byTestID("fate-delete")), chromedp.Click(byTestID("confirm-delete")), chromedp.WaitVisible(byTestID("group-table")))
	if n := countOf(t, ctx, `[data-testid="group-row"]`); n != 2 {
		t.Fatalf("%d groups after deleting Lab", n)
	}
}
