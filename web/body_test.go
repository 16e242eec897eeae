package web_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"landlord/config"
	"landlord/web"
)

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// failingBody gives the start of a form, then fails with err, as a request
// body does when the client stops sending before the server's read deadline
// (a timeout) or the connection breaks.
type failingBody struct {
	sent bool
	err  error
}

func (b *failingBody) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		return copy(p, "username=admin%40acme.example&pass"), nil
	}
	return 0, b.err
}

func TestFormBodyThatFailsToArriveIsAnsweredForWhatItIs(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		var logs bytes.Buffer
		cfg := config.Config{Addr: ":0", BaseDomain: "localhost", SessionSecret: []byte(strings.Repeat("k", 32))}
		srv, err := web.NewServer(cfg, c.store, slog.New(slog.NewTextHandler(&logs, nil)))
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://acme.localhost/login", nil))
		form := rec.Result()
		tok, _ := doc(t, form).Find(`input[name="_csrf"]`).Attr("value")

		for _, tc := range []struct {
			name   string
			err    error
			header bool // the CSRF token comes in a header, so nothing else needs the body first
			status int
		}{
			{"timeout", timeoutError{}, false, http.StatusRequestTimeout},
			{"timeout, token in header", timeoutError{}, true, http.StatusRequestTimeout},
			{"broken connection", errors.New("connection reset by peer"), false, http.StatusBadRequest},
			{"broken connection, token in header", errors.New("connection reset by peer"), true, http.StatusBadRequest},
			{"past the body limit, no length given", nil, false, http.StatusRequestEntityTooLarge},
		} {
			logs.Reset()
			var body io.Reader = &failingBody{err: tc.err}
			if tc.err == nil {
				body = strings.NewReader("username=" + strings.Repeat("a", 2<<20))
			}
			req := httptest.NewRequest(http.MethodPost, "http://acme.localhost/login", io.NopCloser(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for _, ck := range form.Cookies() {
				req.AddCookie(ck)
			}
			if tc.header {
				req.Header.Set("X-CSRF-Token", tok)
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Errorf("%s: status %d, want %d", tc.name, rec.Code, tc.status)
			}
			if want := fmt.Sprintf("path=/login status=%d", tc.status); !strings.Contains(logs.String(), want) {
				t.Errorf("%s: logged %q, want %s", tc.name, logs.String(), want)
			}
		}
	})
}
