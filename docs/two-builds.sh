#!/usr/bin/env bash
# usage: docs/seed-bench.sh && A_BIN=/path/to/old B_BIN=./landlord docs/two-builds.sh [rounds]
# (PAGE=/ FLOOR_PAGE=/me for the dashboard against the floor's signed-in page)
# Two builds of Landlord and the floor on a tenant's user list, in one sitting:
# build A on 127.0.0.1:18080, the floor on 8090 and build B on 18081 serve
# landlord_bench and floor (docs/seed-bench.sh), and wrk loads A, the floor,
# then B, round after round. Each line gives req/s and the CPU per request of
# the server process and of all PostgreSQL processes (a backend that exits
# during a round spoils that round's PostgreSQL figure); the last line gives
# the medians of A/floor and B/floor.
set -euo pipefail
rounds=${1:-8}
cd "$(dirname "$0")/.."
. docs/signin.sh
d=$(mktemp -d)
export LANDLORD_LOG_LEVEL=error LANDLORD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/landlord_bench
LANDLORD_DATA_DIR=$d/a LANDLORD_ADDR=127.0.0.1:18080 ${A_BIN:?} serve 2>/dev/null & pa=$!
LANDLORD_DATA_DIR=$d/b LANDLORD_ADDR=127.0.0.1:18081 ${B_BIN:-./landlord} serve 2>/dev/null & pb=$!
FLOOR_DB=${FLOOR_DB:-postgres://postgres@127.0.0.1:5432/floor} ${FLOOR_BIN:-/tmp/floor} serve -addr 127.0.0.1:8090 2>/dev/null & pf=$!
trap 'kill $pa $pb $pf' EXIT
sleep 1.5
ta=$(signin t00042.localhost 18080 user000042 "bench horse battery staple" $d/ja)
tb=$(signin t00042.localhost 18081 user000042 "bench horse battery staple" $d/jb)
ticks() { awk '{print $14+$15}' /proc/$1/stat; }
pgticks() { for p in $(pgrep -x postgres); do cat /proc/$p/stat 2>/dev/null; done | awk '{s+=$14+$15} END{print s+0}'; }
run() { # pid wrk-args...: "req/s srv µs pg µs"
  local pid=$1 a p out b q; shift
  a=$(ticks $pid); p=$(pgticks); out=$(wrk -t2 -c16 -d${DURATION:-6}s "$@"); b=$(ticks $pid); q=$(pgticks)
  if grep -q Non-2xx <<<"$out"; then echo "non-2xx answers from $*" >&2; exit 1; fi
  awk -v r="$(awk '/Requests\/sec/{print $2}' <<<"$out")" -v n="$(awk '/requests in/{print $1}' <<<"$out")" -v s=$((b-a)) -v g=$((q-p)) \
    'BEGIN{printf "%6.0f req/s srv %4.0f pg %4.0f", r, s*1e6/100/n, g*1e6/100/n}'
}
A=(-H "Host: t00042.localhost:18080" -H "Cookie: landlord_session=$ta" http://127.0.0.1:18080${PAGE:-/users})
B=(-H "Host: t00042.localhost:18081" -H "Cookie: landlord_session=$tb" http://127.0.0.1:18081${PAGE:-/users})
F=(-H "Host: t42.localhost" -H "Cookie: s=tok-42" "http://127.0.0.1:8090${FLOOR_PAGE:-/users?tenant=t42}")
wrk -t2 -c16 -d2s "${A[@]}" >/dev/null; wrk -t2 -c16 -d2s "${B[@]}" >/dev/null
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$rounds"); do
  echo "A: $(run $pa "${A[@]}") | F: $(run $pf "${F[@]}") | B: $(run $pb "${B[@]}")"
done | tee $d/rounds
awk '{a[NR]=$2/$10; b[NR]=$18/$10} END{n=asort(a); asort(b); m=int((n+1)/2);
  am=(n%2)?a[m]:(a[m]+a[m+1])/2; bm=(n%2)?b[m]:(b[m]+b[m+1])/2
  printf "median ratio to the floor: A %.2f, B %.2f (%d rounds)\n", am, bm, n}' $d/rounds
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
