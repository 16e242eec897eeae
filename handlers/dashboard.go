package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

// Dashboard says where the signed-in user is.
func Dashboard() echo.HandlerFunc {
	return func(c echo.Context) error {
		v := VisitorFrom(c.Request().Context())
		u, t := v.User, v.Tenant
		d := views.Dashboard{
			TenantName: t.Name, Subdomain: t.Subdomain, Host: c.Request().Host, IsMaster: t.IsMaster,
			UserDisplay: u.DisplayName(), Username: u.Username,
			SupportAccess: !t.IsMaster && u.Level(models.FeatureAudit) >= models.LevelRead,
		}
		if u.Role != nil {
			d.RoleName = u.Role.Name
		}
		for _, f := range models.Features {
			d.Features = append(d.Features, views.FeatureLevel{Feature: string(f), Level: u.Level(f).String()})
		}
		return Render(c, http.StatusOK, views.DashboardPage(PageFor(v, "Dashboard"), d))
	}
}
