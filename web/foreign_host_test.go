package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"landlord/config"
	"landlord/models/storetest"
	"landlord/web"
)

// foreignHostPage asks srv for the login page with the Host header host and
// returns the status and the page.
func foreignHostPage(t *testing.T, srv *web.Server, host string) (int, string, *goquery.Document) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/login", nil)
	req.Host = host
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	body := rec.Body.String()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return rec.Code, body, d
}

func serverOn(t *testing.T, baseDomain string) *web.Server {
	t.Helper()
	cfg := config.Config{BaseDomain: baseDomain, SessionSecret: []byte(strings.Repeat("k", 32))}
	srv, err := web.NewServer(cfg, storetest.Open(t, "sqlite"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// Someone who opens 127.0.0.1:8080 (the address serve listens on) on a
// development install is refused, as any host outside the base domain is,
// but the page links to the console's own address: the configured base
// domain on the port the browser used, whatever name the Host header gives.
func TestForeignHostOnADevelopmentInstallLinksToTheConsole(t *testing.T) {
	cases := []struct{ base, host, want string }{
		{"localhost", "127.0.0.1:8080", "http://localhost:8080/"},
		{"localhost", "127.0.0.1", "http://localhost/"},
		{"localhost", "[::1]:9000", "http://localhost:9000/"},
		{"localhost", "evil.example:8080", "http://localhost:8080/"},
		{"localhost", "localhost.evil.example", "http://localhost/"},
		{"localhost", "evil.example:8080@evil.example", "http://localhost/"},
		{"localhost", "evil.example:http", "http://localhost/"},
		{"dev.localhost", "10.0.0.5:8443", "http://dev.localhost:8443/"},
	}
	servers := map[string]*web.Server{}
	for _, tc := range cases {
		srv := servers[tc.base]
		if srv == nil {
			srv = serverOn(t, tc.base)
			servers[tc.base] = srv
		}
		status, body, d := foreignHostPage(t, srv, tc.host)
		if status != http.StatusBadRequest {
			t.Errorf("%s on %s: status %d, want 400", tc.host, tc.base, status)
		}
		if got := d.Find(`[data-testid="console-link"]`).AttrOr("href", ""); got != tc.want {
			t.Errorf("%s on %s: console link %q, want %q", tc.host, tc.base, got, tc.want)
		}
		if strings.Contains(body, "evil") {
			t.Errorf("%s on %s: the page repeats the forged host name:\n%s", tc.host, tc.base, body)
		}
	}
}

// A production install refuses a foreign host without naming its console:
// whoever scans addresses learns nothing from it.
func TestForeignHostOnAProductionInstallNamesNoConsole(t *testing.T) {
	srv := serverOn(t, "console.example.com")
	for _, host := range []string{"203.0.113.7:8080", "evil.example"} {
		status, body, d := foreignHostPage(t, srv, host)
		if status != http.StatusBadRequest || d.Find(`[data-testid="error-page"]`).Length() == 0 {
			t.Errorf("%s: status %d, want 400 and the error page", host, status)
		}
		if d.Find(`[data-testid="console-link"]`).Length() != 0 || strings.Contains(body, "console.example.com") {
			t.Errorf("%s: the page names the console:\n%s", host, body)
		}
	}
}
