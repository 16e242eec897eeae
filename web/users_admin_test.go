package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"landlord/models"
	"landlord/models/storetest"
)

// Users administration over HTTP: the create wizard, the user page, edit,
// disable and enable, delete, set password, in a tenant's own console and
// in the master's pages for any subtenant.

// page opens path on host and fails unless it answers 200.
func (b *browser) page(host, path string) *goquery.Document {
	b.c.t.Helper()
	res := b.get(host, path)
	if res.StatusCode != http.StatusOK {
		b.c.t.Fatalf("GET %s%s: %d (Location %q)", host, path, res.StatusCode, res.Header.Get("Location"))
	}
	return doc(b.c.t, res)
}

// roleID finds a role of tenant sub by name.
func (c *console) roleID(sub, name string) uint64 {
	c.t.Helper()
	ctx := context.Background()
	tn, err := c.store.TenantBySubdomain(ctx, sub)
	if err != nil {
		c.t.Fatal(err)
	}
	roles, err := c.store.Roles(storetest.System(models.WithTenant(ctx, tn.ID)))
	if err != nil {
		c.t.Fatal(err)
	}
	for _, r := range roles {
		if r.Name == name {
			return r.ID
		}
	}
	c.t.Fatalf("no role %s in %s", name, sub)
	return 0
}

// userIn reads a user of tenant sub by id.
func (c *console) userIn(sub string, id uint64) (*models.User, bool) {
	c.t.Helper()
	tn, err := c.store.TenantBySubdomain(context.Background(), sub)
	if err != nil {
		c.t.Fatal(err)
	}
	u, err := c.store.User(storetest.System(models.WithTenant(context.Background(), tn.ID)), id)
	if err != nil {
		return nil, false
	}
	return u, true
}

func (c *console) setMaxUsers(sub string, n int) {
	c.t.Helper()
	storetest.Exec(c.t, c.store, "UPDATE tenants SET max_users = ? WHERE subdomain = ?", n, sub)
}

// userWizard is one create-user wizard walked in a browser.
type userWizard struct {
	b                 *browser
	host, prefix      string
	csrf, state, step string
	last              *goquery.Document
}

func (b *browser) startUserWizard(host, prefix string) *userWizard {
	b.c.t.Helper()
	w := &userWizard{b: b, host: host, prefix: prefix}
	w.read(b.page(host, prefix+"/users/new"))
	if w.state == "" || w.step != "0" {
		b.c.t.Fatalf("the wizard at %s%s/users/new did not start (step %q)", host, prefix, w.step)
	}
	return w
}

func (w *userWizard) read(d *goquery.Document) {
	w.last = d
	w.csrf = d.Find(`[data-testid="wizard-form"] input[name="_csrf"]`).AttrOr("value", "")
	w.state = d.Find(`input[name="_wizard"]`).AttrOr("value", "")
	w.step = d.Find(`input[name="_step"]`).AttrOr("value", "")
}

// form is the wizard's next post: its hidden state, the button, the fields.
func (w *userWizard) form(action string, fields url.Values) url.Values {
	f := url.Values{"_csrf": {w.csrf}, "_wizard": {w.state}, "_step": {w.step}, "_action": {action}}
	for k, v := range fields {
		f[k] = v
	}
	return f
}

// post sends the wizard's page with action and fields; a page shown again
// (200 or 422) becomes the wizard's state.
func (w *userWizard) post(action string, fields url.Values) *http.Response {
	w.b.c.t.Helper()
	res := w.b.post(w.host, w.prefix+"/users/new", w.form(action, fields))
	if res.StatusCode == http.StatusOK || res.StatusCode == http.StatusUnprocessableEntity {
		w.read(doc(w.b.c.t, res))
	}
	return res
}

func (w *userWizard) fieldError(field string) string {
	return strings.TrimSpace(w.last.Find(`#error-` + field).Text())
}

func identity(username string) url.Values {
	return url.Values{"first_name": {"Jane"}, "last_name": {"Doe"}, "username": {username}, "email": {username + "@example.test"}}
}

const newPassword = "a long new passphrase"

func access(role uint64) url.Values {
	return url.Values{"role": {strconv.FormatUint(role, 10)}, "password": {newPassword}, "password_confirm": {newPassword}}
}

// toReview walks a wizard to its review step.
func (w *userWizard) toReview(username string, role uint64) {
	w.b.c.t.Helper()
	if res := w.post("next", identity(username)); res.StatusCode != http.StatusOK || w.step != "1" {
		w.b.c.t.Fatalf("identity step for %s: %d, step %s: %s", username, res.StatusCode, w.step, w.last.Find(`[data-testid="field-error"]`).Text())
	}
	if res := w.post("next", access(role)); res.StatusCode != http.StatusOK || w.step != "2" {
		w.b.c.t.Fatalf("access step for %s: %d, step %s: %s", username, res.StatusCode, w.step, w.last.Find(`[data-testid="field-error"]`).Text())
	}
}

// create walks the whole wizard and returns the new user's id.
func (b *browser) create(host, prefix, username string, role uint64) uint64 {
	b.c.t.Helper()
	w := b.startUserWizard(host, prefix)
	w.toReview(username, role)
	res := w.post("finish", nil)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, prefix+"/users/") {
		b.c.t.Fatalf("create %s: %d %q", username, res.StatusCode, loc)
	}
	id, err := strconv.ParseUint(strings.TrimPrefix(loc, prefix+"/users/"), 10, 64)
	if err != nil {
		b.c.t.Fatalf("create %s: redirected to %q", username, loc)
	}
	return id
}

func TestTheUserWizardChecksEachStepAndCreatesOnReview(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		list := admin.page("acme.localhost", "/users")
		if href := list.Find(`[data-testid="new-user"]`).AttrOr("href", ""); href != "/users/new" {
			t.Fatalf("the list's New user link: %q", href)
		}
		w := admin.startUserWizard("acme.localhost", "")

		// Step 1: a taken username (any case) is said on this very step.
		taken := identity("ADMIN@acme.example")
		taken.Set("email", "")
		res := w.post("next", taken)
		if res.StatusCode != http.StatusUnprocessableEntity || w.step != "0" || !strings.Contains(w.fieldError("username"), "taken") {
			t.Fatalf("a taken username: %d step %s %q", res.StatusCode, w.step, w.fieldError("username"))
		}
		if kept := w.last.Find(`[data-testid="field-first_name"]`).AttrOr("value", ""); kept != "Jane" {
			t.Fatalf("the refused step lost the first name: %q", kept)
		}
		if res := w.post("next", identity("jane")); res.StatusCode != http.StatusOK || w.step != "1" {
			t.Fatalf("identity: %d step %s", res.StatusCode, w.step)
		}
		// Step 2 offers acme's roles only and states the password rule.
		var offered []string
		w.last.Find(`[data-testid="field-role"] option`).Each(func(_ int, s *goquery.Selection) {
			if v := s.AttrOr("value", ""); v != "" {
				offered = append(offered, v)
			}
		})
		acmeAdminRole := c.roleID("acme", models.AdminRoleName)
		if strings.Join(offered, ",") != strconv.FormatUint(acmeAdminRole, 10) {
			t.Fatalf("roles offered: %v, want acme's %d", offered, acmeAdminRole)
		}
		if rule := w.last.Find(`[data-testid="password-rule"]`).Text(); !strings.Contains(rule, strconv.Itoa(models.MinPasswordLength)) || !strings.Contains(rule, "username") {
			t.Fatalf("the password rule as stated: %q", rule)
		}
		for name, f := range map[string]url.Values{
			"short":          {"role": {strconv.FormatUint(acmeAdminRole, 10)}, "password": {"short"}, "password_confirm": {"short"}},
			"the username":   {"role": {strconv.FormatUint(acmeAdminRole, 10)}, "password": {"JANE@example.test"}, "password_confirm": {"JANE@example.test"}},
			"differing":      {"role": {strconv.FormatUint(acmeAdminRole, 10)}, "password": {newPassword}, "password_confirm": {newPassword + "!"}},
			"beta's role":    access(c.roleID("beta", models.AdminRoleName)),
			"no role at all": {"password": {newPassword}, "password_confirm": {newPassword}},
		} {
			if res := w.post("next", f); res.StatusCode != http.StatusUnprocessableEntity || w.step != "1" || w.last.Find(`[data-testid="field-error"]`).Length() == 0 {
				t.Fatalf("a %s password or role: %d step %s", name, res.StatusCode, w.step)
			}
		}
		if res := w.post("next", access(acmeAdminRole)); res.StatusCode != http.StatusOK || w.step != "2" {
			t.Fatalf("access: %d step %s", res.StatusCode, w.step)
		}
		if got := w.last.Find(`[data-testid="review-username"]`).Text(); got != "jane" {
			t.Fatalf("review shows %q", got)
		}
		if role := w.last.Find(`[data-testid="review-role"]`).Text(); role != models.AdminRoleName {
			t.Fatalf("review shows role %q", role)
		}
		if strings.Contains(w.last.Text(), newPassword) {
			t.Fatal("the review shows the password")
		}
		// Back keeps everything; Next again; Create.
		if res := w.post("back", nil); res.StatusCode != http.StatusOK || w.step != "1" ||
			w.last.Find(`[data-testid="field-role"] option[selected]`).AttrOr("value", "") != strconv.FormatUint(acmeAdminRole, 10) {
			t.Fatalf("back from review: %d step %s", res.StatusCode, w.step)
		}
		if res := w.post("next", access(acmeAdminRole)); res.StatusCode != http.StatusOK || w.step != "2" {
			t.Fatalf("next again: %d step %s", res.StatusCode, w.step)
		}
		res = w.post("finish", nil)
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/users/") {
			t.Fatalf("create: %d %q", res.StatusCode, loc)
		}
		d := admin.page("acme.localhost", loc)
		if msg := d.Find(`[data-testid="flash"]`).Text(); !strings.Contains(msg, "jane created") {
			t.Fatalf("after create: %q", msg)
		}
		if d.Find(`[data-testid="user-username"]`).Text() != "jane" || d.Find(`[data-testid="user-name"]`).Text() != "Jane Doe" {
			t.Fatal("the new user's page shows someone else")
		}
		// The new user signs in with the password typed in the wizard.
		jane := c.browser()
		if res := jane.login("acme.localhost", "jane", newPassword); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("jane signs in: %d", res.StatusCode)
		}
		jane.mustSeeDashboard("acme.localhost")
		// A replayed wizard state creates nothing more: the username is taken now.
		res = admin.post("acme.localhost", "/users/new", w.form("finish", nil))
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("the same wizard again: %d", res.StatusCode)
		}
		if n := len(usernamesOf(t, c, "acme")); n != 2 {
			t.Fatalf("acme has %d users", n)
		}
		// Another session's wizard state is refused.
		other := c.browser()
		other.signedIn("acme.localhost", "admin@acme.example")
		form := w.form("finish", nil)
		form.Set("_csrf", other.csrfOf("acme.localhost"))
		if res := other.post("acme.localhost", "/users/new", form); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("another session's wizard: %d", res.StatusCode)
		}
		// The master's wizard for acme does not open as beta's.
		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		mw := master.startUserWizard("localhost", "/tenants/acme")
		mw.toReview("sam", acmeAdminRole)
		if res := master.post("localhost", "/tenants/beta/users/new", mw.form("finish", nil)); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("acme's wizard posted to beta: %d", res.StatusCode)
		}
		if n := len(usernamesOf(t, c, "beta")); n != 1 {
			t.Fatalf("beta has %d users", n)
		}
	})
}

// usernamesOf lists a tenant's usernames through the store.
func usernamesOf(t *testing.T, c *console, sub string) []string {
	t.Helper()
	tn, err := c.store.TenantBySubdomain(context.Background(), sub)
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.store.UsersPage(storetest.System(models.WithTenant(context.Background(), tn.ID)), models.ListQuery{PerPage: models.MaxPerPage})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, u := range p.Rows {
		out = append(out, u.Username)
	}
	return out
}

func TestATenantWithoutARoleSaysWhyNoUserCanBeCreated(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		if _, err := c.store.CreateTenant(storetest.System(context.Background()), models.NewTenant{Subdomain: "gamma", Name: "Gamma"}); err != nil {
			t.Fatal(err)
		}
		storetest.Exec(t, c.store, "DELETE FROM roles WHERE tenant_id = (SELECT id FROM tenants WHERE subdomain = 'gamma')")
		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		d := master.page("localhost", "/tenants/gamma/users/new")
		if msg := d.Find(`[data-testid="cannot-create-reason"]`).Text(); !strings.Contains(msg, "cannot be created until the tenant has a role") {
			t.Fatalf("no role: %q", msg)
		}
		if href := d.Find(`[data-testid="roles-link"]`).AttrOr("href", ""); href != "/roles" {
			t.Fatalf("the roles link: %q", href)
		}
		if d.Find(`[data-testid="wizard-form"]`).Length() != 0 {
			t.Fatal("the wizard is offered anyway")
		}
		form := url.Values{"_csrf": {master.csrfOf("localhost")}, "_action": {"finish"}}
		if res := master.post("localhost", "/tenants/gamma/users/new", form); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("posting anyway: %d", res.StatusCode)
		}
	})
}

func TestATenantsUserLimitIsSaidAndKept(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		role := c.roleID("acme", models.AdminRoleName)
		c.setMaxUsers("acme", 2)
		w := admin.startUserWizard("acme.localhost", "")
		if lim := w.last.Find(`[data-testid="user-limit"]`).Text(); lim != "1 of 2 users" {
			t.Fatalf("the limit as shown: %q", lim)
		}
		// A wizard opened before the limit was reached is refused on its
		// review step, with the same message.
		w.toReview("third", role)
		admin.create("acme.localhost", "", "second", role)
		d := admin.page("acme.localhost", "/users/new")
		if msg := d.Find(`[data-testid="cannot-create-reason"]`).Text(); !strings.Contains(msg, "acme's limit of 2 users is reached") {
			t.Fatalf("at the limit: %q", msg)
		}
		res := admin.post("acme.localhost", "/users/new", w.form("finish", nil))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, res).Text(), "acme's limit of 2 users is reached") {
			t.Fatalf("create past the limit: %d", res.StatusCode)
		}
		if n := len(usernamesOf(t, c, "acme")); n != 2 {
			t.Fatalf("acme has %d users, limit 2", n)
		}
	})
}

// finishAll posts each wizard's Create at the same moment and returns the
// responses' statuses and bodies.
func finishAll(t *testing.T, ws ...*userWizard) ([]int, []string) {
	t.Helper()
	type answer struct {
		status int
		body   string
		err    error
	}
	answers := make([]answer, len(ws))
	var start, done sync.WaitGroup
	start.Add(1)
	for i, w := range ws {
		done.Add(1)
		form := w.form("finish", nil)
		go func() {
			defer done.Done()
			req, _ := http.NewRequest(http.MethodPost, w.b.at(w.host, w.prefix+"/users/new"), strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			start.Wait()
			res, err := w.b.client.Do(req)
			if err != nil {
				answers[i].err = err
				return
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			answers[i] = answer{status: res.StatusCode, body: string(b)}
		}()
	}
	start.Done()
	done.Wait()
	statuses, bodies := make([]int, len(ws)), make([]string, len(ws))
	for i, a := range answers {
		if a.err != nil {
			t.Fatal(a.err)
		}
		statuses[i], bodies[i] = a.status, a.body
	}
	return statuses, bodies
}

func TestTwoCreatesAtOnceGiveOneUserAndOneClearRefusal(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		role := c.roleID("acme", models.AdminRoleName)
		one, two := c.browser(), c.browser()
		one.signedIn("acme.localhost", "admin@acme.example")
		two.signedIn("acme.localhost", "admin@acme.example")
		for round := range 3 {
			// At max-1: one create fits.
			before := len(usernamesOf(t, c, "acme"))
			c.setMaxUsers("acme", before+1)
			a, b := one.startUserWizard("acme.localhost", ""), two.startUserWizard("acme.localhost", "")
			a.toReview(fmt.Sprintf("a%d", round), role)
			b.toReview(fmt.Sprintf("b%d", round), role)
			statuses, bodies := finishAll(t, a, b)
			created, limited := 0, 0
			for i, s := range statuses {
				switch {
				case s == http.StatusSeeOther:
					created++
				// Refused at Create (the review's form error) or, when the other
				// committed first, before it (the page that says why): the same message.
				case s == http.StatusUnprocessableEntity && strings.Contains(bodies[i], "acme&#39;s limit of") &&
					(strings.Contains(bodies[i], `data-testid="form-error"`) || strings.Contains(bodies[i], `data-testid="cannot-create-reason"`)):
					limited++
				default:
					t.Fatalf("round %d: %d %s", round, s, bodies[i])
				}
			}
			if after := len(usernamesOf(t, c, "acme")); created != 1 || limited != 1 || after != before+1 {
				t.Fatalf("round %d at the limit: %d created, %d refused, %d users (was %d)", round, created, limited, after, before)
			}

			// One username twice (in two cases), no limit: one user, one field error.
			c.setMaxUsers("acme", 0)
			name := fmt.Sprintf("same%d", round)
			a, b = one.startUserWizard("acme.localhost", ""), two.startUserWizard("acme.localhost", "")
			a.toReview(name, role)
			if res := b.post("next", url.Values{"username": {strings.ToUpper(name)}, "email": {name + "-b@example.test"}}); res.StatusCode != http.StatusOK {
				t.Fatalf("round %d: %d", round, res.StatusCode)
			}
			b.post("next", access(role))
			statuses, bodies = finishAll(t, a, b)
			created, taken := 0, 0
			for i, s := range statuses {
				switch {
				case s == http.StatusSeeOther:
					created++
				case s == http.StatusUnprocessableEntity && strings.Contains(bodies[i], `id="error-username"`) && strings.Contains(bodies[i], "taken"):
					taken++
				default:
					t.Fatalf("round %d, one username: %d %s", round, s, bodies[i])
				}
			}
			n := 0
			for _, u := range usernamesOf(t, c, "acme") {
				if strings.EqualFold(u, name) {
					n++
				}
			}
			if created != 1 || taken != 1 || n != 1 {
				t.Fatalf("round %d, one username: %d created, %d refused, %d rows", round, created, taken, n)
			}
		}
	})
}

func TestTheUserPageShowsRoleCapAndEffectiveLevels(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		ctx := context.Background()
		acme, _ := c.store.TenantBySubdomain(ctx, "acme")
		// acme's tenant role caps audit at read and resources at none.
		tr, err := c.store.CreateTenantRole(storetest.System(ctx), models.NewRole{Name: "Capped", Permissions: models.Permissions{
			models.FeatureUsers: models.LevelFull, models.FeatureRoles: models.LevelFull, models.FeatureAudit: models.LevelRead}})
		if err != nil {
			t.Fatal(err)
		}
		storetest.Exec(t, c.store, "UPDATE tenants SET tenant_role_id = ? WHERE id = ?", tr.ID, acme.ID)
		role, err := c.store.CreateRole(storetest.System(models.WithTenant(ctx, acme.ID)), models.NewRole{Name: "Auditor", Permissions: models.Permissions{
			models.FeatureAudit: models.LevelFull, models.FeatureResources: models.LevelRead, models.FeatureUsers: models.LevelRead}})
		if err != nil {
			t.Fatal(err)
		}
		u, err := c.store.CreateUser(storetest.System(models.WithTenant(ctx, acme.ID)), models.NewUser{Username: "auditor", Password: password, RoleID: role.ID})
		if err != nil {
			t.Fatal(err)
		}
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		d := admin.page("acme.localhost", fmt.Sprintf("/users/%d", u.ID))
		if d.Find(`[data-testid="user-tenant-role"]`).Text() != "Capped" || d.Find(`[data-testid="user-role"]`).Text() != "Auditor" {
			t.Fatal("the page does not name the role and the cap")
		}
		levels := func(d *goquery.Document, feature string) string {
			row := d.Find(`[data-testid="right"][data-feature="` + feature + `"]`)
			return row.Find(`[data-testid="right-role"]`).AttrOr("data-level", "") + "/" +
				row.Find(`[data-testid="right-cap"]`).AttrOr("data-level", "-") + "/" + row.Find(`[data-testid="right-effective"]`).AttrOr("data-level", "")
		}
		for feature, want := range map[string]string{
			"audit": "full/read/read", "resources": "read/none/none", "users": "read/full/read", "tenants": "none/none/none",
		} {
			if got := levels(d, feature); got != want {
				t.Errorf("%s: role/cap/effective %s, want %s", feature, got, want)
			}
		}
		if d.Find(`[data-testid="user-actions"] [data-testid="user-edit"]`).Length() != 1 {
			t.Fatal("an admin is not offered the actions")
		}
		// The master's users are capped by nothing.
		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		d = master.page("localhost", fmt.Sprintf("/users/%d", c.userNamed("master", "root@example.com")))
		if got := levels(d, "tenants"); got != "full/-/full" || d.Find(`[data-testid="full-admin"]`).Length() != 1 {
			t.Fatalf("the master admin: %s", got)
		}
		// A reader sees the page without the actions, and gets 403 on every full-level route.
		c.limitedUser("acme", "reader", models.Permissions{models.FeatureUsers: models.LevelRead})
		reader := c.browser()
		reader.signedIn("acme.localhost", "reader")
		d = reader.page("acme.localhost", fmt.Sprintf("/users/%d", u.ID))
		if d.Find(`[data-testid="user-actions"]`).Length() != 0 || reader.page("acme.localhost", "/users").Find(`[data-testid="new-user"]`).Length() != 0 {
			t.Fatal("a reader is offered the actions")
		}
		tok := reader.csrfOf("acme.localhost")
		for _, p := range []string{"/users/new", "/users/%d/edit", "/users/%d/delete", "/users/%d/password"} {
			path := strings.ReplaceAll(p, "%d", strconv.FormatUint(u.ID, 10))
			if res := reader.get("acme.localhost", path); res.StatusCode != http.StatusForbidden {
				t.Errorf("reader GET %s: %d", path, res.StatusCode)
			}
		}
		for _, p := range []string{"/users/new", "/users/%d/edit", "/users/%d/disable", "/users/%d/enable", "/users/%d/delete", "/users/%d/password"} {
			path := strings.ReplaceAll(p, "%d", strconv.FormatUint(u.ID, 10))
			form := url.Values{"_csrf": {tok}, "confirm": {"auditor"}, "password": {newPassword}, "password_confirm": {newPassword}, "version": {"1"}, "username": {"x"}}
			if res := reader.post("acme.localhost", path, form); res.StatusCode != http.StatusForbidden {
				t.Errorf("reader POST %s: %d", path, res.StatusCode)
			}
		}
		if got, _ := c.userIn("acme", u.ID); !got.Enabled || got.Version != 1 {
			t.Fatalf("the reader changed the user: %+v", got)
		}
	})
}

// allUserActions are every state-changing route on one user, with a form that
// would do it.
func allUserActions(prefix string, id uint64, username string) map[string]url.Values {
	p := fmt.Sprintf("%s/users/%d", prefix, id)
	return map[string]url.Values{
		p + "/edit":     {"version": {"1"}, "username": {"renamed"}, "email": {""}, "role": {"1"}},
		p + "/disable":  {},
		p + "/enable":   {},
		p + "/password": {"password": {newPassword}, "password_confirm": {newPassword}},
		p + "/delete":   {"confirm": {username}},
	}
}

func TestAnotherTenantsUserCannotBeReachedByItsID(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		betaAdmin := c.userNamed("beta", "admin@beta.example")
		before, _ := c.userIn("beta", betaAdmin)
		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		for _, p := range []string{"", "/edit", "/delete", "/password"} {
			path := fmt.Sprintf("/users/%d%s", betaAdmin, p)
			if res := acme.get("acme.localhost", path); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s from acme: %d", path, res.StatusCode)
			}
		}
		tok := acme.csrfOf("acme.localhost")
		for path, form := range allUserActions("", betaAdmin, "admin@beta.example") {
			form.Set("_csrf", tok)
			if res := acme.post("acme.localhost", path, form); res.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s from acme: %d", path, res.StatusCode)
			}
		}
		after, ok := c.userIn("beta", betaAdmin)
		if !ok || !after.Enabled || after.Version != before.Version || after.Username != before.Username || after.PasswordHash != before.PasswordHash {
			t.Fatalf("beta's admin changed: %+v", after)
		}
		// A role id of another tenant in acme's own forms is a field error.
		jane := acme.create("acme.localhost", "", "jane", c.roleID("acme", models.AdminRoleName))
		u, _ := c.userIn("acme", jane)
		form := url.Values{"_csrf": {tok}, "version": {strconv.Itoa(u.Version)}, "username": {"jane"}, "email": {u.Email},
			"role": {strconv.FormatUint(c.roleID("beta", models.AdminRoleName), 10)}}
		res := acme.post("acme.localhost", fmt.Sprintf("/users/%d/edit", jane), form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, res).Find("#error-role").Text(), "this tenant's roles") {
			t.Fatalf("beta's role on acme's user: %d", res.StatusCode)
		}
		if after, _ := c.userIn("acme", jane); after.Version != u.Version || *after.RoleID != *u.RoleID {
			t.Fatal("the user changed")
		}
	})
}

func TestUserActionsNeedTheCSRFToken(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		jane := acme.create("acme.localhost", "", "jane", c.roleID("acme", models.AdminRoleName))
		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		check := func(b *browser, host, prefix string) {
			actions := allUserActions(prefix, jane, "jane")
			actions[prefix+"/users/new"] = identity("someone")
			for path, form := range actions {
				for name, tok := range map[string]string{"no token": "", "a wrong token": "x" + b.csrfOf(host)} {
					if tok != "" {
						form.Set("_csrf", tok)
					}
					if res := b.post(host, path, form); res.StatusCode != http.StatusForbidden {
						t.Errorf("POST %s%s with %s: %d", host, path, name, res.StatusCode)
					}
				}
			}
		}
		check(acme, "acme.localhost", "")
		check(master, "localhost", "/tenants/acme")
		if u, _ := c.userIn("acme", jane); !u.Enabled || u.Version != 1 || u.Username != "jane" {
			t.Fatalf("jane changed: %+v", u)
		}
	})
}

func TestEditingAUserKeepsValuesAndRefusesAStaleForm(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		role := c.roleID("acme", models.AdminRoleName)
		jane := admin.create("acme.localhost", "", "jane", role)
		path := fmt.Sprintf("/users/%d/edit", jane)
		d := admin.page("acme.localhost", path)
		version := d.Find(`input[name="version"]`).AttrOr("value", "")
		tok := admin.csrfOf("acme.localhost")
		form := url.Values{"_csrf": {tok}, "version": {version}, "first_name": {"Janet"}, "last_name": {"Doe"},
			"username": {"ADMIN@acme.example"}, "email": {"janet@example.test"}, "role": {strconv.FormatUint(role, 10)}}
		res := admin.post("acme.localhost", path, form)
		d = doc(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(d.Find("#error-username").Text(), "taken") ||
			d.Find(`[data-testid="field-first_name"]`).AttrOr("value", "") != "Janet" {
			t.Fatalf("a taken username: %d", res.StatusCode)
		}
		form.Set("username", "janet")
		if res := admin.post("acme.localhost", path, form); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != fmt.Sprintf("/users/%d", jane) {
			t.Fatalf("save: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if u, _ := c.userIn("acme", jane); u.Username != "janet" || u.FirstName != "Janet" || u.Email != "janet@example.test" {
			t.Fatalf("after save: %+v", u)
		}
		// The same form again carries the old version: someone changed it meanwhile.
		form.Set("first_name", "Lost")
		res = admin.post("acme.localhost", path, form)
		if res.StatusCode != http.StatusConflict || doc(t, res).Find(`[data-testid="form-error"]`).Text() == "" {
			t.Fatalf("a stale form: %d", res.StatusCode)
		}
		if u, _ := c.userIn("acme", jane); u.FirstName != "Janet" {
			t.Fatal("a stale form was saved")
		}
		actions := auditActions(t, c, "acme")
		if actions[0] != models.ActionUserUpdate {
			t.Fatalf("audit: %v", actions)
		}
	})
}

func TestTheLastFullRightsAdminCannotBeRemovedOverTheWeb(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		// The master acts on acme's only admin: nobody acts on themselves.
		root := c.browser()
		root.signedIn("localhost", "root@example.com")
		me := c.userNamed("acme", "admin@acme.example")
		tok := root.csrfOf("localhost")
		at := func(what string) string { return fmt.Sprintf("/tenants/acme/users/%d/%s", me, what) }
		res := root.post("localhost", at("disable"), url.Values{"_csrf": {tok}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("disable the last admin: %d", res.StatusCode)
		}
		d := root.page("localhost", res.Header.Get("Location"))
		if msg := d.Find(`[data-testid="flash"]`).Text(); !strings.Contains(msg, "last full-rights administrator") {
			t.Fatalf("disable the last admin says %q", msg)
		}
		res = root.post("localhost", at("delete"), url.Values{"_csrf": {tok}, "confirm": {"admin@acme.example"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, res).Find(`[data-testid="form-error"]`).Text(), "last full-rights administrator") {
			t.Fatalf("delete the last admin: %d", res.StatusCode)
		}
		reader, err := c.store.CreateRole(storetest.System(models.WithTenant(context.Background(), c.mustTenant("acme").ID)), models.NewRole{Name: "Reader", Permissions: models.Permissions{models.FeatureUsers: models.LevelRead}})
		if err != nil {
			t.Fatal(err)
		}
		u, _ := c.userIn("acme", me)
		res = root.post("localhost", at("edit"), url.Values{"_csrf": {tok}, "version": {strconv.Itoa(u.Version)},
			"username": {u.Username}, "email": {u.Email}, "role": {strconv.FormatUint(reader.ID, 10)}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, res).Find("#error-role").Text(), "last full-rights administrator") {
			t.Fatalf("demote the last admin: %d", res.StatusCode)
		}
		if after, _ := c.userIn("acme", me); !after.Enabled || *after.RoleID != *u.RoleID {
			t.Fatalf("the last admin changed: %+v", after)
		}
	})
}

func (c *console) mustTenant(sub string) *models.Tenant {
	c.t.Helper()
	tn, err := c.store.TenantBySubdomain(context.Background(), sub)
	if err != nil {
		c.t.Fatal(err)
	}
	return tn
}

func TestAnExternalUsersIdentityIsReadOnly(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		jane := admin.create("acme.localhost", "", "jane", c.roleID("acme", models.AdminRoleName))
		storetest.Exec(t, c.store, "UPDATE users SET identity_source = 'ldap' WHERE id = ?", jane)
		page := admin.page("acme.localhost", fmt.Sprintf("/users/%d", jane))
		if page.Find(`[data-testid="user-password"]`).Length() != 0 || !strings.Contains(page.Find(`[data-testid="user-source"]`).Text(), "ldap") {
			t.Fatal("an external user's page offers a password")
		}
		d := admin.page("acme.localhost", fmt.Sprintf("/users/%d/edit", jane))
		for _, f := range []string{"first_name", "last_name", "username", "email"} {
			if _, ro := d.Find(`[data-testid="field-` + f + `"]`).Attr("readonly"); !ro {
				t.Errorf("%s is editable", f)
			}
		}
		if _, ro := d.Find(`[data-testid="field-role"]`).Attr("readonly"); ro || d.Find(`[data-testid="external-note"]`).Length() != 1 {
			t.Error("the role is not editable, or nothing says why the rest is")
		}
		tok := admin.csrfOf("acme.localhost")
		form := url.Values{"_csrf": {tok}, "version": {d.Find(`input[name="version"]`).AttrOr("value", "")}, "first_name": {"Jane"}, "last_name": {"Doe"},
			"username": {"renamed"}, "email": {"jane@example.test"}, "role": {strconv.FormatUint(c.roleID("acme", models.AdminRoleName), 10)}}
		if res := admin.post("acme.localhost", fmt.Sprintf("/users/%d/edit", jane), form); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("renaming an external user: %d", res.StatusCode)
		}
		form.Set("username", "jane")
		if res := admin.post("acme.localhost", fmt.Sprintf("/users/%d/edit", jane), form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("saving an external user's role: %d", res.StatusCode)
		}
		d = admin.page("acme.localhost", fmt.Sprintf("/users/%d/password", jane))
		if d.Find(`[data-testid="user-password-form"]`).Length() != 0 || d.Find(`[data-testid="external-note"]`).Length() != 1 {
			t.Fatal("an external user's password form is offered")
		}
		before, _ := c.userIn("acme", jane)
		res := admin.post("acme.localhost", fmt.Sprintf("/users/%d/password", jane), url.Values{"_csrf": {tok}, "password": {"another long passphrase"}, "password_confirm": {"another long passphrase"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("setting an external user's password: %d", res.StatusCode)
		}
		if after, _ := c.userIn("acme", jane); after.PasswordHash != before.PasswordHash || after.Username != "jane" {
			t.Fatal("the external user's password or username changed")
		}
	})
}

func TestSessionsEndAtOnceOnDisableAndOnAPasswordSet(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		id := admin.create("acme.localhost", "", "jane", c.roleID("acme", models.AdminRoleName))
		jane := c.browser()
		jane.post("acme.localhost", "/login", url.Values{"username": {"jane"}, "password": {newPassword}, "_csrf": {jane.csrf("acme.localhost")}})
		jane.mustSeeDashboard("acme.localhost")
		tok := admin.csrfOf("acme.localhost")

		res := admin.post("acme.localhost", fmt.Sprintf("/users/%d/disable", id), url.Values{"_csrf": {tok}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("disable: %d", res.StatusCode)
		}
		jane.mustBeSignedOut("acme.localhost")
		d := admin.page("acme.localhost", res.Header.Get("Location"))
		if d.Find(`[data-testid="user-enable"]`).Length() != 1 || !strings.Contains(d.Find(`[data-testid="flash"]`).Text(), "disabled") {
			t.Fatal("the page after disabling")
		}
		if res := jane.login("acme.localhost", "jane", newPassword); res.StatusCode == http.StatusSeeOther {
			t.Fatal("a disabled user signed in")
		}
		if res := admin.post("acme.localhost", fmt.Sprintf("/users/%d/enable", id), url.Values{"_csrf": {tok}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("enable: %d", res.StatusCode)
		}
		jane.post("acme.localhost", "/login", url.Values{"username": {"jane"}, "password": {newPassword}, "_csrf": {jane.csrf("acme.localhost")}})
		jane.mustSeeDashboard("acme.localhost")

		// The password form: the rule stated, a mismatch and a weak one refused.
		path := fmt.Sprintf("/users/%d/password", id)
		if rule := admin.page("acme.localhost", path).Find(`[data-testid="password-rule"]`).Text(); !strings.Contains(rule, "12") {
			t.Fatalf("the rule: %q", rule)
		}
		for name, f := range map[string]url.Values{
			"mismatched": {"password": {"another long passphrase"}, "password_confirm": {"another long passphrase!"}},
			"weak":       {"password": {"short"}, "password_confirm": {"short"}},
			"username":   {"password": {"JANE@example.test"}, "password_confirm": {"JANE@example.test"}},
		} {
			f.Set("_csrf", tok)
			if res := admin.post("acme.localhost", path, f); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("a %s password: %d", name, res.StatusCode)
			}
		}
		jane.mustSeeDashboard("acme.localhost")
		res = admin.post("acme.localhost", path, url.Values{"_csrf": {tok}, "password": {"another long passphrase"}, "password_confirm": {"another long passphrase"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("set password: %d", res.StatusCode)
		}
		jane.mustBeSignedOut("acme.localhost")
		if res := jane.login("acme.localhost", "jane", newPassword); res.StatusCode == http.StatusSeeOther {
			t.Fatal("the old password still works")
		}
		jane.post("acme.localhost", "/login", url.Values{"username": {"jane"}, "password": {"another long passphrase"}, "_csrf": {jane.csrf("acme.localhost")}})
		jane.mustSeeDashboard("acme.localhost")
		admin.mustSeeDashboard("acme.localhost")

		// Delete: the username must be typed; then the user and their sessions are gone.
		del := fmt.Sprintf("/users/%d/delete", id)
		if d := admin.page("acme.localhost", del); d.Find(`[data-testid="field-confirm"]`).Length() != 1 {
			t.Fatal("the delete page asks nothing")
		}
		if res := admin.post("acme.localhost", del, url.Values{"_csrf": {tok}, "confirm": {"JANE"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("delete with the wrong name: %d", res.StatusCode)
		}
		res = admin.post("acme.localhost", del, url.Values{"_csrf": {tok}, "confirm": {"jane"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/users" {
			t.Fatalf("delete: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		jane.mustBeSignedOut("acme.localhost")
		if _, ok := c.userIn("acme", id); ok {
			t.Fatal("jane is still there")
		}
		actions := strings.Join(auditActions(t, c, "acme"), " ")
		for _, a := range []string{models.ActionUserCreate, models.ActionUserDisable, models.ActionUserEnable, models.ActionUserPasswordReset, models.ActionUserDelete} {
			if !strings.Contains(actions, a) {
				t.Errorf("acme's log has no %s: %s", a, actions)
			}
		}
	})
}

func TestTheMasterManagesASubtenantsUsersAndSeesOnlyAccounts(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		acme := c.mustTenant("acme")
		now := time.Now().UTC()
		storetest.Exec(t, c.store, "INSERT INTO resources (tenant_id, kind, name, attributes, version, created_at, updated_at) VALUES (?, 'cloud', 'SECRET-RESOURCE-XYZ', '{}', 1, ?, ?)", acme.ID, now, now)
		c.browser().login("acme.localhost", "AUDIT-MARKER-QQ", "wrong password") // a line in acme's audit log
		acmeAdmin := c.browser()
		acmeAdmin.signedIn("acme.localhost", "admin@acme.example")

		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		tenants := master.page("localhost", "/tenants")
		if href := tenants.Find(`[data-testid="tenant-row"][data-subdomain="acme"] [data-testid="tenant-users-link"]`).AttrOr("href", ""); href != "/tenants/acme/users" {
			t.Fatalf("the tenant list's users link: %q", href)
		}
		list := master.page("localhost", "/tenants/acme/users")
		var listed []string
		list.Find(`[data-testid="user-row"]`).Each(func(_ int, s *goquery.Selection) { listed = append(listed, s.AttrOr("data-username", "")) })
		if strings.Join(listed, ",") != "admin@acme.example" || list.Find(`[data-testid="managed-tenant"]`).Length() != 1 {
			t.Fatalf("acme's users as the master sees them: %v", listed)
		}
		if href := list.Find(`[data-testid="user-link"]`).AttrOr("href", ""); href != fmt.Sprintf("/tenants/acme/users/%d", c.userNamed("acme", "admin@acme.example")) {
			t.Fatalf("the row's link: %q", href)
		}
		if list.Find(`[data-testid="export-csv"]`).Length() != 0 {
			t.Fatal("the master is offered acme's export")
		}

		// The wizard under the prefix, with acme's roles.
		id := master.create("localhost", "/tenants/acme", "jane", c.roleID("acme", models.AdminRoleName))
		if u, ok := c.userIn("acme", id); !ok || u.Username != "jane" {
			t.Fatal("jane is not in acme")
		}
		userPath := fmt.Sprintf("/tenants/acme/users/%d", id)
		d := master.page("localhost", userPath)
		if d.Find(`[data-testid="user-edit"]`).AttrOr("href", "") != userPath+"/edit" || d.Find(`[data-testid="right"]`).Length() != len(models.Features) {
			t.Fatal("the user page under the prefix")
		}
		tok := master.csrfOf("localhost")
		u, _ := c.userIn("acme", id)
		if res := master.post("localhost", userPath+"/edit", url.Values{"_csrf": {tok}, "version": {strconv.Itoa(u.Version)}, "first_name": {"Janet"},
			"username": {"jane"}, "email": {u.Email}, "role": {strconv.FormatUint(*u.RoleID, 10)}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != userPath {
			t.Fatalf("edit: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		for _, action := range []string{"/disable", "/enable"} {
			if res := master.post("localhost", userPath+action, url.Values{"_csrf": {tok}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: %d", action, res.StatusCode)
			}
		}
		if res := master.post("localhost", userPath+"/password", url.Values{"_csrf": {tok}, "password": {"another long passphrase"}, "password_confirm": {"another long passphrase"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("password: %d", res.StatusCode)
		}
		// The password reset is in both logs.
		inAcme, inMaster := auditEvent(t, c, "acme", models.ActionUserPasswordReset), auditEvent(t, c, "master", models.ActionUserPasswordReset)
		if inAcme == nil || inAcme.ActorName != `master\root@example.com` || inAcme.TargetID != "jane" {
			t.Fatalf("acme's log: %+v", inAcme)
		}
		if inMaster == nil || inMaster.ActorName != "root@example.com" || inMaster.TargetID != `acme\jane` {
			t.Fatalf("the master's log: %+v", inMaster)
		}

		// Every page of acme's users shows accounts only: no resource, no audit line.
		for _, p := range []string{"/tenants/acme/users", "/tenants/acme/users/new", userPath, userPath + "/edit", userPath + "/delete", userPath + "/password"} {
			res := master.get("localhost", p)
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK || strings.Contains(string(body), "SECRET-RESOURCE-XYZ") || strings.Contains(string(body), "AUDIT-MARKER-QQ") ||
				strings.Contains(string(body), "login.failed") {
				t.Errorf("%s: %d, or it shows acme's business data", p, res.StatusCode)
			}
		}
		// Another tenant's user under acme's prefix, the master's own tenant, an unknown one: 404.
		for _, p := range []string{fmt.Sprintf("/tenants/acme/users/%d", c.userNamed("beta", "admin@beta.example")), "/tenants/master/users", "/tenants/nosuch/users",
			fmt.Sprintf("/tenants/beta/users/%d", id)} {
			if res := master.get("localhost", p); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d", p, res.StatusCode)
			}
		}
		if res := master.post("localhost", fmt.Sprintf("/tenants/beta/users/%d/disable", id), url.Values{"_csrf": {tok}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("disable acme's user under beta: %d", res.StatusCode)
		}
		if res := master.post("localhost", userPath+"/delete", url.Values{"_csrf": {tok}, "confirm": {"jane"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tenants/acme/users" {
			t.Fatalf("delete: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if inMaster := auditEvent(t, c, "master", models.ActionUserDelete); inMaster == nil || inMaster.TargetID != `acme\jane` {
			t.Fatalf("the delete in the master's log: %+v", inMaster)
		}
		// The last-admin rule holds for the master too.
		acmeAdminPath := fmt.Sprintf("/tenants/acme/users/%d", c.userNamed("acme", "admin@acme.example"))
		if res := master.post("localhost", acmeAdminPath+"/delete", url.Values{"_csrf": {tok}, "confirm": {"admin@acme.example"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("the master deletes acme's last admin: %d", res.StatusCode)
		}

		// A subtenant's session never reaches these pages: they do not exist on its host.
		for _, p := range []string{"/tenants/acme/users", "/tenants/beta/users", "/tenants/acme/users/new", acmeAdminPath} {
			if res := acmeAdmin.get("acme.localhost", p); res.StatusCode != http.StatusNotFound {
				t.Errorf("acme's admin GET %s: %d", p, res.StatusCode)
			}
		}
		if res := acmeAdmin.post("acme.localhost", acmeAdminPath+"/disable", url.Values{"_csrf": {acmeAdmin.csrfOf("acme.localhost")}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("acme's admin posts a master action: %d", res.StatusCode)
		}

		// A master user with users: read lists and reads, and gets 403 on the rest.
		c.limitedUser("master", "watcher", models.Permissions{models.FeatureUsers: models.LevelRead})
		watcher := c.browser()
		watcher.signedIn("localhost", "watcher")
		if d := watcher.page("localhost", acmeAdminPath); d.Find(`[data-testid="user-actions"]`).Length() != 0 {
			t.Fatal("a reader is offered the actions")
		}
		if res := watcher.get("localhost", "/tenants/acme/users/new"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("a master reader opens the wizard: %d", res.StatusCode)
		}
		if res := watcher.post("localhost", acmeAdminPath+"/disable", url.Values{"_csrf": {watcher.csrfOf("localhost")}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("a master reader disables: %d", res.StatusCode)
		}
		acmeAdmin.mustSeeDashboard("acme.localhost")
	})
}

// auditEvent is the newest event of action in a tenant's log, or nil.
func auditEvent(t *testing.T, c *console, sub, action string) *models.AuditEvent {
	t.Helper()
	evs, err := c.store.AuditEvents(storetest.System(models.WithTenant(context.Background(), c.mustTenant(sub).ID)), 1000)
	if err != nil {
		t.Fatal(err)
	}
	for i := range evs {
		if evs[i].Action == action {
			return &evs[i]
		}
	}
	return nil
}
