package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ArchiveHeader is the first line of an archive file: whose events it holds,
// up to which id, the hash the first of them links to, and the chain head it
// ends on, which the tenant's log now starts from.
type ArchiveHeader struct {
	Tenant       string    `json:"tenant"`
	Before       time.Time `json:"before"`
	Events       int64     `json:"events"`
	ThroughID    uint64    `json:"through_id"`
	StartsAfter  string    `json:"starts_after_hash"`
	EndsOnHash   string    `json:"chain_head"`
	ArchivedAt   time.Time `json:"archived_at"`
	ChainStartID uint64    `json:"chain_start_id"`
}

// ArchiveAudit writes tenant subdomain's events from before the given time
// to w as JSON lines (the header, then the events oldest first), then removes
// them and moves the start of the tenant's chain to the last one, in one
// transaction: if writing fails nothing is removed, and Verify holds after.
// Only the command line may archive: request traffic cannot remove events.
func (s *Store) ArchiveAudit(ctx context.Context, subdomain string, before time.Time, w io.Writer) (ArchiveHeader, error) {
	h := ArchiveHeader{Tenant: subdomain, Before: before.UTC(), ArchivedAt: s.now()}
	if a, ok := ActorFrom(ctx); !ok || !a.System {
		return h, fmt.Errorf("%w: only the command line archives audit events", ErrForbidden)
	}
	t, err := s.TenantBySubdomain(ctx, subdomain)
	if err != nil {
		return h, fmt.Errorf("tenant %q: %w", subdomain, err)
	}
	err = s.ownerTx(ctx, t.ID, func(tx *gorm.DB) error {
		var head AuditChain
		lock := tx.Where("tenant_id = ?", t.ID)
		if s.postgres {
			lock = lock.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		if err := lock.Take(&head).Error; err != nil {
			return err
		}
		var last AuditEvent
		err := tx.Where("tenant_id = ? AND occurred_at < ?", t.ID, h.Before).Order("id DESC").Limit(1).Take(&last).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil // nothing that old
		}
		if err != nil {
			return err
		}
		h.ThroughID, h.StartsAfter, h.EndsOnHash, h.ChainStartID = last.ID, head.StartHash, head.StartHash, head.StartAfterID
		if last.ID > head.StartAfterID {
			h.EndsOnHash = last.Hash
		}
		if err := tx.Model(&AuditEvent{}).Where("tenant_id = ? AND id <= ?", t.ID, last.ID).Count(&h.Events).Error; err != nil {
			return err
		}
		enc := json.NewEncoder(w)
		if err := enc.Encode(h); err != nil {
			return err
		}
		for after := uint64(0); ; {
			var batch []AuditEvent
			if err := tx.Where("tenant_id = ? AND id > ? AND id <= ?", t.ID, after, last.ID).Order("id").Limit(1000).Find(&batch).Error; err != nil {
				return err
			}
			for i := range batch {
				if err := enc.Encode(&batch[i]); err != nil {
					return err
				}
			}
			if len(batch) < 1000 {
				break
			}
			after = batch[len(batch)-1].ID
		}
		if f, ok := w.(interface{ Sync() error }); ok {
			if err := f.Sync(); err != nil {
				return err
			}
		}
		if err := tx.Where("tenant_id = ? AND id <= ?", t.ID, last.ID).Delete(&AuditEvent{}).Error; err != nil {
			return err
		}
		if last.ID > head.StartAfterID {
			if err := tx.Model(&AuditChain{}).Where("tenant_id = ?", t.ID).
				Updates(map[string]any{"start_after_id": last.ID, "start_hash": last.Hash}).Error; err != nil {
				return err
			}
		}
		// The event records where the chain now starts: verify holds the
		// start to the latest such record, so a start moved without an
		// archive (events cut from the front) shows.
		start := max(last.ID, head.StartAfterID)
		return s.record(tx, t.ID, Event{Action: ActionAuditArchive, TargetType: "audit", TargetID: fmt.Sprintf("through %d", last.ID), Outcome: OutcomeSuccess,
			Details: jsonDetails(map[string]any{"events": h.Events, "before": h.Before.Format(time.RFC3339), "chain_head": h.EndsOnHash,
				"start_after_id": start, "start_hash": h.EndsOnHash})})
	})
	return h, err
}

// ownerTx runs fn in a transaction of the database URL's own role (which may
// remove audit events; request traffic may not), confined to tenant.
func (s *Store) ownerTx(ctx context.Context, tenant uint64, fn func(tx *gorm.DB) error) error {
	owner, err := s.ownerDB()
	if err != nil {
		return err
	}
	ctx = context.WithValue(WithTenant(withoutAcross(ctx), tenant), scopedTxKey{}, true)
	return owner.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.postgres {
			if err := tx.WithContext(internalSQL(ctx)).Exec("SELECT landlord_enter(?, ?, ?)", int64(tenant), false, s.enterProof(tenant, false)).Error; err != nil {
				return err
			}
		}
		return fn(tx)
	})
}
