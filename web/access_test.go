package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"landlord/config"
	"landlord/models"
	"landlord/models/storetest"
	"landlord/web"
)

// limitedUser creates, in tenant sub, a user whose role grants perms only.
func (c *console) limitedUser(sub, username string, perms models.Permissions) {
	c.t.Helper()
	ctx := context.Background()
	tn, err := c.store.TenantBySubdomain(ctx, sub)
	if err != nil {
		c.t.Fatal(err)
	}
	ctx = storetest.System(models.WithTenant(ctx, tn.ID))
	role, err := c.store.CreateRole(ctx, models.NewRole{Name: "Role of " + username, Permissions: perms})
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.store.CreateUser(ctx, models.NewUser{Username: username, Password: password, RoleID: role.ID}); err != nil {
		c.t.Fatal(err)
	}
}

// ownPath fills a route's ":id" with the id of a record of tenant sub that
// the route's part before ":id" names, so its owner's visit finds it.
func (c *console) ownPath(path, sub string) string {
	c.t.Helper()
	if strings.Contains(path, ":key") {
		return strings.ReplaceAll(path, ":key", c.kindKey())
	}
	prefix, rest, ok := strings.Cut(path, ":id")
	if !ok {
		return path
	}
	tn, err := c.store.TenantBySubdomain(context.Background(), sub)
	if err != nil {
		c.t.Fatal(err)
	}
	ctx := storetest.System(models.WithTenant(context.Background(), tn.ID))
	var id uint64
	switch prefix {
	case "/audit/":
		evs, _, err := c.store.AuditPage(ctx, models.AuditFilter{})
		if err != nil || len(evs) == 0 {
			c.t.Fatalf("no audit event in %s: %v", sub, err)
		}
		id = evs[0].ID
	case "/users/", "/tenants/" + sub + "/users/":
		id = c.userNamed(sub, "admin@"+sub+".example")
	case "/roles/":
		id = c.roleNamed(sub, models.AdminRoleName)
	case "/tenant-roles/":
		id = c.tenantRoleNamed("Standard")
	case "/resources/":
		id = c.resourceIn(sub, "walked").ID
	case "/resource-groups/":
		id = c.groupIn(sub, "Walked").ID
	case "/impersonations/":
		id = 1 // only ever posted to, and refused before it is looked up
	default:
		c.t.Fatalf("%s: no record of %s to fill its :id with; add one to ownPath", path, sub)
	}
	return prefix + strconv.FormatUint(id, 10) + rest
}

// csrfOf reads the CSRF token of the signed-in session on host from its dashboard.
func (b *browser) csrfOf(host string) string {
	b.c.t.Helper()
	tok, _ := b.mustSeeDashboard(host).Find(`input[name="_csrf"]`).Attr("value")
	if tok == "" {
		b.c.t.Fatal("no CSRF token on the dashboard")
	}
	return tok
}

// TestEveryRouteRefusesWhoItDoesNotDeclare walks the router's own table: every
// route that is not public, called with no session, with another tenant's
// session, and as a user below its declared level, answers the login redirect,
// a refusal or 403, never the page.
func TestEveryRouteRefusesWhoItDoesNotDeclare(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		srv := c.server
		routes, declared := srv.RegisteredRoutes()
		c.limitedUser("acme", "nobody", models.Permissions{})
		c.limitedUser("master", "bystander", models.Permissions{})

		acmeAdmin := c.browser()
		acmeAdmin.signedIn("acme.localhost", "admin@acme.example")
		betaAdmin := c.browser()
		betaAdmin.signedIn("beta.localhost", "admin@beta.example")
		masterAdmin := c.browser()
		masterAdmin.signedIn("localhost", "root@example.com")
		nobody := c.browser()
		nobody.signedIn("acme.localhost", "nobody")
		bystander := c.browser()
		bystander.signedIn("localhost", "bystander")

		// Routes of one user name acme's admin, whom every owner below may see.
		walked := 0
		for _, r := range routes {
			if r.Method == echo.RouteNotFound {
				continue
			}
			a, ok := declared[r.Method+" "+r.Path]
			if !ok {
				t.Fatalf("%s %s is on the router but declared nowhere", r.Method, r.Path)
			}
			if a.Public {
				continue
			}
			walked++
			host, owner, other := "acme.localhost", acmeAdmin, betaAdmin
			if a.Master {
				host, owner, other = "localhost", masterAdmin, acmeAdmin
			}
			// The record a path names belongs to the tenant it names, else to the host's.
			data := strings.TrimSuffix(host, ".localhost")
			if host == "localhost" {
				data = "master"
			}
			if strings.Contains(r.Path, ":subdomain") {
				data = "acme"
			}
			path := c.ownPath(strings.ReplaceAll(r.Path, ":subdomain", "acme"), data)
			name := r.Method + " " + r.Path

			// No session at all.
			refused(t, name+" anonymous", c.browser().call(r.Method, host, path, ""))
			// Another tenant's signed-in cookie, sent to this host by hand.
			otherHost := "beta.localhost"
			if a.Master {
				otherHost = "acme.localhost"
			}
			cookie := other.sessionCookie(otherHost)
			res := c.browser().call(r.Method, host, path, "", "Cookie", cookie.Name+"="+cookie.Value)
			refused(t, name+" with another tenant's session", res)

			// A user of this host below the declared level.
			if a.Feature != "" || a.Master {
				low := nobody
				if a.Master {
					low = bystander
				}
				res := low.call(r.Method, host, path, low.csrfOf(host))
				if res.StatusCode != http.StatusForbidden {
					t.Errorf("%s below its level: %d, want 403", name, res.StatusCode)
				}
			}
			// A master-only page does not exist on a tenant's host, even for its admin.
			if a.Master {
				res := acmeAdmin.call(r.Method, "acme.localhost", path, acmeAdmin.csrfOf("acme.localhost"))
				if res.StatusCode != http.StatusNotFound {
					t.Errorf("%s on a tenant's host: %d, want 404", name, res.StatusCode)
				}
			}
			// And the owner gets it, so the refusals above are about who asks.
			if r.Method == http.MethodGet {
				if res := owner.call(r.Method, host, path, ""); res.StatusCode != http.StatusOK {
					t.Errorf("%s as its owner: %d, want 200", name, res.StatusCode)
				}
			}
		}
		if walked < 5 {
			t.Fatalf("walked %d protected routes; the table should have more", walked)
		}
	})
}

// refused fails unless res is the login redirect or a refusal (4xx).
func refused(t *testing.T, what string, res *http.Response) {
	t.Helper()
	switch {
	case res.StatusCode == http.StatusSeeOther && res.Header.Get("Location") == "/login":
	case res.StatusCode >= 400 && res.StatusCode < 500:
	default:
		t.Errorf("%s: %d (Location %q), want the login redirect or a refusal", what, res.StatusCode, res.Header.Get("Location"))
	}
}

// call requests path on host with method; a POST carries csrf as its token.
func (b *browser) call(method, host, path, csrf string, header ...string) *http.Response {
	b.c.t.Helper()
	if method == http.MethodPost {
		form := map[string][]string{"_csrf": {csrf}, "version": {"1"}, "name": {"x"}}
		return b.post(host, path, form, header...)
	}
	req, _ := http.NewRequest(method, b.at(host, path), nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

func TestServerWithTheRealTablesStarts(t *testing.T) {
	store := storetest.Open(t, "sqlite")
	cfg := config.Config{BaseDomain: "localhost", SessionSecret: []byte(strings.Repeat("k", 32))}
	if _, err := web.NewServer(cfg, store, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatalf("the declared routes should start: %v", err)
	}
}

func TestNavigationShowsOnlyLinksThePersonMayOpen(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("acme", "reader", models.Permissions{models.FeatureUsers: models.LevelRead})
		links := func(b *browser, host string) string {
			var out []string
			b.mustSeeDashboard(host).Find(`[data-testid="nav"] a`).Each(func(_ int, s *goquery.Selection) {
				out = append(out, s.AttrOr("href", ""))
			})
			return strings.Join(out, " ")
		}
		master, admin, reader := c.browser(), c.browser(), c.browser()
		master.signedIn("localhost", "root@example.com")
		admin.signedIn("acme.localhost", "admin@acme.example")
		reader.signedIn("acme.localhost", "reader")
		for _, tc := range []struct {
			who  string
			b    *browser
			host string
			want string
		}{
			{"master admin", master, "localhost", "/ /tenants /usage /tenant-roles /users /roles /resources /resource-groups /resource-kinds /sharing /audit /support-access /settings"},
			{"tenant admin", admin, "acme.localhost", "/ /users /roles /resources /resource-groups /audit /support-access /settings"},
			{"user reader", reader, "acme.localhost", "/ /users /settings"},
		} {
			if got := links(tc.b, tc.host); got != tc.want {
				t.Errorf("%s sees %q, want %q", tc.who, got, tc.want)
			}
		}
		// The reader may list users but not export them: no export link, and 403.
		d := doc(t, reader.get("acme.localhost", "/users"))
		if d.Find(`[data-testid="export-csv"]`).Length() != 0 {
			t.Error("a user without export rights sees the export link")
		}
		if res := reader.get("acme.localhost", "/users/export"); res.StatusCode != http.StatusForbidden {
			t.Errorf("export without the right: %d", res.StatusCode)
		}
	})
}

func TestCachingHeaders(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		for _, p := range []string{"/", "/users", "/login"} {
			if cc := b.get("acme.localhost", p).Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("%s: Cache-Control %q, want no-store", p, cc)
			}
		}
		if res := b.get("acme.localhost", "/static/app.css"); res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Cache-Control"), "public") {
			t.Errorf("asset: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
		}
		if res := b.get("acme.localhost", "/static/missing.css"); res.StatusCode != http.StatusNotFound || strings.Contains(res.Header.Get("Cache-Control"), "public") {
			t.Errorf("missing asset: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
		}
		res := b.get("anything.example", "/favicon.ico")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/x-icon" {
			t.Errorf("favicon: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
	})
}

// TestRevocationReachesEveryServerProcess runs two servers on one database, as
// two replicas behind a load balancer: what one of them ends, the other refuses
// on the very next request.
func TestRevocationReachesEveryServerProcess(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		cfg := config.Config{BaseDomain: "localhost", SessionSecret: []byte(strings.Repeat("k", 32))}
		other, err := web.NewServer(cfg, c.store, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		replica := httptest.NewServer(other)
		t.Cleanup(replica.Close)
		onReplica := func(cookie *http.Cookie) *http.Response {
			req, _ := http.NewRequest(http.MethodGet, replica.URL+"/", nil)
			req.Host = "acme.localhost"
			req.AddCookie(cookie)
			res, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res
		}
		signIn := func() (*browser, *http.Cookie) {
			b := c.browser()
			b.signedIn("acme.localhost", "admin@acme.example")
			cookie := b.sessionCookie("acme.localhost")
			if res := onReplica(cookie); res.StatusCode != http.StatusOK {
				t.Fatalf("the replica refuses a good session: %d", res.StatusCode)
			}
			return b, cookie
		}
		ended := func(what string, cookie *http.Cookie) {
			t.Helper()
			if res := onReplica(cookie); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
				t.Errorf("after %s the replica still serves the session: %d", what, res.StatusCode)
			}
		}

		b, cookie := signIn()
		b.post("acme.localhost", "/logout", url.Values{"_csrf": {b.csrfOf("acme.localhost")}})
		ended("logout on the other server", cookie)

		_, cookie = signIn()
		acme, _ := c.store.TenantBySubdomain(context.Background(), "acme")
		// Another full-rights admin, since acme's last one cannot be disabled.
		if _, err := c.store.SetAdminPassword(storetest.System(context.Background()), "acme", "second@acme.example", password); err != nil {
			t.Fatal(err)
		}
		admin := c.userNamed("acme", "admin@acme.example")
		if err := c.store.SetUserEnabled(storetest.System(models.WithTenant(context.Background(), acme.ID)), admin, false); err != nil {
			t.Fatal(err)
		}
		ended("disabling the user", cookie)
		if err := c.store.SetUserEnabled(storetest.System(models.WithTenant(context.Background(), acme.ID)), admin, true); err != nil {
			t.Fatal(err)
		}

		_, cookie = signIn()
		if _, err := c.store.SetAdminPassword(storetest.System(context.Background()), "acme", "admin@acme.example", password); err != nil {
			t.Fatal(err)
		}
		ended("a password reset", cookie)

		_, cookie = signIn()
		if err := c.store.SetTenantEnabled(storetest.System(context.Background()), "acme", false); err != nil {
			t.Fatal(err)
		}
		ended("disabling the tenant", cookie)
	})
}

// userNamed finds a user's id by username, for tests.
func (c *console) userNamed(sub, username string) uint64 {
	c.t.Helper()
	tn, err := c.store.TenantBySubdomain(context.Background(), sub)
	if err != nil {
		c.t.Fatal(err)
	}
	p, err := c.store.UsersPage(storetest.System(models.WithTenant(context.Background(), tn.ID)), models.ListQuery{Search: username})
	if err != nil || len(p.Rows) != 1 {
		c.t.Fatalf("user %s in %s: %v (%d found)", username, sub, err, len(p.Rows))
	}
	return p.Rows[0].ID
}

func itoa(id uint64) string { return strconv.FormatUint(id, 10) }

// roleNamed is the id of a role of tenant sub, for tests.
func (c *console) roleNamed(sub, name string) uint64 {
	c.t.Helper()
	tn, err := c.store.TenantBySubdomain(context.Background(), sub)
	if err != nil {
		c.t.Fatal(err)
	}
	rows, err := c.store.Roles(storetest.System(models.WithTenant(context.Background(), tn.ID)))
	if err != nil {
		c.t.Fatal(err)
	}
	for _, r := range rows {
		if r.Name == name {
			return r.ID
		}
	}
	c.t.Fatalf("no role %q in %s", name, sub)
	return 0
}

// tenantRoleNamed is the id of a tenant role, for tests.
func (c *console) tenantRoleNamed(name string) uint64 {
	c.t.Helper()
	rows, err := c.store.TenantRoles(storetest.System(context.Background()))
	if err != nil {
		c.t.Fatal(err)
	}
	for _, r := range rows {
		if r.Name == name {
			return r.ID
		}
	}
	c.t.Fatalf("no tenant role %q", name)
	return 0
}
