package models

import (
	"strings"
	"testing"
	"time"
)

// BenchmarkChainHash is the hash alone, keyed as every writer computes it and
// plain as events before keying had it, on an event of a usual size: what
// keying adds to a write without the database's noise.
func BenchmarkChainHash(b *testing.B) {
	actor := uint64(7)
	e := &AuditEvent{TenantID: 42, OccurredAt: time.Now(), ActorUserID: &actor, ActorName: "admin@acme.example", Action: ActionUserUpdate,
		TargetType: "user", TargetID: "alice", Outcome: OutcomeSuccess, IP: "192.0.2.7", UserAgent: strings.Repeat("Mozilla/5.0 ", 10),
		Details: `{"email":{"before":"a@acme.example","after":"b@acme.example"}}`, PrevHash: strings.Repeat("ab", 32)}
	s := &Store{auditKey: []byte(strings.Repeat("k", 32))}
	b.Run("keyed", func(b *testing.B) {
		for b.Loop() {
			_ = s.chainHash(e)
		}
	})
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			_ = plainHash(e)
		}
	})
}
