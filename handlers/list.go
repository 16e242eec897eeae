package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

// listQuery reads a list page's query string: q (search), sort, dir and page.
// The sort key is only looked up in the list's whitelist by models.
func listQuery(c echo.Context) models.ListQuery {
	page, _ := strconv.Atoi(c.QueryParam("page"))
	return models.ListQuery{Search: c.QueryParam("q"), Sort: c.QueryParam("sort"), Desc: c.QueryParam("dir") == "desc", Page: page}
}

// listState is what the search box, the sortable headers and the pager need.
func listState[T any](c echo.Context, p models.Page[T]) views.ListState {
	return views.ListState{
		Path: c.Request().URL.Path, Search: p.Query.Search, Sort: p.Query.Sort, Desc: p.Query.Desc,
		Page: p.Query.Page, Pages: p.Pages(), PerPage: p.Query.PerPage, Total: p.Total, Shown: len(p.Rows),
	}
}

// listStatus is 404 for a page past the last one: the address names a page
// that does not exist (scripts and link checkers see it), while the body
// still tells the person which page is the last.
func listStatus(l views.ListState) int {
	if l.PastEnd() {
		return http.StatusNotFound
	}
	return http.StatusOK
}
