package views

import (
	"net/url"
	"strconv"
)

// Links of a list page keep its search and sort; each changes one thing.

func (l ListState) url(search, sort string, desc bool, page int) string {
	q := url.Values{}
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
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return l.Path
	}
	return l.Path + "?" + q.Encode()
}

// At is another address (an export, say) with the list's search and sort.
func (l ListState) At(path string) string {
	return ListState{Path: path}.url(l.Search, l.Sort, l.Desc, 1)
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
		return "0 of " + itoa64(l.Total)
	}
	first := (l.Page-1)*l.PerPage + 1
	return itoa(first) + "–" + itoa(first+l.Shown-1) + " of " + itoa64(l.Total)
}

func itoa(n int) string     { return strconv.Itoa(n) }
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// boolAttr is a boolean as an attribute value tests can read.
func boolAttr(b bool) string { return strconv.FormatBool(b) }

// PastEnd tells a page asked for beyond the last one, from a stale or edited
// link: the list says so and links the last page instead of an empty table.
func (l ListState) PastEnd() bool { return l.Page > l.Pages }

// PastEnd tells an older page of the log that holds nothing: its cursor is
// older than every event the filter matches (a stale or edited link).
func (a AuditList) PastEnd() bool { return a.Before != "" && len(a.Events) == 0 && len(a.Errors) == 0 }
