package tenancy_test

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
	"landlord/models/tenancy"
)

func TestEachInstallationsRoleIsNamedApart(t *testing.T) {
	long := strings.Repeat("x", 60)
	cases := [][2]string{
		{"landlord", "public"}, {"landlord_prod", "public"}, {"landlord", "prod"}, {"landlord_prod", "acme"},
		{"landlord", "prod_acme"}, {"landlord_prod_acme", "public"}, {"Landlord", "public"}, {"land-lord", "public"},
		{"land_lord", "public"}, {"land__lord", "public"}, {"land", "_lord"}, {long, "public"}, {long + "y", "public"}, {long, "a"},
	}
	seen := map[string][2]string{}
	for _, c := range cases {
		name := tenancy.RoleName(c[0], c[1])
		if !tenancy.ValidRoleName(name) {
			t.Errorf("RoleName(%q, %q) = %q: not a plain role name of at most 63", c[0], c[1], name)
		}
		if other, ok := seen[name]; ok {
			t.Errorf("RoleName(%q, %q) = RoleName(%q, %q) = %q", c[0], c[1], other[0], other[1], name)
		}
		seen[name] = c
	}
	if got := tenancy.RoleName("landlord", "public"); got != "landlord_app_landlord" {
		t.Errorf("the usual installation's role: %q", got)
	}
}

// TestAnInstallationOnTheSharedRoleMovesItsGrantsToItsOwn migrates an
// installation as before each had its own role (everything granted to
// landlord_app), then starts it as now: its own role gets those grants and
// serves, and landlord_app, which other installations may still use, keeps
// none here.
func TestAnInstallationOnTheSharedRoleMovesItsGrantsToItsOwn(t *testing.T) {
	dsn := storetest.Schema(t)
	ctx := context.Background()
	old, err := models.Open(models.Options{PostgresURL: dsn, AppRole: tenancy.LegacyAppRole, AuditKey: storetest.AuditKey})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sys := storetest.System(ctx)
	if _, err := old.CreateTenant(sys, models.NewTenant{Subdomain: "acme", Name: "Acme"}); err != nil {
		t.Fatal(err)
	}
	old.Close()
	admin, err := sql.Open("pgx", os.Getenv(storetest.EnvURL))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	schema := dsnSchema(t, dsn)
	grants := func(role string) (n int) {
		t.Helper()
		err := admin.QueryRow(`SELECT
			(SELECT count(*) FROM pg_class c, aclexplode(c.relacl) a WHERE c.relnamespace = $2::regnamespace AND a.grantee = $1::regrole) +
			(SELECT count(*) FROM pg_proc p, aclexplode(p.proacl) a WHERE p.pronamespace = $2::regnamespace AND a.grantee = $1::regrole) +
			(SELECT count(*) FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.oid = $2::regnamespace AND a.grantee = $1::regrole)`,
			role, schema).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := grants(tenancy.LegacyAppRole)
	if before == 0 {
		t.Fatal("the installation as before granted landlord_app nothing: the test could not fail")
	}

	s, err := models.Open(models.Options{PostgresURL: dsn, AuditKey: storetest.AuditKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if s.AppRole() == tenancy.LegacyAppRole {
		t.Fatalf("the installation still runs as %s", s.AppRole())
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate onto its own role: %v", err)
	}
	if n := grants(tenancy.LegacyAppRole); n != 0 {
		t.Errorf("landlord_app keeps %d of its %d grants here", n, before)
	}
	if n := grants(s.AppRole()); n != before {
		t.Errorf("%s holds %d grants, landlord_app held %d", s.AppRole(), n, before)
	}
	if err := s.UseRequestRole(ctx, "", "adopted request role password"); err != nil {
		t.Fatal(err)
	}
	// Request traffic, as the new role: the registry, a tenant's writes with
	// their audit events, a session and its check.
	user, err := s.SetAdminPassword(sys, "acme", "ops@acme.example", "correct horse battery")
	if err != nil {
		t.Fatalf("a write as %s: %v", s.AppRole(), err)
	}
	acme, err := s.TenantBySubdomain(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.OpenSession(models.WithTenant(ctx, acme.ID), user, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, got, err := s.SessionUser(ctx, "acme", id); err != nil || got.ID != user.ID {
		t.Fatalf("the session check as %s: %v", s.AppRole(), err)
	}
}

func dsnSchema(t *testing.T, dsn string) string {
	t.Helper()
	i := strings.Index(dsn, "search_path=")
	if i < 0 {
		t.Fatalf("no search_path in %s", dsn)
	}
	return strings.SplitN(dsn[i+len("search_path="):], "&", 2)[0]
}

func TestAGivenRequestRoleIsTheOneRequestTrafficRunsAs(t *testing.T) {
	dsn := storetest.Schema(t)
	if _, err := tenancy.Open(tenancy.Options{PostgresURL: dsn, AppRole: "app; DROP ROLE x"}); err == nil || !strings.Contains(err.Error(), "request role") {
		t.Errorf("a request role that is no plain name: %v, want it refused", err)
	}
	admin, err := sql.Open("pgx", os.Getenv(storetest.EnvURL))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	role := "landlord_given_" + strings.ToLower(dsnSchema(t, dsn))
	ctx := context.Background()
	s, err := models.Open(models.Options{PostgresURL: dsn, AppRole: role, AuditKey: storetest.AuditKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		admin.Exec("DROP SCHEMA " + dsnSchema(t, dsn) + " CASCADE")
		admin.Exec("DROP ROLE IF EXISTS " + role)
	})
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.UseRequestRole(ctx, "", "given request role password"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := admin.QueryRow("SELECT count(*) FROM pg_stat_activity WHERE usename = $1", role).Scan(&n); err != nil || n == 0 || s.AppRole() != role {
		t.Fatalf("request traffic runs as %s with %d connections as %s (%v)", s.AppRole(), n, role, err)
	}
	if _, err := s.CreateTenant(storetest.System(ctx), models.NewTenant{Subdomain: "acme", Name: "Acme"}); err != nil {
		t.Fatalf("a write as %s: %v", role, err)
	}
}
