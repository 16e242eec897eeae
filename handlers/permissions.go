package handlers

import (
	"context"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

// PermissionField is the form field of a feature in the permission matrix.
func PermissionField(f models.Feature) string { return models.PermissionField(f) }

// parsePermissions reads the permission matrix of a posted form: one field
// perm_<feature> per feature of the catalogue, none, read or full (absent:
// none). A value that is not a level is a message under the field's name;
// the matrix shows the rest as posted. Fields of unknown features are ignored.
func parsePermissions(form url.Values) (models.Permissions, map[string]string) {
	p := models.Permissions{}
	errs := map[string]string{}
	for _, f := range models.Features {
		l, err := models.ParseLevel(form.Get(PermissionField(f)))
		if err != nil {
			errs[PermissionField(f)] = "Choose no access, read or full."
			continue
		}
		p[f] = l
	}
	return p, errs
}

// matrixOf shows perms in the matrix, with the messages of errs; features
// whose posted value was refused show no level chosen. A non-nil cap shows
// its levels beside each row it lowers.
func matrixOf(perms models.Permissions, errs map[string]string, cap *models.TenantRole) views.Matrix {
	m := views.Matrix{}
	if cap != nil {
		m.CapName = cap.Name
	}
	for _, f := range models.Features {
		row := views.MatrixRow{Feature: string(f), Level: perms.Level(f).String(), Error: errs[PermissionField(f)]}
		if _, parsed := perms[f]; row.Error != "" && !parsed {
			row.Level = "" // what was posted is no level; a refused level stays as chosen
		}
		if cap != nil && cap.Permissions.Level(f) < models.LevelFull {
			row.Cap = cap.Permissions.Level(f).String() // only where it bites
		}
		m.Rows = append(m.Rows, row)
	}
	return m
}

// grantsOf lists what perms grant above none; under a non-nil cap, with the
// level it gives where the cap lowers it.
func grantsOf(perms models.Permissions, cap models.Permissions, capped bool) []views.Grant {
	var out []views.Grant
	for _, f := range models.Features {
		l := perms.Level(f)
		if l == models.LevelNone {
			continue
		}
		g := views.Grant{Feature: string(f), Level: l.String()}
		if capped && cap.Level(f) < l {
			g.Effective = cap.Level(f).String()
		}
		out = append(out, g)
	}
	return out
}

func levelChanges(cs []models.LevelChange) []views.LevelChangeView {
	out := make([]views.LevelChangeView, len(cs))
	for i, c := range cs {
		out[i] = views.LevelChangeView{Feature: string(c.Feature), Before: c.Before.String(), After: c.After.String()}
	}
	return out
}

// tenantCap is the tenant role capping the visitor's tenant: nil in the
// master, and an empty one, capping everything at none, for a subtenant
// without a tenant role.
func tenantCap(ctx context.Context, store *models.Store, v *Visitor) (*models.TenantRole, error) {
	if v.Tenant.IsMaster {
		return nil, nil
	}
	if v.Tenant.TenantRoleID == nil {
		return &models.TenantRole{Permissions: models.Permissions{}}, nil
	}
	return store.TenantRole(ctx, *v.Tenant.TenantRoleID)
}

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
