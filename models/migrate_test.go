package models_test

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"landlord/models"
	"landlord/models/storetest"
)

var updateSchema = flag.Bool("update-schema", false, "rewrite testdata/schema.*.txt from a fresh migration")

// The schema a fresh install migrates to, as PostgreSQL's and SQLite's
// catalogues tell it, is the one recorded in testdata/schema.<dialect>.txt:
// the migrations' text can move (from Go strings to files) without any
// installation seeing a difference. A new migration changes the record; run
// the test with -update-schema and read the diff.
func TestAFreshMigrationGivesTheRecordedSchema(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		got := schemaOf(t, s, d)
		golden := filepath.Join("testdata", "schema."+d+".txt")
		if *updateSchema {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Fatalf("the migrated schema differs from %s (a new migration? run with -update-schema and read the diff):\n%s", golden, lineDiff(string(want), got))
		}
	})
}

// A database that the Go-built migrations (before they became SQL files)
// brought up to version 16, with a tenant and its admin, needs none of the
// steps it ran: only later ones run (17 on), the schema is the recorded one,
// and its admin still signs in. testdata/before-sql-files.<dialect>.sql is that
// database, dumped; see testdata/README.md.
func TestADatabaseMigratedBeforeTheSQLFilesHasNothingToDo(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		opts := models.Options{AuditKey: []byte("storetest audit key, 32 bytes or more")}
		dump, err := os.ReadFile(filepath.Join("testdata", "before-sql-files."+d+".sql"))
		if err != nil {
			t.Fatal(err)
		}
		// Installations before this one shared the cluster's landlord_app; the
		// migration hands its grants to this installation's own role.
		text := strings.ReplaceAll(string(dump), "{{app_role}}", "landlord_app")
		if d == "postgres" {
			opts.PostgresURL = storetest.Schema(t)
			u, err := url.Parse(opts.PostgresURL)
			if err != nil {
				t.Fatal(err)
			}
			schema := u.Query().Get("search_path")
			// The dump makes its schema itself.
			storetest.ExecAt(t, opts, "DROP SCHEMA "+schema)
			storetest.ExecAt(t, opts, `DO $$ BEGIN CREATE ROLE landlord_app NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`)
			text = strings.ReplaceAll(text, "{{schema}}", schema)
		} else {
			opts.SQLitePath = filepath.Join(t.TempDir(), "landlord.db")
		}
		storetest.ExecAt(t, opts, text)

		s, err := models.Open(opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		ctx := context.Background()
		applied, err := s.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range applied {
			if v <= 16 {
				t.Fatalf("migrating the earlier database applied %v, want only steps after 16", applied)
			}
		}
		want, err := os.ReadFile(filepath.Join("testdata", "schema."+d+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		if got := schemaOf(t, s, d); got != string(want) {
			t.Fatalf("the earlier database's schema differs from a fresh one's:\n%s", lineDiff(string(want), got))
		}
		if err := s.UseRequestRole(ctx, "", "test request role password"); err != nil {
			t.Fatal(err)
		}
		acme, err := s.TenantBySubdomain(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.LogIn(ctx, models.LoginAttempt{Host: acme, Login: "admin@acme.example", Password: storetest.Password}); err != nil {
			t.Fatalf("the earlier database's admin cannot sign in: %v", err)
		}
	})
}

// Two server processes starting at once on a fresh database migrate it
// once between them: each step runs in one of them, and neither fails.
func TestTwoProcessesMigratingAtOnceRunEachStepOnce(t *testing.T) {
	opts := models.Options{PostgresURL: storetest.Schema(t), AuditKey: storetest.AuditKey}
	const processes = 3
	var (
		wg      sync.WaitGroup
		applied [processes][]int
		errs    [processes]error
	)
	stores := make([]*models.Store, processes)
	for i := range stores {
		s, err := models.Open(opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores[i] = s
	}
	for i, s := range stores {
		wg.Go(func() { applied[i], errs[i] = s.Migrate(context.Background()) })
	}
	wg.Wait()
	var all []int
	for i := range stores {
		if errs[i] != nil {
			t.Errorf("process %d: %v", i, errs[i])
		}
		all = append(all, applied[i]...)
	}
	slices.Sort(all)
	var versions []int
	if err := stores[0].OwnerDBForTest().WithContext(models.AcrossTenants(context.Background(), "test: read the versions")).
		Raw("SELECT version FROM schema_migrations ORDER BY version").Scan(&versions).Error; err != nil {
		t.Fatal(err)
	}
	if len(versions) == 0 || fmt.Sprint(all) != fmt.Sprint(versions) {
		t.Fatalf("the processes applied %v between them; recorded: %v", all, versions)
	}
}

// schemaOf describes the store's schema from the database's catalogue, in a
// text that does not depend on the schema's or the owner's name: tables,
// columns, constraints, indexes, triggers, row-level security and its
// policies, functions, privileges (a default one spelled out, as a dump
// restores it), and the rows migrations write.
// landlord_session_check is left out: it is no migration, each start
// rebuilds it from the code.
func schemaOf(t *testing.T, s *models.Store, dialect string) string {
	t.Helper()
	db := s.OwnerDBForTest().WithContext(models.AcrossTenants(context.Background(), "test: read the catalogue"))
	var b strings.Builder
	section := func(title, query string) {
		fmt.Fprintf(&b, "## %s\n", title)
		for _, l := range catalogRows(t, db, query) {
			b.WriteString(l + "\n")
		}
	}
	if dialect == "sqlite" {
		section("objects", `SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name`)
	} else {
		const ns = `current_schema()::regnamespace`
		const acl = `(SELECT coalesce(string_agg(g || ':' || privilege_type, ',' ORDER BY g, privilege_type), '')
			FROM (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' WHEN a.grantee = %[1]s THEN '{{owner}}' ELSE pg_get_userbyid(a.grantee) END AS g,
				a.privilege_type FROM aclexplode(coalesce(%[2]s, acldefault(%[3]s, %[1]s))) a) x)`
		section("schema", `SELECT `+fmt.Sprintf(acl, "n.nspowner", "n.nspacl", "'n'")+` FROM pg_namespace n WHERE n.oid = `+ns)
		section("relations", `SELECT c.relname, c.relkind::text, c.relrowsecurity::text, c.relforcerowsecurity::text,
			CASE WHEN c.relkind IN ('r', 'S') THEN `+fmt.Sprintf(acl, "c.relowner", "c.relacl", "CASE c.relkind WHEN 'S' THEN 's'::\"char\" ELSE 'r'::\"char\" END")+` ELSE '' END
			FROM pg_class c WHERE c.relnamespace = `+ns+` ORDER BY c.relname`)
		section("columns", `SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, '')
			FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
		section("constraints", `SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
			FROM pg_constraint WHERE connamespace = `+ns+` ORDER BY 1, 2`)
		section("indexes", `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1, 2`)
		section("triggers", `SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid)
			FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = `+ns+`) ORDER BY 1, 2`)
		section("policies", `SELECT tablename, policyname, permissive, roles::text, cmd, coalesce(qual, ''), coalesce(with_check, '')
			FROM pg_policies WHERE schemaname = current_schema() ORDER BY 1, 2`)
		section("functions", `SELECT p.oid::regprocedure::text, p.prosecdef::text, `+fmt.Sprintf(acl, "p.proowner", "p.proacl", "'f'")+`,
			coalesce(obj_description(p.oid, 'pg_proc'), ''), pg_get_functiondef(p.oid)
			FROM pg_proc p WHERE p.pronamespace = `+ns+` AND p.proname <> 'landlord_session_check' ORDER BY 1`)
	}
	section("schema_migrations", `SELECT version, name FROM schema_migrations ORDER BY version`)
	section("tenant_roles", `SELECT id, name, description, permissions, name_skeleton FROM tenant_roles ORDER BY id`)
	out := b.String()
	if dialect == "postgres" {
		var schema, owner string
		if err := db.Raw("SELECT current_schema(), current_user").Row().Scan(&schema, &owner); err != nil {
			t.Fatal(err)
		}
		out = strings.ReplaceAll(out, schema+".", "{{schema}}.")
		out = strings.ReplaceAll(out, `"`+schema+`".`, "{{schema}}.")
	}
	if s.AppRole() == "" { // SQLite has no roles
		return out
	}
	return strings.ReplaceAll(out, s.AppRole(), "{{app_role}}")
}

// catalogRows runs query and returns each row as its columns joined by " | ".
func catalogRows(t *testing.T, db *gorm.DB, query string) []string {
	t.Helper()
	rows, err := db.Raw(query).Rows()
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = v.String
		}
		out = append(out, strings.Join(parts, " | "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// lineDiff lists the lines only want has (-) and only got has (+).
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for _, l := range w {
		if !slices.Contains(g, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
