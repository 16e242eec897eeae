package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"landlord/handlers"
	"landlord/models"
	"landlord/static"
	"landlord/views"
)

// access is who may use a route. Every route declares one; the authorize
// middleware enforces it and the navigation shows only links it allows.
type access struct {
	declared bool
	public   bool           // anyone, signed in or not
	master   bool           // only on the master tenant's host
	feature  models.Feature // "" with a signed-in access: any signed-in user
	level    models.Level
}

// public routes need no session.
func public() access { return access{declared: true, public: true} }

// signedIn routes need any signed-in user of the host's tenant.
func signedIn() access { return access{declared: true} }

// need routes need a signed-in user with at least level on feature.
func need(f models.Feature, l models.Level) access {
	return access{declared: true, feature: f, level: l}
}

// masterNeeds routes exist only on the master's host and need level on feature.
func masterNeeds(f models.Feature, l models.Level) access {
	return access{declared: true, master: true, feature: f, level: l}
}

// route is one line of the surface: method, path, who may use it, the
// handler, and its place in the navigation: "" for none, "Label" for a link
// of its own, "Area/Label" for a link in that area's group (groups show in
// the order their first link has here).
type route struct {
	method  string
	path    string
	access  access
	handler echo.HandlerFunc
	nav     string
	extra   []echo.MiddlewareFunc
}

const (
	get  = http.MethodGet
	post = http.MethodPost
)

// probeRoutes answer on any host, without tenant or session: load balancers'
// probes and the embedded assets.
func (s *Server) probeRoutes() []route {
	return []route{
		{get, "/healthz", public(), handlers.Healthz(), "", nil},
		{get, "/readyz", public(), handlers.Readyz(s.store), "", nil},
		{get, "/static/*", public(), echo.StaticDirectoryHandler(static.FS, false), "", []echo.MiddlewareFunc{cacheAssets}},
		{get, "/favicon.ico", public(), handlers.Favicon(), "", []echo.MiddlewareFunc{cacheAssets}},
	}
}

// pageRoutes are the tenant pages: the host resolves the tenant, the cookie
// the session, and every POST carries the session's CSRF token.
func (s *Server) pageRoutes() []route {
	// Login attempts are rate-limited per address on top of the failure
	// counts LogIn keeps per account and address.
	loginRate := middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(2), Burst: 30, ExpiresIn: 3 * time.Minute,
		}),
	})
	limited := []echo.MiddlewareFunc{loginRate}
	return []route{
		{get, "/login", public(), handlers.LoginForm(), "", nil},
		{post, "/login", public(), handlers.Login(s.store, s.sessions), "", limited},
		{get, "/login/handoff", public(), handlers.Handoff(s.store, s.sessions), "", limited},
		{post, "/logout", public(), handlers.Logout(s.store, s.sessions), "", nil},
		{get, "/", signedIn(), handlers.Dashboard(s.store), "Dashboard", nil},
		{get, "/tenants", masterNeeds(models.FeatureTenants, models.LevelRead), handlers.Tenants(s.store), "Tenants/Tenants", nil},
		{get, "/tenants/new", masterNeeds(models.FeatureTenants, models.LevelFull), handlers.TenantNew(s.store, s.wizard), "", nil},
		{post, "/tenants/new", masterNeeds(models.FeatureTenants, models.LevelFull), handlers.TenantCreate(s.store, s.sessions, s.wizard), "", nil},
		{get, "/tenants/:subdomain", masterNeeds(models.FeatureTenants, models.LevelRead), handlers.TenantDetail(s.store), "", nil},
		{get, "/usage", masterNeeds(models.FeatureTenants, models.LevelRead), handlers.Usage(s.store), "Tenants/Usage", nil},
		{get, "/usage.csv", masterNeeds(models.FeatureTenants, models.LevelRead), handlers.UsageCSV(s.store), "", nil},
		{get, "/tenants/:subdomain/edit", masterNeeds(models.FeatureTenants, models.LevelFull), handlers.TenantEditForm(s.store), "", nil},
		{post, "/tenants/:subdomain/edit", masterNeeds(models.FeatureTenants, models.LevelFull), handlers.TenantUpdate(s.store, s.sessions), "", nil},
		{get, "/tenants/:subdomain/disable", masterNeeds(models.FeatureTenants, models.LevelFull), handlers.TenantDisableForm(s.store), "", nil},
		{post, "/tenants/:subdomain/disable", masterNeeds(models.FeatureTenants, models.LevelFull), handlers.TenantSetEnabled(s.store, s.sessions, false), "", nil},
		{post, "/tenants/:subdomain/enable", masterNeeds(models.FeatureTenants, models.LevelFull), handlers.TenantSetEnabled(s.store, s.sessions, true), "", nil},
		{get, "/tenants/:subdomain/delete", masterNeeds(models.FeatureTenants, models.LevelFull), handlers.TenantDeleteForm(s.store), "", nil},
		{post, "/tenants/:subdomain/delete", masterNeeds(models.FeatureTenants, models.LevelFull), handlers.TenantDelete(s.store, s.sessions), "", nil},
		{get, "/users", need(models.FeatureUsers, models.LevelRead), handlers.Users(s.store), "Users and roles/Users", nil},
		{get, "/users/export", need(models.FeatureExport, models.LevelRead), handlers.UsersExport(s.store), "", nil},
		{get, "/users/:id/permissions", need(models.FeatureUsers, models.LevelRead), handlers.UserPermissions(s.store), "", nil},
		{get, "/roles", need(models.FeatureRoles, models.LevelRead), handlers.Roles(s.store), "Users and roles/Roles", nil},
		{get, "/roles/new", need(models.FeatureRoles, models.LevelFull), handlers.RoleNew(s.store, s.wizard), "", nil},
		{post, "/roles/new", need(models.FeatureRoles, models.LevelFull), handlers.RoleCreate(s.store, s.sessions, s.wizard), "", nil},
		{get, "/roles/:id/edit", need(models.FeatureRoles, models.LevelFull), handlers.RoleEditForm(s.store), "", nil},
		{post, "/roles/:id/edit", need(models.FeatureRoles, models.LevelFull), handlers.RoleUpdate(s.store, s.sessions), "", nil},
		{get, "/roles/:id/delete", need(models.FeatureRoles, models.LevelFull), handlers.RoleDeleteForm(s.store), "", nil},
		{post, "/roles/:id/delete", need(models.FeatureRoles, models.LevelFull), handlers.RoleDelete(s.store, s.sessions), "", nil},
		{get, "/resources/:id/sharing", masterNeeds(models.FeatureResources, models.LevelRead), handlers.ResourceSharingForm(s.store), "", nil},
		{post, "/resources/:id/sharing", masterNeeds(models.FeatureResources, models.LevelFull), handlers.ResourceSharingUpdate(s.store, s.sessions), "", nil},
		{post, "/tenant-roles/:id/resources", masterNeeds(models.FeatureTenants, models.LevelFull), handlers.TenantRoleResourcesUpdate(s.store, s.sessions), "", nil},
		{get, "/tenant-roles", masterNeeds(models.FeatureRoles, models.LevelRead), handlers.TenantRoles(s.store), "Tenants/Tenant roles", nil},
		{get, "/tenant-roles/new", masterNeeds(models.FeatureRoles, models.LevelFull), handlers.TenantRoleNew(s.store, s.wizard), "", nil},
		{post, "/tenant-roles/new", masterNeeds(models.FeatureRoles, models.LevelFull), handlers.TenantRoleCreate(s.store, s.sessions, s.wizard), "", nil},
		{get, "/tenant-roles/:id/edit", masterNeeds(models.FeatureRoles, models.LevelFull), handlers.TenantRoleEditForm(s.store), "", nil},
		{post, "/tenant-roles/:id/edit", masterNeeds(models.FeatureRoles, models.LevelFull), handlers.TenantRoleUpdate(s.store, s.sessions), "", nil},
		{get, "/tenant-roles/:id/delete", masterNeeds(models.FeatureRoles, models.LevelFull), handlers.TenantRoleDeleteForm(s.store), "", nil},
		{post, "/tenant-roles/:id/delete", masterNeeds(models.FeatureRoles, models.LevelFull), handlers.TenantRoleDelete(s.store, s.sessions), "", nil},
		// A resource's own pages need resources: read; the model asks for
		// full on the resource's group (a role's group level may give it).
		{get, "/resources", need(models.FeatureResources, models.LevelRead), handlers.Resources(s.store), "Resources/Resources", nil},
		{get, "/resources/export", need(models.FeatureExport, models.LevelRead), handlers.ResourcesExport(s.store), "", []echo.MiddlewareFunc{authorize(need(models.FeatureResources, models.LevelRead))}},
		{get, "/resources/new", need(models.FeatureResources, models.LevelFull), handlers.ResourceNewForm(s.store), "", nil},
		{post, "/resources/new", need(models.FeatureResources, models.LevelFull), handlers.ResourceCreate(s.store, s.sessions), "", nil},
		{get, "/resources/:id", need(models.FeatureResources, models.LevelRead), handlers.ResourceShow(s.store), "", nil},
		{get, "/resources/:id/edit", need(models.FeatureResources, models.LevelRead), handlers.ResourceEditForm(s.store), "", nil},
		{post, "/resources/:id/edit", need(models.FeatureResources, models.LevelRead), handlers.ResourceUpdate(s.store, s.sessions), "", nil},
		{get, "/resources/:id/delete", need(models.FeatureResources, models.LevelRead), handlers.ResourceDeleteForm(s.store), "", nil},
		{post, "/resources/:id/delete", need(models.FeatureResources, models.LevelRead), handlers.ResourceDelete(s.store, s.sessions), "", nil},
		{get, "/resource-groups", need(models.FeatureResources, models.LevelRead), handlers.ResourceGroups(s.store), "Resources/Groups", nil},
		{get, "/resource-groups/new", need(models.FeatureResources, models.LevelFull), handlers.ResourceGroupNewForm(), "", nil},
		{post, "/resource-groups/new", need(models.FeatureResources, models.LevelFull), handlers.ResourceGroupCreate(s.store, s.sessions), "", nil},
		{get, "/resource-groups/:id/edit", need(models.FeatureResources, models.LevelRead), handlers.ResourceGroupEditForm(s.store), "", nil},
		{post, "/resource-groups/:id/edit", need(models.FeatureResources, models.LevelRead), handlers.ResourceGroupUpdate(s.store, s.sessions), "", nil},
		{get, "/resource-groups/:id/delete", need(models.FeatureResources, models.LevelRead), handlers.ResourceGroupDeleteForm(s.store), "", nil},
		{post, "/resource-groups/:id/delete", need(models.FeatureResources, models.LevelRead), handlers.ResourceGroupDelete(s.store, s.sessions), "", nil},
		{get, "/roles/:id/groups", need(models.FeatureRoles, models.LevelFull), handlers.RoleGroupsForm(s.store), "", nil},
		{post, "/roles/:id/groups", need(models.FeatureRoles, models.LevelFull), handlers.RoleGroupsSave(s.store, s.sessions), "", nil},
		{get, "/resource-kinds", masterNeeds(models.FeatureResources, models.LevelRead), handlers.ResourceKinds(s.store), "Resources/Kinds", nil},
		{get, "/resource-kinds/new", masterNeeds(models.FeatureResources, models.LevelFull), handlers.ResourceKindNewForm(), "", nil},
		{post, "/resource-kinds/new", masterNeeds(models.FeatureResources, models.LevelFull), handlers.ResourceKindCreate(s.store, s.sessions), "", nil},
		{get, "/resource-kinds/:key/edit", masterNeeds(models.FeatureResources, models.LevelFull), handlers.ResourceKindEditForm(s.store), "", nil},
		{post, "/resource-kinds/:key/edit", masterNeeds(models.FeatureResources, models.LevelFull), handlers.ResourceKindUpdate(s.store, s.sessions), "", nil},
		{get, "/resource-kinds/:key/delete", masterNeeds(models.FeatureResources, models.LevelFull), handlers.ResourceKindDeleteForm(s.store), "", nil},
		{post, "/resource-kinds/:key/delete", masterNeeds(models.FeatureResources, models.LevelFull), handlers.ResourceKindDelete(s.store, s.sessions), "", nil},
		{get, "/sharing", masterNeeds(models.FeatureResources, models.LevelRead), handlers.SharingList(s.store), "Resources/Sharing", nil},
		{get, "/audit", need(models.FeatureAudit, models.LevelRead), handlers.Audit(s.store), "Audit/Audit log", nil},
		{get, "/support-access", need(models.FeatureAudit, models.LevelRead), handlers.SupportAccess(s.store), "Audit/Support access", nil},
		{get, "/support-access/panel", need(models.FeatureAudit, models.LevelRead), handlers.SupportAccessPanel(s.store), "", nil},
		{get, "/settings", need(models.FeatureUsers, models.LevelRead), handlers.Settings(s.store, s.sessions), "Settings", nil},
		{post, "/settings", need(models.FeatureUsers, models.LevelFull), handlers.Settings(s.store, s.sessions), "", nil},
		{post, "/impersonation/end", signedIn(), handlers.EndImpersonation(s.store, s.sessions), "", nil},
		{post, "/impersonations/:id/end", masterNeeds(models.FeatureImpersonation, models.LevelFull), handlers.ImpersonationEnd(s.store, s.sessions), "", nil},
		{get, "/tenants/:subdomain/users/:id/impersonate", masterNeeds(models.FeatureImpersonation, models.LevelFull), handlers.Impersonate(s.store, s.sessions, s.cfg.ImpersonationLimit), "", nil},
		{post, "/tenants/:subdomain/users/:id/impersonate", masterNeeds(models.FeatureImpersonation, models.LevelFull), handlers.Impersonate(s.store, s.sessions, s.cfg.ImpersonationLimit), "", nil},
		{get, "/audit/verify", need(models.FeatureAudit, models.LevelRead), handlers.AuditVerify(s.store), "", nil},
		{post, "/audit/verify", need(models.FeatureAudit, models.LevelRead), handlers.AuditVerifyCheckpoints(s.store), "", nil},
		{get, "/audit/export", need(models.FeatureExport, models.LevelRead), handlers.AuditExport(s.store), "", nil},
		{get, "/audit/:id", need(models.FeatureAudit, models.LevelRead), handlers.AuditEvent(s.store), "", nil},
		// Users administration in the tenant's own console ...
		{get, "/users/new", need(models.FeatureUsers, models.LevelFull), handlers.UserNew(s.store, s.wizard), "", nil},
		{post, "/users/new", need(models.FeatureUsers, models.LevelFull), handlers.UserCreate(s.store, s.sessions, s.wizard), "", nil},
		{get, "/users/:id", need(models.FeatureUsers, models.LevelRead), handlers.UserShow(s.store, s.sessions), "", nil},
		{get, "/users/:id/edit", need(models.FeatureUsers, models.LevelFull), handlers.UserEditForm(s.store), "", nil},
		{post, "/users/:id/edit", need(models.FeatureUsers, models.LevelFull), handlers.UserUpdate(s.store, s.sessions), "", nil},
		{post, "/users/:id/disable", need(models.FeatureUsers, models.LevelFull), handlers.UserSetEnabled(s.store, s.sessions, false), "", nil},
		{post, "/users/:id/enable", need(models.FeatureUsers, models.LevelFull), handlers.UserSetEnabled(s.store, s.sessions, true), "", nil},
		{get, "/users/:id/delete", need(models.FeatureUsers, models.LevelFull), handlers.UserDeleteForm(s.store), "", nil},
		{post, "/users/:id/delete", need(models.FeatureUsers, models.LevelFull), handlers.UserDelete(s.store, s.sessions), "", nil},
		{get, "/users/:id/password", need(models.FeatureUsers, models.LevelFull), handlers.UserPasswordForm(s.store), "", nil},
		{post, "/users/:id/password", need(models.FeatureUsers, models.LevelFull), handlers.UserPassword(s.store, s.sessions), "", nil},
		// ... and the same pages for the master, on any subtenant's users (the
		// handlers confine themselves to it through models.ManagedTenant).
		{get, "/tenants/:subdomain/users", masterNeeds(models.FeatureUsers, models.LevelRead), handlers.Users(s.store), "", nil},
		{get, "/tenants/:subdomain/users/new", masterNeeds(models.FeatureUsers, models.LevelFull), handlers.UserNew(s.store, s.wizard), "", nil},
		{post, "/tenants/:subdomain/users/new", masterNeeds(models.FeatureUsers, models.LevelFull), handlers.UserCreate(s.store, s.sessions, s.wizard), "", nil},
		{get, "/tenants/:subdomain/users/:id", masterNeeds(models.FeatureUsers, models.LevelRead), handlers.UserShow(s.store, s.sessions), "", nil},
		{get, "/tenants/:subdomain/users/:id/edit", masterNeeds(models.FeatureUsers, models.LevelFull), handlers.UserEditForm(s.store), "", nil},
		{post, "/tenants/:subdomain/users/:id/edit", masterNeeds(models.FeatureUsers, models.LevelFull), handlers.UserUpdate(s.store, s.sessions), "", nil},
		{post, "/tenants/:subdomain/users/:id/disable", masterNeeds(models.FeatureUsers, models.LevelFull), handlers.UserSetEnabled(s.store, s.sessions, false), "", nil},
		{post, "/tenants/:subdomain/users/:id/enable", masterNeeds(models.FeatureUsers, models.LevelFull), handlers.UserSetEnabled(s.store, s.sessions, true), "", nil},
		{get, "/tenants/:subdomain/users/:id/delete", masterNeeds(models.FeatureUsers, models.LevelFull), handlers.UserDeleteForm(s.store), "", nil},
		{post, "/tenants/:subdomain/users/:id/delete", masterNeeds(models.FeatureUsers, models.LevelFull), handlers.UserDelete(s.store, s.sessions), "", nil},
		{get, "/tenants/:subdomain/users/:id/password", masterNeeds(models.FeatureUsers, models.LevelFull), handlers.UserPasswordForm(s.store), "", nil},
		{post, "/tenants/:subdomain/users/:id/password", masterNeeds(models.FeatureUsers, models.LevelFull), handlers.UserPassword(s.store, s.sessions), "", nil},
	}
}

// addRoutes mounts every route in its tier. A route without a declared access,
// or a route on the router that no table declares, stops the server from
// starting.
func (s *Server) addRoutes(e *echo.Echo) error {
	probes, pages := s.probeRoutes(), s.pageRoutes()
	if err := mount(e.Group(""), probes); err != nil {
		return err
	}
	tenantPages := e.Group("")
	tenantPages.Use(s.visit, checkCSRF)
	if err := mount(tenantPages, pages); err != nil {
		return err
	}
	s.nav = nil
	for _, r := range pages {
		if r.nav != "" {
			s.nav = append(s.nav, r)
		}
	}
	return checkDeclared(e, probes, pages)
}

func mount(g *echo.Group, routes []route) error {
	for _, r := range routes {
		if !r.access.declared {
			return fmt.Errorf("route %s %s declares no access (public, signedIn, need or masterNeeds)", r.method, r.path)
		}
		g.Add(r.method, r.path, r.handler, append(append([]echo.MiddlewareFunc{}, r.extra...), authorize(r.access))...)
	}
	return nil
}

// checkDeclared refuses routes that reached the router around the tables.
func checkDeclared(e *echo.Echo, tables ...[]route) error {
	declared := map[string]bool{}
	for _, t := range tables {
		for _, r := range t {
			declared[r.method+" "+r.path] = true
		}
	}
	for _, r := range e.Routes() {
		if r.Method == echo.RouteNotFound {
			continue // a tier's catch-all, so its middleware runs for unknown paths too
		}
		if !declared[r.Method+" "+r.Path] {
			return fmt.Errorf("route %s %s is not declared in routes.go", r.Method, r.Path)
		}
	}
	return nil
}

// navFor is the navigation v may see: the links of the routes it may open,
// each area's links together, the areas in the order the table first names them.
func (s *Server) navFor(v *handlers.Visitor) []views.NavLink {
	var links []views.NavLink
	for _, r := range s.nav {
		if !allowed(r.access, v) {
			continue
		}
		group, label, ok := strings.Cut(r.nav, "/")
		if !ok {
			group, label = "", r.nav
		}
		l := views.NavLink{Group: group, Label: label, Href: r.path}
		at := len(links)
		for i := len(links) - 1; i >= 0 && group != ""; i-- {
			if links[i].Group == group {
				at = i + 1
				break
			}
		}
		links = append(links[:at], append([]views.NavLink{l}, links[at:]...)...)
	}
	return links
}

// cacheAssets lets browsers keep what was found for an hour; a miss is not cached.
func cacheAssets(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		res := c.Response()
		res.Before(func() {
			if res.Status == http.StatusOK {
				res.Header().Set("Cache-Control", "public, max-age=3600")
			}
		})
		return next(c)
	}
}
