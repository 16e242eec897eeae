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
