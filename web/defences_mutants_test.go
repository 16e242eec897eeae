package web_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"landlord/config"
	"landlord/models/storetest"
	"landlord/web"
)

// These tests pin down behaviour that mutation testing showed no other test
// relied on (see docs/testing.md).

func TestSigningOutSaysSoOnTheLoginPage(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		res := b.post("acme.localhost", "/logout", url.Values{"_csrf": {b.csrfOf("acme.localhost")}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Fatalf("logout: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		res = b.get("acme.localhost", "/login")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("login page after logout: %d", res.StatusCode)
		}
		if doc(t, res).Find(`[data-testid="flash"]`).Length() != 1 {
			t.Error("the login page after signing out does not say the person signed out")
		}
	})
}

// An anonymous page view is sent to the login page; any other anonymous
// request, even with a good CSRF token, is refused outright, since redirecting
// a POST would lose what it carried.
func TestAnonymousPageViewsGoToLoginAndAnonymousPostsAreRefused(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		if res := b.get("acme.localhost", "/users"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Errorf("anonymous GET /users: %d %q, want the login redirect", res.StatusCode, res.Header.Get("Location"))
		}
		res := b.post("localhost", "/tenants/acme/edit", url.Values{"_csrf": {b.csrf("localhost")}, "version": {"1"}, "name": {"x"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("anonymous POST with a good token: %d %q, want 403", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

// lockedBuffer collects a server's log lines while requests are running.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// requestLevels is the level each status's request line was logged at.
func (b *lockedBuffer) requestLevels() map[int]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	levels := map[int]string{}
	sc := bufio.NewScanner(bytes.NewReader(b.buf.Bytes()))
	for sc.Scan() {
		var line struct {
			Level  string `json:"level"`
			Msg    string `json:"msg"`
			Status int    `json:"status"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "request" {
			levels[line.Status] = line.Level
		}
	}
	return levels
}

// Operators alert on ERROR lines: a server error must be one, an ordinary
// answer must not.
func TestServerErrorsAreLoggedAsErrorsAndTheRestAsInfo(t *testing.T) {
	store := storetest.Open(t, "sqlite")
	storetest.TwoTenants(t, store)
	logs := &lockedBuffer{}
	cfg := config.Config{BaseDomain: "localhost", SessionSecret: []byte(strings.Repeat("k", 32))}
	handler, err := web.NewServer(cfg, store, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	c := &console{t: t, store: store, server: handler, url: u}

	b := c.browser()
	if res := b.get("acme.localhost", "/login"); res.StatusCode != http.StatusOK {
		t.Fatalf("login page: %d", res.StatusCode)
	}
	if res := b.get("nosuch.localhost", "/login"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown tenant: %d", res.StatusCode)
	}
	store.Close() // every query now fails
	if res := b.get("acme.localhost", "/login"); res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("login page without a database: %d", res.StatusCode)
	}
	want := map[int]string{200: "INFO", 404: "INFO", 500: "ERROR"}
	// The line is written as the response goes out; give it a moment.
	var got map[int]string
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if got = logs.requestLevels(); len(got) == len(want) {
			break
		}
	}
	for status, level := range want {
		if got[status] != level {
			t.Errorf("a %d request was logged at %q, want %s", status, got[status], level)
		}
	}
}
