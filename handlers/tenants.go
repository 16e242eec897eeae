package handlers

import (
	"strconv"
	"strings"
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
				Subdomain: t.Subdomain, Name: t.Name, TenantRole: t.TenantRole, Users: t.Users, Resources: t.Resources, MaxUsers: t.MaxUsers, MaxResources: t.MaxResources, Enabled: t.Enabled, IsMaster: t.IsMaster,
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

// parseLimit reads a limit: empty is 0 (no limit), anything else a whole number.
func parseLimit(typed, field string, bad map[string]string) int {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return 0
	}
	n, err := strconv.Atoi(typed)
	if err != nil || n < 0 || n > models.MaxTenantLimit {
		bad[field] = "Enter a whole number from 0 to 1000000000, or leave it empty (0 or empty: no limit)."
		return 0
	}
	return n
}

// currencyOptions are the currencies to choose from; current, if no longer
// listed, stays choosable.
func currencyOptions(current string) []views.Option {
	var out []views.Option
	if _, ok := models.CurrencyName(current); !ok && current != "" {
		out = append(out, views.Option{Value: current, Label: current + " (no longer listed)"})
	}
	for _, c := range models.Currencies {
		out = append(out, views.Option{Value: c.Code, Label: c.Code + " · " + c.Name})
	}
	return out
}

func currencyLabel(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	if name, ok := models.CurrencyName(code); ok {
		return code + " · " + name
	}
	return code
}
