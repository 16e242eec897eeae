package models

import (
	"context"
	"strings"

	"gorm.io/gorm"
)

// NewRole is what creating a user role needs.
type NewRole struct {
	Name        string
	Description string
	Permissions Permissions
}

// CreateRole adds a user role to the context's tenant.
func (s *Store) CreateRole(ctx context.Context, n NewRole) (*Role, error) {
	n.Name, n.Description = strings.TrimSpace(n.Name), strings.TrimSpace(n.Description)
	f := fieldErrors{}
	f.text("name", n.Name, "Enter a name.", 100)
	f.text("description", n.Description, "", 2000)
	if err := f.err(); err != nil {
		return nil, err
	}
	now := s.now()
	r := &Role{Name: n.Name, Description: n.Description, Permissions: n.Permissions, Version: 1, CreatedAt: now, UpdatedAt: now}
	if r.Permissions == nil {
		r.Permissions = Permissions{}
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(r).Error; err != nil {
			if isUniqueViolation(err) {
				return &ValidationError{Fields: map[string]string{"name": "A role with this name exists."}}
			}
			return err
		}
		return s.record(tx, r.TenantID, Event{Action: ActionRoleCreate, TargetType: "role", TargetID: r.Name, Outcome: OutcomeSuccess})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}
