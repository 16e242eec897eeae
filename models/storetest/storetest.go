// Package storetest opens real databases for tests: an SQLite file per test, and
// a fresh schema per test in the PostgreSQL that LANDLORD_TEST_DATABASE_URL names.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/glebarez/sqlite"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver for the schema set-up
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"landlord/models"
	"landlord/models/tenancy"
)

// EnvURL names the PostgreSQL the tests use.
const EnvURL = "LANDLORD_TEST_DATABASE_URL"

// AuditKey is the audit key of every store Open makes.
var AuditKey = []byte("storetest audit key, 32 bytes or more")

// Dialects are the databases every store test runs on.
var Dialects = []string{"sqlite", "postgres"}

// ForEachDialect runs fn as a subtest on every database.
func ForEachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) { fn(t, d) })
	}
}

// System is ctx acting as the system, as the command line does: allowed to
// make cross-tenant changes such as creating tenants.
func System(ctx context.Context) context.Context {
	return models.WithActor(ctx, models.SystemActor("test"))
}

// Password is the password of every user the fixtures make.
const Password = "correct horse battery staple"

// Fixture is the usual two-tenant world: the master admin root@example.com,
// and tenants acme ("Acme Corp") and beta ("Beta Corp") with one full-rights
// admin each, admin@acme.example and admin@beta.example.
type Fixture struct {
	Acme, Beta           *models.Tenant
	Root                 *models.User
	AcmeAdmin, BetaAdmin *models.User
}

// TwoTenants makes the usual two-tenant world in s.
func TwoTenants(t testing.TB, s *models.Store) Fixture {
	t.Helper()
	ctx := System(context.Background())
	var f Fixture
	var err error
	if f.Root, err = s.SetAdminPassword(ctx, models.MasterSubdomain, "root@example.com", Password); err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		sub, name string
		tenant    **models.Tenant
		admin     **models.User
	}{{"acme", "Acme Corp", &f.Acme, &f.AcmeAdmin}, {"beta", "Beta Corp", &f.Beta, &f.BetaAdmin}} {
		if *x.tenant, err = s.CreateTenant(ctx, models.NewTenant{Subdomain: x.sub, Name: x.name}); err != nil {
			t.Fatal(err)
		}
		if *x.admin, err = s.SetAdminPassword(ctx, x.sub, "admin@"+x.sub+".example", Password); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// Open returns a migrated store on dialect. Without LANDLORD_TEST_DATABASE_URL the
// PostgreSQL case is skipped locally and fails in CI; when it is set, an
// unreachable database fails the test.
func Open(t testing.TB, dialect string) *models.Store {
	t.Helper()
	opts := models.Options{AuditKey: AuditKey}
	switch dialect {
	case "sqlite":
		opts.SQLitePath = filepath.Join(t.TempDir(), "landlord.db")
	case "postgres":
		opts.PostgresURL = Schema(t)
	default:
		t.Fatalf("unknown dialect %q", dialect)
	}
	return openAt(t, opts)
}

// Reconnect opens s's database again as Open does, with fresh connections:
// for a test that changed the schema under s, whose connections keep the
// statements they prepared on the tables as they were.
func Reconnect(t testing.TB, s *models.Store) *models.Store {
	t.Helper()
	return openAt(t, load(t, s).opts)
}

func openAt(t testing.TB, opts models.Options) *models.Store {
	t.Helper()
	core, err := tenancy.Open(models.TenancyOptions(opts))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	s, err := models.New(core, opts.AuditKey)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	opened.Store(s, openedStore{opts, core})
	t.Cleanup(func() { opened.Delete(s); s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	// Request traffic as in production: on PostgreSQL a login role that
	// row-level security binds.
	if err := s.UseRequestRole(context.Background(), "", "test request role password"); err != nil {
		t.Fatalf("request role: %v", err)
	}
	return s
}

// opened remembers where each store from Open keeps its data, for fixtures
// that set up rows the store's own API cannot write yet, and its core.
var opened sync.Map // *models.Store → openedStore

type openedStore struct {
	opts models.Options
	core *tenancy.DB
}

// Core is the tenancy core s runs on, for tests of the isolation itself.
func Core(t testing.TB, s *models.Store) *tenancy.DB {
	t.Helper()
	return load(t, s).core
}

func load(t testing.TB, s *models.Store) openedStore {
	t.Helper()
	v, ok := opened.Load(s)
	if !ok {
		t.Fatal("storetest: the store was not opened by storetest.Open")
	}
	return v.(openedStore)
}

// RenameUser gives the user with this email another username, behind the
// store's back: the store has no operation for it yet, and tests need users
// whose username is not their email.
func RenameUser(t testing.TB, s *models.Store, email, username string) {
	t.Helper()
	db := direct(t, s)
	res := db.Exec("UPDATE users SET username = ? WHERE lower(email) = lower(?)", username, email)
	if res.Error != nil || res.RowsAffected != 1 {
		t.Fatalf("storetest.RenameUser %s to %s: %d rows, %v", email, username, res.RowsAffected, res.Error)
	}
}

// Column returns every value of a table's column, read behind the store's
// back, for tests of what the store keeps (global tables; on PostgreSQL the
// test's superuser sees every tenant's rows too).
func Column(t testing.TB, s *models.Store, table, column string) []string {
	t.Helper()
	var values []string
	if err := direct(t, s).Table(table).Order(column).Pluck(column, &values).Error; err != nil {
		t.Fatalf("storetest.Column %s.%s: %v", table, column, err)
	}
	return values
}

// direct opens the store's database without the store: no tenant scoping,
// and on PostgreSQL as the test's superuser, whom row-level security does not
// bind. It is closed when the test ends.
func direct(t testing.TB, s *models.Store) *gorm.DB {
	t.Helper()
	return dial(t, load(t, s).opts)
}

// ExecAt runs one statement on the database opts names, as Exec does, for
// tests that reach the database through the program rather than a store.
func ExecAt(t testing.TB, opts models.Options, query string, args ...any) int64 {
	t.Helper()
	res := dial(t, opts).Exec(query, args...)
	if res.Error != nil {
		t.Fatalf("storetest.ExecAt %q: %v", query, res.Error)
	}
	return res.RowsAffected
}

func dial(t testing.TB, opts models.Options) *gorm.DB {
	t.Helper()
	var dialector gorm.Dialector
	if opts.PostgresURL != "" {
		dialector = postgres.Open(opts.PostgresURL)
	} else {
		dialector = sqlite.Open(opts.SQLitePath + "?_pragma=busy_timeout(10000)")
	}
	db, err := gorm.Open(dialector, &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	if sqlDB, err := db.DB(); err == nil {
		t.Cleanup(func() { sqlDB.Close() })
	}
	return db
}

// cluster is the PostgreSQL the tests use, reachable: without
// LANDLORD_TEST_DATABASE_URL the test is skipped locally and fails in CI.
func cluster(t testing.TB) (*sql.DB, string) {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		// In CI a skip would pass a run that never touched PostgreSQL.
		if os.Getenv("CI") != "" {
			t.Fatal(EnvURL + " is not set: CI must run the PostgreSQL tests; point it at a PostgreSQL, like postgres://postgres@127.0.0.1:5432/test")
		}
		t.Skip(EnvURL + " is not set; PostgreSQL tests skipped (CI sets it)")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	if err := admin.Ping(); err != nil {
		admin.Close()
		t.Fatalf("PostgreSQL at %s unreachable: %v", EnvURL, err)
	}
	return admin, base
}

// Database creates an empty database of its own for this test, on the
// cluster LANDLORD_TEST_DATABASE_URL names, and returns its URL: a separate
// installation, as another on the same cluster would be. The database and
// the request role named from it are dropped when the test ends.
func Database(t testing.TB) string {
	t.Helper()
	admin, base := cluster(t)
	b := make([]byte, 6)
	rand.Read(b)
	name := "landlord_t_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Exec("DROP ROLE IF EXISTS " + tenancy.RoleName(name, "public"))
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	u.Path = "/" + name
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String()
}

// Schema creates an empty schema for this test and returns a URL whose
// search_path points at it. The schema, and the request role named from it,
// are dropped when the test ends.
func Schema(t testing.TB) string {
	t.Helper()
	admin, base := cluster(t)
	b := make([]byte, 6)
	rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + name); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	var database string
	if err := admin.QueryRow("SELECT current_database()").Scan(&database); err != nil {
		t.Fatalf("current database: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + name + " CASCADE")
		// Each installation, so each test's schema, has a request role of
		// its own; roles are the cluster's, so it goes with the schema.
		admin.Exec("DROP ROLE IF EXISTS " + tenancy.RoleName(database, name))
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// Reopen opens s's database again with another audit key, migrating it as a
// process started with that key would; the error is Migrate's.
func Reopen(t testing.TB, s *models.Store, auditKey []byte) (*models.Store, error) {
	t.Helper()
	opts := load(t, s).opts
	opts.AuditKey = auditKey
	s2, err := models.Open(opts)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { s2.Close() })
	_, err = s2.Migrate(context.Background())
	return s2, err
}

// RoleOf is the request role of the installation whose database URL is dsn
// (as Schema gives it): named from its database and search_path.
func RoleOf(t testing.TB, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	if schema == "" {
		schema = "public"
	}
	return tenancy.RoleName(strings.TrimPrefix(u.Path, "/"), schema)
}

// URL is the database URL s was opened with ("" on SQLite): for a test that
// holds its own connection beside the store's, as another process would.
func URL(t testing.TB, s *models.Store) string {
	t.Helper()
	return load(t, s).opts.PostgresURL
}
