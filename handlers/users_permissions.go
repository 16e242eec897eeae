package handlers

import (
	"landlord/models"
	"landlord/views"
	"net/http"

	"github.com/labstack/echo/v4"
)

// UserPermissions shows a user of the host's tenant with their effective
// permissions: per feature the user role's level, the tenant role's cap, the
// lower of the two and which one limits it.
func UserPermissions(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id, err := pathID(c)
		if err != nil {
			return err
		}
		u, tr, rights, err := store.UserRights(ctx, id)
		if err != nil {
			return err
		}
		page := views.UserPermissions{UserID: u.ID, UserDisplay: u.DisplayName(), Username: u.Username, Capped: u.Capped}
		if u.Role != nil {
			page.RoleName = u.Role.Name
		}
		if tr != nil {
			page.CapName = tr.Name
		}
		page.Rows = rightRows(rights)
		groups, err := store.UserGroupLevels(ctx, u)
		if err != nil {
			return err
		}
		for _, g := range groups {
			page.Groups = append(page.Groups, views.GroupLevelRow{Group: g.Group.Name, Level: g.Level.String(), Rule: g.Rule})
		}
		return Render(c, http.StatusOK, views.UserPermissionsPage(below(PageFor(VisitorFrom(ctx), "Permissions of "+u.DisplayName()), "Permissions",
			crumb("Users", "/users"), crumb(u.Username, userPath(u.ID))), page))
	}
}

// rightRows lays out a user's rights for the pages that show them, saying
// which of role and cap limits each.
func rightRows(rights []models.Right) []views.RightRow {
	rows := make([]views.RightRow, 0, len(rights))
	for _, r := range rights {
		row := views.RightRow{Feature: string(r.Feature), Role: r.Role.String(), Effective: r.Effective.String()}
		if r.Capped {
			row.Cap = r.Cap.String()
		}
		switch {
		case r.Effective == models.LevelFull:
		case !r.Capped || r.Role < r.Cap:
			row.LimitedBy = "role"
		case r.Cap < r.Role:
			row.LimitedBy = "cap"
		default:
			row.LimitedBy = "both"
		}
		rows = append(rows, row)
	}
	return rows
}
