package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Test-only access to the store's internals for the external models_test package
// (which cannot be internal: storetest imports models).

// TxForTest is s.db.Tx.
func (s *Store) TxForTest(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.db.Tx(ctx, fn)
}

// InTenantForTest is s.db.InTenant.
func (s *Store) InTenantForTest(ctx context.Context, tenantID uint64, fn func(tx *gorm.DB) error) error {
	return s.db.InTenant(ctx, tenantID, fn)
}

// SetClockForTest makes now the store's clock, so tests can step past a
// session's or a handoff's lifetime without waiting for it.
func (s *Store) SetClockForTest(now func() time.Time) { s.SetClock(now) }

// RecordChainedForTest writes one audit event into tenantID's chain in its
// own transaction, as every domain operation does with its own.
func (s *Store) RecordChainedForTest(ctx context.Context, tenantID uint64) error {
	return s.db.InTenant(ctx, tenantID, func(tx *gorm.DB) error {
		return s.record(tx, tenantID, Event{ActorName: "bench", Action: ActionSessionRefused, Outcome: OutcomeFailure})
	})
}

// RecordUnchainedForTest writes one audit event the way record did before
// the hash chain (an insert, no head to lock or move), in its own
// transaction: the baseline the chain's write cost is measured against.
func (s *Store) RecordUnchainedForTest(ctx context.Context, tenantID uint64) error {
	return s.db.InTenant(ctx, tenantID, func(tx *gorm.DB) error {
		return tx.Create(&AuditEvent{TenantID: tenantID, OccurredAt: s.now(), ActorName: "bench", Action: ActionSessionRefused, Outcome: OutcomeFailure}).Error
	})
}

// PlainChainHashForTest is the unkeyed hash chains had before keying: what
// someone who can write the database but has no key can compute.
func PlainChainHashForTest(e *AuditEvent) string { return plainHash(e) }

// OwnerDBForTest is the connection of the database URL's own role, which runs
// the migrations (on PostgreSQL in the tests, a superuser).
func (s *Store) OwnerDBForTest() *gorm.DB {
	db, err := s.db.Owner(context.Background())
	if err != nil {
		panic(err)
	}
	return db
}
