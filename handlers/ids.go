package handlers

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"
)

// Ids as paths, queries and forms carry them. Both databases keep ids in a
// signed 64-bit column, so an id is a decimal from 1 to 2^63-1, written as
// the pages write it: digits only, no sign, no spaces, no leading zero.
// Anything else, 2^63 and above included, names nothing; it never reaches
// the database, where PostgreSQL would refuse it as out of range.

// ParseID reads an id; ok is false when s names nothing.
func ParseID(s string) (id uint64, ok bool) {
	if !canonicalDecimal(s) {
		return 0, false
	}
	id, err := strconv.ParseUint(s, 10, 63)
	if err != nil || id == 0 {
		return 0, false
	}
	return id, true
}

// canonicalDecimal is true for "0" and for digits that do not start with 0.
func canonicalDecimal(s string) bool {
	if s == "" || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// pathID is the route's :id; one that is not an id is a 404.
func pathID(c echo.Context) (uint64, error) {
	id, ok := ParseID(c.Param("id"))
	if !ok {
		return 0, echo.ErrNotFound
	}
	return id, nil
}

// errFormIncomplete answers a form whose hidden version is missing or is
// no number: not something a person typed, so not a field of theirs.
var errFormIncomplete = echo.NewHTTPError(http.StatusBadRequest, "The form is incomplete. Reload the page and try again.")

// parseVersion reads a form's hidden version, the one its record was read
// at. No number is errFormIncomplete; a number no record can have (0, or
// beyond 2^31-1, the most PostgreSQL's INTEGER
// column holds) is version 0, which the model answers as a conflict
// like any other version that is not the record's.
func parseVersion(s string) (int, error) {
	if !canonicalDecimal(s) {
		return 0, errFormIncomplete
	}
	v, err := strconv.ParseUint(s, 10, 31)
	if err != nil {
		return 0, nil
	}
	return int(v), nil
}

// versionField is the posted form's version (see parseVersion).
func versionField(form url.Values) (int, error) { return parseVersion(form.Get("version")) }
