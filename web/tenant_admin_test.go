package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"landlord/models"
	"landlord/models/storetest"
)

// wizardPage is one page of the create-tenant wizard as a browser got it.
type wizardPage struct {
	status int
	step   string // data-step: details, limits, account, admin, review
	doc    *goquery.Document
	body   string
}

func (p wizardPage) hidden(name string) string {
	return p.doc.Find(`input[type="hidden"][name="`+name+`"]`).AttrOr("value", "")
}

func (p wizardPage) fieldError(field string) string {
	return strings.TrimSpace(p.doc.Find("#error-" + field).Text())
}

func (p wizardPage) value(field string) string {
	return p.doc.Find(`[data-testid="field-`+field+`"]`).AttrOr("value", "")
}

func readWizard(t testing.TB, res *http.Response) wizardPage {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	d, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return wizardPage{status: res.StatusCode, step: d.Find(`[data-testid="tenant-wizard"]`).AttrOr("data-step", ""), doc: d, body: string(b)}
}

// startTenantWizard opens /tenants/new on the base domain.
func (b *browser) startTenantWizard() wizardPage {
	b.c.t.Helper()
	p := readWizard(b.c.t, b.get("localhost", "/tenants/new"))
	if p.status != http.StatusOK || p.step != "details" {
		b.c.t.Fatalf("GET /tenants/new: %d, step %q", p.status, p.step)
	}
	return p
}

// shown is what the page's form would post as it is: its inputs' values
// (hidden ones included, passwords empty), the checked radio, each select's
// chosen option and each textarea's text.
func (p wizardPage) shown() url.Values {
	form := url.Values{}
	f := p.doc.Find(`[data-testid="wizard-form"]`)
	f.Find("input").Each(func(_ int, s *goquery.Selection) {
		name, typ := s.AttrOr("name", ""), s.AttrOr("type", "text")
		switch {
		case name == "":
		case typ == "radio":
			if _, checked := s.Attr("checked"); checked {
				form.Set(name, s.AttrOr("value", ""))
			}
		default:
			form.Set(name, s.AttrOr("value", ""))
		}
	})
	f.Find("textarea").Each(func(_ int, s *goquery.Selection) { form.Set(s.AttrOr("name", ""), s.Text()) })
	f.Find("select").Each(func(_ int, s *goquery.Selection) {
		form.Set(s.AttrOr("name", ""), s.Find("option[selected]").AttrOr("value", s.Find("option").First().AttrOr("value", "")))
	})
	return form
}

// wizardPost posts the page's form as shown, with fields typed over it, by
// the button action; a redirect to another step is followed, as a browser would.
func (b *browser) wizardPost(p wizardPage, action string, fields url.Values) wizardPage {
	b.c.t.Helper()
	form := p.shown()
	form.Set("_action", action)
	for k, v := range fields {
		form[k] = v
	}
	return b.followWizard(b.post("localhost", "/tenants/new", form))
}

// followWizard follows a wizard's redirect to the step it names; a redirect
// elsewhere (the new tenant's page) is returned as is, with its Location as
// the body.
func (b *browser) followWizard(res *http.Response) wizardPage {
	b.c.t.Helper()
	if res.StatusCode != http.StatusSeeOther {
		return readWizard(b.c.t, res)
	}
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "/tenants/new?") {
		return wizardPage{status: res.StatusCode, body: loc}
	}
	next := readWizard(b.c.t, b.get("localhost", loc))
	if next.status != http.StatusOK && next.status != http.StatusUnprocessableEntity {
		b.c.t.Fatalf("GET %s: %d", loc, next.status)
	}
	return next
}

var gammaDetails = url.Values{"name": {"Gamma Ltd"}, "subdomain": {"gamma"}, "description": {"The third one"}, "currency": {"EUR"}}

// toReview walks the wizard to its review page for subdomain.
func (b *browser) toReview(subdomain string) wizardPage {
	b.c.t.Helper()
	p := b.startTenantWizard()
	details := url.Values{}
	for k, v := range gammaDetails {
		details[k] = v
	}
	details.Set("subdomain", subdomain)
	details.Set("tenant_role", p.doc.Find(`[data-testid="field-tenant_role"] option[selected]`).AttrOr("value", ""))
	for _, step := range []struct {
		want   string
		fields url.Values
	}{
		{"details", details},
		{"limits", url.Values{"max_users": {"5"}, "max_resources": {""}}},
		{"account", url.Values{"account_number": {"AC-7"}, "account_name": {"Gamma Billing"}, "customer_number": {""}}},
		{"admin", url.Values{"admin": {"create"}, "admin_username": {"ops"}, "admin_email": {"ops@" + subdomain + ".example"},
			"admin_password": {password}, "admin_password_confirm": {password}}},
	} {
		if p.step != step.want {
			b.c.t.Fatalf("at %q, want %q: %s", p.step, step.want, p.doc.Find(".field-error").Text())
		}
		p = b.wizardPost(p, "next", step.fields)
	}
	if p.step != "review" {
		b.c.t.Fatalf("after the admin step: %q (%d) %s", p.step, p.status, p.doc.Find(".field-error").Text())
	}
	return p
}

func TestTheCreateWizardChecksEachStepKeepsWhatWasTypedAndCreatesOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("localhost", "root@example.com")
		p := b.startTenantWizard()
		if p.value("subdomain") != "" || p.doc.Find(`[data-testid="field-currency"] option[selected]`).AttrOr("value", "") != "USD" {
			t.Fatal("the first page does not start empty with USD")
		}
		role := p.doc.Find(`[data-testid="field-tenant_role"] option[selected]`).AttrOr("value", "")

		// A taken subdomain is caught on the details page already.
		taken := b.wizardPost(p, "next", url.Values{"name": {"Another Acme"}, "subdomain": {"acme"}, "tenant_role": {role}, "currency": {"EUR"}})
		if taken.status != http.StatusUnprocessableEntity || taken.step != "details" || taken.fieldError("subdomain") != "That subdomain is taken." {
			t.Fatalf("taken subdomain: %d %q %q", taken.status, taken.step, taken.fieldError("subdomain"))
		}
		if taken.value("name") != "Another Acme" {
			t.Fatal("the refused page lost the name typed")
		}
		for sub, want := range map[string]string{"www": "reserved", "new": "reserved", "Bad_One": "Use lowercase"} {
			r := b.wizardPost(taken, "next", url.Values{"name": {"X"}, "subdomain": {sub}, "tenant_role": {role}, "currency": {"EUR"}})
			if r.step != "details" || !strings.Contains(r.fieldError("subdomain"), want) {
				t.Errorf("subdomain %q: %q", sub, r.fieldError("subdomain"))
			}
		}
		// A currency or tenant role not on the lists is refused.
		r := b.wizardPost(taken, "next", url.Values{"name": {"X"}, "subdomain": {"gamma"}, "tenant_role": {"999999"}, "currency": {"XAU"}})
		if r.fieldError("tenant_role") == "" || r.fieldError("currency") == "" {
			t.Fatalf("bad choices: %q %q", r.fieldError("tenant_role"), r.fieldError("currency"))
		}

		details := url.Values{"tenant_role": {role}}
		for k, v := range gammaDetails {
			details[k] = v
		}
		limits := b.wizardPost(taken, "next", details)
		if limits.step != "limits" || !strings.Contains(limits.doc.Find(`[data-testid="limits-hint"]`).Text(), "0 or empty means no limit") {
			t.Fatalf("limits page: %q", limits.step)
		}
		bad := b.wizardPost(limits, "next", url.Values{"max_users": {"many"}, "max_resources": {"-3"}})
		if bad.status != http.StatusUnprocessableEntity || bad.fieldError("max_users") == "" || bad.fieldError("max_resources") == "" || bad.value("max_users") != "many" {
			t.Fatalf("bad limits: %d %q %q", bad.status, bad.fieldError("max_users"), bad.fieldError("max_resources"))
		}
		// Back from limits keeps the details, unchecked limits and all.
		back := b.wizardPost(bad, "back", url.Values{"max_users": {"many"}, "max_resources": {"-3"}})
		if back.step != "details" || back.value("name") != "Gamma Ltd" || back.value("subdomain") != "gamma" ||
			back.doc.Find(`[data-testid="field-description"]`).Text() != "The third one" {
			t.Fatalf("back to details: %q %q", back.step, back.value("name"))
		}
		limits = b.wizardPost(back, "next", nil)
		if limits.step != "limits" || limits.value("max_users") != "many" {
			t.Fatalf("forward again: %q %q", limits.step, limits.value("max_users"))
		}
		account := b.wizardPost(limits, "next", url.Values{"max_users": {"5"}, "max_resources": {""}})
		long := b.wizardPost(account, "next", url.Values{"account_number": {strings.Repeat("9", 65)}})
		if long.fieldError("account_number") == "" {
			t.Fatal("a long account number went through")
		}
		admin := b.wizardPost(long, "next", url.Values{"account_number": {"AC-7"}, "account_name": {"Gamma Billing"}, "customer_number": {"C-1"}})
		if admin.step != "admin" {
			t.Fatalf("admin page: %q", admin.step)
		}
		differ := b.wizardPost(admin, "next", url.Values{"admin": {"create"}, "admin_username": {"ops"}, "admin_email": {"ops@gamma.example"},
			"admin_password": {password}, "admin_password_confirm": {password + "!"}})
		if differ.fieldError("admin_password_confirm") != "The two passwords differ." {
			t.Fatalf("different passwords: %q", differ.fieldError("admin_password_confirm"))
		}
		review := b.wizardPost(differ, "next", url.Values{"admin": {"create"}, "admin_username": {"ops"}, "admin_email": {"ops@gamma.example"},
			"admin_password": {password}, "admin_password_confirm": {password}})
		if review.step != "review" {
			t.Fatalf("review: %q %s", review.step, review.doc.Find(".field-error").Text())
		}
		for id, want := range map[string]string{"review-name": "Gamma Ltd", "review-subdomain": "gamma", "review-currency": "EUR · Euro",
			"review-max-users": "5", "review-max-resources": "no limit", "review-account-number": "AC-7", "review-customer-number": "C-1",
			"review-admin-username": "ops", "review-admin-email": "ops@gamma.example", "review-tenant-role": "Standard"} {
			if got := review.doc.Find(`[data-testid="` + id + `"]`).Text(); !strings.Contains(got, want) {
				t.Errorf("%s: %q, want %q", id, got, want)
			}
		}
		// Back from the review to the admin page: the password is kept, never shown.
		adminAgain := b.wizardPost(review, "back", nil)
		if adminAgain.step != "admin" || adminAgain.value("admin_username") != "ops" || adminAgain.doc.Find(`[data-testid="password-kept"]`).Length() != 1 {
			t.Fatalf("back from review: %q %q", adminAgain.step, adminAgain.value("admin_username"))
		}
		review = b.wizardPost(adminAgain, "next", url.Values{"admin": {"create"}, "admin_username": {"ops"}, "admin_email": {"ops@gamma.example"},
			"admin_password": {""}, "admin_password_confirm": {""}})
		if review.step != "review" {
			t.Fatalf("review with the kept password: %q %s", review.step, review.doc.Find(".field-error").Text())
		}
		for _, page := range []wizardPage{p, limits, account, admin, differ, adminAgain, review} {
			if strings.Contains(page.body, password) {
				t.Fatalf("the %s page shows the password", page.step)
			}
		}

		form := url.Values{"_csrf": {review.hidden("_csrf")}, "_wizard": {review.hidden("_wizard")}, "_step": {review.hidden("_step")}, "_action": {"finish"}}
		res := b.post("localhost", "/tenants/new", form)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tenants/gamma" {
			t.Fatalf("create: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		d := doc(t, b.get("localhost", "/tenants/gamma"))
		if !strings.Contains(d.Find(`[data-testid="flash"]`).Text(), "gamma created") || d.Find(`[data-testid="tenant-user-row"]`).AttrOr("data-username", "") != "ops" {
			t.Fatalf("after create: %q", d.Find(`[data-testid="flash"]`).Text())
		}
		gamma := c.browser()
		gamma.signedIn("gamma.localhost", "ops@gamma.example")
		if actions := auditActions(t, c, "gamma"); len(actions) == 0 || actions[len(actions)-1] != models.ActionUserCreate {
			t.Fatalf("gamma's log: %v", actions)
		}
		if actions := auditActions(t, c, models.MasterSubdomain); actions[0] != models.ActionTenantCreate {
			t.Fatalf("master's log: %v", actions)
		}
		// The same review page posted again (the browser's Back, then the
		// button): the commit refuses and the details page says why.
		again := b.followWizard(b.post("localhost", "/tenants/new", form))
		if again.status != http.StatusUnprocessableEntity || again.step != "details" || again.fieldError("subdomain") != "That subdomain is taken." {
			t.Fatalf("second create: %d %q %q", again.status, again.step, again.fieldError("subdomain"))
		}
	})
}

func TestTheWizardCanCreateATenantWithoutAnAdmin(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("localhost", "root@example.com")
		p := b.startTenantWizard()
		role := p.doc.Find(`[data-testid="field-tenant_role"] option[selected]`).AttrOr("value", "")
		p = b.wizardPost(p, "next", url.Values{"name": {"Solo"}, "subdomain": {"solo"}, "tenant_role": {role}, "currency": {"USD"}})
		p = b.wizardPost(p, "next", nil)
		p = b.wizardPost(p, "next", nil)
		p = b.wizardPost(p, "next", url.Values{"admin": {"none"}, "admin_username": {""}})
		if p.step != "review" || p.doc.Find(`[data-testid="review-no-admin"]`).Length() != 1 {
			t.Fatalf("review without an admin: %q", p.step)
		}
		p = b.wizardPost(p, "finish", nil)
		if p.status != http.StatusSeeOther || p.body != "/tenants/solo" {
			t.Fatalf("create: %d %q", p.status, p.body)
		}
		d := doc(t, b.get("localhost", "/tenants/solo"))
		if d.Find(`[data-testid="tenant-user-row"]`).Length() != 0 || !strings.Contains(d.Find(`[data-testid="usage-users-text"]`).Text(), "0 (no limit)") {
			t.Fatal("a tenant created without an admin has users or a limit")
		}
	})
}

func TestACommitRefusalReopensTheStepOwningTheField(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("localhost", "root@example.com")
		review := b.toReview("gamma")
		// Someone else takes the subdomain meanwhile.
		if _, err := c.store.CreateTenant(storetest.System(context.Background()), models.NewTenant{Subdomain: "gamma", Name: "First"}); err != nil {
			t.Fatal(err)
		}
		p := b.wizardPost(review, "finish", nil)
		if p.status != http.StatusUnprocessableEntity || p.step != "details" || p.fieldError("subdomain") != "That subdomain is taken." || p.value("name") != "Gamma Ltd" {
			t.Fatalf("commit refused: %d %q %q", p.status, p.step, p.fieldError("subdomain"))
		}
		// A new subdomain, and on through the kept steps to a successful create.
		p = b.wizardPost(p, "next", url.Values{"name": {"Gamma Ltd"}, "subdomain": {"gamma2"}, "description": {""}, "currency": {"EUR"},
			"tenant_role": {p.doc.Find(`[data-testid="field-tenant_role"] option[selected]`).AttrOr("value", "")}})
		for p.step != "admin" && p.status == http.StatusOK {
			p = b.wizardPost(p, "next", nil)
		}
		// The refusal dropped the password: the admin step asks for it again,
		// everything else kept.
		if p.step != "admin" || p.value("admin_username") != "ops" || p.doc.Find(`[data-testid="password-not-kept"]`).Length() != 1 {
			t.Fatalf("the admin step after the refusal: %q %q", p.step, p.value("admin_username"))
		}
		p = b.wizardPost(p, "next", url.Values{"admin_password": {password}, "admin_password_confirm": {password}})
		if got := p.doc.Find(`[data-testid="review-admin-username"]`).Text(); p.step != "review" || got != "ops" {
			t.Fatalf("the admin step's values were lost: %q", got)
		}
		if p = b.wizardPost(p, "finish", nil); p.status != http.StatusSeeOther || p.body != "/tenants/gamma2" {
			t.Fatalf("create: %d %q", p.status, p.body)
		}
	})
}

func TestTwoPeopleCreatingOneSubdomainAtOnceGetOneTenantAndOneMessage(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		if _, err := c.store.SetAdminPassword(storetest.System(context.Background()), models.MasterSubdomain, "second@example.com", password); err != nil {
			t.Fatal(err)
		}
		people := []*browser{c.browser(), c.browser()}
		people[0].signedIn("localhost", "root@example.com")
		people[1].signedIn("localhost", "second@example.com")
		reviews := []wizardPage{people[0].toReview("gamma"), people[1].toReview("gamma")}
		results := make([]wizardPage, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range people {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				results[i] = people[i].wizardPost(reviews[i], "finish", nil)
			}()
		}
		close(start)
		wg.Wait()
		created, refused := 0, 0
		for _, r := range results {
			switch {
			case r.status == http.StatusSeeOther && r.body == "/tenants/gamma":
				created++
			case r.status == http.StatusUnprocessableEntity && r.step == "details" && r.fieldError("subdomain") == "That subdomain is taken.":
				refused++
			default:
				t.Errorf("a create answered %d %q %q", r.status, r.step, r.body)
			}
		}
		if created != 1 || refused != 1 {
			t.Fatalf("%d created, %d refused", created, refused)
		}
		n := 0
		for _, s := range storetest.Column(t, c.store, "tenants", "subdomain") {
			if s == "gamma" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d tenants gamma", n)
		}
	})
}

func TestAWizardStateOnlyOpensInTheSessionThatMadeIt(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		if _, err := c.store.SetAdminPassword(storetest.System(context.Background()), models.MasterSubdomain, "second@example.com", password); err != nil {
			t.Fatal(err)
		}
		a, other := c.browser(), c.browser()
		a.signedIn("localhost", "root@example.com")
		other.signedIn("localhost", "second@example.com")
		review := a.toReview("gamma")
		form := url.Values{"_csrf": {other.csrfOf("localhost")}, "_wizard": {review.hidden("_wizard")}, "_step": {"4"}, "_action": {"finish"}}
		p := readWizard(t, other.post("localhost", "/tenants/new", form))
		if p.status != http.StatusBadRequest || p.step != "details" || !strings.Contains(p.doc.Find(`[data-testid="form-error"]`).Text(), "Start again") {
			t.Fatalf("another session's state: %d %q", p.status, p.step)
		}
		// Nor by address: the link of a step shows a fresh wizard elsewhere.
		link := review.doc.Find(`[data-testid="review-change-0"]`).AttrOr("href", "")
		if link == "" {
			t.Fatal("no link to the details step")
		}
		p = readWizard(t, other.get("localhost", link))
		if p.value("subdomain") != "" || !strings.Contains(p.doc.Find(`[data-testid="form-error"]`).Text(), "Start again") {
			t.Fatal("another session opened the wizard's state by its address")
		}
		if p = readWizard(t, a.get("localhost", link)); p.step != "details" || p.value("subdomain") != "gamma" {
			t.Fatalf("its own session: %q %q", p.step, p.value("subdomain"))
		}
		if _, err := c.store.TenantBySubdomain(context.Background(), "gamma"); err == nil {
			t.Fatal("a tenant was created")
		}
	})
}

// tenantRoutes are the master's tenant routes this work adds, with the level
// each needs; :s is the subdomain.
var tenantRoutes = []struct {
	method, path string
	level        models.Level
}{
	{http.MethodGet, "/tenants/new", models.LevelFull},
	{http.MethodPost, "/tenants/new", models.LevelFull},
	{http.MethodGet, "/tenants/:s", models.LevelRead},
	{http.MethodGet, "/tenants/:s/edit", models.LevelFull},
	{http.MethodPost, "/tenants/:s/edit", models.LevelFull},
	{http.MethodGet, "/tenants/:s/disable", models.LevelFull},
	{http.MethodPost, "/tenants/:s/disable", models.LevelFull},
	{http.MethodPost, "/tenants/:s/enable", models.LevelFull},
	{http.MethodGet, "/tenants/:s/delete", models.LevelFull},
	{http.MethodPost, "/tenants/:s/delete", models.LevelFull},
}

func TestTenantPagesAreTheMastersAtTheirLevelAndTellNothingToOthers(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("master", "reader", models.Permissions{models.FeatureTenants: models.LevelRead})
		acmeAdmin, reader, master := c.browser(), c.browser(), c.browser()
		acmeAdmin.signedIn("acme.localhost", "admin@acme.example")
		reader.signedIn("localhost", "reader")
		master.signedIn("localhost", "root@example.com")
		acmeTok, readerTok := acmeAdmin.csrfOf("acme.localhost"), reader.csrfOf("localhost")
		form := func(tok string) url.Values {
			return url.Values{"_csrf": {tok}, "confirm": {"acme"}, "version": {"1"}, "name": {"x"}}
		}
		send := func(b *browser, method, host, path, tok string) *http.Response {
			if method == http.MethodPost {
				return b.post(host, path, form(tok))
			}
			return b.get(host, path)
		}
		for _, r := range tenantRoutes {
			name := r.method + " " + r.path
			for _, sub := range []string{"acme", "beta", "master", "nosuch"} {
				path := strings.ReplaceAll(r.path, ":s", sub)
				// On a tenant's host these pages do not exist, whatever the subdomain asked for.
				if res := send(acmeAdmin, r.method, "acme.localhost", path, acmeTok); res.StatusCode != http.StatusNotFound {
					t.Errorf("%s (%s) on acme's host: %d, want 404", name, sub, res.StatusCode)
				}
			}
			path := strings.ReplaceAll(r.path, ":s", "acme")
			res := send(reader, r.method, "localhost", path, readerTok)
			want := http.StatusForbidden
			if r.level == models.LevelRead {
				want = http.StatusOK
			}
			if res.StatusCode != want {
				t.Errorf("%s as a tenants: read master user: %d, want %d", name, res.StatusCode, want)
			}
			// A guessed subdomain is a plain 404 for the master too.
			if !strings.HasSuffix(r.path, "/new") {
				if res := send(master, r.method, "localhost", strings.ReplaceAll(r.path, ":s", "nosuch"), master.csrfOf("localhost")); res.StatusCode != http.StatusNotFound {
					t.Errorf("%s for an unknown subdomain: %d, want 404", name, res.StatusCode)
				}
			}
			// Without the session's CSRF token no POST goes through.
			if r.method == http.MethodPost {
				if res := master.post("localhost", path, form("forged")); res.StatusCode != http.StatusForbidden {
					t.Errorf("%s without the CSRF token: %d, want 403", name, res.StatusCode)
				}
				if res := master.post("localhost", path, form(master.csrfOf("localhost")), "Origin", "http://acme.localhost:"+c.url.Port()); res.StatusCode != http.StatusForbidden {
					t.Errorf("%s from another origin: %d, want 403", name, res.StatusCode)
				}
			}
		}
		// The reader sees the tenant but no buttons to change it.
		d := doc(t, reader.get("localhost", "/tenants/acme"))
		if d.Find(`[data-testid="tenant-detail"]`).Length() != 1 || d.Find(`[data-testid="tenant-actions"]`).Length() != 0 {
			t.Fatal("the reader's tenant page")
		}
		if d := doc(t, reader.get("localhost", "/tenants")); d.Find(`[data-testid="tenant-new"]`).Length() != 0 {
			t.Fatal("the reader is offered to create a tenant")
		}
		// Nothing the refused requests asked for happened.
		acme, err := c.store.TenantBySubdomain(context.Background(), "acme")
		if err != nil || !acme.Enabled || acme.Name != "Acme Corp" {
			t.Fatalf("acme after the refused requests: %+v %v", acme, err)
		}
	})
}

func TestTheTenantPageShowsDetailsUsageAgainstLimitsAndFirstUsers(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		for i := range 12 {
			c.limitedUser("acme", fmt.Sprintf("user%02d", i), models.Permissions{})
		}
		acme, _ := c.store.TenantBySubdomain(context.Background(), "acme")
		ch := acme.Changes()
		ch.MaxUsers, ch.AccountNumber, ch.Currency = 50, "AC-1", "CHF"
		if _, err := c.store.UpdateTenant(storetest.System(context.Background()), "acme", acme.Version, ch); err != nil {
			t.Fatal(err)
		}
		b := c.browser()
		b.signedIn("localhost", "root@example.com")
		list := doc(t, b.get("localhost", "/tenants"))
		if href := list.Find(`[data-subdomain="acme"] [data-testid="tenant-link"]`).AttrOr("href", ""); href != "/tenants/acme" {
			t.Fatalf("the list's link: %q", href)
		}
		d := doc(t, b.get("localhost", "/tenants/acme"))
		meter := d.Find(`[data-testid="meter-users"]`)
		if meter.AttrOr("max", "") != "50" || meter.AttrOr("value", "") != "13" || d.Find(`[data-testid="usage-users-text"]`).Text() != "13 of 50" {
			t.Fatalf("users meter: max %q value %q text %q", meter.AttrOr("max", ""), meter.AttrOr("value", ""), d.Find(`[data-testid="usage-users-text"]`).Text())
		}
		if d.Find(`[data-testid="meter-resources"]`).Length() != 0 || d.Find(`[data-testid="usage-resources-text"]`).Text() != "0 (no limit)" {
			t.Fatal("resources without a limit")
		}
		for id, want := range map[string]string{"detail-tenant-role": "Standard", "detail-currency": "CHF · Swiss Franc", "detail-account-number": "AC-1"} {
			if got := strings.TrimSpace(d.Find(`[data-testid="` + id + `"]`).Text()); got != want {
				t.Errorf("%s: %q, want %q", id, got, want)
			}
		}
		if n := d.Find(`[data-testid="tenant-user-row"]`).Length(); n != 10 {
			t.Fatalf("%d users listed, want the first 10", n)
		}
		if a := d.Find(`[data-testid="tenant-all-users"]`); a.AttrOr("href", "") != "/tenants/acme/users" || !strings.Contains(a.Text(), "All 13 users") {
			t.Fatalf("all users link: %q %q", a.AttrOr("href", ""), a.Text())
		}
		// beta's users are not acme's.
		if strings.Contains(d.Text(), "admin@beta.example") {
			t.Fatal("acme's page lists a beta user")
		}
		m := doc(t, b.get("localhost", "/tenants/master"))
		if m.Find(`[data-testid="tenant-disable"]`).Length() != 0 || m.Find(`[data-testid="tenant-delete"]`).Length() != 0 || m.Find(`[data-testid="master-note"]`).Length() != 1 {
			t.Fatal("the master's page offers to disable or delete it")
		}
	})
}

func TestDisablingATenantFromItsPageSignsItsUsersOut(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("acme", "alice", models.Permissions{})
		acmeAdmin, master := c.browser(), c.browser()
		acmeAdmin.signedIn("acme.localhost", "admin@acme.example")
		// Three sessions of two users: two users are signed out.
		c.browser().signedIn("acme.localhost", "admin@acme.example")
		c.browser().signedIn("acme.localhost", "alice")
		master.signedIn("localhost", "root@example.com")
		d := doc(t, master.get("localhost", "/tenants/acme"))
		link := d.Find(`a[data-testid="tenant-disable"]`).AttrOr("href", "")
		if link != "/tenants/acme/disable" {
			t.Fatalf("disable link: %q", link)
		}
		// The confirmation names the tenant and whom it signs out.
		res := master.get("localhost", link)
		d = doc(t, res)
		if res.StatusCode != http.StatusOK || d.Find(`[data-testid="tenant-disable-name"]`).Text() != "Acme Corp" ||
			!strings.HasPrefix(d.Find(`[data-testid="tenant-disable-signed-in"]`).Text(), "2 users are signed in now") {
			t.Fatalf("confirmation page: %d %q %q", res.StatusCode, d.Find(`[data-testid="tenant-disable-name"]`).Text(), d.Find(`[data-testid="tenant-disable-signed-in"]`).Text())
		}
		if href := d.Find(`[data-testid="disable-cancel"]`).AttrOr("href", ""); href != "/tenants/acme" {
			t.Errorf("cancel goes to %q", href)
		}
		fields := formOf(d, `[data-testid="tenant-disable-form"]`)
		if fields.Get("_csrf") == "" || d.Find(`[data-testid="tenant-disable-form"]`).AttrOr("action", "") != "/tenants/acme/disable" {
			t.Fatalf("disable form: %v", fields)
		}
		// A POST without the confirmation shows the page again and changes nothing.
		res = master.post("localhost", "/tenants/acme/disable", url.Values{"_csrf": {fields.Get("_csrf")}})
		if p := doc(t, res); res.StatusCode != http.StatusUnprocessableEntity || p.Find(`[data-testid="tenant-disable-form"]`).Length() != 1 ||
			!strings.Contains(p.Find(`[data-testid="form-error"]`).Text(), "nothing was changed") {
			t.Fatalf("disable without the confirmation: %d", res.StatusCode)
		}
		if tn, _ := c.store.TenantBySubdomain(context.Background(), "acme"); !tn.Enabled {
			t.Fatal("a POST without the confirmation disabled the tenant")
		}
		signedInOn(acmeAdmin, "acme.localhost")
		res = master.post("localhost", "/tenants/acme/disable", fields)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tenants/acme" {
			t.Fatalf("disable: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		acmeAdmin.mustBeSignedOut("acme.localhost")
		d = doc(t, master.get("localhost", "/tenants/acme"))
		if d.Find(`[data-testid="tenant-enable"]`).Length() != 1 || !strings.Contains(d.Find(`[data-testid="flash"]`).Text(), "disabled") {
			t.Fatal("the page after disabling")
		}
		tok := fields.Get("_csrf")
		if res := master.post("localhost", "/tenants/acme/enable", url.Values{"_csrf": {tok}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("enable: %d", res.StatusCode)
		}
		acmeAdmin.signedIn("acme.localhost", "admin@acme.example")
		// The master cannot be disabled, however the request is made.
		for _, form := range []url.Values{{"_csrf": {tok}}, {"_csrf": {tok}, "confirm": {"disable"}}} {
			p := readWizard(t, master.post("localhost", "/tenants/master/disable", form))
			if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.doc.Find(`[data-testid="form-error"]`).Text(), "cannot be disabled") {
				t.Fatalf("disabling the master: %d", p.status)
			}
		}
		if d := doc(t, master.get("localhost", "/tenants/master/disable")); d.Find(`[data-testid="tenant-disable-form"]`).Length() != 0 {
			t.Error("the master's disable page offers to disable it")
		}
		master.mustSeeDashboard("localhost")
	})
}

// Another tenant's session cannot reach the confirmation or post it: not on
// its own host, not with its cookie carried to the base domain.
func TestDisablingATenantIsTheMastersAlone(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		acmeAdmin := c.browser()
		acmeAdmin.signedIn("acme.localhost", "admin@acme.example")
		tok := acmeAdmin.csrfOf("acme.localhost")
		cookie := acmeAdmin.sessionCookie("acme.localhost")
		for _, sub := range []string{"acme", "beta"} {
			path := "/tenants/" + sub + "/disable"
			if res := acmeAdmin.get("acme.localhost", path); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s on acme's host: %d, want 404", path, res.StatusCode)
			}
			if res := acmeAdmin.post("acme.localhost", path, url.Values{"_csrf": {tok}, "confirm": {"disable"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s on acme's host: %d, want 404", path, res.StatusCode)
			}
			other := c.browser()
			u, _ := url.Parse(other.at("localhost", "/"))
			other.client.Jar.SetCookies(u, []*http.Cookie{{Name: cookie.Name, Value: cookie.Value}})
			if res := other.get("localhost", path); res.StatusCode == http.StatusOK {
				t.Errorf("GET %s with acme's cookie on the base domain: %d", path, res.StatusCode)
			}
			if res := other.post("localhost", path, url.Values{"_csrf": {tok}, "confirm": {"disable"}}); res.StatusCode == http.StatusSeeOther {
				t.Errorf("POST %s with acme's cookie on the base domain: %d", path, res.StatusCode)
			}
		}
		for _, sub := range []string{"acme", "beta"} {
			if tn, _ := c.store.TenantBySubdomain(context.Background(), sub); !tn.Enabled {
				t.Errorf("%s was disabled", sub)
			}
		}
	})
}

func TestDeletingATenantNeedsItsSubdomainTyped(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		acmeAdmin, master := c.browser(), c.browser()
		acmeAdmin.signedIn("acme.localhost", "admin@acme.example")
		master.signedIn("localhost", "root@example.com")
		d := doc(t, master.get("localhost", "/tenants/acme/delete"))
		for id, want := range map[string]string{"delete-users": "1 user", "delete-roles": "1 role", "delete-resources": "0 resources", "delete-sessions": "1 open session"} {
			if got := d.Find(`[data-testid="` + id + `"]`).Text(); !strings.HasPrefix(got, want) {
				t.Errorf("%s: %q, want %q", id, got, want)
			}
		}
		tok := d.Find(`[data-testid="tenant-delete-form"] input[name="_csrf"]`).AttrOr("value", "")
		for _, typed := range []string{"", "beta", "ACME ", "acm"} {
			res := master.post("localhost", "/tenants/acme/delete", url.Values{"_csrf": {tok}, "confirm": {typed}})
			p := doc(t, res)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(p.Find("#error-confirm").Text(), "Type acme exactly") {
				t.Errorf("typed %q: %d %q", typed, res.StatusCode, p.Find("#error-confirm").Text())
			}
		}
		if _, err := c.store.TenantBySubdomain(context.Background(), "acme"); err != nil {
			t.Fatalf("a wrong confirmation deleted: %v", err)
		}
		res := master.post("localhost", "/tenants/acme/delete", url.Values{"_csrf": {tok}, "confirm": {"acme"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tenants" {
			t.Fatalf("delete: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if msg := doc(t, master.get("localhost", "/tenants")).Find(`[data-testid="flash"]`).Text(); !strings.Contains(msg, "acme deleted, with 1 user, 1 role, 0 resources and ") {
			t.Fatalf("flash: %q", msg)
		}
		if res := acmeAdmin.get("acme.localhost", "/"); res.StatusCode != http.StatusNotFound || doc(t, res).Find(`[data-testid="no-such-tenant"]`).Length() != 1 {
			t.Fatalf("acme's host after the delete: %d", res.StatusCode)
		}
		if res := master.get("localhost", "/tenants/acme"); res.StatusCode != http.StatusNotFound {
			t.Fatalf("the deleted tenant's page: %d", res.StatusCode)
		}
		if actions := auditActions(t, c, models.MasterSubdomain); actions[0] != models.ActionTenantDelete {
			t.Fatalf("master's log: %v", actions)
		}
		// The master tenant: the page says no, and so does a post.
		if d := doc(t, master.get("localhost", "/tenants/master/delete")); d.Find(`[data-testid="tenant-delete-form"]`).Length() != 0 ||
			!strings.Contains(d.Find(`[data-testid="form-error"]`).Text(), "cannot be deleted") {
			t.Fatal("the master's delete page")
		}
		res = master.post("localhost", "/tenants/master/delete", url.Values{"_csrf": {tok}, "confirm": {"master"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("deleting the master: %d", res.StatusCode)
		}
		master.mustSeeDashboard("localhost")
	})
}

func TestEditingATenantRefusesALimitBelowItsUsageByTheField(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("acme", "second", models.Permissions{})
		b := c.browser()
		b.signedIn("localhost", "root@example.com")
		d := doc(t, b.get("localhost", "/tenants/acme/edit"))
		form := url.Values{}
		d.Find(`[data-testid="tenant-edit-form"] input, [data-testid="tenant-edit-form"] textarea`).Each(func(_ int, s *goquery.Selection) {
			if name, ok := s.Attr("name"); ok {
				if s.Is("textarea") {
					form.Set(name, s.Text())
				} else {
					form.Set(name, s.AttrOr("value", ""))
				}
			}
		})
		d.Find(`[data-testid="tenant-edit-form"] select`).Each(func(_ int, s *goquery.Selection) {
			form.Set(s.AttrOr("name", ""), s.Find("option[selected]").AttrOr("value", ""))
		})
		if form.Get("currency") != "USD" || form.Get("tenant_role") == "" || form.Get("max_users") != "0" {
			t.Fatalf("the edit form's values: %v", form)
		}
		form.Set("max_users", "1")
		form.Set("customer_number", "C-42")
		res := b.post("localhost", "/tenants/acme/edit", form)
		p := doc(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(p.Find("#error-max_users").Text(), "has 2 users") ||
			p.Find(`[data-testid="field-customer_number"]`).AttrOr("value", "") != "C-42" {
			t.Fatalf("a limit below usage: %d %q", res.StatusCode, p.Find("#error-max_users").Text())
		}
		form.Set("max_users", "2")
		if res := b.post("localhost", "/tenants/acme/edit", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("a limit at usage: %d", res.StatusCode)
		}
		acme, _ := c.store.TenantBySubdomain(context.Background(), "acme")
		if acme.MaxUsers != 2 || acme.CustomerNumber != "C-42" {
			t.Fatalf("saved: %+v", acme)
		}
	})
}

func TestANewTenantRoleCapsTheTenantsUsersAtTheirNextRequest(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		// It keeps users and roles full, since acme must keep a full-rights admin.
		nothing, err := c.store.CreateTenantRole(storetest.System(context.Background()), models.NewRole{Name: "Admins only", Description: "Caps every feature but users and roles at none.",
			Permissions: models.Permissions{models.FeatureUsers: models.LevelFull, models.FeatureRoles: models.LevelFull}})
		if err != nil {
			t.Fatal(err)
		}
		acmeAdmin, master := c.browser(), c.browser()
		acmeAdmin.signedIn("acme.localhost", "admin@acme.example")
		master.signedIn("localhost", "root@example.com")
		if res := acmeAdmin.get("acme.localhost", "/audit"); res.StatusCode != http.StatusOK {
			t.Fatalf("acme's admin on the audit log: %d", res.StatusCode)
		}
		d := doc(t, master.get("localhost", "/tenants/acme/edit"))
		if d.Find(fmt.Sprintf(`[data-testid="field-tenant_role"] option[value="%d"]`, nothing.ID)).Length() != 1 {
			t.Fatal("the new tenant role is not offered")
		}
		res := master.post("localhost", "/tenants/acme/edit", url.Values{
			"_csrf": {master.csrfOf("localhost")}, "version": {d.Find(`input[name="version"]`).AttrOr("value", "")},
			"tenant_role": {fmt.Sprint(nothing.ID)},
		})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", res.StatusCode, doc(t, res).Find(".field-error, .form-error").Text())
		}
		// Same session, next request: the cap applies.
		if res := acmeAdmin.get("acme.localhost", "/audit"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("acme's admin under the new cap: %d, want 403", res.StatusCode)
		}
		if nav := acmeAdmin.mustSeeDashboard("acme.localhost").Find(`[data-testid="nav"] a[href="/audit"]`).Length(); nav != 0 {
			t.Fatal("the capped admin is still offered the audit log")
		}
	})
}
