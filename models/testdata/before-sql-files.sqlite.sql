PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL);
INSERT INTO schema_migrations VALUES(1,'tenants, roles, users, audit events, login handoffs','2026-12-04 21:23:44.768806258+00:00');
INSERT INTO schema_migrations VALUES(2,'server-side user sessions','2026-12-04 21:23:44.769454359+00:00');
INSERT INTO schema_migrations VALUES(3,'stored user counts per tenant','2026-12-04 21:23:44.770309006+00:00');
INSERT INTO schema_migrations VALUES(4,'failed sign-in counts shared by every server process','2026-12-04 21:23:44.771089683+00:00');
INSERT INTO schema_migrations VALUES(5,'tenant context signed with a key request traffic cannot read','2026-12-04 21:23:44.771268288+00:00');
INSERT INTO schema_migrations VALUES(6,'tenant roles, role templates, resources','2026-12-04 21:23:44.773739762+00:00');
INSERT INTO schema_migrations VALUES(10,'tenant usage counted once per statement; tenant list indexes for status and deep pages by name','2026-12-04 21:23:44.77429197+00:00');
INSERT INTO schema_migrations VALUES(11,'a hash chain over each tenant''s audit events','2026-12-04 21:23:44.776909545+00:00');
INSERT INTO schema_migrations VALUES(12,'an index behind each audit log filter','2026-12-04 21:23:44.777760947+00:00');
INSERT INTO schema_migrations VALUES(13,'impersonation by master users, and each tenant''s say in it','2026-12-04 21:23:44.783337669+00:00');
INSERT INTO schema_migrations VALUES(14,'refusals of other tenants'' sessions counted, not each one logged','2026-12-04 21:23:44.783888516+00:00');
INSERT INTO schema_migrations VALUES(15,'confusable skeletons of usernames, emails and role names','2026-12-04 21:23:44.786476402+00:00');
INSERT INTO schema_migrations VALUES(16,'the fingerprint of the key the audit chains are keyed with','2026-12-04 21:23:44.787464366+00:00');
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
INSERT INTO tenants VALUES(1,'master','Master','',NULL,'USD','','','',1,1,0,0,1,'2026-12-04 21:23:44.788286004+00:00','2026-12-04 21:23:44.788286004+00:00');
INSERT INTO tenants VALUES(2,'acme','Acme Corp','',1,'USD','','','',1,0,0,0,1,'2026-12-04 21:23:44.968628679+00:00','2026-12-04 21:23:44.968628679+00:00');
CREATE TABLE roles (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	permissions TEXT NOT NULL DEFAULT '{}',
	version INTEGER NOT NULL DEFAULT 1,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL, multitenant BOOLEAN NOT NULL DEFAULT FALSE, template_id INTEGER REFERENCES roles(id) ON DELETE SET NULL, linked BOOLEAN NOT NULL DEFAULT FALSE, name_skeleton TEXT NOT NULL DEFAULT '',
	UNIQUE (tenant_id, id)
);
INSERT INTO roles VALUES(1,2,'Administrator','Full rights in this tenant.','{"api-tokens":"full","audit":"full","export":"full","impersonation":"full","resources":"full","roles":"full","tenants":"full","users":"full"}',1,'2026-12-04 21:23:44.968628679+00:00','2026-12-04 21:23:45.218377956+00:00',0,NULL,0,'adrninistrator');
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
	updated_at DATETIME NOT NULL, impersonation_seen_id INTEGER NOT NULL DEFAULT 0, username_skeleton TEXT NOT NULL DEFAULT '', email_skeleton TEXT NOT NULL DEFAULT '',
	UNIQUE (tenant_id, id),
	FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id)
);
INSERT INTO users VALUES(1,2,'admin@acme.example','admin@acme.example','','',1,1,'$argon2id$v=19$m=19456,t=2,p=1$rSHa0Q3fXUieh5otJZRJCQ$Dv8L5azvbSFk/K2ECLU1IWCgiQdkg1oT1gwSol6dl5A','local',1,NULL,1,'2026-12-04 21:23:45.218377956+00:00','2026-12-04 21:23:45.218377956+00:00',0,'adrnin@acrne.exarnple','adrnin@acrne.exarnple');
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
, impersonator_user_id INTEGER, impersonator_name TEXT NOT NULL DEFAULT '', prev_hash TEXT NOT NULL DEFAULT '', hash TEXT NOT NULL DEFAULT '');
INSERT INTO audit_events VALUES(1,1,'2026-12-04 21:23:44.969644+00:00',NULL,'cli','tenant.create','tenant','acme','success','','','{"account_name":"","account_number":"","currency":"USD","customer_number":"","description":"","initial_admin":null,"max_resources":0,"max_users":0,"name":"Acme Corp","subdomain":"acme","tenant_role":"Standard"}',NULL,'','','95d819adc6889caa0c87c07bd39023f6f771ab785cbefab5bd22d944dd3dd4c3');
INSERT INTO audit_events VALUES(2,2,'2026-12-04 21:23:45.222847+00:00',NULL,'cli','user.create','user','admin@acme.example','success','','','admin set from the command line',NULL,'','','92dd413b73d3f97b17a9e556b05ffac5b892f7e444518e2a6f200ca234820fcb');
CREATE TABLE login_handoffs (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	expires_at DATETIME NOT NULL,
	used_at DATETIME,
	created_at DATETIME NOT NULL, impersonation_id INTEGER,
	FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE TABLE user_sessions (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	session_version INTEGER NOT NULL,
	created_at DATETIME NOT NULL,
	expires_at DATETIME NOT NULL, impersonation_id INTEGER,
	FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE TABLE tenant_usage (
	tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	users INTEGER NOT NULL DEFAULT 0
, resources INTEGER NOT NULL DEFAULT 0);
INSERT INTO tenant_usage VALUES(1,0,0);
INSERT INTO tenant_usage VALUES(2,1,0);
CREATE TABLE login_failures (
	key_hash TEXT PRIMARY KEY,
	window_start DATETIME NOT NULL,
	failures INTEGER NOT NULL DEFAULT 0,
	earlier_failures INTEGER NOT NULL DEFAULT 0,
	last_failure_at DATETIME NOT NULL
);
CREATE TABLE tenant_roles (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	permissions TEXT NOT NULL DEFAULT '{}',
	version INTEGER NOT NULL DEFAULT 1,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL
, name_skeleton TEXT NOT NULL DEFAULT '');
INSERT INTO tenant_roles VALUES(1,'Standard','Every feature at full.','{"api-tokens":"full","audit":"full","export":"full","impersonation":"full","resources":"full","roles":"full","tenants":"full","users":"full"}',1,'2026-12-04 21:23:44','2026-12-04 21:23:44','standard');
CREATE TABLE resources (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	attributes TEXT NOT NULL DEFAULT '{}',
	version INTEGER NOT NULL DEFAULT 1,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	UNIQUE (tenant_id, id)
);
CREATE TABLE audit_chains (
	tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	head_id INTEGER NOT NULL DEFAULT 0,
	head_hash TEXT NOT NULL DEFAULT '',
	start_after_id INTEGER NOT NULL DEFAULT 0,
	start_hash TEXT NOT NULL DEFAULT ''
);
INSERT INTO audit_chains VALUES(1,1,'95d819adc6889caa0c87c07bd39023f6f771ab785cbefab5bd22d944dd3dd4c3',0,'');
INSERT INTO audit_chains VALUES(2,2,'92dd413b73d3f97b17a9e556b05ffac5b892f7e444518e2a6f200ca234820fcb',0,'');
CREATE TABLE impersonations (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL,
	user_name TEXT NOT NULL,
	impersonator_tenant_id INTEGER NOT NULL,
	impersonator_user_id INTEGER NOT NULL,
	impersonator_name TEXT NOT NULL,
	impersonator_session_hash TEXT NOT NULL,
	reason TEXT NOT NULL,
	started_at DATETIME NOT NULL,
	expires_at DATETIME NOT NULL,
	ended_at DATETIME,
	end_reason TEXT NOT NULL DEFAULT '',
	UNIQUE (tenant_id, id),
	FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE TABLE tenant_settings (
	tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	allow_impersonation BOOLEAN NOT NULL DEFAULT TRUE,
	version INTEGER NOT NULL DEFAULT 1
);
INSERT INTO tenant_settings VALUES(1,1,1);
INSERT INTO tenant_settings VALUES(2,1,1);
CREATE TABLE refused_sessions (
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	session_hash TEXT NOT NULL,
	minute INTEGER NOT NULL,
	events INTEGER NOT NULL DEFAULT 0,
	repeats INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant_id, session_hash)
);
CREATE TABLE audit_key (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	fingerprint TEXT NOT NULL,
	recorded_at DATETIME NOT NULL
);
INSERT INTO audit_key VALUES(1,'36bef5b114644c52bdb785f71301e08bed145781ef6d0e0c2c1bd8e1a8443dbc','2026-12-04 21:23:44.790538463+00:00');
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('tenant_roles',1);
INSERT INTO sqlite_sequence VALUES('tenants',2);
INSERT INTO sqlite_sequence VALUES('roles',1);
INSERT INTO sqlite_sequence VALUES('audit_events',2);
INSERT INTO sqlite_sequence VALUES('users',1);
CREATE UNIQUE INDEX tenants_one_master ON tenants (is_master) WHERE is_master;
CREATE UNIQUE INDEX roles_name ON roles (tenant_id, lower(name));
CREATE UNIQUE INDEX users_username ON users (tenant_id, lower(username));
CREATE UNIQUE INDEX users_email ON users (tenant_id, lower(email)) WHERE email <> '';
CREATE INDEX audit_events_tenant_time ON audit_events (tenant_id, id DESC);
CREATE INDEX user_sessions_user ON user_sessions (tenant_id, user_id);
CREATE INDEX tenant_usage_users ON tenant_usage (users, tenant_id);
CREATE INDEX tenants_name ON tenants (lower(name), id);
CREATE INDEX tenants_created ON tenants (created_at, id);
CREATE TRIGGER tenant_usage_new AFTER INSERT ON tenants BEGIN
	INSERT INTO tenant_usage (tenant_id) VALUES (NEW.id);
END;
CREATE TRIGGER tenant_usage_user_added AFTER INSERT ON users BEGIN
	UPDATE tenant_usage SET users = users + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER tenant_usage_user_removed AFTER DELETE ON users BEGIN
	UPDATE tenant_usage SET users = users - 1 WHERE tenant_id = OLD.tenant_id;
END;
CREATE INDEX login_failures_last ON login_failures (last_failure_at);
CREATE UNIQUE INDEX tenant_roles_name ON tenant_roles (lower(name));
CREATE INDEX tenants_tenant_role ON tenants (tenant_role_id);
CREATE INDEX roles_template ON roles (template_id, linked);
CREATE INDEX users_role ON users (tenant_id, role_id);
CREATE INDEX resources_tenant_name ON resources (tenant_id, lower(name));
CREATE INDEX tenant_usage_resources ON tenant_usage (resources, tenant_id);
CREATE TRIGGER tenant_usage_resource_added AFTER INSERT ON resources BEGIN
	UPDATE tenant_usage SET resources = resources + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER tenant_usage_resource_removed AFTER DELETE ON resources BEGIN
	UPDATE tenant_usage SET resources = resources - 1 WHERE tenant_id = OLD.tenant_id;
END;
CREATE INDEX tenants_enabled ON tenants (enabled, id);
CREATE TRIGGER audit_chain_new AFTER INSERT ON tenants BEGIN
	INSERT INTO audit_chains (tenant_id) VALUES (NEW.id);
END;
CREATE INDEX audit_events_actor ON audit_events (tenant_id, actor_name, id);
CREATE INDEX audit_events_action ON audit_events (tenant_id, action, id);
CREATE INDEX audit_events_target ON audit_events (tenant_id, target_type, target_id, id);
CREATE INDEX audit_events_outcome ON audit_events (tenant_id, outcome, id);
CREATE INDEX audit_events_time ON audit_events (tenant_id, occurred_at, id);
CREATE INDEX impersonations_tenant ON impersonations (tenant_id, id);
CREATE INDEX impersonations_user ON impersonations (tenant_id, user_id, started_at);
CREATE INDEX impersonations_session ON impersonations (impersonator_session_hash);
CREATE TRIGGER tenant_settings_new AFTER INSERT ON tenants BEGIN
	INSERT INTO tenant_settings (tenant_id) VALUES (NEW.id);
END;
CREATE INDEX refused_sessions_minute ON refused_sessions (tenant_id, minute);
CREATE INDEX users_username_skeleton ON users (tenant_id, username_skeleton);
CREATE INDEX users_email_skeleton ON users (tenant_id, email_skeleton);
CREATE INDEX roles_name_skeleton ON roles (tenant_id, name_skeleton);
CREATE INDEX tenant_roles_name_skeleton ON tenant_roles (name_skeleton);
COMMIT;
