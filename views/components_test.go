package views

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestFormFieldNamesItsHintAndErrorOnceEach: the input points at the hint
// and the error shown by it, each once, and carries only real attributes.
func TestFormFieldNamesItsHintAndErrorOnceEach(t *testing.T) {
	for _, tc := range []struct {
		name        string
		f           Field
		describedBy string
	}{
		{"plain", Field{Name: "name", Label: "Name"}, ""},
		{"hint", Field{Name: "name", Label: "Name", Hint: "At most 200 characters."}, "hint-name"},
		{"error", Field{Name: "name", Label: "Name", Error: "Give a name."}, "error-name"},
		{"both", Field{Name: "name", Label: "Name", Hint: "At most 200 characters.", Error: "Too long."}, "hint-name error-name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := FormField(tc.f).Render(context.Background(), &buf); err != nil {
				t.Fatal(err)
			}
			html := buf.String()
			// The HTML parser keeps the first of two equal attributes, so
			// count them in the markup itself.
			if n := strings.Count(html, "aria-describedby="); n > 1 {
				t.Errorf("aria-describedby %d times: %s", n, html)
			}
			if strings.Contains(html, " else") {
				t.Errorf("a stray else attribute: %s", html)
			}
			doc := render(t, FormField(tc.f))
			input := doc.Find("input#field-name")
			if got := input.AttrOr("aria-describedby", ""); got != tc.describedBy {
				t.Errorf("aria-describedby %q, want %q", got, tc.describedBy)
			}
			for _, id := range strings.Fields(tc.describedBy) {
				if doc.Find("#"+id).Length() != 1 {
					t.Errorf("%s is named but not shown: %s", id, html)
				}
			}
			if _, invalid := input.Attr("aria-invalid"); invalid != (tc.f.Error != "") {
				t.Errorf("aria-invalid present %v with error %q", invalid, tc.f.Error)
			}
			if got := doc.Find(`label[for="field-name"]`).Text(); got != "Name" {
				t.Errorf("label %q", got)
			}
		})
	}
}

func TestFormFieldRulesAndTypes(t *testing.T) {
	doc := render(t, FormField(Field{Name: "max_users", Label: "Maximum users", Type: "number", Value: "5", Required: true, MaxLength: 10}))
	in := doc.Find("#field-max_users")
	for attr, want := range map[string]string{"type": "number", "min": "0", "step": "1", "value": "5", "maxlength": "10", "name": "max_users"} {
		if got := in.AttrOr(attr, "<none>"); got != want {
			t.Errorf("%s=%q, want %q", attr, got, want)
		}
	}
	if _, ok := in.Attr("required"); !ok {
		t.Error("not required")
	}
	// A password typed is never written back into the page.
	pw := render(t, FormField(Field{Name: "password", Label: "Password", Type: "password", Value: "secret value", Autocomplete: "new-password", ReadOnly: true}))
	in = pw.Find("#field-password")
	if _, ok := in.Attr("value"); ok {
		t.Errorf("the password field carries a value: %q", in.AttrOr("value", ""))
	}
	if in.AttrOr("autocomplete", "") != "new-password" || in.AttrOr("type", "") != "password" {
		t.Errorf("password field: %v", in.Nodes[0].Attr)
	}
	if _, ok := in.Attr("readonly"); !ok {
		t.Error("not read-only")
	}
	if got := render(t, FormField(Field{Name: "q", Label: "Q"})).Find("#field-q").AttrOr("type", ""); got != "text" {
		t.Errorf("default type %q", got)
	}
}

// TestUsageLabelPointsAtAMeterOnlyWhenOneIsShown: with no limit there is no
// meter, and a label must not name a control that is not on the page.
func TestUsageLabelPointsAtAMeterOnlyWhenOneIsShown(t *testing.T) {
	limited := render(t, usageMeter("users", "Users", 3, 5))
	if limited.Find(`label[for="meter-users"]`).Length() != 1 || limited.Find("meter#meter-users").Length() != 1 {
		t.Error("a limited count's label does not name its meter")
	}
	open := render(t, usageMeter("users", "Users", 3, 0))
	if open.Find("meter").Length() != 0 || open.Find("label[for]").Length() != 0 {
		t.Error("with no limit a label names a meter that is not shown")
	}
	if got := open.Find(`[data-testid="usage-users-text"]`).Text(); got != "3 (no limit)" {
		t.Errorf("no-limit text %q", got)
	}
}
