package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Test-only access to the store's internals for the external models_test package
// (which cannot be internal: storetest imports models).

// TxForTest is s.tx.
func (s *Store) TxForTest(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.tx(ctx, fn)
}

// InTenantForTest is s.inTenant.
func (s *Store) InTenantForTest(ctx context.Context, tenantID uint64, fn func(tx *gorm.DB) error) error {
	return s.inTenant(ctx, tenantID, fn)
}

// DBForTest is the store's request-traffic *gorm.DB (on PostgreSQL it logs in
// as the request role), with the scoping callbacks installed.
func (s *Store) DBForTest() *gorm.DB { return s.db }

// OwnerDBForTest is the connection of the database URL's own role, which runs
// the migrations (on PostgreSQL in the tests, a superuser).
func (s *Store) OwnerDBForTest() *gorm.DB { return s.owner }

// EnterProofForTest is the proof that lets a transaction enter tenant.
func (s *Store) EnterProofForTest(tenant uint64, across bool) string {
	return s.enterProof(tenant, across)
}

// RegisterTenantScopeForTest is registerTenantScope.
func RegisterTenantScopeForTest(db *gorm.DB, tenantModels []any) error {
	return registerTenantScope(db, tenantModels)
}

// StoreOnDBForTest wraps db (already scoped with RegisterTenantScopeForTest) in a
// Store, so s.tx runs on it exactly as on the real store.
// It enters tenants with from's key.
func StoreOnDBForTest(db *gorm.DB, from *Store) *Store {
	return &Store{db: db, owner: db, postgres: db.Dialector.Name() == "postgres", rlsKey: from.rlsKey}
}

// SetClockForTest makes now the store's clock, so tests can step past a
// session's or a handoff's lifetime without waiting for it.
func (s *Store) SetClockForTest(now func() time.Time) { s.SetClock(now) }

// RecordChainedForTest writes one audit event into tenantID's chain in its
// own transaction, as every domain operation does with its own.
func (s *Store) RecordChainedForTest(ctx context.Context, tenantID uint64) error {
	return s.inTenant(ctx, tenantID, func(tx *gorm.DB) error {
		return s.record(tx, tenantID, Event{ActorName: "bench", Action: ActionSessionRefused, Outcome: OutcomeFailure})
	})
}

// RecordUnchainedForTest writes one audit event the way record did before
// the hash chain (an insert, no head to lock or move), in its own
// transaction: the baseline the chain's write cost is measured against.
func (s *Store) RecordUnchainedForTest(ctx context.Context, tenantID uint64) error {
	return s.inTenant(ctx, tenantID, func(tx *gorm.DB) error {
		return tx.Create(&AuditEvent{TenantID: tenantID, OccurredAt: s.now(), ActorName: "bench", Action: ActionSessionRefused, Outcome: OutcomeFailure}).Error
	})
}

// PlainChainHashForTest is the unkeyed hash chains had before keying: what
// someone who can write the database but has no key can compute.
func PlainChainHashForTest(e *AuditEvent) string { return plainHash(e) }
