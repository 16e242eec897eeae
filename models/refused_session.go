package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// A genuine session of one tenant presented on another tenant's host is
// refused and recorded in the host tenant's log. Anyone signed in anywhere can
// present one, as often as they like, and the log is append-only and chained,
// so what an outsider can write into a tenant is bounded:
//
//   - one event per refused session and host tenant per minute; the refusals
//     that follow within the minute only move a counter, and the session's
//     next event (in a later minute) tells how many there were;
//   - at most RefusedEventsPerMinute such events per tenant per minute; past
//     it a session gets no event and no row, only the tenant's counter moves;
//   - a session's row is kept for the minute after its event; an older one
//     is removed when the tenant's minute moves on, its untold count added to
//     the tenant's; the tenant's untold count is then told by one event.
//
// So a tenant holds at most 2×RefusedEventsPerMinute+1 rows in
// refused_sessions and gets at most RefusedEventsPerMinute+1 refusal events a
// minute, however many sessions an outsider mints. Every count is kept in the
// database, so every server process on it shares them.

// RefusedEventsPerMinute is how many refused sessions a tenant's log records
// one by one in a minute.
const RefusedEventsPerMinute = 10

// RefusedSession is the count kept for one refused session (SessionHash, a
// hash of its id) on a tenant's host: the minute of its last event and the
// refusals since that no event has told. The tenant's own row (SessionHash
// "") holds the tenant's current minute, the events written in it, and the
// refusals told by no session's event (over the limit, or forgotten).
type RefusedSession struct {
	TenantID    uint64 `gorm:"primaryKey"`
	SessionHash string `gorm:"primaryKey"`
	Minute      int64
	Events      int
	Repeats     int
}

// lockRefusalsSQL creates the tenant's row if it has none and returns it.
// The upsert writes the row even when it exists, so it holds the row's lock
// (on SQLite, the database's write lock) until the transaction ends: what
// follows is decided for one refusal of the tenant at a time, in any process.
const lockRefusalsSQL = `
INSERT INTO refused_sessions (tenant_id, session_hash, minute, events, repeats) VALUES (?, '', ?, 0, 0)
ON CONFLICT (tenant_id, session_hash) DO UPDATE SET events = refused_sessions.events
RETURNING minute, events, repeats`

// refusalDetails is a session.refused event's details.
type refusalDetails struct {
	About string `json:"about"`
	// Repeats is how often the session was refused here after its previous
	// event (since RepeatsSince, that event's minute), told by no event before.
	Repeats      int    `json:"repeats"`
	RepeatsSince string `json:"repeats_since,omitempty"`
	// Refusals is, in the tenant's summary event, the refusals no session's
	// event tells.
	Refusals int `json:"refusals,omitempty"`
}

// Targets of the refusal events.
const (
	refusedSummaryTarget = "not recorded one by one"
	refusedAbout         = "a session of another tenant was presented on this tenant's host"
	refusedSummaryAbout  = "refusals of other tenants' sessions not recorded one by one: sessions past the limit of events a minute, and repeats of sessions not seen again"
)

// RecordRefusedSession counts, in tenant's log, that sessionID, a session
// opened for another tenant (from), was presented on tenant's host: a cookie
// carried there by hand, an impersonation's included. It writes an event
// only as the limits above allow.
func (s *Store) RecordRefusedSession(ctx context.Context, tenant, from uint64, sessionID string) error {
	minute := s.now().Unix() / 60
	hash := hashToken("refused session:" + sessionID)
	return s.inTenant(ctx, tenant, func(tx *gorm.DB) error {
		// A session already recorded this minute: its count moves, nothing else.
		res := tx.Model(&RefusedSession{}).Where("session_hash = ? AND minute >= ?", hash, minute).
			Update("repeats", gorm.Expr("repeats + 1"))
		if res.Error != nil || res.RowsAffected > 0 {
			return res.Error
		}
		var t RefusedSession
		if err := tx.WithContext(internalSQL(tx.Statement.Context)).Raw(lockRefusalsSQL, tenant, minute).Scan(&t).Error; err != nil {
			return err
		}
		// Another process's clock may be a little ahead: its minute stands.
		minute = max(minute, t.Minute)
		if t.Minute < minute {
			if err := s.turnRefusalMinute(tx, tenant, &t, minute); err != nil {
				return err
			}
		}
		var row RefusedSession
		err := tx.Where("session_hash = ?", hash).Take(&row).Error
		found := err == nil
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		err = nil
		switch {
		case found && row.Minute >= minute:
			// Recorded this minute by a refusal that got here first.
			err = tx.Model(&RefusedSession{}).Where("session_hash = ?", hash).Update("repeats", gorm.Expr("repeats + 1")).Error
		case t.Events >= RefusedEventsPerMinute:
			// Past the limit, a session already known too: its row is older
			// than this minute, so it is forgotten before it could have
			// another event, and its count would end in the tenant's anyway.
			t.Repeats++
		default:
			t.Events++
			d := refusalDetails{About: refusedAbout}
			if found {
				d.Repeats, d.RepeatsSince = row.Repeats, time.Unix(row.Minute*60, 0).UTC().Format(time.RFC3339)
			}
			if err = s.recordRefusal(tx, tenant, fmt.Sprintf("of tenant %d", from), d); err != nil {
				return err
			}
			if found {
				err = tx.Model(&RefusedSession{}).Where("session_hash = ?", hash).Updates(map[string]any{"minute": minute, "repeats": 0}).Error
			} else {
				err = tx.Create(&RefusedSession{TenantID: tenant, SessionHash: hash, Minute: minute}).Error
			}
		}
		if err != nil {
			return err
		}
		return tx.Model(&RefusedSession{}).Where("session_hash = ''").
			Updates(map[string]any{"minute": t.Minute, "events": t.Events, "repeats": t.Repeats}).Error
	})
}

// turnRefusalMinute moves the tenant's count t on to minute: sessions whose
// last event is older than the minute before are forgotten, their untold
// refusals added to the tenant's, and the tenant's untold refusals are told
// by one event.
func (s *Store) turnRefusalMinute(tx *gorm.DB, tenant uint64, t *RefusedSession, minute int64) error {
	stale := func() *gorm.DB { return tx.Where("session_hash <> '' AND minute < ?", minute-1) }
	var untold int
	if err := stale().Model(&RefusedSession{}).Select("coalesce(sum(repeats), 0)").Scan(&untold).Error; err != nil {
		return err
	}
	if err := stale().Delete(&RefusedSession{}).Error; err != nil {
		return err
	}
	t.Repeats += untold
	if t.Repeats > 0 {
		if err := s.recordRefusal(tx, tenant, refusedSummaryTarget, refusalDetails{About: refusedSummaryAbout, Refusals: t.Repeats}); err != nil {
			return err
		}
	}
	t.Minute, t.Events, t.Repeats = minute, 0, 0
	return nil
}

func (s *Store) recordRefusal(tx *gorm.DB, tenant uint64, target string, d refusalDetails) error {
	return s.record(tx, tenant, Event{ActorName: "unknown", Action: ActionSessionRefused, TargetType: "session",
		TargetID: target, Outcome: OutcomeFailure, Details: jsonDetails(d)})
}
