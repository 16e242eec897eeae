package models

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"gorm.io/gorm"
)

// UserSession is a signed-in session. The browser holds only its random id;
// the row is what makes it valid, so logging out ends it everywhere it was copied.
type UserSession struct {
	ID             uint64 `gorm:"primaryKey"`
	TenantID       uint64
	UserID         uint64
	TokenHash      string
	SessionVersion int
	CreatedAt      time.Time
	ExpiresAt      time.Time
}

// OpenSession starts a session for u, in u's tenant, lasting ttl, and returns
// its id. The user's expired sessions are cleared on the way.
func (s *Store) OpenSession(ctx context.Context, u *User, ttl time.Duration) (string, error) {
	id := rand.Text() // 128 random bits
	now := s.now()
	err := s.inTenant(ctx, u.TenantID, func(tx *gorm.DB) error {
		if err := tx.Where("user_id = ? AND expires_at < ?", u.ID, now).Delete(&UserSession{}).Error; err != nil {
			return err
		}
		return tx.Create(&UserSession{UserID: u.ID, TokenHash: hashToken(id), SessionVersion: u.SessionVersion, CreatedAt: now, ExpiresAt: now.Add(ttl)}).Error
	})
	return id, err
}

// SessionUser returns the user of session id in the context's tenant, with its
// role. A session that expired, was closed, belongs to another tenant, or whose
// user was disabled or had its sessions ended since, is ErrNotFound.
func (s *Store) SessionUser(ctx context.Context, id string) (*User, error) {
	var u User
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var sess UserSession
		if err := tx.Where("token_hash = ?", hashToken(id)).Take(&sess).Error; err != nil {
			return err
		}
		if !s.now().Before(sess.ExpiresAt) {
			return gorm.ErrRecordNotFound
		}
		if err := tx.Preload("Role").Where("id = ? AND enabled AND session_version = ?", sess.UserID, sess.SessionVersion).Take(&u).Error; err != nil {
			return err
		}
		return nil
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &u, err
}

// CloseSession ends session id in the context's tenant.
func (s *Store) CloseSession(ctx context.Context, id string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		return tx.Where("token_hash = ?", hashToken(id)).Delete(&UserSession{}).Error
	})
}
