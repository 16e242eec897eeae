package models

import (
	"strings"
	"unicode/utf8"
)

// ListQuery is what a list page asks for: search text, a sort key from the
// list's own whitelist, a direction and a page. Sort keys name columns through
// the whitelist only, so no text from the request ever reaches ORDER BY.
type ListQuery struct {
	Search  string
	Sort    string
	Desc    bool
	Page    int // from 1
	PerPage int
}

// Limits of a list query.
const (
	DefaultPerPage  = 50
	MaxPerPage      = 200
	maxSearchLength = 200
	maxPage         = 1_000_000 // keeps the offset far from overflowing
)

// sortColumns is a list's whitelist: sort key → the SQL it orders by, and the
// key used when the request names none or an unknown one. Every order ends on
// the primary key, so pages never overlap.
type sortColumns struct {
	columns map[string]string
	def     string
}

// normalize makes q safe to run: a known sort key, a page from 1, a bounded
// page size and search text.
func (q ListQuery) normalize(s sortColumns) ListQuery {
	// Text PostgreSQL would refuse (NUL, invalid UTF-8) cannot match anything
	// stored, so it is cleaned rather than sent.
	q.Search = strings.TrimSpace(strings.ReplaceAll(strings.ToValidUTF8(q.Search, ""), "\x00", ""))
	if len(q.Search) > maxSearchLength {
		q.Search = q.Search[:maxSearchLength]
		for !utf8.ValidString(q.Search) {
			q.Search = q.Search[:len(q.Search)-1]
		}
	}
	if _, ok := s.columns[q.Sort]; !ok {
		q.Sort = s.def
	}
	q.Page = min(max(q.Page, 1), maxPage)
	if q.PerPage <= 0 {
		q.PerPage = DefaultPerPage
	}
	q.PerPage = min(q.PerPage, MaxPerPage)
	return q
}

// orderBy is the ORDER BY text for q, built from the whitelist alone.
func (q ListQuery) orderBy(s sortColumns, idColumn string) string {
	return s.columns[q.Sort] + q.dir() + ", " + idColumn + q.dir()
}

func (q ListQuery) dir() string {
	if q.Desc {
		return " DESC"
	}
	return " ASC"
}

func (q ListQuery) offset() int { return (q.Page - 1) * q.PerPage }

// likePattern matches text containing s, case-insensitively (the column is
// lower-cased by the caller), with LIKE's wildcards taken literally.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}

// Page is one page of a list and the total it is part of.
type Page[T any] struct {
	Rows  []T
	Total int64
	Query ListQuery
}

// Pages is how many pages the total fills (at least one).
func (p Page[T]) Pages() int {
	if p.Total == 0 || p.Query.PerPage == 0 {
		return 1
	}
	return int((p.Total + int64(p.Query.PerPage) - 1) / int64(p.Query.PerPage))
}
