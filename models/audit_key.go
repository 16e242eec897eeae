package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"gorm.io/gorm"

	"landlord/models/tenancy"
)

// ErrAuditKeyMismatch is a store opened with another key than the one the
// database's audit chains are keyed with.
var ErrAuditKeyMismatch = errors.New("audit key: this database's audit chains are keyed with another key; " +
	"give LANDLORD_AUDIT_KEY (or, when it is unset, LANDLORD_SESSION_SECRET or the data dir's session.key, which it is derived from) as the server has it")

// auditKeyFingerprint names the audit key without revealing it.
func (s *Store) auditKeyFingerprint() string {
	m := hmac.New(sha256.New, s.auditKey)
	m.Write([]byte("landlord audit key fingerprint v1"))
	return hex.EncodeToString(m.Sum(nil))
}

// keyAuditChains makes sure the audit chains are keyed with this store's
// key. The first start with a key records its fingerprint and, in the same
// transaction, writes an audit.chain_keyed event into every chain whose head
// is plain-hashed (or that has only events from before the chain), which
// seals the plain events before it: the keyed event's hash covers the link
// to them. A chain that never had an event needs none: its first event will
// be keyed. Later starts only compare the fingerprint, and a process with
// another key refuses to run, rather than write events no verify accepts.
// Keying happens once: a chain found plain later stays plain, and verify
// reports it.
func (s *Store) keyAuditChains(ctx context.Context) error {
	fingerprint := s.auditKeyFingerprint()
	ctx = AcrossTenants(tenancy.WithoutAcross(ctx), "key every tenant's audit chain")
	return s.db.OwnerTx(ctx, func(tx *gorm.DB) error {
		in := tx.WithContext(tenancy.Internal(tx.Statement.Context))
		if s.postgres {
			if err := in.Exec("SELECT pg_advisory_xact_lock(7405321)").Error; err != nil {
				return err
			}
		}
		var recorded []string
		if err := in.Raw("SELECT fingerprint FROM audit_key WHERE id = 1").Scan(&recorded).Error; err != nil {
			return err
		}
		if len(recorded) > 0 {
			if !hmac.Equal([]byte(recorded[0]), []byte(fingerprint)) {
				return ErrAuditKeyMismatch
			}
			return nil
		}
		var chains []AuditChain
		if err := tx.Order("tenant_id").Find(&chains).Error; err != nil {
			return err
		}
		var headIDs []uint64
		for _, c := range chains {
			if c.HeadID != c.StartAfterID {
				headIDs = append(headIDs, c.HeadID)
			}
		}
		heads := map[uint64]*AuditEvent{}
		for len(headIDs) > 0 {
			n := min(len(headIDs), 500)
			var evs []AuditEvent
			if err := tx.Where("id IN ?", headIDs[:n]).Find(&evs).Error; err != nil {
				return err
			}
			for i := range evs {
				heads[evs[i].ID] = &evs[i]
			}
			headIDs = headIDs[n:]
		}
		for _, c := range chains {
			if c.HeadID == 0 && c.StartAfterID == 0 {
				continue // never had an event
			}
			if c.HeadID != c.StartAfterID {
				// A head that is neither plain nor keyed was changed: keying
				// the chain over it would hide that.
				if e := heads[c.HeadID]; e == nil || e.Hash != plainHash(e) {
					continue
				}
			}
			if err := s.record(tx, c.TenantID, Event{Action: ActionChainKeyed, TargetType: "audit", TargetID: "chain", Outcome: OutcomeSuccess,
				Details: jsonDetails(chainStart{c.StartAfterID, c.StartHash})}); err != nil {
				return err
			}
		}
		return in.Exec("INSERT INTO audit_key (id, fingerprint, recorded_at) VALUES (1, ?, ?)", fingerprint, s.now()).Error
	})
}
