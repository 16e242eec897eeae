package views

import (
	"strings"
	"testing"
)

func TestTenantPagesAreCSPSafeAndLabelEveryField(t *testing.T) {
	p := Page{Title: "Tenants", TenantName: "Master", IsMaster: true, CSRFToken: "tok", UserDisplay: "root"}
	steps := []string{"Details", "Limits", "Account", "Initial admin", "Review"}
	opts := []Option{{"1", "Standard"}, {"2", "Limited"}}
	for i, name := range []string{"details", "limits", "account", "admin", "review"} {
		w := TenantWizard{Steps: steps, Step: i, StepName: name, Sealed: "sealed", TenantRoles: opts, Currencies: []Option{{"USD", "USD · US Dollar"}},
			Values: map[string]string{"tenant_role": "2", "admin": "create"}, Errors: map[string]string{"name": "Enter a name."},
			StepLinks: []string{"/tenants/new?_step=0"}, BaseDomain: "example.com", Review: TenantReview{Name: "Acme", Admin: true}}
		d := render(t, TenantWizardPage(p, w))
		assertCSPSafe(t, d)
		if d.Find(`[data-testid="tenant-wizard"]`).AttrOr("data-step", "") != name || d.Find(`input[name="_wizard"]`).AttrOr("value", "") != "sealed" {
			t.Errorf("%s: step or state missing", name)
		}
		for _, id := range []string{"field-name", "field-tenant_role", "field-max_users", "field-admin_password"} {
			if f := d.Find("#" + id); f.Length() == 1 && d.Find(`label[for="`+id+`"]`).Length() != 1 {
				t.Errorf("%s: %s has no label", name, id)
			}
		}
		if name == "details" && d.Find(`#field-tenant_role option[selected]`).AttrOr("value", "") != "2" {
			t.Error("the chosen tenant role is not selected")
		}
		if _, filled := d.Find(`#field-admin_password`).Attr("value"); name == "admin" && (d.Find(`#field-admin_password`).Length() != 1 || filled) {
			t.Error("the password field is missing or has a value")
		}
		// Next comes first, so Enter moves on rather than back.
		if first := d.Find(`[data-testid="wizard-form"] button[type="submit"]`).First().AttrOr("value", ""); first == "back" {
			t.Errorf("%s: Back is the form's first button", name)
		}
	}
	detail := render(t, TenantDetailPage(p, TenantDetail{Subdomain: "acme", Name: "Acme", Users: 37, MaxUsers: 50, Resources: 3, CanChange: true, Enabled: true}))
	assertCSPSafe(t, detail)
	if m := detail.Find(`[data-testid="meter-users"]`); m.AttrOr("max", "") != "50" || m.AttrOr("value", "") != "37" ||
		strings.TrimSpace(detail.Find(`[data-testid="usage-users-text"]`).Text()) != "37 of 50" {
		t.Error("the users meter")
	}
	if detail.Find(`[data-testid="meter-resources"]`).Length() != 0 || detail.Find(`[data-testid="usage-resources-text"]`).Text() != "3 (no limit)" {
		t.Error("resources without a limit")
	}
	if detail.Find(`a[data-testid="tenant-disable"]`).AttrOr("href", "") != "/tenants/acme/disable" {
		t.Error("the detail page does not link the disable confirmation")
	}
	disable := render(t, TenantDisablePage(p, TenantDisable{Subdomain: "acme", Name: "Acme", Enabled: true, SignedIn: 3, Users: 5}))
	assertCSPSafe(t, disable)
	if disable.Find(`form[action="/tenants/acme/disable"] input[name="_csrf"]`).AttrOr("value", "") != "tok" ||
		disable.Find(`form[action="/tenants/acme/disable"] input[name="confirm"]`).AttrOr("value", "") != "disable" {
		t.Error("the disable form has no CSRF token or confirmation")
	}
	del := render(t, TenantDeletePage(p, TenantDelete{Subdomain: "acme", Name: "Acme", Users: 1, Roles: 2, Errors: map[string]string{"confirm": "Type acme."}}))
	assertCSPSafe(t, del)
	if del.Find(`#field-confirm`).AttrOr("aria-describedby", "") != "error-confirm" || del.Find(`[data-testid="delete-users"]`).Text() != "1 user" {
		t.Error("the delete page")
	}
	edit := render(t, TenantEditPage(p, TenantEdit{Subdomain: "master", IsMaster: true, Currencies: []Option{{"USD", "USD"}}, Currency: "USD"}))
	assertCSPSafe(t, edit)
	if edit.Find(`#field-tenant_role`).Length() != 0 {
		t.Error("the master's edit form offers a tenant role")
	}
}
