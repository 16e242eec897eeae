-- migration 1: tenants, roles, users, audit events, login handoffs
-- The first schema. On PostgreSQL: the request role (made once per cluster;
-- concurrent installs may race, hence the exception handlers) with the data
-- privileges only, and row-level security on a plain setting, which
-- migration 5 replaces with a signed one.

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
);
