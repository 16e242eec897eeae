-- migration 17: resource kinds, groups, group access, sharing and usage snapshots
-- Kinds are the master's and every tenant uses them: readable by everyone,
-- written only by the master's cross-tenant operations, like tenant roles.
-- A resource's name is unique per tenant and kind whatever its case; it is
-- in at most one group of its tenant. A master resource is private, public
-- or assigned; a tenant role grants public ones, or all of them. Usage
-- snapshots are each tenant's counts once a day.

CREATE TABLE resource_kinds (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	key TEXT NOT NULL UNIQUE,
	label TEXT NOT NULL,
	attributes TEXT NOT NULL DEFAULT '[]',
	version INTEGER NOT NULL DEFAULT 1,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL
);
CREATE TABLE resource_groups (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	UNIQUE (tenant_id, id)
);
CREATE UNIQUE INDEX resource_groups_name ON resource_groups (tenant_id, lower(name));
ALTER TABLE resources ADD COLUMN description TEXT NOT NULL DEFAULT '';
-- SQLite adds no table constraint to a table that exists: the column refers
-- to the group alone, and the model keeps the group in the resource's tenant.
ALTER TABLE resources ADD COLUMN group_id INTEGER REFERENCES resource_groups (id);
ALTER TABLE resources ADD COLUMN visibility TEXT NOT NULL DEFAULT 'private';
CREATE UNIQUE INDEX resources_kind_name ON resources (tenant_id, kind, lower(name));
CREATE INDEX resources_group_name ON resources (tenant_id, group_id, lower(name), id);
CREATE INDEX resources_kind ON resources (kind);
CREATE INDEX resources_shared ON resources (visibility, id) WHERE visibility <> 'private';
CREATE TABLE resource_assignments (
	resource_id INTEGER NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	PRIMARY KEY (resource_id, tenant_id)
);
CREATE INDEX resource_assignments_tenant ON resource_assignments (tenant_id, resource_id);
ALTER TABLE tenant_roles ADD COLUMN all_master_resources BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE tenant_role_resources (
	tenant_role_id INTEGER NOT NULL REFERENCES tenant_roles(id) ON DELETE CASCADE,
	resource_id INTEGER NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
	PRIMARY KEY (tenant_role_id, resource_id)
);
CREATE INDEX tenant_role_resources_resource ON tenant_role_resources (resource_id, tenant_role_id);
CREATE TABLE role_group_levels (
	tenant_id INTEGER NOT NULL,
	role_id INTEGER NOT NULL,
	group_id INTEGER NOT NULL,
	level TEXT NOT NULL,
	PRIMARY KEY (tenant_id, role_id, group_id),
	FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id) ON DELETE CASCADE,
	FOREIGN KEY (tenant_id, group_id) REFERENCES resource_groups (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX role_group_levels_group ON role_group_levels (tenant_id, group_id);
CREATE TABLE usage_snapshots (
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	day DATE NOT NULL,
	users INTEGER NOT NULL,
	resources INTEGER NOT NULL,
	by_kind TEXT NOT NULL DEFAULT '{}',
	taken_at DATETIME NOT NULL,
	PRIMARY KEY (tenant_id, day)
);
CREATE INDEX usage_snapshots_day ON usage_snapshots (day, tenant_id);

