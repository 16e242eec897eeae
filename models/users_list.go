package models

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"gorm.io/gorm"
)

var userSorts = sortColumns{def: "username", columns: map[string]string{
	"username":   "lower(users.username)",
	"name":       "lower(users.last_name || ' ' || users.first_name)",
	"email":      "lower(users.email)",
	"status":     "users.enabled",
	"last_login": "users.last_login_at",
}}

// userSearchSQL matches a user by username, email or name; its three
// arguments are the same likePattern.
const userSearchSQL = `lower(users.username) LIKE ? ESCAPE '\' OR lower(users.email) LIKE ? ESCAPE '\' OR lower(users.first_name || ' ' || users.last_name) LIKE ? ESCAPE '\'`

func userSearch(q ListQuery) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		if q.Search == "" {
			return db
		}
		p := likePattern(q.Search)
		return db.Where(userSearchSQL, p, p, p)
	}
}

// listedColumns are what a list or an export of users shows: not the
// password hash, not the role's permissions, whose decoding per row cost
// more than the rest of the page.
var listedColumns = []string{"users.id", "users.tenant_id", "users.username", "users.email", "users.first_name", "users.last_name",
	"users.role_id", "users.enabled", "users.identity_source", "users.last_login_at", "users.created_at"}

// listedUsers selects listedColumns with the role's name, joined through the
// association so the scoping confines the join as well as the users.
func listedUsers(tx *gorm.DB) *gorm.DB {
	return tx.Model(&User{}).Select(listedColumns).
		Joins("Role", tx.Session(&gorm.Session{NewDB: true}).Select("id", "name"))
}

// usersSQL is the statement of the user list and its export, written out
// rather than built: building it cost more than PostgreSQL took to run it.
// Every tenant table it reads is confined to the context's tenant in the
// statement itself (on SQLite that is the whole confinement; on PostgreSQL
// row-level security confines it as well). {{total}}, {{search}} and
// {{order}} come from code and the sort whitelist, never from the request.
//
// The total rides on every row: without a search it is the tenant's stored
// user count (kept by triggers), so a page of a tenant of 100,000 users reads
// 50 rows, not all of them; with one it is a window count over the matches,
// which must all be found anyway to count them.
const usersSQL = `
SELECT users.id, users.username, users.email, users.first_name, users.last_name, users.role_id, users.enabled,
	users.identity_source, users.last_login_at, users.created_at, roles.name, {{total}}
FROM users
LEFT JOIN roles ON roles.tenant_id = users.tenant_id AND roles.id = users.role_id
WHERE users.tenant_id = ?{{search}}
ORDER BY {{order}}`

// usersSQLParts is usersSQL cut at its blanks, so a request joins strings
// instead of building a replacer.
var usersSQLParts = func() [4]string {
	var p [4]string
	rest := usersSQL
	for i, blank := range []string{"{{total}}", "{{search}}", "{{order}}"} {
		p[i], rest, _ = strings.Cut(rest, blank)
	}
	p[3] = rest
	return p
}()

// usersQuery is usersSQL for tenant and q, with its arguments; page adds
// q's LIMIT and OFFSET.
func usersQuery(tenant uint64, q ListQuery, page bool) (string, []any) {
	total, search, args := "(SELECT tenant_usage.users FROM tenant_usage WHERE tenant_usage.tenant_id = ?)", "", []any{tenant, tenant}
	if q.Search != "" {
		p := likePattern(q.Search)
		total, args = "count(*) OVER ()", []any{tenant, p, p, p}
		search = " AND (" + userSearchSQL + ")"
	}
	order := q.orderBy(userSorts, "users.id")
	if q.Sort == "username" {
		// Usernames are unique per tenant whatever the case: the key alone
		// orders, and the page is read in the order of that unique index.
		order = strings.TrimSuffix(order, ", users.id"+q.dir())
	}
	p := &usersSQLParts
	query := p[0] + total + p[1] + search + p[2] + order + p[3]
	if page {
		query += " LIMIT ? OFFSET ?"
		args = append(args, q.PerPage, q.offset())
	}
	return query, args
}

// eachListedUser runs usersQuery in ctx's tenant and calls fn for each user
// with the list's total.
func (s *Store) eachListedUser(ctx context.Context, q ListQuery, page bool, fn func(u *User, total int64) error) error {
	tenant, ok := TenantFrom(ctx)
	if !ok || tenant == 0 {
		return errors.New("user list: no tenant in context")
	}
	query, args := usersQuery(tenant, q, page)
	return s.db.ReadSQL(ctx, query, args, listedUserRow(tenant, fn))
}

// listedUserRow scans one row of usersQuery for tenant and calls fn with it.
func listedUserRow(tenant uint64, fn func(u *User, total int64) error) func(scan func(dest ...any) error) error {
	var (
		u        User
		roleID   sql.NullInt64
		roleName sql.NullString
		lastAt   sql.NullTime
		total    sql.NullInt64
	)
	return func(scan func(dest ...any) error) error {
		u, roleID, roleName, lastAt = User{TenantID: tenant}, sql.NullInt64{}, sql.NullString{}, sql.NullTime{}
		if err := scan(&u.ID, &u.Username, &u.Email, &u.FirstName, &u.LastName, &roleID, &u.Enabled,
			&u.IdentitySource, &lastAt, &u.CreatedAt, &roleName, &total); err != nil {
			return err
		}
		if roleID.Valid {
			id := uint64(roleID.Int64)
			u.RoleID = &id
			if roleName.Valid {
				u.Role = &Role{ID: id, TenantID: tenant, Name: roleName.String}
			}
		}
		if lastAt.Valid {
			t := lastAt.Time
			u.LastLoginAt = &t
		}
		return fn(&u, total.Int64)
	}
}

// UsersPage is one page of the context tenant's users with their roles and
// the total: one statement (usersQuery), and a count only when the page is
// empty.
func (s *Store) UsersPage(ctx context.Context, q ListQuery) (Page[User], error) {
	q = q.normalize(userSorts)
	page := Page[User]{Query: q, Rows: make([]User, 0, q.PerPage)}
	if _, err := userAdmin(ctx, LevelRead); err != nil {
		return page, err
	}
	var err error
	if read, ok := prefetchedUsers(ctx, q); ok {
		page.Rows, page.Total = read.Rows, read.Total
	} else {
		err = s.eachListedUser(ctx, q, true, func(u *User, total int64) error {
			page.Rows, page.Total = append(page.Rows, *u), total
			return nil
		})
	}
	if err != nil || len(page.Rows) > 0 {
		return page, err
	}
	// An empty page (past the end, or no match) reads no total: count.
	err = s.db.Tx(ctx, func(tx *gorm.DB) error { return tx.Model(&User{}).Scopes(userSearch(q)).Count(&page.Total).Error })
	return page, err
}

// EachUser calls fn for every user of the context tenant matching q, in q's
// order, reading rows as they are needed, so an export of any size holds one
// row in memory at a time. fn's error stops the walk and is returned.
func (s *Store) EachUser(ctx context.Context, q ListQuery, fn func(*User) error) error {
	q = q.normalize(userSorts)
	if _, err := userAdmin(ctx, LevelRead); err != nil {
		return err
	}
	return s.eachListedUser(ctx, q, false, func(u *User, _ int64) error { return fn(u) })
}
