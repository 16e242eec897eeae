package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"landlord/models"
	"landlord/models/storetest"
)

// A password typed into a form is never sent back: a refused step, a
// refused creation and a refused reset show the password fields empty (no
// value at all), the typed text nowhere in the page, and a note by the
// field saying why.

// typedPassword is long enough to pass every check but the one a test
// breaks, and distinctive enough to find anywhere in a page.
const typedPassword = "Typed Secret Phrase 4711"

// refusedPage is a page read whole: its text, to look for the password in,
// and its document.
type refusedPage struct {
	status int
	body   string
	doc    *goquery.Document
}

func readPage(t testing.TB, res *http.Response) refusedPage {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	d, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return refusedPage{status: res.StatusCode, body: string(b), doc: d}
}

// keepsNoPassword fails unless the page holds no password: no password
// input with a value, typed nowhere in the body (the sealed wizard state
// and the address included), and, when note, the note by field.
func keepsNoPassword(t *testing.T, what string, body string, d *goquery.Document, typed, field string, note bool) {
	t.Helper()
	d.Find(`input[type="password"]`).Each(func(_ int, s *goquery.Selection) {
		if v, has := s.Attr("value"); has {
			t.Errorf("%s: the password field %s has value=%q", what, s.AttrOr("name", ""), v)
		}
	})
	if strings.Contains(body, typed) {
		t.Errorf("%s: the page holds the typed password", what)
	}
	if d.Find(`input[type="password"]`).Length() == 0 {
		t.Errorf("%s: no password field to type it again", what)
	}
	by := d.Find("#field-" + field).NextAllFiltered(`[data-testid="password-not-kept"]`)
	if note && (by.Length() != 1 || !strings.Contains(by.Text(), "enter it again")) {
		t.Errorf("%s: no note by %s that the password is not kept", what, field)
	}
	if !note && d.Find(`[data-testid="password-not-kept"]`).Length() != 0 {
		t.Errorf("%s: a note that a password was dropped, where none was", what)
	}
}

// postPage is w.post, with the page read whole.
func (w *userWizard) postPage(action string, fields url.Values) refusedPage {
	w.b.c.t.Helper()
	res := w.b.post(w.host, w.prefix+"/users/new", w.form(action, fields))
	p := readPage(w.b.c.t, res)
	if p.status == http.StatusOK || p.status == http.StatusUnprocessableEntity {
		w.read(p.doc)
	}
	return p
}

func TestAUserWizardStepRefusedSendsNoPasswordBack(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		role := itoa(c.roleID("acme", models.AdminRoleName))
		for name, f := range map[string]struct {
			fields url.Values
			field  string // the field whose message the step shows
		}{
			"too short":        {url.Values{"role": {role}, "password": {"Sh0rt!x"}, "password_confirm": {"Sh0rt!x"}}, "password"},
			"differing":        {url.Values{"role": {role}, "password": {typedPassword}, "password_confirm": {typedPassword + "!"}}, "password_confirm"},
			"no role":          {url.Values{"role": {""}, "password": {typedPassword}, "password_confirm": {typedPassword}}, "role"},
			"a role of beta's": {url.Values{"role": {itoa(c.roleID("beta", models.AdminRoleName))}, "password": {typedPassword}, "password_confirm": {typedPassword}}, "role"},
		} {
			w := admin.startUserWizard("acme.localhost", "")
			if res := w.post("next", identity("jane")); res.StatusCode != http.StatusOK || w.step != "1" {
				t.Fatalf("identity: %d", res.StatusCode)
			}
			p := w.postPage("next", f.fields)
			if p.status != http.StatusUnprocessableEntity || w.step != "1" || w.fieldError(f.field) == "" {
				t.Fatalf("%s: %d step %s, %s says %q", name, p.status, w.step, f.field, w.fieldError(f.field))
			}
			typed := f.fields.Get("password")
			keepsNoPassword(t, name, p.body, p.doc, typed, "password", true)
			if f.field != "role" && p.doc.Find(`[data-testid="field-role"] option[selected]`).AttrOr("value", "") != role {
				t.Errorf("%s: the role chosen was not kept", name)
			}
			// The password is not kept unseen either: Next with the fields
			// empty asks for it.
			again := w.postPage("next", url.Values{"role": {role}})
			if again.status != http.StatusUnprocessableEntity || w.fieldError("password") == "" {
				t.Fatalf("%s: the dropped password was kept: %d step %s", name, again.status, w.step)
			}
			// Typed again, it goes on, with the first step's values kept.
			if res := w.post("next", access(c.roleID("acme", models.AdminRoleName))); res.StatusCode != http.StatusOK || w.step != "2" {
				t.Fatalf("%s: typed again: %d step %s", name, res.StatusCode, w.step)
			}
			if w.last.Find(`[data-testid="review-name"]`).Text() != "Jane Doe" || w.last.Find(`[data-testid="review-email"]`).Text() != "jane@example.test" {
				t.Fatalf("%s: the identity was not kept", name)
			}
		}
	})
}

func TestTheUserWizardKeepsAPasswordThatPassedUnseenAndDropsItWhenTheCreationIsRefused(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		role := c.roleID("acme", models.AdminRoleName)
		fields := access(role)
		fields.Set("password", typedPassword)
		fields.Set("password_confirm", typedPassword)

		// Back from the review: kept, not shown; Next with the fields empty.
		w := admin.startUserWizard("acme.localhost", "")
		w.post("next", identity("jane"))
		if p := w.postPage("next", fields); p.status != http.StatusOK || w.step != "2" || strings.Contains(p.body, typedPassword) {
			t.Fatalf("to the review: %d step %s", p.status, w.step)
		}
		back := w.postPage("back", nil)
		if w.step != "1" || back.doc.Find(`[data-testid="password-kept"]`).Length() != 1 {
			t.Fatalf("back from the review: step %s, no note that the password is kept", w.step)
		}
		keepsNoPassword(t, "back from the review", back.body, back.doc, typedPassword, "password", false)
		if p := w.postPage("next", url.Values{"role": {itoa(role)}}); p.status != http.StatusOK || w.step != "2" {
			t.Fatalf("next with the password kept: %d step %s %s", p.status, w.step, w.fieldError("password"))
		}
		if res := w.post("finish", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", res.StatusCode)
		}
		if res := c.browser().login("acme.localhost", "jane", typedPassword); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("jane signs in with the kept password: %d", res.StatusCode)
		}

		// Refused at the end (the username taken meanwhile): the identity
		// step again, and the password dropped, to be typed again.
		w = admin.startUserWizard("acme.localhost", "")
		w.post("next", identity("joe"))
		w.post("next", fields)
		if _, err := c.store.CreateUser(c.inTenant("acme"), models.NewUser{Username: "joe", Password: storetest.Password, RoleID: role}); err != nil {
			t.Fatal(err)
		}
		refused := w.postPage("finish", nil)
		if refused.status != http.StatusUnprocessableEntity || w.step != "0" || !strings.Contains(w.fieldError("username"), "taken") {
			t.Fatalf("a refused creation: %d step %s %q", refused.status, w.step, w.fieldError("username"))
		}
		if strings.Contains(refused.body, typedPassword) {
			t.Fatal("the refused creation's page holds the password")
		}
		renamed := identity("joe2")
		access := w.postPage("next", renamed)
		if w.step != "1" || access.doc.Find(`[data-testid="password-kept"]`).Length() != 0 {
			t.Fatalf("after the refusal: step %s, the password still said kept", w.step)
		}
		keepsNoPassword(t, "the access step after the refusal", access.body, access.doc, typedPassword, "password", true)
		if p := w.postPage("next", url.Values{"role": {itoa(role)}}); p.status != http.StatusUnprocessableEntity {
			t.Fatalf("the dropped password was kept: %d step %s", p.status, w.step)
		}
		if p := w.postPage("next", fields); p.status != http.StatusOK || w.step != "2" {
			t.Fatalf("typed again: %d", p.status)
		}
		if res := w.post("finish", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create joe2: %d", res.StatusCode)
		}
	})
}

func TestATenantWizardAdminStepRefusedSendsNoPasswordBack(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("localhost", "root@example.com")
		review := b.toReview("gamma")
		adminStep := b.followWizard(b.get("localhost", review.doc.Find(`[data-testid="review-change-3"]`).AttrOr("href", "")))
		if adminStep.step != "admin" {
			t.Fatalf("the admin step: %q", adminStep.step)
		}
		for name, f := range map[string]struct {
			fields url.Values
			field  string
		}{
			"differing":               {url.Values{"admin_password": {typedPassword}, "admin_password_confirm": {typedPassword + "!"}}, "admin_password_confirm"},
			"bad email":               {url.Values{"admin_email": {"not an address"}, "admin_password": {typedPassword}, "admin_password_confirm": {typedPassword}}, "admin_email"},
			"kept, then bad username": {url.Values{"admin_username": {"has space"}}, "admin_username"},
		} {
			p := b.wizardPost(adminStep, "next", f.fields)
			if p.status != http.StatusUnprocessableEntity || p.step != "admin" || p.fieldError(f.field) == "" {
				t.Fatalf("%s: %d step %s %q", name, p.status, p.step, p.fieldError(f.field))
			}
			keepsNoPassword(t, name, p.body, p.doc, typedPassword, "admin_password", true)
			keepsNoPassword(t, name+" (the first password)", p.body, p.doc, password, "admin_password", true)
			if p.doc.Find(`[data-testid="password-kept"]`).Length() != 0 {
				t.Errorf("%s: the refused step says a password is kept", name)
			}
			if want := f.fields.Get("admin_username"); want != "" && p.value("admin_username") != want {
				t.Errorf("%s: the username typed was not kept: %q", name, p.value("admin_username"))
			}
			if p.value("admin_username") == "" {
				t.Errorf("%s: the admin's username was lost", name)
			}
			// Not kept unseen: Next with the fields empty asks for it.
			fixed := url.Values{"admin_username": {"ops"}, "admin_email": {"ops@gamma.example"}}
			if again := b.wizardPost(p, "next", fixed); again.step != "admin" || again.fieldError("admin_password") == "" {
				t.Fatalf("%s: the dropped password was kept: step %s", name, again.step)
			}
		}
		// Refused at the end: the password is dropped too, and said so.
		p := b.wizardPost(adminStep, "next", url.Values{"admin_password": {typedPassword}, "admin_password_confirm": {typedPassword}})
		if p.step != "review" {
			t.Fatalf("to the review: %s %s", p.step, p.doc.Find(".field-error").Text())
		}
		if _, err := c.store.CreateTenant(storetest.System(context.Background()), models.NewTenant{Subdomain: "gamma", Name: "First"}); err != nil {
			t.Fatal(err)
		}
		p = b.wizardPost(p, "finish", nil)
		if p.step != "details" || strings.Contains(p.body, typedPassword) {
			t.Fatalf("the refused creation: step %s", p.step)
		}
		p = b.wizardPost(p, "next", url.Values{"subdomain": {"gamma2"}})
		for p.step != "admin" && p.status == http.StatusOK {
			p = b.wizardPost(p, "next", nil)
		}
		if p.step != "admin" {
			t.Fatalf("on to the admin step: %s %d", p.step, p.status)
		}
		keepsNoPassword(t, "the admin step after the refusal", p.body, p.doc, typedPassword, "admin_password", true)
		if p.value("admin_username") != "ops" {
			t.Fatalf("the admin's username was lost: %q", p.value("admin_username"))
		}
	})
}

func TestARefusedPasswordResetSendsNoPasswordBack(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("acme", "bob", models.Permissions{})
		bob := itoa(c.userNamed("acme", "bob"))
		for _, who := range []struct {
			b          *browser
			host, path string
		}{
			{c.browser(), "acme.localhost", "/users/" + bob + "/password"},
			{c.browser(), "localhost", "/tenants/acme/users/" + bob + "/password"},
		} {
			if who.host == "localhost" {
				who.b.signedIn("localhost", "root@example.com")
			} else {
				who.b.signedIn("acme.localhost", "admin@acme.example")
			}
			_, tok := who.b.open(who.host, who.path)
			for name, f := range map[string]struct {
				pw, confirm, field string
			}{
				"differing": {typedPassword, typedPassword + "!", "password_confirm"},
				"too short": {"Sh0rt!x", "Sh0rt!x", "password"},
			} {
				p := readPage(t, who.b.post(who.host, who.path, url.Values{"_csrf": {tok}, "password": {f.pw}, "password_confirm": {f.confirm}}))
				if p.status != http.StatusUnprocessableEntity || strings.TrimSpace(p.doc.Find("#error-"+f.field).Text()) == "" {
					t.Fatalf("%s %s: %d %q", who.path, name, p.status, p.doc.Find("#error-"+f.field).Text())
				}
				keepsNoPassword(t, who.path+" "+name, p.body, p.doc, f.pw, "password", true)
			}
		}
		if res := c.browser().login("acme.localhost", "bob", password); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("bob's password changed: %d", res.StatusCode)
		}
	})
}
