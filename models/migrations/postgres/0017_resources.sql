-- migration 17: resource kinds, groups, group access, sharing and usage snapshots
-- Kinds are the master's and every tenant uses them: readable by everyone,
-- written only by the master's cross-tenant operations, like tenant roles.
-- A resource's name is unique per tenant and kind whatever its case; it is
-- in at most one group of its tenant. A master resource is private, public
-- or assigned; a tenant role grants public ones, or all of them. Usage
-- snapshots are each tenant's counts once a day.

CREATE TABLE resource_kinds (
	id BIGSERIAL PRIMARY KEY,
	key TEXT NOT NULL UNIQUE,
	label TEXT NOT NULL,
	attributes TEXT NOT NULL DEFAULT '[]',
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE resource_groups (
	id BIGSERIAL PRIMARY KEY,
	tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	UNIQUE (tenant_id, id)
);
CREATE UNIQUE INDEX resource_groups_name ON resource_groups (tenant_id, lower(name));
ALTER TABLE resources ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE resources ADD COLUMN group_id BIGINT;
ALTER TABLE resources ADD CONSTRAINT resources_group FOREIGN KEY (tenant_id, group_id) REFERENCES resource_groups (tenant_id, id);
ALTER TABLE resources ADD COLUMN visibility TEXT NOT NULL DEFAULT 'private';
CREATE UNIQUE INDEX resources_kind_name ON resources (tenant_id, kind, lower(name));
CREATE INDEX resources_group_name ON resources (tenant_id, group_id, lower(name), id);
CREATE INDEX resources_kind ON resources (kind);
CREATE INDEX resources_shared ON resources (visibility, id) WHERE visibility <> 'private';
CREATE TABLE resource_assignments (
	resource_id BIGINT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
	tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	PRIMARY KEY (resource_id, tenant_id)
);
CREATE INDEX resource_assignments_tenant ON resource_assignments (tenant_id, resource_id);
ALTER TABLE tenant_roles ADD COLUMN all_master_resources BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE tenant_role_resources (
	tenant_role_id BIGINT NOT NULL REFERENCES tenant_roles(id) ON DELETE CASCADE,
	resource_id BIGINT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
	PRIMARY KEY (tenant_role_id, resource_id)
);
CREATE INDEX tenant_role_resources_resource ON tenant_role_resources (resource_id, tenant_role_id);
CREATE TABLE role_group_levels (
	tenant_id BIGINT NOT NULL,
	role_id BIGINT NOT NULL,
	group_id BIGINT NOT NULL,
	level TEXT NOT NULL,
	PRIMARY KEY (tenant_id, role_id, group_id),
	FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id) ON DELETE CASCADE,
	FOREIGN KEY (tenant_id, group_id) REFERENCES resource_groups (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX role_group_levels_group ON role_group_levels (tenant_id, group_id);
CREATE TABLE usage_snapshots (
	tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	day DATE NOT NULL,
	users INTEGER NOT NULL,
	resources INTEGER NOT NULL,
	by_kind TEXT NOT NULL DEFAULT '{}',
	taken_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (tenant_id, day)
);
CREATE INDEX usage_snapshots_day ON usage_snapshots (day, tenant_id);

GRANT SELECT, INSERT, UPDATE, DELETE ON resource_kinds, resource_groups, resource_assignments, tenant_role_resources, role_group_levels, usage_snapshots TO {{app_role}};
GRANT USAGE, SELECT ON SEQUENCE resource_kinds_id_seq, resource_groups_id_seq TO {{app_role}};

ALTER TABLE resource_kinds ENABLE ROW LEVEL SECURITY;
ALTER TABLE resource_kinds FORCE ROW LEVEL SECURITY;
CREATE POLICY resource_kinds_read ON resource_kinds FOR SELECT USING (true);
CREATE POLICY resource_kinds_write ON resource_kinds FOR ALL USING ((SELECT landlord_scope()) = -1) WITH CHECK ((SELECT landlord_scope()) = -1);

ALTER TABLE tenant_role_resources ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_role_resources FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_role_resources_read ON tenant_role_resources FOR SELECT USING (true);
CREATE POLICY tenant_role_resources_write ON tenant_role_resources FOR ALL USING ((SELECT landlord_scope()) = -1) WITH CHECK ((SELECT landlord_scope()) = -1);

-- An assignment is the master's, made across tenants; the tenant it names
-- may read it (what the master shares with it).
ALTER TABLE resource_assignments ENABLE ROW LEVEL SECURITY;
ALTER TABLE resource_assignments FORCE ROW LEVEL SECURITY;
CREATE POLICY resource_assignments_read ON resource_assignments FOR SELECT USING (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id));
CREATE POLICY resource_assignments_write ON resource_assignments FOR ALL USING ((SELECT landlord_scope()) = -1) WITH CHECK ((SELECT landlord_scope()) = -1);

ALTER TABLE resource_groups ENABLE ROW LEVEL SECURITY;
ALTER TABLE resource_groups FORCE ROW LEVEL SECURITY;
CREATE POLICY resource_groups_tenant_isolation ON resource_groups
	USING (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id))
	WITH CHECK (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id));

ALTER TABLE role_group_levels ENABLE ROW LEVEL SECURITY;
ALTER TABLE role_group_levels FORCE ROW LEVEL SECURITY;
CREATE POLICY role_group_levels_tenant_isolation ON role_group_levels
	USING (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id))
	WITH CHECK (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id));

ALTER TABLE usage_snapshots ENABLE ROW LEVEL SECURITY;
ALTER TABLE usage_snapshots FORCE ROW LEVEL SECURITY;
-- Each tenant reads its own; only the system's daily snapshot, across
-- tenants, writes them.
CREATE POLICY usage_snapshots_read ON usage_snapshots FOR SELECT
	USING (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id));
CREATE POLICY usage_snapshots_write ON usage_snapshots FOR ALL
	USING ((SELECT landlord_scope()) = -1) WITH CHECK ((SELECT landlord_scope()) = -1);
