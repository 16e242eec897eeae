package web

import (
	"crypto/subtle"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"landlord/handlers"
	"landlord/models"
	"landlord/views"
)

// contentSecurityPolicy allows only the console's own scripts and styles. Forms
// may post to the tenants' hosts, since a base-domain login redirects there.
func contentSecurityPolicy(baseDomain string) string {
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; " +
		"form-action 'self' *." + baseDomain + ":*"
}

func securityHeaders(baseDomain string) echo.MiddlewareFunc {
	return middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		HSTSMaxAge:            31536000,
		ContentSecurityPolicy: contentSecurityPolicy(baseDomain),
		ReferrerPolicy:        "same-origin",
	})
}

func requestLogger(logger *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogMethod: true, LogURIPath: true, LogHost: true,
		LogLatency: true, LogRequestID: true, LogRemoteIP: true, LogError: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			// The path only: query strings can carry one-time tokens.
			attrs := []slog.Attr{
				slog.String("id", v.RequestID), slog.String("method", v.Method),
				slog.String("host", v.Host), slog.String("path", v.URIPath),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency),
				slog.String("ip", v.RemoteIP),
			}
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			logger.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	})
}

// hostOnlyPaths work on any Host: probes from load balancers and the assets.
func hostOnlyPaths(c echo.Context) bool {
	p := c.Request().URL.Path
	return p == "/healthz" || p == "/readyz" || strings.HasPrefix(p, "/static/")
}

// resolveTenant maps the Host header to a tenant: the base domain is the master's
// console, <subdomain>.<base> that tenant's (port ignored, case-insensitive). An
// unknown subdomain gets the "no such tenant" page; any other host is refused.
func (s *Server) resolveTenant(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if hostOnlyPaths(c) {
			return next(c)
		}
		host := hostName(c.Request().Host)
		base := s.cfg.BaseDomain
		sub := models.MasterSubdomain
		if host != base {
			label, ok := strings.CutSuffix(host, "."+base)
			if !ok {
				return echo.NewHTTPError(http.StatusBadRequest, "This server does not answer for that host name.")
			}
			// The master is only reachable on the base domain, and reserved or
			// malformed names (deeper subdomains included) are never tenants.
			if models.ValidSubdomain(label) != "" {
				return s.noSuchTenant(c, host)
			}
			sub = label
		}
		t, err := s.store.TenantBySubdomain(c.Request().Context(), sub)
		if errors.Is(err, models.ErrNotFound) {
			return s.noSuchTenant(c, host)
		}
		if err != nil {
			return err
		}
		r := c.Request()
		ctx := models.WithTenant(r.Context(), t.ID)
		ctx = models.WithClient(ctx, models.Client{IP: c.RealIP(), UserAgent: r.UserAgent()})
		ctx = handlers.WithVisitor(ctx, &handlers.Visitor{
			Tenant: t, OnBase: host == base, BaseDomain: base,
			RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
		})
		c.SetRequest(r.WithContext(ctx))
		return next(c)
	}
}

func (s *Server) noSuchTenant(c echo.Context, host string) error {
	v := &handlers.Visitor{}
	return handlers.Render(c, http.StatusNotFound, views.NoSuchTenantPage(handlers.PageFor(v, "No such tenant"), host))
}

// hostName is the lower-cased host without port or trailing dot.
func hostName(hostport string) string {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	return strings.TrimSuffix(strings.ToLower(host), ".")
}

// loadSession reads the session and, if it is signed in, checks it against the
// database: open, unexpired, its user enabled with the same session version, in
// an enabled tenant.
func (s *Server) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if hostOnlyPaths(c) {
			return next(c)
		}
		r := c.Request()
		v := handlers.VisitorFrom(r.Context())
		sess := s.sessions.load(c, v.Tenant.ID)
		dirty := sess.IsNew
		if id, ok := sess.Values[keyID].(string); ok {
			u, err := s.store.SessionUser(r.Context(), id)
			switch {
			case errors.Is(err, models.ErrNotFound):
			case err != nil:
				return err
			case v.Tenant.Enabled:
				v.User = u
			}
			if v.User == nil {
				sess = s.sessions.fresh(c, v.Tenant.ID)
				c.Set("session", sess)
				dirty = true
			} else {
				r = r.WithContext(models.WithActor(r.Context(), models.Actor{UserID: u.ID, Name: u.Username}))
				c.SetRequest(r)
			}
		}
		v.CSRFToken, _ = sess.Values[keyCSRF].(string)
		if flashes := takeFlashes(sess); len(flashes) > 0 {
			v.Flashes, dirty = flashes, true
		}
		if dirty {
			if err := s.sessions.save(c, sess); err != nil {
				return err
			}
		}
		return next(c)
	}
}

// requireUser sends anonymous visitors to the login page.
func requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if handlers.VisitorFrom(c.Request().Context()).User == nil {
			return c.Redirect(http.StatusSeeOther, "/login")
		}
		return next(c)
	}
}

// checkCSRF guards every state-changing request: it must come from this very
// origin (by Sec-Fetch-Site and Origin, so a sibling tenant's subdomain is
// refused too) and carry the CSRF token kept in the session. The token lives in
// the signed session, not in a cookie of its own, which a sibling subdomain could
// overwrite.
func checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
			return echo.NewHTTPError(http.StatusForbidden, "Cross-origin request refused.")
		}
		if origin := r.Header.Get("Origin"); origin != "" {
			u, err := url.Parse(origin)
			if err != nil || !strings.EqualFold(u.Host, r.Host) || u.Scheme != c.Scheme() {
				return echo.NewHTTPError(http.StatusForbidden, "Cross-origin request refused.")
			}
		}
		want := handlers.VisitorFrom(r.Context()).CSRFToken
		got := c.FormValue("_csrf")
		if got == "" {
			got = r.Header.Get(echo.HeaderXCSRFToken)
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
			return echo.NewHTTPError(http.StatusForbidden, "The form has expired. Reload the page and try again.")
		}
		return next(c)
	}
}
