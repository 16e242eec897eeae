package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// A migration is one versioned, recorded step of the schema. Steps are SQL per
// dialect, never derived from the Go structs, so old steps keep their meaning
// when the structs change.
type migration struct {
	version  int
	name     string
	sqlite   string
	postgres string
}

// tenantTables get row-level security on PostgreSQL.
var tenantTables = []string{"roles", "users", "audit_events", "login_handoffs"}

var migrations = []migration{
	{
		version: 1,
		name:    "tenants, roles, users, audit events, login handoffs",
		sqlite: `
CREATE TABLE tenants (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	subdomain TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	tenant_role_id INTEGER,
	currency TEXT NOT NULL DEFAULT 'USD',
	account_number TEXT NOT NULL DEFAULT '',
	account_name TEXT NOT NULL DEFAULT '',
	customer_number TEXT NOT NULL DEFAULT '',
	enabled BOOLEAN NOT NULL DEFAULT TRUE,
	is_master BOOLEAN NOT NULL DEFAULT FALSE,
	max_users INTEGER NOT NULL DEFAULT 0,
	max_resources INTEGER NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX tenants_one_master ON tenants (is_master) WHERE is_master;
CREATE TABLE roles (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	permissions TEXT NOT NULL DEFAULT '{}',
	version INTEGER NOT NULL DEFAULT 1,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	UNIQUE (tenant_id, id)
);
CREATE UNIQUE INDEX roles_name ON roles (tenant_id, lower(name));
CREATE TABLE users (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	username TEXT NOT NULL,
	email TEXT NOT NULL DEFAULT '',
	first_name TEXT NOT NULL DEFAULT '',
	last_name TEXT NOT NULL DEFAULT '',
	role_id INTEGER,
	enabled BOOLEAN NOT NULL DEFAULT TRUE,
	password_hash TEXT NOT NULL DEFAULT '',
	identity_source TEXT NOT NULL DEFAULT 'local',
	session_version INTEGER NOT NULL DEFAULT 1,
	last_login_at DATETIME,
	version INTEGER NOT NULL DEFAULT 1,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	UNIQUE (tenant_id, id),
	FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id)
);
CREATE UNIQUE INDEX users_username ON users (tenant_id, lower(username));
CREATE UNIQUE INDEX users_email ON users (tenant_id, lower(email)) WHERE email <> '';
CREATE TABLE audit_events (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	occurred_at DATETIME NOT NULL,
	actor_user_id INTEGER,
	actor_name TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	target_type TEXT NOT NULL DEFAULT '',
	target_id TEXT NOT NULL DEFAULT '',
	outcome TEXT NOT NULL,
	ip TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT '',
	details TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_tenant_time ON audit_events (tenant_id, id DESC);
CREATE TABLE login_handoffs (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	expires_at DATETIME NOT NULL,
	used_at DATETIME,
	created_at DATETIME NOT NULL,
	FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);`,
		postgres: `
CREATE TABLE tenants (
	id BIGSERIAL PRIMARY KEY,
	subdomain TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	tenant_role_id BIGINT,
	currency TEXT NOT NULL DEFAULT 'USD',
	account_number TEXT NOT NULL DEFAULT '',
	account_name TEXT NOT NULL DEFAULT '',
	customer_number TEXT NOT NULL DEFAULT '',
	enabled BOOLEAN NOT NULL DEFAULT TRUE,
	is_master BOOLEAN NOT NULL DEFAULT FALSE,
	max_users INTEGER NOT NULL DEFAULT 0,
	max_resources INTEGER NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX tenants_one_master ON tenants (is_master) WHERE is_master;
CREATE TABLE roles (
	id BIGSERIAL PRIMARY KEY,
	tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	permissions TEXT NOT NULL DEFAULT '{}',
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	UNIQUE (tenant_id, id)
);
CREATE UNIQUE INDEX roles_name ON roles (tenant_id, lower(name));
CREATE TABLE users (
	id BIGSERIAL PRIMARY KEY,
	tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	username TEXT NOT NULL,
	email TEXT NOT NULL DEFAULT '',
	first_name TEXT NOT NULL DEFAULT '',
	last_name TEXT NOT NULL DEFAULT '',
	role_id BIGINT,
	enabled BOOLEAN NOT NULL DEFAULT TRUE,
	password_hash TEXT NOT NULL DEFAULT '',
	identity_source TEXT NOT NULL DEFAULT 'local',
	session_version INTEGER NOT NULL DEFAULT 1,
	last_login_at TIMESTAMPTZ,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	UNIQUE (tenant_id, id),
	FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id)
);
CREATE UNIQUE INDEX users_username ON users (tenant_id, lower(username));
CREATE UNIQUE INDEX users_email ON users (tenant_id, lower(email)) WHERE email <> '';
CREATE TABLE audit_events (
	id BIGSERIAL PRIMARY KEY,
	tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	occurred_at TIMESTAMPTZ NOT NULL,
	actor_user_id BIGINT,
	actor_name TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	target_type TEXT NOT NULL DEFAULT '',
	target_id TEXT NOT NULL DEFAULT '',
	outcome TEXT NOT NULL,
	ip TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT '',
	details TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_tenant_time ON audit_events (tenant_id, id DESC);
CREATE TABLE login_handoffs (
	id BIGSERIAL PRIMARY KEY,
	tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	user_id BIGINT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	expires_at TIMESTAMPTZ NOT NULL,
	used_at TIMESTAMPTZ,
	created_at TIMESTAMPTZ NOT NULL,
	FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
` + appRoleSQL + rlsSQL(tenantTables...) + `
-- The audit log is append-only for request traffic.
REVOKE UPDATE, DELETE ON audit_events FROM ` + AppRole + `;`,
	},
}

// appRoleSQL creates the application role (once per cluster; concurrent installs
// may race, hence the exception handler) and gives it the data privileges only.
const appRoleSQL = `
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '` + AppRole + `') THEN
		BEGIN
			CREATE ROLE ` + AppRole + ` NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
		EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
		END;
	END IF;
END $$;
DO $$
BEGIN
	EXECUTE format('GRANT ` + AppRole + ` TO %I', current_user);
EXCEPTION WHEN duplicate_object OR invalid_grant_operation THEN NULL;
END $$;
DO $$
BEGIN
	EXECUTE format('GRANT USAGE ON SCHEMA %I TO ` + AppRole + `', current_schema());
	EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO ` + AppRole + `', current_schema());
	EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO ` + AppRole + `', current_schema());
END $$;
`

// rlsSQL confines each table to the transaction's tenant setting, for reads
// (USING) and writes (WITH CHECK), owner included (FORCE). Without the setting a
// statement sees no rows and can write none.
func rlsSQL(tables ...string) string {
	var b strings.Builder
	for _, t := range tables {
		fmt.Fprintf(&b, `
ALTER TABLE %[1]s ENABLE ROW LEVEL SECURITY;
ALTER TABLE %[1]s FORCE ROW LEVEL SECURITY;
CREATE POLICY %[1]s_tenant_isolation ON %[1]s
	USING (tenant_id = NULLIF(current_setting('landlord.tenant_id', true), '')::bigint
		OR current_setting('landlord.across_tenants', true) = 'on')
	WITH CHECK (tenant_id = NULLIF(current_setting('landlord.tenant_id', true), '')::bigint
		OR current_setting('landlord.across_tenants', true) = 'on');
`, t)
	}
	return b.String()
}

type schemaMigration struct {
	Version   int `gorm:"primaryKey;autoIncrement:false"`
	Name      string
	AppliedAt time.Time
}

// Migrate applies every migration not yet recorded, each in its own transaction,
// and returns the versions it applied.
func (s *Store) Migrate(ctx context.Context) ([]int, error) {
	db := s.db.WithContext(internalSQL(ctx))
	if err := db.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`).Error; err != nil {
		return nil, fmt.Errorf("migrations table: %w", err)
	}
	var applied []int
	for _, m := range migrations {
		err := db.Transaction(func(tx *gorm.DB) error {
			if s.postgres {
				// One migrator at a time, even from two processes.
				if err := tx.Exec("SELECT pg_advisory_xact_lock(7405321)").Error; err != nil {
					return err
				}
			}
			var n int64
			if err := tx.Table("schema_migrations").Where("version = ?", m.version).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			sql := m.sqlite
			if s.postgres {
				sql = m.postgres
			}
			if err := tx.Exec(sql).Error; err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
			}
			applied = append(applied, m.version)
			return tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.version, m.name, s.now()).Error
		})
		if err != nil {
			return applied, err
		}
	}
	return applied, s.ensureMaster(ctx)
}
