-- migration 1: tenants, roles, users, audit events, login handoffs
-- The first schema. On PostgreSQL: the request role (made once per cluster;
-- concurrent installs may race, hence the exception handlers) with the data
-- privileges only, and row-level security on a plain setting, which
-- migration 5 replaces with a signed one.

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

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{app_role}}') THEN
		BEGIN
			CREATE ROLE {{app_role}} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
		EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
		END;
	END IF;
END $$;
DO $$
BEGIN
	EXECUTE format('GRANT {{app_role}} TO %I', current_user);
EXCEPTION WHEN duplicate_object OR invalid_grant_operation THEN NULL;
END $$;
DO $$
BEGIN
	EXECUTE format('GRANT USAGE ON SCHEMA %I TO {{app_role}}', current_schema());
	EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO {{app_role}}', current_schema());
	EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO {{app_role}}', current_schema());
END $$;

ALTER TABLE roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE roles FORCE ROW LEVEL SECURITY;
CREATE POLICY roles_tenant_isolation ON roles
	USING (tenant_id = NULLIF(current_setting('landlord.tenant_id', true), '')::bigint
		OR current_setting('landlord.across_tenants', true) = 'on')
	WITH CHECK (tenant_id = NULLIF(current_setting('landlord.tenant_id', true), '')::bigint
		OR current_setting('landlord.across_tenants', true) = 'on');

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY users_tenant_isolation ON users
	USING (tenant_id = NULLIF(current_setting('landlord.tenant_id', true), '')::bigint
		OR current_setting('landlord.across_tenants', true) = 'on')
	WITH CHECK (tenant_id = NULLIF(current_setting('landlord.tenant_id', true), '')::bigint
		OR current_setting('landlord.across_tenants', true) = 'on');

ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_events_tenant_isolation ON audit_events
	USING (tenant_id = NULLIF(current_setting('landlord.tenant_id', true), '')::bigint
		OR current_setting('landlord.across_tenants', true) = 'on')
	WITH CHECK (tenant_id = NULLIF(current_setting('landlord.tenant_id', true), '')::bigint
		OR current_setting('landlord.across_tenants', true) = 'on');

ALTER TABLE login_handoffs ENABLE ROW LEVEL SECURITY;
ALTER TABLE login_handoffs FORCE ROW LEVEL SECURITY;
CREATE POLICY login_handoffs_tenant_isolation ON login_handoffs
	USING (tenant_id = NULLIF(current_setting('landlord.tenant_id', true), '')::bigint
		OR current_setting('landlord.across_tenants', true) = 'on')
	WITH CHECK (tenant_id = NULLIF(current_setting('landlord.tenant_id', true), '')::bigint
		OR current_setting('landlord.across_tenants', true) = 'on');

-- The audit log is append-only for request traffic.
REVOKE UPDATE, DELETE ON audit_events FROM {{app_role}};
-- Every host is resolved against the tenant registry, so anyone may read it;
-- only the master's cross-tenant operations may change it.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenants_read ON tenants FOR SELECT USING (true);
CREATE POLICY tenants_write ON tenants FOR ALL
	USING (current_setting('landlord.across_tenants', true) = 'on')
	WITH CHECK (current_setting('landlord.across_tenants', true) = 'on');