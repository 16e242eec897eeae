package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Outcomes of an audited action.
const (
	OutcomeSuccess = "success"
	OutcomeFailure = "failure"
)

// AuditEvent records who did what, when, from where, and how it went.
type AuditEvent struct {
	ID          uint64 `gorm:"primaryKey"`
	TenantID    uint64
	OccurredAt  time.Time
	ActorUserID *uint64
	ActorName   string
	Action      string
	TargetType  string
	TargetID    string
	Outcome     string
	IP          string
	UserAgent   string
	Details     string
}

// Event is what a domain operation says about itself; the rest comes from context.
type Event struct {
	ActorUserID *uint64
	ActorName   string
	Action      string
	TargetType  string
	TargetID    string
	Outcome     string
	Details     string
}

// Client is where a request came from, for the audit log.
type Client struct {
	IP        string
	UserAgent string
}

// Actor is who is acting, for the audit log.
type Actor struct {
	UserID uint64
	Name   string
}

type (
	clientKey struct{}
	actorKey  struct{}
)

// WithClient records the request's origin in ctx.
func WithClient(ctx context.Context, c Client) context.Context {
	return context.WithValue(ctx, clientKey{}, c)
}

// WithActor records the signed-in user in ctx.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// record writes an audit event into tenantID's log, inside tx so it commits or
// rolls back with the change it describes.
func (s *Store) record(tx *gorm.DB, tenantID uint64, e Event) error {
	ctx := tx.Statement.Context
	client, _ := ctx.Value(clientKey{}).(Client)
	if e.ActorName == "" {
		if a, ok := ctx.Value(actorKey{}).(Actor); ok {
			id := a.UserID
			e.ActorUserID, e.ActorName = &id, a.Name
		}
	}
	if e.ActorName == "" {
		e.ActorName = "system"
	}
	return tx.Create(&AuditEvent{
		TenantID: tenantID, OccurredAt: s.now(),
		ActorUserID: e.ActorUserID, ActorName: e.ActorName,
		Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID, Outcome: e.Outcome,
		IP: client.IP, UserAgent: truncate(client.UserAgent, 512), Details: e.Details,
	}).Error
}

// AuditEvents returns the newest events of the context's tenant, newest first.
func (s *Store) AuditEvents(ctx context.Context, limit int) ([]AuditEvent, error) {
	var evs []AuditEvent
	err := s.tx(ctx, func(tx *gorm.DB) error {
		return tx.Order("id DESC").Limit(limit).Find(&evs).Error
	})
	return evs, err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
