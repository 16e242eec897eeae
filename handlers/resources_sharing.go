package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

// pickerSize is how many subtenants or public resources a picker lists.
const pickerSize = 50

var sharingCrumb = crumb("Sharing", "/sharing")

// SharingList is the master's resources with their visibility, each
// linking to its sharing page.
func SharingList(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		q := c.QueryParam("q")
		page, err := store.MasterResources(ctx, "", models.ListQuery{Search: q, PerPage: models.MaxPerPage})
		if err != nil {
			return err
		}
		l := views.SharingList{Search: page.Query.Search, Total: page.Total}
		for _, r := range page.Rows {
			l.Rows = append(l.Rows, views.SharingListRow{ID: r.ID, Name: r.Name, Kind: r.Kind, Visibility: r.Visibility})
		}
		return Render(c, http.StatusOK, views.SharingListPage(PageFor(VisitorFrom(ctx), "Sharing"), l))
	}
}

// seerWhy says why a tenant sees a master resource.
func seerWhy(reason, tenantRole string) string {
	switch reason {
	case models.SeenAssigned:
		return "Assigned"
	case models.SeenAll:
		return "Public, all master resources via tenant role “" + tenantRole + "”"
	}
	return "Public, granted by tenant role “" + tenantRole + "”"
}

// sharingState is a sharing page's choice: the visibility and the assigned
// subdomains, as stored or as the person set them.
type sharingState struct {
	visibility string
	tenants    []string
}

// renderSharing renders resource id's sharing page with st chosen.
func renderSharing(c echo.Context, store *models.Store, status int, id uint64, st sharingState, search string, preview *views.SharingPreview, errs map[string]string) error {
	ctx := c.Request().Context()
	v := VisitorFrom(ctx)
	r, err := store.ResourceSharingOf(ctx, id)
	if err != nil {
		return err
	}
	seers, err := store.WhoCanSee(ctx, id, models.ListQuery{PerPage: pickerSize})
	if err != nil {
		return err
	}
	picker, err := store.SubtenantChoices(ctx, models.ListQuery{Search: search, PerPage: pickerSize})
	if err != nil {
		return err
	}
	s := views.ResourceSharing{ID: r.ID, Name: r.Name, Kind: r.Kind, Visibility: st.visibility, Search: picker.Query.Search, PickerTotal: picker.Total,
		SeersTotal: seers.Total, Preview: preview, Errors: errs,
		CanChange: v.User != nil && v.User.Level(models.FeatureResources) >= models.LevelFull}
	listed := map[string]bool{}
	for _, t := range picker.Rows {
		listed[t.Subdomain] = true
		s.Picker = append(s.Picker, views.TenantChoice{Subdomain: t.Subdomain, Name: t.Name, Checked: slices.Contains(st.tenants, t.Subdomain)})
	}
	for _, sub := range st.tenants {
		if !listed[sub] {
			s.Chosen = append(s.Chosen, sub)
		}
	}
	for _, g := range seers.Groups {
		s.Groups = append(s.Groups, views.SeerGroupView{Why: seerWhy(g.Reason, g.TenantRole), Tenants: g.Tenants})
	}
	for _, r := range seers.Rows {
		s.Seers = append(s.Seers, views.SeerView{Subdomain: r.Subdomain, Name: r.Name, Why: seerWhy(r.Reason, r.TenantRole)})
	}
	return Render(c, status, views.ResourceSharingPage(below(PageFor(v, "Sharing of "+r.Name), r.Name, sharingCrumb), s))
}

// sharingFrom reads a sharing choice from a form or a query: no visibility
// given is none chosen (the stored one is shown).
func sharingFrom(values url.Values) (sharingState, bool) {
	vis := values.Get("visibility")
	var subs []string
	for _, sub := range values["tenant"] {
		if sub != "" && !slices.Contains(subs, sub) {
			subs = append(subs, sub)
		}
	}
	return sharingState{visibility: vis, tenants: subs}, vis != ""
}

// ResourceSharingForm shows a master resource's sharing page; a search of
// the tenant picker carries the person's unsaved choice in its query.
func ResourceSharingForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id, err := pathID(c)
		if err != nil {
			return err
		}
		st, given := sharingFrom(c.QueryParams())
		if !given {
			r, err := store.ResourceSharingOf(ctx, id)
			if err != nil {
				return err
			}
			st = sharingState{visibility: r.Visibility, tenants: r.Assigned}
		}
		return renderSharing(c, store, http.StatusOK, id, st, c.QueryParam("q"), nil, nil)
	}
}

// ResourceSharingUpdate previews (_action=preview) or saves a master
// resource's sharing.
func ResourceSharingUpdate(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id, err := pathID(c)
		if err != nil {
			return err
		}
		st, _ := sharingFrom(c.Request().PostForm)
		var ve *models.ValidationError
		if c.Request().PostForm.Get("_action") == "preview" {
			ch, err := store.PreviewVisibility(ctx, id, st.visibility, st.tenants)
			if errors.As(err, &ve) {
				return renderSharing(c, store, http.StatusUnprocessableEntity, id, st, "", nil, ve.Fields)
			}
			if err != nil {
				return err
			}
			return renderSharing(c, store, http.StatusOK, id, st, "", &views.SharingPreview{Gain: ch.Gain, Lose: ch.Lose}, nil)
		}
		ch, err := store.SetResourceVisibility(ctx, id, st.visibility, st.tenants)
		if errors.As(err, &ve) {
			return renderSharing(c, store, http.StatusUnprocessableEntity, id, st, "", nil, ve.Fields)
		}
		if err != nil {
			return err
		}
		text := fmt.Sprintf("Sharing saved: %s gained it, %s lost it.", views.Count(ch.Gain, "tenant", "tenants"), views.Count(ch.Lose, "tenant", "tenants"))
		if err := sessions.Flash(c, views.Flash{Kind: "success", Text: text}); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/resources/%d/sharing", id))
	}
}

// tenantRoleResourcesState is a tenant role's master resources, as stored
// or as the person set them.
type tenantRoleResourcesState struct {
	all bool
	ids []uint64
}

// tenantRoleResourcesFrom reads the choice from a form or a query; ids that
// are not ids are left out (they name nothing).
func tenantRoleResourcesFrom(values url.Values, allField string) tenantRoleResourcesState {
	st := tenantRoleResourcesState{all: values.Get(allField) == "all" || values.Get(allField) == "on"}
	for _, s := range values["resource"] {
		if id, ok := ParseID(s); ok && !slices.Contains(st.ids, id) {
			st.ids = append(st.ids, id)
		}
	}
	return st
}

// masterResourcesSection is tenant role id's "Master resources" section
// with st chosen, or nil for a master user who may not read both tenants
// and resources.
func masterResourcesSection(c echo.Context, store *models.Store, id uint64, st *tenantRoleResourcesState, search string, preview *views.SharingPreview, errs map[string]string) (*views.TenantRoleResources, error) {
	ctx := c.Request().Context()
	v := VisitorFrom(ctx)
	if v.User == nil || v.User.Level(models.FeatureTenants) < models.LevelRead || v.User.Level(models.FeatureResources) < models.LevelRead {
		return nil, nil
	}
	if st == nil {
		tr, err := store.TenantRole(ctx, id)
		if err != nil {
			return nil, err
		}
		ids, err := store.TenantRoleResourceIDs(ctx, id)
		if err != nil {
			return nil, err
		}
		st = &tenantRoleResourcesState{all: tr.AllMasterResources, ids: ids}
	}
	page, err := store.MasterResources(ctx, models.VisibilityPublic, models.ListQuery{Search: search, PerPage: pickerSize})
	if err != nil {
		return nil, err
	}
	r := &views.TenantRoleResources{TenantRoleID: id, All: st.all, Search: page.Query.Search, Total: page.Total, Preview: preview, Errors: errs,
		CanChange: v.User.Level(models.FeatureTenants) >= models.LevelFull && v.User.Level(models.FeatureResources) >= models.LevelFull}
	listed := map[uint64]bool{}
	for _, res := range page.Rows {
		listed[res.ID] = true
		r.Choices = append(r.Choices, views.ResourceChoice{ID: res.ID, Name: res.Name, Kind: res.Kind, Checked: slices.Contains(st.ids, res.ID)})
	}
	for _, rid := range st.ids {
		if !listed[rid] {
			r.Chosen = append(r.Chosen, rid)
		}
	}
	return r, nil
}

// renderTenantRoleWithResources renders tenant role id's edit page, as
// stored, with its master resources section given.
func renderTenantRoleWithResources(c echo.Context, store *models.Store, status int, id uint64, section *views.TenantRoleResources) error {
	ctx := c.Request().Context()
	tr, err := store.TenantRole(ctx, id)
	if err != nil {
		return err
	}
	f := tenantRoleForm(tr)
	f.Matrix = matrixOf(tr.Permissions, nil, nil, true)
	f.MasterResources = section
	return Render(c, status, views.RoleFormPage(below(PageFor(VisitorFrom(ctx), "Edit "+tr.Name), "Edit "+tr.Name, tenantRolesCrumb), f))
}

// TenantRoleResourcesUpdate previews (_action=preview) or saves which
// master resources a tenant role's subtenants see.
func TenantRoleResourcesUpdate(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id, err := pathID(c)
		if err != nil {
			return err
		}
		if _, err := store.TenantRole(ctx, id); err != nil {
			return err
		}
		form := c.Request().PostForm
		st := tenantRoleResourcesFrom(form, "scope")
		again := func(status int, preview *views.SharingPreview, errs map[string]string) error {
			section, err := masterResourcesSection(c, store, id, &st, "", preview, errs)
			if err != nil {
				return err
			}
			return renderTenantRoleWithResources(c, store, status, id, section)
		}
		var ve *models.ValidationError
		if form.Get("_action") == "preview" {
			p, err := store.PreviewTenantRoleResources(ctx, id, st.all, st.ids)
			if errors.As(err, &ve) {
				return again(http.StatusUnprocessableEntity, nil, ve.Fields)
			}
			if err != nil {
				return err
			}
			return again(http.StatusOK, &views.SharingPreview{Gain: p.Gain, Lose: p.Lose,
				Resources: fmt.Sprintf("%s hold this tenant role; they would gain %s and lose %s.", views.Count(p.Tenants, "tenant", "tenants"),
					views.Count(p.ResourcesGained, "resource", "resources"), views.Count(p.ResourcesLost, "resource", "resources"))}, nil)
		}
		p, err := store.SetTenantRoleResources(ctx, id, st.all, st.ids)
		if errors.As(err, &ve) {
			return again(http.StatusUnprocessableEntity, nil, ve.Fields)
		}
		if err != nil {
			return err
		}
		text := fmt.Sprintf("Master resources saved: %s gained some, %s lost some.", views.Count(p.Gain, "tenant", "tenants"), views.Count(p.Lose, "tenant", "tenants"))
		if err := sessions.Flash(c, views.Flash{Kind: "success", Text: text}); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/tenant-roles/%d/edit#master-resources", id))
	}
}

// withMasterResources adds tenant role id's master resources section to f,
// as stored or as a search's query carries the person's choice.
func withMasterResources(c echo.Context, store *models.Store, id uint64, f *views.RoleForm, fromQuery bool) error {
	var st *tenantRoleResourcesState
	q := c.QueryParams()
	if fromQuery && (q.Has("resource_q") || q.Has("resource") || q.Has("all")) {
		s := tenantRoleResourcesFrom(q, "all")
		st = &s
	}
	section, err := masterResourcesSection(c, store, id, st, c.QueryParam("resource_q"), nil, nil)
	if err != nil {
		return err
	}
	f.MasterResources = section
	return nil
}
