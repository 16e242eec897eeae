-- migration 13: impersonation by master users, and each tenant's say in it
-- An impersonation lives in the target's tenant, so the tenant can read its
-- own support-access history; it hangs on the impersonator's master
-- session, and the session check ends it with that session.

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
CREATE INDEX impersonations_tenant ON impersonations (tenant_id, id);
CREATE INDEX impersonations_user ON impersonations (tenant_id, user_id, started_at);
CREATE INDEX impersonations_session ON impersonations (impersonator_session_hash);
ALTER TABLE user_sessions ADD COLUMN impersonation_id INTEGER;
ALTER TABLE login_handoffs ADD COLUMN impersonation_id INTEGER;
ALTER TABLE users ADD COLUMN impersonation_seen_id INTEGER NOT NULL DEFAULT 0;
CREATE TABLE tenant_settings (
	tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	allow_impersonation BOOLEAN NOT NULL DEFAULT TRUE,
	version INTEGER NOT NULL DEFAULT 1
);
INSERT INTO tenant_settings (tenant_id) SELECT id FROM tenants;

CREATE TRIGGER tenant_settings_new AFTER INSERT ON tenants BEGIN
	INSERT INTO tenant_settings (tenant_id) VALUES (NEW.id);
END;
