#!/usr/bin/env bash
# usage: docs/seed-bench.sh && docs/list-explain.sh
# PostgreSQL's plan and time for page 100 of the tenant list at 10,000 tenants
# (landlord_bench), per sort key, as the page's statement chooses its ids, and
# the statement before this change (every tenant joined and sorted, for the
# default sort) and the whole statement after it (the total, the ids, their
# rows). EXPLAIN ANALYZE as the owner; best of three; the first plan node that
# reads or sorts.
set -euo pipefail
q() { psql -At -h 127.0.0.1 -U postgres landlord_bench -c "$1"; }
best() { # label query
  local t b=""
  for i in 1 2 3; do
    t=$(q "EXPLAIN ANALYZE $2" | awk '/Execution Time/{print $3}')
    b=$(awk -v a="$t" -v b="$b" 'BEGIN{print (b == "" || a < b) ? a : b}')
  done
  local how; how=$(q "EXPLAIN $2" | grep -oE "(Incremental Sort|Index Only Scan|Index Scan|Seq Scan|Sort)( Backward)?( using [a-z_]+)?" | head -1)
  printf '%-38s %8s ms   %s\n' "$1" "$b" "$how"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
best "before: every tenant, sorted" "SELECT tenants.*, COALESCE(tenant_usage.users, 0), COALESCE(tenant_usage.resources, 0), COALESCE(tenant_roles.name, '') FROM tenants LEFT JOIN tenant_usage ON tenant_usage.tenant_id = tenants.id LEFT JOIN tenant_roles ON tenant_roles.id = tenants.tenant_role_id ORDER BY lower(tenants.name) ASC, tenants.id ASC LIMIT 50 OFFSET 4950"
best "after: the whole page statement" "SELECT c.total, t.*, COALESCE(u.users, 0), COALESCE(u.resources, 0), COALESCE(r.name, '') FROM (SELECT count(*) AS total FROM tenants) c LEFT JOIN (SELECT tenants.id AS id, lower(tenants.name) AS k FROM tenants ORDER BY lower(tenants.name) ASC, tenants.id ASC LIMIT 50 OFFSET 4950) p ON TRUE LEFT JOIN tenants t ON t.id = p.id LEFT JOIN tenant_usage u ON u.tenant_id = t.id LEFT JOIN tenant_roles r ON r.id = t.tenant_role_id ORDER BY p.k ASC, p.id ASC"
for s in "name|lower(tenants.name)|tenants|tenants.id" "subdomain|tenants.subdomain|tenants|tenants.id" \
  "created|tenants.created_at|tenants|tenants.id" "status|tenants.enabled|tenants|tenants.id" \
  "users|tenant_usage.users|tenant_usage|tenant_usage.tenant_id" "resources|tenant_usage.resources|tenant_usage|tenant_usage.tenant_id" \
  "role|lower(tenant_roles.name)|tenants LEFT JOIN tenant_roles ON tenant_roles.id = tenants.tenant_role_id|tenants.id"; do
  IFS='|' read -r name key from id <<<"$s"
  best "ids of page 100 by $name" "SELECT $id AS id, $key AS k FROM $from ORDER BY $key ASC, $id ASC LIMIT 50 OFFSET 4950"
done

# The user list of a large tenant: t00044 gets 100,000 more users for the
# measurement, and loses them again. Before: a count of the tenant's users,
# then the page; after: the page with the stored count joined (no search), or
# with a window count over the matches (a search, here one matching all).
q "INSERT INTO users (tenant_id, username, email, first_name, last_name, role_id, password_hash, created_at, updated_at)
  SELECT t.id, 'big' || g, 'big' || g || '@t00044.example', 'Big', 'User ' || g, r.id, '', now(), now()
  FROM tenants t JOIN roles r ON r.tenant_id = t.id AND r.name = 'Administrator', generate_series(1, 100000) g
  WHERE t.subdomain = 't00044'" >/dev/null
q "VACUUM ANALYZE users" >/dev/null
trap 'q "DELETE FROM users WHERE username LIKE '"'"'big%'"'"'" >/dev/null; q "VACUUM ANALYZE users" >/dev/null' EXIT
tid=$(q "SELECT id FROM tenants WHERE subdomain = 't00044'")
cols="users.id,users.tenant_id,users.username,users.email,users.first_name,users.last_name,users.role_id,users.enabled,users.identity_source,users.last_login_at,users.created_at"
role="LEFT JOIN roles \"Role\" ON users.role_id = \"Role\".id AND \"Role\".tenant_id = $tid"
page="ORDER BY lower(users.username) ASC, users.id ASC LIMIT 50"
best "users, 100,010: before, the count" "SELECT count(*) FROM users WHERE users.tenant_id = $tid"
best "users, 100,010: before, the page" "SELECT $cols, \"Role\".name FROM users $role WHERE users.tenant_id = $tid $page"
best "users, 100,010: after, page+total" "SELECT $cols, \"Role\".name, \"Usage\".users FROM users $role LEFT JOIN tenant_usage \"Usage\" ON users.tenant_id = \"Usage\".tenant_id AND \"Usage\".tenant_id = $tid WHERE users.tenant_id = $tid $page"
for term in big big9999; do # matching every user, and eleven
  match="(lower(users.username) LIKE '%$term%' OR lower(users.email) LIKE '%$term%' OR lower(users.first_name || ' ' || users.last_name) LIKE '%$term%')"
  best "search '$term': before, the count" "SELECT count(*) FROM users WHERE $match AND users.tenant_id = $tid"
  best "search '$term': before, the page" "SELECT $cols, \"Role\".name FROM users $role WHERE $match AND users.tenant_id = $tid $page"
  best "search '$term': after, page+total" "SELECT $cols, count(*) OVER (), \"Role\".name FROM users $role WHERE $match AND users.tenant_id = $tid $page"
done
