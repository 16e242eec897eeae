-- migration 11: a hash chain over each tenant's audit events
-- Each event stores the hash of its canonical content and of the previous
-- event's hash; the chain row per tenant is the head, locked by every writer
-- so concurrent events cannot fork the chain. Events written before the
-- chain began (up to start_after_id) are outside it.

ALTER TABLE audit_events ADD COLUMN impersonator_user_id BIGINT;
ALTER TABLE audit_events ADD COLUMN impersonator_name TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE TABLE audit_chains (
	tenant_id BIGINT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	head_id BIGINT NOT NULL DEFAULT 0,
	head_hash TEXT NOT NULL DEFAULT '',
	start_after_id BIGINT NOT NULL DEFAULT 0,
	start_hash TEXT NOT NULL DEFAULT ''
);
INSERT INTO audit_chains (tenant_id, head_id, start_after_id)
	SELECT t.id, COALESCE(m.last, 0), COALESCE(m.last, 0)
	FROM tenants t LEFT JOIN (SELECT tenant_id, max(id) AS last FROM audit_events GROUP BY tenant_id) m ON m.tenant_id = t.id;
GRANT SELECT, INSERT, UPDATE ON audit_chains TO {{app_role}};
ALTER TABLE audit_chains ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_chains FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS audit_chains_tenant_isolation ON audit_chains;
CREATE POLICY audit_chains_tenant_isolation ON audit_chains
	USING (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id))
	WITH CHECK (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id));

CREATE FUNCTION audit_chain_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO audit_chains (tenant_id) VALUES (NEW.id);
	RETURN NULL;
END $$;
CREATE TRIGGER audit_chain_new AFTER INSERT ON tenants FOR EACH ROW EXECUTE FUNCTION audit_chain_new();
