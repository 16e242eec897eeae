package models

import (
	"context"

	"gorm.io/gorm"
)

// TenantSettings are what a tenant's own admins decide.
type TenantSettings struct {
	TenantID           uint64 `gorm:"primaryKey"`
	AllowImpersonation bool
	Version            int
}

// Settings returns the context tenant's settings.
func (s *Store) Settings(ctx context.Context) (*TenantSettings, error) {
	var st TenantSettings
	err := s.tx(ctx, func(tx *gorm.DB) error { return tx.Take(&st).Error })
	return &st, err
}

// SetImpersonationAllowed turns impersonation of the context tenant's users
// on or off, at version. Off ends every running impersonation at once. Not
// while impersonating: the tenant's say is its own admins'.
func (s *Store) SetImpersonationAllowed(ctx context.Context, version int, allowed bool) error {
	if a, ok := ActorFrom(ctx); ok && a.Impersonator != nil {
		return refusal("Only the tenant's own administrators can change this, not an impersonator.")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var st TenantSettings
		if err := tx.Take(&st).Error; err != nil {
			return err
		}
		if st.Version != version {
			// Compared here, as every edit does: a version beyond the column's
			// range is a conflict, not a statement PostgreSQL refuses.
			return ErrConflict
		}
		res := tx.Model(&TenantSettings{}).Where("tenant_id = ? AND version = ?", st.TenantID, version).
			Updates(map[string]any{"allow_impersonation": allowed, "version": gorm.Expr("version + 1")})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrConflict
		}
		if !allowed {
			var open []Impersonation
			if err := tx.Where("ended_at IS NULL AND expires_at > ?", s.now()).Find(&open).Error; err != nil {
				return err
			}
			for i := range open {
				if err := s.endImpersonation(tx, &open[i], "the tenant turned impersonation off"); err != nil {
					return err
				}
			}
		}
		return s.record(tx, st.TenantID, Event{Action: ActionSettingsUpdate, TargetType: "tenant", TargetID: "settings", Outcome: OutcomeSuccess,
			Details: changeDetails(change{"allow_impersonation", st.AllowImpersonation, allowed})})
	})
}
