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
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/net.sh"
. "$TOP/tests/lib/doc.sh"
AGENT=${SZTPBOOT:-$TOP/build/sztpboot}
DOC=${SZTP_DOC:-$TOP/docs/network.md}
VS=ds$$
VC=dc$$
t_tmpdir sztp-dhcp-servers
T=$T_TMP

# what every snippet sends (docs/network.md says so)
U1=https://bootstrap.example:8443
U2='https://[2001:db8:1::1]:8443'

fail() {
	t_fail "$1" "$2"
	t_tail 20 "$T/out" "$T/err" "$T/server.log"
}

# snippet NAME: the snippet (tests/lib/doc.sh) with the placeholder
# interface replaced
snippet() { doc_snippet "$DOC" "$1" | sed "s/\"eth1\"/\"$VS\"/g"; }

# server_up READY-REGEX CMD...: starts a server in the server namespace and
# waits until its log matches READY-REGEX (or it died)
server_up() {
	ready=$1
	shift
	: >"$T/server.log"
	ip netns exec "$SRV" "$@" >>"$T/server.log" 2>&1 &
	t_track $!
	t_wait 10 $! grep -q -- "$ready" "$T/server.log"
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
[ "$(id -u)" = 0 ] || t_setup_fail "must run as root (network namespaces)"
for tool in ip sed cmp; do
	need $tool || t_setup_fail "$tool not installed"
done
[ -x "$AGENT" ] || t_setup_fail "$AGENT not built"
[ -f "$DOC" ] || t_setup_fail "no $DOC"
# the client link up too: Kea and dhcpd want a running interface (carrier)
if ! { net_ns SRV sztp-dsrv-srv && net_ns CLI sztp-dsrv-cli &&
	net_no_dad "$CLI" && net_no_dad "$SRV" &&
	net_veth "$SRV" "$VS" "$CLI" "$VC" &&
	net_up "$SRV" "$VS" 192.0.2.1/24 2001:db8:1::1/64 &&
	net_up "$CLI" "$VC"; } >"$T/err" 2>&1; then
	t_setup_fail "$(tr '\n' ' ' <"$T/err")"
fi
# the servers bind to the link-local address: wait until it is there
has_link_local() { ip -n "$SRV" -6 addr show dev "$VS" scope link | grep -q inet6; }
t_wait 3 - has_link_local || true

# what the test adds to a Kea snippet: no lease file, no DUID file
# (/var/lib/kea is the package's, not ours)
KEA4_ADD='"lease-database": { "type": "memfile", "persist": false },'
KEA6_ADD='"lease-database": { "type": "memfile", "persist": false }, "server-id": { "type": "LL", "persist": false },'

# ------------------------------------------------------------------ cases
# discover_and_check FAMILY NAME: with the server up, the agent over DHCPv4
# (FAMILY 4, DHCPv6 off) or DHCPv6; the server is stopped, then the result
# checked
discover_and_check() {
	if [ "$1" = 4 ]; then
		discover --no-dhcp6
	else
		discover
	fi
	t_stop_all
	[ "$RC" = 0 ] || { fail "$2" "sztpboot exit $RC"; return; }
	check "$2" "dhcp$1" || return
	t_ok "$2"
}

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
		{ t_stop_all; fail $name "kea-dhcp$1 did not start"; return; }
	discover_and_check "$1" $name
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
		{ t_stop_all; fail $name "dhcpd -$1 did not start"; return; }
	discover_and_check "$1" $name
}

case_kea4() { kea 4; }
case_kea6() { kea 6; }
case_dhcpd4() { isc_dhcpd 4; }
case_dhcpd6() { isc_dhcpd 6; }

for c in ${SZTP_CASES:-kea4 kea6 dhcpd4 dhcpd6}; do
	"case_$c"
done

t_summary
