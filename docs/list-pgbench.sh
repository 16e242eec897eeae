#!/usr/bin/env bash
# usage: docs/seed-bench.sh && docs/list-pgbench.sh [rounds]
# The user list's database work alone, against the floor's, with pgbench (8
# clients, prepared statements, 5 s, alternating): the floor's list (tenant by
# subdomain, count, page: three statements, no transaction); Landlord's list
# transaction as the server runs it for t00042 (BEGIN, role switch and signed
# tenant entry, the page with its total, COMMIT: four round trips); and the
# same four statements sent as one pipeline (one round trip), which Landlord
# does not do today. Run as the owner: the proof the server would compute is
# made with landlord_hmac, which only the owner may call.
set -euo pipefail
rounds=${1:-2}
d=$(mktemp -d)
q() { psql -At -h 127.0.0.1 -U postgres landlord_bench -c "$1"; }
tid=$(q "SELECT id FROM tenants WHERE subdomain = 't00042'")
proof=$(q "SELECT landlord_hmac('enter:$tid:false')")
page="SELECT users.id,users.tenant_id,users.username,users.email,users.first_name,users.last_name,users.role_id,users.enabled,users.identity_source,users.last_login_at,users.created_at,\"Role\".\"id\" AS \"Role__id\",\"Role\".\"name\" AS \"Role__name\",\"Usage\".\"users\" AS \"Usage__users\" FROM \"users\" LEFT JOIN \"roles\" \"Role\" ON \"users\".\"role_id\" = \"Role\".\"id\" AND \"Role\".\"tenant_id\" = $tid LEFT JOIN \"tenant_usage\" \"Usage\" ON \"users\".\"tenant_id\" = \"Usage\".\"tenant_id\" AND \"Usage\".\"tenant_id\" = $tid WHERE \"users\".\"tenant_id\" = $tid ORDER BY lower(users.username) ASC, users.id ASC LIMIT 50;"
printf "BEGIN;\nSELECT set_config('role', 'landlord_app_landlord_bench', true), landlord_enter($tid, false, '$proof');\n%s\nCOMMIT;\n" "$page" > $d/landlord.sql
(echo '\startpipeline'; cat $d/landlord.sql; echo '\endpipeline') > $d/pipelined.sql
cat > $d/floor.sql <<'SQL'
SELECT id FROM tenants WHERE subdomain = 't42';
SELECT count(*) FROM users WHERE tenant_id = 42;
SELECT username, email, role, enabled FROM users WHERE tenant_id = 42 ORDER BY lower(username) LIMIT 50 OFFSET 0;
SQL
run() { pgbench -h 127.0.0.1 -U postgres -n -M prepared -c 8 -j 2 -T 5 -f "$d/$1.sql" "$2" 2>&1 | awk -v n="$1" '/^tps/{printf "%s %.0f tx/s\n", n, $3}'; }
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$rounds"); do
  echo "round $i: $(run floor floor), $(run landlord landlord_bench), $(run pipelined landlord_bench)"
done
