#!/bin/sh
# tests/fleet/fleet.sh: a fleet of simulated devices (`sztpboot run`
# processes, each with its own IDevID and serial) booting at once against one
# test bootstrap server that fails in scripted ways: 503 for a while, slow
# replies, connection resets mid-reply. A fraction of the devices is served
# tampered data and must refuse it. tests/fleet/fleet.py does the work and
# prints the checks and the figures (docs/fleet.md).
#
# Runs in a network namespace of its own (tests/lib/net.sh), the server on
# 192.0.2.1 on its loopback interface; needs root, iproute2, openssl, python3.
#   FLEET_DEVICES=N      devices (default 50; `make fleet`: 1000)
#   FLEET_DIR=DIR        where the identities and vouchers are kept between
#                        runs (default build/fleet; made by gen-fleet.sh)
#   FLEET_ARGS="..."     more fleet.py options (--storm S, --slow A,B,D,
#                        --reset-every R, --tamper-every K,
#                        --max-per-second-ratio X, --deadline SEC)
#   FLEET_FIGURES=FILE   the figures as JSON (default build/fleet-figures.json)
#   SZTPBOOT=path, KEEP_TMP=1
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lib/common.sh"
. "$top/tests/lib/net.sh"

n=${FLEET_DEVICES:-50}
fleet=${FLEET_DIR:-$top/build/fleet}
bin=${SZTPBOOT:-$top/build/sztpboot}
[ -x "$bin" ] || t_setup_fail "$bin not built"
[ "$(id -u)" -eq 0 ] || t_setup_fail "needs root (a network namespace of its own)"
t_need ip openssl python3
t_tmpdir sztp-fleet

case $n in '' | *[!0-9]*) t_setup_fail "FLEET_DEVICES must be a number" ;; esac
# the server holds a connection per device, the driver a log file per device
# (ulimit -n is not POSIX, but dash, busybox ash and bash have it)
want=$((n * 2 + 256))
# shellcheck disable=SC3045
have=$(ulimit -n)
if [ "$have" != unlimited ] && [ "$have" -lt "$want" ]; then
	# shellcheck disable=SC3045
	ulimit -n "$want" 2>/dev/null || t_setup_fail "open files limit $have, need $want"
fi

sh "$here/gen-fleet.sh" "$fleet" "$n" || t_setup_fail "gen-fleet.sh failed"
ns=""
net_ns ns fleet || t_setup_fail "cannot make a network namespace"
net_up "$ns" lo 192.0.2.1/24 || t_setup_fail "cannot address the namespace's loopback"

# the driver starts and stops the server and the devices (by their PIDs);
# if this shell is stopped, common.sh's clean-up stops the driver, which
# stops its children on SIGTERM, and net.sh deletes the namespace
# shellcheck disable=SC2086 # FLEET_ARGS is a list of options
ip netns exec "$ns" python3 "$here/fleet.py" --fleet "$fleet" --devices "$n" \
	--work "$T_TMP" --addr 192.0.2.1 --port 8443 --sztpboot "$bin" \
	--figures "${FLEET_FIGURES:-$top/build/fleet-figures.json}" ${FLEET_ARGS:-} \
	>"$T_TMP/fleet.out" 2>&1 &
drv=$!
t_track $drv
wait $drv
rc=$?
t_untrack $drv

while IFS= read -r line; do
	case $line in
	"ok "*) t_ok "${line#ok }" ;;
	"FAIL "*) t_fail "${line#FAIL }" ;;
	"skip "*) printf '%s\n' "$line" ;;  # t_skip: counted as neither
	*) printf '%s\n' "$line" ;;
	esac
done <"$T_TMP/fleet.out"
if [ "$rc" -ne 0 ] && [ "$T_FAILED" -eq 0 ]; then
	t_fail "fleet.py" "exit status $rc"
fi
if [ "$T_FAILED" -ne 0 ]; then
	t_tail 20 "$T_TMP/server.log"
fi
t_summary
