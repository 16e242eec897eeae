#!/usr/bin/env bash
# usage: docs/seed-bench.sh && A_BIN=/path/to/old B_BIN=./landlord [B_DB=landlord_bench_b] docs/two-builds.sh [rounds]
# (PAGE=/ FLOOR_PAGE=/me for the dashboard against the floor's signed-in page)
# Two builds of Landlord and the floor on a tenant's user list, in one sitting:
# build A on 127.0.0.1:18080, the floor on 8090 and build B on 18081 serve
# landlord_bench and floor (docs/seed-bench.sh), and wrk loads A, the floor,
# then B, round after round. Each line gives req/s, the latency's p50 and p99
# (wrk --latency, in ms) and the CPU per request of the server process and of
# all PostgreSQL processes (a backend that exits during a round spoils that
# round's PostgreSQL figure); the last lines give the medians of A/floor and
# B/floor, and each server's median p50 and p99 with their ratio to the
# floor's.
set -euo pipefail
rounds=${1:-8}
cd "$(dirname "$0")/.."
. docs/signin.sh
d=$(mktemp -d)
# Builds whose PostgreSQL functions differ need a database each (each start
# recreates the functions it was built with): B_DB=landlord_bench_b after
# `CREATE DATABASE landlord_bench_b TEMPLATE landlord_bench`.
export LANDLORD_LOG_LEVEL=error
LANDLORD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/${A_DB:-landlord_bench} LANDLORD_DATA_DIR=$d/a LANDLORD_ADDR=127.0.0.1:18080 ${A_BIN:?} serve 2>/dev/null & pa=$!
sleep 0.5
LANDLORD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/${B_DB:-landlord_bench} LANDLORD_DATA_DIR=$d/b LANDLORD_ADDR=127.0.0.1:18081 ${B_BIN:-./landlord} serve 2>/dev/null & pb=$!
FLOOR_DB=${FLOOR_DB:-postgres://postgres@127.0.0.1:5432/floor} ${FLOOR_BIN:-/tmp/floor} serve -addr 127.0.0.1:8090 2>/dev/null & pf=$!
trap 'kill $pa $pb $pf' EXIT
sleep 1.5
ta=$(signin t00042.localhost 18080 user000042 "bench horse battery staple" $d/ja)
tb=$(signin t00042.localhost 18081 user000042 "bench horse battery staple" $d/jb)
ticks() { awk '{print $14+$15}' /proc/$1/stat; }
pgticks() { for p in $(pgrep -x postgres); do cat /proc/$p/stat 2>/dev/null; done | awk '{s+=$14+$15} END{print s+0}'; }
ms() { # wrk's latency (850.00us, 1.20ms, 1.01s) in ms
  awk '{v=$1; u=v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v); f=(u=="us")?0.001:(u=="s")?1000:(u=="m")?60000:1; printf "%.2f", v*f}' <<<"$1"
}
run() { # pid wrk-args...: "req/s p50 ms p99 ms srv µs pg µs"
  local pid=$1 a p out b q; shift
  a=$(ticks $pid); p=$(pgticks); out=$(wrk -t2 -c16 -d${DURATION:-6}s --latency "$@"); b=$(ticks $pid); q=$(pgticks)
  if grep -q Non-2xx <<<"$out"; then echo "non-2xx answers from $*" >&2; exit 1; fi
  awk -v r="$(awk '/Requests\/sec/{print $2}' <<<"$out")" -v n="$(awk '/requests in/{print $1}' <<<"$out")" -v s=$((b-a)) -v g=$((q-p)) \
    -v p50="$(ms "$(awk '$1=="50%"{print $2}' <<<"$out")")" -v p99="$(ms "$(awk '$1=="99%"{print $2}' <<<"$out")")" \
    'BEGIN{printf "%6.0f req/s p50 %5.2f p99 %6.2f srv %4.0f pg %4.0f", r, p50, p99, s*1e6/100/n, g*1e6/100/n}'
}
A=(-H "Host: t00042.localhost:18080" -H "Cookie: landlord_session=$ta" http://127.0.0.1:18080${PAGE:-/users})
B=(-H "Host: t00042.localhost:18081" -H "Cookie: landlord_session=$tb" http://127.0.0.1:18081${PAGE:-/users})
F=(-H "Host: t42.localhost" -H "Cookie: s=tok-42" "http://127.0.0.1:8090${FLOOR_PAGE:-/users?tenant=t42}")
wrk -t2 -c16 -d2s "${A[@]}" >/dev/null; wrk -t2 -c16 -d2s "${B[@]}" >/dev/null
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$rounds"); do
  echo "A: $(run $pa "${A[@]}") | F: $(run $pf "${F[@]}") | B: $(run $pb "${B[@]}")"
done | tee $d/rounds
# fields per server: $2 req/s, $5 p50, $7 p99 (A from $1, F from $13, B from $25)
awk 'function med(x, n,  m) { n=asort(x); m=int((n+1)/2); return (n%2) ? x[m] : (x[m]+x[m+1])/2 }
  {a[NR]=$2/$14; b[NR]=$26/$14; a50[NR]=$5; f50[NR]=$17; b50[NR]=$29; a99[NR]=$7; f99[NR]=$19; b99[NR]=$31}
  END{n=NR; printf "median ratio to the floor: A %.2f, B %.2f (%d rounds)\n", med(a), med(b), n
    A50=med(a50); F50=med(f50); B50=med(b50); A99=med(a99); F99=med(f99); B99=med(b99)
    printf "median latency, ms: A p50 %.2f p99 %.2f | F p50 %.2f p99 %.2f | B p50 %.2f p99 %.2f\n", A50, A99, F50, F99, B50, B99
    printf "p99 against the floor'"'"'s: A %.1fx, B %.1fx\n", A99/F99, B99/F99}' $d/rounds
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
