package handlers

import (
	"context"
	"net/http"
	"strconv"

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
		if err := dashboardSummary(ctx, store, v, &d); err != nil {
			return err
		}
		return Render(c, http.StatusOK, views.DashboardPage(PageFor(v, "Dashboard"), d))
	}
}

// dashboardSummary adds what an admin opens the dashboard for, as far as the
// visitor's rights go: the counts against their limits, the latest audit
// events and the running impersonations (in the master, of every tenant).
func dashboardSummary(ctx context.Context, store *models.Store, v *Visitor, d *views.Dashboard) error {
	u, t := v.User, v.Tenant
	master := t.IsMaster && u.Impersonation == nil
	sum, err := store.Dashboard(ctx, t)
	if err != nil {
		return err
	}
	n := sum.Counts
	if master && u.Level(models.FeatureTenants) >= models.LevelRead {
		d.Counts = append(d.Counts, views.DashboardCount{Key: "tenants", Label: "Tenants", N: n.Tenants, Href: "/tenants"})
	}
	if u.Level(models.FeatureUsers) >= models.LevelRead {
		d.Counts = append(d.Counts, views.DashboardCount{Key: "users", Label: "Users", N: n.Users, Max: n.MaxUsers, Href: "/users"})
	}
	if u.Level(models.FeatureResources) >= models.LevelRead {
		d.Counts = append(d.Counts, views.DashboardCount{Key: "resources", Label: "Resources", N: n.Resources, Max: n.MaxResources})
	}
	d.ShowEvents = sum.ShowEvents
	for i := range sum.Events {
		d.Events = append(d.Events, auditRow(&sum.Events[i]))
	}
	d.ShowRunning, d.CanEnd = sum.ShowRunning, master && u.Level(models.FeatureImpersonation) >= models.LevelFull
	for _, r := range sum.Running {
		row := views.RunningImpersonationRow{ID: r.ID, Tenant: r.Subdomain, Impersonator: r.ImpersonatorName, Target: r.UserName,
			Reason: r.Reason, Since: r.StartedAt.UTC().Format("15:04"), Until: r.ExpiresAt.UTC().Format("15:04")}
		if master {
			row.UserHref = "/tenants/" + r.Subdomain + "/users/" + strconv.FormatUint(r.UserID, 10)
		} else {
			row.UserHref = "/users/" + strconv.FormatUint(r.UserID, 10)
		}
		d.Running = append(d.Running, row)
	}
	return nil
}

// ImpersonationEnd ends a running impersonation from the master console.
func ImpersonationEnd(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := strconv.ParseUint(c.Param("id"), 10, 64)
		if err != nil {
			return echo.ErrNotFound
		}
		if err := store.EndImpersonationByID(c.Request().Context(), id); err != nil {
			return err
		}
		if err := sessions.Flash(c, views.Flash{Kind: "success", Text: "The impersonation has ended."}); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/")
	}
}
