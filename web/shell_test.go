package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"landlord/models"
)

// The console's shell over HTTP: the navigation's groups and its narrow
// menu in the HTML, breadcrumbs below every list, every page reachable from
// the navigation, and a dashboard that shows the visitor's own tenant only.

func navHrefs(d *goquery.Document, sel string) string {
	var out []string
	d.Find(sel).Each(func(_ int, s *goquery.Selection) { out = append(out, s.AttrOr("href", "")) })
	return strings.Join(out, " ")
}

func TestNavigationIsGroupedByAreaAndFoldsIntoADisclosureMenu(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		d := master.mustSeeDashboard("localhost")
		var groups []string
		d.Find(`[data-testid="nav"] [data-testid="nav-group"]`).Each(func(_ int, s *goquery.Selection) { groups = append(groups, s.Text()) })
		if got := strings.Join(groups, ", "); got != "Tenants, Users and roles, Resources, Audit" {
			t.Errorf("the navigation's areas: %q", got)
		}
		// Each area's links sit under its heading: Tenant roles beside Tenants.
		if got := navHrefs(d, `[data-testid="nav"] ul:has(a[href="/tenants"]) a`); got != "/tenants /usage /tenant-roles" {
			t.Errorf("the Tenants area holds %q", got)
		}
		// The narrow screen's menu is a disclosure (it opens without
		// JavaScript), closed, holding the same links in the same order.
		menu := d.Find(`details[data-testid="nav-menu"]`)
		if menu.Length() != 1 || menu.Children().First().Is("summary") == false {
			t.Fatalf("no <details> menu with its <summary> in the header")
		}
		if _, open := menu.Attr("open"); open {
			t.Error("the menu comes open")
		}
		if side, folded := navHrefs(d, `[data-testid="nav"] a`), navHrefs(d, `[data-testid="nav-menu"] a`); side != folded {
			t.Errorf("the menu holds %q, the side navigation %q", folded, side)
		}
		// The current page is marked, and a page below a list marks its list.
		if got := d.Find(`[data-testid="nav"] a[aria-current="page"]`).AttrOr("href", ""); got != "/" {
			t.Errorf("on the dashboard the current link is %q", got)
		}
		u := doc(t, master.get("localhost", "/tenants/acme/users"))
		if got := u.Find(`[data-testid="nav"] a[aria-current]`).AttrOr("href", ""); got != "/tenants" {
			t.Errorf("below the tenant list the marked link is %q", got)
		}
	})
}

// crumbs reads a page's breadcrumbs as "label>href" steps, the last without href.
func crumbs(d *goquery.Document) string {
	var out []string
	d.Find(`[data-testid="breadcrumbs"] li`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.TrimSpace(s.Text())+">"+s.Find("a").AttrOr("href", ""))
	})
	return strings.Join(out, " ")
}

func TestPagesBelowAListShowTheWayBack(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		acmeAdmin := strconv.FormatUint(c.userNamed("acme", "admin@acme.example"), 10)
		role := strconv.FormatUint(c.roleNamed("acme", models.AdminRoleName), 10)
		tenantRole := strconv.FormatUint(c.tenantRoleNamed("Standard"), 10)
		events, _, err := c.store.AuditPage(c.tenantCtx("acme"), models.AuditFilter{})
		if err != nil || len(events) == 0 {
			t.Fatal("no event in acme's log", err)
		}
		event := strconv.FormatUint(events[0].ID, 10)
		for _, tc := range []struct {
			b          *browser
			host, path string
			want       string
		}{
			{master, "localhost", "/tenants/acme", "Tenants>/tenants Acme Corp>"},
			{master, "localhost", "/tenants/acme/edit", "Tenants>/tenants Acme Corp>/tenants/acme Edit>"},
			{master, "localhost", "/tenants/acme/delete", "Tenants>/tenants Acme Corp>/tenants/acme Delete>"},
			{master, "localhost", "/tenants/new", "Tenants>/tenants New tenant>"},
			{master, "localhost", "/tenants/acme/users", "Tenants>/tenants Acme Corp>/tenants/acme Users>"},
			{master, "localhost", "/tenants/acme/users/" + acmeAdmin, "Tenants>/tenants Acme Corp>/tenants/acme Users>/tenants/acme/users admin@acme.example>"},
			{master, "localhost", "/tenants/acme/users/" + acmeAdmin + "/password", "Tenants>/tenants Acme Corp>/tenants/acme Users>/tenants/acme/users admin@acme.example>/tenants/acme/users/" + acmeAdmin + " Set password>"},
			{master, "localhost", "/tenant-roles/new", "Tenant roles>/tenant-roles New tenant role>"},
			{master, "localhost", "/tenant-roles/" + tenantRole + "/edit", "Tenant roles>/tenant-roles Edit Standard>"},
			{master, "localhost", "/resource-kinds/new", "Resource kinds>/resource-kinds New kind>"},
			{master, "localhost", "/resource-kinds/" + c.kindKey() + "/delete", "Resource kinds>/resource-kinds Delete network>"},
			{admin, "acme.localhost", "/users/" + acmeAdmin, "Users>/users admin@acme.example>"},
			{admin, "acme.localhost", "/users/" + acmeAdmin + "/edit", "Users>/users admin@acme.example>/users/" + acmeAdmin + " Edit>"},
			{admin, "acme.localhost", "/users/" + acmeAdmin + "/permissions", "Users>/users admin@acme.example>/users/" + acmeAdmin + " Permissions>"},
			{admin, "acme.localhost", "/users/new", "Users>/users New user>"},
			{admin, "acme.localhost", "/roles/new", "Roles>/roles New role>"},
			{admin, "acme.localhost", "/roles/" + role + "/edit", "Roles>/roles Edit Administrator>"},
			{admin, "acme.localhost", "/audit/" + event, "Audit log>/audit Event " + event + ">"},
			{admin, "acme.localhost", "/audit/verify", "Audit log>/audit Verify the chain>"},
		} {
			res := tc.b.get(tc.host, tc.path)
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s: %d", tc.path, res.StatusCode)
				continue
			}
			if got := crumbs(doc(t, res)); got != tc.want {
				t.Errorf("%s: breadcrumbs %q, want %q", tc.path, got, tc.want)
			}
		}
		// A list itself has none: the navigation is its way back.
		for _, p := range []string{"/", "/users", "/roles", "/audit"} {
			if got := crumbs(doc(t, admin.get("acme.localhost", p))); got != "" {
				t.Errorf("%s has breadcrumbs %q", p, got)
			}
		}
	})
}

// TestEveryPageIsReachableFromTheNavigation follows, from the dashboard, the
// navigation's links and then every link on the pages they lead to, and
// finds each page the router serves to the tenant's admin or the master's:
// none is reached only by typing its address.
func TestEveryPageIsReachableFromTheNavigation(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		routes, declared := c.server.RegisteredRoutes()
		// Someone the admin may edit and delete, with a role that is not theirs.
		c.limitedUser("acme", "reader", models.Permissions{models.FeatureUsers: models.LevelRead})
		c.resourceNamed("master", "shared-net") // a sharing page to reach
		c.kindKey()                             // a kind to edit and delete
		c.resourceIn("acme", "walked")          // a resource and a group of acme's to open, edit and delete
		c.groupIn("acme", "Walked")
		master := c.browser()
		master.signedIn("localhost", "root@example.com")
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		// Pages that are not pages of their own: fragments, downloads, sign-in steps.
		notPages := map[string]bool{"/support-access/panel": true, "/login/handoff": true, "/login": true, "/users/export": true, "/audit/export": true, "/usage.csv": true}
		for _, who := range []struct {
			b      *browser
			host   string
			master bool
		}{{master, "localhost", true}, {admin, "acme.localhost", false}} {
			reached := crawl(t, who.b, who.host)
			nav := " " + navHrefs(who.b.mustSeeDashboard(who.host), `[data-testid="nav"] a`) + " "
			for _, r := range routes {
				a := declared[r.Method+" "+r.Path]
				if r.Method != http.MethodGet || r.Method == echo.RouteNotFound || a.Public || a.Master != who.master || notPages[r.Path] || strings.HasPrefix(r.Path, "/static") {
					continue
				}
				pattern := regexp.MustCompile("^" + regexp.MustCompile(`:[a-z]+`).ReplaceAllString(regexp.QuoteMeta(r.Path), `[^/]+`) + "$")
				found := false
				for p := range reached {
					if pattern.MatchString(p) {
						found = true
						break
					}
				}
				if !found {
					t.Errorf("on %s no link leads to %s", who.host, r.Path)
				}
				// A page of the first level is in the navigation itself, not
				// only behind a link in some page's text.
				if strings.Count(r.Path, "/") == 1 && !strings.Contains(nav, " "+r.Path+" ") {
					t.Errorf("on %s the navigation has no link to %s", who.host, r.Path)
				}
			}
		}
	})
}

// crawl follows the navigation from the dashboard and every link of the
// pages reached (on host, GET only), and returns the paths it opened.
func crawl(t *testing.T, b *browser, host string) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	d := b.mustSeeDashboard(host)
	var queue []string
	d.Find(`[data-testid="nav"] a`).Each(func(_ int, s *goquery.Selection) { queue = append(queue, s.AttrOr("href", "")) })
	for len(queue) > 0 && len(seen) < 150 {
		p := queue[0]
		queue = queue[1:]
		u, err := url.Parse(p)
		if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") || seen[u.Path] {
			continue
		}
		seen[u.Path] = true
		res := b.get(host, u.Path)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			res.Body.Close()
			continue
		}
		doc(t, res).Find(`a[href]`).Each(func(_ int, s *goquery.Selection) { queue = append(queue, s.AttrOr("href", "")) })
	}
	return seen
}
