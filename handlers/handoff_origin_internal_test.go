package handlers

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

// The server tests send every handoff with an explicit port on both sides;
// these cover what a browser does when a port is the scheme's default (it
// leaves it out of Origin, while Host may carry it) and an Origin that does
// not even parse.
func TestHandoffOriginCheckKnowsDefaultPortsAndRefusesUnreadableOrigins(t *testing.T) {
	e := echo.New()
	for _, tc := range []struct {
		name, scheme, host, origin string
		want                       bool
	}{
		{"http, port 80 in Host only", "http", "acme.localhost:80", "http://localhost", true},
		{"http, port 80 in Origin only", "http", "acme.localhost", "http://localhost:80", true},
		{"https, port 443 in Host only", "https", "acme.localhost:443", "https://localhost", true},
		{"https, no ports", "https", "acme.localhost", "https://localhost", true},
		{"http's default is not 8080", "http", "acme.localhost:8080", "http://localhost", false},
		{"https's default is not 80", "https", "acme.localhost", "https://localhost:80", false},
		{"an Origin that does not parse", "http", "acme.localhost", "http://[::1", false},
		{"Origin null", "http", "acme.localhost", "null", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/login/handoff", nil)
			req.Host = tc.host
			req.Header.Set("Origin", tc.origin)
			if tc.scheme == "https" {
				req.TLS = &tls.ConnectionState{}
			}
			c := e.NewContext(req, httptest.NewRecorder())
			if got := fromBaseDomain(c, "localhost"); got != tc.want {
				t.Errorf("from %q to %s://%s: %v, want %v", tc.origin, tc.scheme, tc.host, got, tc.want)
			}
		})
	}
}

// A base-domain login sends the browser to the tenant's host on the port the
// request came in on, and writes no port when it came in on none.
func TestTenantAddressKeepsTheRequestsPortOnly(t *testing.T) {
	e := echo.New()
	for host, want := range map[string]string{
		"localhost:8080": "http://acme.localhost:8080/p",
		"localhost":      "http://acme.localhost/p",
		"localhost:":     "http://acme.localhost/p",
	} {
		req := httptest.NewRequest(http.MethodPost, "/login", nil)
		req.Host = host
		if got := tenantURL(e.NewContext(req, httptest.NewRecorder()), "localhost", "acme", "/p"); got != want {
			t.Errorf("from Host %q: %s, want %s", host, got, want)
		}
	}
}
