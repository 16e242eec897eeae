package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
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
	ActionTemplateRelease   = "role.template_release"
	ActionTenantRoleCreate  = "tenant_role.create"
	ActionTenantRoleUpdate  = "tenant_role.update"
	ActionTenantRoleDelete  = "tenant_role.delete"
	ActionTenantDelete      = "tenant.delete"
	ActionUserUpdate        = "user.update"
	ActionUserDelete        = "user.delete"
	ActionAuditArchive      = "audit.archive"
)

// AuditActions lists every action, for the audit log's filter.
var AuditActions = []string{ActionLogin, ActionLoginFailed, ActionLogout, ActionTenantCreate, ActionTenantUpdate, ActionTenantEnable,
	ActionTenantDisable, ActionTenantDelete, ActionUserCreate, ActionUserUpdate, ActionUserEnable, ActionUserDisable, ActionUserDelete,
	ActionUserPasswordReset, ActionRoleCreate, ActionRoleUpdate, ActionRoleDelete, ActionTemplatePropagate, ActionTemplateRelease, ActionTenantRoleCreate, ActionTenantRoleUpdate,
	ActionTenantRoleDelete, ActionAuditArchive, ActionImpersonationStart, ActionImpersonationEnd, ActionImpersonationRefused,
	ActionSettingsUpdate, ActionSessionRefused}

// Outcomes of an audited action.
const (
	OutcomeSuccess = "success"
	OutcomeFailure = "failure"
)

// AuditEvent records who did what, when, from where, and how it went.
type AuditEvent struct {
	ID          uint64    `gorm:"primaryKey" json:"id"`
	TenantID    uint64    `json:"tenant_id"`
	OccurredAt  time.Time `json:"occurred_at"`
	ActorUserID *uint64   `json:"actor_user_id"`
	ActorName   string    `json:"actor"`
	Action      string    `json:"action"`
	TargetType  string    `json:"target_type"`
	TargetID    string    `json:"target_id"`
	Outcome     string    `json:"outcome"`
	IP          string    `json:"ip"`
	UserAgent   string    `json:"user_agent"`
	Details     string    `json:"details"`
	// ImpersonatorUserID and ImpersonatorName are the master user acting as
	// the actor, if any.
	ImpersonatorUserID *uint64 `json:"impersonator_user_id"`
	ImpersonatorName   string  `json:"impersonator"`
	// PrevHash is the hash of the tenant's previous event in the chain; Hash
	// covers this event's content and PrevHash.
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// AuditChain is the head of a tenant's chain of events: the last event's id
// and hash. Writers lock it, so a tenant's events form one line, never a fork.
// Events up to StartAfterID are outside the chain (written before it began,
// or archived); the first event after it links to StartHash.
type AuditChain struct {
	TenantID     uint64 `gorm:"primaryKey"`
	HeadID       uint64
	HeadHash     string
	StartAfterID uint64
	StartHash    string
}

// chainHash is the hash of an event's canonical content: its fields in a
// fixed order as a JSON array, the time in UTC to the microsecond.
func chainHash(e *AuditEvent) string {
	var actor, imp any
	if e.ActorUserID != nil {
		actor = *e.ActorUserID
	}
	if e.ImpersonatorUserID != nil {
		imp = *e.ImpersonatorUserID
	}
	b, _ := json.Marshal([]any{e.TenantID, e.OccurredAt.UTC().Format("2006-01-02T15:04:05.000000Z"), actor, e.ActorName, imp, e.ImpersonatorName,
		e.Action, e.TargetType, e.TargetID, e.Outcome, e.IP, e.UserAgent, e.Details, e.PrevHash})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
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
	ev := &AuditEvent{
		TenantID: tenantID, OccurredAt: s.now().UTC().Truncate(time.Microsecond),
		ActorUserID: e.ActorUserID, ActorName: e.ActorName,
		Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID, Outcome: e.Outcome,
		IP: client.IP, UserAgent: truncate(client.UserAgent, 512), Details: e.Details,
	}
	// An event that names its own actor (an impersonation's start or end,
	// told as the impersonator's) is not also told as the session's.
	if a, ok := ActorFrom(ctx); ok && a.Impersonator != nil && e.ActorName == a.Name {
		id := a.Impersonator.UserID
		ev.ImpersonatorUserID, ev.ImpersonatorName = &id, a.Impersonator.Name
	}
	// The head is locked before the event takes its id, so ids follow the chain.
	var head AuditChain
	lock := tx.Where("tenant_id = ?", tenantID)
	if s.postgres {
		lock = lock.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := lock.Take(&head).Error; err != nil {
		return fmt.Errorf("audit chain of tenant %d: %w", tenantID, err)
	}
	ev.PrevHash = head.HeadHash
	if head.HeadID == head.StartAfterID {
		ev.PrevHash = head.StartHash
	}
	ev.Hash = chainHash(ev)
	if err := tx.Create(ev).Error; err != nil {
		return err
	}
	return tx.Model(&AuditChain{}).Where("tenant_id = ?", tenantID).Updates(map[string]any{"head_id": ev.ID, "head_hash": ev.Hash}).Error
}

// ChainCheck is what verifying a tenant's audit chain found: how many events
// were checked, and the first broken one (0 when the chain holds) with why.
type ChainCheck struct {
	Checked  int64
	BrokenID uint64
	Reason   string
}

// VerifyAuditChain walks the context tenant's events in order, recomputing
// each hash and link, and names the first event that does not match.
func (s *Store) VerifyAuditChain(ctx context.Context) (ChainCheck, error) {
	var out ChainCheck
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var head AuditChain
		if err := tx.Take(&head).Error; err != nil {
			return err
		}
		prev, after := head.StartHash, head.StartAfterID
		for {
			var batch []AuditEvent
			if err := tx.Where("id > ?", after).Order("id").Limit(1000).Find(&batch).Error; err != nil {
				return err
			}
			for i := range batch {
				e := &batch[i]
				switch {
				case e.PrevHash != prev:
					out.BrokenID, out.Reason = e.ID, "it does not link to the event before it (an event was removed or changed before it)"
				case chainHash(e) != e.Hash:
					out.BrokenID, out.Reason = e.ID, "its content does not match its hash (it was changed)"
				}
				if out.BrokenID != 0 {
					return nil
				}
				out.Checked++
				prev, after = e.Hash, e.ID
			}
			if len(batch) < 1000 {
				break
			}
		}
		if after != head.HeadID || (after != head.StartAfterID && prev != head.HeadHash) {
			out.BrokenID, out.Reason = head.HeadID, "the newest events are missing: the chain ends before its recorded head"
		}
		return nil
	})
	return out, err
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
