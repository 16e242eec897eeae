#!/usr/bin/env bash
# usage: go build -o landlord . && docs/audit-bench.sh
# The audit log at 10 million events across 10,000 tenants, on PostgreSQL.
# Needs landlord_bench seeded with 10,000 tenants (docs/seed-bench.sh), wrk,
# curl and psql. Adds 1,000 events to every seeded tenant (10 million), and
# 1,000,000 more to t00042 for the export, then measures, as t00042's admin:
# the audit page's latency (p50/p99) unfiltered, with each filter and deep in
# the keyset pages; the export's throughput and the server's peak memory.
set -euo pipefail
psql() { PGOPTIONS="-c client_min_messages=warning" command psql -q -h 127.0.0.1 -U postgres "$@"; }
export LANDLORD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/landlord_bench
export LANDLORD_DATA_DIR=$(mktemp -d) LANDLORD_ADDR=127.0.0.1:18090 LANDLORD_LOG_LEVEL=error
bin=${LANDLORD_BIN:-./landlord}
$bin migrate >/dev/null
if [ "$(psql landlord_bench -tAc "SELECT count(*) >= 10000000 FROM audit_events")" != t ]; then
  echo "adding 10,000,000 events ($(cut -d' ' -f1-3 /proc/loadavg))"
  /usr/bin/time -f "  %e s" psql landlord_bench -c "
    INSERT INTO audit_events (tenant_id, occurred_at, actor_name, action, target_type, target_id, outcome, ip, details)
    SELECT t.id, now() - make_interval(secs => 1000 - g), 'user' || (g % 50),
      (ARRAY['login', 'user.create', 'role.update', 'logout', 'login.failed'])[1 + g % 5], 'user', 'user' || (g % 500),
      CASE WHEN g % 5 = 4 THEN 'failure' ELSE 'success' END, '10.0.' || (g % 200) || '.' || (t.id % 250), ''
    FROM tenants t CROSS JOIN generate_series(1, 1000) g WHERE NOT t.is_master" \
    -c "INSERT INTO audit_events (tenant_id, occurred_at, actor_name, action, target_type, target_id, outcome, ip, details)
    SELECT t.id, now() - make_interval(secs => 1000000 - g), 'user' || (g % 50), 'user.update', 'user', 'user' || (g % 500), 'success',
      '10.1.0.1', '{\"email\":{\"before\":\"a@t42.example\",\"after\":\"b@t42.example\"}}'
    FROM tenants t CROSS JOIN generate_series(1, 1000000) g WHERE t.subdomain = 't00042'" \
    -c "UPDATE audit_chains c SET start_after_id = m.last, head_id = m.last FROM (SELECT tenant_id, max(id) AS last FROM audit_events GROUP BY tenant_id) m WHERE m.tenant_id = c.tenant_id" \
    -c "VACUUM ANALYZE audit_events"
fi
echo "events: $(psql landlord_bench -tAc "SELECT count(*) FROM audit_events"), in t00042: $(psql landlord_bench -tAc "SELECT count(*) FROM audit_events e JOIN tenants t ON t.id = e.tenant_id WHERE t.subdomain = 't00042'")"
$bin set-admin-password t00042 admin@t00042.example "t42 horse battery staple" >/dev/null
$bin serve 2>/dev/null & pid=$!
trap 'kill $pid' EXIT
sleep 1
. "$(dirname "$0")/signin.sh"
host=t00042.localhost:18090
cookie=$(signin t00042.localhost 18090 admin@t00042.example "t42 horse battery staple" "$LANDLORD_DATA_DIR/jar")
mid=$(psql landlord_bench -tAc "SELECT e.id FROM audit_events e JOIN tenants t ON t.id = e.tenant_id WHERE t.subdomain = 't00042' ORDER BY e.id LIMIT 1 OFFSET 500000")
from=$(date -u -d '-600 seconds' +%Y-%m-%dT%H:%M)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for q in "" "actor=user7" "action=login.failed" "target_type=user&target_id=user42" "outcome=failure" "from=$from" "before=$mid" "action=user.update&before=$mid"; do
  printf '%-40s ' "/audit?$q"
  wrk -t2 -c8 -d10s --latency -H "Host: $host" -H "Cookie: landlord_session=$cookie" "http://127.0.0.1:18090/audit?$q" |
    awk '/Requests\/sec/{r=$2} / 50%/{p50=$2} / 99%/{p99=$2} /Non-2xx/{bad=$0} END{printf "%8s req/s  p50 %-8s p99 %-8s %s\n", r, p50, p99, bad}'
done
echo "export of t00042 as JSON lines:"
rss0=$(awk '/VmHWM/{print $2}' /proc/$pid/status)
start=$(date +%s.%N)
lines=$(curl -s --resolve "t00042.localhost:18090:127.0.0.1" -H "Cookie: landlord_session=$cookie" "http://$host/audit/export?format=jsonl" | wc -l)
end=$(date +%s.%N)
rss1=$(awk '/VmHWM/{print $2}' /proc/$pid/status)
awk -v n="$lines" -v s="$start" -v e="$end" -v a="$rss0" -v b="$rss1" 'BEGIN{printf "  %d events in %.1f s: %.0f events/s; server peak RSS %d MB before, %d MB after\n", n, e-s, n/(e-s), a/1024, b/1024}'
