package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

// The create-tenant wizard: one step per page, at /tenants/new. GET shows a
// step (the first, or the one its address names); POST checks the step shown
// and answers with a redirect to the step to show next: the next one, the
// previous one (Back), or the same one with its messages, so the browser's
// history holds only pages it can load again. The last step creates the
// tenant with everything in one transaction; what the commit refuses
// reopens the step that owns the field.

const wizardPath = "/tenants/new"

// Fields of the wizard's steps (the names of models.NewTenant's messages).
var (
	detailsFields = []string{"name", "subdomain", "description", "tenant_role", "currency"}
	limitsFields  = []string{"max_users", "max_resources"}
	accountFields = []string{"account_number", "account_name", "customer_number"}
	adminFields   = []string{"admin", "admin_username", "admin_email", "admin_password", "admin_password_confirm"}
)

// tenantWizard is one request's wizard: the steps, whose checks look the
// subdomain and the tenant roles up.
type tenantWizard struct {
	store      *models.Store
	wiz        *Wizard
	roles      []models.TenantRole
	defRole    uint64
	steps      []WizardStep
	session    string
	baseDomain string
}

func newTenantWizard(ctx context.Context, store *models.Store, wiz *Wizard) (*tenantWizard, error) {
	roles, def, err := store.TenantRoleChoices(ctx)
	if err != nil {
		return nil, err
	}
	v := VisitorFrom(ctx)
	w := &tenantWizard{store: store, wiz: wiz, roles: roles, defRole: def, session: v.CSRFToken, baseDomain: v.BaseDomain}
	w.steps = []WizardStep{
		{Name: "details", Title: "Details", Fields: detailsFields, Check: func(values url.Values) map[string]string {
			n, bad := w.tenantFrom(values)
			return w.merge(detailsFields, bad, n.CheckDetails(), w.subdomainCheck(ctx, n, bad))
		}},
		{Name: "limits", Title: "Limits", Fields: limitsFields, Check: func(values url.Values) map[string]string {
			n, bad := w.tenantFrom(values)
			return w.merge(limitsFields, bad, n.CheckLimits())
		}},
		{Name: "account", Title: "Account", Fields: accountFields, Check: func(values url.Values) map[string]string {
			n, bad := w.tenantFrom(values)
			return w.merge(accountFields, bad, n.CheckAccount())
		}},
		{Name: "admin", Title: "Initial admin", Fields: adminFields, Secret: []string{"admin_password", "admin_password_confirm"},
			Check: func(values url.Values) map[string]string {
				n, bad := w.tenantFrom(values)
				if n.Admin != nil && values.Get("admin_password") != values.Get("admin_password_confirm") {
					bad["admin_password_confirm"] = "The two passwords differ."
				}
				return w.merge(adminFields, bad, n.CheckAdmin())
			}},
		{Name: "review", Title: "Review"},
	}
	return w, nil
}

// tenantFrom reads what was typed into a new tenant; bad holds the messages
// of values that are not even of the right kind (a limit that is no number).
func (w *tenantWizard) tenantFrom(values url.Values) (models.NewTenant, map[string]string) {
	bad := map[string]string{}
	n := models.NewTenant{
		Subdomain: values.Get("subdomain"), Name: values.Get("name"), Description: values.Get("description"),
		Currency: values.Get("currency"), AccountNumber: values.Get("account_number"), AccountName: values.Get("account_name"),
		CustomerNumber: values.Get("customer_number"),
	}
	n.TenantRoleID = w.roleID(values.Get("tenant_role"), bad)
	n.MaxUsers = parseLimit(values.Get("max_users"), "max_users", bad)
	n.MaxResources = parseLimit(values.Get("max_resources"), "max_resources", bad)
	switch values.Get("admin") {
	case "none":
	case "create":
		n.Admin = &models.NewTenantAdmin{Username: values.Get("admin_username"), Email: values.Get("admin_email"), Password: values.Get("admin_password")}
	default:
		bad["admin"] = "Choose whether to create an initial admin."
	}
	return n, bad
}

// roleID is the tenant role chosen, which must be one of the list.
func (w *tenantWizard) roleID(typed string, bad map[string]string) uint64 {
	id, ok := ParseID(typed)
	for _, r := range w.roles {
		if ok && r.ID == id {
			return id
		}
	}
	bad["tenant_role"] = "Choose one of the tenant roles."
	return 0
}

// subdomainCheck looks a well-formed subdomain up: one taken is refused here
// already, not only at the commit.
func (w *tenantWizard) subdomainCheck(ctx context.Context, n models.NewTenant, bad map[string]string) map[string]string {
	if _, ok := bad["subdomain"]; ok || n.CheckDetails()["subdomain"] != "" {
		return nil
	}
	taken, err := w.store.SubdomainTaken(ctx, n.Subdomain)
	switch {
	case err != nil:
		return map[string]string{"subdomain": "The subdomain could not be checked just now. Try again."}
	case taken:
		return map[string]string{"subdomain": "That subdomain is taken."}
	}
	return nil
}

// merge keeps the messages of one step's fields, the first for each field.
func (w *tenantWizard) merge(fields []string, sets ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, set := range sets {
		for _, f := range fields {
			if msg, ok := set[f]; ok && out[f] == "" {
				out[f] = msg
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// view is the page of a wizard step.
func (w *tenantWizard) view(page WizardPage, errs map[string]string) views.TenantWizard {
	v := views.TenantWizard{Step: page.Step, StepName: w.steps[page.Step].Name, Sealed: page.Sealed, Errors: errs,
		Values: map[string]string{}, PasswordSet: page.Values.Get("admin_password") != "", PasswordNotKept: page.SecretDropped(), BaseDomain: w.baseDomain}
	for _, s := range w.steps {
		v.Steps = append(v.Steps, s.Title)
	}
	for k := range page.Values {
		if !strings.HasPrefix(k, "_") && k != "admin_password" && k != "admin_password_confirm" {
			v.Values[k] = page.Values.Get(k)
		}
	}
	for _, r := range w.roles {
		v.TenantRoles = append(v.TenantRoles, views.Option{Value: strconv.FormatUint(r.ID, 10), Label: r.Name})
	}
	v.Currencies = currencyOptions("")
	reached, _ := strconv.Atoi(page.Values.Get("_reached"))
	for i := 0; i <= reached && i < len(w.steps); i++ {
		link, err := w.wiz.Location(w.session, wizardPath, WizardPage{Step: i, Sealed: page.Sealed})
		if err == nil {
			v.StepLinks = append(v.StepLinks, link)
		}
	}
	if v.StepName == "review" {
		n, _ := w.tenantFrom(page.Values)
		r := views.TenantReview{Name: strings.TrimSpace(n.Name), Description: strings.TrimSpace(n.Description),
			Subdomain: strings.ToLower(strings.TrimSpace(n.Subdomain)), MaxUsers: views.Limit(n.MaxUsers), MaxResources: views.Limit(n.MaxResources),
			AccountNumber: strings.TrimSpace(n.AccountNumber), AccountName: strings.TrimSpace(n.AccountName), CustomerNumber: strings.TrimSpace(n.CustomerNumber),
			Currency: currencyLabel(n.Currency)}
		for _, tr := range w.roles {
			if tr.ID == n.TenantRoleID {
				r.TenantRole = tr.Name
			}
		}
		if n.Admin != nil {
			r.Admin, r.AdminUsername, r.AdminEmail = true, strings.TrimSpace(n.Admin.Username), strings.TrimSpace(n.Admin.Email)
		}
		v.Review = r
	}
	return v
}

// render shows page: 422 when it carries messages, the checks' or the commit's.
func (w *tenantWizard) render(c echo.Context, page WizardPage) error {
	status := http.StatusOK
	if len(page.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return w.renderStatus(c, status, page)
}

func (w *tenantWizard) renderStatus(c echo.Context, status int, page WizardPage) error {
	errs := unplaced(page.Errors, w.steps[page.Step].Fields)
	return Render(c, status, views.TenantWizardPage(PageFor(VisitorFrom(c.Request().Context()), "New tenant"), w.view(page, errs)))
}

// start is the wizard's first page, nothing typed yet but the defaults.
func (w *tenantWizard) start() (WizardPage, error) {
	return w.wiz.Start(w.session, url.Values{"tenant_role": {strconv.FormatUint(w.defRole, 10)}, "currency": {models.DefaultCurrency}, "admin": {"create"}})
}

// expired is the message of a wizard state that no longer opens.
const expired = "The form's saved steps expired or belong to another sign-in. Start again."

// TenantNew shows a step of the create-tenant wizard: the first, or the one
// its address names, with the values and messages it carries.
func TenantNew(store *models.Store, wiz *Wizard) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		w, err := newTenantWizard(ctx, store, wiz)
		if err != nil {
			return err
		}
		if c.QueryParam(WizardStateField) == "" {
			page, err := w.start()
			if err != nil {
				return err
			}
			return w.render(c, page)
		}
		page, err := wiz.Resume(w.session, c.QueryParams(), w.steps)
		if errors.Is(err, ErrWizardState) {
			return w.restart(c)
		}
		if err != nil {
			return err
		}
		return w.render(c, page)
	}
}

// TenantCreate takes a posted step of the wizard: back, on, or (from the
// review) the creation itself. Every answer but a broken state is a
// redirect: to the page to show next, to the step the commit refused with
// its messages, or to the new tenant.
func TenantCreate(store *models.Store, sessions Sessions, wiz *Wizard) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		w, err := newTenantWizard(ctx, store, wiz)
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
		if !page.Done {
			return w.redirect(c, page)
		}
		n, bad := w.tenantFrom(page.Values)
		if len(bad) > 0 {
			// Every step checked these; a tenant role deleted meanwhile is the one way here.
			if page, err = wiz.Revisit(w.session, page, w.steps, bad); err != nil {
				return err
			}
			return w.redirect(c, page)
		}
		t, err := store.CreateTenant(ctx, n)
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
		msg := "Tenant " + t.Subdomain + " created."
		if n.Admin != nil {
			msg = "Tenant " + t.Subdomain + " created, with " + strings.TrimSpace(n.Admin.Username) + " as its admin."
		}
		if err := sessions.Flash(c, views.Flash{Kind: "success", Text: msg}); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/tenants/"+t.Subdomain)
	}
}

func (w *tenantWizard) redirect(c echo.Context, page WizardPage) error {
	loc, err := w.wiz.Location(w.session, wizardPath, page)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, loc)
}

// restart shows the first page again, saying why: the state posted or
// linked was altered, expired, or belongs to another sign-in.
func (w *tenantWizard) restart(c echo.Context) error {
	page, err := w.start()
	if err != nil {
		return err
	}
	page.Errors = map[string]string{"": expired}
	return w.renderStatus(c, http.StatusBadRequest, page)
}

// unplaced adds, under "", the messages of fields the page shown has no
// place for, so none is lost.
func unplaced(errs map[string]string, fields []string) map[string]string {
	out := map[string]string{}
	for k, v := range errs {
		out[k] = v
	}
	var extra []string
	for k, v := range errs {
		if k != "" && !slices.Contains(fields, k) {
			extra = append(extra, v)
		}
	}
	if len(extra) > 0 && out[""] == "" {
		out[""] = strings.Join(extra, " ")
	}
	return out
}
