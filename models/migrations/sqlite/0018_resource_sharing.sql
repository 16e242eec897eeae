-- migration 18: what the master shares, readable by the tenants it is shared with
-- SQLite has no row-level security: SharedResources is the one way a
-- subtenant reads the master's resources, and the scoping callbacks keep
-- every other statement to the tenant's own. The tenant roles that give all
-- master resources are found by one index, as on PostgreSQL.
CREATE INDEX tenant_roles_all_master ON tenant_roles (id) WHERE all_master_resources;
