// Package handlers holds Landlord's HTTP handlers: each parses input, calls one
// domain operation in models, and renders a views component.
package handlers

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/static"
	"landlord/views"
)

// Visitor is who is asking and where: the host's tenant, the signed-in user if
// any, and what every page needs. The web layer's middleware sets it once per request.
type Visitor struct {
	// Tenant is the host's tenant. For a signed-in request it holds what the
	// session check loads (ID, Subdomain, Name, IsMaster, Enabled, TenantRoleID,
	// Version), not every column.
	Tenant     *models.Tenant
	User       *models.User // nil when nobody is signed in
	OnBase     bool         // the request came to the base domain (the master's console)
	CSRFToken  string
	RequestID  string
	Flashes    []views.Flash
	BaseDomain string
	Path       string          // the request's path, to mark the current navigation link
	Nav        []views.NavLink // the links of the routes this visitor may open
}

type visitorKey struct{}

// WithVisitor puts v into ctx.
func WithVisitor(ctx context.Context, v *Visitor) context.Context {
	return context.WithValue(ctx, visitorKey{}, v)
}

// VisitorFrom returns the request's visitor, or an empty one.
func VisitorFrom(ctx context.Context) *Visitor {
	if v, ok := ctx.Value(visitorKey{}).(*Visitor); ok {
		return v
	}
	return &Visitor{}
}

// Sessions is what handlers need of the session layer.
type Sessions interface {
	// LogIn opens a new session for u, replacing the old one and its id.
	LogIn(c echo.Context, u *models.User) error
	// LogOut ends the session.
	LogOut(c echo.Context) error
	// Flash keeps a message for the next page shown.
	Flash(c echo.Context, f views.Flash) error
	// ID is the signed-in session's id ("" when none).
	ID(c echo.Context) string
}

// PageFor builds the layout's data for the visitor.
func PageFor(v *Visitor, title string) views.Page {
	p := views.Page{Title: title, TenantName: "Landlord", CSRFToken: v.CSRFToken, Flashes: v.Flashes}
	if v.Tenant != nil {
		p.TenantName, p.TenantSubdomain, p.IsMaster = v.Tenant.Name, v.Tenant.Subdomain, v.Tenant.IsMaster
	}
	if v.User != nil {
		p.UserDisplay = v.User.DisplayName()
		if imp := v.User.Impersonation; imp != nil {
			p.Impersonation = &views.ImpersonationBanner{Impersonator: imp.ImpersonatorName, Target: v.User.Username,
				Since: imp.StartedAt.UTC().Format("15:04"), Until: imp.ExpiresAt.UTC().Format("15:04"),
				MinutesLeft: max(0, int(time.Until(imp.ExpiresAt).Minutes()+0.5))}
			impersonationRights(p.Impersonation, v.User)
		}
		for _, l := range v.Nav {
			l.Active = l.Href == v.Path
			// A page below a list is in the list's section (/users/7 in Users).
			l.Section = l.Active || l.Href != "/" && strings.HasPrefix(v.Path, l.Href+"/")
			p.Nav = append(p.Nav, l)
		}
	}
	return p
}

// impersonationRights lays out, per feature, the rights in force while
// impersonating u and which side limits them.
func impersonationRights(b *views.ImpersonationBanner, u *models.User) {
	for _, f := range models.Features {
		theirs, yours := u.OwnLevel(f), u.Impersonation.ImpersonatorRights.Level(f)
		r := views.ImpersonationRight{Feature: string(f), Level: u.Level(f).String()}
		switch {
		case theirs == models.LevelFull && yours == models.LevelFull:
		case theirs < yours:
			r.LimitedBy = "target"
		case yours < theirs:
			r.LimitedBy, b.LimitedByYou = "impersonator", b.LimitedByYou+1
		default:
			r.LimitedBy = "both"
		}
		b.Rights = append(b.Rights, r)
	}
}

// Render writes component with status. It renders into a buffer first so a
// failed render still yields a clean 500.
func Render(c echo.Context, status int, component templ.Component) error {
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer func() {
		// An unusually large page's buffer is left to the collector rather
		// than kept for every later page.
		if buf.Cap() <= maxPooledPage {
			buf.Reset()
			renderBuffers.Put(buf)
		}
	}()
	if err := component.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	// A known length lets the page go out in one piece instead of chunks.
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	return c.HTMLBlob(status, buf.Bytes())
}

// renderBuffers keep pages' buffers between requests: a page is rendered
// whole before it is sent, and growing a fresh buffer to its size each time
// cost more than the rendering.
var renderBuffers = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 16<<10)) }}

const maxPooledPage = 256 << 10

// Favicon serves the console's icon, which browsers ask for on every page.
func Favicon() echo.HandlerFunc {
	return func(c echo.Context) error {
		b, err := static.FS.ReadFile("favicon.ico")
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, "image/x-icon", b)
	}
}

// Healthz answers while the process is up.
func Healthz() echo.HandlerFunc {
	return func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	}
}

// Readyz answers when the database does.
func Readyz(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
		defer cancel()
		if err := store.Ping(ctx); err != nil {
			return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
		}
		return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
	}
}
