package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"landlord/models"
	"landlord/models/storetest"
)

func usernames(t *testing.T, res *http.Response) []string {
	t.Helper()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("list: %d", res.StatusCode)
	}
	var out []string
	doc(t, res).Find(`[data-testid="user-row"]`).Each(func(_ int, s *goquery.Selection) {
		u, _ := s.Attr("data-username")
		out = append(out, u)
	})
	return out
}

func TestUserListSearchesSortsAndPagesWithinItsTenant(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		for i := range 55 {
			c.limitedUser("acme", fmt.Sprintf("user%02d", i), models.Permissions{})
		}
		c.limitedUser("beta", "user99", models.Permissions{})
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")

		first := usernames(t, b.get("acme.localhost", "/users"))
		if len(first) != models.DefaultPerPage || first[0] != "admin@acme.example" || first[1] != "user00" {
			t.Fatalf("first page: %d rows starting %v", len(first), first[:2])
		}
		second := usernames(t, b.get("acme.localhost", "/users?page=2"))
		if len(second) != 6 || second[5] != "user54" {
			t.Fatalf("second page: %v", second)
		}
		for _, u := range append(first, second...) {
			if u == "user99" {
				t.Fatal("beta's user is listed in acme")
			}
		}
		if got := usernames(t, b.get("acme.localhost", "/users?q=USER5")); strings.Join(got, ",") != "user50,user51,user52,user53,user54" {
			t.Fatalf("search user5: %v", got)
		}
		if got := usernames(t, b.get("acme.localhost", "/users?q=user99")); len(got) != 0 {
			t.Fatalf("searching for beta's user in acme found %v", got)
		}
		// LIKE wildcards in the search are taken literally.
		if got := usernames(t, b.get("acme.localhost", "/users?q=%25")); len(got) != 0 {
			t.Fatalf("search %%: %v", got)
		}
		desc := usernames(t, b.get("acme.localhost", "/users?sort=username&dir=desc"))
		if desc[0] != "user54" {
			t.Fatalf("descending: %v", desc[:3])
		}
		// A sort key outside the whitelist falls back to the default order:
		// request text never reaches ORDER BY.
		for _, evil := range []string{"password_hash", "id; DROP TABLE users", "(SELECT 1)", "tenant_id"} {
			got := usernames(t, b.get("acme.localhost", "/users?sort="+url.QueryEscape(evil)))
			if len(got) != models.DefaultPerPage || got[0] != first[0] {
				t.Fatalf("sort %q: %v", evil, got[:2])
			}
		}
		// The pager keeps the search and sort.
		d := doc(t, b.get("acme.localhost", "/users?q=user&sort=username&dir=desc"))
		next, _ := d.Find(`[data-testid="pager-next"]`).Attr("href")
		if next != "/users?dir=desc&page=2&q=user&sort=username" {
			t.Fatalf("next page link %q", next)
		}
		if r := d.Find(`[data-testid="pager-range"]`).Text(); r != "1–50 of 55" {
			t.Fatalf("range %q", r)
		}
	})
}

func TestTenantListShowsStoredUserCounts(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		for i := range 3 {
			c.limitedUser("beta", fmt.Sprintf("b%d", i), models.Permissions{})
		}
		b := c.browser()
		b.signedIn("localhost", "root@example.com")
		res := b.get("localhost", "/tenants?sort=users&dir=desc")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("tenant list: %d", res.StatusCode)
		}
		d := doc(t, res)
		rows := d.Find(`[data-testid="tenant-row"]`)
		if rows.Length() != 3 {
			t.Fatalf("%d tenant rows, want 3", rows.Length())
		}
		sub, _ := rows.First().Attr("data-subdomain")
		if n := strings.TrimSpace(rows.First().Find(`[data-testid="tenant-users"]`).Text()); sub != "beta" || n != "4 (no limit)" {
			t.Fatalf("most users: %s with %s, want beta with 4", sub, n)
		}
		if got := doc(t, b.get("localhost", "/tenants?q=ACM")).Find(`[data-testid="tenant-row"]`).Length(); got != 1 {
			t.Fatalf("search ACM: %d rows", got)
		}
	})
}

func TestUserExportStreamsCSVAndJSONLinesOfItsTenantOnly(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		ctx := context.Background()
		acme, _ := c.store.TenantBySubdomain(ctx, "acme")
		role, err := c.store.CreateRole(storetest.System(models.WithTenant(ctx, acme.ID)), models.NewRole{Name: "Formula"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.store.CreateUser(storetest.System(models.WithTenant(ctx, acme.ID)), models.NewUser{Username: "=cmd|calc", Password: password, RoleID: role.ID}); err != nil {
			t.Fatal(err)
		}
		c.limitedUser("beta", "betauser", models.Permissions{})
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")

		res := b.get("acme.localhost", "/users/export")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("export: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if res.ContentLength != -1 || len(res.TransferEncoding) == 0 {
			t.Fatalf("export was buffered: Content-Length %d, Transfer-Encoding %v", res.ContentLength, res.TransferEncoding)
		}
		if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename=acme-users.csv` {
			t.Fatalf("Content-Disposition %q", cd)
		}
		recs, err := csv.NewReader(res.Body).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 3 || recs[0][1] != "username" {
			t.Fatalf("csv: %v", recs)
		}
		var names []string
		for _, r := range recs[1:] {
			names = append(names, r[1])
		}
		if strings.Join(names, ",") != "'=cmd|calc,admin@acme.example" {
			t.Fatalf("exported usernames %v (a formula must be neutralised, beta's user absent)", names)
		}
		if recs[1][4] != "Formula" || recs[2][4] != "Administrator" || recs[2][5] != "true" {
			t.Fatalf("exported roles and status: %v", recs[1:])
		}

		res = b.get("acme.localhost", "/users/export?format=jsonl&q=admin")
		body, _ := io.ReadAll(res.Body)
		lines := strings.Split(strings.TrimSpace(string(body)), "\n")
		if len(lines) != 1 || !strings.Contains(lines[0], `"username":"admin@acme.example"`) {
			t.Fatalf("jsonl: %q", body)
		}
	})
}

func TestTenantEditKeepsValuesAndRefusesAStaleVersion(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("localhost", "root@example.com")
		d := doc(t, b.get("localhost", "/tenants/acme/edit"))
		version, _ := d.Find(`input[name="version"]`).Attr("value")
		tok, _ := d.Find(`input[name="_csrf"]`).Attr("value")
		if version != "1" || tok == "" {
			t.Fatalf("edit form: version %q", version)
		}

		// An empty name: 422, the description typed is kept, the message sits by the field.
		res := b.post("localhost", "/tenants/acme/edit", url.Values{"_csrf": {tok}, "version": {version}, "name": {"  "}, "description": {"kept text"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("empty name: %d", res.StatusCode)
		}
		d = doc(t, res)
		if d.Find(`#error-name`).Text() != "Enter a name." || d.Find(`[data-testid="field-description"]`).Text() != "kept text" {
			t.Fatalf("re-rendered form lost the message or the value")
		}

		// Someone else saves first.
		sys := storetest.System(context.Background())
		acme, _ := c.store.TenantBySubdomain(context.Background(), "acme")
		renamed := acme.Changes()
		renamed.Name = "Acme Renamed"
		if _, err := c.store.UpdateTenant(sys, "acme", 1, renamed); err != nil {
			t.Fatal(err)
		}
		res = b.post("localhost", "/tenants/acme/edit", url.Values{"_csrf": {tok}, "version": {version}, "name": {"Acme Mine"}})
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("stale version: %d, want 409", res.StatusCode)
		}
		d = doc(t, res)
		if !strings.Contains(d.Find(`[data-testid="form-error"]`).Text(), "Someone else changed this") || d.Find(`[data-testid="field-name"]`).AttrOr("value", "") != "Acme Mine" {
			t.Fatal("conflict page lacks the message or the typed name")
		}
		if tn, _ := c.store.TenantBySubdomain(context.Background(), "acme"); tn.Name != "Acme Renamed" {
			t.Fatalf("the stale edit overwrote the other one: %q", tn.Name)
		}

		// With the current version it saves, and shows the tenant with a message.
		res = b.post("localhost", "/tenants/acme/edit", url.Values{"_csrf": {tok}, "version": {"2"}, "name": {"Acme Mine"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tenants/acme" {
			t.Fatalf("save: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if tn, _ := c.store.TenantBySubdomain(context.Background(), "acme"); tn.Name != "Acme Mine" || tn.Version != 3 {
			t.Fatalf("after save: %q version %d", tn.Name, tn.Version)
		}
	})
}

func TestHostileListAndFormInputGetsAnAnswerNotAServerError(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("localhost", "root@example.com")
		for _, q := range []string{
			"/users?q=%00", "/users?q=%ff%fe", "/users?q=" + strings.Repeat("a", 5000),
			"/users?page=9223372036854775807", "/users?page=-5", "/users?page=abc",
			"/tenants?q=%00x", "/tenants?sort=name%00&dir=desc", "/tenants?page=99999999999",
			"/users/export?q=%c3%28", "/tenants/%00/edit", "/tenants/" + strings.Repeat("x", 3000) + "/edit",
		} {
			res := b.get("localhost", q)
			if res.StatusCode >= 500 {
				t.Errorf("GET %.60s: %d", q, res.StatusCode)
			}
		}
		d := doc(t, b.get("localhost", "/tenants/acme/edit"))
		tok, _ := d.Find(`input[name="_csrf"]`).Attr("value")
		for name, fields := range map[string]url.Values{
			"NUL in the name":         {"name": {"Ac\x00me"}},
			"invalid UTF-8":           {"name": {"Acme \xff"}},
			"control characters":      {"name": {"Acme\x1b[31m"}},
			"a very long name":        {"name": {strings.Repeat("n", 201)}},
			"a very long description": {"name": {"Acme"}, "description": {strings.Repeat("d", 2001)}},
		} {
			fields.Set("_csrf", tok)
			fields.Set("version", "1")
			res := b.post("localhost", "/tenants/acme/edit", fields)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", name, res.StatusCode)
			}
		}
		if res := b.post("localhost", "/tenants/acme/edit", url.Values{"_csrf": {tok}, "version": {"x"}, "name": {"Acme"}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("a version that is not a number: %d, want 400", res.StatusCode)
		}

		// A login name no user can have is an ordinary failed login, and audited.
		for _, name := range []string{"adm\x00in", "admin\xff", "acme\\x\x00y"} {
			if res := c.browser().login("acme.localhost", name, password); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("login as %q: %d, want 422", name, res.StatusCode)
			}
		}
		acme, err := c.store.TenantBySubdomain(context.Background(), "acme")
		if err != nil {
			t.Fatal(err)
		}
		events, err := c.store.AuditEvents(storetest.System(models.WithTenant(context.Background(), acme.ID)), 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 3 || events[0].Action != models.ActionLoginFailed || events[2].Action != models.ActionLoginFailed {
			t.Fatalf("failed logins with unstorable names were not all audited: %+v", events)
		}
	})
}

// A page asked for beyond the last one answers 404 and says which page is
// the last, with a link to it (keeping the search), not an empty table. For
// the audit log, whose pages are cursors, the link is to the newest events.
func TestPagePastTheEndSaysSoAndLinksTheLastPage(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		for i := range 55 {
			c.limitedUser("acme", fmt.Sprintf("user%02d", i), models.Permissions{})
		}
		acme, root := c.browser(), c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		root.signedIn("localhost", "root@example.com")
		for _, tc := range []struct {
			b           *browser
			host, path  string
			text, link  string
			inRangePath string
		}{
			{acme, "acme.localhost", "/users?page=7", "Page 7 is past the end; the last page is 2", "/users?page=2&sort=username", "/users?page=2"},
			{acme, "acme.localhost", "/users?q=user0&page=2", "Page 2 is past the end; the last page is 1", "/users?q=user0&sort=username", "/users?q=user0"},
			{root, "localhost", "/tenants?page=3", "Page 3 is past the end; the last page is 1", "/tenants?sort=name", "/tenants"},
			{root, "localhost", "/tenants/acme/users?page=9", "Page 9 is past the end; the last page is 2", "/tenants/acme/users?page=2&sort=username", "/tenants/acme/users?page=2"},
			{acme, "acme.localhost", "/audit?action=login&before=1", "There is no matching event older than #1", "/audit?action=login", "/audit?action=login"},
		} {
			res := tc.b.get(tc.host, tc.path)
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", tc.path, res.StatusCode)
			}
			d := doc(t, res)
			msg := strings.Join(strings.Fields(d.Find(`[data-testid="list-past-end"]`).Text()), " ")
			if !strings.Contains(msg, tc.text) {
				t.Errorf("%s: past-end message %q, want %q", tc.path, msg, tc.text)
			}
			if href, _ := d.Find(`[data-testid="list-past-end-link"]`).Attr("href"); href != tc.link {
				t.Errorf("%s: link to %q, want %q", tc.path, href, tc.link)
			}
			res = tc.b.get(tc.host, tc.inRangePath)
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s: %d, want 200", tc.inRangePath, res.StatusCode)
			}
			if d := doc(t, res); d.Find(`[data-testid="list-past-end"]`).Length() != 0 {
				t.Errorf("%s, a page that exists, says it is past the end", tc.inRangePath)
			}
		}
	})
}
