#!/usr/bin/env bash
# usage: go build -o landlord . && docs/load.sh sqlite|postgres   (needs wrk, curl; postgres needs psql)
set -euo pipefail
d=$(mktemp -d); export LANDLORD_DATA_DIR=$d LANDLORD_ADDR=127.0.0.1:18080 LANDLORD_LOG_LEVEL=error
if [ "$1" = postgres ]; then
  psql -q -h 127.0.0.1 -U postgres test -c "DROP SCHEMA IF EXISTS loadtest CASCADE; CREATE SCHEMA loadtest"
  export LANDLORD_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test?search_path=loadtest"
fi
${LANDLORD_BIN:-./landlord} tenants create --subdomain acme --name "Acme Corp" >/dev/null
${LANDLORD_BIN:-./landlord} set-admin-password acme ops@acme.example "acme horse battery staple" >/dev/null
${LANDLORD_BIN:-./landlord} serve 2>/dev/null & pid=$!
trap 'kill $pid' EXIT
sleep 1
. "$(dirname "$0")/signin.sh"
cookie=$(signin acme.localhost 18080 ops@acme.example "acme horse battery staple" $d/jar)
echo "== $1: GET /login"
wrk -t2 -c16 -d10s -H "Host: acme.localhost:18080" http://127.0.0.1:18080/login | grep -E "Requests/sec|Latency|Non-2xx"
echo "== $1: GET / (dashboard, signed in)"
wrk -t2 -c16 -d10s -H "Host: acme.localhost:18080" -H "Cookie: landlord_session=$cookie" http://127.0.0.1:18080/ | grep -E "Requests/sec|Latency|Non-2xx"
echo "RSS after load: $(ps -o rss= -p $pid) KiB"
