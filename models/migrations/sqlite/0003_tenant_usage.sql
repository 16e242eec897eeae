-- migration 3: stored user counts per tenant
-- Lists of tenants show each one's user count; a counter row kept by
-- triggers answers that for any page without counting rows per tenant.

CREATE TABLE tenant_usage (
	tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	users INTEGER NOT NULL DEFAULT 0
);
INSERT INTO tenant_usage (tenant_id, users)
	SELECT t.id, (SELECT count(*) FROM users u WHERE u.tenant_id = t.id) FROM tenants t;
CREATE INDEX tenant_usage_users ON tenant_usage (users, tenant_id);
CREATE INDEX tenants_name ON tenants (lower(name), id);
CREATE INDEX tenants_created ON tenants (created_at, id);

CREATE TRIGGER tenant_usage_new AFTER INSERT ON tenants BEGIN
	INSERT INTO tenant_usage (tenant_id) VALUES (NEW.id);
END;
CREATE TRIGGER tenant_usage_user_added AFTER INSERT ON users BEGIN
	UPDATE tenant_usage SET users = users + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER tenant_usage_user_removed AFTER DELETE ON users BEGIN
	UPDATE tenant_usage SET users = users - 1 WHERE tenant_id = OLD.tenant_id;
END;
