#!/usr/bin/env bash
# usage: go build -o landlord . && docs/seed-bench.sh && docs/list-statements.sh
# Counts the statements PostgreSQL runs for one request of each list page at
# 10,000 tenants / 100,000 users (landlord_bench, made by docs/seed-bench.sh),
# with log_statement = 'all' for the request role's connections, read from the
# server log, as docs/statements.sh does on a small install.
set -euo pipefail
log=${PG_LOG:-/var/log/postgresql/postgresql-15-main.log}
d=$(mktemp -d); export LANDLORD_DATA_DIR=$d LANDLORD_ADDR=127.0.0.1:18083 LANDLORD_LOG_LEVEL=error
export LANDLORD_DATABASE_URL="postgres://postgres@127.0.0.1:5432/landlord_bench"
bin=${LANDLORD_BIN:-./landlord}
psql -q -h 127.0.0.1 -U postgres landlord_bench -c "ALTER ROLE landlord_app_landlord_bench IN DATABASE landlord_bench SET log_statement = 'all'"
LANDLORD_DATABASE_URL="$LANDLORD_DATABASE_URL?application_name=liststmts" $bin serve 2>/dev/null & pid=$!
trap 'kill $pid; psql -q -h 127.0.0.1 -U postgres landlord_bench -c "ALTER ROLE landlord_app_landlord_bench IN DATABASE landlord_bench RESET log_statement"' EXIT
sleep 1
. "$(dirname "$0")/signin.sh"
signin t00042.localhost 18083 user000042 "bench horse battery staple" $d/tenant >/dev/null
signin localhost 18083 root@example.com "master horse battery staple" $d/master >/dev/null
count() { # label host jar path
  curl -s -o /dev/null -b $3 --resolve $2:18083:127.0.0.1 "http://$2:18083$4"   # warm the prepared statements
  sleep 0.3; local before; before=$(wc -l < "$log")
  curl -s -o /dev/null -w "%{http_code}" -b $3 --resolve $2:18083:127.0.0.1 "http://$2:18083$4" > $d/status
  sleep 0.5
  local pids; pids=$(psql -At -h 127.0.0.1 -U postgres landlord_bench -c "SELECT string_agg(pid::text, '|') FROM pg_stat_activity WHERE application_name = 'liststmts'")
  local lines; lines=$(tail -n +$((before + 1)) "$log" | grep -E "\[($pids)\] " | grep -E 'LOG:  (statement|execute)' || true)
  echo "$1 ($4, status $(cat $d/status)): $(printf '%s' "$lines" | grep -c .) statements"
  printf '%s\n' "$lines" | sed 's/^.*LOG:  /    /' | cut -c1-${WIDTH:-200}
}
count "signed-in dashboard" t00042.localhost $d/tenant /
count "a tenant's user list" t00042.localhost $d/tenant /users
count "a tenant's user list, searched" t00042.localhost $d/tenant "/users?q=user"
count "a tenant's resource list, own and shared" t00042.localhost $d/tenant /resources
count "tenant list, page 100" localhost $d/master "/tenants?page=100"
count "tenant list, searched" localhost $d/master "/tenants?q=42"
