-- migration 3: stored user counts per tenant
-- Lists of tenants show each one's user count; a counter row kept by
-- triggers answers that for any page without counting rows per tenant.

CREATE TABLE tenant_usage (
	tenant_id BIGINT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	users INTEGER NOT NULL DEFAULT 0
);
INSERT INTO tenant_usage (tenant_id, users)
	SELECT t.id, (SELECT count(*) FROM users u WHERE u.tenant_id = t.id) FROM tenants t;
CREATE INDEX tenant_usage_users ON tenant_usage (users, tenant_id);
CREATE INDEX tenants_name ON tenants (lower(name), id);
CREATE INDEX tenants_created ON tenants (created_at, id);
GRANT SELECT, INSERT, UPDATE ON tenant_usage TO {{app_role}};
ALTER TABLE tenant_usage ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_usage FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_usage_tenant_isolation ON tenant_usage
	USING (tenant_id = NULLIF(current_setting('landlord.tenant_id', true), '')::bigint
		OR current_setting('landlord.across_tenants', true) = 'on')
	WITH CHECK (tenant_id = NULLIF(current_setting('landlord.tenant_id', true), '')::bigint
		OR current_setting('landlord.across_tenants', true) = 'on');

CREATE FUNCTION tenant_usage_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO tenant_usage (tenant_id) VALUES (NEW.id);
	RETURN NULL;
END $$;
CREATE TRIGGER tenant_usage_new AFTER INSERT ON tenants FOR EACH ROW EXECUTE FUNCTION tenant_usage_new();
CREATE FUNCTION tenant_usage_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		UPDATE tenant_usage SET users = users + 1 WHERE tenant_id = NEW.tenant_id;
	ELSE
		UPDATE tenant_usage SET users = users - 1 WHERE tenant_id = OLD.tenant_id;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER tenant_usage_users AFTER INSERT OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION tenant_usage_users();
