package models

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"gorm.io/gorm"
)

// HandoffTTL is how long a login handoff token stays valid.
const HandoffTTL = 60 * time.Second

// LoginHandoff carries a login made on the base domain (as subdomain\username)
// over to the tenant's own host, once. Only the token's hash is stored.
type LoginHandoff struct {
	ID        uint64 `gorm:"primaryKey"`
	TenantID  uint64
	UserID    uint64
	TokenHash string
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
	// ImpersonationID makes the session it opens an impersonation.
	ImpersonationID *uint64
}

// IssueHandoff creates a one-time token for user u in u's tenant.
func (s *Store) IssueHandoff(ctx context.Context, u *User) (string, error) {
	token := rand.Text() // 128 random bits
	now := s.now()
	err := s.db.InTenant(ctx, u.TenantID, func(tx *gorm.DB) error {
		return tx.Create(&LoginHandoff{UserID: u.ID, TokenHash: hashToken(token), ExpiresAt: now.Add(HandoffTTL), CreatedAt: now}).Error
	})
	return token, err
}

// RedeemHandoff spends a token in the context's tenant and returns its user.
// A token of another tenant, an expired or a used one is ErrInvalidCredentials.
func (s *Store) RedeemHandoff(ctx context.Context, token string) (*User, error) {
	var u *User
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var h LoginHandoff
		now := s.now()
		if err := liveToken(tx, &h, token, now); err != nil {
			return err
		}
		// The used_at condition makes a second, concurrent redemption match nothing.
		res := tx.Model(&LoginHandoff{}).Where("id = ? AND used_at IS NULL", h.ID).UpdateColumn("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrInvalidCredentials
		}
		var err error
		if u, err = tokenUser(tx, h.UserID); err != nil || h.ImpersonationID == nil {
			return err
		}
		var imp Impersonation
		if err := tx.Where("id = ? AND ended_at IS NULL AND expires_at > ?", *h.ImpersonationID, now).Take(&imp).Error; err != nil {
			return err
		}
		u.Impersonation = &imp
		return nil
	})
	if errors.Is(err, gorm.ErrRecordNotFound) || errors.Is(err, ErrInvalidCredentials) {
		return nil, ErrInvalidCredentials
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}
