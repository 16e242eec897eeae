-- migration 13: impersonation by master users, and each tenant's say in it
-- An impersonation lives in the target's tenant, so the tenant can read its
-- own support-access history; it hangs on the impersonator's master
-- session, and the session check ends it with that session.

CREATE TABLE impersonations (
	id BIGSERIAL PRIMARY KEY,
	tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	user_id BIGINT NOT NULL,
	user_name TEXT NOT NULL,
	impersonator_tenant_id BIGINT NOT NULL,
	impersonator_user_id BIGINT NOT NULL,
	impersonator_name TEXT NOT NULL,
	impersonator_session_hash TEXT NOT NULL,
	reason TEXT NOT NULL,
	started_at TIMESTAMPTZ NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL,
	ended_at TIMESTAMPTZ,
	end_reason TEXT NOT NULL DEFAULT '',
	UNIQUE (tenant_id, id),
	FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX impersonations_tenant ON impersonations (tenant_id, id);
CREATE INDEX impersonations_user ON impersonations (tenant_id, user_id, started_at);
CREATE INDEX impersonations_session ON impersonations (impersonator_session_hash);
ALTER TABLE user_sessions ADD COLUMN impersonation_id BIGINT;
ALTER TABLE login_handoffs ADD COLUMN impersonation_id BIGINT;
ALTER TABLE users ADD COLUMN impersonation_seen_id BIGINT NOT NULL DEFAULT 0;
CREATE TABLE tenant_settings (
	tenant_id BIGINT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	allow_impersonation BOOLEAN NOT NULL DEFAULT TRUE,
	version INTEGER NOT NULL DEFAULT 1
);
INSERT INTO tenant_settings (tenant_id) SELECT id FROM tenants;
GRANT SELECT, INSERT, UPDATE, DELETE ON impersonations TO {{app_role}};
GRANT SELECT, INSERT, UPDATE ON tenant_settings TO {{app_role}};
GRANT USAGE, SELECT ON SEQUENCE impersonations_id_seq TO {{app_role}};
ALTER TABLE impersonations ENABLE ROW LEVEL SECURITY;
ALTER TABLE impersonations FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS impersonations_tenant_isolation ON impersonations;
CREATE POLICY impersonations_tenant_isolation ON impersonations
	USING (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id))
	WITH CHECK (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id));

ALTER TABLE tenant_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_settings FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_settings_tenant_isolation ON tenant_settings;
CREATE POLICY tenant_settings_tenant_isolation ON tenant_settings
	USING (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id))
	WITH CHECK (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id));

CREATE FUNCTION tenant_settings_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO tenant_settings (tenant_id) VALUES (NEW.id);
	RETURN NULL;
END $$;
CREATE TRIGGER tenant_settings_new AFTER INSERT ON tenants FOR EACH ROW EXECUTE FUNCTION tenant_settings_new();
