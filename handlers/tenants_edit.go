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
		roles, _, err := store.TenantRoleChoices(ctx)
		if err != nil {
			return err
		}
		f := views.TenantEdit{Subdomain: t.Subdomain, Name: t.Name, Description: t.Description, Currency: t.Currency,
			MaxUsers: strconv.Itoa(t.MaxUsers), MaxResources: strconv.Itoa(t.MaxResources), AccountNumber: t.AccountNumber,
			AccountName: t.AccountName, CustomerNumber: t.CustomerNumber, IsMaster: t.IsMaster, Version: t.Version}
		if t.TenantRoleID != nil {
			f.TenantRole = strconv.FormatUint(*t.TenantRoleID, 10)
		}
		editChoices(&f, roles, t.Currency)
		return Render(c, http.StatusOK, views.TenantEditPage(PageFor(VisitorFrom(ctx), "Edit "+t.Name), f))
	}
}

func editChoices(f *views.TenantEdit, roles []models.TenantRole, currency string) {
	f.TenantRoles = nil
	for _, r := range roles {
		f.TenantRoles = append(f.TenantRoles, views.Option{Value: strconv.FormatUint(r.ID, 10), Label: r.Name})
	}
	f.Currencies = currencyOptions(currency)
}

// TenantUpdate saves a tenant's details.
func TenantUpdate(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		t, err := store.TenantBySubdomain(ctx, c.Param("subdomain"))
		if err != nil {
			return err
		}
		sub := t.Subdomain
		// A field the form did not send at all stays as it is (the version
		// posted says which state "as it is" means); one sent empty is empty.
		posted := c.Request().PostForm
		value := func(field, current string) string {
			if v, ok := posted[field]; ok && len(v) > 0 {
				return v[0]
			}
			return current
		}
		role := ""
		if t.TenantRoleID != nil {
			role = strconv.FormatUint(*t.TenantRoleID, 10)
		}
		f := views.TenantEdit{Subdomain: sub, Name: value("name", t.Name), Description: value("description", t.Description),
			TenantRole: value("tenant_role", role), Currency: value("currency", t.Currency),
			MaxUsers: value("max_users", strconv.Itoa(t.MaxUsers)), MaxResources: value("max_resources", strconv.Itoa(t.MaxResources)),
			AccountNumber: value("account_number", t.AccountNumber), AccountName: value("account_name", t.AccountName),
			CustomerNumber: value("customer_number", t.CustomerNumber), IsMaster: t.IsMaster}
		version, err := versionField(c.Request().PostForm)
		if err != nil {
			return err
		}
		f.Version = version
		roles, _, err := store.TenantRoleChoices(ctx)
		if err != nil {
			return err
		}
		editChoices(&f, roles, t.Currency)
		form := func(fields map[string]string) templ.Component {
			f.Errors = fields
			return views.TenantEditPage(PageFor(VisitorFrom(ctx), "Edit tenant"), f)
		}
		bad := map[string]string{}
		ch := models.TenantChanges{Name: f.Name, Description: f.Description, Currency: f.Currency,
			MaxUsers: parseLimit(f.MaxUsers, "max_users", bad), MaxResources: parseLimit(f.MaxResources, "max_resources", bad),
			AccountNumber: f.AccountNumber, AccountName: f.AccountName, CustomerNumber: f.CustomerNumber}
		if !t.IsMaster {
			// One that is no id is 0, which the model refuses by the field.
			ch.TenantRoleID, _ = ParseID(f.TenantRole)
		}
		if len(bad) > 0 {
			return Render(c, http.StatusUnprocessableEntity, form(bad))
		}
		op := func() error {
			_, err := store.UpdateTenant(ctx, sub, version, ch)
			return err
		}
		return submit(c, sessions, op, form, "/tenants/"+sub, "Tenant "+sub+" saved.")
	}
}
