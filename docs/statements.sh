#!/usr/bin/env bash
# usage: go build -o landlord . && docs/statements.sh
# Counts the statements PostgreSQL runs for one request of each page, with
# log_statement = 'all' for the request role's connections, read from the server log.
set -euo pipefail
log=${PG_LOG:-/var/log/postgresql/postgresql-15-main.log}
d=$(mktemp -d); export LANDLORD_DATA_DIR=$d LANDLORD_ADDR=127.0.0.1:18082 LANDLORD_LOG_LEVEL=error
PGOPTIONS="-c client_min_messages=warning" psql -q -h 127.0.0.1 -U postgres test -c "DROP SCHEMA IF EXISTS stmtcount CASCADE; CREATE SCHEMA stmtcount"
export LANDLORD_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test?search_path=stmtcount"
bin=${LANDLORD_BIN:-./landlord}
$bin tenants create --subdomain acme --name "Acme Corp" >/dev/null
$bin set-admin-password acme ops@acme.example "acme horse battery staple" >/dev/null
$bin set-admin-password master root@example.com "master horse battery staple" >/dev/null
# Request traffic logs in as landlord_app_test__stmtcount (the request role
# named from this database and schema), which may not set log_statement
# itself: set it for that role in this database while the script runs.
psql -q -h 127.0.0.1 -U postgres test -c "ALTER ROLE landlord_app_test__stmtcount IN DATABASE test SET log_statement = 'all'"
LANDLORD_DATABASE_URL="$LANDLORD_DATABASE_URL&application_name=stmtcount" $bin serve 2>/dev/null & pid=$!
trap 'kill $pid; psql -q -h 127.0.0.1 -U postgres test -c "ALTER ROLE landlord_app_test__stmtcount IN DATABASE test RESET log_statement"' EXIT
sleep 1
. "$(dirname "$0")/signin.sh"
signin acme.localhost 18082 ops@acme.example "acme horse battery staple" $d/acme >/dev/null
signin localhost 18082 root@example.com "master horse battery staple" $d/master >/dev/null
count() { # label host jar path
  curl -s -o /dev/null -b $3 --resolve $2:18082:127.0.0.1 http://$2:18082$4   # warm the prepared statements
  sleep 0.3; local before; before=$(wc -l < "$log")
  curl -s -o /dev/null -w "%{http_code}" -b $3 --resolve $2:18082:127.0.0.1 http://$2:18082$4 > $d/status
  sleep 0.5
  # Only the server's own connections: other programs may use the role too.
  local pids; pids=$(psql -At -h 127.0.0.1 -U postgres test -c "SELECT string_agg(pid::text, '|') FROM pg_stat_activity WHERE application_name = 'stmtcount'")
  local lines; lines=$(tail -n +$((before + 1)) "$log" | grep -E "\[($pids)\] " | grep -E 'LOG:  (statement|execute)' || true)
  echo "$1 ($4, status $(cat $d/status)): $(printf '%s' "$lines" | grep -c .) statements"
  printf '%s\n' "$lines" | sed 's/^.*LOG:  /    /' | cut -c1-150
}
count "anonymous login page" acme.localhost /dev/null /login
count "signed-in dashboard" acme.localhost $d/acme /
count "user list" acme.localhost $d/acme /users
count "tenant list" localhost $d/master /tenants
