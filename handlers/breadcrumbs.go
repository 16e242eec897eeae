package handlers

import (
	"strconv"

	"landlord/views"
)

// below puts a page's breadcrumbs on p: the lists and records above it (up),
// then the page itself (here).
func below(p views.Page, here string, up ...views.Crumb) views.Page {
	p.Breadcrumbs = append(append(make([]views.Crumb, 0, len(up)+1), up...), views.Crumb{Label: here})
	return p
}

func crumb(label, href string) views.Crumb { return views.Crumb{Label: label, Href: href} }

var (
	tenantsCrumb     = crumb("Tenants", "/tenants")
	rolesCrumb       = crumb("Roles", "/roles")
	tenantRolesCrumb = crumb("Tenant roles", "/tenant-roles")
	auditCrumb       = crumb("Audit log", "/audit")
)

// tenantCrumbs is the way up to tenant sub's page, named name.
func tenantCrumbs(sub, name string) []views.Crumb {
	return []views.Crumb{tenantsCrumb, crumb(name, "/tenants/"+sub)}
}

// usersCrumbs is the way up to s's user list; with a user, to that user's page.
func usersCrumbs(s userScope, user ...userCrumb) []views.Crumb {
	var up []views.Crumb
	if s.view.Managed {
		up = tenantCrumbs(s.tenant.Subdomain, s.tenant.Name)
	}
	up = append(up, crumb("Users", s.view.Users()))
	for _, u := range user {
		up = append(up, crumb(u.name, s.view.User(u.id)))
	}
	return up
}

type userCrumb struct {
	id   uint64
	name string
}

func userPath(id uint64) string { return "/users/" + strconv.FormatUint(id, 10) }
