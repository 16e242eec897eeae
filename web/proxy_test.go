package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"landlord/config"
	"landlord/models"
	"landlord/models/storetest"
	"landlord/web"
)

// proxied is a console whose LANDLORD_TRUSTED_PROXIES is set, reached by
// handing requests straight to its handler, so each can come from any peer.
type proxied struct {
	t       *testing.T
	store   *models.Store
	handler http.Handler
}

func newProxied(t *testing.T, dialect, trusted string) *proxied {
	t.Helper()
	store := storetest.Open(t, dialect)
	ctx := storetest.System(context.Background())
	if _, err := store.CreateTenant(ctx, models.NewTenant{Subdomain: "acme", Name: "Acme Corp"}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.SetAdminPassword(ctx, "acme", "admin@acme.example", password); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"LANDLORD_TRUSTED_PROXIES": trusted, "LANDLORD_SESSION_SECRET": strings.Repeat("k", 32)}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	handler, err := web.NewServer(cfg, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return &proxied{t: t, store: store, handler: handler}
}

// send serves a request on acme's host arriving from peer with these headers
// (name, value pairs).
func (p *proxied) send(method, path, peer string, body url.Values, cookies []*http.Cookie, header ...string) *http.Response {
	p.t.Helper()
	req := httptest.NewRequest(method, "http://acme.localhost"+path, strings.NewReader(body.Encode()))
	req.RemoteAddr = peer
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	p.handler.ServeHTTP(rec, req)
	return rec.Result()
}

// loginAddress signs in from peer with these headers and returns the address
// the audit log recorded for the login.
func (p *proxied) loginAddress(peer string, header ...string) string {
	p.t.Helper()
	form := p.send(http.MethodGet, "/login", peer, nil, nil, header...)
	tok, _ := doc(p.t, form).Find(`input[name="_csrf"]`).Attr("value")
	res := p.send(http.MethodPost, "/login", peer, url.Values{"username": {"admin@acme.example"}, "password": {password}, "_csrf": {tok}}, form.Cookies(), header...)
	if res.StatusCode != http.StatusSeeOther {
		p.t.Fatalf("login from %s: %d", peer, res.StatusCode)
	}
	ctx := context.Background()
	acme, err := p.store.TenantBySubdomain(ctx, "acme")
	if err != nil {
		p.t.Fatal(err)
	}
	events, err := p.store.AuditEvents(storetest.System(models.WithTenant(ctx, acme.ID)), 1)
	if err != nil || len(events) != 1 || events[0].Action != "login" {
		p.t.Fatalf("audit log after login: %+v %v", events, err)
	}
	return events[0].IP
}

func TestOnlyATrustedProxySaysWhereTheClientIs(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			behindProxy, direct := newProxied(t, d, "10.0.0.0/8, 2001:db8::7"), newProxied(t, d, "")
			cases := []struct {
				name    string
				console *proxied
				peer    string
				xff     string
				want    string
			}{
				{"trusted proxy: the hop it saw", behindProxy, "10.0.0.2:1234", "203.0.113.5", "203.0.113.5"},
				{"trusted proxy: what the client wrote before it is ignored", behindProxy, "10.0.0.2:1234", "198.51.100.9, 203.0.113.5", "203.0.113.5"},
				{"two trusted proxies", behindProxy, "10.0.0.2:1234", "198.51.100.9, 203.0.113.5, 10.9.9.9", "203.0.113.5"},
				{"trusted proxy by its single IPv6 address", behindProxy, "[2001:db8::7]:1234", "203.0.113.5", "203.0.113.5"},
				{"trusted proxy without the header", behindProxy, "10.0.0.2:1234", "", "10.0.0.2"},
				{"untrusted peer", behindProxy, "198.51.100.7:1234", "203.0.113.5", "198.51.100.7"},
				{"private peer outside the ranges", behindProxy, "192.168.1.5:1234", "203.0.113.5", "192.168.1.5"},
				{"loopback is not trusted by default", direct, "127.0.0.1:1234", "203.0.113.5", "127.0.0.1"},
				{"private network is not trusted by default", direct, "10.0.0.2:1234", "203.0.113.5", "10.0.0.2"},
			}
			for _, tc := range cases {
				var header []string
				if tc.xff != "" {
					header = []string{"X-Forwarded-For", tc.xff, "X-Real-IP", "203.0.113.99"}
				}
				if got := tc.console.loginAddress(tc.peer, header...); got != tc.want {
					t.Errorf("%s: login recorded from %q, want %q", tc.name, got, tc.want)
				}
			}
		})
	}
}

func TestOnlyATrustedProxySaysTheClientUsedHTTPS(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			behindProxy, direct := newProxied(t, d, "10.0.0.0/8"), newProxied(t, d, "")
			cases := []struct {
				name    string
				console *proxied
				peer    string
				header  []string
				https   bool
			}{
				{"trusted proxy says https", behindProxy, "10.0.0.2:1234", []string{"X-Forwarded-Proto", "https"}, true},
				{"trusted proxy says http", behindProxy, "10.0.0.2:1234", []string{"X-Forwarded-Proto", "http"}, false},
				{"trusted proxy says nothing", behindProxy, "10.0.0.2:1234", nil, false},
				{"untrusted peer says https", behindProxy, "198.51.100.7:1234", []string{"X-Forwarded-Proto", "https"}, false},
				{"untrusted peer says ssl on", behindProxy, "198.51.100.7:1234", []string{"X-Forwarded-Ssl", "on"}, false},
				{"untrusted peer says url scheme https", behindProxy, "198.51.100.7:1234", []string{"X-Url-Scheme", "https"}, false},
				{"untrusted peer says protocol https", behindProxy, "198.51.100.7:1234", []string{"X-Forwarded-Protocol", "https"}, false},
				{"loopback is not trusted by default", direct, "127.0.0.1:1234", []string{"X-Forwarded-Proto", "https"}, false},
				{"private network is not trusted by default", direct, "10.0.0.2:1234", []string{"X-Forwarded-Proto", "https"}, false},
			}
			for _, tc := range cases {
				res := tc.console.send(http.MethodGet, "/login", tc.peer, nil, nil, tc.header...)
				want := "landlord_session"
				if tc.https {
					want = "__Host-landlord_session"
				}
				cookie := findCookie(res, want)
				if cookie == nil {
					t.Fatalf("%s: no %s cookie in %q", tc.name, want, res.Header.Values("Set-Cookie"))
				}
				if cookie.Secure != tc.https {
					t.Errorf("%s: session cookie Secure = %v, want %v", tc.name, cookie.Secure, tc.https)
				}
				if hsts := res.Header.Get("Strict-Transport-Security") != ""; hsts != tc.https {
					t.Errorf("%s: Strict-Transport-Security sent = %v, want %v", tc.name, hsts, tc.https)
				}
			}
		})
	}
}

func findCookie(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Over https the session cookie is __Host-landlord_session: browsers keep such
// a cookie only if it is Secure, for Path=/ and without Domain, so no sibling
// host can plant one that shadows it. A plain landlord_session cookie, which a
// sibling could set for the parent domain, is not read there.
func TestSessionCookieOverHTTPSIsHostPrefixed(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		p := newProxied(t, d, "10.0.0.0/8")
		const proxy = "10.0.0.2:1234"
		https := []string{"X-Forwarded-Proto", "https"}

		form := p.send(http.MethodGet, "/login", proxy, nil, nil, https...)
		cookie := findCookie(form, "__Host-landlord_session")
		if cookie == nil || findCookie(form, "landlord_session") != nil {
			t.Fatalf("cookies over https: %q", form.Header.Values("Set-Cookie"))
		}
		if !cookie.Secure || cookie.Path != "/" || cookie.Domain != "" {
			t.Fatalf("__Host- cookie needs Secure, Path=/ and no Domain: %+v", cookie)
		}
		tok, _ := doc(t, form).Find(`input[name="_csrf"]`).Attr("value")
		res := p.send(http.MethodPost, "/login", proxy, url.Values{"username": {"admin@acme.example"}, "password": {password}, "_csrf": {tok}}, []*http.Cookie{cookie}, https...)
		signedIn := findCookie(res, "__Host-landlord_session")
		if res.StatusCode != http.StatusSeeOther || signedIn == nil {
			t.Fatalf("login over https: %d %q", res.StatusCode, res.Header.Values("Set-Cookie"))
		}
		if res := p.send(http.MethodGet, "/", proxy, nil, []*http.Cookie{signedIn}, https...); res.StatusCode != http.StatusOK {
			t.Fatalf("dashboard over https: %d", res.StatusCode)
		}

		// A signed-in cookie under the plain name, as one from plain http (or
		// set for the parent domain by a sibling) would be, is not read over https.
		form = p.send(http.MethodGet, "/login", proxy, nil, nil)
		tok, _ = doc(t, form).Find(`input[name="_csrf"]`).Attr("value")
		res = p.send(http.MethodPost, "/login", proxy, url.Values{"username": {"admin@acme.example"}, "password": {password}, "_csrf": {tok}}, form.Cookies())
		plain := findCookie(res, "landlord_session")
		if res.StatusCode != http.StatusSeeOther || plain == nil {
			t.Fatalf("login over http: %d %q", res.StatusCode, res.Header.Values("Set-Cookie"))
		}
		if res := p.send(http.MethodGet, "/", proxy, nil, []*http.Cookie{plain}); res.StatusCode != http.StatusOK {
			t.Fatalf("dashboard over http: %d", res.StatusCode)
		}
		if res := p.send(http.MethodGet, "/", proxy, nil, []*http.Cookie{plain}, https...); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("plain-named cookie over https: %d", res.StatusCode)
		}
	})
}
