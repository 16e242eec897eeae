#!/usr/bin/env bash
# usage: go build -o landlord . && (cd ../shared/floor && go build -o /tmp/floor .) && docs/compare.sh [rounds]
# Serves Landlord's signed-in dashboard (PostgreSQL) and the floor's /me side by
# side, loads each with wrk in turn, and prints every round and the ratio of the medians.
# The floor needs its database seeded first (see ../shared/floor/README.md).
set -euo pipefail
rounds=${1:-3}
d=$(mktemp -d)
export LANDLORD_DATA_DIR=$d LANDLORD_ADDR=127.0.0.1:18080 LANDLORD_LOG_LEVEL=error
PGOPTIONS="-c client_min_messages=warning" psql -q -h 127.0.0.1 -U postgres test -c "DROP SCHEMA IF EXISTS loadtest CASCADE; CREATE SCHEMA loadtest"
export LANDLORD_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test?search_path=loadtest"
bin=${LANDLORD_BIN:-./landlord}
$bin tenants create --subdomain acme --name "Acme Corp" >/dev/null
$bin set-admin-password acme ops@acme.example "acme horse battery staple" >/dev/null
$bin serve 2>/dev/null & pid=$!
FLOOR_DB=${FLOOR_DB:-postgres://postgres@127.0.0.1:5432/floor} ${FLOOR_BIN:-/tmp/floor} serve -addr 127.0.0.1:8090 2>/dev/null & fpid=$!
trap 'kill $pid $fpid' EXIT
sleep 1
. "$(dirname "$0")/signin.sh"
cookie=$(signin acme.localhost 18080 ops@acme.example "acme horse battery staple" $d/jar)
rps() { wrk -t2 -c16 -d${DURATION:-10}s "$@" | awk '/Requests\/sec/{print $2}'; }
ll=(); fl=()
for i in $(seq 1 "$rounds"); do
  l=$(rps -H "Host: acme.localhost:18080" -H "Cookie: landlord_session=$cookie" http://127.0.0.1:18080/)
  f=$(rps -H 'Cookie: s=tok-5' -H 'Host: t5.localhost' http://127.0.0.1:8090/me)
  echo "round $i: landlord dashboard $l req/s, floor /me $f req/s"
  ll+=("$l"); fl+=("$f")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
lm=$(median "${ll[@]}"); fm=$(median "${fl[@]}")
echo "median: landlord $lm, floor $fm, ratio $(awk -v a="$lm" -v b="$fm" 'BEGIN{printf "%.2f", a/b}')"
echo "landlord RSS after load: $(ps -o rss= -p $pid) KiB"
