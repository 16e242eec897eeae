package views

import (
	"net/url"
	"strconv"
)

// ListState is what a list's search box, sortable headers and pager show.
type ListState struct {
	Path         string
	Search, Sort string
	Desc         bool
	Page, Pages  int
	PerPage      int
	Total        int64
	Shown        int
	// Filters are a list's own query parameters (kind, group…), kept by
	// every link that changes search, sort or page.
	Filters url.Values
}

// Links of a list page keep its search and sort; each changes one thing.

func (l ListState) url(search, sort string, desc bool, page int) string {
	q := url.Values{}
	for k, v := range l.Filters {
		q[k] = v
	}
	if search != "" {
		q.Set("q", search)
	}
	if sort != "" {
		q.Set("sort", sort)
	}
	if desc {
		q.Set("dir", "desc")
	}
	if page > 1 {
		q.Set("page", Number(page))
	}
	if len(q) == 0 {
		return l.Path
	}
	return l.Path + "?" + q.Encode()
}

// At is another address (an export, say) with the list's search and sort.
func (l ListState) At(path string) string {
	return ListState{Path: path, Filters: l.Filters}.url(l.Search, l.Sort, l.Desc, 1)
}

// PageURL is the list at page n, same search and sort.
func (l ListState) PageURL(n int) string { return l.url(l.Search, l.Sort, l.Desc, n) }

// SortURL sorts by key from the first page: ascending, or the other way if
// the list is already sorted by key.
func (l ListState) SortURL(key string) string {
	return l.url(l.Search, key, l.Sort == key && !l.Desc, 1)
}

// SortState is aria-sort for a column header.
func (l ListState) SortState(key string) string {
	switch {
	case l.Sort != key:
		return "none"
	case l.Desc:
		return "descending"
	}
	return "ascending"
}

// Range is "51–100 of 1,234": which rows this page shows.
func (l ListState) Range() string {
	if l.Shown == 0 {
		return "0 of " + Number(l.Total)
	}
	first := (l.Page-1)*l.PerPage + 1
	return Number(first) + "–" + Number(first+l.Shown-1) + " of " + Number(l.Total)
}

// boolAttr is a boolean as an attribute value tests can read.
func boolAttr(b bool) string { return strconv.FormatBool(b) }

// PastEnd tells a page asked for beyond the last one, from a stale or edited
// link: the list says so and links the last page instead of an empty table.
func (l ListState) PastEnd() bool { return l.Page > l.Pages }
