package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

// Dashboard says where the signed-in user is and what they may do there: the
// effective level per feature, and where the tenant's cap lowers what their
// role grants, that it does and which tenant role does it.
func Dashboard(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		u, t := v.User, v.Tenant
		d := views.Dashboard{
			TenantName: t.Name, Subdomain: t.Subdomain, Host: c.Request().Host, IsMaster: t.IsMaster,
			UserDisplay: u.DisplayName(), Username: u.Username,
			SupportAccess: !t.IsMaster && u.Level(models.FeatureAudit) >= models.LevelRead,
		}
		role := models.Permissions{}
		if u.Role != nil {
			d.RoleName, role = u.Role.Name, u.Role.Permissions
		}
		bites := false
		for _, f := range models.Features {
			fl := views.FeatureLevel{Feature: string(f), Level: u.Level(f).String()}
			// The note names the tenant's cap, so it compares with the user's
			// own level; an impersonator's lower rights are the banner's to say.
			if role.Level(f) > u.OwnLevel(f) {
				fl.Role, bites = role.Level(f).String(), true
			}
			d.Features = append(d.Features, fl)
		}
		if bites {
			cap, err := tenantCap(ctx, store, v)
			if err != nil {
				return err
			}
			d.CapName = cap.Name
		}
		return Render(c, http.StatusOK, views.DashboardPage(PageFor(v, "Dashboard"), d))
	}
}
