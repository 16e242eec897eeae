-- migration 14: refusals of other tenants' sessions counted, not each one logged
-- A row per refused session (by the hash of its id) and host tenant, and
-- one per tenant (session_hash '') holding the minute, its events and the
-- refusals no event has told yet; see models/refused_session.go.

CREATE TABLE refused_sessions (
	tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	session_hash TEXT NOT NULL,
	minute BIGINT NOT NULL,
	events INTEGER NOT NULL DEFAULT 0,
	repeats INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant_id, session_hash)
);
CREATE INDEX refused_sessions_minute ON refused_sessions (tenant_id, minute);
GRANT SELECT, INSERT, UPDATE, DELETE ON refused_sessions TO {{app_role}};
ALTER TABLE refused_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE refused_sessions FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS refused_sessions_tenant_isolation ON refused_sessions;
CREATE POLICY refused_sessions_tenant_isolation ON refused_sessions
	USING (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id))
	WITH CHECK (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id));
