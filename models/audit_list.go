package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
)

// AuditFilter narrows a tenant's audit log. Every filter has an index behind
// it (migration 12), each led by the tenant and ending in the event id, so a
// page is a short index range scan however many events the log holds.
type AuditFilter struct {
	Actor      string // the actor's name as recorded
	Action     string
	TargetType string
	TargetID   string
	Outcome    string
	From, To   *time.Time // To is exclusive
	Before     uint64     // keyset: only events older than this id
}

// AuditPageSize is how many events a page of the log shows.
const AuditPageSize = 50

func (f AuditFilter) normalize() AuditFilter {
	clean := func(s string, n int) string { return truncate(strings.TrimSpace(s), n) }
	f.Actor, f.Action, f.TargetType, f.TargetID = clean(f.Actor, 200), clean(f.Action, 100), clean(f.TargetType, 50), clean(f.TargetID, 200)
	if f.Outcome != OutcomeSuccess && f.Outcome != OutcomeFailure {
		f.Outcome = ""
	}
	return f
}

func (f AuditFilter) apply(db *gorm.DB) *gorm.DB {
	if f.Actor != "" {
		// Exact, not lower(): under row-level security only leakproof
		// operators may use an index, and lower() is not one.
		db = db.Where("actor_name = ?", f.Actor)
	}
	if f.Action != "" {
		db = db.Where("action = ?", f.Action)
	}
	if f.TargetType != "" {
		db = db.Where("target_type = ?", f.TargetType)
	}
	if f.TargetID != "" {
		db = db.Where("target_id = ?", f.TargetID)
	}
	if f.Outcome != "" {
		db = db.Where("outcome = ?", f.Outcome)
	}
	if f.From != nil {
		db = db.Where("occurred_at >= ?", f.From.UTC())
	}
	if f.To != nil {
		db = db.Where("occurred_at < ?", f.To.UTC())
	}
	return db
}

// AuditPage is the context tenant's events matching f, newest first, one page
// from f.Before; older is the Before of the next page (0 when there is none).
func (s *Store) AuditPage(ctx context.Context, f AuditFilter) (events []AuditEvent, older uint64, err error) {
	return s.auditBatch(ctx, f.normalize(), AuditPageSize)
}

func (s *Store) auditBatch(ctx context.Context, f AuditFilter, size int) (events []AuditEvent, older uint64, err error) {
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		q := f.apply(tx.Model(&AuditEvent{}))
		if f.Before > 0 {
			q = q.Where("id < ?", f.Before)
		}
		return q.Order("id DESC").Limit(size + 1).Find(&events).Error
	})
	if len(events) > size {
		events = events[:size]
		older = events[size-1].ID
	}
	return events, older, err
}

// EachAuditEvent calls fn for every event of the context tenant matching f,
// newest first, reading a keyset batch at a time: memory stays flat and no
// statement holds a cursor open across the whole export.
func (s *Store) EachAuditEvent(ctx context.Context, f AuditFilter, fn func(*AuditEvent) error) error {
	f = f.normalize()
	for {
		batch, older, err := s.auditBatch(ctx, f, 1000)
		if err != nil {
			return err
		}
		for i := range batch {
			if err := fn(&batch[i]); err != nil {
				return err
			}
		}
		if older == 0 {
			return nil
		}
		f.Before = older
	}
}

// AuditEventByID returns one event of the context tenant.
func (s *Store) AuditEventByID(ctx context.Context, id uint64) (*AuditEvent, error) {
	var e AuditEvent
	err := s.db.Tx(ctx, func(tx *gorm.DB) error { return tx.Where("id = ?", id).Take(&e).Error })
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &e, err
}
