package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// A migration is one versioned, recorded step of the schema: SQL for both
// databases, with {{id}}, {{ref}} and {{time}} standing for the column types that
// differ, then what only PostgreSQL runs. Steps are never derived from the Go
// structs, so old steps keep their meaning when the structs change.
type migration struct {
	version  int
	name     string
	sql      string
	postgres string
	sqlite   string
	// fill runs after the SQL, in the same transaction, for what SQL cannot
	// compute (the names' skeletons); it must keep its meaning as code changes.
	fill func(tx *gorm.DB, postgres bool) error
}

var columnTypes = map[bool]*strings.Replacer{
	false: strings.NewReplacer("{{id}}", "INTEGER PRIMARY KEY AUTOINCREMENT", "{{ref}}", "INTEGER", "{{time}}", "DATETIME"),
	true:  strings.NewReplacer("{{id}}", "BIGSERIAL PRIMARY KEY", "{{ref}}", "BIGINT", "{{time}}", "TIMESTAMPTZ"),
}

// tenantTables get row-level security on PostgreSQL.
var tenantTables = []string{"roles", "users", "audit_events", "login_handoffs"}

var migrations = []migration{
	{
		version: 1,
		name:    "tenants, roles, users, audit events, login handoffs",
		sql: `
CREATE TABLE tenants (
	id {{id}},
	subdomain TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	tenant_role_id {{ref}},
	currency TEXT NOT NULL DEFAULT 'USD',
	account_number TEXT NOT NULL DEFAULT '',
	account_name TEXT NOT NULL DEFAULT '',
	customer_number TEXT NOT NULL DEFAULT '',
	enabled BOOLEAN NOT NULL DEFAULT TRUE,
	is_master BOOLEAN NOT NULL DEFAULT FALSE,
	max_users INTEGER NOT NULL DEFAULT 0,
	max_resources INTEGER NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{time}} NOT NULL,
	updated_at {{time}} NOT NULL
);
CREATE UNIQUE INDEX tenants_one_master ON tenants (is_master) WHERE is_master;
CREATE TABLE roles (
	id {{id}},
	tenant_id {{ref}} NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	permissions TEXT NOT NULL DEFAULT '{}',
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{time}} NOT NULL,
	updated_at {{time}} NOT NULL,
	UNIQUE (tenant_id, id)
);
CREATE UNIQUE INDEX roles_name ON roles (tenant_id, lower(name));
CREATE TABLE users (
	id {{id}},
	tenant_id {{ref}} NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	username TEXT NOT NULL,
	email TEXT NOT NULL DEFAULT '',
	first_name TEXT NOT NULL DEFAULT '',
	last_name TEXT NOT NULL DEFAULT '',
	role_id {{ref}},
	enabled BOOLEAN NOT NULL DEFAULT TRUE,
	password_hash TEXT NOT NULL DEFAULT '',
	identity_source TEXT NOT NULL DEFAULT 'local',
	session_version INTEGER NOT NULL DEFAULT 1,
	last_login_at {{time}},
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{time}} NOT NULL,
	updated_at {{time}} NOT NULL,
	UNIQUE (tenant_id, id),
	FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id)
);
CREATE UNIQUE INDEX users_username ON users (tenant_id, lower(username));
CREATE UNIQUE INDEX users_email ON users (tenant_id, lower(email)) WHERE email <> '';
CREATE TABLE audit_events (
	id {{id}},
	tenant_id {{ref}} NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	occurred_at {{time}} NOT NULL,
	actor_user_id {{ref}},
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
	id {{id}},
	tenant_id {{ref}} NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	user_id {{ref}} NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	expires_at {{time}} NOT NULL,
	used_at {{time}},
	created_at {{time}} NOT NULL,
	FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
`,
		postgres: appRoleSQL + plainRLSSQL(tenantTables...) + `
-- The audit log is append-only for request traffic.
REVOKE UPDATE, DELETE ON audit_events FROM ` + AppRole + `;
-- Every host is resolved against the tenant registry, so anyone may read it;
-- only the master's cross-tenant operations may change it.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenants_read ON tenants FOR SELECT USING (true);
CREATE POLICY tenants_write ON tenants FOR ALL
	USING (current_setting('landlord.across_tenants', true) = 'on')
	WITH CHECK (current_setting('landlord.across_tenants', true) = 'on');`},
	{
		version: 2,
		name:    "server-side user sessions",
		sql: `
CREATE TABLE user_sessions (
	id {{id}},
	tenant_id {{ref}} NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	user_id {{ref}} NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	session_version INTEGER NOT NULL,
	created_at {{time}} NOT NULL,
	expires_at {{time}} NOT NULL,
	FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX user_sessions_user ON user_sessions (tenant_id, user_id);
`,
		postgres: `GRANT SELECT, INSERT, UPDATE, DELETE ON user_sessions TO ` + AppRole + `;
GRANT USAGE, SELECT ON SEQUENCE user_sessions_id_seq TO ` + AppRole + `;` + plainRLSSQL("user_sessions"),
	},
	{
		version: 3,
		name:    "stored user counts per tenant",
		// Lists of tenants show each one's user count; a counter row kept by
		// triggers answers that for any page without counting rows per tenant.
		sql: `
CREATE TABLE tenant_usage (
	tenant_id {{ref}} PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	users INTEGER NOT NULL DEFAULT 0
);
INSERT INTO tenant_usage (tenant_id, users)
	SELECT t.id, (SELECT count(*) FROM users u WHERE u.tenant_id = t.id) FROM tenants t;
CREATE INDEX tenant_usage_users ON tenant_usage (users, tenant_id);
CREATE INDEX tenants_name ON tenants (lower(name), id);
CREATE INDEX tenants_created ON tenants (created_at, id);
`,
		sqlite: `
CREATE TRIGGER tenant_usage_new AFTER INSERT ON tenants BEGIN
	INSERT INTO tenant_usage (tenant_id) VALUES (NEW.id);
END;
CREATE TRIGGER tenant_usage_user_added AFTER INSERT ON users BEGIN
	UPDATE tenant_usage SET users = users + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER tenant_usage_user_removed AFTER DELETE ON users BEGIN
	UPDATE tenant_usage SET users = users - 1 WHERE tenant_id = OLD.tenant_id;
END;
`,
		postgres: `GRANT SELECT, INSERT, UPDATE ON tenant_usage TO ` + AppRole + `;` + plainRLSSQL("tenant_usage") + `
CREATE FUNCTION tenant_usage_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO tenant_usage (tenant_id) VALUES (NEW.id);
	RETURN NULL;
END $$;
CREATE TRIGGER tenant_usage_new AFTER INSERT ON tenants FOR EACH ROW EXECUTE FUNCTION tenant_usage_new();
CREATE FUNCTION tenant_usage_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		UPDATE tenant_usage SET users = users + 1 WHERE tenant_id = NEW.tenant_id;
	ELSE
		UPDATE tenant_usage SET users = users - 1 WHERE tenant_id = OLD.tenant_id;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER tenant_usage_users AFTER INSERT OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION tenant_usage_users();
`},
	{
		version: 4,
		name:    "failed sign-in counts shared by every server process",
		// Global, not tenant-owned: a key is an account or an address, stored
		// as its SHA-256 so the table keeps nothing anyone typed.
		sql: `
CREATE TABLE login_failures (
	key_hash TEXT PRIMARY KEY,
	window_start {{time}} NOT NULL,
	failures INTEGER NOT NULL DEFAULT 0,
	earlier_failures INTEGER NOT NULL DEFAULT 0,
	last_failure_at {{time}} NOT NULL
);
CREATE INDEX login_failures_last ON login_failures (last_failure_at);
`,
		postgres: `GRANT SELECT, INSERT, UPDATE, DELETE ON login_failures TO ` + AppRole + `;`,
	},
	{
		version:  5,
		name:     "tenant context signed with a key request traffic cannot read",
		postgres: signedContextSQL + rlsSQL(append(tenantTables, "user_sessions", "tenant_usage")...),
	},
	{
		version: 6,
		name:    "tenant roles, role templates, resources",
		// Tenant roles are the master's caps on what a subtenant's users may be
		// given; like the tenant registry they are readable by everyone and
		// written only by the master's cross-tenant operations. Every existing
		// subtenant gets the install's first tenant role, which caps nothing.
		sql: `
CREATE TABLE tenant_roles (
	id {{id}},
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	permissions TEXT NOT NULL DEFAULT '{}',
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{time}} NOT NULL,
	updated_at {{time}} NOT NULL
);
CREATE UNIQUE INDEX tenant_roles_name ON tenant_roles (lower(name));
INSERT INTO tenant_roles (name, description, permissions, created_at, updated_at)
	VALUES ('Standard', 'Every feature at full.', '` + fullPermissionsJSON + `', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
UPDATE tenants SET tenant_role_id = (SELECT min(id) FROM tenant_roles) WHERE NOT is_master AND tenant_role_id IS NULL;
CREATE INDEX tenants_tenant_role ON tenants (tenant_role_id);
ALTER TABLE roles ADD COLUMN multitenant BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE roles ADD COLUMN template_id {{ref}} REFERENCES roles(id) ON DELETE SET NULL;
ALTER TABLE roles ADD COLUMN linked BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX roles_template ON roles (template_id, linked);
CREATE INDEX users_role ON users (tenant_id, role_id);
CREATE TABLE resources (
	id {{id}},
	tenant_id {{ref}} NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	attributes TEXT NOT NULL DEFAULT '{}',
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{time}} NOT NULL,
	updated_at {{time}} NOT NULL,
	UNIQUE (tenant_id, id)
);
CREATE INDEX resources_tenant_name ON resources (tenant_id, lower(name));
ALTER TABLE tenant_usage ADD COLUMN resources INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tenant_usage_resources ON tenant_usage (resources, tenant_id);
`,
		sqlite: `
CREATE TRIGGER tenant_usage_resource_added AFTER INSERT ON resources BEGIN
	UPDATE tenant_usage SET resources = resources + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER tenant_usage_resource_removed AFTER DELETE ON resources BEGIN
	UPDATE tenant_usage SET resources = resources - 1 WHERE tenant_id = OLD.tenant_id;
END;
`,
		postgres: `GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_roles, resources TO ` + AppRole + `;
GRANT USAGE, SELECT ON SEQUENCE tenant_roles_id_seq, resources_id_seq TO ` + AppRole + `;
ALTER TABLE tenant_roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_roles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_roles_read ON tenant_roles FOR SELECT USING (true);
CREATE POLICY tenant_roles_write ON tenant_roles FOR ALL USING ((SELECT landlord_scope()) = -1) WITH CHECK ((SELECT landlord_scope()) = -1);
CREATE FUNCTION tenant_usage_resources() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		UPDATE tenant_usage SET resources = resources + 1 WHERE tenant_id = NEW.tenant_id;
	ELSE
		UPDATE tenant_usage SET resources = resources - 1 WHERE tenant_id = OLD.tenant_id;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER tenant_usage_resources AFTER INSERT OR DELETE ON resources FOR EACH ROW EXECUTE FUNCTION tenant_usage_resources();
` + rlsSQL("resources"),
	},
	{
		version: 10,
		name:    "tenant usage counted once per statement; tenant list indexes for status and deep pages by name",
		// A statement adding many rows (a seed, an import) moved the counters
		// once per row, each an UPDATE of the tenant's counter row: 3 s of a
		// 100,000-user insert. On PostgreSQL the triggers now run once per
		// statement over its transition table, one UPDATE per tenant touched.
		// SQLite's row triggers cost little (no round trip, no new row version).
		// The tenant list sorted by status read and sorted every tenant for any
		// page; the index gives a page by status like the other own columns.
		// On PostgreSQL the name index also carries the name, so a page by
		// name, however deep, reads the index alone (an expression index
		// without it makes every skipped row a visit to the table).
		sql: `
CREATE INDEX tenants_enabled ON tenants (enabled, id);
`,
		postgres: `
DROP INDEX tenants_name;
CREATE INDEX tenants_name ON tenants (lower(name), id) INCLUDE (name);
DROP TRIGGER tenant_usage_new ON tenants;
DROP TRIGGER tenant_usage_users ON users;
DROP TRIGGER tenant_usage_resources ON resources;
DROP FUNCTION tenant_usage_new(), tenant_usage_users(), tenant_usage_resources();
CREATE FUNCTION tenant_usage_tenants_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO tenant_usage (tenant_id) SELECT id FROM added;
	RETURN NULL;
END $$;
CREATE TRIGGER tenant_usage_new AFTER INSERT ON tenants REFERENCING NEW TABLE AS added
	FOR EACH STATEMENT EXECUTE FUNCTION tenant_usage_tenants_added();
` + usageStatementTriggers("users") + usageStatementTriggers("resources"),
	},
	{
		version: 11,
		name:    "a hash chain over each tenant's audit events",
		// Each event stores the hash of its canonical content and of the
		// previous event's hash; the chain row per tenant is the head, locked
		// by every writer so concurrent events cannot fork the chain. Events
		// written before the chain began (up to start_after_id) are outside it.
		sql: `
ALTER TABLE audit_events ADD COLUMN impersonator_user_id {{ref}};
ALTER TABLE audit_events ADD COLUMN impersonator_name TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE TABLE audit_chains (
	tenant_id {{ref}} PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	head_id {{ref}} NOT NULL DEFAULT 0,
	head_hash TEXT NOT NULL DEFAULT '',
	start_after_id {{ref}} NOT NULL DEFAULT 0,
	start_hash TEXT NOT NULL DEFAULT ''
);
INSERT INTO audit_chains (tenant_id, head_id, start_after_id)
	SELECT t.id, COALESCE(m.last, 0), COALESCE(m.last, 0)
	FROM tenants t LEFT JOIN (SELECT tenant_id, max(id) AS last FROM audit_events GROUP BY tenant_id) m ON m.tenant_id = t.id;
`,
		sqlite: `
CREATE TRIGGER audit_chain_new AFTER INSERT ON tenants BEGIN
	INSERT INTO audit_chains (tenant_id) VALUES (NEW.id);
END;
`,
		postgres: `GRANT SELECT, INSERT, UPDATE ON audit_chains TO ` + AppRole + `;` + rlsSQL("audit_chains") + `
CREATE FUNCTION audit_chain_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO audit_chains (tenant_id) VALUES (NEW.id);
	RETURN NULL;
END $$;
CREATE TRIGGER audit_chain_new AFTER INSERT ON tenants FOR EACH ROW EXECUTE FUNCTION audit_chain_new();
`,
	},
	{
		version: 12,
		name:    "an index behind each audit log filter",
		// Each leads with the tenant and ends with the id, the log's order, so
		// a filtered page is one index range read newest first. Plain columns
		// only: under row-level security an expression like lower() is not
		// leakproof and could not be an index condition.
		sql: `
CREATE INDEX audit_events_actor ON audit_events (tenant_id, actor_name, id);
CREATE INDEX audit_events_action ON audit_events (tenant_id, action, id);
CREATE INDEX audit_events_target ON audit_events (tenant_id, target_type, target_id, id);
CREATE INDEX audit_events_outcome ON audit_events (tenant_id, outcome, id);
CREATE INDEX audit_events_time ON audit_events (tenant_id, occurred_at, id);
`,
	},
	{
		version: 13,
		name:    "impersonation by master users, and each tenant's say in it",
		// An impersonation lives in the target's tenant, so the tenant can
		// read its own support-access history; it hangs on the impersonator's
		// master session, and the session check ends it with that session.
		sql: `
CREATE TABLE impersonations (
	id {{id}},
	tenant_id {{ref}} NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	user_id {{ref}} NOT NULL,
	user_name TEXT NOT NULL,
	impersonator_tenant_id {{ref}} NOT NULL,
	impersonator_user_id {{ref}} NOT NULL,
	impersonator_name TEXT NOT NULL,
	impersonator_session_hash TEXT NOT NULL,
	reason TEXT NOT NULL,
	started_at {{time}} NOT NULL,
	expires_at {{time}} NOT NULL,
	ended_at {{time}},
	end_reason TEXT NOT NULL DEFAULT '',
	UNIQUE (tenant_id, id),
	FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX impersonations_tenant ON impersonations (tenant_id, id);
CREATE INDEX impersonations_user ON impersonations (tenant_id, user_id, started_at);
CREATE INDEX impersonations_session ON impersonations (impersonator_session_hash);
ALTER TABLE user_sessions ADD COLUMN impersonation_id {{ref}};
ALTER TABLE login_handoffs ADD COLUMN impersonation_id {{ref}};
ALTER TABLE users ADD COLUMN impersonation_seen_id {{ref}} NOT NULL DEFAULT 0;
CREATE TABLE tenant_settings (
	tenant_id {{ref}} PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	allow_impersonation BOOLEAN NOT NULL DEFAULT TRUE,
	version INTEGER NOT NULL DEFAULT 1
);
INSERT INTO tenant_settings (tenant_id) SELECT id FROM tenants;
`,
		sqlite: `
CREATE TRIGGER tenant_settings_new AFTER INSERT ON tenants BEGIN
	INSERT INTO tenant_settings (tenant_id) VALUES (NEW.id);
END;
`,
		postgres: `GRANT SELECT, INSERT, UPDATE, DELETE ON impersonations TO ` + AppRole + `;
GRANT SELECT, INSERT, UPDATE ON tenant_settings TO ` + AppRole + `;
GRANT USAGE, SELECT ON SEQUENCE impersonations_id_seq TO ` + AppRole + `;` + rlsSQL("impersonations", "tenant_settings") + `
CREATE FUNCTION tenant_settings_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO tenant_settings (tenant_id) VALUES (NEW.id);
	RETURN NULL;
END $$;
CREATE TRIGGER tenant_settings_new AFTER INSERT ON tenants FOR EACH ROW EXECUTE FUNCTION tenant_settings_new();
`,
	},
	{
		version: 14,
		name:    "refusals of other tenants' sessions counted, not each one logged",
		// A row per refused session (by the hash of its id) and host tenant,
		// and one per tenant (session_hash '') holding the minute, its
		// events and the refusals no event has told yet; see refused_session.go.
		sql: `
CREATE TABLE refused_sessions (
	tenant_id {{ref}} NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	session_hash TEXT NOT NULL,
	minute {{ref}} NOT NULL,
	events INTEGER NOT NULL DEFAULT 0,
	repeats INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant_id, session_hash)
);
CREATE INDEX refused_sessions_minute ON refused_sessions (tenant_id, minute);
`,
		postgres: `GRANT SELECT, INSERT, UPDATE, DELETE ON refused_sessions TO ` + AppRole + `;` + rlsSQL("refused_sessions"),
	},
	{
		version: 15,
		name:    "confusable skeletons of usernames, emails and role names",
		// A new name is refused when it looks like one of its tenant's (TS #39
		// skeleton, nameSkeleton): the skeleton is stored and indexed beside
		// each name, so the check is one index lookup however many users a
		// tenant has. Plain columns: under row-level security an expression
		// index could not serve the lookup. Existing rows are filled in Go.
		sql: `
ALTER TABLE users ADD COLUMN username_skeleton TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN email_skeleton TEXT NOT NULL DEFAULT '';
CREATE INDEX users_username_skeleton ON users (tenant_id, username_skeleton);
CREATE INDEX users_email_skeleton ON users (tenant_id, email_skeleton);
ALTER TABLE roles ADD COLUMN name_skeleton TEXT NOT NULL DEFAULT '';
CREATE INDEX roles_name_skeleton ON roles (tenant_id, name_skeleton);
ALTER TABLE tenant_roles ADD COLUMN name_skeleton TEXT NOT NULL DEFAULT '';
CREATE INDEX tenant_roles_name_skeleton ON tenant_roles (name_skeleton);
`,
		fill: func(tx *gorm.DB, postgres bool) error {
			if postgres {
				if err := enterAcrossAsOwner(tx); err != nil {
					return err
				}
			}
			return fillNameSkeletons(tx)
		},
	},
	{
		version: 16,
		name:    "the fingerprint of the key the audit chains are keyed with",
		// Not the key, which stays outside the database: its HMAC of a fixed
		// label, so a process started with another key refuses to write
		// events no verify would accept. Only the owner reads it.
		sql: `
CREATE TABLE audit_key (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	fingerprint TEXT NOT NULL,
	recorded_at {{time}} NOT NULL
);
`,
	},
}

// usageStatementTriggers keeps tenant_usage's column of the same name as
// the table, counting its rows per tenant, once per statement.
func usageStatementTriggers(table string) string {
	return strings.NewReplacer("{{t}}", table).Replace(`
CREATE FUNCTION tenant_usage_{{t}}_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE tenant_usage u SET {{t}} = u.{{t}} + d.n
	FROM (SELECT tenant_id, count(*) AS n FROM added GROUP BY tenant_id) d WHERE u.tenant_id = d.tenant_id;
	RETURN NULL;
END $$;
CREATE FUNCTION tenant_usage_{{t}}_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE tenant_usage u SET {{t}} = u.{{t}} - d.n
	FROM (SELECT tenant_id, count(*) AS n FROM removed GROUP BY tenant_id) d WHERE u.tenant_id = d.tenant_id;
	RETURN NULL;
END $$;
CREATE TRIGGER tenant_usage_{{t}}_added AFTER INSERT ON {{t}} REFERENCING NEW TABLE AS added
	FOR EACH STATEMENT EXECUTE FUNCTION tenant_usage_{{t}}_added();
CREATE TRIGGER tenant_usage_{{t}}_removed AFTER DELETE ON {{t}} REFERENCING OLD TABLE AS removed
	FOR EACH STATEMENT EXECUTE FUNCTION tenant_usage_{{t}}_removed();
`)
}

// fullPermissionsJSON is FullPermissions as stored, for migrations.
var fullPermissionsJSON = func() string {
	v, _ := FullPermissions().Value()
	return v.(string)
}()

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

// Migrate applies every migration not yet recorded, each in its own transaction,
// and returns the versions it applied.
func (s *Store) Migrate(ctx context.Context) ([]int, error) {
	owner, err := s.ownerDB()
	if err != nil {
		return nil, err
	}
	db := owner.WithContext(internalSQL(ctx))
	err = db.Transaction(func(tx *gorm.DB) error {
		if s.postgres {
			// Under the lock: two processes creating it at once on a fresh
			// database collide in the catalogue, IF NOT EXISTS or not.
			if err := tx.Exec("SELECT pg_advisory_xact_lock(7405321)").Error; err != nil {
				return err
			}
		}
		return tx.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`).Error
	})
	if err != nil {
		return nil, fmt.Errorf("migrations table: %w", err)
	}
	schema := ""
	if s.postgres {
		if err := db.Raw("SELECT current_schema()").Scan(&schema).Error; err != nil {
			return nil, err
		}
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
			sql := columnTypes[s.postgres].Replace(m.sql)
			if s.postgres {
				sql += strings.ReplaceAll(m.postgres, "{{schema}}", quoteIdent(schema))
			} else {
				sql += m.sqlite
			}
			if err := tx.Exec(sql).Error; err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
			}
			if m.fill != nil {
				if err := m.fill(tx, s.postgres); err != nil {
					return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
				}
			}
			applied = append(applied, m.version)
			return tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.version, m.name, s.now()).Error
		})
		if err != nil {
			return applied, err
		}
	}
	if s.postgres {
		// Functions are not versioned steps: each run recreates them from the
		// code, so they always match the queries this build makes.
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(7405321)").Error; err != nil {
				return err
			}
			// The function's comment is the hash of its definition, so an
			// unchanged one is left alone instead of being rebuilt at every start.
			var bound bool
			if err := tx.Raw("SELECT NOT (rolsuper OR rolbypassrls) FROM pg_roles WHERE rolname = current_user").Scan(&bound).Error; err != nil {
				return err
			}
			def := sessionCheckFunction(schema, bound)
			sum := hashToken(def)
			var current *string
			if err := tx.Raw("SELECT obj_description(to_regprocedure('landlord_session_check(text,text,timestamptz)'), 'pg_proc')").Scan(&current).Error; err != nil {
				return err
			}
			if current != nil && *current == sum {
				return nil
			}
			return tx.Exec(def + "COMMENT ON FUNCTION landlord_session_check(text, text, timestamptz) IS '" + sum + "';").Error
		})
		if err != nil {
			return applied, fmt.Errorf("functions: %w", err)
		}
	}
	if s.postgres {
		if err := s.loadKey(ctx); err != nil {
			return applied, err
		}
	}
	if err := s.ensureMaster(ctx); err != nil {
		return applied, err
	}
	return applied, s.keyAuditChains(ctx)
}
