-- migration 6: tenant roles, role templates, resources
-- Tenant roles are the master's caps on what a subtenant's users may be
-- given; like the tenant registry they are readable by everyone and written
-- only by the master's cross-tenant operations. Every existing subtenant
-- gets the install's first tenant role, Standard, which caps nothing: every
-- feature of the catalogue as it was when this step was written, at full.

CREATE TABLE tenant_roles (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	permissions TEXT NOT NULL DEFAULT '{}',
	version INTEGER NOT NULL DEFAULT 1,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX tenant_roles_name ON tenant_roles (lower(name));
INSERT INTO tenant_roles (name, description, permissions, created_at, updated_at)
	VALUES ('Standard', 'Every feature at full.', '{"api-tokens":"full","audit":"full","export":"full","impersonation":"full","resources":"full","roles":"full","tenants":"full","users":"full"}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
UPDATE tenants SET tenant_role_id = (SELECT min(id) FROM tenant_roles) WHERE NOT is_master AND tenant_role_id IS NULL;
CREATE INDEX tenants_tenant_role ON tenants (tenant_role_id);
ALTER TABLE roles ADD COLUMN multitenant BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE roles ADD COLUMN template_id INTEGER REFERENCES roles(id) ON DELETE SET NULL;
ALTER TABLE roles ADD COLUMN linked BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX roles_template ON roles (template_id, linked);
CREATE INDEX users_role ON users (tenant_id, role_id);
CREATE TABLE resources (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	attributes TEXT NOT NULL DEFAULT '{}',
	version INTEGER NOT NULL DEFAULT 1,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	UNIQUE (tenant_id, id)
);
CREATE INDEX resources_tenant_name ON resources (tenant_id, lower(name));
ALTER TABLE tenant_usage ADD COLUMN resources INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tenant_usage_resources ON tenant_usage (resources, tenant_id);

CREATE TRIGGER tenant_usage_resource_added AFTER INSERT ON resources BEGIN
	UPDATE tenant_usage SET resources = resources + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER tenant_usage_resource_removed AFTER DELETE ON resources BEGIN
	UPDATE tenant_usage SET resources = resources - 1 WHERE tenant_id = OLD.tenant_id;
END;
