package handlers

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

// Users lists the host tenant's users (search, sort, pages), or, on the
// master's /tenants/:subdomain/users, that tenant's.
func Users(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		s, err := scopeOf(c, store, models.LevelRead)
		if err != nil {
			return err
		}
		v := VisitorFrom(c.Request().Context())
		p, err := store.UsersPage(s.ctx, listQuery(c))
		if err != nil {
			return err
		}
		rows := make([]views.UserRow, len(p.Rows))
		for i, u := range p.Rows {
			rows[i] = userRow(&u)
		}
		page, list := PageFor(v, pageTitle(s, "Users")), listState(c, p)
		if s.view.Managed {
			page = below(page, "Users", tenantCrumbs(s.tenant.Subdomain, s.tenant.Name)...)
		}
		return Render(c, listStatus(list), views.UsersPage(page, views.UserList{
			Scope: s.view, List: list, Rows: rows,
			CanExport:      !s.view.Managed && v.User.Level(models.FeatureExport) >= models.LevelRead,
			CanImpersonate: s.view.Managed && v.User.Level(models.FeatureImpersonation) >= models.LevelFull,
		}))
	}
}

// UsersPrefetch is the read Users makes on tenant's own host, to be sent
// with the session check (models.Prefetch), or nil for a search. A search
// reads every match to count them, which dwarfs the round trip saved, and
// read ahead it would run for a session that has ended too (a disabled user
// keeping the database busy with searches no one may see).
func UsersPrefetch(c echo.Context, tenant uint64) *models.Prefetch {
	q := listQuery(c)
	if q.Search != "" {
		return nil
	}
	return models.PrefetchUsers(tenant, q)
}

func userRow(u *models.User) views.UserRow {
	r := views.UserRow{ID: u.ID, Name: strings.TrimSpace(u.FirstName + " " + u.LastName), Username: u.Username, Email: u.Email, Enabled: u.Enabled}
	if u.Role != nil {
		r.Role = u.Role.Name
	}
	if u.LastLoginAt != nil {
		r.LastLogin = u.LastLoginAt.UTC().Format("2006-01-02 15:04")
	}
	return r
}

// UsersExport streams the host tenant's users, filtered and sorted like the
// list, as CSV (the default, ?format=csv) or JSON lines (?format=jsonl).
func UsersExport(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		q := listQuery(c)
		name := v.Tenant.Subdomain + "-users"
		format, err := exportFormat(c)
		if err != nil {
			return err
		}
		if format == "jsonl" {
			return streamJSONLines(c, name+".jsonl", func(emit func(any) error) error {
				return store.EachUser(ctx, q, func(u *models.User) error { return emit(userRow(u)) })
			})
		}
		header := []string{"id", "username", "email", "name", "role", "enabled", "last_login"}
		return streamCSV(c, name+".csv", header, func(emit func([]string) error) error {
			return store.EachUser(ctx, q, func(u *models.User) error {
				r := userRow(u)
				return emit([]string{strconv.FormatUint(r.ID, 10), r.Username, r.Email, r.Name, r.Role, strconv.FormatBool(r.Enabled), r.LastLogin})
			})
		})
	}
}
