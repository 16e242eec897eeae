package models

import (
	"context"

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

// listedUsers selects what a list or an export of users shows, with the
// role's name: not the password hash, not the role's permissions, whose
// decoding per row cost more than the rest of the page.
func listedUsers(tx *gorm.DB) *gorm.DB {
	return tx.Model(&User{}).
		Select("users.id", "users.tenant_id", "users.username", "users.email", "users.first_name", "users.last_name",
			"users.role_id", "users.enabled", "users.identity_source", "users.last_login_at", "users.created_at").
		Joins("Role", tx.Session(&gorm.Session{NewDB: true}).Select("id", "name"))
}

// UsersPage is one page of the context tenant's users with their roles:
// two statements (total, rows joined to their role).
func (s *Store) UsersPage(ctx context.Context, q ListQuery) (Page[User], error) {
	q = q.normalize(userSorts)
	page := Page[User]{Query: q}
	if _, err := userAdmin(ctx, LevelRead); err != nil {
		return page, err
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Scopes(userSearch(q)).Count(&page.Total).Error; err != nil {
			return err
		}
		return listedUsers(tx).Scopes(userSearch(q)).
			Order(q.orderBy(userSorts, "users.id")).Limit(q.PerPage).Offset(q.offset()).
			Find(&page.Rows).Error
	})
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
	return s.tx(ctx, func(tx *gorm.DB) error {
		rows, err := listedUsers(tx).Scopes(userSearch(q)).Order(q.orderBy(userSorts, "users.id")).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var u User
			if err := tx.ScanRows(rows, &u); err != nil {
				return err
			}
			if err := fn(&u); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}
