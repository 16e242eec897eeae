package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"landlord/models"
	"landlord/models/storetest"
)

// The master's resource kinds as a person uses them, at a desktop's width
// and a phone's: the list, a new kind whose rows are added without script,
// the edit of a kind in use, and its refused delete.
func TestBrowserDefinesResourceKindsAtBothWidths(t *testing.T) {
	ctx := startChromium(t)
	c := newConsole(t, "sqlite")
	bg := context.Background()
	c.kindKey()
	if _, err := c.store.CreateResourceKind(storetest.System(bg), models.KindInput{Key: "device", Label: "Device", Attributes: []models.KindAttribute{
		{Name: "serial", Label: "Serial number", Type: models.AttributeText, Required: true},
		{Name: "model", Label: "Model", Type: models.AttributeChoice, Choices: []string{"edge-100", "edge-200"}}}}); err != nil {
		t.Fatal(err)
	}
	acme, _ := c.store.TenantBySubdomain(bg, "acme")
	now := time.Now().UTC()
	storetest.Exec(t, c.store, "INSERT INTO resources (tenant_id, kind, name, attributes, version, created_at, updated_at) VALUES (?, 'network', 'office', '{\"cidr\":\"10.0.0.0/8\"}', 1, ?, ?)", acme.ID, now, now)

	run(t, ctx, c.signInSteps("localhost", "root@example.com")...)
	run(t, ctx, chromedp.Click(chromedp.CSS(`[data-testid="nav"] a[href="/resource-kinds"]`)), chromedp.WaitVisible(byTestID("kind-table")),
		chromedp.Click(byTestID("kind-new")), chromedp.WaitVisible(byTestID("kind-form")),
		chromedp.SendKeys(byTestID("field-key"), "cloud"),
		chromedp.SendKeys(byTestID("field-label"), "Cloud account"),
		chromedp.SendKeys(byTestID("field-attr.1.name"), "provider"),
		chromedp.SetValue(byTestID("field-attr.1.type"), "choice"),
		chromedp.SendKeys(byTestID("field-attr.1.choices"), "aws, azure, gcp"),
		chromedp.Click(byTestID("field-attr.1.required")),
		chromedp.SendKeys(byTestID("field-attr.2.name"), "region"),
		chromedp.SendKeys(byTestID("field-attr.3.name"), "Bad Name"),
		chromedp.Click(byTestID("kind-more-rows")), chromedp.WaitVisible(`[data-testid="kind-attribute"][data-row="6"]`))
	if got := value(t, ctx, chromedp.Value(byTestID("field-attr.1.choices"))); got != "aws, azure, gcp" {
		t.Fatalf("after adding rows the choices are %q", got)
	}
	run(t, ctx, chromedp.Click(byTestID("save")), chromedp.WaitVisible(byTestID("field-error")))
	if msg := value(t, ctx, chromedp.Text(`#error-attr\.3\.name`)); !strings.Contains(msg, "lower-case letter") {
		t.Fatalf("the third row's name says %q", msg)
	}
	run(t, ctx, chromedp.SetValue(byTestID("field-attr.3.name"), "tier"),
		chromedp.Click(byTestID("save")), chromedp.WaitVisible(byTestID("flash")))
	if n := countOf(t, ctx, `[data-testid="kind-row"]`); n != 3 {
		t.Fatalf("%d kinds listed, want 3", n)
	}

	pages := []struct{ path, wait, name string }{
		{"/resource-kinds", "kind-table", "resource-kinds-list"},
		{"/resource-kinds/new", "kind-form", "resource-kinds-new"},
		{"/resource-kinds/network/edit", "kind-form", "resource-kinds-edit"},
		{"/resource-kinds/network/delete", "delete-form", "resource-kinds-delete"},
	}
	for _, width := range []int64{1280, 390} {
		run(t, ctx, chromedp.EmulateViewport(width, 900))
		for _, p := range pages {
			run(t, ctx, chromedp.Navigate(c.page("localhost", p.path)), chromedp.WaitVisible(byTestID(p.wait)))
			if w := value(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > int(width) {
				t.Errorf("%s at %d px is %d px wide", p.path, width, w)
			}
			shot(t, ctx, fmt.Sprintf("%s-%d", p.name, width))
		}
	}
	// The kind in use: its key read-only, its delete refused by the count.
	if countOf(t, ctx, `[data-testid="delete-held"]`) != 1 || !strings.Contains(value(t, ctx, chromedp.Text(byTestID("delete-held"))), "1 resource has this kind") {
		t.Fatal("the delete page does not say the kind is in use")
	}
	run(t, ctx, chromedp.Click(byTestID("confirm-delete")), chromedp.WaitVisible(byTestID("form-error")))
	shot(t, ctx, "resource-kinds-delete-refused-390")
}
