package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

// The create-tenant-role wizard, at /tenant-roles/new, as the tenants' one
// (tenants_create.go): details, feature caps, master resources, review. Each
// POST answers with a redirect to the page to show next; the tenant role is
// created only from the review, in one transaction, and what the commit
// refuses reopens the step owning the field.

const tenantRoleWizardPath = "/tenant-roles/new"

// The wizard's steps, by index.
const (
	trStepDetails = iota
	trStepCaps
	trStepResources
	trStepReview
)

var trDetailsFields = []string{"name", "description"}

// trCapFields are the caps step's fields: one per feature a subtenant can
// use (the master-only ones mean nothing under a tenant role).
func trCapFields() []string {
	var out []string
	for _, f := range models.Features {
		if !f.MasterOnly() {
			out = append(out, PermissionField(f))
		}
	}
	return out
}

// "resources" carries no value: it owns the step's message.
var trResourceFields = []string{"scope", "resource", "resources"}

type tenantRoleWizard struct {
	store   *models.Store
	wiz     *Wizard
	steps   []WizardStep
	session string
	err     error // a check's failure that is no message (forbidden, the database)
}

func newTenantRoleWizard(ctx context.Context, store *models.Store, wiz *Wizard) *tenantRoleWizard {
	w := &tenantRoleWizard{store: store, wiz: wiz, session: VisitorFrom(ctx).CSRFToken}
	w.steps = []WizardStep{
		{Name: "details", Title: "Details", Fields: trDetailsFields, Check: func(values url.Values) map[string]string {
			return w.fields(store.CheckTenantRoleDetails(ctx, trRoleFrom(values)))
		}},
		{Name: "caps", Title: "Feature caps", Fields: trCapFields(), Check: func(values url.Values) map[string]string {
			perms, bad := trCapsFrom(values)
			if len(bad) > 0 {
				return bad
			}
			return w.fields(store.CheckTenantRoleCaps(ctx, perms))
		}},
		{Name: "resources", Title: "Master resources", Fields: trResourceFields, Check: func(values url.Values) map[string]string {
			perms, _ := trCapsFrom(values)
			st := trResourcesFrom(values)
			_, err := store.CheckTenantRoleGrants(ctx, perms, st.all, st.ids)
			return w.fields(err)
		}},
		{Name: "review", Title: "Review"},
	}
	return w
}

// fields is a check's messages; any other failure is kept for the handler.
func (w *tenantRoleWizard) fields(err error) map[string]string {
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return ve.Fields
	}
	if err != nil && w.err == nil {
		w.err = err
	}
	return nil
}

func trRoleFrom(values url.Values) models.NewRole {
	perms, _ := trCapsFrom(values)
	return models.NewRole{Name: values.Get("name"), Description: values.Get("description"), Permissions: perms}
}

// trCapsFrom reads the caps typed; the master-only features stay at none.
func trCapsFrom(values url.Values) (models.Permissions, map[string]string) {
	perms, bad := parseMatrix(values)
	for _, f := range models.Features {
		if f.MasterOnly() {
			perms[f] = models.LevelNone
			delete(bad, PermissionField(f))
		}
	}
	return perms, bad
}

func trResourcesFrom(values url.Values) tenantRoleResourcesState {
	st := tenantRoleResourcesFrom(values, "scope")
	if st.all {
		st.ids = nil
	}
	return st
}

// view is the page of a wizard step; search is the resources step's.
func (w *tenantRoleWizard) view(ctx context.Context, page WizardPage, errs map[string]string, search string) (views.TenantRoleWizard, error) {
	v := views.TenantRoleWizard{Step: page.Step, StepName: w.steps[page.Step].Name, Sealed: page.Sealed, Errors: errs,
		Name: page.Values.Get("name"), Description: page.Values.Get("description")}
	for _, s := range w.steps {
		v.Steps = append(v.Steps, s.Title)
	}
	reached := atoi(page.Values.Get("_reached"))
	for i := 0; i <= reached && i < len(w.steps); i++ {
		link, err := w.wiz.Location(w.session, tenantRoleWizardPath, WizardPage{Step: i, Sealed: page.Sealed})
		if err != nil {
			return v, err
		}
		v.StepLinks = append(v.StepLinks, link)
	}
	perms, bad := trCapsFrom(page.Values)
	st := trResourcesFrom(page.Values)
	switch v.StepName {
	case "caps":
		v.Matrix = matrixOf(perms, mergeErrs(bad, errs), nil, false)
		held := models.Permissions{}
		for _, f := range models.Features {
			if !f.MasterOnly() {
				held[f] = VisitorFrom(ctx).User.Permissions().Level(f)
			}
		}
		v.Held = grantsOf(held, nil, false) // of the features offered
	case "resources":
		r := &views.TenantRoleWizardResources{All: st.all, CanGrant: models.MayGrantMasterResources(ctx)}
		if r.CanGrant {
			list, err := w.store.MasterResources(ctx, models.VisibilityPublic, models.ListQuery{Search: search, PerPage: pickerSize})
			if err != nil {
				return v, err
			}
			r.Search, r.Total = list.Query.Search, list.Total
			listed := map[uint64]bool{}
			for _, res := range list.Rows {
				listed[res.ID] = true
				r.Choices = append(r.Choices, views.ResourceChoice{ID: res.ID, Name: res.Name, Kind: res.Kind, Checked: slices.Contains(st.ids, res.ID)})
			}
			for _, id := range st.ids {
				if !listed[id] {
					r.Chosen = append(r.Chosen, id)
				}
			}
		}
		v.Resources = r
	case "review":
		d, err := w.store.CheckTenantRoleGrants(ctx, perms, st.all, st.ids)
		var ve *models.ValidationError
		if err != nil && !errors.As(err, &ve) {
			return v, err
		}
		v.Review = views.TenantRoleReview{Name: strings.TrimSpace(v.Name), Description: strings.TrimSpace(v.Description),
			Grants: grantsOf(perms, nil, false), All: st.all, Resources: d.Resources, Subtenants: d.Subtenants}
	}
	return v, nil
}

func mergeErrs(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func (w *tenantRoleWizard) render(c echo.Context, status int, page WizardPage) error {
	if status == http.StatusOK && len(page.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	ctx := c.Request().Context()
	v, err := w.view(ctx, page, unplaced(page.Errors, w.steps[page.Step].Fields), c.QueryParam("resource_q"))
	if err != nil {
		return err
	}
	return Render(c, status, views.TenantRoleWizardPage(below(PageFor(VisitorFrom(ctx), "New tenant role"), "New tenant role", tenantRolesCrumb), v))
}

func (w *tenantRoleWizard) redirect(c echo.Context, page WizardPage, extra string) error {
	loc, err := w.wiz.Location(w.session, tenantRoleWizardPath, page)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, loc+extra)
}

func (w *tenantRoleWizard) restart(c echo.Context) error {
	page, err := w.wiz.Start(w.session, nil)
	if err != nil {
		return err
	}
	page.Errors = map[string]string{"": expired}
	return w.render(c, http.StatusBadRequest, page)
}

// TenantRoleNew shows a step of the create-tenant-role wizard: the first, or
// the one its address names, with its values, messages and search.
func TenantRoleNew(store *models.Store, wiz *Wizard) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if err := store.CheckTenantRoleCaps(ctx, models.Permissions{}); err != nil {
			return err
		}
		w := newTenantRoleWizard(ctx, store, wiz)
		page, err := wiz.Resume(w.session, c.QueryParams(), w.steps)
		if errors.Is(err, ErrWizardState) {
			return w.restart(c)
		}
		if err != nil {
			return err
		}
		return w.render(c, http.StatusOK, page)
	}
}

// TenantRoleCreate takes a posted step: back, a search of the resources
// step, on, or (from the review) the creation itself.
func TenantRoleCreate(store *models.Store, sessions Sessions, wiz *Wizard) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if err := store.CheckTenantRoleCaps(ctx, models.Permissions{}); err != nil {
			return err
		}
		w := newTenantRoleWizard(ctx, store, wiz)
		form := c.Request().PostForm
		search := form.Get(WizardActionField) == "search" && atoi(form.Get(WizardStepField)) == trStepResources
		if search {
			// Keep what was ticked, unchecked, and show the step again
			// with the search in its address.
			form = cloneValues(form)
			form.Set(WizardActionField, "back")
		}
		page, err := wiz.Advance(w.session, form, w.steps)
		if errors.Is(err, ErrWizardState) {
			return w.restart(c)
		}
		if err != nil {
			return err
		}
		if w.err != nil {
			return w.err
		}
		if search {
			page.Step = min(trStepResources, atoi(page.Values.Get("_reached")))
			q := ""
			if s := strings.TrimSpace(form.Get("resource_q")); s != "" {
				q = "&resource_q=" + url.QueryEscape(s) + "#resources"
			}
			return w.redirect(c, page, q)
		}
		if !page.Done {
			return w.redirect(c, page, "")
		}
		st := trResourcesFrom(page.Values)
		tr, err := store.CreateTenantRoleWithResources(ctx, trRoleFrom(page.Values), st.all, st.ids)
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			if page, err = wiz.Revisit(w.session, page, w.steps, ve.Fields); err != nil {
				return err
			}
			return w.redirect(c, page, "")
		}
		if err != nil {
			return err
		}
		if err := sessions.Flash(c, views.Flash{Kind: "success", Text: fmt.Sprintf("Tenant role “%s” created.", tr.Name)}); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/tenant-roles")
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}
