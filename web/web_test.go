package web_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"landlord/config"
	"landlord/models"
	"landlord/models/storetest"
	"landlord/web"
)

const password = storetest.Password

// console is a running server on one database with a master admin and two
// tenants, acme and beta, each with an admin.
type console struct {
	t      testing.TB
	store  *models.Store
	server *web.Server
	url    *url.URL // the test server's address; every host name is dialed there
}

func newConsole(t testing.TB, dialect string) *console {
	t.Helper()
	store := storetest.Open(t, dialect)
	storetest.TwoTenants(t, store)
	return serve(t, store, config.Config{})
}

// serve starts a server on store with cfg's trusted proxies.
func serve(t testing.TB, store *models.Store, cfg config.Config) *console {
	t.Helper()
	cfg = config.Config{Addr: ":0", BaseDomain: "localhost", SessionSecret: []byte(strings.Repeat("k", 32)), TrustedProxies: cfg.TrustedProxies}
	handler, err := web.NewServer(cfg, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	// As landlord serve does: once the server is built, no connection of the
	// owner is left for a request to reach.
	if err := store.CloseOwner(); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return &console{t: t, store: store, server: handler, url: u}
}

// browser is one person's user agent: its own cookie jar, no automatic redirects.
type browser struct {
	c      *console
	client *http.Client
}

func (c *console) browser() *browser {
	jar, _ := cookiejar.New(nil)
	addr := c.url.Host
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	return &browser{c: c, client: &http.Client{
		Jar: jar, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// at makes an absolute URL on host (e.g. "acme.localhost") at the server's port.
func (b *browser) at(host, path string) string {
	return "http://" + host + ":" + b.c.url.Port() + path
}

func (b *browser) do(req *http.Request) *http.Response {
	b.c.t.Helper()
	res, err := b.client.Do(req)
	if err != nil {
		b.c.t.Fatal(err)
	}
	b.c.t.Cleanup(func() { res.Body.Close() })
	return res
}

func (b *browser) get(host, path string) *http.Response {
	b.c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.at(host, path), nil)
	return b.do(req)
}

func (b *browser) post(host, path string, form url.Values, header ...string) *http.Response {
	b.c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.at(host, path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

func doc(t testing.TB, res *http.Response) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// csrf loads the login page on host and returns its CSRF token.
func (b *browser) csrf(host string) string {
	b.c.t.Helper()
	res := b.get(host, "/login")
	if res.StatusCode != http.StatusOK {
		b.c.t.Fatalf("GET %s/login: %d", host, res.StatusCode)
	}
	tok, ok := doc(b.c.t, res).Find(`input[name="_csrf"]`).Attr("value")
	if !ok || tok == "" {
		b.c.t.Fatal("login form has no CSRF token")
	}
	return tok
}

// login posts the login form on host and returns the response (not followed).
func (b *browser) login(host, username, pw string) *http.Response {
	b.c.t.Helper()
	return b.post(host, "/login", url.Values{"username": {username}, "password": {pw}, "_csrf": {b.csrf(host)}})
}

// signedIn logs in and fails the test unless the dashboard opens on host.
func (b *browser) signedIn(host, username string) {
	b.c.t.Helper()
	res := b.login(host, username, password)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		b.c.t.Fatalf("login %s at %s: %d %s", username, host, res.StatusCode, res.Header.Get("Location"))
	}
	b.mustSeeDashboard(host)
}

func (b *browser) mustSeeDashboard(host string) *goquery.Document {
	b.c.t.Helper()
	res := b.get(host, "/")
	if res.StatusCode != http.StatusOK {
		b.c.t.Fatalf("dashboard on %s: %d (Location %q)", host, res.StatusCode, res.Header.Get("Location"))
	}
	d := doc(b.c.t, res)
	if d.Find(`[data-testid="dashboard"]`).Length() != 1 {
		b.c.t.Fatalf("dashboard on %s did not render", host)
	}
	return d
}

func (b *browser) sessionCookie(host string) *http.Cookie {
	u, _ := url.Parse(b.at(host, "/"))
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "landlord_session" {
			return c
		}
	}
	return nil
}

// forEachDB runs a test on SQLite and PostgreSQL.
func forEachDB(t *testing.T, fn func(t *testing.T, c *console)) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) { fn(t, newConsole(t, d)) })
}
