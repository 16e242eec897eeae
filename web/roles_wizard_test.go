package web_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// roleStep is one page of the create-role wizard as a browser got it.
type roleStep struct {
	status int
	step   string // data-step: details, levels, groups, review
	doc    *goquery.Document
	res    *http.Response
	loc    string // the address the page was got at, after a redirect
}

func (p roleStep) hidden(name string) string {
	return p.doc.Find(`input[type="hidden"][name="`+name+`"]`).AttrOr("value", "")
}

func (p roleStep) fieldError(field string) string {
	return strings.TrimSpace(p.doc.Find(`[id="error-` + field + `"]`).Text())
}

func (b *browser) readRoleStep(res *http.Response) roleStep {
	b.c.t.Helper()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.c.t.Fatal(err)
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	d, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		b.c.t.Fatal(err)
	}
	return roleStep{status: res.StatusCode, step: d.Find(`[data-testid="role-wizard"]`).AttrOr("data-step", ""), doc: d, res: res}
}

// roleWizardPost posts fields over the sealed state and step of page p (its
// form as shown, hidden fields and choices), by button action, and follows a
// redirect to another step as a browser would. A redirect elsewhere is
// returned as is (doc nil).
func (b *browser) roleWizardPost(host string, p roleStep, action string, fields url.Values) roleStep {
	b.c.t.Helper()
	form := url.Values{}
	p.doc.Find(`[data-testid="wizard-form"] input`).Each(func(_ int, s *goquery.Selection) {
		name, typ := s.AttrOr("name", ""), s.AttrOr("type", "text")
		switch {
		case name == "":
		case typ == "radio" || typ == "checkbox":
			if _, checked := s.Attr("checked"); checked {
				form.Set(name, s.AttrOr("value", ""))
			}
		default:
			form.Set(name, s.AttrOr("value", ""))
		}
	})
	p.doc.Find(`[data-testid="wizard-form"] textarea`).Each(func(_ int, s *goquery.Selection) { form.Set(s.AttrOr("name", ""), s.Text()) })
	p.doc.Find(`[data-testid="wizard-form"] select`).Each(func(_ int, s *goquery.Selection) {
		form.Set(s.AttrOr("name", ""), s.Find("option[selected]").AttrOr("value", ""))
	})
	form.Set("_action", action)
	for k, v := range fields {
		form[k] = v
	}
	return b.followRoleWizard(host, b.post(host, "/roles/new", form))
}

func (b *browser) followRoleWizard(host string, res *http.Response) roleStep {
	b.c.t.Helper()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/roles/new?") {
		if res.StatusCode == http.StatusSeeOther {
			return roleStep{status: res.StatusCode, res: res}
		}
		return b.readRoleStep(res)
	}
	p := b.readRoleStep(b.get(host, loc))
	p.loc = loc
	return p
}

// startRoleWizard opens /roles/new on host.
func (b *browser) startRoleWizard(host string) roleStep {
	b.c.t.Helper()
	return b.readRoleStep(b.get(host, "/roles/new"))
}

// createRole walks the create-role wizard on host with form (the fields of
// every step at once; each step takes its own) and answers with the
// response it ends on: the creation's redirect, or the page of the step
// that refused (422), or a refusal of the route (403).
func (b *browser) createRole(host string, form url.Values) *http.Response {
	b.c.t.Helper()
	p := b.startRoleWizard(host)
	for i := 0; i < 4; i++ {
		if p.status != http.StatusOK {
			return p.res
		}
		action := "next"
		if p.step == "review" {
			action = "finish"
		}
		fields := url.Values{}
		for k, v := range form {
			if k != "_csrf" {
				fields[k] = v
			}
		}
		p = b.roleWizardPost(host, p, action, fields)
		if p.doc == nil {
			return p.res
		}
	}
	return p.res
}

// roleLevelsStep walks the wizard on host past its details, with name, to
// the feature levels.
func (b *browser) roleLevelsStep(host, name string) roleStep {
	b.c.t.Helper()
	p := b.roleWizardPost(host, b.startRoleWizard(host), "next", url.Values{"name": {name}})
	if p.step != "levels" {
		b.c.t.Fatalf("after the details: step %q (%d) %s", p.step, p.status, p.doc.Find(".field-error, [data-testid=form-error]").Text())
	}
	return p
}
