#!/usr/bin/env bash
# usage: go build -o landlord . && (cd ../shared/floor && go build -o /tmp/floor .) && docs/seed-bench.sh && docs/cpu-per-request.sh [rounds]
# Where a request's CPU goes: a tenant's /users and the dashboard, against the
# floor's /users and /me, under wrk, each followed by the CPU time the server
# process and all PostgreSQL processes used, divided by the requests served
# (from /proc, in clock ticks; a backend that exits during a run makes the
# PostgreSQL figure wrong, so look at several rounds).
set -euo pipefail
rounds=${1:-2}
. "$(dirname "$0")/bench-servers.sh"
ticks() { { cat "$@" 2>/dev/null || true; } | awk '{s+=$14+$15} END{print s+0}'; }
pgticks() { ticks $(for p in $(pgrep -x postgres); do echo /proc/$p/stat; done); }
run() { # label pid wrk-args...
  local label=$1 pid=$2; shift 2
  local a p out b q
  a=$(ticks /proc/$pid/stat); p=$(pgticks)
  out=$(wrk -t2 -c16 -d${DURATION:-8}s "$@")
  b=$(ticks /proc/$pid/stat); q=$(pgticks)
  awk -v l="$label" -v r="$(awk '/Requests\/sec/{print $2}' <<<"$out")" -v n="$(awk '/requests in/{print $1}' <<<"$out")" -v s=$((b-a)) -v g=$((q-p)) \
    'BEGIN{printf "%-22s %9s req/s   CPU per request: server %4.0f us, PostgreSQL %4.0f us\n", l, r, s*1e6/100/n, g*1e6/100/n}'
}
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$rounds"); do
  run "landlord /users" $pid -H "Host: t00042.localhost:18080" -H "Cookie: landlord_session=$tenant" http://127.0.0.1:18080/users
  run "floor /users" $fpid -H "Host: t42.localhost" -H "Cookie: s=tok-42" "http://127.0.0.1:8090/users?tenant=t42"
  run "landlord dashboard" $pid -H "Host: t00042.localhost:18080" -H "Cookie: landlord_session=$tenant" http://127.0.0.1:18080/
  run "floor /me" $fpid -H "Host: t42.localhost" -H "Cookie: s=tok-42" "http://127.0.0.1:8090/me"
done
