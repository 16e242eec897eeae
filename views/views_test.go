package views

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
)

func render(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc
}

// assertCSPSafe fails when the page would break under script-src/style-src 'self'.
func assertCSPSafe(t *testing.T, doc *goquery.Document) {
	t.Helper()
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if src, ok := s.Attr("src"); !ok || src == "" || strings.TrimSpace(s.Text()) != "" {
			html, _ := goquery.OuterHtml(s)
			t.Errorf("inline script: %s", html)
		}
	})
	if n := doc.Find("[style]").Length(); n > 0 {
		t.Errorf("%d elements carry a style= attribute", n)
	}
	if n := doc.Find("style").Length(); n > 0 {
		t.Errorf("%d <style> blocks", n)
	}
	for _, attr := range []string{"onclick", "onload", "onsubmit", "onchange"} {
		if n := doc.Find("[" + attr + "]").Length(); n > 0 {
			t.Errorf("%d elements carry an inline %s handler", n, attr)
		}
	}
	cfg, ok := doc.Find(`meta[name="htmx-config"]`).Attr("content")
	var parsed struct{ IncludeIndicatorStyles *bool }
	if !ok || json.Unmarshal([]byte(cfg), &parsed) != nil || parsed.IncludeIndicatorStyles == nil || *parsed.IncludeIndicatorStyles {
		t.Errorf("htmx-config meta = %q, want includeIndicatorStyles false", cfg)
	}
}

func TestFailedLoginKeepsUsernameAndShowsError(t *testing.T) {
	p := Page{Title: "Sign in", TenantName: "Acme", TenantSubdomain: "acme", CSRFToken: "tok-123"}
	f := LoginForm{Username: "alice", Error: "Wrong username or password."}
	doc := render(t, LoginPage(p, f))

	form := doc.Find(`form[data-testid="login-form"]`)
	if m, _ := form.Attr("method"); m != "post" {
		t.Errorf("form method = %q, want post", m)
	}
	if got, _ := form.Find(`[data-testid="login-username"]`).Attr("value"); got != "alice" {
		t.Errorf("username value = %q, want alice", got)
	}
	if got, ok := form.Find(`[data-testid="login-password"]`).Attr("value"); ok && got != "" {
		t.Errorf("password echoed back: %q", got)
	}
	errEl := doc.Find(`[data-testid="login-error"]`)
	if got := strings.TrimSpace(errEl.Text()); got != f.Error {
		t.Errorf("login-error = %q, want %q", got, f.Error)
	}
	if role, _ := errEl.Attr("role"); role != "alert" {
		t.Errorf("login-error role = %q, want alert", role)
	}
	if got, _ := form.Find(`input[type="hidden"][name="_csrf"]`).Attr("value"); got != "tok-123" {
		t.Errorf("_csrf = %q, want tok-123", got)
	}
	if got := doc.Find("title").Text(); got != "Sign in · Landlord" {
		t.Errorf("title = %q", got)
	}
	if doc.Find(`[data-testid="login-hint"]`).Length() != 0 {
		t.Error("subdomain hint shown off the base domain")
	}
	if doc.Find(`[data-testid="logout"]`).Length() != 0 {
		t.Error("logout shown to nobody")
	}
	assertCSPSafe(t, doc)
}

func TestDashboardSaysWhereYouAre(t *testing.T) {
	p := Page{
		Title: "Dashboard", TenantName: "Acme", TenantSubdomain: "acme",
		UserDisplay: "Alice Admin", CSRFToken: "tok-456",
		Nav:     []NavLink{{Label: "Dashboard", Href: "/", Active: true}},
		Flashes: []Flash{{Kind: "success", Text: "Welcome back."}},
	}
	d := Dashboard{
		TenantName: "Acme", Subdomain: "acme", Host: "acme.localhost:8080",
		UserDisplay: "Alice Admin", Username: "alice", RoleName: "Admin",
		Features: []FeatureLevel{{Feature: "users", Level: "full"}, {Feature: "audit", Level: "read"}, {Feature: "tenants", Level: "none"}},
	}
	doc := render(t, DashboardPage(p, d))

	if got := doc.Find(`[data-testid="dashboard-tenant"]`).Text(); !strings.Contains(got, "Acme") || !strings.Contains(got, "acme") {
		t.Errorf("dashboard-tenant = %q, want tenant name and subdomain", got)
	}
	if got := doc.Find(`[data-testid="dashboard-user"]`).Text(); !strings.Contains(got, "Alice Admin") || !strings.Contains(got, "Admin") {
		t.Errorf("dashboard-user = %q", got)
	}
	if n := doc.Find(`[data-testid="permissions"] tbody tr`).Length(); n != 3 {
		t.Errorf("permission rows = %d, want 3", n)
	}
	if got := doc.Find(`[data-testid="current-user"]`).Text(); got != "Alice Admin" {
		t.Errorf("current-user = %q", got)
	}
	if got, _ := doc.Find(`form[action="/logout"] input[name="_csrf"]`).Attr("value"); got != "tok-456" {
		t.Errorf("logout _csrf = %q, want tok-456", got)
	}
	if got, _ := doc.Find(`[data-testid="flash"]`).Attr("class"); !strings.Contains(got, "flash-success") {
		t.Errorf("flash class = %q, want flash-success", got)
	}
	if doc.Find(`[data-testid="master-badge"]`).Length() != 0 {
		t.Error("master badge on a subtenant")
	}
	assertCSPSafe(t, doc)
}

func TestErrorPageShowsRequestID(t *testing.T) {
	doc := render(t, ErrorPage(Page{TenantName: "Acme"}, ErrorInfo{Status: 500, Message: "Try again later.", RequestID: "req-9"}))
	if got := doc.Find(`[data-testid="error-title"]`).Text(); got != "Internal Server Error" {
		t.Errorf("title = %q", got)
	}
	if got := doc.Find(`[data-testid="request-id"]`).Text(); got != "req-9" {
		t.Errorf("request id = %q", got)
	}
	assertCSPSafe(t, doc)
}

func TestRoleFormWithAPreviewIsCSPSafeAndLinksEachRadioToItsLabel(t *testing.T) {
	p := Page{Title: "Edit", TenantName: "Acme", CSRFToken: "tok"}
	f := RoleForm{ID: 7, Stored: "Support", Name: "Support", Version: 3, Origin: "linked", Template: "Operator",
		Matrix: Matrix{CapName: "Limited", Rows: []MatrixRow{
			{Feature: "users", Level: "full", Cap: "read"},
			{Feature: "audit", Level: "", Error: "Choose no access, read or full."},
		}},
		Preview: &RolePreview{Changes: []LevelChangeView{{Feature: "users", Before: "read", After: "full"}}, Holders: 2, Detaches: true},
	}
	doc := render(t, RoleFormPage(p, f))
	assertCSPSafe(t, doc)
	doc.Find(`input[type="radio"]`).Each(func(_ int, r *goquery.Selection) {
		id, _ := r.Attr("id")
		if doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("radio %s has no label", id)
		}
	})
	if got := strings.TrimSpace(doc.Find(`[data-feature="users"] [data-testid="cap-hint"]`).Text()); got != "The tenant role “Limited” allows at most read: holders of this role get read here." {
		t.Errorf("cap hint: %q", got)
	}
	if d, _ := doc.Find(`fieldset[data-feature="users"]`).Attr("aria-describedby"); d != "cap-perm-users" {
		t.Errorf("users row described by %q", d)
	}
	if d, _ := doc.Find(`fieldset[data-feature="audit"]`).Attr("aria-describedby"); d != "error-perm_audit" {
		t.Errorf("audit row described by %q", d)
	}
	if a, _ := doc.Find(`[data-testid="preview"]`).Attr("formaction"); a != "/roles/7/edit#preview" {
		t.Errorf("the preview button posts to %q", a)
	}
	// Enter submits with the first submit button: the preview, not the save.
	if v, _ := doc.Find(`form[data-testid="role-form"] button[type="submit"]`).First().Attr("value"); v != "preview" {
		t.Errorf("the default button is %q, want preview", v)
	}
	if doc.Find(`[data-testid="linked-warning"]`).Length() != 1 || doc.Find(`#preview[data-testid="preview-panel"]`).Length() != 1 {
		t.Error("a linked copy's preview misses its warning or its anchor")
	}
}
