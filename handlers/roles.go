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

// Roles lists the host tenant's user roles with their origin and holders; in
// a subtenant, with the tenant role capping them.
func Roles(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		rows, err := store.Roles(ctx)
		if err != nil {
			return err
		}
		cap, err := tenantCap(ctx, store, v)
		if err != nil {
			return err
		}
		l := views.RoleList{
			CanEdit: v.User.Level(models.FeatureRoles) >= models.LevelFull, IsMaster: v.Tenant.IsMaster,
			CanTenantRoles: v.Tenant.IsMaster && v.User.Level(models.FeatureRoles) >= models.LevelRead,
		}
		capPerms := models.Permissions{}
		if cap != nil {
			capPerms = cap.Permissions
			cv := &views.CapView{Name: cap.Name, Description: cap.Description}
			if cv.Name == "" {
				cv.Name = "no tenant role"
			}
			for _, f := range models.Features {
				if !f.MasterOnly() { // a subtenant's roles cannot grant these, so no cap on them is shown
					cv.Levels = append(cv.Levels, views.FeatureLevel{Feature: string(f), Level: cap.Permissions.Level(f).String()})
				}
			}
			l.Cap = cv
		}
		for _, r := range rows {
			l.Rows = append(l.Rows, views.RoleListRow{
				ID: r.ID, Name: r.Name, Description: r.Description, Origin: r.Origin(), Template: r.Template, Users: r.Users,
				Grants:   grantsOf(r.Permissions, capPerms, cap != nil),
				Withheld: models.RoleWithheld(ctx, &r.Role, capPerms, cap != nil),
			})
		}
		return Render(c, http.StatusOK, views.RolesPage(PageFor(v, "Roles"), l))
	}
}

// roleForm is the edit form of a stored role.
func roleForm(r *models.RoleRow) views.RoleForm {
	return views.RoleForm{ID: r.ID, Stored: r.Name, Name: r.Name, Description: r.Description, Version: r.Version, Origin: r.Origin(), Template: r.Template}
}

// RoleEditForm shows one of the host tenant's roles for editing, at the
// version read. Another tenant's role is not found.
func RoleEditForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		id, err := pathID(c)
		if err != nil {
			return err
		}
		r, err := store.RoleDetail(ctx, id)
		if err != nil {
			return err
		}
		cap, err := tenantCap(ctx, store, v)
		if err != nil {
			return err
		}
		f := roleForm(r)
		f.Matrix = matrixOf(r.Permissions, nil, cap, v.Tenant.IsMaster)
		return Render(c, http.StatusOK, views.RoleFormPage(below(PageFor(v, "Edit "+r.Name), "Edit "+r.Name, rolesCrumb), f))
	}
}

// RoleUpdate previews (_action=preview) or saves an edit of one of the host
// tenant's roles. The preview re-renders the form, as typed, with what saving
// would change; saving a linked copy detaches it, saving a template rewrites
// its linked copies.
func RoleUpdate(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		id, err := pathID(c)
		if err != nil {
			return err
		}
		// Read first: another tenant's id is not found, whatever the form says.
		r, err := store.RoleDetail(ctx, id)
		if err != nil {
			return err
		}
		cap, err := tenantCap(ctx, store, v)
		if err != nil {
			return err
		}
		form := c.Request().PostForm
		version, err := versionField(form)
		if err != nil {
			return err
		}
		stored := r.Permissions
		if v.Tenant.IsMaster {
			stored = nil // the master's form shows every feature
		}
		perms, errs := parsePermissionsOver(form, stored)
		f := roleForm(r)
		f.Name, f.Description, f.Version = form.Get("name"), form.Get("description"), version
		page := func(fields map[string]string) templ.Component {
			f.Errors, f.Matrix = fields, matrixOf(perms, fields, cap, v.Tenant.IsMaster)
			return views.RoleFormPage(below(PageFor(v, "Edit "+r.Name), "Edit "+r.Name, rolesCrumb), f)
		}
		if len(errs) > 0 {
			return Render(c, http.StatusUnprocessableEntity, page(errs))
		}
		if form.Get("_action") == "preview" {
			im, err := store.PreviewRole(ctx, id, perms)
			if err != nil {
				return err
			}
			f.Preview = &views.RolePreview{
				Changes: levelChanges(im.ChangedLevels), Holders: im.Holders, Changed: im.Changed,
				Template: r.Multitenant, LinkedCopies: im.LinkedCopies, CopyHolders: im.CopyHolders, CopyChanged: im.CopyChanged,
				Detaches: r.Linked,
			}
			return Render(c, http.StatusOK, page(nil))
		}
		op := func() (string, error) {
			saved, up, err := store.UpdateRole(ctx, id, version, models.RoleChanges{Name: f.Name, Description: f.Description, Permissions: perms})
			if err != nil {
				return "", err
			}
			done := fmt.Sprintf("Role “%s” saved.", saved.Name)
			if up.Detached {
				done += " It no longer follows its template."
			}
			if saved.Multitenant {
				done += " " + views.Count(up.Propagated, "linked copy", "linked copies") + " in subtenants rewritten."
			}
			return done, nil
		}
		return submitReport(c, sessions, op, page, "/roles")
	}
}

// RoleDeleteForm asks to confirm deleting one of the host tenant's roles.
func RoleDeleteForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id, err := pathID(c)
		if err != nil {
			return err
		}
		r, err := store.RoleDetail(ctx, id)
		if err != nil {
			return err
		}
		d := views.RoleDelete{ID: r.ID, Name: r.Name, Held: r.Users, Template: r.Multitenant}
		return Render(c, http.StatusOK, views.RoleDeletePage(below(PageFor(VisitorFrom(ctx), "Delete "+r.Name), "Delete "+r.Name, rolesCrumb), d))
	}
}

// RoleDelete deletes one of the host tenant's roles; a held role is refused
// with the model's message.
func RoleDelete(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id, err := pathID(c)
		if err != nil {
			return err
		}
		r, err := store.RoleDetail(ctx, id)
		if err != nil {
			return err
		}
		err = store.DeleteRole(ctx, id)
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			d := views.RoleDelete{ID: r.ID, Name: r.Name, Held: r.Users, Template: r.Multitenant, Error: ve.Fields["role"]}
			return Render(c, http.StatusUnprocessableEntity, views.RoleDeletePage(below(PageFor(VisitorFrom(ctx), "Delete "+r.Name), "Delete "+r.Name, rolesCrumb), d))
		}
		if err != nil {
			return err
		}
		if err := sessions.Flash(c, views.Flash{Kind: "success", Text: fmt.Sprintf("Role “%s” deleted.", r.Name)}); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/roles")
	}
}
