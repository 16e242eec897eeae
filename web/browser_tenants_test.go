package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The master's tenant pages in headless Chromium, walked as a person would.
// Chromium resolves every *.localhost name to loopback, where the test
// server listens. (The root package's browser tests run the binary; these
// run the server in the test, like the rest of this package.)

// valueOf is a form field's current value, as the person sees it.
func valueOf(t *testing.T, ctx context.Context, field string) string {
	t.Helper()
	return value(t, ctx, chromedp.Value(byTestID("field-"+field)))
}

// onStep waits for the wizard to show step.
func onStep(step string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(`[data-testid="tenant-wizard"][data-step="` + step + `"]`))
}

func textOf(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	return strings.TrimSpace(value(t, ctx, chromedp.Text(byTestID(id))))
}

func TestBrowserCreatesATenantThroughTheWizardThenDeletesIt(t *testing.T) {
	c := newConsole(t, "sqlite")
	ctx := startChromium(t)
	at := func(host, path string) string { return "http://" + host + ":" + c.url.Port() + path }

	run(t, ctx,
		chromedp.Navigate(at("localhost", "/login")), chromedp.WaitVisible(byTestID("login-form")),
		chromedp.SendKeys(byTestID("login-username"), "root@example.com"),
		chromedp.SendKeys(byTestID("login-password"), password),
		chromedp.Click(byTestID("login-submit")), chromedp.WaitVisible(byTestID("dashboard")),
		chromedp.Navigate(at("localhost", "/tenants")), chromedp.WaitVisible(byTestID("tenant-table")),
		chromedp.Click(byTestID("tenant-new")), onStep("details"))

	// Details: a taken subdomain is refused on this page, what was typed stays.
	run(t, ctx,
		chromedp.SendKeys(byTestID("field-name"), "Gamma Ltd"),
		chromedp.SendKeys(byTestID("field-subdomain"), "acme"),
		chromedp.SendKeys(byTestID("field-description"), "Our third customer"),
		chromedp.SetValue(byTestID("field-currency"), "EUR"))
	shot(t, ctx, "tenant-wizard-details")
	run(t, ctx, chromedp.Click(byTestID("wizard-next")), onStep("details"), chromedp.WaitVisible(chromedp.CSS("#error-subdomain")))
	shot(t, ctx, "tenant-wizard-details-taken")
	if msg := textOf(t, ctx, "field-error"); msg != "That subdomain is taken." {
		t.Fatalf("taken subdomain: %q", msg)
	}
	if valueOf(t, ctx, "name") != "Gamma Ltd" || valueOf(t, ctx, "currency") != "EUR" {
		t.Fatal("the refused page lost what was typed")
	}
	run(t, ctx, chromedp.Clear(byTestID("field-subdomain")), chromedp.SendKeys(byTestID("field-subdomain"), "gamma"),
		chromedp.Click(byTestID("wizard-next")), onStep("limits"))

	// The browser's Back from the limits page shows the details as typed,
	// and its Forward the limits page again.
	run(t, ctx, chromedp.NavigateBack(), onStep("details"))
	if valueOf(t, ctx, "name") != "Gamma Ltd" || valueOf(t, ctx, "subdomain") != "gamma" || valueOf(t, ctx, "currency") != "EUR" {
		t.Fatalf("browser Back to details: %q %q %q", valueOf(t, ctx, "name"), valueOf(t, ctx, "subdomain"), valueOf(t, ctx, "currency"))
	}
	run(t, ctx, chromedp.NavigateForward(), onStep("limits"))

	run(t, ctx, chromedp.SendKeys(byTestID("field-max_users"), "5"))
	shot(t, ctx, "tenant-wizard-limits")
	run(t, ctx, chromedp.Click(byTestID("wizard-next")), onStep("account"),
		chromedp.SendKeys(byTestID("field-account_number"), "AC-7"),
		chromedp.SendKeys(byTestID("field-account_name"), "Gamma Billing"))
	shot(t, ctx, "tenant-wizard-account")
	run(t, ctx, chromedp.Click(byTestID("wizard-next")), onStep("admin"),
		chromedp.SendKeys(byTestID("field-admin_username"), "ops"),
		chromedp.SendKeys(byTestID("field-admin_email"), "ops@gamma.example"),
		chromedp.SendKeys(byTestID("field-admin_password"), password),
		chromedp.SendKeys(byTestID("field-admin_password_confirm"), password+" typo"),
		chromedp.Click(byTestID("wizard-next")), onStep("admin"), chromedp.WaitVisible(chromedp.CSS("#error-admin_password_confirm")))
	run(t, ctx,
		chromedp.SendKeys(byTestID("field-admin_password"), password),
		chromedp.SendKeys(byTestID("field-admin_password_confirm"), password))
	shot(t, ctx, "tenant-wizard-admin")
	run(t, ctx, chromedp.Click(byTestID("wizard-next")), onStep("review"))
	shot(t, ctx, "tenant-wizard-review")
	if strings.Contains(value(t, ctx, chromedp.OuterHTML(chromedp.CSS("html"))), password) {
		t.Fatal("the review page holds the password")
	}

	// Back, step by step, from the review to the details: nothing is lost.
	for _, step := range []string{"admin", "account", "limits", "details"} {
		run(t, ctx, chromedp.Click(byTestID("wizard-back")), onStep(step))
	}
	for field, want := range map[string]string{"name": "Gamma Ltd", "subdomain": "gamma", "description": "Our third customer", "currency": "EUR"} {
		if got := valueOf(t, ctx, field); got != want {
			t.Errorf("details after Back from the review: %s = %q, want %q", field, got, want)
		}
	}
	// And forward again, changing the name only.
	run(t, ctx, chromedp.Clear(byTestID("field-name")), chromedp.SendKeys(byTestID("field-name"), "Gamma Limited"),
		chromedp.Click(byTestID("wizard-next")), onStep("limits"))
	if valueOf(t, ctx, "max_users") != "5" {
		t.Fatalf("limits kept: %q", valueOf(t, ctx, "max_users"))
	}
	run(t, ctx, chromedp.Click(byTestID("wizard-next")), onStep("account"))
	if valueOf(t, ctx, "account_number") != "AC-7" {
		t.Fatalf("account kept: %q", valueOf(t, ctx, "account_number"))
	}
	run(t, ctx, chromedp.Click(byTestID("wizard-next")), onStep("admin"), chromedp.WaitVisible(byTestID("password-kept")))
	if valueOf(t, ctx, "admin_username") != "ops" || valueOf(t, ctx, "admin_password") != "" {
		t.Fatalf("admin kept: %q, password shown: %q", valueOf(t, ctx, "admin_username"), valueOf(t, ctx, "admin_password"))
	}
	run(t, ctx, chromedp.Click(byTestID("wizard-next")), onStep("review"))
	for id, want := range map[string]string{"review-name": "Gamma Limited", "review-subdomain": "gamma", "review-description": "Our third customer",
		"review-currency": "EUR · Euro", "review-max-users": "5", "review-max-resources": "no limit", "review-account-number": "AC-7",
		"review-account-name": "Gamma Billing", "review-admin-username": "ops", "review-admin-email": "ops@gamma.example",
		"review-admin-password": "set (not shown)"} {
		if got := textOf(t, ctx, id); !strings.HasPrefix(got, want) {
			t.Errorf("review %s: %q, want %q", id, got, want)
		}
	}
	// The browser's Back from the review, then Forward: still all there.
	run(t, ctx, chromedp.NavigateBack(), onStep("admin"))
	if valueOf(t, ctx, "admin_username") != "ops" {
		t.Fatalf("browser Back to the admin step: %q", valueOf(t, ctx, "admin_username"))
	}
	run(t, ctx, chromedp.NavigateForward(), onStep("review"))
	if got := textOf(t, ctx, "review-name"); got != "Gamma Limited" {
		t.Fatalf("browser Forward to the review: %q", got)
	}

	// Create: the tenant's page, its limits drawn as meters.
	run(t, ctx, chromedp.Click(byTestID("wizard-create")), chromedp.WaitVisible(byTestID("tenant-detail")))
	if msg := textOf(t, ctx, "flash"); !strings.Contains(msg, "gamma created, with ops as its admin") {
		t.Fatalf("flash: %q", msg)
	}
	if got := textOf(t, ctx, "usage-users-text"); got != "1 of 5" {
		t.Fatalf("users meter text: %q", got)
	}
	meter := value(t, ctx, chromedp.Evaluate[[]float64](`(m => [m.value, m.max])(document.querySelector('[data-testid="meter-users"]'))`))
	if len(meter) != 2 || meter[0] != 1 || meter[1] != 5 {
		t.Fatalf("users meter: %v", meter)
	}
	if got := textOf(t, ctx, "usage-resources-text"); got != "0 (no limit)" {
		t.Fatalf("resources: %q", got)
	}
	if got := textOf(t, ctx, "detail-currency"); got != "EUR · Euro" {
		t.Fatalf("currency: %q", got)
	}
	shot(t, ctx, "tenant-detail")

	// Delete: the counts, a wrong subdomain refused by the field, then gone.
	run(t, ctx, chromedp.Click(byTestID("tenant-delete")), chromedp.WaitVisible(byTestID("tenant-delete-form")))
	if got := textOf(t, ctx, "delete-users"); got != "1 user" {
		t.Fatalf("delete counts: %q", got)
	}
	run(t, ctx, chromedp.SendKeys(byTestID("field-confirm"), "gama"), chromedp.Click(byTestID("delete-confirm")),
		chromedp.WaitVisible(chromedp.CSS("#error-confirm")))
	shot(t, ctx, "tenant-delete")
	run(t, ctx, chromedp.Clear(byTestID("field-confirm")), chromedp.SendKeys(byTestID("field-confirm"), "gamma"),
		chromedp.Click(byTestID("delete-confirm")), chromedp.WaitVisible(byTestID("tenant-table")))
	if msg := textOf(t, ctx, "flash"); !strings.Contains(msg, "gamma deleted") {
		t.Fatalf("after delete: %q", msg)
	}
	js, _ := json.Marshal(`[data-testid="tenant-row"][data-subdomain="gamma"]`)
	if n := value(t, ctx, chromedp.Evaluate[int]("document.querySelectorAll("+string(js)+").length")); n != 0 {
		t.Fatal("gamma is still listed")
	}
}
