package models

import (
	"context"
	"database/sql"
	"fmt"

	"gorm.io/gorm"
)

var userSorts = sortColumns{def: "username", columns: map[string]string{
	"username":   "lower(users.username)",
	"name":       "lower(users.last_name || ' ' || users.first_name)",
	"email":      "lower(users.email)",
	"status":     "users.enabled",
	"last_login": "users.last_login_at",
}}

func userSearch(q ListQuery) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		if q.Search == "" {
			return db
		}
		p := likePattern(q.Search)
		return db.Where(`lower(users.username) LIKE ? ESCAPE '\' OR lower(users.email) LIKE ? ESCAPE '\' OR lower(users.first_name || ' ' || users.last_name) LIKE ? ESCAPE '\'`, p, p, p)
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

// userListRow is the users table as a page of the list reads it: a user with
// the role and the tenant's stored counters, both joined through associations
// so the scoping confines them like the users. Only its statement is built
// from it; the rows are scanned by hand.
type userListRow struct {
	ID       uint64 `gorm:"primaryKey"`
	TenantID uint64
	RoleID   *uint64
	Role     *Role        `gorm:"foreignKey:RoleID"`
	Usage    *TenantUsage `gorm:"foreignKey:TenantID;references:TenantID"`
}

func (userListRow) TableName() string { return "users" }

// pagedUsers is one page of the list with its total in the same statement.
// Without a search the total is the tenant's stored user count (kept by
// triggers): a page of a tenant of 100,000 users reads 50 rows, not all of
// them. With one it is a window count over the matches, which must all be
// found anyway to count them: one pass instead of a count and a page, at
// the price of holding the matches until the page is cut (about a
// microsecond each, felt only by a search matching most of a very large
// tenant).
func pagedUsers(tx *gorm.DB, q ListQuery) *gorm.DB {
	db := tx.Model(&userListRow{}).Joins("Role", tx.Session(&gorm.Session{NewDB: true}).Select("id", "name"))
	if q.Search == "" {
		db = db.Select(listedColumns).Joins("Usage", tx.Session(&gorm.Session{NewDB: true}).Select("users"))
	} else {
		db = db.Select(append(append([]string(nil), listedColumns...), "count(*) OVER () AS total"))
	}
	return db.Scopes(userSearch(q)).Order(q.orderBy(userSorts, "users.id")).Limit(q.PerPage).Offset(q.offset())
}

// userScanner reads the list's rows by hand: GORM's reflective scan cost
// more than the statement's round trip. It finds each column by the name
// GORM gave it once per statement, not per row.
type userScanner struct {
	u        User
	userRole sql.NullInt64 // users.role_id
	roleID   sql.NullInt64 // the joined role's id: null when there is none
	roleName sql.NullString
	lastAt   sql.NullTime
	total    sql.NullInt64 // the list's total, when the statement has it
	dest     []any
}

func newUserScanner(cols []string) (*userScanner, error) {
	sc := &userScanner{}
	byName := map[string]any{
		"id": &sc.u.ID, "tenant_id": &sc.u.TenantID, "username": &sc.u.Username, "email": &sc.u.Email,
		"first_name": &sc.u.FirstName, "last_name": &sc.u.LastName, "role_id": &sc.userRole, "enabled": &sc.u.Enabled,
		"identity_source": &sc.u.IdentitySource, "last_login_at": &sc.lastAt, "created_at": &sc.u.CreatedAt,
		"Role__id": &sc.roleID, "Role__name": &sc.roleName, "Usage__users": &sc.total, "total": &sc.total,
	}
	for _, c := range cols {
		d, ok := byName[c]
		if !ok {
			return nil, fmt.Errorf("user list: unexpected column %q", c)
		}
		sc.dest = append(sc.dest, d)
	}
	return sc, nil
}

// scan reads the current row into a new User, with its Role (id and name)
// when it has one.
func (sc *userScanner) scan(scan func(dest ...any) error) (User, error) {
	sc.u, sc.userRole, sc.roleID, sc.roleName, sc.lastAt, sc.total = User{}, sql.NullInt64{}, sql.NullInt64{}, sql.NullString{}, sql.NullTime{}, sql.NullInt64{}
	if err := scan(sc.dest...); err != nil {
		return User{}, err
	}
	u := sc.u
	if sc.userRole.Valid {
		id := uint64(sc.userRole.Int64)
		u.RoleID = &id
	}
	if sc.roleID.Valid {
		u.Role = &Role{ID: uint64(sc.roleID.Int64), TenantID: u.TenantID, Name: sc.roleName.String}
	}
	if sc.lastAt.Valid {
		t := sc.lastAt.Time
		u.LastLoginAt = &t
	}
	return u, nil
}

// eachListedUser runs the listing query build makes, confined to ctx's
// tenant, and calls fn for each user, scanned by hand, with the list's
// total if the statement reads it.
func (s *Store) eachListedUser(ctx context.Context, build func(tx *gorm.DB) *gorm.DB, fn func(u *User, total sql.NullInt64) error) error {
	var sc *userScanner
	return s.readRows(ctx, build, func(cols []string, scan func(dest ...any) error) error {
		if sc == nil {
			var err error
			if sc, err = newUserScanner(cols); err != nil {
				return err
			}
		}
		u, err := sc.scan(scan)
		if err != nil {
			return err
		}
		return fn(&u, sc.total)
	})
}

// UsersPage is one page of the context tenant's users with their roles and
// the total: one statement (pagedUsers), scanned by hand, and a count only
// when the page is empty.
func (s *Store) UsersPage(ctx context.Context, q ListQuery) (Page[User], error) {
	q = q.normalize(userSorts)
	page := Page[User]{Query: q, Rows: make([]User, 0, q.PerPage)}
	if _, err := userAdmin(ctx, LevelRead); err != nil {
		return page, err
	}
	var total sql.NullInt64
	err := s.eachListedUser(ctx, func(tx *gorm.DB) *gorm.DB { return pagedUsers(tx, q) }, func(u *User, t sql.NullInt64) error {
		page.Rows, total = append(page.Rows, *u), t
		return nil
	})
	if err != nil || total.Valid {
		page.Total = total.Int64
		return page, err
	}
	// An empty page (past the end, or no match) reads no total: count.
	err = s.tx(ctx, func(tx *gorm.DB) error { return tx.Model(&User{}).Scopes(userSearch(q)).Count(&page.Total).Error })
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
	return s.eachListedUser(ctx, func(tx *gorm.DB) *gorm.DB {
		return listedUsers(tx).Scopes(userSearch(q)).Order(q.orderBy(userSorts, "users.id"))
	}, func(u *User, _ sql.NullInt64) error { return fn(u) })
}
