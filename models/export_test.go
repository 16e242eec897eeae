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

// DBForTest is the store's *gorm.DB, with the scoping callbacks installed.
func (s *Store) DBForTest() *gorm.DB { return s.db }

// RegisterTenantScopeForTest is registerTenantScope.
func RegisterTenantScopeForTest(db *gorm.DB, tenantModels []any) error {
	return registerTenantScope(db, tenantModels)
}

// StoreOnDBForTest wraps db (already scoped with RegisterTenantScopeForTest) in a
// Store, so s.tx runs on it exactly as on the real store.
func StoreOnDBForTest(db *gorm.DB) *Store {
	return &Store{db: db, postgres: db.Dialector.Name() == "postgres", now: func() time.Time { return time.Now().UTC() }}
}

// SetClockForTest makes now the store's clock.
func (s *Store) SetClockForTest(now func() time.Time) { s.now = now }
