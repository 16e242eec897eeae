package models

import (
	"context"
	"crypto/hmac"
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
	// ActionChainKeyed is the first keyed event of a chain that held only
	// plain-hashed ones (see keyAuditChains).
	ActionChainKeyed = "audit.chain_keyed"
)

// AuditActions lists every action, for the audit log's filter.
var AuditActions = []string{ActionLogin, ActionLoginFailed, ActionLogout, ActionTenantCreate, ActionTenantUpdate, ActionTenantEnable,
	ActionTenantDisable, ActionTenantDelete, ActionUserCreate, ActionUserUpdate, ActionUserEnable, ActionUserDisable, ActionUserDelete,
	ActionUserPasswordReset, ActionRoleCreate, ActionRoleUpdate, ActionRoleDelete, ActionTemplatePropagate, ActionTemplateRelease, ActionTenantRoleCreate, ActionTenantRoleUpdate,
	ActionTenantRoleDelete, ActionAuditArchive, ActionChainKeyed, ActionImpersonationStart, ActionImpersonationEnd, ActionImpersonationRefused,
	ActionSettingsUpdate, ActionSessionRefused, ActionResourceKindCreate, ActionResourceKindUpdate, ActionResourceKindDelete}

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

// link is the hash the chain's next event links to: the head's, or the
// start's while the chain holds no event of its own.
func (c *AuditChain) link() string {
	if c.HeadID == c.StartAfterID {
		return c.StartHash
	}
	return c.HeadHash
}

// chainContent is what an event's hash covers: its fields in a fixed order
// as a JSON array, the time in UTC to the microsecond, and PrevHash.
func chainContent(e *AuditEvent) []byte {
	var actor, imp any
	if e.ActorUserID != nil {
		actor = *e.ActorUserID
	}
	if e.ImpersonatorUserID != nil {
		imp = *e.ImpersonatorUserID
	}
	b, _ := json.Marshal([]any{e.TenantID, e.OccurredAt.UTC().Format("2006-01-02T15:04:05.000000Z"), actor, e.ActorName, imp, e.ImpersonatorName,
		e.Action, e.TargetType, e.TargetID, e.Outcome, e.IP, e.UserAgent, e.Details, e.PrevHash})
	return b
}

// chainHash is the hash every writer gives an event, and the only one: an
// HMAC-SHA256 of its content under the audit key, which is not in the
// database, so whoever can write the database cannot recompute it.
func (s *Store) chainHash(e *AuditEvent) string {
	m := hmac.New(sha256.New, s.auditKey)
	m.Write(chainContent(e))
	return hex.EncodeToString(m.Sum(nil))
}

// plainHash is the unkeyed SHA-256 events had before chains were keyed.
// Verify accepts it only before a chain's first keyed event; nothing writes it.
func plainHash(e *AuditEvent) string {
	sum := sha256.Sum256(chainContent(e))
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
	ev := s.newEvent(tx.Statement.Context, tenantID, e)
	// The head is locked before the event takes its id, so ids follow the chain.
	var head AuditChain
	lock := tx.Where("tenant_id = ?", tenantID)
	if s.postgres {
		lock = lock.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := lock.Take(&head).Error; err != nil {
		return fmt.Errorf("audit chain of tenant %d: %w", tenantID, err)
	}
	ev.PrevHash = head.link()
	ev.Hash = s.chainHash(ev)
	if err := tx.Create(ev).Error; err != nil {
		return err
	}
	return tx.Model(&AuditChain{}).Where("tenant_id = ?", tenantID).Updates(map[string]any{"head_id": ev.ID, "head_hash": ev.Hash}).Error
}

// newEvent is e as tenantID's log keeps it, with what ctx says of who acts
// and from where, not yet linked into the chain.
func (s *Store) newEvent(ctx context.Context, tenantID uint64, e Event) *AuditEvent {
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
	return ev
}

// ChainCheck is what verifying a tenant's audit chain found: how many events
// were checked, and the first broken one (0 when the chain holds) with why.
type ChainCheck struct {
	Checked  int64
	BrokenID uint64
	Reason   string
}

// chainStart is where a chain begins: after event AfterID, linking to Hash.
type chainStart struct {
	AfterID uint64 `json:"start_after_id"`
	Hash    string `json:"start_hash"`
}

// chainWalk is a walk of one tenant's chain: what it found, the head it
// walked to, and the hash of each event it was asked to note (see
// VerifyAuditCheckpoints).
type chainWalk struct {
	ChainCheck
	head  AuditChain
	noted map[uint64]string
}

// walkChain walks the chain of tx's tenant in order. Each event must link to
// the one before and carry its content's keyed hash; before the chain's first
// keyed event the plain hash of events written before keying is accepted,
// after it never, so a plain hash recomputed by someone without the key
// shows. A chain with events must hold a keyed one, and its start must be
// the one its latest keyed archive or keying event recorded (or the very
// beginning), so events cannot be cut from its front either.
func (s *Store) walkChain(tx *gorm.DB, note map[uint64]bool) (chainWalk, error) {
	w := chainWalk{noted: map[uint64]string{}}
	if err := tx.Take(&w.head).Error; err != nil {
		return w, err
	}
	head := w.head
	prev, after := head.StartHash, head.StartAfterID
	var first uint64
	keyed := false
	var recorded chainStart // the start the latest keyed archive or keying event recorded
	for {
		var batch []AuditEvent
		if err := tx.Where("id > ?", after).Order("id").Limit(1000).Find(&batch).Error; err != nil {
			return w, err
		}
		for i := range batch {
			e := &batch[i]
			switch {
			case e.PrevHash != prev:
				w.BrokenID, w.Reason = e.ID, "it does not link to the event before it (an event was removed or changed before it)"
			case e.Hash == s.chainHash(e):
				keyed = true
				if e.Action == ActionAuditArchive || e.Action == ActionChainKeyed {
					var st chainStart
					if json.Unmarshal([]byte(e.Details), &st) == nil {
						recorded = st
					}
				}
			case e.Hash != plainHash(e):
				w.BrokenID, w.Reason = e.ID, "its content does not match its hash (it was changed)"
			case keyed:
				w.BrokenID, w.Reason = e.ID, "its hash was made without the audit key after the chain was keyed (it was changed and its hash recomputed)"
			}
			if w.BrokenID != 0 {
				return w, nil
			}
			if first == 0 {
				first = e.ID
			}
			if note[e.ID] {
				w.noted[e.ID] = e.Hash
			}
			w.Checked++
			prev, after = e.Hash, e.ID
		}
		if len(batch) < 1000 {
			break
		}
	}
	switch {
	case after != head.HeadID || (after != head.StartAfterID && prev != head.HeadHash):
		w.BrokenID, w.Reason = head.HeadID, "the newest events are missing: the chain ends before its recorded head"
	case w.Checked > 0 && !keyed:
		w.BrokenID, w.Reason = head.HeadID, "no event carries the audit key's hash: the chain's keyed events were removed, or their hashes recomputed without the key"
	case (chainStart{head.StartAfterID, head.StartHash}) != recorded:
		w.BrokenID = first
		if w.BrokenID == 0 {
			w.BrokenID = head.HeadID
		}
		w.Reason = fmt.Sprintf("the chain starts after event %d, which no archive recorded: events were removed from its start", head.StartAfterID)
	}
	return w, nil
}

// VerifyAuditChain walks the context tenant's events in order, recomputing
// each hash and link, and names the first event that does not match.
func (s *Store) VerifyAuditChain(ctx context.Context) (ChainCheck, error) {
	var out ChainCheck
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		w, err := s.walkChain(tx, nil)
		out = w.ChainCheck
		return err
	})
	return out, err
}

// AuditEvents returns the newest events of the context's tenant, newest first.
func (s *Store) AuditEvents(ctx context.Context, limit int) ([]AuditEvent, error) {
	var evs []AuditEvent
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
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

// jsonDetails is an event's details: v as JSON. Every event's details are
// built with it (or changeDetails), never as text by hand, so whatever a
// person typed into them stays valid JSON that the audit page and the chain
// check can read. Events recorded before keep their text.
func jsonDetails(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// changeDetails is the JSON of the fields that changed: {"name":{"before":…,"after":…}}.
func changeDetails(changes ...change) string {
	out := map[string]map[string]any{}
	for _, c := range changes {
		if c.Before != c.After {
			out[c.Field] = map[string]any{"before": c.Before, "after": c.After}
		}
	}
	return jsonDetails(out)
}
