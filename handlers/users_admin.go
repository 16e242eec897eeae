package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

// Users administration. Every handler here serves two routes: the tenant's
// own (/users/...) and the master's for any subtenant
// (/tenants/:subdomain/users/...). scopeOf tells them apart by the
// subdomain parameter; the master's gets its context from
// models.ManagedTenant, which checks the master's actor and confines every
// statement to that tenant.

// userScope is where a request administers users: the context its model
// calls run with, the tenant, and the view's addresses.
type userScope struct {
	ctx    context.Context
	tenant *models.Tenant
	view   views.UserScope
}

// scopeOf resolves the request's user scope for level l.
func scopeOf(c echo.Context, store *models.Store, l models.Level) (userScope, error) {
	ctx := c.Request().Context()
	v := VisitorFrom(ctx)
	s := userScope{ctx: ctx, tenant: v.Tenant}
	if sub := c.Param("subdomain"); sub != "" {
		var err error
		if s.ctx, s.tenant, err = store.ManagedTenant(ctx, sub, l); err != nil {
			return s, err
		}
		s.view = views.UserScope{Prefix: "/tenants/" + s.tenant.Subdomain, Managed: true}
	}
	s.view.Subdomain, s.view.TenantName = s.tenant.Subdomain, s.tenant.Name
	s.view.CanManage = v.User != nil && v.User.Level(models.FeatureUsers) >= models.LevelFull
	return s, nil
}

// scopedUser is the user the path's id names, in the scope the visitor may
// act in at level l: another tenant's id is a 404 before anything else.
func scopedUser(c echo.Context, store *models.Store, l models.Level) (userScope, *models.User, error) {
	s, err := scopeOf(c, store, l)
	if err != nil {
		return s, nil, err
	}
	id, err := pathID(c)
	if err != nil {
		return s, nil, err
	}
	u, err := store.User(s.ctx, id)
	return s, u, err
}

func roleOptions(roles []models.RoleChoice) []views.RoleOption {
	out := make([]views.RoleOption, len(roles))
	for i, r := range roles {
		out[i] = views.RoleOption{ID: r.ID, Name: r.Name, Beyond: r.Beyond}
	}
	return out
}

func pageTitle(s userScope, title string) string {
	if s.view.Managed {
		return title + " · " + s.tenant.Subdomain
	}
	return title
}

// The create wizard's steps: who, then role and password, then review.
const (
	stepIdentity = iota
	stepAccess
	stepReview
)

var userWizardSteps = []views.WizardStepInfo{{Title: "Identity"}, {Title: "Role and password"}, {Title: "Review"}}

// userSteps are the wizard's steps with their checks. The first asks the
// store (a taken username is said on that step); a database error met by a
// check is kept in *failed, since a check can only return messages.
func userSteps(s userScope, store *models.Store, opts models.NewUserOptions, failed *error) []WizardStep {
	return []WizardStep{
		{Name: "identity", Fields: []string{"first_name", "last_name", "username", "email"}, Check: func(v url.Values) map[string]string {
			fields, err := store.CheckNewUser(s.ctx, models.NewUser{Username: first(v, "username"), Email: first(v, "email"),
				FirstName: first(v, "first_name"), LastName: first(v, "last_name")})
			if err != nil {
				*failed = err
			}
			return fields
		}},
		{Name: "access", Fields: []string{"role", "password", "password_confirm"}, Secret: passwordFields, Check: func(v url.Values) map[string]string {
			f := map[string]string{}
			if r := roleChoice(opts, first(v, "role")); r.Name == "" {
				f["role"] = "Choose one of this tenant's roles."
			} else if r.Beyond != "" {
				f["role"] = "This role gives more than you hold: " + r.Beyond + ". Only someone who holds at least that can give it."
			}
			if msg := models.PasswordProblem(first(v, "password"), first(v, "username"), first(v, "email")); msg != "" {
				f["password"] = msg
			} else if first(v, "password_confirm") != first(v, "password") {
				f["password_confirm"] = "The two passwords differ: type the same one twice."
			}
			return f
		}},
		{Name: "review"},
	}
}

func first(v url.Values, k string) string { return v.Get(k) }

// passwordFields are never written back into a page: the wizard keeps them
// sealed once their step passed, and drops them when a step fails.
var passwordFields = []string{"password", "password_confirm"}

// ownRole says whether u is the visitor, whose own role is not theirs to
// change, and names u's role.
func ownRole(s userScope, u *models.User) (bool, string) {
	name := ""
	if u.Role != nil {
		name = u.Role.Name
	}
	return models.StandingOf(s.ctx, u).Self, name
}

// roleChoice is the role with this id among the tenant's, or the zero
// choice (no name) when there is none.
func roleChoice(opts models.NewUserOptions, id string) models.RoleChoice {
	for _, r := range opts.Roles {
		if strconv.FormatUint(r.ID, 10) == id {
			return r
		}
	}
	return models.RoleChoice{}
}

// wizardSession binds a wizard's state to the visitor's session (by its
// CSRF token) and to the tenant whose users it creates, so a state sealed
// for one tenant's wizard does not open in another's.
func wizardSession(s userScope) string {
	return VisitorFrom(s.ctx).CSRFToken + "|" + s.tenant.Subdomain
}

// cannotCreate says why no user can be created in the tenant now (it has
// no role, or no room), or nil when one can.
func cannotCreate(s userScope, opts models.NewUserOptions) *views.UserCannotCreate {
	switch {
	case len(opts.Roles) == 0:
		return &views.UserCannotCreate{Scope: s.view, Reason: "no-role",
			Message: fmt.Sprintf("%s has no role yet, and every user needs one: a user cannot be created until the tenant has a role.", s.tenant.Subdomain)}
	case opts.AtLimit():
		return &views.UserCannotCreate{Scope: s.view, Reason: "limit", Message: models.LimitMessage(opts.Tenant)}
	}
	return nil
}

func renderCannotCreate(c echo.Context, s userScope, status int, why *views.UserCannotCreate) error {
	page := PageFor(VisitorFrom(c.Request().Context()), pageTitle(s, "New user"))
	return Render(c, status, views.UserCannotCreatePage(page, *why))
}

func renderWizard(c echo.Context, s userScope, opts models.NewUserOptions, wp WizardPage, status int) error {
	values := map[string]string{}
	for k := range wp.Values {
		if !strings.HasPrefix(k, "_") && !slices.Contains(passwordFields, k) {
			values[k] = wp.Values.Get(k)
		}
	}
	w := views.UserWizard{
		Scope: s.view, Step: wp.Step, Steps: userWizardSteps, Values: values, Errors: wp.Errors, Sealed: wp.Sealed,
		PasswordSet: wp.Values.Get("password") != "", PasswordNotKept: wp.SecretDropped(),
		Roles: roleOptions(opts.Roles), RoleName: roleChoice(opts, values["role"]).Name, PasswordRule: models.PasswordRule,
	}
	if opts.Tenant.MaxUsers > 0 {
		w.Limit = fmt.Sprintf("%d of %d users", opts.Users, opts.Tenant.MaxUsers)
	}
	page := PageFor(VisitorFrom(c.Request().Context()), pageTitle(s, "New user"))
	return Render(c, status, views.UserWizardPage(page, w))
}

// UserNew starts the create-user wizard, or says why no user can be made.
func UserNew(store *models.Store, wizard *Wizard) echo.HandlerFunc {
	return func(c echo.Context) error {
		s, err := scopeOf(c, store, models.LevelFull)
		if err != nil {
			return err
		}
		opts, err := store.UserOptions(s.ctx)
		if err != nil {
			return err
		}
		if why := cannotCreate(s, opts); why != nil {
			return renderCannotCreate(c, s, http.StatusOK, why)
		}
		wp, err := wizard.Start(wizardSession(s), nil)
		if err != nil {
			return err
		}
		return renderWizard(c, s, opts, wp, http.StatusOK)
	}
}

// UserCreate moves the wizard on a step, or back; on the review's Create it
// creates the user, and a refusal then reopens the step that owns the field.
func UserCreate(store *models.Store, sessions Sessions, wizard *Wizard) echo.HandlerFunc {
	return func(c echo.Context) error {
		s, err := scopeOf(c, store, models.LevelFull)
		if err != nil {
			return err
		}
		opts, err := store.UserOptions(s.ctx)
		if err != nil {
			return err
		}
		if why := cannotCreate(s, opts); why != nil {
			return renderCannotCreate(c, s, http.StatusUnprocessableEntity, why)
		}
		session := wizardSession(s)
		var failed error
		steps := userSteps(s, store, opts, &failed)
		form, err := c.FormParams()
		if err != nil {
			return err
		}
		wp, err := wizard.Advance(session, form, steps)
		if errors.Is(err, ErrWizardState) {
			return echo.NewHTTPError(http.StatusBadRequest, "The form's saved steps are no longer valid (too old, or from another session). Start again.")
		}
		if err != nil {
			return err
		}
		if failed != nil {
			return failed
		}
		if !wp.Done {
			status := http.StatusOK
			if len(wp.Errors) > 0 {
				status = http.StatusUnprocessableEntity
			}
			return renderWizard(c, s, opts, wp, status)
		}
		roleID, _ := ParseID(wp.Values.Get("role")) // the access step's check found it among the tenant's
		u, err := store.CreateUser(s.ctx, models.NewUser{
			Username: wp.Values.Get("username"), Email: wp.Values.Get("email"),
			FirstName: wp.Values.Get("first_name"), LastName: wp.Values.Get("last_name"),
			Password: wp.Values.Get("password"), RoleID: roleID,
		})
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			if wp, err = wizard.Revisit(session, wp, steps, ve.Fields); err != nil {
				return err
			}
			return renderWizard(c, s, opts, wp, http.StatusUnprocessableEntity)
		}
		if err != nil {
			return err
		}
		if err := sessions.Flash(c, views.Flash{Kind: "success", Text: "User " + u.Username + " created."}); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, s.view.User(u.ID))
	}
}

// UserShow is a user's page: details, effective permissions and, for
// users: full, the actions.
func UserShow(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		s, err := scopeOf(c, store, models.LevelRead)
		if err != nil {
			return err
		}
		id, err := pathID(c)
		if err != nil {
			return err
		}
		u, tr, rights, err := store.UserRights(s.ctx, id)
		if err != nil {
			return err
		}
		v := VisitorFrom(c.Request().Context())
		d := views.UserDetail{
			CanImpersonate: s.view.Managed && u.Enabled && v.User.Level(models.FeatureImpersonation) >= models.LevelFull,
			Scope:          s.view, ID: u.ID, Username: u.Username, Email: u.Email, Name: u.DisplayName(),
			Capped: u.Capped, IdentitySource: u.IdentitySource, External: u.IdentitySource != "local", Enabled: u.Enabled,
			FullAdmin: u.Enabled && models.IsFullRightsAdmin(u.Permissions()), Created: u.CreatedAt.UTC().Format("2006-01-02 15:04"),
		}
		if u.Role != nil {
			d.Role = u.Role.Name
		}
		st := models.StandingOf(s.ctx, u)
		d.Outranked, d.Self = st.Outranked, st.Self
		d.CanImpersonate = d.CanImpersonate && st.Outranked == ""
		if tr != nil {
			d.TenantRole = tr.Name
		}
		if u.LastLoginAt != nil {
			d.LastLogin = u.LastLoginAt.UTC().Format("2006-01-02 15:04")
		}
		d.Rights = rightRows(rights)
		return Render(c, http.StatusOK, views.UserPage(PageFor(VisitorFrom(c.Request().Context()), pageTitle(s, u.Username)), d))
	}
}

// UserEditForm shows a user for editing, with the version read.
func UserEditForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		s, u, err := scopedUser(c, store, models.LevelFull)
		if err != nil {
			return err
		}
		opts, err := store.UserOptions(s.ctx)
		if err != nil {
			return err
		}
		f := views.UserEdit{Scope: s.view, ID: u.ID, Current: u.Username, Username: u.Username, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName,
			Version: u.Version, External: u.IdentitySource != "local", IdentitySource: u.IdentitySource, Roles: roleOptions(opts.Roles)}
		if u.RoleID != nil {
			f.RoleID = *u.RoleID
		}
		f.Self, f.RoleName = ownRole(s, u)
		return Render(c, http.StatusOK, views.UserEditPage(PageFor(VisitorFrom(c.Request().Context()), pageTitle(s, "Edit "+u.Username)), f))
	}
}

// UserUpdate saves a user's edit.
func UserUpdate(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		// The user is read first: another tenant's id is a 404 before anything
		// else, and the form shows again with what it needs.
		s, u, err := scopedUser(c, store, models.LevelFull)
		if err != nil {
			return err
		}
		version, err := versionField(c.Request().PostForm)
		if err != nil {
			return err
		}
		// A role that is no id is role 0, which the model refuses by the field.
		roleID, _ := ParseID(c.FormValue("role"))
		f := views.UserEdit{Scope: s.view, ID: u.ID, Current: u.Username, Username: c.FormValue("username"), Email: c.FormValue("email"),
			FirstName: c.FormValue("first_name"), LastName: c.FormValue("last_name"), RoleID: roleID, Version: version,
			External: u.IdentitySource != "local", IdentitySource: u.IdentitySource}
		f.Self, f.RoleName = ownRole(s, u)
		op := func() error {
			_, err := store.UpdateUser(s.ctx, u.ID, version, models.UserChanges{Username: f.Username, Email: f.Email, FirstName: f.FirstName, LastName: f.LastName, RoleID: roleID})
			return err
		}
		form := func(fields map[string]string) templ.Component {
			opts, _ := store.UserOptions(s.ctx)
			f.Errors, f.Roles = fields, roleOptions(opts.Roles)
			return views.UserEditPage(PageFor(VisitorFrom(c.Request().Context()), pageTitle(s, "Edit "+u.Username)), f)
		}
		return submit(c, sessions, op, form, s.view.User(u.ID), "User "+strings.TrimSpace(f.Username)+" saved.")
	}
}

// UserSetEnabled disables or enables a user, then shows their page with what
// happened: disabling ends their sessions at once.
func UserSetEnabled(store *models.Store, sessions Sessions, enabled bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		s, err := scopeOf(c, store, models.LevelFull)
		if err != nil {
			return err
		}
		id, err := pathID(c)
		if err != nil {
			return err
		}
		err = store.SetUserEnabled(s.ctx, id, enabled)
		flash := views.Flash{Kind: "success", Text: "User enabled."}
		if !enabled {
			flash.Text = "User disabled; their sessions have ended."
		}
		var ve *models.ValidationError
		switch {
		case errors.As(err, &ve):
			flash = views.Flash{Kind: "error", Text: ve.Fields[""]}
		case err != nil:
			return err
		}
		if err := sessions.Flash(c, flash); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, s.view.User(id))
	}
}

// UserDeleteForm asks for the username before deleting.
func UserDeleteForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		s, u, err := scopedUser(c, store, models.LevelFull)
		if err != nil {
			return err
		}
		d := views.UserDelete{Scope: s.view, ID: u.ID, Username: u.Username, Name: u.DisplayName()}
		return Render(c, http.StatusOK, views.UserDeletePage(PageFor(VisitorFrom(c.Request().Context()), pageTitle(s, "Delete "+u.Username)), d))
	}
}

// UserDelete deletes a user once the username was typed.
func UserDelete(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		s, u, err := scopedUser(c, store, models.LevelFull)
		if err != nil {
			return err
		}
		d := views.UserDelete{Scope: s.view, ID: u.ID, Username: u.Username, Name: u.DisplayName(), Confirm: c.FormValue("confirm")}
		return submit(c, sessions, func() error { return store.DeleteUser(s.ctx, u.ID, d.Confirm) }, func(fields map[string]string) templ.Component {
			d.Errors = fields
			return views.UserDeletePage(PageFor(VisitorFrom(c.Request().Context()), pageTitle(s, "Delete "+u.Username)), d)
		}, s.view.Users(), "User "+u.Username+" deleted.")
	}
}

// UserPasswordForm asks for a user's new password, twice.
func UserPasswordForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		s, u, err := scopedUser(c, store, models.LevelFull)
		if err != nil {
			return err
		}
		return Render(c, http.StatusOK, views.UserPasswordPage(PageFor(VisitorFrom(c.Request().Context()), pageTitle(s, "Set password")), passwordForm(s, u)))
	}
}

func passwordForm(s userScope, u *models.User) views.UserPassword {
	return views.UserPassword{Scope: s.view, ID: u.ID, Username: u.Username, Name: u.DisplayName(),
		External: u.IdentitySource != "local", IdentitySource: u.IdentitySource, PasswordRule: models.PasswordRule}
}

// UserPassword sets a user's password; their sessions end at once.
func UserPassword(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		s, u, err := scopedUser(c, store, models.LevelFull)
		if err != nil {
			return err
		}
		f := passwordForm(s, u)
		password := c.FormValue("password")
		// A refused password is not written back; the form says so when one was typed.
		f.PasswordNotKept = password != "" || c.FormValue("password_confirm") != ""
		op := func() error {
			if msg := models.PasswordProblem(password, u.Username, u.Email); msg == "" && u.IdentitySource == "local" && c.FormValue("password_confirm") != password {
				return &models.ValidationError{Fields: map[string]string{"password_confirm": "The two passwords differ: type the same one twice."}}
			}
			return store.SetUserPassword(s.ctx, u.ID, password)
		}
		return submit(c, sessions, op, func(fields map[string]string) templ.Component {
			f.Errors = fields
			return views.UserPasswordPage(PageFor(VisitorFrom(c.Request().Context()), pageTitle(s, "Set password")), f)
		}, s.view.User(u.ID), "Password of "+u.Username+" set; their sessions have ended.")
	}
}
