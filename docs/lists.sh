#!/usr/bin/env bash
# usage: go build -o landlord . && (cd ../shared/floor && go build -o /tmp/floor .) && docs/seed-bench.sh && docs/lists.sh [rounds]
# The list pages at 10,000 tenants / 100,000 users against the floor: Landlord
# serves landlord_bench, the floor serves floor (both made by docs/seed-bench.sh),
# and wrk loads each page pair in turn, Landlord then the floor, round after
# round; it prints every round (req/s, p50 and p99), the medians and their ratio. PAGES picks the
# pairs (default "page search users"; "dashboard" adds the signed-in page
# without a list, the fixed cost every page carries).
set -euo pipefail
rounds=${1:-3}
q=${SEARCH:-42}
. "$(dirname "$0")/bench-servers.sh"
master=$(signin localhost 18080 root@example.com "master horse battery staple" $d/master)
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
ms() { # wrk's latency (850.00us, 1.20ms, 1.01s) in ms
  awk '{v=$1; u=v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v); f=(u=="us")?0.001:(u=="s")?1000:(u=="m")?60000:1; printf "%.2f", v*f}' <<<"$1"
}
rps() { # prints "req/s p50 p99" (ms); a non-2xx answer fails the run
  local out; out=$(wrk -t2 -c16 -d${DURATION:-10}s --latency "$@")
  if grep -q Non-2xx <<<"$out"; then echo "non-2xx answers from $*" >&2; exit 1; fi
  echo "$(awk '/Requests\/sec/{print $2}' <<<"$out") $(ms "$(awk '$1=="50%"{print $2}' <<<"$out")") $(ms "$(awk '$1=="99%"{print $2}' <<<"$out")")"
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
L=http://127.0.0.1:18080 F=http://127.0.0.1:8090
# page NAME: the wrk arguments of Landlord's page and of the floor's.
landlord_args() {
  case $1 in
    page) echo "Host: localhost:18080|Cookie: landlord_session=$master|$L/tenants?page=100" ;;
    search) echo "Host: localhost:18080|Cookie: landlord_session=$master|$L/tenants?q=$q" ;;
    users) echo "Host: t00042.localhost:18080|Cookie: landlord_session=$tenant|$L/users" ;;
    dashboard) echo "Host: t00042.localhost:18080|Cookie: landlord_session=$tenant|$L/" ;;
  esac
}
floor_args() {
  case $1 in
    page) echo "Host: t1.localhost|Cookie: s=tok-1|$F/tenants?page=100" ;;
    search) echo "Host: t1.localhost|Cookie: s=tok-1|$F/tenants?q=$q" ;;
    users) echo "Host: t42.localhost|Cookie: s=tok-42|$F/users?tenant=t42" ;;
    dashboard) echo "Host: t42.localhost|Cookie: s=tok-42|$F/me" ;;
  esac
}
load() { local h1 h2 url; IFS='|' read -r h1 h2 url <<<"$1"; rps -H "$h1" -H "$h2" "$url"; }
declare -A title=([page]="/tenants?page=100" [search]="/tenants?q=$q" [users]="a tenant's /users (t00042, floor t42)"
  [dashboard]="the dashboard (floor /me), for scale")
for name in ${PAGES:-page search users}; do
  ll=(); fl=(); l50=(); f50=(); l99=(); f99=()
  for i in $(seq 1 "$rounds"); do
    read -r l lp lq <<<"$(load "$(landlord_args $name)")"; read -r f fp fq <<<"$(load "$(floor_args $name)")"
    echo "${title[$name]} round $i: landlord $l req/s (p50 $lp ms, p99 $lq ms), floor $f req/s (p50 $fp ms, p99 $fq ms)"
    ll+=("$l"); fl+=("$f"); l50+=("$lp"); f50+=("$fp"); l99+=("$lq"); f99+=("$fq")
  done
  lm=$(median "${ll[@]}"); fm=$(median "${fl[@]}")
  echo "${title[$name]} median: landlord $lm, floor $fm, ratio $(awk -v a="$lm" -v b="$fm" 'BEGIN{printf "%.2f", a/b}');" \
    "p50 $(median "${l50[@]}") against $(median "${f50[@]}") ms, p99 $(median "${l99[@]}") against $(median "${f99[@]}") ms"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
