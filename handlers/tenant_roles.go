package handlers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

// TenantRoles is the master's list of tenant roles, the caps on subtenants,
// with how many tenants hold each.
func TenantRoles(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		rows, err := store.TenantRoles(ctx)
		if err != nil {
			return err
		}
		l := views.TenantRoleList{CanEdit: v.User.Level(models.FeatureRoles) >= models.LevelFull}
		for _, r := range rows {
			l.Rows = append(l.Rows, views.TenantRoleListRow{ID: r.ID, Name: r.Name, Description: r.Description, Tenants: r.Tenants,
				Grants: grantsOf(r.Permissions, nil, false)})
		}
		return Render(c, http.StatusOK, views.TenantRolesPage(PageFor(v, "Tenant roles"), l))
	}
}

func tenantRoleForm(tr *models.TenantRole) views.RoleForm {
	return views.RoleForm{TenantRole: true, ID: tr.ID, Stored: tr.Name, Name: tr.Name, Description: tr.Description, Version: tr.Version}
}

// TenantRoleEditForm shows a tenant role for editing, at the version read.
func TenantRoleEditForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id, err := pathID(c)
		if err != nil {
			return err
		}
		tr, err := store.TenantRole(ctx, id)
		if err != nil {
			return err
		}
		f := tenantRoleForm(tr)
		f.Matrix = matrixOf(tr.Permissions, nil, nil, true)
		if err := withMasterResources(c, store, id, &f, true); err != nil {
			return err
		}
		return Render(c, http.StatusOK, views.RoleFormPage(below(PageFor(VisitorFrom(ctx), "Edit "+tr.Name), "Edit "+tr.Name, tenantRolesCrumb), f))
	}
}

// TenantRoleUpdate previews (_action=preview) or saves an edit of a tenant
// role. The holders' users get the new cap on their next request.
func TenantRoleUpdate(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		id, err := pathID(c)
		if err != nil {
			return err
		}
		tr, err := store.TenantRole(ctx, id)
		if err != nil {
			return err
		}
		form := c.Request().PostForm
		version, err := versionField(form)
		if err != nil {
			return err
		}
		perms, errs := parsePermissions(form)
		f := tenantRoleForm(tr)
		f.Name, f.Description, f.Version = form.Get("name"), form.Get("description"), version
		if err := withMasterResources(c, store, id, &f, false); err != nil {
			return err
		}
		page := func(fields map[string]string) templ.Component {
			f.Errors, f.Matrix = fields, matrixOf(perms, fields, nil, true)
			return views.RoleFormPage(below(PageFor(v, "Edit "+tr.Name), "Edit "+tr.Name, tenantRolesCrumb), f)
		}
		if len(errs) > 0 {
			return Render(c, http.StatusUnprocessableEntity, page(errs))
		}
		if form.Get("_action") == "preview" {
			tenants, changed, err := store.PreviewTenantRole(ctx, id, perms)
			if err != nil {
				return err
			}
			f.TenantPreview = &views.TenantRolePreview{Changes: levelChanges(models.LevelChanges(tr.Permissions, perms)), Tenants: tenants, Changed: changed}
			return Render(c, http.StatusOK, page(nil))
		}
		op := func() (string, error) {
			saved, err := store.UpdateTenantRole(ctx, id, version, models.RoleChanges{Name: f.Name, Description: f.Description, Permissions: perms})
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("Tenant role “%s” saved.", saved.Name), nil
		}
		return submitReport(c, sessions, op, page, "/tenant-roles")
	}
}

// tenantRoleDelete is the confirmation page of deleting tenant role id.
func tenantRoleDelete(c echo.Context, store *models.Store) (views.RoleDelete, error) {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return views.RoleDelete{}, err
	}
	tr, err := store.TenantRole(ctx, id)
	if err != nil {
		return views.RoleDelete{}, err
	}
	held, _, err := store.PreviewTenantRole(ctx, id, tr.Permissions)
	return views.RoleDelete{TenantRole: true, ID: tr.ID, Name: tr.Name, Held: held}, err
}

// TenantRoleDeleteForm asks to confirm deleting a tenant role.
func TenantRoleDeleteForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		d, err := tenantRoleDelete(c, store)
		if err != nil {
			return err
		}
		return Render(c, http.StatusOK, views.RoleDeletePage(below(PageFor(VisitorFrom(c.Request().Context()), "Delete "+d.Name), "Delete "+d.Name, tenantRolesCrumb), d))
	}
}

// TenantRoleDelete deletes a tenant role; one a tenant holds, or the last
// one, is refused with the model's message.
func TenantRoleDelete(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		d, err := tenantRoleDelete(c, store)
		if err != nil {
			return err
		}
		err = store.DeleteTenantRole(ctx, d.ID)
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			d.Error = ve.Fields["role"]
			return Render(c, http.StatusUnprocessableEntity, views.RoleDeletePage(below(PageFor(VisitorFrom(ctx), "Delete "+d.Name), "Delete "+d.Name, tenantRolesCrumb), d))
		}
		if err != nil {
			return err
		}
		if err := sessions.Flash(c, views.Flash{Kind: "success", Text: fmt.Sprintf("Tenant role “%s” deleted.", d.Name)}); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/tenant-roles")
	}
}
