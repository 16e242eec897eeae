#!/usr/bin/env bash
# usage: go build -o landlord . && docs/rls-cost.sh [rounds]
# What the signed row-level security costs: the same build serves the same data
# from two schemas, one as migrated, one where (for this measurement only) row
# level security is off and landlord_enter checks nothing, leaving the tenant
# confined by the WHERE tenant_id the model adds. wrk loads the dashboard and
# the user list (50 of 200 users) of each in turn.
set -euo pipefail
rounds=${1:-3}
bin=${LANDLORD_BIN:-./landlord}
d=$(mktemp -d)
export LANDLORD_LOG_LEVEL=error LANDLORD_SESSION_SECRET=$(printf 'k%.0s' $(seq 1 40))
psql() { PGOPTIONS="-c client_min_messages=warning" command psql -q -h 127.0.0.1 -U postgres test "$@"; }
setup() { # schema port
  psql -c "DROP SCHEMA IF EXISTS $1 CASCADE; CREATE SCHEMA $1"
  export LANDLORD_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test?search_path=$1" LANDLORD_DATA_DIR=$d/$1 LANDLORD_ADDR=127.0.0.1:$2
  $bin tenants create --subdomain acme --name "Acme Corp" >/dev/null
  $bin set-admin-password acme ops@acme.example "acme horse battery staple" >/dev/null
  psql -c "SET search_path = $1; INSERT INTO users (tenant_id, username, email, role_id, password_hash, created_at, updated_at)
    SELECT t.id, 'user' || g, 'user' || g || '@acme.example', r.id, '', now(), now()
    FROM tenants t JOIN roles r ON r.tenant_id = t.id, generate_series(1, 199) g WHERE t.subdomain = 'acme'"
}
setup rlssigned 18090
setup rlsplain 18091
psql -c "SET search_path = rlsplain;
  DO \$\$ DECLARE t text; BEGIN
    FOR t IN SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'rlsplain'::regnamespace AND c.relkind = 'r' AND c.relrowsecurity LOOP
      EXECUTE format('ALTER TABLE rlsplain.%I NO FORCE ROW LEVEL SECURITY', t);
      EXECUTE format('ALTER TABLE rlsplain.%I DISABLE ROW LEVEL SECURITY', t);
    END LOOP; END \$\$;
  CREATE OR REPLACE FUNCTION landlord_enter(p_tenant bigint, p_across boolean, p_proof text) RETURNS boolean
    LANGUAGE sql AS 'SELECT true';"
pids=()
for s in rlssigned:18090 rlsplain:18091; do
  export LANDLORD_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test?search_path=${s%%:*}" LANDLORD_DATA_DIR=$d/${s%%:*} LANDLORD_ADDR=127.0.0.1:${s##*:}
  $bin serve 2>/dev/null & pids+=($!)
done
trap 'kill ${pids[*]}' EXIT
sleep 1
. "$(dirname "$0")/signin.sh"
cs=$(signin acme.localhost 18090 ops@acme.example "acme horse battery staple" $d/jar1)
cp=$(signin acme.localhost 18091 ops@acme.example "acme horse battery staple" $d/jar2)
rps() { wrk -t2 -c16 -d${DURATION:-10}s -H "Host: acme.localhost:$1" -H "Cookie: landlord_session=$2" http://127.0.0.1:$1$3 | awk '/Requests\/sec/{print $2}'; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for page in / /users; do
  sg=(); pl=()
  for i in $(seq 1 "$rounds"); do
    a=$(rps 18090 "$cs" $page); b=$(rps 18091 "$cp" $page)
    echo "$page round $i: signed RLS $a req/s, WHERE only $b req/s"
    sg+=("$a"); pl+=("$b")
  done
  a=$(median "${sg[@]}"); b=$(median "${pl[@]}")
  echo "$page median: signed RLS $a, WHERE only $b, ratio $(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", a/b}')"
done
