package models

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Audit actions: what an event says happened.
const (
	ActionLogin             = "login"
	ActionLoginFailed       = "login.failed"
	ActionLogout            = "logout"
	ActionTenantCreate      = "tenant.create"
	ActionTenantUpdate      = "tenant.update"
	ActionTenantEnable      = "tenant.enable"
	ActionTenantDisable     = "tenant.disable"
	ActionUserCreate        = "user.create"
	ActionUserEnable        = "user.enable"
	ActionUserDisable       = "user.disable"
	ActionUserPasswordReset = "user.password_reset"
	ActionRoleCreate        = "role.create"
	ActionRoleUpdate        = "role.update"
	ActionRoleDelete        = "role.delete"
	ActionTemplatePropagate = "role.template_propagate"
	ActionTenantRoleCreate  = "tenant_role.create"
	ActionTenantRoleUpdate  = "tenant_role.update"
	ActionTenantRoleDelete  = "tenant_role.delete"
	ActionTenantDelete      = "tenant.delete"
	ActionUserUpdate        = "user.update"
	ActionUserDelete        = "user.delete"
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

type clientKey struct{}

// WithClient records the request's origin in ctx.
func WithClient(ctx context.Context, c Client) context.Context {
	return context.WithValue(ctx, clientKey{}, c)
}

// record writes an audit event into tenantID's log, inside tx so it commits or
// rolls back with the change it describes.
func (s *Store) record(tx *gorm.DB, tenantID uint64, e Event) error {
	ctx := tx.Statement.Context
	client, _ := ctx.Value(clientKey{}).(Client)
	if a, ok := ActorFrom(ctx); ok && e.ActorName == "" {
		e.ActorName = a.Name
		if !a.System {
			id := a.UserID
			e.ActorUserID = &id
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

// truncate keeps at most n bytes of s as storable text: valid UTF-8, no NUL
// (which PostgreSQL refuses), not cut inside a character.
func truncate(s string, n int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// change is one field's before and after, for an event's details.
type change struct {
	Field         string
	Before, After any
}

// permissionChanges lists the features whose level differs, as changes of
// "permissions.<feature>".
func permissionChanges(before, after Permissions) []change {
	var out []change
	for _, f := range Features {
		if before.Level(f) != after.Level(f) {
			out = append(out, change{"permissions." + string(f), before.Level(f).String(), after.Level(f).String()})
		}
	}
	return out
}

// changeDetails is the JSON of the fields that changed: {"name":{"before":…,"after":…}}.
func changeDetails(changes ...change) string {
	out := map[string]map[string]any{}
	for _, c := range changes {
		if c.Before != c.After {
			out[c.Field] = map[string]any{"before": c.Before, "after": c.After}
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}
