package handlers

import (
	"context"
	"net/url"

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
