package models_test

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"landlord/models"
	"landlord/models/storetest"
)

func TestMigrateCreatesMasterAndIsRepeatable(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		ctx := context.Background()
		applied, err := s.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, err %v", applied, err)
		}
		m, err := s.MasterTenant(ctx)
		if err != nil || !m.IsMaster || !m.Enabled {
			t.Fatalf("master: %+v %v", m, err)
		}
		if _, err := s.SetAdminPassword(ctx, "master", "admin@example.com", "correct horse battery"); err != nil {
			t.Fatal(err)
		}
		res, err := s.LogIn(ctx, models.LoginAttempt{Host: m, OnBase: true, Login: "ADMIN@example.com", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		if u := res.User; u.Role == nil || u.Permissions().Level(models.FeatureTenants) != models.LevelFull {
			t.Fatalf("admin role not loaded: %+v", u.Role)
		}
		if _, err := s.LogIn(ctx, models.LoginAttempt{Host: m, OnBase: true, Login: "admin@example.com", Password: "wrong password!!"}); err != models.ErrInvalidCredentials {
			t.Fatalf("wrong password: %v", err)
		}
	})
}

func TestLoginAcceptsUsernameOrEmailCaseInsensitively(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		ctx := storetest.System(context.Background())
		acme, err := s.CreateTenant(ctx, models.NewTenant{Subdomain: "acme", Name: "Acme"})
		if err != nil {
			t.Fatal(err)
		}
		hash, _ := models.HashPassword("correct horse battery")
		err = s.InTenantForTest(ctx, acme.ID, func(tx *gorm.DB) error {
			now := time.Now()
			return tx.Create(&models.User{Username: "Ops", Email: "ops@acme.example", Enabled: true, PasswordHash: hash,
				IdentitySource: "local", SessionVersion: 1, Version: 1, CreatedAt: now, UpdatedAt: now}).Error
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, login := range []string{"ops", "OPS", "ops@acme.example", "Ops@Acme.Example"} {
			if res, err := s.LogIn(ctx, models.LoginAttempt{Host: acme, Login: login, Password: "correct horse battery"}); err != nil || res.User.Username != "Ops" {
				t.Errorf("login as %q: %v", login, err)
			}
		}
		master, _ := s.MasterTenant(ctx)
		if _, err := s.LogIn(ctx, models.LoginAttempt{Host: master, OnBase: true, Login: "ops", Password: "correct horse battery"}); err != models.ErrInvalidCredentials {
			t.Errorf("acme's user signed in to master: %v", err)
		}
	})
}

func TestMigrateLeavesAnUnchangedSessionFunctionAlone(t *testing.T) {
	s := storetest.Open(t, "postgres")
	oid := func() int64 {
		var id int64
		err := storetest.Core(t, s).Registry(models.AcrossTenants(context.Background(), "test: read the catalogue")).
			Raw("SELECT to_regprocedure('landlord_session_check(text,text,timestamptz)')::oid::bigint").Scan(&id).Error
		if err != nil || id == 0 {
			t.Fatalf("session function: %d %v", id, err)
		}
		return id
	}
	before := oid()
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if after := oid(); after != before {
		t.Fatalf("a second migration rebuilt the unchanged function (%d → %d)", before, after)
	}
}

func TestRequestTrafficRefusesARoleThatRowLevelSecurityDoesNotBind(t *testing.T) {
	s := storetest.Open(t, "postgres")
	// The tests' own URL names a superuser: as the request role it would read
	// every tenant, so the store refuses it.
	owner := storetest.Schema(t)
	err := s.UseRequestRole(context.Background(), owner, "")
	if err == nil || !strings.Contains(err.Error(), "superuser") {
		t.Fatalf("a superuser as the request role: %v, want a refusal", err)
	}
}

func TestRequestTrafficCanUseALoginRoleGivenByURL(t *testing.T) {
	s := storetest.Open(t, "postgres")
	// A role an administrator made for the console: a login, member of the
	// application role, nothing more.
	owner, err := storetest.Core(t, s).Owner(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := owner.Exec(`DO $$ BEGIN
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'landlord_console_test') THEN
			CREATE ROLE landlord_console_test LOGIN NOSUPERUSER NOBYPASSRLS;
		END IF;
	EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
	END $$`).Error; err != nil {
		t.Fatal(err)
	}
	if err := owner.Exec("GRANT " + s.AppRole() + " TO landlord_console_test").Error; err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(os.Getenv(storetest.EnvURL))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User("landlord_console_test")
	// Point it at the migrated schema.
	q := u.Query()
	var schema string
	if err := owner.Raw("SELECT current_schema()").Scan(&schema).Error; err != nil {
		t.Fatal(err)
	}
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	if err := s.UseRequestRole(context.Background(), u.String(), ""); err != nil {
		t.Fatalf("a plain login role as the request role: %v", err)
	}
	var who string
	if err := storetest.Core(t, s).Registry(models.AcrossTenants(context.Background(), "test: who am I")).Raw("SELECT current_user").Scan(&who).Error; err != nil || who != "landlord_console_test" {
		t.Fatalf("request traffic runs as %q (%v)", who, err)
	}
	if _, err := s.CreateTenant(storetest.System(context.Background()), models.NewTenant{Subdomain: "acme", Name: "Acme"}); err != nil {
		t.Fatalf("creating a tenant as the given role: %v", err)
	}
}

// TestAnOwnerThatIsNotSuperuserRunsEverything installs the console the way
// production does: the database URL names an ordinary role that owns the
// schema (so forced row-level security binds it too), may manage roles, and is
// neither superuser nor BYPASSRLS.
func TestAnOwnerThatIsNotSuperuserRunsEverything(t *testing.T) {
	admin := storetest.Open(t, "postgres") // skips without PostgreSQL, like every case
	root, err := storetest.Core(t, admin).Owner(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := root.Exec(`DO $$ BEGIN
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'landlord_owner_test') THEN
			CREATE ROLE landlord_owner_test LOGIN NOSUPERUSER NOBYPASSRLS CREATEROLE;
		END IF;
	EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
	END $$`).Error; err != nil {
		t.Fatal(err)
	}
	schema := "own_" + strings.ToLower(rand.Text()[:10])
	if err := root.Exec("CREATE SCHEMA " + schema + " AUTHORIZATION landlord_owner_test").Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Exec("DROP SCHEMA " + schema + " CASCADE") })
	u, err := url.Parse(os.Getenv(storetest.EnvURL))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User("landlord_owner_test")
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()

	s, err := models.Open(models.Options{PostgresURL: u.String(), AuditKey: storetest.AuditKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate as an ordinary owner: %v", err)
	}
	if err := s.UseRequestRole(ctx, "", "owner test request role password"); err != nil {
		t.Fatalf("request role: %v", err)
	}
	sys := storetest.System(ctx)
	if _, err := s.CreateTenant(sys, models.NewTenant{Subdomain: "acme", Name: "Acme"}); err != nil {
		t.Fatal(err)
	}
	user, err := s.SetAdminPassword(sys, "acme", "ops@acme.example", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	acme, err := s.TenantBySubdomain(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.OpenSession(models.WithTenant(ctx, acme.ID), user, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// The session check crosses tenants with a signed scope of its own: the
	// owner's rows are under forced row-level security here.
	if tn, got, err := s.SessionUser(ctx, "acme", id); err != nil || tn.ID != acme.ID || got.ID != user.ID {
		t.Fatalf("session check as an ordinary owner: %v", err)
	}
	// Called inside a transaction entered into acme, it leaves acme's scope,
	// not its own cross-tenant one, behind.
	err = s.InTenantForTest(ctx, acme.ID, func(tx *gorm.DB) error {
		raw := tx.WithContext(models.AcrossTenants(ctx, "test: the caller's scope around the check"))
		var before, after string
		var n int
		if err := raw.Raw("SELECT current_setting('landlord.scope')").Scan(&before).Error; err != nil {
			return err
		}
		if err := raw.Raw("SELECT count(*) FROM landlord_session_check('acme', encode(sha256(convert_to(?, 'UTF8')), 'hex'), now())", id).Scan(&n).Error; err != nil {
			return err
		}
		if err := raw.Raw("SELECT current_setting('landlord.scope')").Scan(&after).Error; err != nil {
			return err
		}
		if n != 1 || before == "" || after != before {
			t.Errorf("inside acme's transaction the check found %d rows and turned the scope %q into %q", n, before, after)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionUser(ctx, "acme", "not a session"); err == nil {
		t.Fatal("a made-up session id was accepted")
	}
}
