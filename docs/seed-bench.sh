#!/usr/bin/env bash
# usage: go build -o landlord . && (cd ../shared/floor && go build -o /tmp/floor .) && docs/seed-bench.sh [tenants] [users]
# Makes the benchmark databases from nothing: Landlord's landlord_bench, seeded
# with `landlord dev seed` (timed), with a master admin to sign in as; and the
# floor's floor, seeded by the floor with the same counts.
set -euo pipefail
tenants=${1:-10000}; users=${2:-100000}
psql() { PGOPTIONS="-c client_min_messages=warning" command psql -q -h 127.0.0.1 -U postgres "$@"; }
psql test -c "DROP DATABASE IF EXISTS landlord_bench" -c "CREATE DATABASE landlord_bench"
psql test -c "DROP DATABASE IF EXISTS floor" -c "CREATE DATABASE floor"
export LANDLORD_DATA_DIR=$(mktemp -d) LANDLORD_LOG_LEVEL=error
export LANDLORD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/landlord_bench
bin=${LANDLORD_BIN:-./landlord}
$bin migrate >/dev/null
echo "load average before the seed: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f "landlord dev seed: %e s wall, %M KiB max RSS" $bin dev seed --tenants "$tenants" --users "$users" --password "bench horse battery staple"
$bin set-admin-password master root@example.com "master horse battery staple" >/dev/null
# What autovacuum would do within the minute: the counters' old row versions
# gone, the planner's statistics fresh (the floor's seed ends with ANALYZE).
psql landlord_bench -c "VACUUM ANALYZE"
/usr/bin/time -f "floor seed: %e s wall" env FLOOR_DB=postgres://postgres@127.0.0.1:5432/floor ${FLOOR_BIN:-/tmp/floor} seed -tenants "$tenants" -users "$users"
