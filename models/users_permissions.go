package models

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// UserRights returns a user of the context tenant with their role, the
// tenant role capping it (nil in the master tenant), and their rights feature
// by feature: what the role grants, the cap, and the lower of the two.
func (s *Store) UserRights(ctx context.Context, userID uint64) (*User, *TenantRole, []Right, error) {
	if _, err := userAdmin(ctx, LevelRead); err != nil {
		return nil, nil, nil, err
	}
	var u User
	err := s.tx(ctx, func(tx *gorm.DB) error { return tx.Preload("Role").Where("id = ?", userID).Take(&u).Error })
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, nil, err
	}
	var t Tenant
	if err := s.db.WithContext(ctx).Where("id = ?", u.TenantID).Take(&t).Error; err != nil {
		return nil, nil, nil, err
	}
	var tr *TenantRole
	u.Capped, u.Cap = !t.IsMaster, Permissions{}
	if u.Capped && t.TenantRoleID != nil {
		if tr, err = s.TenantRole(ctx, *t.TenantRoleID); err != nil {
			return nil, nil, nil, err
		}
		u.Cap = tr.Permissions
	}
	role := Permissions{}
	if u.Role != nil {
		role = u.Role.Permissions
	}
	return &u, tr, Rights(role, u.Cap, u.Capped), nil
}
