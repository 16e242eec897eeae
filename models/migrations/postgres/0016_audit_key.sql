-- migration 16: the fingerprint of the key the audit chains are keyed with
-- Not the key, which stays outside the database: its HMAC of a fixed label,
-- so a process started with another key refuses to write events no verify
-- would accept. Only the owner reads it.

CREATE TABLE audit_key (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	fingerprint TEXT NOT NULL,
	recorded_at TIMESTAMPTZ NOT NULL
);
