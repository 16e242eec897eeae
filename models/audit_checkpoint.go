package models

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"gorm.io/gorm"
)

// AuditCheckpoint is a tenant's chain head at one moment, signed with the
// audit key. Kept outside the database, it shows truncation and rollback,
// which the chain alone cannot: a log that no longer reaches the head it
// names lost its newest events.
type AuditCheckpoint struct {
	Tenant    string    `json:"tenant"`
	TenantID  uint64    `json:"tenant_id"`
	HeadID    uint64    `json:"head_id"`
	HeadHash  string    `json:"head_hash"`
	Events    int64     `json:"events"` // in the chain then, from its start through the head
	At        time.Time `json:"at"`
	Signature string    `json:"signature"`
}

// signature is the HMAC of the checkpoint's fields under the audit key. The
// message is a JSON array led by a string, where an event's content (see
// chainContent) is led by a number, so neither passes for the other.
func (s *Store) signature(cp *AuditCheckpoint) string {
	b, _ := json.Marshal([]any{"landlord audit checkpoint v1", cp.Tenant, cp.TenantID, cp.HeadID, cp.HeadHash, cp.Events,
		cp.At.UTC().Format(time.RFC3339Nano)})
	m := hmac.New(sha256.New, s.auditKey)
	m.Write(b)
	return hex.EncodeToString(m.Sum(nil))
}

// CheckpointSigned reports whether cp's signature is this store's key's.
func (s *Store) CheckpointSigned(cp *AuditCheckpoint) bool {
	return hmac.Equal([]byte(cp.Signature), []byte(s.signature(cp)))
}

// CheckpointAuditChain verifies t's chain and signs its head. A broken chain
// is not signed (the checkpoint is zero and check says where it broke): a
// checkpoint vouches for what it names.
func (s *Store) CheckpointAuditChain(ctx context.Context, t *Tenant) (AuditCheckpoint, ChainCheck, error) {
	var cp AuditCheckpoint
	var check ChainCheck
	err := s.db.InTenant(ctx, t.ID, func(tx *gorm.DB) error {
		w, err := s.walkChain(tx, nil)
		check = w.ChainCheck
		if err != nil || check.BrokenID != 0 {
			return err
		}
		cp = AuditCheckpoint{Tenant: t.Subdomain, TenantID: t.ID, HeadID: w.head.HeadID, HeadHash: w.head.link(), Events: check.Checked,
			At: s.now().UTC().Truncate(time.Second)}
		cp.Signature = s.signature(&cp)
		return nil
	})
	return cp, check, err
}

// CheckpointLine is one line of a checkpoint file as read: a checkpoint, or
// why the line is none.
type CheckpointLine struct {
	Line       int
	Checkpoint AuditCheckpoint
	Unreadable string
}

// ReadAuditCheckpoints reads a file of checkpoints, one JSON object a line;
// blank lines are skipped.
func ReadAuditCheckpoints(r io.Reader) ([]CheckpointLine, error) {
	var out []CheckpointLine
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		l := CheckpointLine{Line: n}
		if err := json.Unmarshal([]byte(text), &l.Checkpoint); err != nil || l.Checkpoint.Signature == "" {
			l.Unreadable = "not a checkpoint (a JSON object with a signature)"
		}
		out = append(out, l)
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return out, fmt.Errorf("line %d is longer than any checkpoint", len(out)+1)
	}
	return out, sc.Err()
}

// CheckpointResult is what one checkpoint of the tenant's says of its chain.
type CheckpointResult struct {
	Line       int
	Checkpoint AuditCheckpoint
	Reached    bool
	Reason     string // why not, or how (archived since)
}

// CheckpointReport is a checkpoint file checked against one tenant's chain.
type CheckpointReport struct {
	Chain   ChainCheck
	Results []CheckpointResult // the tenant's own lines, in file order
	// Others counts lines of other tenants, which were not checked (nor
	// their signatures); Unreadable lists lines that are no checkpoint.
	Others     int
	Unreadable []int
}

// Failed reports whether the chain is broken or a checkpoint of the tenant's
// was not reached (or was forged).
func (r CheckpointReport) Failed() bool {
	if r.Chain.BrokenID != 0 {
		return true
	}
	for _, res := range r.Results {
		if !res.Reached {
			return true
		}
	}
	return false
}

// VerifyAuditCheckpoints checks the context tenant's chain, then each of its
// checkpoints among lines: the signature must be the key's, and the chain
// must still reach the head it names, the same event with the same hash,
// unless an archive has since moved the chain's start past it (the walk
// holds the start to what the latest keyed archive recorded).
func (s *Store) VerifyAuditCheckpoints(ctx context.Context, lines []CheckpointLine) (CheckpointReport, error) {
	var rep CheckpointReport
	tenant, ok := TenantFrom(ctx)
	if !ok {
		return rep, errors.New("verify checkpoints: no tenant in context")
	}
	note := map[uint64]bool{}
	for _, l := range lines {
		switch {
		case l.Unreadable != "":
			rep.Unreadable = append(rep.Unreadable, l.Line)
		case l.Checkpoint.TenantID != tenant:
			rep.Others++
		default:
			rep.Results = append(rep.Results, CheckpointResult{Line: l.Line, Checkpoint: l.Checkpoint})
			note[l.Checkpoint.HeadID] = true
		}
	}
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		w, err := s.walkChain(tx, note)
		if err != nil {
			return err
		}
		rep.Chain = w.ChainCheck
		for i := range rep.Results {
			res := &rep.Results[i]
			cp := &res.Checkpoint
			hash, present := w.noted[cp.HeadID]
			switch {
			case !s.CheckpointSigned(cp):
				res.Reason = "its signature does not match: the line was changed, or not made with this server's audit key"
			case w.BrokenID != 0:
				res.Reason = fmt.Sprintf("not checked: the chain is broken at event %d", w.BrokenID)
			case cp.HeadID == 0:
				res.Reached, res.Reason = true, "the chain had no event then"
			case cp.HeadID <= w.head.StartAfterID:
				res.Reached, res.Reason = true, fmt.Sprintf("archived since: the chain now starts after event %d", w.head.StartAfterID)
			case !present:
				res.Reason = fmt.Sprintf("event %d, the head it names, is no longer in the chain: the log was truncated or rolled back", cp.HeadID)
			case hash != cp.HeadHash:
				res.Reason = fmt.Sprintf("event %d's hash differs from the checkpoint's: the log was rewritten", cp.HeadID)
			default:
				res.Reached = true
			}
		}
		return nil
	})
	return rep, err
}
