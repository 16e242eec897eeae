package tenancy_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"landlord/models/storetest"
)

// Row-level security is PostgreSQL's; SQLite has no counterpart to test.
func TestPostgresRowLevelSecurityConfinesTheAppRole(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		d := "postgres"
		w := setup(t, d)
		// The request pool: it logs in as the request role itself.
		sqlDB, err := w.core.GormForTest().DB()
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		var who string
		if err := sqlDB.QueryRow("SELECT current_user").Scan(&who); err != nil || who != w.core.AppRole() {
			t.Fatalf("request traffic logs in as %q (%v), want %s", who, err, w.core.AppRole())
		}

		var super, bypass bool
		if err := sqlDB.QueryRow("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1", w.core.AppRole()).Scan(&super, &bypass); err != nil {
			t.Fatal(err)
		}
		if super || bypass {
			t.Errorf("%s: rolsuper %v, rolbypassrls %v", w.core.AppRole(), super, bypass)
		}
		var owned int
		if err := sqlDB.QueryRow("SELECT count(*) FROM pg_tables WHERE tableowner = $1", w.core.AppRole()).Scan(&owned); err != nil {
			t.Fatal(err)
		}
		if owned != 0 {
			t.Errorf("%s owns %d tables", w.core.AppRole(), owned)
		}
		// Every table with a tenant_id column, present and future, has forced RLS.
		var tenantTables, forced int
		if err := sqlDB.QueryRow(`SELECT count(*), count(*) FILTER (WHERE c.relrowsecurity AND c.relforcerowsecurity)
			FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'
			WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'`).Scan(&tenantTables, &forced); err != nil {
			t.Fatal(err)
		}
		if tenantTables < 5 || forced != tenantTables {
			t.Errorf("%d of %d tenant tables have forced row-level security", forced, tenantTables)
		}

		// asApp runs fn in a transaction of the request role, entered into
		// tenant (with the server's proof) if tenant != 0.
		asApp := func(tenant uint64, fn func(q func(string, ...any) (int64, error)) error) error {
			tx, err := sqlDB.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			if tenant != 0 {
				if _, err := tx.Exec("SELECT landlord_enter($1, false, $2)", int64(tenant), w.core.EnterProof(tenant, false)); err != nil {
					return err
				}
			}
			return fn(func(sql string, args ...any) (int64, error) {
				if strings.HasPrefix(sql, "SELECT") {
					var n int64
					err := tx.QueryRow(sql, args...).Scan(&n)
					return n, err
				}
				res, err := tx.Exec(sql, args...)
				if err != nil {
					return 0, err
				}
				return res.RowsAffected()
			})
		}
		count := func(tenant uint64, table string) int64 {
			t.Helper()
			var n int64
			if err := asApp(tenant, func(q func(string, ...any) (int64, error)) error {
				var err error
				n, err = q("SELECT count(*) FROM " + table)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(0, "users"); n != 0 {
			t.Errorf("app role without tenant setting sees %d users, want 0", n)
		}
		if n := count(w.a.ID, "users"); n != 3 {
			t.Errorf("app role as acme sees %d users, want 3", n)
		}
		if n := count(w.b.ID, "roles"); n != 2 {
			t.Errorf("app role as beta sees %d roles, want 2", n)
		}
		// A previous transaction's setting does not linger on the connection.
		if n := count(0, "users"); n != 0 {
			t.Errorf("app role after a tenant transaction sees %d users, want 0", n)
		}

		rls := func(what, sql string, args ...any) {
			t.Helper()
			err := asApp(w.a.ID, func(q func(string, ...any) (int64, error)) error { _, err := q(sql, args...); return err })
			if err == nil || !strings.Contains(err.Error(), "row-level security") {
				t.Errorf("%s under acme's setting: %v, want a row-level security violation", what, err)
			}
		}
		rls("INSERT a user of beta", `INSERT INTO users (tenant_id, username, created_at, updated_at) VALUES ($1, 'mole', now(), now())`, w.b.ID)
		rls("UPDATE a user to beta", `UPDATE users SET tenant_id = $1 WHERE id = $2`, w.b.ID, w.anna.ID)
		// Beta's rows are invisible to UPDATE and DELETE: nothing to change.
		if err := asApp(w.a.ID, func(q func(string, ...any) (int64, error)) error {
			for _, sql := range []string{"UPDATE users SET last_name = 'Pwned' WHERE id = $1", "DELETE FROM users WHERE id = $1"} {
				n, err := q(sql, w.bob.ID)
				if err != nil {
					return err
				}
				if n != 0 {
					t.Errorf("%s of beta's user under acme's setting: %d rows", sql, n)
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// The audit log is append-only for the app role.
		if err := asApp(w.a.ID, func(q func(string, ...any) (int64, error)) error {
			_, err := q("DELETE FROM audit_events")
			return err
		}); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("app role DELETE FROM audit_events: %v, want permission denied", err)
		}

		// SQL on a request connection that forges every setting the policies
		// read sees no other tenant's row.
		forged := func(what string, setup ...string) {
			t.Helper()
			if err := asApp(0, func(q func(string, ...any) (int64, error)) error {
				for _, sql := range setup {
					if strings.HasPrefix(sql, "SELECT") {
						sql = "SELECT count(*) FROM (" + sql + ") s"
					}
					if _, err := q(sql); err != nil {
						return err
					}
				}
				for _, table := range []string{"users", "roles", "user_sessions", "audit_events"} {
					if n, err := q("SELECT count(*) FROM " + table); err != nil || n != 0 {
						t.Errorf("%s: %d rows of %s (%v)", what, n, table, err)
					}
				}
				if n, err := q("UPDATE tenants SET name = 'pwned'"); err != nil || n != 0 {
					t.Errorf("%s: renamed %d tenants (%v)", what, n, err)
				}
				return nil
			}); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		id := strconv.FormatUint(w.b.ID, 10)
		forged("a plain tenant id", "SELECT set_config('landlord.scope', '"+id+"', false)",
			"SELECT set_config('landlord.tenant_id', '"+id+"', false)")
		forged("the cross-tenant flags", "SELECT set_config('landlord.scope', '-1', false)",
			"SELECT set_config('landlord.across_tenants', 'on', false)")
		forged("a made-up signature", "SELECT set_config('landlord.scope', '"+id+":"+strings.Repeat("ab", 32)+"', true)")
		forged("a signature of another scope", "SELECT set_config('landlord.scope', '-1:"+strings.Repeat("cd", 32)+"', true)")
		forged("RESET ROLE", "RESET ROLE", "SELECT set_config('landlord.scope', '-1', true)")

		// A value that verified in one transaction, replayed in the next.
		var signed string
		tx, err := sqlDB.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec("SELECT landlord_enter($1, false, $2)", int64(w.b.ID), w.core.EnterProof(w.b.ID, false)); err != nil {
			t.Fatal(err)
		}
		if err := tx.QueryRow("SELECT current_setting('landlord.scope')").Scan(&signed); err != nil {
			t.Fatal(err)
		}
		tx.Rollback()
		if !strings.HasPrefix(signed, id+":") {
			t.Fatalf("entered scope %q", signed)
		}
		forged("a signed scope replayed from another transaction", "SELECT set_config('landlord.scope', '"+signed+"', true)")

		// Entering needs the server's proof.
		for _, c := range []struct {
			tenant uint64
			across bool
			proof  string
		}{{w.b.ID, false, "guess"}, {w.b.ID, false, w.core.EnterProof(w.a.ID, false)}, {0, true, w.core.EnterProof(0, false)}} {
			err := asApp(0, func(q func(string, ...any) (int64, error)) error {
				_, err := q("SELECT count(*) FROM (SELECT landlord_enter($1, $2, $3)) e", int64(c.tenant), c.across, c.proof)
				return err
			})
			if err == nil || !strings.Contains(err.Error(), "refused") {
				t.Errorf("entering %d (across %v) with a wrong proof: %v", c.tenant, c.across, err)
			}
		}
		// A tenant reads its own usage snapshots but writes none: only the
		// system's snapshot, across tenants, records them.
		storetest.Exec(t, w.s, "INSERT INTO usage_snapshots (tenant_id, day, users, resources, taken_at) VALUES (?, '2026-01-01', 1, 0, now())", w.a.ID)
		if n := count(w.a.ID, "usage_snapshots"); n != 1 {
			t.Errorf("a tenant reads %d of its usage snapshots, want 1", n)
		}
		for _, sql := range []string{
			"INSERT INTO usage_snapshots (tenant_id, day, users, resources, taken_at) VALUES ($1, '2026-01-02', 0, 0, now())",
			"UPDATE usage_snapshots SET users = 99 WHERE tenant_id = $1",
			"DELETE FROM usage_snapshots WHERE tenant_id = $1",
		} {
			err := asApp(w.a.ID, func(q func(string, ...any) (int64, error)) error {
				n, err := q(sql, int64(w.a.ID))
				if err == nil && n > 0 {
					return fmt.Errorf("%d rows changed", n)
				}
				if err == nil && strings.HasPrefix(sql, "INSERT") {
					return errors.New("inserted")
				}
				return nil
			})
			if err != nil && !strings.Contains(err.Error(), "row-level security") {
				t.Errorf("%s in the tenant's own scope: %v", sql, err)
			}
		}
		if n := count(w.a.ID, "usage_snapshots"); n != 1 {
			t.Errorf("after the tenant's writes it reads %d usage snapshots, want 1", n)
		}

		// The key, the signing function and the migrations are out of reach.
		for _, sql := range []string{
			// Nothing of its own can shadow what the SECURITY DEFINER functions call.
			"CREATE FUNCTION public.sha256(bytea) RETURNS bytea LANGUAGE sql AS 'SELECT $1'",
			"CREATE FUNCTION sha256(bytea) RETURNS bytea LANGUAGE sql AS 'SELECT $1'",
			"CREATE SCHEMA shadow",
			"SELECT count(*) FROM landlord_keys",
			"SELECT length(landlord_hmac('enter:1:false'))",
			"UPDATE schema_migrations SET name = 'x'",
			"DELETE FROM schema_migrations",
		} {
			err := asApp(0, func(q func(string, ...any) (int64, error)) error { _, err := q(sql); return err })
			if err == nil || !strings.Contains(err.Error(), "permission denied") {
				t.Errorf("%s as the request role: %v, want permission denied", sql, err)
			}
		}
	})
}

// Many-to-many: test-only tenant models with a tenant-owned join table.
