#!/usr/bin/env bash
# usage: go build -o landlord . && docs/seed-bench.sh && OTHER_BIN=/tmp/landlord-before docs/users-full-page.sh [rounds]
# A full page of the user list (50 rows) from two Landlord builds, alternating:
# tenant t00007 of landlord_bench gets 190 more users for the run (200 in all)
# and loses them again at the end. wrk -t2 -c16 -d10s, as user000007.
set -euo pipefail
rounds=${1:-4}
d=$(mktemp -d)
psql() { PGOPTIONS="-c client_min_messages=warning" command psql -q -h 127.0.0.1 -U postgres landlord_bench "$@"; }
psql -c "INSERT INTO users (tenant_id, username, email, first_name, last_name, role_id, password_hash, created_at, updated_at)
  SELECT t.id, 'extra' || g, 'extra' || g || '@t00007.example', 'Extra', 'User ' || g, r.id, '', now(), now()
  FROM tenants t JOIN roles r ON r.tenant_id = t.id AND r.name = 'Administrator', generate_series(1, 190) g
  WHERE t.subdomain = 't00007'" -c "VACUUM ANALYZE users"
export LANDLORD_LOG_LEVEL=error LANDLORD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/landlord_bench LANDLORD_DATA_DIR=$d
LANDLORD_ADDR=127.0.0.1:18087 ${LANDLORD_BIN:-./landlord} serve 2>/dev/null & a=$!
sleep 1
LANDLORD_ADDR=127.0.0.1:18088 ${OTHER_BIN:?name the other build} serve 2>/dev/null & b=$!
trap 'kill $a $b; psql -c "DELETE FROM users WHERE username LIKE '"'"'extra%'"'"'"' EXIT
sleep 1
. "$(dirname "$0")/signin.sh"
ca=$(signin t00007.localhost 18087 user000007 "bench horse battery staple" $d/a)
cb=$(signin t00007.localhost 18088 user000007 "bench horse battery staple" $d/b)
rps() { wrk -t2 -c16 -d${DURATION:-10}s -H "Host: t00007.localhost:$1" -H "Cookie: landlord_session=$2" "http://127.0.0.1:$1/users" | awk '/Requests\/sec/{print $2}'; }
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$rounds"); do
  echo "round $i: ${LANDLORD_BIN:-./landlord} $(rps 18087 "$ca") req/s, $OTHER_BIN $(rps 18088 "$cb") req/s"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
