package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

// The create-role wizard, at /roles/new: details, feature levels, group
// access, review. Every post answers with a redirect to the step to show
// next (see tenants_create.go); every step runs the model's own checks
// (the delegation rule among them), and the last step creates the role,
// its group levels and a template's copies in one transaction.

const roleWizardPath = "/roles/new"

var roleDetailsFields = []string{"name", "description", "multitenant"}

// roleWizard is one request's create-role wizard.
type roleWizard struct {
	store   *models.Store
	wiz     *Wizard
	visitor *Visitor
	session string
	capped  bool
	cap     *models.TenantRole
	groups  []models.RoleGroupChoice
	steps   []WizardStep
	// failed is an error a step's check met that is no message (a right
	// lost meanwhile, a group gone): the request answers with it.
	failed error
}

func newRoleWizard(ctx context.Context, store *models.Store, wiz *Wizard) (*roleWizard, error) {
	v := VisitorFrom(ctx)
	cap, err := tenantCap(ctx, store, v)
	if err != nil {
		return nil, err
	}
	groups, err := store.NewRoleGroups(ctx)
	if err != nil {
		return nil, err
	}
	w := &roleWizard{store: store, wiz: wiz, visitor: v, session: v.CSRFToken, cap: cap, capped: cap != nil, groups: groups}
	// Every feature and the template box are read wherever they are not
	// offered, for the model to refuse: posted anyway, they are no less
	// refused for being off the page.
	var levels, groupFields []string
	for _, f := range models.Features {
		levels = append(levels, PermissionField(f))
	}
	for _, g := range groups {
		groupFields = append(groupFields, models.GroupLevelField(g.Group.ID))
	}
	w.steps = []WizardStep{
		{Name: "details", Title: "Details", Fields: roleDetailsFields, Check: func(values url.Values) map[string]string {
			return w.fields(store.CheckRoleDetails(ctx, w.roleFrom(values)))
		}},
		{Name: "levels", Title: "Feature levels", Fields: levels, Check: func(values url.Values) map[string]string {
			return w.checkLevels(ctx, values)
		}},
		{Name: "groups", Title: "Group access", Fields: groupFields, Check: func(values url.Values) map[string]string {
			if errs := w.checkLevels(ctx, values); errs != nil {
				return errs
			}
			return w.checkGroups(ctx, values)
		}},
		// The review's check is the creation's own, in the model.
		{Name: "review", Title: "Review"},
	}
	return w, nil
}

// offered are the features the matrix offers: outside the master, not the
// master-only ones.
func (w *roleWizard) offered() []models.Feature {
	var out []models.Feature
	for _, f := range models.Features {
		if w.visitor.Tenant.IsMaster || !f.MasterOnly() {
			out = append(out, f)
		}
	}
	return out
}

// roleFrom reads what was typed into a new role (values that are no level
// are none: the steps' checks refused them).
func (w *roleWizard) roleFrom(values url.Values) models.NewRole {
	n := models.NewRole{Name: values.Get("name"), Description: values.Get("description"), Multitenant: values.Get("multitenant") != ""}
	n.Permissions, _ = parseMatrix(values)
	n.GroupLevels, _ = w.groupLevels(values)
	return n
}

// groupLevels reads the group levels typed: a group left at the role's
// default is none of them.
func (w *roleWizard) groupLevels(values url.Values) (map[uint64]models.Level, map[string]string) {
	out, bad := map[uint64]models.Level{}, map[string]string{}
	for _, g := range w.groups {
		field := models.GroupLevelField(g.Group.ID)
		text := values.Get(field)
		if text == "" {
			continue
		}
		l, err := models.ParseLevel(text)
		if err != nil {
			bad[field] = "Choose none, read, full or the role's default."
			continue
		}
		out[g.Group.ID] = l
	}
	return out, bad
}

func (w *roleWizard) checkLevels(ctx context.Context, values url.Values) map[string]string {
	perms, bad := parseMatrix(values)
	if len(bad) > 0 {
		return bad
	}
	return w.fields(w.store.CheckRoleLevels(ctx, strings.TrimSpace(values.Get("name")), perms))
}

func (w *roleWizard) checkGroups(ctx context.Context, values url.Values) map[string]string {
	levels, bad := w.groupLevels(values)
	if len(bad) > 0 {
		return bad
	}
	perms, _ := parseMatrix(values)
	return w.fields(w.store.CheckRoleGroupLevels(ctx, strings.TrimSpace(values.Get("name")), perms.Level(models.FeatureResources), levels))
}

// fields is the messages of a check's error; any other error is kept for
// the request to answer with.
func (w *roleWizard) fields(err error) map[string]string {
	var ve *models.ValidationError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ve):
		return ve.Fields
	}
	if w.failed == nil {
		w.failed = err
	}
	return map[string]string{"": "This step could not be checked."}
}

// view is the page of a wizard step.
func (w *roleWizard) view(ctx context.Context, page WizardPage, errs map[string]string) (views.RoleWizard, error) {
	v := views.RoleWizard{Step: page.Step, StepName: w.steps[page.Step].Name, Sealed: page.Sealed, Errors: errs,
		Values: map[string]string{}, CanTemplate: w.visitor.Tenant.IsMaster}
	for _, s := range w.steps {
		v.Steps = append(v.Steps, s.Title)
	}
	for k := range page.Values {
		if !strings.HasPrefix(k, "_") {
			v.Values[k] = page.Values.Get(k)
		}
	}
	n := w.roleFrom(page.Values)
	perms, bad := parseMatrix(page.Values)
	matrixErrs := map[string]string{}
	for k, m := range bad {
		matrixErrs[k] = m
	}
	for k, m := range errs {
		matrixErrs[k] = m
	}
	v.Matrix = matrixOf(perms, matrixErrs, w.cap, w.visitor.Tenant.IsMaster)
	for i := range v.Matrix.Rows {
		v.Matrix.Rows[i].Most = w.visitor.User.Level(models.Feature(v.Matrix.Rows[i].Feature)).String()
	}
	def := perms.Level(models.FeatureResources)
	capRes := models.LevelFull
	if w.capped {
		capRes = w.cap.Permissions.Level(models.FeatureResources)
	}
	for _, g := range w.groups {
		field := models.GroupLevelField(g.Group.ID)
		row := views.RoleWizardGroup{Field: field, Name: g.Group.Name, Level: page.Values.Get(field), Most: g.Most.String(),
			Default: def.String(), Error: errs[field]}
		given := def
		if l, ok := n.GroupLevels[g.Group.ID]; ok {
			given = l
		}
		row.Gives = min(given, capRes).String()
		if w.capped {
			row.Cap = capRes.String()
		}
		v.Groups = append(v.Groups, row)
	}
	reached, _ := strconv.Atoi(page.Values.Get("_reached"))
	for i := 0; i <= reached && i < len(w.steps); i++ {
		link, err := w.wiz.Location(w.session, roleWizardPath, WizardPage{Step: i, Sealed: page.Sealed})
		if err == nil {
			v.StepLinks = append(v.StepLinks, link)
		}
	}
	if v.StepName == "review" {
		r := views.RoleReview{Name: strings.TrimSpace(n.Name), Description: strings.TrimSpace(n.Description), Template: n.Multitenant}
		if w.cap != nil {
			r.CapName = w.cap.Name
			if r.CapName == "" {
				r.CapName = "no tenant role"
			}
		}
		for _, f := range w.offered() {
			l := perms.Level(f)
			row := views.ReviewLevel{Feature: string(f), Level: l.String(), Effective: l.String()}
			if w.capped && w.cap.Permissions.Level(f) < l {
				row.Effective = w.cap.Permissions.Level(f).String()
			}
			r.Levels = append(r.Levels, row)
		}
		if n.Multitenant {
			copies, err := w.store.TemplateCopies(ctx, r.Name)
			if err != nil {
				return v, err
			}
			r.Copies = copies
		}
		v.Review = r
	}
	return v, nil
}

// render shows page: 422 when it carries messages.
func (w *roleWizard) render(c echo.Context, page WizardPage) error {
	status := http.StatusOK
	if len(page.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return w.renderStatus(c, status, page)
}

func (w *roleWizard) renderStatus(c echo.Context, status int, page WizardPage) error {
	ctx := c.Request().Context()
	errs := unplaced(page.Errors, w.steps[page.Step].Fields)
	view, err := w.view(ctx, page, errs)
	if err != nil {
		return err
	}
	return Render(c, status, views.RoleWizardPage(below(PageFor(w.visitor, "New role"), "New role", rolesCrumb), view))
}

func (w *roleWizard) redirect(c echo.Context, page WizardPage) error {
	loc, err := w.wiz.Location(w.session, roleWizardPath, page)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, loc)
}

// restart shows the first page again, saying why the state did not open.
func (w *roleWizard) restart(c echo.Context) error {
	page, err := w.wiz.Start(w.session, nil)
	if err != nil {
		return err
	}
	page.Errors = map[string]string{"": expired}
	return w.renderStatus(c, http.StatusBadRequest, page)
}

// RoleNew shows a step of the create-role wizard: the first, or the one its
// address names. A state whose levels the visitor may no longer give shows
// the step that sets them, with the model's messages.
func RoleNew(store *models.Store, wiz *Wizard) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		w, err := newRoleWizard(ctx, store, wiz)
		if err != nil {
			return err
		}
		page, err := wiz.Resume(w.session, c.QueryParams(), w.steps)
		if errors.Is(err, ErrWizardState) {
			return w.restart(c)
		}
		if err != nil {
			return err
		}
		if page.Step > 1 && len(page.Errors) == 0 {
			if errs := w.checkLevels(ctx, page.Values); errs != nil {
				if w.failed != nil {
					return w.failed
				}
				if page, err = wiz.Revisit(w.session, page, w.steps, errs); err != nil {
					return err
				}
			}
		}
		return w.render(c, page)
	}
}

// RoleCreate takes a posted step of the wizard: back, on, or (from the
// review) the creation itself. What a step's check or the creation refuses
// on another step's field reopens that step with the message by the field.
func RoleCreate(store *models.Store, sessions Sessions, wiz *Wizard) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		w, err := newRoleWizard(ctx, store, wiz)
		if err != nil {
			return err
		}
		page, err := wiz.Advance(w.session, c.Request().PostForm, w.steps)
		if errors.Is(err, ErrWizardState) {
			return w.restart(c)
		}
		if err != nil {
			return err
		}
		if w.failed != nil {
			return w.failed
		}
		if len(page.Errors) > 0 {
			if page, err = wiz.Revisit(w.session, page, w.steps[:page.Step+1], page.Errors); err != nil {
				return err
			}
			return w.redirect(c, page)
		}
		if !page.Done {
			return w.redirect(c, page)
		}
		n := w.roleFrom(page.Values)
		r, err := store.CreateRole(ctx, n)
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			if page, err = wiz.Revisit(w.session, page, w.steps, ve.Fields); err != nil {
				return err
			}
			return w.redirect(c, page)
		}
		if err != nil {
			return err
		}
		msg := fmt.Sprintf("Role “%s” created.", r.Name)
		if r.Multitenant {
			im, err := store.PreviewRole(ctx, r.ID, r.Permissions)
			if err != nil {
				return err
			}
			msg = fmt.Sprintf("Template “%s” created and copied, linked, into %s.", r.Name, views.Count(im.LinkedCopies, "subtenant", "subtenants"))
		}
		if err := sessions.Flash(c, views.Flash{Kind: "success", Text: msg}); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/roles")
	}
}
