package handlers

import (
	"time"

	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

// Tenants is the master's list of every tenant with its user count.
func Tenants(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		p, err := store.TenantsPage(ctx, listQuery(c))
		if err != nil {
			return err
		}
		rows := make([]views.TenantRow, len(p.Rows))
		for i, t := range p.Rows {
			rows[i] = views.TenantRow{
				Subdomain: t.Subdomain, Name: t.Name, TenantRole: t.TenantRole, Users: t.Users, Resources: t.Resources, Enabled: t.Enabled, IsMaster: t.IsMaster,
				Created: t.CreatedAt.UTC().Format(time.DateOnly),
			}
		}
		v, list := VisitorFrom(ctx), listState(c, p)
		return Render(c, listStatus(list), views.TenantsPage(PageFor(v, "Tenants"), views.TenantList{
			List: list, Rows: rows, CanUsers: v.User.Level(models.FeatureUsers) >= models.LevelRead,
			CanCreate: v.User.Level(models.FeatureTenants) >= models.LevelFull,
		}))
	}
}
