// Package tenancy is Landlord's tenant-isolation core: what keeps one tenant's
// rows from another's. It holds the context that carries the tenant
// (WithTenant, AcrossTenants), the database connections and the request role,
// the scoping callbacks, the key of row-level security and the signed tenant
// entry, and the read pipeline. Domain code reaches the database only
// through its doors: a transaction in the context's tenant (Tx, InTenant),
// across tenants inside one (Across), the registry outside any transaction
// (Registry), the read pipeline (ReadRows, ReadSQL, QueryRow, Pipeline), and
// the owner's connection for migrations and the command line (Owner,
// OwnerTx). It knows no domain type: the tenant tables are given to Open.
package tenancy

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
	"runtime"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Options say which database to open. An empty PostgresURL means the embedded
// SQLite database at SQLitePath.
type Options struct {
	PostgresURL string
	SQLitePath  string
	// Tables are the tenant-owned models the scoping callbacks guard.
	Tables []any
	// Register, if set, installs further callbacks on every pool opened.
	Register func(db *gorm.DB) error
	// AppRole names the request role on PostgreSQL (LANDLORD_APP_ROLE); ""
	// names it from the database and schema (RoleName).
	AppRole string
	// MaxConns is the most connections the request role's pool keeps; 0:
	// DefaultMaxConns.
	MaxConns int
}

// PoolStats are the request traffic pool's figures: its size, the
// connections in use and the waits for one.
func (d *DB) PoolStats() sql.DBStats { return d.sqlDB.Stats() }

// DefaultMaxConns is the request role's pool size unless set: four per CPU.
// A request's backend waits on the network and the server for part of its
// turn, so a few per core keep the cores busy; many more do not run sooner,
// they queue in the kernel, where the slowest requests' time goes (on two
// cores, 20 connections gave /users a p99 six times the floor's, 8 two
// times at the same throughput, 4 lost an eighth of it: docs/benchmarks.md).
func DefaultMaxConns() int { return 4 * runtime.NumCPU() }

// DB is one installation's database: the request traffic's pool and the owner's.
type DB struct {
	db       *gorm.DB // request traffic: on PostgreSQL, as the request role once UseRequestRole ran
	owner    *gorm.DB // migrations and the key: the database URL's own role; a server closes it once up (CloseOwner)
	sqlDB    *sql.DB  // db's pool, for the read pipeline, which skips GORM
	postgres bool
	pgURL    string
	tables   []any
	register func(db *gorm.DB) error
	maxConns int
	rlsKey   []byte // see enter.go
	// appRole is this installation's request role (see role.go), and the
	// entry that switches to it, in both forms (see enterSQL).
	appRole                                string
	enterSwitching, enterSwitchingNumbered string
	// appLogin: request traffic logs in as appRole itself, so a transaction
	// need not switch to it (see enterSQL).
	appLogin bool
	// ownerClosed: the owner's pool was closed once the server was up
	// (CloseOwner); nothing may reach it any more.
	ownerClosed atomic.Bool
}

// Open connects to the database and installs tenant scoping. It does not migrate.
func Open(opts Options) (*DB, error) {
	if opts.AppRole != "" && !ValidRoleName(opts.AppRole) {
		return nil, fmt.Errorf("request role %q: expected lower-case letters, digits and _, at most 63", opts.AppRole)
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
		SkipDefaultTransaction: true, // every write already runs in a door's own transaction
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
	d := &DB{db: db, owner: db, sqlDB: sqlDB, postgres: opts.PostgresURL != "", pgURL: opts.PostgresURL,
		tables: opts.Tables, register: opts.Register, maxConns: opts.MaxConns}
	if d.maxConns <= 0 {
		d.maxConns = DefaultMaxConns()
	}
	if d.postgres {
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(20)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		// SQLite takes one writer at a time; one connection serialises writers
		// instead of failing them with SQLITE_BUSY.
		sqlDB.SetMaxOpenConns(1)
	}
	if err := d.install(db); err != nil {
		sqlDB.Close()
		return nil, err
	}
	if d.postgres {
		if err := d.nameAppRole(context.Background(), opts.AppRole); err != nil {
			sqlDB.Close()
			return nil, err
		}
	}
	return d, nil
}

// install puts the scoping callbacks, and the caller's, on a pool.
func (d *DB) install(db *gorm.DB) error {
	if err := RegisterScope(db, d.tables); err != nil {
		return err
	}
	if d.register != nil {
		return d.register(db)
	}
	return nil
}

// Postgres says whether the database is PostgreSQL (else SQLite).
func (d *DB) Postgres() bool { return d.postgres }

// Dialect names the database in use: "postgres" or "sqlite".
func (d *DB) Dialect() string {
	if d.postgres {
		return "postgres"
	}
	return "sqlite"
}

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
func (d *DB) CloseOwner() error {
	if !d.postgres || d.ownerClosed.Load() {
		return nil
	}
	if d.owner == d.db {
		return errors.New("close the owner's connection: request traffic still uses it (UseRequestRole first)")
	}
	ownerDB, err := d.owner.DB()
	if err != nil {
		return err
	}
	d.ownerClosed.Store(true)
	return ownerDB.Close()
}

// ownerDB is the owner's connection, for migrations, the key and the command line.
func (d *DB) ownerDB() (*gorm.DB, error) {
	if d.ownerClosed.Load() {
		return nil, ErrOwnerClosed
	}
	return d.owner, nil
}

// Close closes the connection pools.
func (d *DB) Close() error {
	err := d.sqlDB.Close()
	if d.owner != d.db && !d.ownerClosed.Load() {
		if ownerDB, ownerErr := d.owner.DB(); ownerErr == nil {
			err = errors.Join(err, ownerDB.Close())
		}
	}
	return err
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	return d.sqlDB.PingContext(ctx)
}

// RequestRolePassword is the password of the request role's login, derived from the
// server's secret so that every replica computes the same one.
func RequestRolePassword(secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("landlord request role password"))
	return hex.EncodeToString(m.Sum(nil))
}

// UseRequestRole moves request traffic (everything but migrations) onto a
// connection pool that logs in as a role row-level security binds: appURL if
// given (LANDLORD_APP_DATABASE_URL, for owners that may not create roles; a
// member of the request role), else the request role itself, given a login
// with this password by the owner. The role is this installation's alone, so
// its password is too. It checks the
// role is neither superuser, BYPASSRLS nor owner of any table, so that SQL run
// on a request's connection (RESET ROLE included) cannot step around the
// policies. Nothing to do on SQLite.
func (d *DB) UseRequestRole(ctx context.Context, appURL, password string) error {
	if !d.postgres {
		return nil
	}
	owner, err := d.ownerDB()
	if err != nil {
		return err
	}
	if appURL == "" {
		u, err := url.Parse(d.pgURL)
		if err != nil {
			return err
		}
		// The password is hex, so it is safe in the literal ALTER ROLE needs.
		err = owner.WithContext(Internal(ctx)).Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(7405322)").Error; err != nil {
				return err
			}
			return tx.Exec("ALTER ROLE " + d.appRole + " WITH LOGIN PASSWORD '" + hex.EncodeToString([]byte(password)) + "'").Error
		})
		if err != nil {
			return fmt.Errorf("give %s a login (or set LANDLORD_APP_DATABASE_URL): %w", d.appRole, err)
		}
		u.User = url.UserPassword(d.appRole, hex.EncodeToString([]byte(password)))
		appURL = u.String()
	}
	db, err := gorm.Open(postgres.Open(withApplicationName(appURL, requestApplicationName)), d.db.Config)
	if err != nil {
		return fmt.Errorf("request role: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	sqlDB.SetMaxOpenConns(d.maxConns)
	sqlDB.SetMaxIdleConns(d.maxConns)
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
		err = d.install(db)
	}
	if err != nil {
		sqlDB.Close()
		return fmt.Errorf("request role: %w", err)
	}
	d.db, d.sqlDB, d.appLogin = db, sqlDB, who.Name == d.appRole
	return nil
}
