package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

func impersonatePath(sub string, id uint64) string {
	return "/tenants/" + sub + "/users/" + strconv.FormatUint(id, 10) + "/impersonate"
}

// Impersonate shows (GET) and starts (POST) a master user's impersonation of
// a subtenant's user. A started one continues on the tenant's host through a
// one-time handoff; the master's own session stays as it is.
func Impersonate(store *models.Store, sessions Sessions, limit time.Duration) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		id, err := pathID(c)
		if err != nil {
			return err
		}
		t, u, err := store.ImpersonationTarget(ctx, c.Param("subdomain"), id)
		if err != nil {
			return err
		}
		form := views.ImpersonateStart{Tenant: t.Name, Subdomain: t.Subdomain, Username: u.Username, Name: u.DisplayName(),
			Minutes: int(limit.Minutes()), Action: impersonatePath(t.Subdomain, u.ID)}
		if u.Role != nil {
			form.Role = u.Role.Name
		}
		page := PageFor(v, "Impersonate "+u.Username)
		if c.Request().Method == http.MethodGet {
			return Render(c, http.StatusOK, views.ImpersonatePage(page, form))
		}
		form.Reason = c.FormValue("reason")
		token, _, err := store.StartImpersonation(ctx, models.StartImpersonation{Subdomain: t.Subdomain, UserID: u.ID,
			Reason: form.Reason, MasterSession: sessions.ID(c), Limit: limit})
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			form.Errors = ve.Fields
			return Render(c, http.StatusUnprocessableEntity, views.ImpersonatePage(page, form))
		}
		if err != nil {
			return err
		}
		// The tenant's host checks that the handoff came from the base domain.
		c.Response().Header().Set("Referrer-Policy", "strict-origin")
		return c.Redirect(http.StatusSeeOther, tenantURL(c, v.BaseDomain, t.Subdomain, "/login/handoff?token="+url.QueryEscape(token)))
	}
}

// EndImpersonation ends the impersonation this session is, signs it out, and
// returns to the master console on the base domain.
func EndImpersonation(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		if v.User == nil || v.User.Impersonation == nil {
			return echo.NewHTTPError(http.StatusBadRequest, "This session is not an impersonation.")
		}
		imp, err := store.EndImpersonation(ctx, "ended by the impersonator")
		if err != nil {
			return err
		}
		if err := sessions.LogOut(c); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, hostURL(c, v.BaseDomain, "/tenants/"+v.Tenant.Subdomain+"/users/"+strconv.FormatUint(imp.UserID, 10)))
	}
}

func supportAccessRows(list []models.SupportAccess) []views.SupportAccessRow {
	rows := make([]views.SupportAccessRow, 0, len(list))
	now := time.Now()
	for _, sa := range list {
		r := views.SupportAccessRow{ID: sa.ID, Impersonator: sa.ImpersonatorName, Target: sa.UserName, Reason: sa.Reason,
			Started: sa.StartedAt.UTC().Format("2006-01-02 15:04"), Ended: sa.Until().UTC().Format("2006-01-02 15:04"),
			EndReason: sa.EndReason, Minutes: int(sa.Until().Sub(sa.StartedAt).Minutes() + 0.5),
			Running: sa.EndedAt == nil && sa.ExpiresAt.After(now)}
		if r.EndReason == "" && !r.Running {
			r.EndReason = "time limit reached"
		}
		for i := range sa.Changes {
			r.Changes = append(r.Changes, auditRow(&sa.Changes[i]))
		}
		rows = append(rows, r)
	}
	return rows
}

// SupportAccess is the tenant's record of impersonations of its users.
func SupportAccess(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		list, err := store.SupportAccessLog(ctx, 100)
		if err != nil {
			return err
		}
		return Render(c, http.StatusOK, views.SupportAccessPage(PageFor(VisitorFrom(ctx), "Support access"), supportAccessRows(list)))
	}
}

// SupportAccessPanel is the dashboard's fragment: the last three.
func SupportAccessPanel(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		list, err := store.SupportAccessLog(c.Request().Context(), 3)
		if err != nil {
			return err
		}
		return Render(c, http.StatusOK, views.SupportAccessPanel(supportAccessRows(list)))
	}
}
