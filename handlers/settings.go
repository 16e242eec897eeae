package handlers

import (
	"landlord/models"
	"landlord/views"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

// Settings shows (GET) and saves (POST) the tenant's own settings.
func Settings(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		st, err := store.Settings(ctx)
		if err != nil {
			return err
		}
		form := views.SettingsForm{IsMaster: v.Tenant.IsMaster, AllowImpersonation: st.AllowImpersonation, Version: st.Version,
			CanEdit: v.User.Level(models.FeatureUsers) >= models.LevelFull && v.User.Impersonation == nil}
		page := PageFor(v, "Settings")
		if c.Request().Method == http.MethodGet {
			return Render(c, http.StatusOK, views.SettingsPage(page, form))
		}
		version, err := versionField(c.Request().PostForm)
		if err != nil {
			return err
		}
		form.AllowImpersonation = c.FormValue("allow_impersonation") == "on"
		return submit(c, sessions, func() error { return store.SetImpersonationAllowed(ctx, version, form.AllowImpersonation) },
			func(fields map[string]string) templ.Component {
				form.Errors = fields
				return views.SettingsPage(page, form)
			}, "/settings", "Settings saved.")
	}
}
