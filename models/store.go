// Package models holds Landlord's data: tenants, users, roles and audit events,
// the tenant scoping that keeps them apart, the migrations, and the domain
// operations, each in one transaction with its audit event.
package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// AppRole is the PostgreSQL role request traffic runs as. The migrations create it
// without SUPERUSER or BYPASSRLS and it owns no table, so row-level security binds it.
const AppRole = "landlord_app"

// Store is Landlord's database.
type Store struct {
	db       *gorm.DB // request traffic: on PostgreSQL, as AppRole once UseRequestRole ran
	owner    *gorm.DB // migrations and the key: the database URL's own role; a server closes it once up (CloseOwner)
	sqlDB    *sql.DB  // db's pool, for the per-request session check, which skips GORM
	postgres bool
	pgURL    string
	rlsKey   []byte // see rls.go
	// auditKey keys the audit chains and signs their checkpoints; it comes
	// from outside the database (see chainHash).
	auditKey []byte
	// appLogin: request traffic logs in as AppRole itself, so a transaction
	// need not switch to it (see enterSQL).
	appLogin bool
	// clock is what now reads: the wall clock in UTC unless SetClock moved it.
	clock atomic.Pointer[func() time.Time]
	// ownerClosed: the owner's pool was closed once the server was up
	// (CloseOwner); nothing may reach it any more.
	ownerClosed atomic.Bool
	// failuresSweep is when this process last deleted old login failure counts (Unix ns).
	failuresSweep atomic.Int64
}

// Options say which database to open. An empty PostgresURL means the embedded
// SQLite database at SQLitePath.
type Options struct {
	PostgresURL string
	SQLitePath  string
	// AuditKey keys every tenant's audit chain: at least MinAuditKeyLength
	// bytes, kept outside the database.
	AuditKey []byte
}

// MinAuditKeyLength is the shortest audit key Open accepts, in bytes.
const MinAuditKeyLength = 32

// tenantModels are the tenant-owned tables the scoping callbacks guard.
var tenantModels = []any{&User{}, &Role{}, &AuditEvent{}, &LoginHandoff{}, &UserSession{}, &TenantUsage{}, &Resource{}, &AuditChain{}, &Impersonation{}, &TenantSettings{}, &RefusedSession{}}

// Open connects to the database and installs tenant scoping. It does not migrate.
func Open(opts Options) (*Store, error) {
	if len(opts.AuditKey) < MinAuditKeyLength {
		return nil, fmt.Errorf("audit key: expected at least %d bytes, got %d", MinAuditKeyLength, len(opts.AuditKey))
	}
	var dialector gorm.Dialector
	if opts.PostgresURL != "" {
		dialector = postgres.Open(withApplicationName(opts.PostgresURL, ownerApplicationName))
	} else {
		if opts.SQLitePath == "" {
			return nil, errors.New("no database: give a PostgreSQL URL or an SQLite path")
		}
		if err := privateFiles(opts.SQLitePath); err != nil {
			return nil, fmt.Errorf("data dir: %w", err)
		}
		dialector = sqlite.Open(opts.SQLitePath + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)")
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true, // every write already runs in the store's own transaction
		NowFunc:                func() time.Time { return time.Now().UTC() },
		TranslateError:         true,
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, owner: db, sqlDB: sqlDB, postgres: opts.PostgresURL != "", pgURL: opts.PostgresURL,
		auditKey: append([]byte(nil), opts.AuditKey...)}
	if s.postgres {
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(20)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		// SQLite takes one writer at a time; one connection serialises writers
		// instead of failing them with SQLITE_BUSY.
		sqlDB.SetMaxOpenConns(1)
	}
	if err := registerTenantScope(db, tenantModels); err != nil {
		return nil, err
	}
	if err := registerIDRange(db); err != nil {
		return nil, err
	}
	return s, nil
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

// privateFiles makes the SQLite database and its directory this user's alone
// (0600 and 0700), existing ones included, whatever the umask or an earlier
// version left: the file holds password hashes and sessions. SQLite gives the
// -wal and -shm files it creates the database file's mode.
func privateFiles(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	err = f.Chmod(0o600)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Chmod(path+suffix, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// The application_name of each pool, unless the database URL names one: in
// pg_stat_activity the owner's connections (start-up and the command line
// only) tell apart from request traffic's.
const (
	ownerApplicationName   = "landlord-owner"
	requestApplicationName = "landlord"
)

// withApplicationName gives a postgres:// URL an application_name unless it
// has one; anything else is returned as it is.
func withApplicationName(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return dsn
	}
	q := u.Query()
	if q.Get("application_name") != "" {
		return dsn
	}
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// ErrOwnerClosed means the database owner's connection was asked for after
// CloseOwner: a running server holds none.
var ErrOwnerClosed = errors.New("the database owner's connection is closed: only start-up and the command line use it")

// CloseOwner closes the pool of the database URL's own role, which row-level
// security does not bind, once migrations, the key and the request role's
// login are done (on PostgreSQL; SQLite has one handle and nothing to close).
// After it, whatever would use the owner's connection fails with
// ErrOwnerClosed. It refuses while request traffic still runs on that pool.
func (s *Store) CloseOwner() error {
	if !s.postgres || s.ownerClosed.Load() {
		return nil
	}
	if s.owner == s.db {
		return errors.New("close the owner's connection: request traffic still uses it (UseRequestRole first)")
	}
	ownerDB, err := s.owner.DB()
	if err != nil {
		return err
	}
	s.ownerClosed.Store(true)
	return ownerDB.Close()
}

// ownerDB is the owner's connection, for migrations, the key and the command line.
func (s *Store) ownerDB() (*gorm.DB, error) {
	if s.ownerClosed.Load() {
		return nil, ErrOwnerClosed
	}
	return s.owner, nil
}

// Close closes the connection pools.
func (s *Store) Close() error {
	err := s.sqlDB.Close()
	if s.owner != s.db && !s.ownerClosed.Load() {
		if ownerDB, ownerErr := s.owner.DB(); ownerErr == nil {
			err = errors.Join(err, ownerDB.Close())
		}
	}
	return err
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Dialect names the database in use: "postgres" or "sqlite".
func (s *Store) Dialect() string {
	if s.postgres {
		return "postgres"
	}
	return "sqlite"
}

// tx runs fn in one transaction. On PostgreSQL it first switches to the application
// role and records the context's tenant (or the cross-tenant grant) in transaction-
// local settings, which the row-level security policies read.
func (s *Store) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	ctx = context.WithValue(ctx, scopedTxKey{}, true)
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.postgres {
			tenant, _ := TenantFrom(ctx)
			across := acrossTenants(ctx)
			if s.rlsKey == nil {
				return errors.New("tenant context: the store was not migrated")
			}
			err := tx.WithContext(internalSQL(ctx)).Exec(s.enterSQL(false), int64(tenant), across, s.enterProof(tenant, across)).Error
			if err != nil {
				return fmt.Errorf("enter tenant as %s: %w", AppRole, err)
			}
		}
		return fn(tx)
	})
}

// inTenant runs fn confined to tenantID, whatever tenant ctx carried.
func (s *Store) inTenant(ctx context.Context, tenantID uint64, fn func(tx *gorm.DB) error) error {
	return s.tx(WithTenant(withoutAcross(ctx), tenantID), fn)
}

// acrossIn runs fn across tenants inside tx, a transaction confined to one
// tenant, then confines tx to that tenant again: for the few steps of a
// tenant's own operation that reach every tenant (a template's copies).
func (s *Store) acrossIn(tx *gorm.DB, why string, fn func(tx *gorm.DB) error) error {
	ctx := tx.Statement.Context
	tenant, _ := TenantFrom(ctx)
	enter := func(tenant uint64, across bool) error {
		if !s.postgres {
			return nil
		}
		return tx.WithContext(internalSQL(ctx)).Exec("SELECT landlord_enter(?, ?, ?)", int64(tenant), across, s.enterProof(tenant, across)).Error
	}
	if err := enter(0, true); err != nil {
		return err
	}
	if err := fn(tx.WithContext(AcrossTenants(ctx, why))); err != nil {
		return err
	}
	return enter(tenant, false)
}

// withoutAcross drops a cross-tenant grant from ctx so a step confined to one
// tenant stays confined.
func withoutAcross(ctx context.Context) context.Context {
	if !acrossTenants(ctx) {
		return ctx
	}
	return context.WithValue(ctx, acrossKey{}, nil)
}

func isUniqueViolation(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	msg := strings.ToLower(fmt.Sprint(err))
	return strings.Contains(msg, "unique constraint") || strings.Contains(msg, "duplicate key")
}

// RequestRolePassword is the password of AppRole's login, derived from the
// server's secret so that every replica computes the same one.
func RequestRolePassword(secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("landlord request role password"))
	return hex.EncodeToString(m.Sum(nil))
}

// UseRequestRole moves request traffic (everything but migrations) onto a
// connection pool that logs in as a role row-level security binds: appURL if
// given (LANDLORD_APP_DATABASE_URL, for owners that may not create roles), else
// AppRole itself, given a login with this password by the owner. It checks the
// role is neither superuser, BYPASSRLS nor owner of any table, so that SQL run
// on a request's connection (RESET ROLE included) cannot step around the
// policies. Nothing to do on SQLite.
func (s *Store) UseRequestRole(ctx context.Context, appURL, password string) error {
	if !s.postgres {
		return nil
	}
	owner, err := s.ownerDB()
	if err != nil {
		return err
	}
	if appURL == "" {
		u, err := url.Parse(s.pgURL)
		if err != nil {
			return err
		}
		// The password is hex, so it is safe in the literal ALTER ROLE needs.
		err = owner.WithContext(internalSQL(ctx)).Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(7405322)").Error; err != nil {
				return err
			}
			return tx.Exec("ALTER ROLE " + AppRole + " WITH LOGIN PASSWORD '" + hex.EncodeToString([]byte(password)) + "'").Error
		})
		if err != nil {
			return fmt.Errorf("give %s a login (or set LANDLORD_APP_DATABASE_URL): %w", AppRole, err)
		}
		u.User = url.UserPassword(AppRole, hex.EncodeToString([]byte(password)))
		appURL = u.String()
	}
	db, err := gorm.Open(postgres.Open(withApplicationName(appURL, requestApplicationName)), s.db.Config)
	if err != nil {
		return fmt.Errorf("request role: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	sqlDB.SetMaxOpenConns(20)
	sqlDB.SetMaxIdleConns(20)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	var who struct {
		Name   string
		Super  bool
		Bypass bool
		Owns   int
	}
	err = sqlDB.QueryRowContext(ctx, `SELECT r.rolname, r.rolsuper, r.rolbypassrls,
		(SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid AND c.relkind IN ('r', 'p'))
		FROM pg_roles r WHERE r.rolname = current_user`).Scan(&who.Name, &who.Super, &who.Bypass, &who.Owns)
	if err == nil && (who.Super || who.Bypass || who.Owns > 0) {
		err = fmt.Errorf("role %s is superuser (%v), BYPASSRLS (%v) or owns %d tables: row-level security would not bind it", who.Name, who.Super, who.Bypass, who.Owns)
	}
	if err == nil {
		err = registerTenantScope(db, tenantModels)
	}
	if err == nil {
		err = registerIDRange(db)
	}
	if err != nil {
		sqlDB.Close()
		return fmt.Errorf("request role: %w", err)
	}
	s.db, s.sqlDB, s.appLogin = db, sqlDB, who.Name == AppRole
	return nil
}

// enterSQL is the statement that begins every transaction of request
// traffic on PostgreSQL: it enters the tenant with the server's proof (the
// tenant, across tenants or not, the proof) and, unless the login is
// AppRole itself, switches to AppRole for the transaction (set_config('role')
// is SET LOCAL ROLE). A switch to the role already logged in changes nothing
// and cost a catalog lookup on every request.
// It is written with ? for GORM; numbered, with $1.., for the read pipeline.
func (s *Store) enterSQL(numberedForm bool) string {
	switch {
	case s.appLogin && numberedForm:
		return enterNumbered
	case s.appLogin:
		return enterPlain
	case numberedForm:
		return enterSwitchingNumbered
	}
	return enterSwitching
}

const (
	enterPlain     = "SELECT landlord_enter(?, ?, ?)"
	enterSwitching = "SELECT set_config('role', '" + AppRole + "', true), landlord_enter(?, ?, ?)"
)

// Numbered once, not on every request.
var enterNumbered, enterSwitchingNumbered = numbered(enterPlain), numbered(enterSwitching)
