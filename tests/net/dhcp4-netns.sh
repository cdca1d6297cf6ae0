#!/bin/sh
# dhcp4-netns.sh: `sztpboot dhcp4` against dnsmasq over a veth pair between two
# network namespaces this script creates (documentation addresses only:
# 192.0.2.0/24). Needs root, ip (iproute2) and dnsmasq.
#
#   sh tests/net/dhcp4-netns.sh        (SZTPBOOT=path overrides build/sztpboot)
#
# Prints "ok NAME" or "FAIL NAME: why" per case and ends with
# "N passed, N failed". Cleans up namespaces and its dnsmasq on exit.
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/net.sh"
AGENT=${SZTPBOOT:-$TOP/build/sztpboot}
VS=szs$$
VC=szc$$
t_tmpdir sztp-dhcp4-netns
T=$T_TMP

fail() {
	t_fail "$1" "$2"
	t_tail 15 "$T/out" "$T/err" "$T/dnsmasq.log"
}

# start_dnsmasq [extra dnsmasq options...]
start_dnsmasq() {
	net_dnsmasq "$SRV" "$T" --port=0 --interface="$VS" \
		--dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h \
		--dhcp-option=option:router,192.0.2.1 \
		--dhcp-option=option:dns-server,192.0.2.1 \
		--dhcp-option=option:domain-name,example.net "$@"
}

# run_client ARGS...: runs the agent in the client namespace; sets RC
run_client() {
	ip netns exec "$CLI" "$AGENT" dhcp4 --ifname "$VC" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

has() { grep -qx -- "$1" "$T/out"; }

# ------------------------------------------------------------------ setup
[ "$(id -u)" = 0 ] || t_setup_fail "must run as root (network namespaces)"
t_need ip dnsmasq od
[ -x "$AGENT" ] || t_setup_fail "$AGENT not built"
if ! { net_ns SRV sztp-dhcp-srv && net_ns CLI sztp-dhcp-cli &&
	net_veth "$SRV" "$VS" "$CLI" "$VC" &&
	net_up "$SRV" "$VS" 192.0.2.1/24; } >"$T/err" 2>&1; then
	t_setup_fail "$(tr '\n' ' ' <"$T/err")"
fi
# the client link starts down: the agent must bring it up itself

URI=https://bootstrap.example:8443

# ------------------------------------------------------------------ cases
case_option_143() {
	name=option-143
	if ! start_dnsmasq --dhcp-option-force=143,"$(net_uri_hex "$URI")"; then
		fail $name "dnsmasq did not start"; return
	fi
	run_client --timeout 20
	t_stop_all
	[ "$RC" = 0 ] || { fail $name "exit $RC, want 0"; return; }
	has "ifname=$VC" || { fail $name "no ifname=$VC line"; return; }
	grep -q '^address=192\.0\.2\.1[0-4][0-9]$\|^address=192\.0\.2\.150$' "$T/out" ||
		{ fail $name "address not in the dnsmasq range"; return; }
	has "prefix=24" || { fail $name "no prefix=24"; return; }
	has "router=192.0.2.1" || { fail $name "no router=192.0.2.1"; return; }
	has "dns=192.0.2.1" || { fail $name "no dns=192.0.2.1"; return; }
	has "domain=example.net" || { fail $name "no domain=example.net"; return; }
	has "lease_time=3600" || { fail $name "no lease_time=3600"; return; }
	has "uri=$URI" || { fail $name "no uri=$URI"; return; }
	[ "$(grep -c '^uri=' "$T/out")" = 1 ] || { fail $name "more than one uri line"; return; }
	grep -q "dhcp4: lease 192\.0\.2\.[0-9]*/24 on $VC from 192\.0\.2\.1 router 192\.0\.2\.1 dns 192\.0\.2\.1 sztp-redirect $URI\$" "$T/err" ||
		{ fail $name "summary line missing or wrong"; return; }
	# without --apply the client's addresses are untouched, but the link is up
	if ip -n "$CLI" -4 addr show dev "$VC" | grep -q 'inet '; then
		fail $name "an address was configured without --apply"; return
	fi
	ip -n "$CLI" link show "$VC" | grep -q '[<,]UP[,>]' || { fail $name "link not up"; return; }
	t_ok $name
}

case_no_option_143() {
	name=option-143-absent
	if ! start_dnsmasq; then
		fail $name "dnsmasq did not start"; return
	fi
	run_client --timeout 20
	t_stop_all
	[ "$RC" = 0 ] || { fail $name "exit $RC, want 0"; return; }
	grep -q '^address=192\.0\.2\.' "$T/out" || { fail $name "no address line"; return; }
	if grep -q '^uri=' "$T/out"; then
		fail $name "uri line without option 143"; return
	fi
	grep -q "dhcp4: lease .* on $VC from 192\.0\.2\.1 router 192\.0\.2\.1 dns 192\.0\.2\.1 sztp-redirect none\$" "$T/err" ||
		{ fail $name "summary line without 'sztp-redirect none'"; return; }
	t_ok $name
}

case_rfc3396_split() {
	name=option-143-rfc3396-split
	set -- "$URI"
	i=1
	while [ $i -le 8 ]; do
		set -- "$@" "https://bootstrap-$i.a-rather-long-name.example:84$i$i"
		i=$((i + 1))
	done
	# 9 URIs, more than 255 bytes: the server splits the option (RFC 3396)
	# over two instances in the options field and one in the file field
	# (option overload). dnsmasq refuses values over 255 bytes, so a small
	# Python server stands in.
	if ! command -v python3 >/dev/null 2>&1; then
		fail $name "python3 not installed"; return
	fi
	ip netns exec "$SRV" python3 "$TOP/tests/net/dhcp4-split-server.py" "$VS" "$@" \
		>"$T/dnsmasq.log" 2>&1 &
	t_track $!
	t_wait 5 $! grep -q '^ready' "$T/dnsmasq.log" ||
		{ t_stop_all; fail $name "server did not start"; return; }
	run_client --timeout 20
	t_stop_all
	[ "$RC" = 0 ] || { fail $name "exit $RC, want 0"; return; }
	grep -q 'option 143 of 4[0-9][0-9] bytes' "$T/dnsmasq.log" ||
		{ fail $name "server did not send a long option 143"; return; }
	has "address=192.0.2.77" || { fail $name "no address=192.0.2.77"; return; }
	has "uri=$URI" || { fail $name "first URI missing"; return; }
	has "uri=https://bootstrap-1.a-rather-long-name.example:8411" ||
		{ fail $name "second URI missing"; return; }
	# SZTP_URI_MAX (8) are kept, in order
	[ "$(grep -c '^uri=' "$T/out")" = 8 ] ||
		{ fail $name "want 8 uri lines, got $(grep -c '^uri=' "$T/out")"; return; }
	has "uri=https://bootstrap-7.a-rather-long-name.example:8477" ||
		{ fail $name "eighth URI missing"; return; }
	t_ok $name
}

case_apply() {
	name=apply
	if ! start_dnsmasq --dhcp-option-force=143,"$(net_uri_hex "$URI")"; then
		fail $name "dnsmasq did not start"; return
	fi
	run_client --timeout 20 --apply --resolv "$T/resolv.conf"
	[ "$RC" = 0 ] || { t_stop_all; fail $name "exit $RC, want 0"; return; }
	addr=$(sed -n 's/^address=//p' "$T/out")
	ip -n "$CLI" -4 addr show dev "$VC" | grep -q "inet $addr/24" ||
		{ t_stop_all; fail $name "address $addr/24 not on $VC"; return; }
	ip -n "$CLI" -4 route show default | grep -q "via 192.0.2.1 dev $VC" ||
		{ t_stop_all; fail $name "no default route via 192.0.2.1"; return; }
	grep -qx 'nameserver 192.0.2.1' "$T/resolv.conf" 2>/dev/null &&
		grep -qx 'search example.net' "$T/resolv.conf" ||
		{ t_stop_all; fail $name "resolv.conf wrong"; return; }
	ip -n "$CLI" route get 192.0.2.1 | grep -q "dev $VC src $addr" ||
		{ t_stop_all; fail $name "no route to the server from $addr"; return; }
	# release: the address goes away and dnsmasq logs the RELEASE
	run_client --timeout 20 --apply --release --resolv "$T/resolv.conf"
	sleep 0.5
	t_stop_all
	[ "$RC" = 0 ] || { fail $name "second run: exit $RC"; return; }
	if ip -n "$CLI" -4 addr show dev "$VC" | grep -q 'inet '; then
		fail $name "address still there after --release"; return
	fi
	grep -q 'DHCPRELEASE' "$T/dnsmasq.log" || { fail $name "dnsmasq saw no DHCPRELEASE"; return; }
	t_ok $name
}

case_apply_offlink_gateway() {
	name=apply-off-subnet-router
	if ! start_dnsmasq --dhcp-option=option:router,198.51.100.1; then
		fail $name "dnsmasq did not start"; return
	fi
	run_client --timeout 20 --apply --resolv "$T/resolv.conf"
	t_stop_all
	routes=$(ip -n "$CLI" -4 route show dev "$VC")
	ip -n "$CLI" addr flush dev "$VC"
	[ "$RC" = 0 ] || { fail $name "exit $RC, want 0"; return; }
	has "router=198.51.100.1" || { fail $name "no router=198.51.100.1"; return; }
	printf '%s\n' "$routes" | grep -q "^198\.51\.100\.1 .*scope link" ||
		{ fail $name "no host route to the off-subnet router: $routes"; return; }
	printf '%s\n' "$routes" | grep -q "^default via 198\.51\.100\.1" ||
		{ fail $name "no default route via the off-subnet router: $routes"; return; }
	t_ok $name
}

case_no_server() {
	name=no-server-timeout
	t_stop_all
	start=$(date +%s)
	run_client --timeout 5
	took=$(( $(date +%s) - start ))
	[ "$RC" = 1 ] || { fail $name "exit $RC, want 1"; return; }
	grep -q "no DHCPv4 lease within 5 s: $VC (no offer)" "$T/err" ||
		{ fail $name "error message missing"; return; }
	[ "$took" -ge 4 ] && [ "$took" -le 8 ] || { fail $name "took $took s for a 5 s timeout"; return; }
	[ -s "$T/out" ] && { fail $name "printed a lease"; return; }
	t_ok $name
}

case_option_143
case_no_option_143
case_rfc3396_split
case_apply
case_apply_offlink_gateway
case_no_server

t_summary
