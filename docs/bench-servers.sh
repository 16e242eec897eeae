# Sourced by the scripts that load Landlord and the floor side by side:
# starts Landlord on landlord_bench (127.0.0.1:18080) and the floor on floor
# (127.0.0.1:8090), both made by docs/seed-bench.sh, stops them on exit, and
# signs in t00042's first user (user000042; users are dealt round robin over
# the 10,000 tenants). Sets d (a scratch directory), pid, fpid and tenant.
d=$(mktemp -d)
export LANDLORD_DATA_DIR=$d LANDLORD_ADDR=127.0.0.1:18080 LANDLORD_LOG_LEVEL=error
export LANDLORD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/landlord_bench
${LANDLORD_BIN:-./landlord} serve 2>/dev/null & pid=$!
FLOOR_DB=${FLOOR_DB:-postgres://postgres@127.0.0.1:5432/floor} ${FLOOR_BIN:-/tmp/floor} serve -addr 127.0.0.1:8090 2>/dev/null & fpid=$!
trap 'kill $pid $fpid' EXIT
sleep 1
. "$(dirname "${BASH_SOURCE[0]}")/signin.sh"
tenant=$(signin t00042.localhost 18080 user000042 "bench horse battery staple" $d/tenant)
