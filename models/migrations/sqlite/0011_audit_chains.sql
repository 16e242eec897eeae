-- migration 11: a hash chain over each tenant's audit events
-- Each event stores the hash of its canonical content and of the previous
-- event's hash; the chain row per tenant is the head, locked by every writer
-- so concurrent events cannot fork the chain. Events written before the
-- chain began (up to start_after_id) are outside it.

ALTER TABLE audit_events ADD COLUMN impersonator_user_id INTEGER;
ALTER TABLE audit_events ADD COLUMN impersonator_name TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE TABLE audit_chains (
	tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	head_id INTEGER NOT NULL DEFAULT 0,
	head_hash TEXT NOT NULL DEFAULT '',
	start_after_id INTEGER NOT NULL DEFAULT 0,
	start_hash TEXT NOT NULL DEFAULT ''
);
INSERT INTO audit_chains (tenant_id, head_id, start_after_id)
	SELECT t.id, COALESCE(m.last, 0), COALESCE(m.last, 0)
	FROM tenants t LEFT JOIN (SELECT tenant_id, max(id) AS last FROM audit_events GROUP BY tenant_id) m ON m.tenant_id = t.id;

CREATE TRIGGER audit_chain_new AFTER INSERT ON tenants BEGIN
	INSERT INTO audit_chains (tenant_id) VALUES (NEW.id);
END;
