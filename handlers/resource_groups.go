package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

// ResourceGroups lists the host tenant's groups the visitor may see.
func ResourceGroups(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		rows, err := store.ResourceGroups(ctx)
		if err != nil {
			return err
		}
		l := views.GroupList{CanEdit: v.User.Level(models.FeatureResources) >= models.LevelFull}
		for _, g := range rows {
			l.Rows = append(l.Rows, views.GroupListRow{ID: g.ID, Name: g.Name, Description: g.Description, Resources: g.Resources})
		}
		return Render(c, http.StatusOK, views.GroupsPage(below(PageFor(v, "Resource groups"), "Resource groups", resourcesCrumb), l))
	}
}

// ResourceGroupNewForm shows an empty group form.
func ResourceGroupNewForm() echo.HandlerFunc {
	return func(c echo.Context) error {
		v := VisitorFrom(c.Request().Context())
		return Render(c, http.StatusOK, views.GroupFormPage(below(PageFor(v, "New group"), "New group", resourcesCrumb, groupsCrumb), views.GroupForm{}))
	}
}

// ResourceGroupCreate adds a group to the host tenant.
func ResourceGroupCreate(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		form := c.Request().PostForm
		f := views.GroupForm{Name: form.Get("name"), Description: form.Get("description")}
		page := func(fields map[string]string) templ.Component {
			f.Errors = fields
			return views.GroupFormPage(below(PageFor(v, "New group"), "New group", resourcesCrumb, groupsCrumb), f)
		}
		op := func() (string, error) {
			g, err := store.CreateResourceGroup(ctx, models.GroupInput{Name: f.Name, Description: f.Description})
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("Group “%s” created.", g.Name), nil
		}
		return submitReport(c, sessions, op, page, "/resource-groups")
	}
}

// ResourceGroupEditForm shows one of the host tenant's groups for editing.
func ResourceGroupEditForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id, err := pathID(c)
		if err != nil {
			return err
		}
		g, err := store.ResourceGroup(ctx, id)
		if err != nil {
			return err
		}
		f := views.GroupForm{ID: g.ID, Version: g.Version, Name: g.Name, Description: g.Description, Stored: g.Name}
		return Render(c, http.StatusOK, views.GroupFormPage(below(PageFor(VisitorFrom(ctx), "Edit "+g.Name), "Edit "+g.Name, resourcesCrumb, groupsCrumb), f))
	}
}

// ResourceGroupUpdate saves an edit of one of the host tenant's groups.
func ResourceGroupUpdate(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		id, err := pathID(c)
		if err != nil {
			return err
		}
		g, err := store.ResourceGroup(ctx, id)
		if err != nil {
			return err
		}
		form := c.Request().PostForm
		version, err := versionField(form)
		if err != nil {
			return err
		}
		f := views.GroupForm{ID: g.ID, Version: version, Name: form.Get("name"), Description: form.Get("description"), Stored: g.Name}
		page := func(fields map[string]string) templ.Component {
			f.Errors = fields
			return views.GroupFormPage(below(PageFor(v, "Edit "+g.Name), "Edit "+g.Name, resourcesCrumb, groupsCrumb), f)
		}
		op := func() (string, error) {
			saved, err := store.UpdateResourceGroup(ctx, id, version, models.GroupInput{Name: f.Name, Description: f.Description})
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("Group “%s” saved.", saved.Name), nil
		}
		return submitReport(c, sessions, op, page, "/resource-groups")
	}
}

// groupDelete is the delete page of group g, with the other groups to move to.
func groupDelete(c echo.Context, store *models.Store, g *models.GroupRow, fate, to string, errs map[string]string) (templ.Component, error) {
	ctx := c.Request().Context()
	groups, err := store.ResourceGroups(ctx)
	if err != nil {
		return nil, err
	}
	others := groups[:0]
	for _, o := range groups {
		if o.ID != g.ID {
			others = append(others, o)
		}
	}
	d := views.GroupDelete{ID: g.ID, Name: g.Name, Resources: g.Resources, Fate: fate, Errors: errs, To: groupOptions(groupsOf(others), to)}
	return views.GroupDeletePage(below(PageFor(VisitorFrom(ctx), "Delete "+g.Name), "Delete "+g.Name, resourcesCrumb, groupsCrumb), d), nil
}

// ResourceGroupDeleteForm asks what becomes of the group's resources.
func ResourceGroupDeleteForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		g, err := store.ResourceGroup(c.Request().Context(), id)
		if err != nil {
			return err
		}
		page, err := groupDelete(c, store, g, "", "", nil)
		if err != nil {
			return err
		}
		return Render(c, http.StatusOK, page)
	}
}

// ResourceGroupDelete deletes a group, ungrouping, moving or deleting its resources.
func ResourceGroupDelete(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id, err := pathID(c)
		if err != nil {
			return err
		}
		g, err := store.ResourceGroup(ctx, id)
		if err != nil {
			return err
		}
		form := c.Request().PostForm
		fate, toText := form.Get("fate"), form.Get("to")
		to, _ := ParseID(toText)
		n, err := store.DeleteResourceGroup(ctx, id, fate, to)
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			page, err := groupDelete(c, store, g, fate, toText, ve.Fields)
			if err != nil {
				return err
			}
			return Render(c, http.StatusUnprocessableEntity, page)
		}
		if err != nil {
			return err
		}
		text := fmt.Sprintf("Group “%s” deleted.", g.Name)
		switch fate {
		case models.GroupFateUngroup:
			text += " " + views.Count(n, "resource is", "resources are") + " in no group now."
		case models.GroupFateMove:
			text += " " + views.Count(n, "resource", "resources") + " moved."
		case models.GroupFateDelete:
			text += " " + views.Count(n, "resource", "resources") + " deleted with it."
		}
		if err := sessions.Flash(c, views.Flash{Kind: "success", Text: text}); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/resource-groups")
	}
}

// roleGroups is role r's group access page.
func roleGroups(c echo.Context, r *models.Role, rows []models.RoleGroupLevelRow, chosen map[string]string, errs map[string]string) templ.Component {
	d := views.RoleGroups{RoleID: r.ID, Role: r.Name, Default: r.Permissions.Level(models.FeatureResources).String(), Errors: errs}
	for _, g := range rows {
		field := models.GroupLevelField(g.Group.ID)
		l := ""
		if g.Set {
			l = g.Level.String()
		}
		if v, ok := chosen[field]; ok {
			l = v
		}
		d.Rows = append(d.Rows, views.RoleGroupRow{Field: field, Group: g.Group.Name, Level: l})
	}
	return views.RoleGroupsPage(below(PageFor(VisitorFrom(c.Request().Context()), "Group access of "+r.Name), "Group access", rolesCrumb, crumb(r.Name, "/roles/"+strconv.FormatUint(r.ID, 10)+"/edit")), d)
}

// RoleGroupsForm shows, per group, the level a role of the host tenant gives.
func RoleGroupsForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		r, rows, err := store.RoleGroupAccess(c.Request().Context(), id)
		if err != nil {
			return err
		}
		return Render(c, http.StatusOK, roleGroups(c, r, rows, nil, nil))
	}
}

// RoleGroupsSave sets a role's group levels ("" : the role's default).
func RoleGroupsSave(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id, err := pathID(c)
		if err != nil {
			return err
		}
		r, rows, err := store.RoleGroupAccess(ctx, id)
		if err != nil {
			return err
		}
		form := c.Request().PostForm
		levels, chosen, errs := map[uint64]*models.Level{}, map[string]string{}, map[string]string{}
		for _, g := range rows {
			field := models.GroupLevelField(g.Group.ID)
			if !form.Has(field) {
				continue
			}
			text := form.Get(field)
			chosen[field] = text
			if text == "" {
				levels[g.Group.ID] = nil
				continue
			}
			l, err := models.ParseLevel(text)
			if err != nil {
				errs[field] = "Choose none, read, full or the role's default."
				continue
			}
			levels[g.Group.ID] = &l
		}
		page := func(fields map[string]string) templ.Component { return roleGroups(c, r, rows, chosen, fields) }
		if len(errs) > 0 {
			return Render(c, http.StatusUnprocessableEntity, page(errs))
		}
		op := func() (string, error) {
			return fmt.Sprintf("Group access of “%s” saved.", r.Name), store.SetRoleGroupLevels(ctx, id, levels)
		}
		return submitReport(c, sessions, op, page, "/roles")
	}
}
