-- migration 10: tenant usage counted once per statement; tenant list indexes for status and deep pages by name
-- A statement adding many rows (a seed, an import) moved the counters once
-- per row, each an UPDATE of the tenant's counter row: 3 s of a 100,000-user
-- insert. On PostgreSQL the triggers now run once per statement over its
-- transition table, one UPDATE per tenant touched. SQLite's row triggers
-- cost little (no round trip, no new row version). The tenant list sorted
-- by status read and sorted every tenant for any page; the index gives a
-- page by status like the other own columns. On PostgreSQL the name index
-- also carries the name, so a page by name, however deep, reads the index
-- alone (an expression index without it makes every skipped row a visit to
-- the table).

CREATE INDEX tenants_enabled ON tenants (enabled, id);

DROP INDEX tenants_name;
CREATE INDEX tenants_name ON tenants (lower(name), id) INCLUDE (name);
DROP TRIGGER tenant_usage_new ON tenants;
DROP TRIGGER tenant_usage_users ON users;
DROP TRIGGER tenant_usage_resources ON resources;
DROP FUNCTION tenant_usage_new(), tenant_usage_users(), tenant_usage_resources();
CREATE FUNCTION tenant_usage_tenants_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO tenant_usage (tenant_id) SELECT id FROM added;
	RETURN NULL;
END $$;
CREATE TRIGGER tenant_usage_new AFTER INSERT ON tenants REFERENCING NEW TABLE AS added
	FOR EACH STATEMENT EXECUTE FUNCTION tenant_usage_tenants_added();

CREATE FUNCTION tenant_usage_users_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE tenant_usage u SET users = u.users + d.n
	FROM (SELECT tenant_id, count(*) AS n FROM added GROUP BY tenant_id) d WHERE u.tenant_id = d.tenant_id;
	RETURN NULL;
END $$;
CREATE FUNCTION tenant_usage_users_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE tenant_usage u SET users = u.users - d.n
	FROM (SELECT tenant_id, count(*) AS n FROM removed GROUP BY tenant_id) d WHERE u.tenant_id = d.tenant_id;
	RETURN NULL;
END $$;
CREATE TRIGGER tenant_usage_users_added AFTER INSERT ON users REFERENCING NEW TABLE AS added
	FOR EACH STATEMENT EXECUTE FUNCTION tenant_usage_users_added();
CREATE TRIGGER tenant_usage_users_removed AFTER DELETE ON users REFERENCING OLD TABLE AS removed
	FOR EACH STATEMENT EXECUTE FUNCTION tenant_usage_users_removed();

CREATE FUNCTION tenant_usage_resources_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE tenant_usage u SET resources = u.resources + d.n
	FROM (SELECT tenant_id, count(*) AS n FROM added GROUP BY tenant_id) d WHERE u.tenant_id = d.tenant_id;
	RETURN NULL;
END $$;
CREATE FUNCTION tenant_usage_resources_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE tenant_usage u SET resources = u.resources - d.n
	FROM (SELECT tenant_id, count(*) AS n FROM removed GROUP BY tenant_id) d WHERE u.tenant_id = d.tenant_id;
	RETURN NULL;
END $$;
CREATE TRIGGER tenant_usage_resources_added AFTER INSERT ON resources REFERENCING NEW TABLE AS added
	FOR EACH STATEMENT EXECUTE FUNCTION tenant_usage_resources_added();
CREATE TRIGGER tenant_usage_resources_removed AFTER DELETE ON resources REFERENCING OLD TABLE AS removed
	FOR EACH STATEMENT EXECUTE FUNCTION tenant_usage_resources_removed();
