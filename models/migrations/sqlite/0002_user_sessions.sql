-- migration 2: server-side user sessions

CREATE TABLE user_sessions (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	session_version INTEGER NOT NULL,
	created_at DATETIME NOT NULL,
	expires_at DATETIME NOT NULL,
	FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX user_sessions_user ON user_sessions (tenant_id, user_id);
