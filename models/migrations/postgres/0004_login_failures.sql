-- migration 4: failed sign-in counts shared by every server process
-- Global, not tenant-owned: a key is an account or an address, stored as
-- its SHA-256 so the table keeps nothing anyone typed.

CREATE TABLE login_failures (
	key_hash TEXT PRIMARY KEY,
	window_start TIMESTAMPTZ NOT NULL,
	failures INTEGER NOT NULL DEFAULT 0,
	earlier_failures INTEGER NOT NULL DEFAULT 0,
	last_failure_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_last ON login_failures (last_failure_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON login_failures TO {{app_role}};