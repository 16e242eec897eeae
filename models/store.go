// Package models holds Landlord's data: tenants, users, roles and audit events,
// the migrations, and the domain operations, each in one transaction with its
// audit event. What keeps tenants apart is models/tenancy, the only way in.
package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"landlord/models/tenancy"
)

// Store is Landlord's database: the domain's operations on the tenant-isolation
// core (tenancy), which every statement goes through.
type Store struct {
	db       *tenancy.DB
	postgres bool
	// auditKey keys the audit chains and signs their checkpoints; it comes
	// from outside the database (see chainHash).
	auditKey []byte
	// clock is what now reads: the wall clock in UTC unless SetClock moved it.
	clock atomic.Pointer[func() time.Time]
	// failuresSweep is when this process last deleted old login failure counts (Unix ns).
	failuresSweep atomic.Int64
	// dashboards keeps each tenant's last dashboard summary (see Dashboard).
	dashboards summaryCache
}

// Options say which database to open. An empty PostgresURL means the embedded
// SQLite database at SQLitePath.
type Options struct {
	PostgresURL string
	SQLitePath  string
	// AppRole names the request role on PostgreSQL (LANDLORD_APP_ROLE); ""
	// names it from the database and schema (tenancy.RoleName).
	AppRole string
	// MaxConns is the most connections request traffic keeps on PostgreSQL
	// (LANDLORD_DB_MAX_CONNS); 0: tenancy.DefaultMaxConns.
	MaxConns int
	// AuditKey keys every tenant's audit chain: at least MinAuditKeyLength
	// bytes, kept outside the database.
	AuditKey []byte
}

// MinAuditKeyLength is the shortest audit key Open accepts, in bytes.
const MinAuditKeyLength = 32

// tenantModels are the tenant-owned tables the scoping callbacks guard.
var tenantModels = []any{&User{}, &Role{}, &AuditEvent{}, &LoginHandoff{}, &UserSession{}, &TenantUsage{}, &Resource{}, &AuditChain{}, &Impersonation{}, &TenantSettings{}, &RefusedSession{},
	&ResourceGroup{}, &RoleGroupLevel{}, &UsageSnapshot{}}

// Open connects to the database and installs tenant scoping. It does not migrate.
func Open(opts Options) (*Store, error) {
	if err := checkAuditKey(opts.AuditKey); err != nil {
		return nil, err
	}
	db, err := tenancy.Open(TenancyOptions(opts))
	if err != nil {
		return nil, err
	}
	return New(db, opts.AuditKey)
}

// TenancyOptions are what the tenancy core is opened with for opts: the
// database, Landlord's tenant tables and the id range check.
func TenancyOptions(opts Options) tenancy.Options {
	return tenancy.Options{PostgresURL: opts.PostgresURL, SQLitePath: opts.SQLitePath,
		Tables: tenantModels, Register: registerIDRange, AppRole: opts.AppRole, MaxConns: opts.MaxConns}
}

// New is the store on db, opened with TenancyOptions, its audit chains keyed
// with auditKey.
func New(db *tenancy.DB, auditKey []byte) (*Store, error) {
	if err := checkAuditKey(auditKey); err != nil {
		return nil, err
	}
	return &Store{db: db, postgres: db.Postgres(), auditKey: append([]byte(nil), auditKey...)}, nil
}

func checkAuditKey(key []byte) error {
	if len(key) < MinAuditKeyLength {
		return fmt.Errorf("audit key: expected at least %d bytes, got %d", MinAuditKeyLength, len(key))
	}
	return nil
}

// now is the store's time: what sessions, windows and events are dated by.
func (s *Store) now() time.Time {
	if f := s.clock.Load(); f != nil {
		return (*f)()
	}
	return time.Now().UTC()
}

// SetClock makes now the store's clock, so tests of the whole server can step
// past a minute or a lifetime without waiting for it. The server never calls it.
func (s *Store) SetClock(now func() time.Time) { s.clock.Store(&now) }

// CloseOwner closes the owner's connection once the server is up (see
// tenancy.DB.CloseOwner).
func (s *Store) CloseOwner() error { return s.db.CloseOwner() }

// Close closes the connection pools.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

// PoolStats are the figures of request traffic's database pool.
func (s *Store) PoolStats() sql.DBStats { return s.db.PoolStats() }

// Dialect names the database in use: "postgres" or "sqlite".
func (s *Store) Dialect() string { return s.db.Dialect() }

// UseRequestRole moves request traffic onto a role row-level security binds
// (see tenancy.DB.UseRequestRole).
func (s *Store) UseRequestRole(ctx context.Context, appURL, password string) error {
	return s.db.UseRequestRole(ctx, appURL, password)
}

func isUniqueViolation(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	msg := strings.ToLower(fmt.Sprint(err))
	return strings.Contains(msg, "unique constraint") || strings.Contains(msg, "duplicate key")
}

// AppRole is the PostgreSQL role this installation's request traffic runs
// as ("" on SQLite).
func (s *Store) AppRole() string { return s.db.AppRole() }
