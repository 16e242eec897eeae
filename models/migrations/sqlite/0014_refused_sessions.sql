-- migration 14: refusals of other tenants' sessions counted, not each one logged
-- A row per refused session (by the hash of its id) and host tenant, and
-- one per tenant (session_hash '') holding the minute, its events and the
-- refusals no event has told yet; see models/refused_session.go.

CREATE TABLE refused_sessions (
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	session_hash TEXT NOT NULL,
	minute INTEGER NOT NULL,
	events INTEGER NOT NULL DEFAULT 0,
	repeats INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant_id, session_hash)
);
CREATE INDEX refused_sessions_minute ON refused_sessions (tenant_id, minute);
