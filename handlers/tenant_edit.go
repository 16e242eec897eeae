package handlers

import (
	"net/http"
	"strconv"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

// TenantEditForm shows a tenant's details for editing, with the version read,
// so a concurrent edit is noticed on save.
func TenantEditForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		t, err := store.TenantBySubdomain(ctx, c.Param("subdomain"))
		if err != nil {
			return err
		}
		f := views.TenantEdit{Subdomain: t.Subdomain, Name: t.Name, Description: t.Description, Version: t.Version}
		return Render(c, http.StatusOK, views.TenantEditPage(PageFor(VisitorFrom(ctx), "Edit "+t.Name), f))
	}
}

// TenantUpdate saves a tenant's details.
func TenantUpdate(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		sub := c.Param("subdomain")
		f := views.TenantEdit{Subdomain: sub, Name: c.FormValue("name"), Description: c.FormValue("description")}
		version, err := strconv.Atoi(c.FormValue("version"))
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "The form is incomplete. Reload the page and try again.")
		}
		f.Version = version
		op := func() error {
			_, err := store.UpdateTenant(ctx, sub, version, models.TenantChanges{Name: f.Name, Description: f.Description})
			return err
		}
		return submit(c, sessions, op, func(fields map[string]string) templ.Component {
			f.Errors = fields
			return views.TenantEditPage(PageFor(VisitorFrom(ctx), "Edit tenant"), f)
		}, "/tenants", "Tenant "+sub+" saved.")
	}
}
