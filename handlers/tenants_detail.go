package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

// firstUsers is how many of a tenant's users its page lists.
const firstUsers = 10

// TenantDetail is the master's page of one tenant.
func TenantDetail(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		return renderTenantDetail(c, store, http.StatusOK, "")
	}
}

func renderTenantDetail(c echo.Context, store *models.Store, status int, problem string) error {
	ctx := c.Request().Context()
	v := VisitorFrom(ctx)
	d, err := store.TenantDetails(ctx, c.Param("subdomain"), firstUsers)
	if err != nil {
		return err
	}
	host := v.BaseDomain
	if !d.IsMaster {
		host = d.Subdomain + "." + v.BaseDomain
	}
	view := views.TenantDetail{
		Subdomain: d.Subdomain, Name: d.Name, Description: d.Description, Host: host, TenantRole: d.TenantRole,
		Currency: currencyLabel(d.Currency), AccountNumber: d.AccountNumber, AccountName: d.AccountName, CustomerNumber: d.CustomerNumber,
		Created: d.CreatedAt.UTC().Format(time.DateTime), Updated: d.UpdatedAt.UTC().Format(time.DateTime),
		Enabled: d.Enabled, IsMaster: d.IsMaster, Users: d.Users, Resources: d.Resources, MaxUsers: d.MaxUsers, MaxResources: d.MaxResources,
		CanChange: v.User != nil && v.User.Level(models.FeatureTenants) >= models.LevelFull, Error: problem,
	}
	if !d.IsMaster {
		counts, err := store.ResourceCountsByKind(ctx, d.Subdomain)
		if err != nil {
			return err
		}
		for _, k := range counts {
			view.KindCounts = append(view.KindCounts, views.KindCountView{Label: k.Label, Count: k.Count})
		}
	}
	for i := range d.FirstUsers {
		view.FirstUsers = append(view.FirstUsers, userRow(&d.FirstUsers[i]))
	}
	return Render(c, status, views.TenantDetailPage(below(PageFor(v, d.Name), d.Name, tenantsCrumb), view))
}

// disableConfirmed is the confirmation field of the disable page's form.
const disableConfirmed = "disable"

func renderTenantDisable(c echo.Context, store *models.Store, status int, problem string) error {
	ctx := c.Request().Context()
	t, reach, err := store.TenantDisablePreview(ctx, c.Param("subdomain"))
	if err != nil {
		return err
	}
	d := views.TenantDisable{Subdomain: t.Subdomain, Name: t.Name, IsMaster: t.IsMaster, Enabled: t.Enabled,
		SignedIn: reach.SignedIn, Users: reach.Users, Error: problem}
	return Render(c, status, views.TenantDisablePage(PageFor(VisitorFrom(ctx), "Disable "+t.Name), d))
}

// TenantDisableForm says whom disabling a tenant signs out and asks to confirm.
func TenantDisableForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		return renderTenantDisable(c, store, http.StatusOK, "")
	}
}

// TenantSetEnabled disables or enables a subtenant; disabling ends its
// users' sessions at once, so it needs the confirmation its page posts (a
// POST without it shows that page; scripts have landlord tenants disable and
// the API). The master tenant cannot be disabled.
func TenantSetEnabled(store *models.Store, sessions Sessions, enabled bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		sub := strings.ToLower(c.Param("subdomain"))
		if !enabled && c.FormValue("confirm") != disableConfirmed {
			return renderTenantDisable(c, store, http.StatusUnprocessableEntity, "Confirm below to disable the tenant; nothing was changed.")
		}
		err := store.SetTenantEnabled(ctx, sub, enabled)
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			return renderTenantDetail(c, store, http.StatusUnprocessableEntity, ve.Fields["subdomain"])
		}
		if err != nil {
			return err
		}
		msg := "Tenant " + sub + " enabled: its users may sign in again."
		if !enabled {
			msg = "Tenant " + sub + " disabled: its users were signed out and cannot sign in."
		}
		if err := sessions.Flash(c, views.Flash{Kind: "success", Text: msg}); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/tenants/"+sub)
	}
}

func deletePage(c echo.Context, store *models.Store) (views.TenantDelete, error) {
	t, n, err := store.TenantDeletionPreview(c.Request().Context(), c.Param("subdomain"))
	if err != nil {
		return views.TenantDelete{}, err
	}
	return views.TenantDelete{Subdomain: t.Subdomain, Name: t.Name, IsMaster: t.IsMaster, Users: n.Users, Roles: n.Roles,
		Resources: n.Resources, AuditEvents: n.AuditEvents, Sessions: n.Sessions}, nil
}

// TenantDeleteForm shows what deleting a tenant removes and asks for its
// subdomain to be typed.
func TenantDeleteForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		d, err := deletePage(c, store)
		if err != nil {
			return err
		}
		return Render(c, http.StatusOK, views.TenantDeletePage(below(PageFor(VisitorFrom(c.Request().Context()), "Delete "+d.Name), "Delete", tenantCrumbs(d.Subdomain, d.Name)...), d))
	}
}

// TenantDelete deletes a tenant when the subdomain typed is its own.
func TenantDelete(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		d, err := deletePage(c, store)
		if err != nil {
			return err
		}
		d.Typed = strings.TrimSpace(c.FormValue("confirm"))
		again := func(errs map[string]string) error {
			d.Errors = errs
			return Render(c, http.StatusUnprocessableEntity, views.TenantDeletePage(below(PageFor(VisitorFrom(ctx), "Delete "+d.Name), "Delete", tenantCrumbs(d.Subdomain, d.Name)...), d))
		}
		if d.Typed != d.Subdomain {
			return again(map[string]string{"confirm": "Type " + d.Subdomain + " exactly to confirm; nothing was deleted."})
		}
		gone, err := store.DeleteTenant(ctx, d.Subdomain)
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			return again(ve.Fields)
		}
		if err != nil {
			return err
		}
		msg := fmt.Sprintf("Tenant %s deleted, with %s, %s, %s and %s.", d.Subdomain, views.Count(gone.Users, "user", "users"),
			views.Count(gone.Roles, "role", "roles"), views.Count(gone.Resources, "resource", "resources"), views.Count(gone.AuditEvents, "audit event", "audit events"))
		if err := sessions.Flash(c, views.Flash{Kind: "success", Text: msg}); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/tenants")
	}
}
