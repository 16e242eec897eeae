package web_test

import (
	"net/http"
	"strings"
	"testing"

	"landlord/models"
)

// The user wizard's first step says what is wrong with a look-alike or a
// hidden character by the field, and keeps what was typed.
func TestTheUserWizardSaysALookAlikeOrHiddenCharacterByTheField(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		w := admin.startUserWizard("acme.localhost", "")
		for _, tc := range []struct {
			field, value, want string
		}{
			{"username", "аdmin@acme.example", "looks like the existing user admin@acme.example"},
			{"username", "jane\u200B", "contains an invisible character (U+200B)"},
			{"username", "jane\u202Eenaj", "contains a text-direction control character (U+202E)"},
			{"email", "аdmin@acme.example", "looks like the existing user admin@acme.example"},
			{"first_name", "Jane\uFEFF", "contains an invisible character (U+FEFF)"},
		} {
			fields := identity("jane")
			fields.Set(tc.field, tc.value)
			res := w.post("next", fields)
			if res.StatusCode != http.StatusUnprocessableEntity || w.step != "0" || !strings.Contains(w.fieldError(tc.field), tc.want) {
				t.Fatalf("%s %q: %d step %s %q", tc.field, tc.value, res.StatusCode, w.step, w.fieldError(tc.field))
			}
			input := w.last.Find(`[data-testid="field-` + tc.field + `"]`)
			if input.AttrOr("value", "") != tc.value || input.AttrOr("aria-invalid", "") != "true" {
				t.Fatalf("%s: the typed value was not kept, or not marked invalid: %q", tc.field, input.AttrOr("value", ""))
			}
			if kept := w.last.Find(`[data-testid="field-last_name"]`).AttrOr("value", ""); kept != "Doe" {
				t.Fatalf("%s: the other fields were not kept: %q", tc.field, kept)
			}
		}
		if got := usernamesOf(t, c, "acme"); len(got) != 1 {
			t.Fatalf("acme's users: %q", got)
		}
	})
}

// The role form says a look-alike role name by the field and keeps the
// typed values; nothing is saved.
func TestTheRoleFormSaysALookAlikeNameByTheField(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		for _, tc := range []struct{ name, description, field, want string }{
			{"Аdministrator", "Kept too", "name", "looks like the existing role Administrator"},
			{"Support\u200D", "Kept too", "name", "contains an invisible character (U+200D)"},
			{"Support", "Kept \u202Etoo", "description", "contains a text-direction control character (U+202E)"},
		} {
			_, tok := acme.open("acme.localhost", "/roles/new")
			before := c.snapshot("acme")
			res := acme.createRole("acme.localhost", roleForm(tok, tc.name, tc.description, map[models.Feature]string{models.FeatureAudit: "read"}))
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%q: %d, want 422", tc.name, res.StatusCode)
			}
			d := doc(t, res)
			if got := strings.TrimSpace(d.Find(`#error-` + tc.field).Text()); !strings.Contains(got, tc.want) {
				t.Fatalf("%q: the %s says %q", tc.name, tc.field, got)
			}
			if d.Find(`[data-testid="field-name"]`).AttrOr("value", "") != tc.name || text(d, `[data-testid="field-description"]`) != tc.description {
				t.Fatalf("%q: the typed values were not kept", tc.name)
			}
			if after := c.snapshot("acme"); after != before {
				t.Fatalf("%q: something was saved", tc.name)
			}
		}
	})
}
