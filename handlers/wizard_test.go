package handlers_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"landlord/handlers"
)

func TestWizardStateComesBackWhole(t *testing.T) {
	w := handlers.NewWizard([]byte(strings.Repeat("s", 32)))
	typed := url.Values{"name": {"Acme Corp"}, "subdomain": {"acme"}, "password": {"a secret passphrase"}}
	sealed, err := w.Seal("session-1", typed)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "secret") || strings.Contains(sealed, "acme") {
		t.Fatal("the sealed state shows what was typed")
	}
	got, err := w.Open("session-1", sealed)
	if err != nil {
		t.Fatal(err)
	}
	if got.Encode() != typed.Encode() {
		t.Fatalf("got %v, want %v", got, typed)
	}
}

func TestWizardStateIsRefusedWhenAlteredOrFromAnotherSession(t *testing.T) {
	w := handlers.NewWizard([]byte(strings.Repeat("s", 32)))
	sealed, _ := w.Seal("session-1", url.Values{"subdomain": {"acme"}})
	for name, c := range map[string]struct{ session, sealed string }{
		"another session": {"session-2", sealed},
		"altered":         {"session-1", sealed[:len(sealed)-4] + "AAAA"},
		"another key":     {"session-1", mustSeal(t, handlers.NewWizard([]byte(strings.Repeat("x", 32))), "session-1")},
	} {
		if _, err := w.Open(c.session, c.sealed); !errors.Is(err, handlers.ErrWizardState) {
			t.Errorf("%s: %v, want ErrWizardState", name, err)
		}
	}
	if v, err := w.Open("session-1", ""); err != nil || len(v) != 0 {
		t.Fatalf("no state yet: %v %v", v, err)
	}
}

func mustSeal(t *testing.T, w *handlers.Wizard, session string) string {
	t.Helper()
	s, err := w.Seal(session, url.Values{"subdomain": {"acme"}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestWizardStepsCheckForwardKeepValuesBackAndCannotBeSkipped(t *testing.T) {
	w := handlers.NewWizard([]byte(strings.Repeat("s", 32)))
	need := func(field string) func(url.Values) map[string]string {
		return func(v url.Values) map[string]string {
			if v.Get(field) == "" {
				return map[string]string{field: "Enter it."}
			}
			return nil
		}
	}
	steps := []handlers.WizardStep{
		{Name: "details", Fields: []string{"name"}, Check: need("name")},
		{Name: "limits", Fields: []string{"max"}, Check: need("max")},
		{Name: "review"},
	}
	post := func(sealed string, step, action string, fields url.Values) handlers.WizardPage {
		t.Helper()
		form := url.Values{handlers.WizardStateField: {sealed}, handlers.WizardStepField: {step}, handlers.WizardActionField: {action}}
		for k, v := range fields {
			form[k] = v
		}
		p, err := w.Advance("s1", form, steps)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	start, err := w.Start("s1", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Posting the last step straight away is held at the first step's check.
	if p := post(start.Sealed, "2", "next", nil); p.Step != 0 || p.Done || p.Errors["name"] == "" {
		t.Fatalf("skipping ahead: %+v", p)
	}
	p := post(start.Sealed, "0", "next", url.Values{"name": {"Acme"}})
	if p.Step != 1 || len(p.Errors) != 0 {
		t.Fatalf("step one: %+v", p)
	}
	// Back from step two keeps what was typed on it, unchecked.
	back := post(p.Sealed, "1", "back", url.Values{"max": {""}})
	if back.Step != 0 || back.Values.Get("name") != "Acme" || len(back.Errors) != 0 {
		t.Fatalf("back: %+v", back)
	}
	p = post(p.Sealed, "1", "next", url.Values{"max": {""}})
	if p.Step != 1 || p.Errors["max"] == "" {
		t.Fatalf("an empty limit went through: %+v", p)
	}
	p = post(p.Sealed, "1", "next", url.Values{"max": {"50"}})
	p = post(p.Sealed, "2", "finish", nil)
	if !p.Done || p.Values.Get("name") != "Acme" || p.Values.Get("max") != "50" {
		t.Fatalf("finish: %+v", p)
	}
	// A refusal at commit shows the step that owns the field.
	again, err := w.Revisit("s1", p, steps, map[string]string{"max": "Too many."})
	if err != nil || again.Step != 1 || again.Done || again.Errors["max"] != "Too many." {
		t.Fatalf("revisit: %+v %v", again, err)
	}
	// Another session's state is refused.
	if _, err := w.Advance("s2", url.Values{handlers.WizardStateField: {p.Sealed}}, steps); err == nil {
		t.Fatal("another session's wizard state was accepted")
	}
}

func TestWizardAddressesCarryStateAndMessagesForTheirSessionOnly(t *testing.T) {
	w := handlers.NewWizard([]byte(strings.Repeat("s", 32)))
	steps := []handlers.WizardStep{{Name: "details", Fields: []string{"name"}}, {Name: "limits", Fields: []string{"max"}}, {Name: "review"}}
	start, err := w.Start("s1", url.Values{"name": {"Acme"}})
	if err != nil {
		t.Fatal(err)
	}
	page, err := w.Advance("s1", url.Values{handlers.WizardStateField: {start.Sealed}, handlers.WizardStepField: {"0"}, "name": {"Acme"}}, steps)
	if err != nil || page.Step != 1 {
		t.Fatalf("advance: %+v %v", page, err)
	}
	page.Errors = map[string]string{"max": "Too many."}
	loc, err := w.Location("s1", "/tenants/new", page)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(loc)
	if u.Path != "/tenants/new" || strings.Contains(loc, "Acme") || strings.Contains(loc, "Too") {
		t.Fatalf("the address shows what it carries: %s", loc)
	}
	got, err := w.Resume("s1", u.Query(), steps)
	if err != nil || got.Step != 1 || got.Values.Get("name") != "Acme" || got.Errors["max"] != "Too many." {
		t.Fatalf("resume: %+v %v", got, err)
	}
	// Another session opens neither the state nor the messages.
	if _, err := w.Resume("s2", u.Query(), steps); !errors.Is(err, handlers.ErrWizardState) {
		t.Fatalf("another session: %v", err)
	}
	q := u.Query()
	other, _ := w.Location("s2", "/tenants/new", handlers.WizardPage{Step: 1, Sealed: page.Sealed, Errors: map[string]string{"x": "y"}})
	ou, _ := url.Parse(other)
	q.Set(handlers.WizardErrorsField, ou.Query().Get(handlers.WizardErrorsField))
	if _, err := w.Resume("s1", q, steps); !errors.Is(err, handlers.ErrWizardState) {
		t.Fatalf("messages sealed for another session: %v", err)
	}
	// A state is not accepted as messages, nor messages as a state.
	q = u.Query()
	q.Set(handlers.WizardErrorsField, q.Get(handlers.WizardStateField))
	if _, err := w.Resume("s1", q, steps); !errors.Is(err, handlers.ErrWizardState) {
		t.Fatalf("a state as messages: %v", err)
	}
	// A step beyond the furthest reached shows the furthest reached.
	q = u.Query()
	q.Set(handlers.WizardStepField, "2")
	q.Del(handlers.WizardErrorsField)
	if got, err := w.Resume("s1", q, steps); err != nil || got.Step != 1 || len(got.Errors) != 0 {
		t.Fatalf("skipping ahead by address: %+v %v", got, err)
	}
	// No state is the first page.
	if got, err := w.Resume("s1", url.Values{}, steps); err != nil || got.Step != 0 || got.Values.Get("name") != "" {
		t.Fatalf("no state: %+v %v", got, err)
	}
}

func TestASecretFieldPostedEmptyKeepsItsValue(t *testing.T) {
	w := handlers.NewWizard([]byte(strings.Repeat("s", 32)))
	steps := []handlers.WizardStep{{Name: "admin", Fields: []string{"user", "password"}, Secret: []string{"password"}}, {Name: "review"}}
	start, _ := w.Start("s1", nil)
	post := func(sealed string, form url.Values) handlers.WizardPage {
		t.Helper()
		form.Set(handlers.WizardStateField, sealed)
		form.Set(handlers.WizardStepField, "0")
		p, err := w.Advance("s1", form, steps)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := post(start.Sealed, url.Values{"user": {"ops"}, "password": {"first secret"}})
	p = post(p.Sealed, url.Values{"user": {"ops2"}, "password": {""}})
	if p.Values.Get("password") != "first secret" || p.Values.Get("user") != "ops2" {
		t.Fatalf("kept: %v", p.Values)
	}
	p = post(p.Sealed, url.Values{"user": {""}, "password": {"second secret"}})
	if p.Values.Get("password") != "second secret" || p.Values.Get("user") != "" {
		t.Fatalf("replaced: %v", p.Values)
	}
	// A step that fails its check drops its secrets.
	steps[0].Check = func(v url.Values) map[string]string {
		if v.Get("user") == "" {
			return map[string]string{"user": "Enter it."}
		}
		return nil
	}
	p = post(p.Sealed, url.Values{"user": {""}, "password": {"third secret"}})
	if len(p.Errors) == 0 || p.Values.Has("password") {
		t.Fatalf("a failed step kept its secret: %v", p.Values)
	}
}
