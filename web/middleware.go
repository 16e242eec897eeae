package web

import (
	"crypto/subtle"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"landlord/handlers"
	"landlord/models"
	"landlord/views"
)

// contentSecurityPolicy allows only the console's own scripts and styles. A
// form's post may lead to the tenants' hosts (a base-domain login redirects
// there) and back to the base domain (ending an impersonation).
func contentSecurityPolicy(baseDomain string) string {
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; " +
		"form-action 'self' " + baseDomain + ":* *." + baseDomain + ":*"
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

// visit resolves who is asking and where, for the tenant pages. The Host names
// the tenant: the base domain is the master's console, <subdomain>.<base> that
// tenant's (port ignored, case-insensitive); an unknown subdomain gets the "no
// such tenant" page and any other host is refused. A signed-in cookie is checked
// with one statement that loads the tenant, the session, the user and the role
// together; an anonymous visit reads only the tenant.
func (s *Server) visit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		ctx := r.Context()
		host := hostName(r.Host)
		base := s.cfg.BaseDomain
		sub := models.MasterSubdomain
		if host != base {
			label, ok := strings.CutSuffix(host, "."+base)
			if !ok {
				return s.foreignHost(c)
			}
			// The master is only reachable on the base domain, and reserved or
			// malformed names (deeper subdomains included) are never tenants.
			if models.CheckSubdomain(label) != nil {
				return s.noSuchTenant(c, host)
			}
			sub = label
		}

		var (
			tenant *models.Tenant
			user   *models.User
		)
		sess := s.sessions.decode(c)
		var read *models.Prefetch
		if id, ok := sessionID(sess); ok {
			// A page whose read can travel with the check sends it there, in
			// the tenant the cookie was issued for; it counts only if the
			// check confirms that tenant's user (models.Prefetch).
			if pre := s.prefetch[c.Path()]; pre != nil && r.Method == http.MethodGet && sessionTenant(sess) != 0 {
				read = pre(c, sessionTenant(sess))
			}
			t, u, err := s.store.SessionUserWith(ctx, sub, id, read)
			switch {
			case errors.Is(err, models.ErrNotFound):
			case err != nil:
				return err
			case belongsTo(sess, t.ID):
				tenant, user = t, u
			}
		}
		if tenant == nil {
			t, err := s.store.TenantBySubdomain(ctx, sub)
			if errors.Is(err, models.ErrNotFound) {
				return s.noSuchTenant(c, host)
			}
			if err != nil {
				return err
			}
			tenant = t
		}
		dirty, refused := false, false
		if !belongsTo(sess, tenant.ID) || (user == nil && hasSessionID(sess)) {
			// A genuine session of another tenant, carried here by hand (the
			// browser never sends a host-only cookie to another host), is
			// counted in this tenant's log (an event a minute at most, see
			// models.RecordRefusedSession) and told to the person.
			foreign, from := hasSessionID(sess) && !belongsTo(sess, tenant.ID), sessionTenant(sess)
			presented, _ := sessionID(sess)
			// Another tenant's cookie, a broken one, or a session that has ended:
			// start afresh, so nothing of it (its CSRF token included) carries over.
			sess, dirty = s.sessions.fresh(c, tenant.ID), true
			if foreign {
				if err := s.store.RecordRefusedSession(models.WithClient(ctx, models.Client{IP: c.RealIP(), UserAgent: r.UserAgent()}), tenant.ID, from, presented); err != nil {
					return err
				}
				refused = true
			}
		}
		c.Set("session", sess)

		ctx = models.WithTenant(ctx, tenant.ID)
		ctx = models.WithClient(ctx, models.Client{IP: c.RealIP(), UserAgent: r.UserAgent()})
		v := &handlers.Visitor{
			Tenant: tenant, User: user, OnBase: host == base, BaseDomain: base, Path: r.URL.Path,
			RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
		}
		if user != nil {
			a := models.Actor{UserID: user.ID, TenantID: tenant.ID, Name: user.Username, Master: tenant.IsMaster, Permissions: user.Permissions()}
			if user.RoleID != nil {
				a.RoleID = *user.RoleID
			}
			if imp := user.Impersonation; imp != nil {
				a.Impersonator = &models.Actor{UserID: imp.ImpersonatorUserID, TenantID: imp.ImpersonatorTenantID, Name: imp.ImpersonatorName, Master: true,
					Permissions: imp.ImpersonatorRights}
				a.ImpersonationID = imp.ID
			}
			ctx = models.WithPrefetch(models.WithActor(ctx, a), read)
			v.Nav = s.navFor(v)
		}
		v.CSRFToken, _ = sess.Values[keyCSRF].(string)
		if flashes := takeFlashes(sess); len(flashes) > 0 {
			v.Flashes, dirty = flashes, true
		}
		if refused { // for the page the refusal leads to (the login page), not this answer
			sess.AddFlash("error|That sign-in belongs to another tenant's address and is not valid here. Sign in on this one.", keyFlashes)
		}
		c.SetRequest(r.WithContext(handlers.WithVisitor(ctx, v)))
		if dirty {
			if err := s.sessions.save(c, sess); err != nil {
				return err
			}
		}
		// Tenant pages are personal or carry a CSRF token: no cache may keep them.
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}

func sessionID(sess *sessions.Session) (string, bool) {
	if sess == nil {
		return "", false
	}
	id, ok := sess.Values[keyID].(string)
	return id, ok && id != ""
}

func hasSessionID(sess *sessions.Session) bool {
	_, ok := sessionID(sess)
	return ok
}

func (s *Server) noSuchTenant(c echo.Context, host string) error {
	v := &handlers.Visitor{}
	return handlers.Render(c, http.StatusNotFound, views.NoSuchTenantPage(handlers.PageFor(v, "No such tenant"), host))
}

// foreignHost refuses a host outside the base domain. On a development
// install (localhost) the page links to the console, as whoever opened
// 127.0.0.1:8080 meant it: the configured base domain, on the port the
// browser used if that is a port number, so a forged Host cannot make the
// link lead anywhere else. Elsewhere the answer does not name the console.
func (s *Server) foreignHost(c echo.Context) error {
	if !s.cfg.DevelopmentDomain() {
		return echo.NewHTTPError(http.StatusBadRequest, "This server does not answer for that host name.")
	}
	_, port, _ := net.SplitHostPort(c.Request().Host)
	page := handlers.PageFor(&handlers.Visitor{}, "Open Landlord at its own address")
	return handlers.Render(c, http.StatusBadRequest, views.WrongHostPage(page, s.cfg.ConsoleURL(port)))
}

// hostName is the lower-cased host without port or trailing dot.
func hostName(hostport string) string {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	return strings.TrimSuffix(strings.ToLower(host), ".")
}

// authorize enforces a route's declared access: public routes pass; the rest
// need a signed-in user (anonymous page views go to the login page, anything
// else is refused), master-only routes exist only on the master's host, and a
// feature level below the declared one is 403.
func authorize(a access) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if a.public {
			return next
		}
		return func(c echo.Context) error {
			v := handlers.VisitorFrom(c.Request().Context())
			if !allowed(a, v) {
				switch {
				case v.User == nil && (c.Request().Method == http.MethodGet || c.Request().Method == http.MethodHead):
					return c.Redirect(http.StatusSeeOther, "/login")
				case v.User == nil:
					return echo.NewHTTPError(http.StatusForbidden, "Sign in first.")
				case a.master && !v.Tenant.IsMaster:
					return echo.ErrNotFound
				default:
					return echo.NewHTTPError(http.StatusForbidden, "Your role does not allow this. Ask an administrator for access.")
				}
			}
			return next(c)
		}
	}
}

// allowed says whether v may use a route declared with a.
func allowed(a access, v *handlers.Visitor) bool {
	if a.public {
		return true
	}
	if v.User == nil || (a.master && !v.Tenant.IsMaster) {
		return false
	}
	return a.feature == "" || v.User.Level(a.feature) >= a.level
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
		if err := readForm(r); err != nil {
			return err
		}
		want := handlers.VisitorFrom(r.Context()).CSRFToken
		// From the form body or the header, never the query string, which
		// ends up in logs and Referer headers.
		got := r.Header.Get(echo.HeaderXCSRFToken)
		if got == "" {
			got = r.PostForm.Get("_csrf")
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
			return echo.NewHTTPError(http.StatusForbidden, "The form has expired. Reload the page and try again.")
		}
		return next(c)
	}
}

// readForm reads a state-changing request's form body up front. Read later
// through FormValue, a body that failed to arrive would pass for an empty
// form; here it is answered for what it is: 408 when the client was too slow,
// 413 past the body limit, 400 otherwise.
func readForm(r *http.Request) error {
	var err error
	if strings.HasPrefix(r.Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
		err = r.ParseMultipartForm(32 << 20) // what Echo's FormValue would use
	} else {
		err = r.ParseForm()
	}
	var (
		he      *echo.HTTPError
		tooBig  *http.MaxBytesError
		network net.Error
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &he):
		return he // the body limit's 413
	case errors.As(err, &tooBig):
		return echo.ErrStatusRequestEntityTooLarge
	case errors.As(err, &network) && network.Timeout():
		return echo.NewHTTPError(http.StatusRequestTimeout, "The request took too long to arrive. Try again.")
	}
	return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read. Try again.")
}
