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
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			ctx := c.Request().Context()
			if !logger.Enabled(ctx, level) {
				return nil // nothing built for a line that is not written
			}
			// The path only: query strings can carry one-time tokens.
			attrs := []slog.Attr{
				slog.String("id", v.RequestID), slog.String("method", v.Method),
				slog.String("host", v.Host), slog.String("path", v.URIPath),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency),
				slog.String("ip", v.RemoteIP),
			}
			logger.LogAttrs(ctx, level, "request", attrs...)
			return nil
		},
	})
}

// visit resolves who is asking and where, for the tenant pages, in six steps:
// the host names the tenant; a signed-in cookie is checked (with one statement
// that loads the tenant, the session, the user and the role together, and the
// page's read if it can travel with it); an anonymous visit reads only the
// tenant; a cookie that is not this tenant's signed-in session is replaced;
// the request's context gets the tenant, the client and the actor; and the
// page is answered, never cached, with the session saved if it changed.
func (s *Server) visit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		host := hostName(c.Request().Host)
		sub, err := s.subdomainOf(host)
		switch {
		case errors.Is(err, errForeignHost):
			return s.foreignHost(c)
		case errors.Is(err, errNoSuchTenant):
			return s.noSuchTenant(c, host)
		}
		sess := s.sessions.decode(c)
		tenant, user, read, err := s.signedIn(c, sub, sess)
		if err != nil {
			return err
		}
		if tenant == nil {
			if tenant, err = s.store.TenantBySubdomain(c.Request().Context(), sub); errors.Is(err, models.ErrNotFound) {
				return s.noSuchTenant(c, host)
			} else if err != nil {
				return err
			}
		}
		sess, dirty, refused, err := s.admit(c, sess, tenant, user)
		if err != nil {
			return err
		}
		if s.enter(c, host, sess, tenant, user, read, refused) {
			dirty = true
		}
		return s.answer(c, next, sess, dirty)
	}
}

var (
	// errForeignHost is a host outside the base domain.
	errForeignHost = errors.New("not this server's host")
	// errNoSuchTenant is a host under the base domain that can name no tenant.
	errNoSuchTenant = errors.New("no such tenant")
)

// subdomainOf is the tenant host names: the base domain is the master's
// console, <subdomain>.<base> that tenant's (port ignored, case-insensitive).
// Any other host is refused (errForeignHost); the master is only reachable on
// the base domain, and reserved or malformed names (deeper subdomains
// included) are never tenants (errNoSuchTenant).
func (s *Server) subdomainOf(host string) (string, error) {
	base := s.cfg.BaseDomain
	if host == base {
		return models.MasterSubdomain, nil
	}
	label, ok := strings.CutSuffix(host, "."+base)
	if !ok {
		return "", errForeignHost
	}
	if models.CheckSubdomain(label) != nil {
		return "", errNoSuchTenant
	}
	return label, nil
}

// signedIn checks sess's signed-in session on the tenant sub names and
// returns that tenant and its user, or nils when there is none, it has ended
// or the cookie was issued for another tenant. A page whose read can travel
// with the check sends it there, in the tenant the cookie was issued for; it
// counts only if the check confirms that tenant's user (models.Prefetch).
func (s *Server) signedIn(c echo.Context, sub string, sess *sessions.Session) (*models.Tenant, *models.User, *models.Prefetch, error) {
	id, ok := sessionID(sess)
	if !ok {
		return nil, nil, nil, nil
	}
	r := c.Request()
	var read *models.Prefetch
	if pre := s.prefetch[c.Path()]; pre != nil && r.Method == http.MethodGet && sessionTenant(sess) != 0 {
		read = pre(c, sessionTenant(sess))
	}
	t, u, err := s.store.SessionUserWith(r.Context(), sub, id, read)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return nil, nil, nil, nil
	case err != nil:
		return nil, nil, nil, err
	case !belongsTo(sess, t.ID):
		return nil, nil, nil, nil
	}
	return t, u, read, nil
}

// admit keeps sess when it is tenant's, and signed in if it claims to be;
// otherwise (another tenant's cookie, a broken one, or a session that has
// ended) it starts afresh, so nothing of it (its CSRF token included) carries
// over: dirty says so. A genuine session of another tenant, carried here by
// hand (the browser never sends a host-only cookie to another host), is
// counted in this tenant's log (an event a minute at most, see
// models.RecordRefusedSession) and refused says the person is to be told.
func (s *Server) admit(c echo.Context, sess *sessions.Session, tenant *models.Tenant, user *models.User) (_ *sessions.Session, dirty, refused bool, _ error) {
	if belongsTo(sess, tenant.ID) && (user != nil || !hasSessionID(sess)) {
		c.Set("session", sess)
		return sess, false, false, nil
	}
	foreign, from := hasSessionID(sess) && !belongsTo(sess, tenant.ID), sessionTenant(sess)
	presented, _ := sessionID(sess)
	sess = s.sessions.fresh(c, tenant.ID)
	c.Set("session", sess)
	if foreign {
		r := c.Request()
		if err := s.store.RecordRefusedSession(models.WithClient(r.Context(), models.Client{IP: c.RealIP(), UserAgent: r.UserAgent()}), tenant.ID, from, presented); err != nil {
			return nil, false, false, err
		}
	}
	return sess, true, foreign, nil
}

// enter puts the tenant, the client and, when signed in, the actor (with an
// impersonation's impersonator) and the read ahead into the request's context,
// with the page's handlers.Visitor: its navigation, CSRF token and pending
// messages. It says whether taking those messages changed the session.
func (s *Server) enter(c echo.Context, host string, sess *sessions.Session, tenant *models.Tenant, user *models.User, read *models.Prefetch, refused bool) (dirty bool) {
	r := c.Request()
	ctx := models.WithTenant(r.Context(), tenant.ID)
	ctx = models.WithClient(ctx, models.Client{IP: c.RealIP(), UserAgent: r.UserAgent()})
	v := &handlers.Visitor{
		Tenant: tenant, User: user, OnBase: host == s.cfg.BaseDomain, BaseDomain: s.cfg.BaseDomain, Path: r.URL.Path,
		RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
	}
	if user != nil {
		ctx = models.WithPrefetch(models.WithActor(ctx, actorOf(tenant, user)), read)
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
	return dirty
}

// actorOf is who acts for user of tenant, with the impersonator when it is
// an impersonation.
func actorOf(tenant *models.Tenant, user *models.User) models.Actor {
	a := models.Actor{UserID: user.ID, TenantID: tenant.ID, Name: user.Username, Master: tenant.IsMaster, Permissions: user.Permissions()}
	if user.RoleID != nil {
		a.RoleID = *user.RoleID
	}
	if imp := user.Impersonation; imp != nil {
		a.Impersonator = &models.Actor{UserID: imp.ImpersonatorUserID, TenantID: imp.ImpersonatorTenantID, Name: imp.ImpersonatorName, Master: true,
			Permissions: imp.ImpersonatorRights}
		a.ImpersonationID = imp.ID
	}
	return a
}

// answer saves sess if it changed and serves the page, which no cache may
// keep: tenant pages are personal or carry a CSRF token.
func (s *Server) answer(c echo.Context, next echo.HandlerFunc, sess *sessions.Session, dirty bool) error {
	if dirty {
		if err := s.sessions.save(c, sess); err != nil {
			return err
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return next(c)
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
