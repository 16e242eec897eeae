package models

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"gorm.io/gorm"
)

// Secret tokens (sessions, login handoffs, and API tokens to come) are stored
// only as hashes, so a read of their tables yields nothing usable, and expire.

// hashToken is what is stored of a secret token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// liveToken loads into dest (a session, handoff or API token row) the row of
// tx's tenant whose hash matches token and that has not expired at now. The
// per-request session check does the same inside its one statement.
func liveToken(tx *gorm.DB, dest any, token string, now time.Time) error {
	return tx.Where("token_hash = ? AND expires_at > ?", hashToken(token), now).Take(dest).Error
}

// tokenUser loads the enabled user a token belongs to, with the user's role.
func tokenUser(tx *gorm.DB, userID uint64) (*User, error) {
	var u User
	if err := tx.Preload("Role").Where("id = ? AND enabled", userID).Take(&u).Error; err != nil {
		return nil, err
	}
	return &u, nil
}
