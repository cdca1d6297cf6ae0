#!/bin/sh
# dhcp-servers.sh: the ISC Kea and ISC dhcpd snippets of docs/network.md,
# run as written, against `sztpboot discover`. Each snippet is read from
# between its "<!-- snippet NAME begin -->" / "<!-- snippet NAME end -->"
# markers; the only change made is the placeholder interface "eth1" -> the
# server's veth (plus, for Kea, a lease database that writes no file). The
# servers run in the foreground in a network namespace this script creates,
# with every file in a temp dir (documentation addresses only: 192.0.2.0/24,
# 2001:db8:1::/64). Needs root, ip, kea-dhcp4, kea-dhcp6 and dhcpd
# (Debian: kea-dhcp4-server kea-dhcp6-server isc-dhcp-server); a missing
# server is a FAIL, not a skip.
#
#   sh tests/net/dhcp-servers.sh       (SZTPBOOT=path overrides build/sztpboot,
#                                       SZTP_DOC=path docs/network.md)
#
# Prints "ok NAME" / "FAIL NAME: why" per case, ends with "N passed, N failed".
# SZTP_CASES="kea4 dhcpd6" runs only those cases.
# Cleans up its namespaces and the processes it started (by PID) on exit.
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
AGENT=${SZTPBOOT:-$TOP/build/sztpboot}
DOC=${SZTP_DOC:-$TOP/docs/network.md}
ID=$$
SRV=sztp-dsrv-srv-$ID
CLI=sztp-dsrv-cli-$ID
VS=ds$ID
VC=dc$ID
T=$(mktemp -d /tmp/sztp-dhcp-servers.XXXXXX)
PIDS=""
PASSED=0
FAILED=0

# what every snippet sends (docs/network.md says so)
U1=https://bootstrap.example:8443
U2='https://[2001:db8:1::1]:8443'

ok() { echo "ok $1"; PASSED=$((PASSED + 1)); }
fail() {
	echo "FAIL $1: $2"
	FAILED=$((FAILED + 1))
	for f in "$T/out" "$T/err" "$T/server.log"; do
		[ -s "$f" ] && sed "s|^|    $(basename "$f"): |" "$f" | tail -n 20
	done
	return 0
}

stop_all() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	PIDS=""
}

cleanup() {
	stop_all
	ip netns del "$CLI" 2>/dev/null
	ip netns del "$SRV" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# snippet NAME: the lines between the markers, indentation removed, with the
# placeholder interface replaced
snippet() {
	sed -n "/^<!-- snippet $1 begin -->\$/,/^<!-- snippet $1 end -->\$/p" "$DOC" |
		sed '1d; $d; s/^    //' | sed "s/\"eth1\"/\"$VS\"/g"
}

# server_up READY-REGEX CMD...: starts a server in the server namespace and
# waits until its log matches READY-REGEX (or it died)
server_up() {
	ready=$1
	shift
	: >"$T/server.log"
	ip netns exec "$SRV" "$@" >>"$T/server.log" 2>&1 &
	pid=$!
	PIDS="$PIDS $pid"
	i=0
	while [ $i -lt 100 ]; do
		grep -q -- "$ready" "$T/server.log" && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# discover ARGS...: the agent in the client namespace; sets RC
discover() {
	ip netns exec "$CLI" "$AGENT" discover --ifname "$VC" --timeout 20 --no-media \
		--no-dns --servers /dev/null "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

# check NAME SOURCE: both URIs, in order, from SOURCE, and nothing else
check() {
	printf '%s\n' "$U1 $2" "$U2 $2" >"$T/want"
	cmp -s "$T/want" "$T/out" || { fail "$1" "want \"$U1 $2\", \"$U2 $2\" on stdout"; return 1; }
}

need() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }

# ------------------------------------------------------------------ setup
setup_fail() { echo "FAIL setup: $1"; echo "0 passed, 1 failed"; exit 1; }
[ "$(id -u)" = 0 ] || setup_fail "must run as root (network namespaces)"
for tool in ip sed cmp; do
	need $tool || setup_fail "$tool not installed"
done
[ -x "$AGENT" ] || setup_fail "$AGENT not built"
[ -f "$DOC" ] || setup_fail "no $DOC"
if ! {
	ip netns add "$SRV" && ip netns add "$CLI" &&
	ip netns exec "$CLI" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.accept_dad=0 &&
	ip netns exec "$SRV" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.accept_dad=0 &&
	ip link add "$VS" netns "$SRV" type veth peer name "$VC" netns "$CLI" &&
	ip -n "$SRV" link set lo up && ip -n "$CLI" link set lo up &&
	ip -n "$SRV" addr add 192.0.2.1/24 dev "$VS" &&
	ip -n "$SRV" addr add 2001:db8:1::1/64 dev "$VS" nodad &&
	ip -n "$SRV" link set "$VS" up &&
	# the client link up too: Kea and dhcpd want a running interface (carrier)
	ip -n "$CLI" link set "$VC" up; } >"$T/err" 2>&1; then
	setup_fail "$(tr '\n' ' ' <"$T/err")"
fi
# the servers bind to the link-local address: wait until it is there
i=0
while [ $i -lt 30 ] && ! ip -n "$SRV" -6 addr show dev "$VS" scope link | grep -q inet6; do
	sleep 0.1
	i=$((i + 1))
done

# what the test adds to a Kea snippet: no lease file, no DUID file
# (/var/lib/kea is the package's, not ours)
KEA4_ADD='"lease-database": { "type": "memfile", "persist": false },'
KEA6_ADD='"lease-database": { "type": "memfile", "persist": false }, "server-id": { "type": "LL", "persist": false },'

# ------------------------------------------------------------------ cases
# kea FAMILY: 4 or 6
kea() {
	name=kea-dhcp$1-snippet
	rm -f "$T/out" "$T/err" "$T/server.log"
	bin=$(command -v kea-dhcp$1 || echo /usr/sbin/kea-dhcp$1)
	[ -x "$bin" ] || { fail $name "kea-dhcp$1 not installed (Debian: kea-dhcp$1-server)"; return; }
	snippet kea-dhcp$1 >"$T/snip" || { fail $name "reading $DOC"; return; }
	grep -q "\"Dhcp$1\"" "$T/snip" || { fail $name "snippet kea-dhcp$1 not found in $DOC"; return; }
	# the snippet, plus a lease database and server id that write no file
	add=$KEA4_ADD
	[ "$1" = 6 ] && add=$KEA6_ADD
	sed "s/^\\( *\"Dhcp$1\": {\\)\$/\\1 $add/" "$T/snip" >"$T/kea.conf"
	grep -q '"persist": false' "$T/kea.conf" || { fail $name "no \"Dhcp$1\": { line"; return; }
	KEA_LOCKFILE_DIR=$T KEA_PIDFILE_DIR=$T KEA_LOGGER_DESTINATION=stdout \
		server_up "DHCP$1_STARTED" "$bin" -c "$T/kea.conf" ||
		{ stop_all; fail $name "kea-dhcp$1 did not start"; return; }
	if [ "$1" = 4 ]; then
		discover --no-dhcp6
		src=dhcp4
	else
		discover
		src=dhcp6
	fi
	stop_all
	[ "$RC" = 0 ] || { fail $name "sztpboot exit $RC"; return; }
	check $name $src || return
	ok $name
}

# isc_dhcpd FAMILY: 4 or 6
isc_dhcpd() {
	name=dhcpd$1-snippet
	rm -f "$T/out" "$T/err" "$T/server.log"
	bin=$(command -v dhcpd || echo /usr/sbin/dhcpd)
	[ -x "$bin" ] || { fail $name "dhcpd not installed (Debian: isc-dhcp-server)"; return; }
	sn=dhcpd$1
	snippet $sn >"$T/dhcpd.conf" || { fail $name "reading $DOC"; return; }
	grep -q 'sztp-redirect code' "$T/dhcpd.conf" || { fail $name "snippet $sn not found in $DOC"; return; }
	: >"$T/dhcpd.leases"
	# -d: foreground, log to stderr
	server_up "^Sending on" "$bin" -d -$1 -cf "$T/dhcpd.conf" -lf "$T/dhcpd.leases" \
		-pf "$T/dhcpd.pid" "$VS" ||
		{ stop_all; fail $name "dhcpd -$1 did not start"; return; }
	if [ "$1" = 4 ]; then
		discover --no-dhcp6
		src=dhcp4
	else
		discover
		src=dhcp6
	fi
	stop_all
	[ "$RC" = 0 ] || { fail $name "sztpboot exit $RC"; return; }
	check $name $src || return
	ok $name
}

case_kea4() { kea 4; }
case_kea6() { kea 6; }
case_dhcpd4() { isc_dhcpd 4; }
case_dhcpd6() { isc_dhcpd 6; }

for c in ${SZTP_CASES:-kea4 kea6 dhcpd4 dhcpd6}; do
	"case_$c"
done

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
