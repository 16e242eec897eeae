package models

import (
	"context"
	"errors"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// TenantDetails is one tenant as the master's tenant page shows it.
type TenantDetails struct {
	Tenant
	TenantRole string // "" for the master
	Users      int64
	Resources  int64
	// FirstUsers are the tenant's first users by username, with their roles.
	FirstUsers []User
}

// TenantDetails returns the tenant with this subdomain, its usage and its
// first users (at most firstUsers). Master-tenant users with tenants: read.
func (s *Store) TenantDetails(ctx context.Context, subdomain string, firstUsers int) (*TenantDetails, error) {
	if err := requireMaster(ctx, FeatureTenants, LevelRead); err != nil {
		return nil, err
	}
	t, err := s.TenantBySubdomain(ctx, subdomain)
	if err != nil {
		return nil, err
	}
	d := &TenantDetails{Tenant: *t}
	err = s.tx(AcrossTenants(ctx, "the master's page of one tenant"), func(tx *gorm.DB) error {
		if t.TenantRoleID != nil {
			var tr TenantRole
			if err := tx.Where("id = ?", *t.TenantRoleID).Take(&tr).Error; err == nil {
				d.TenantRole = tr.Name
			} else if !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
		}
		var usage TenantUsage
		if err := tx.Where("tenant_id = ?", t.ID).Take(&usage).Error; err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		d.Users, d.Resources = usage.Users, usage.Resources
		return listedUsers(tx).Where("users.tenant_id = ?", t.ID).
			Order("lower(users.username), users.id").Limit(firstUsers).Find(&d.FirstUsers).Error
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// TenantDeletion is what deleting a tenant removes with it.
type TenantDeletion struct {
	Users       int64 `json:"users"`
	Roles       int64 `json:"roles"`
	Resources   int64 `json:"resources"`
	AuditEvents int64 `json:"audit_events"`
	Sessions    int64 `json:"sessions"`
}

func errMasterUndeletable() error {
	return &ValidationError{Fields: map[string]string{"confirm": "The master tenant cannot be deleted."}}
}

func (s *Store) countTenantRows(tx *gorm.DB, tenantID uint64) (TenantDeletion, error) {
	var d TenantDeletion
	for _, c := range []struct {
		model any
		n     *int64
	}{{&User{}, &d.Users}, {&Role{}, &d.Roles}, {&Resource{}, &d.Resources}, {&AuditEvent{}, &d.AuditEvents}, {&UserSession{}, &d.Sessions}} {
		if err := tx.Model(c.model).Where("tenant_id = ?", tenantID).Count(c.n).Error; err != nil {
			return d, err
		}
	}
	return d, nil
}

// TenantDeletionPreview is the tenant with this subdomain and what deleting
// it would remove. Master-tenant users with tenants: full.
func (s *Store) TenantDeletionPreview(ctx context.Context, subdomain string) (*Tenant, TenantDeletion, error) {
	if err := requireMaster(ctx, FeatureTenants, LevelFull); err != nil {
		return nil, TenantDeletion{}, err
	}
	t, err := s.TenantBySubdomain(ctx, subdomain)
	if err != nil {
		return nil, TenantDeletion{}, err
	}
	var d TenantDeletion
	err = s.tx(AcrossTenants(ctx, "count what deleting a tenant removes"), func(tx *gorm.DB) error {
		d, err = s.countTenantRows(tx, t.ID)
		return err
	})
	return t, d, err
}

// DeleteTenant deletes a subtenant and every row it owns, in one transaction:
// the tenants row goes, and its users, roles, resources, sessions, handoffs,
// audit log and counters follow by their foreign keys. The master's log
// records it with the counts. The master tenant cannot be deleted.
func (s *Store) DeleteTenant(ctx context.Context, subdomain string) (TenantDeletion, error) {
	master, err := s.masterActing(ctx, FeatureTenants, LevelFull)
	if err != nil {
		return TenantDeletion{}, err
	}
	var d TenantDeletion
	err = s.tx(AcrossTenants(ctx, "delete a tenant and everything it owns"), func(tx *gorm.DB) error {
		var t Tenant
		q := tx
		if s.postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"}) // no new rows for it while counting
		}
		if err := q.Where("subdomain = ?", strings.ToLower(subdomain)).Take(&t).Error; err != nil {
			return err
		}
		if t.IsMaster {
			return errMasterUndeletable()
		}
		if d, err = s.countTenantRows(tx, t.ID); err != nil {
			return err
		}
		res := tx.Where("id = ? AND NOT is_master", t.ID).Delete(&Tenant{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrNotFound
		}
		details := map[string]any{"name": t.Name, "removed": d}
		return s.record(tx, master.ID, Event{Action: ActionTenantDelete, TargetType: "tenant", TargetID: t.Subdomain, Outcome: OutcomeSuccess,
			Details: jsonDetails(details)})
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return TenantDeletion{}, ErrNotFound
	}
	if err != nil {
		return TenantDeletion{}, err
	}
	return d, nil
}
