package web

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"landlord/handlers"
	"landlord/models"
	"landlord/views"
)

const (
	sessionCookie = "landlord_session"
	// secureSessionCookie is the name over https. Browsers take a __Host- cookie
	// only from a secure origin, with Path=/ and no Domain, so a sibling
	// tenant's host cannot set one that shadows ours.
	secureSessionCookie = "__Host-" + sessionCookie
	// sessionLifetime is the longest a login lasts, however active.
	sessionLifetime = 12 * time.Hour

	keyTenant  = "tenant"
	keyID      = "sid" // a signed-in session's id; its row in the database makes it valid
	keyCSRF    = "csrf"
	keyFlashes = "flashes"
)

// sessionStore keeps sessions in signed, encrypted, host-only cookies. A cookie
// records its tenant and is refused on any other tenant's host. A signed-in
// cookie carries only a session id, checked against the database on every
// request, so logging out, disabling the user or disabling the tenant ends it.
type sessionStore struct {
	cookies *sessions.CookieStore
	store   *models.Store
}

func newSessionStore(secret []byte, store *models.Store) *sessionStore {
	derive := func(label string) []byte {
		sum := sha256.Sum256(append([]byte(label+"\x00"), secret...))
		return sum[:]
	}
	cs := sessions.NewCookieStore(derive("landlord session signing"), derive("landlord session encryption"))
	cs.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   int(sessionLifetime / time.Second),
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		// Domain stays empty: the cookie is host-only, never shared with sibling tenants.
	}
	cs.MaxAge(int(sessionLifetime / time.Second))
	for _, codec := range cs.Codecs {
		if sc, ok := codec.(*securecookie.SecureCookie); ok {
			sc.SetSerializer(sessionValues{})
		}
	}
	return &sessionStore{cookies: cs, store: store}
}

// decode reads the request's session cookie without any database work. It
// returns nil when there is none or it does not decode (forged, old key).
func (s *sessionStore) decode(c echo.Context) *sessions.Session {
	sess, err := s.cookies.New(c.Request(), cookieName(c))
	if err != nil || sess.IsNew {
		return nil
	}
	return sess
}

// belongsTo says whether a decoded cookie was issued on tenantID's host. A
// cookie carries its tenant and is refused on every other host, anonymous ones
// (with their CSRF token) included.
func belongsTo(sess *sessions.Session, tenantID uint64) bool {
	return sess != nil && sess.Values[keyTenant] == tenantID
}

// sessionTenant is the tenant a session was opened for (0: none).
func sessionTenant(sess *sessions.Session) uint64 {
	if sess == nil {
		return 0
	}
	id, _ := sess.Values[keyTenant].(uint64)
	return id
}

// cookieName is the session cookie's name for the request's scheme.
func cookieName(c echo.Context) string {
	if c.Scheme() == "https" {
		return secureSessionCookie
	}
	return sessionCookie
}

func (s *sessionStore) fresh(c echo.Context, tenantID uint64) *sessions.Session {
	sess := sessions.NewSession(s.cookies, cookieName(c))
	opts := *s.cookies.Options
	opts.Secure = c.Scheme() == "https"
	sess.Options = &opts
	sess.IsNew = true
	sess.Values[keyTenant] = tenantID
	sess.Values[keyCSRF] = rand.Text()
	return sess
}

func current(c echo.Context) *sessions.Session {
	sess, _ := c.Get("session").(*sessions.Session)
	return sess
}

func (s *sessionStore) save(c echo.Context, sess *sessions.Session) error {
	sess.Options.Secure = c.Scheme() == "https"
	return sess.Save(c.Request(), c.Response())
}

// LogIn replaces the session with a new one for u: new id, new CSRF token, so
// nothing from before the login (a planted cookie, say) carries over.
func (s *sessionStore) LogIn(c echo.Context, u *models.User) error {
	ctx := c.Request().Context()
	id, err := s.store.OpenSession(ctx, u, sessionLifetime)
	if err != nil {
		return err
	}
	sess := s.fresh(c, u.TenantID)
	sess.Values[keyID] = id
	c.Set("session", sess)
	// A person signing in themselves hears of the last time someone from the
	// master tenant acted as them, once.
	if u.Impersonation == nil {
		imp, err := s.store.ImpersonationNotice(ctx, u)
		if err != nil {
			return err
		}
		if imp != nil {
			sess.AddFlash("info|"+impersonationNotice(imp), keyFlashes)
		}
	}
	return s.save(c, sess)
}

func impersonationNotice(imp *models.Impersonation) string {
	return fmt.Sprintf("%s from the master tenant acted as you on %s UTC for %d min. Their reason: %q.",
		imp.ImpersonatorName, imp.StartedAt.UTC().Format("2006-01-02 15:04"), int(imp.Until().Sub(imp.StartedAt).Minutes()+0.5), imp.Reason)
}

// ID is the signed-in session's id, or "".
func (s *sessionStore) ID(c echo.Context) string {
	id, _ := current(c).Values[keyID].(string)
	return id
}

// LogOut ends the session in the database and gives the browser an anonymous one.
func (s *sessionStore) LogOut(c echo.Context) error {
	old := current(c)
	if id, ok := old.Values[keyID].(string); ok {
		// A master user signing out ends the impersonations this session started.
		if v := handlers.VisitorFrom(c.Request().Context()); v.Tenant != nil && v.Tenant.IsMaster {
			if err := s.store.EndImpersonationsOfSession(c.Request().Context(), id); err != nil {
				return err
			}
		}
		if err := s.store.CloseSession(c.Request().Context(), id); err != nil {
			return err
		}
	}
	tenant, _ := old.Values[keyTenant].(uint64)
	sess := s.fresh(c, tenant)
	c.Set("session", sess)
	return s.save(c, sess)
}

// Flash keeps f for the next page.
func (s *sessionStore) Flash(c echo.Context, f views.Flash) error {
	sess := current(c)
	sess.AddFlash(f.Kind+"|"+f.Text, keyFlashes)
	return s.save(c, sess)
}

// takeFlashes removes and returns the pending messages.
func takeFlashes(sess *sessions.Session) []views.Flash {
	var out []views.Flash
	for _, raw := range sess.Flashes(keyFlashes) {
		s, _ := raw.(string)
		kind, text, _ := strings.Cut(s, "|")
		out = append(out, views.Flash{Kind: kind, Text: text})
	}
	return out
}

var _ handlers.Sessions = (*sessionStore)(nil)
