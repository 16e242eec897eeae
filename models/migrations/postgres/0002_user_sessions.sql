-- migration 2: server-side user sessions

CREATE TABLE user_sessions (
	id BIGSERIAL PRIMARY KEY,
	tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	user_id BIGINT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	session_version INTEGER NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL,
	FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX user_sessions_user ON user_sessions (tenant_id, user_id);
GRANT SELECT, INSERT, UPDATE, DELETE ON user_sessions TO {{app_role}};
GRANT USAGE, SELECT ON SEQUENCE user_sessions_id_seq TO {{app_role}};
ALTER TABLE user_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY user_sessions_tenant_isolation ON user_sessions
	USING (tenant_id = NULLIF(current_setting('landlord.tenant_id', true), '')::bigint
		OR current_setting('landlord.across_tenants', true) = 'on')
	WITH CHECK (tenant_id = NULLIF(current_setting('landlord.tenant_id', true), '')::bigint
		OR current_setting('landlord.across_tenants', true) = 'on');
