package handlers

import (
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

// The user list's read ahead goes with the session check for pages, sorts
// and orders, never for a search, which would run even for a session that
// has ended.
func TestTheUserListIsReadAheadForPagesButNotForSearches(t *testing.T) {
	e := echo.New()
	for target, want := range map[string]bool{
		"/users":                            true,
		"/users?sort=email&dir=desc&page=3": true,
		"/users?q=ops":                      false,
		"/users?q=ops&page=2":               false,
	} {
		c := e.NewContext(httptest.NewRequest("GET", target, nil), httptest.NewRecorder())
		if got := UsersPrefetch(c, 7) != nil; got != want {
			t.Errorf("%s: read ahead %v, want %v", target, got, want)
		}
	}
}
