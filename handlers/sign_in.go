package handlers

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

// loginFailed is the message for every failed login, whatever the cause, but
// the right password on a disabled tenant's host.
const loginFailed = "Sign-in failed: check the username and password."

// loginTenantDisabled is told only after the right password, so it reveals
// nothing to someone guessing.
const loginTenantDisabled = "This tenant is disabled, so nobody can sign in to it. Ask your provider."

const loginThrottled = "Too many failed sign-ins. Wait a few minutes and try again."

// LoginForm shows the login page; a signed-in visitor goes to the dashboard.
func LoginForm() echo.HandlerFunc {
	return func(c echo.Context) error {
		v := VisitorFrom(c.Request().Context())
		if v.User != nil {
			return c.Redirect(http.StatusSeeOther, "/")
		}
		return renderLogin(c, v, http.StatusOK, views.LoginForm{})
	}
}

func renderLogin(c echo.Context, v *Visitor, status int, f views.LoginForm) error {
	f.OnBaseDomain = v.OnBase
	return Render(c, status, views.LoginPage(PageFor(v, "Sign in"), f))
}

// Login checks the credentials. On a tenant's host, or for a master user on the
// base domain, it opens the session here. For subdomain\username on the base
// domain it sends the browser to that tenant's host with a one-time handoff
// token, since no cookie is ever set for the parent domain. Repeated failures
// for an account or from an address are refused for a while (429).
func Login(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		attempt := models.LoginAttempt{Host: v.Tenant, OnBase: v.OnBase, Login: c.FormValue("username"), Password: c.FormValue("password")}
		form := views.LoginForm{Username: strings.TrimSpace(attempt.Login)}
		if attempt.TooLong() {
			form.Username = "" // no account is named that; not worth sending back
		}

		res, err := store.LogIn(ctx, attempt)
		switch {
		case errors.Is(err, models.ErrTooManyAttempts):
			form.Error = loginThrottled
			return renderLogin(c, v, http.StatusTooManyRequests, form)
		case errors.Is(err, models.ErrTenantDisabled):
			form.Error = loginTenantDisabled
			return renderLogin(c, v, http.StatusForbidden, form)
		case errors.Is(err, models.ErrInvalidCredentials):
			form.Error = loginFailed
			return renderLogin(c, v, http.StatusUnprocessableEntity, form)
		case err != nil:
			return err
		}

		if res.Handoff == "" {
			if err := sessions.LogIn(c, res.User); err != nil {
				return err
			}
			return c.Redirect(http.StatusSeeOther, "/")
		}
		// The tenant's host checks that the handoff came from the base domain; let
		// this one redirect say where it came from (the origin only).
		c.Response().Header().Set("Referrer-Policy", "strict-origin")
		return c.Redirect(http.StatusSeeOther, tenantURL(c, v.BaseDomain, res.Tenant.Subdomain, "/login/handoff?token="+url.QueryEscape(res.Handoff)))
	}
}

// tenantURL is the address of path on a tenant's host, keeping this request's
// scheme and port.
func tenantURL(c echo.Context, base, subdomain, path string) string {
	return hostURL(c, subdomain+"."+base, path)
}

// hostURL is the address of path on host, keeping this request's scheme and port.
func hostURL(c echo.Context, host, path string) string {
	if _, port, err := net.SplitHostPort(c.Request().Host); err == nil && port != "" {
		host = net.JoinHostPort(host, port)
	}
	return c.Scheme() + "://" + host + path
}

// Handoff opens the session a base-domain login sent here. The token is spent
// on first use. A browser navigation that did not come from the base domain is
// refused, so nobody can sign a visitor into the attacker's account with a link.
func Handoff(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		if !fromBaseDomain(c, v.BaseDomain) {
			return echo.NewHTTPError(http.StatusForbidden, "This sign-in link came from another site. Sign in again.")
		}
		u, err := store.RedeemHandoff(ctx, c.QueryParam("token"))
		if errors.Is(err, models.ErrInvalidCredentials) {
			return renderLogin(c, v, http.StatusBadRequest, views.LoginForm{Error: "That sign-in link has expired or was already used. Sign in again."})
		}
		if err != nil {
			return err
		}
		if !v.Tenant.Enabled {
			return renderLogin(c, v, http.StatusUnprocessableEntity, views.LoginForm{Error: loginFailed})
		}
		if err := sessions.LogIn(c, u); err != nil {
			return err
		}
		if imp := u.Impersonation; imp != nil {
			msg := "You are impersonating " + u.Username + " until " + imp.ExpiresAt.UTC().Format("15:04") +
				" UTC. Everything you do here is recorded with your name too."
			if err := sessions.Flash(c, views.Flash{Kind: "info", Text: msg}); err != nil {
				return err
			}
		}
		return c.Redirect(http.StatusSeeOther, "/")
	}
}

// Logout ends the session and records it; an impersonation's session ends
// the impersonation.
func Logout(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		done := "You have signed out."
		switch {
		case v.User != nil && v.User.Impersonation != nil:
			// Signing out of an impersonation ends it, as ending it does: its
			// end is the event, in both logs.
			imp, err := store.EndImpersonation(ctx, "the impersonator signed out")
			if err != nil {
				return err
			}
			done = "You have signed out, and the impersonation of " + imp.UserName + " has ended."
		case v.User != nil:
			if err := store.RecordLogout(ctx, v.User); err != nil {
				return err
			}
		}
		if err := sessions.LogOut(c); err != nil {
			return err
		}
		if err := sessions.Flash(c, views.Flash{Kind: "info", Text: done}); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/login")
	}
}

// fromBaseDomain tells whether a handoff navigation came from the console's
// base domain: from its exact origin (scheme, host and port) by the Origin
// header, or by the Referer when there is no Origin, as on a GET navigation
// (the login's 303 sets Referrer-Policy strict-origin so that it carries the
// origin). Fetch Metadata cannot tell: a sibling tenant's host is same-site
// too. No origin at all is refused.
func fromBaseDomain(c echo.Context, base string) bool {
	r := c.Request()
	from := r.Header.Get("Origin")
	if from == "" {
		from = r.Referer()
	}
	u, err := url.Parse(from)
	if err != nil || u.Host == "" {
		return false // "null", a path, or nothing
	}
	_, port, _ := net.SplitHostPort(r.Host) // the tenant's port is the base domain's
	scheme := c.Scheme()
	return u.Scheme == scheme && strings.EqualFold(strings.TrimSuffix(u.Hostname(), "."), base) &&
		withDefault(scheme, u.Port()) == withDefault(scheme, port)
}

// withDefault is port, or the scheme's own when none is written.
func withDefault(scheme, port string) string {
	switch {
	case port != "":
		return port
	case scheme == "https":
		return "443"
	}
	return "80"
}
