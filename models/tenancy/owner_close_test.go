package tenancy_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
)

// uniqueApplicationName gives the test's database URL an application_name
// no other process uses, so pg_stat_activity shows this store's connections
// only (other tests and servers may share the cluster).
func uniqueApplicationName(t *testing.T, dsn string) (string, string) {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	name := "landlord-test-" + hex.EncodeToString(b)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String(), name
}

// connectionsOf counts the backends of application_name by role: the
// request role's (role) and every other (the owner's).
func connectionsOf(t *testing.T, name, role string) (request, owner int) {
	t.Helper()
	admin, err := sql.Open("pgx", os.Getenv(storetest.EnvURL))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	err = admin.QueryRow(`SELECT count(*) FILTER (WHERE usename = $2), count(*) FILTER (WHERE usename <> $2)
		FROM pg_stat_activity WHERE application_name = $1`, name, role).Scan(&request, &owner)
	if err != nil {
		t.Fatal(err)
	}
	return request, owner
}

// noOwnerConnectionOf waits until application_name has no connection of the
// owner left (a backend ends shortly after its client closes it).
func noOwnerConnectionOf(t *testing.T, name, role string) (request int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		request, owner := connectionsOf(t, name, role)
		if owner == 0 {
			return request
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections of the owner still open under %s after the owner's pool was closed", owner, name)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestClosingTheOwnersPoolLeavesOnlyTheRequestRolesConnections(t *testing.T) {
	dsn, name := uniqueApplicationName(t, storetest.Schema(t))
	s, err := models.Open(models.Options{PostgresURL: dsn, AuditKey: storetest.AuditKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.UseRequestRole(ctx, "", "test request role password"); err != nil {
		t.Fatal(err)
	}
	if _, owner := connectionsOf(t, name, s.AppRole()); owner == 0 {
		t.Fatal("the owner has no connection before it is closed: the count below could not fail")
	}
	if err := s.CloseOwner(); err != nil {
		t.Fatal(err)
	}
	if err := s.CloseOwner(); err != nil {
		t.Fatalf("closing twice: %v", err)
	}
	// Request traffic goes on as the request role.
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping after closing the owner: %v", err)
	}
	if _, err := s.TenantBySubdomain(ctx, models.MasterSubdomain); err != nil {
		t.Fatalf("a read after closing the owner: %v", err)
	}
	if request := noOwnerConnectionOf(t, name, s.AppRole()); request == 0 {
		t.Error("no connection of the request role either: the query finds nothing at all")
	}
	// Whatever needs the owner is refused rather than reopening it.
	sys := storetest.System(ctx)
	if _, err := s.ArchiveAudit(sys, models.MasterSubdomain, time.Now(), &bytes.Buffer{}); !errors.Is(err, models.ErrOwnerClosed) {
		t.Errorf("archive after closing the owner: %v, want ErrOwnerClosed", err)
	}
	if _, err := s.Migrate(ctx); !errors.Is(err, models.ErrOwnerClosed) {
		t.Errorf("migrate after closing the owner: %v, want ErrOwnerClosed", err)
	}
	if err := s.UseRequestRole(ctx, "", "test request role password"); !errors.Is(err, models.ErrOwnerClosed) {
		t.Errorf("a new request role login after closing the owner: %v, want ErrOwnerClosed", err)
	}
	if _, owner := connectionsOf(t, name, s.AppRole()); owner != 0 {
		t.Errorf("the refused calls opened %d connections of the owner", owner)
	}
}

func TestOwnersPoolIsNotClosedWhileRequestTrafficUsesIt(t *testing.T) {
	s, err := models.Open(models.Options{PostgresURL: storetest.Schema(t), AuditKey: storetest.AuditKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.CloseOwner(); err == nil {
		t.Fatal("closed the owner's pool while it was the only one")
	}
	if _, err := s.TenantBySubdomain(ctx, models.MasterSubdomain); err != nil {
		t.Fatalf("the store no longer answers: %v", err)
	}
}

func TestEachPoolNamesItselfToPostgreSQL(t *testing.T) {
	s := storetest.Open(t, "postgres")
	name := func(db interface {
		QueryRow(string, ...any) *sql.Row
	}) string {
		var n string
		if err := db.QueryRow("SELECT current_setting('application_name')").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	owner, err := storetest.Core(t, s).OwnerGormForTest().DB()
	if err != nil {
		t.Fatal(err)
	}
	request, err := storetest.Core(t, s).GormForTest().DB()
	if err != nil {
		t.Fatal(err)
	}
	if got := name(owner); got != "landlord-owner" {
		t.Errorf("the owner's pool is %q", got)
	}
	if got := name(request); got != "landlord" {
		t.Errorf("the request role's pool is %q", got)
	}
}

func TestClosingTheOwnerOnSQLiteChangesNothing(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	if err := s.CloseOwner(); err != nil {
		t.Fatal(err)
	}
	// One handle serves everything: the command line's archive still runs.
	if _, err := s.ArchiveAudit(storetest.System(context.Background()), models.MasterSubdomain, time.Now(), &bytes.Buffer{}); err != nil {
		t.Fatalf("archive on SQLite after CloseOwner: %v", err)
	}
}
