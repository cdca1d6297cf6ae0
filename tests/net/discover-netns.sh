#!/bin/sh
# discover-netns.sh: `sztpboot discover` in network namespaces this script
# creates: dnsmasq as DHCPv4 + DHCPv6 server (options 143 / 136 in every
# shape), router advertisements, DNS TXT/SRV with TCP fallback, an mDNS
# responder (tests/net/mdns-responder.py), static ip=, a VLAN, two NICs,
# a silent network, a removable-medium directory. Documentation addresses
# only (192.0.2.0/24, 198.51.100.0/24, 2001:db8::/32). Needs root, ip,
# dnsmasq, python3, openssl (for the signed artifacts).
#
#   sh tests/net/discover-netns.sh     (SZTPBOOT=path overrides build/sztpboot)
#
# Prints "ok NAME" / "FAIL NAME: why" per case, ends with "N passed, N failed".
# SZTP_CASES="none two_nics" runs only those cases.
# Cleans up its namespaces and the processes it started (by PID) on exit.
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/net.sh"
AGENT=${SZTPBOOT:-$TOP/build/sztpboot}
PKI=${SZTP_PKI:-$TOP/build/pki}
SA=sa$$ CA=ca$$ SB=sb$$ CB=cb$$
t_tmpdir sztp-discover
T=$T_TMP
SERIAL=SZTP-DEMO-0001

fail() {
	t_fail "$1" "$2"
	t_tail 25 "$T/out" "$T/err" "$T/dnsmasq.log" "$T/mdns.log"
}

# dnsmasq_up ARGS...: dnsmasq in the server namespace (ARGS name the
# interfaces: --interface=IF)
dnsmasq_up() { net_dnsmasq "$SRV" "$T" "$@"; }

mdns_up() {
	: >"$T/mdns.log"
	ip netns exec "$SRV" python3 "$TOP/tests/net/mdns-responder.py" "$@" >"$T/mdns.log" 2>&1 &
	t_track $!
	t_wait 5 $! grep -q '^ready' "$T/mdns.log"
}

# discover ARGS...: runs the agent in the client namespace; sets RC
discover() {
	ip netns exec "$CLI" "$AGENT" discover --no-media --servers /dev/null \
		--dns-timeout 600 "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

# want_out LINE...: stdout must be exactly these lines
want_out() {
	printf '%s\n' "$@" >"$T/want"
	cmp -s "$T/want" "$T/out"
}

# ------------------------------------------------------------------ setup
[ "$(id -u)" = 0 ] || t_setup_fail "must run as root (network namespaces)"
t_need ip dnsmasq python3 od openssl
[ -x "$AGENT" ] || t_setup_fail "$AGENT not built"
[ -f "$PKI/device/serial.txt" ] || sh "$TOP/keys/mkpki.sh" "$PKI" >/dev/null 2>&1 ||
	t_setup_fail "no test PKI in $PKI"
# no DAD on either side: a veth peer's link-local address would be tentative
# for a second after each link-up, and a router's RAs from a tentative
# address are dropped (a real router finished DAD long ago)
if ! { net_ns SRV sztp-disc-srv && net_ns CLI sztp-disc-cli &&
	net_no_dad "$CLI" && net_no_dad "$SRV" &&
	net_veth "$SRV" "$SA" "$CLI" "$CA" && net_veth "$SRV" "$SB" "$CLI" "$CB" &&
	net_up "$SRV" "$SA" 192.0.2.1/24 2001:db8:1::1/64 &&
	net_up "$SRV" "$SB" 198.51.100.1/24 2001:db8:2::1/64; } >"$T/err" 2>&1; then
	t_setup_fail "$(tr '\n' ' ' <"$T/err")"
fi

# Signed artifacts for the serial, made with the test PKI.
A=$T/art
mkdir -p "$A"
cat >"$A/ci.json" <<'JSON'
{"ietf-sztp-conveyed-info:onboarding-information":{"boot-image":{"os-name":"TestOS","os-version":"1.0","download-uri":["https://images.example/os.img"],"image-verification":[{"hash-algorithm":"ietf-sztp-conveyed-info:sha-256","hash-value":"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff"}]}}}
JSON
cat >"$A/redirect.json" <<'JSON'
{"ietf-sztp-conveyed-info:redirect-information":{"bootstrap-server":[{"address":"media-redirect.example","port":8443}]}}
JSON
MK="sh $TOP/keys/mkartifacts.sh"
{ $MK voucher --pki "$PKI" --serial $SERIAL >"$A/ov.cms" &&
	$MK owner-cert --pki "$PKI" >"$A/oc.cms" &&
	$MK conveyed --pki "$PKI" --json "$A/ci.json" >"$A/ci.cms" &&
	$MK conveyed --pki "$PKI" --json "$A/redirect.json" --unsigned >"$A/redirect.cms"; } \
	2>"$T/err" || t_setup_fail "mkartifacts: $(tr '\n' ' ' <"$T/err")"
b64() { openssl base64 -A -in "$1"; }

# verify_dump DIR N: artifact set N equals the originals and verifies
verify_dump() {
	d=$1/$2
	cmp -s "$d/conveyed-information.cms" "$A/ci.cms" || { echo "ci differs"; return 1; }
	cmp -s "$d/owner-certificate.cms" "$A/oc.cms" || { echo "oc differs"; return 1; }
	cmp -s "$d/ownership-voucher.cms" "$A/ov.cms" || { echo "ov differs"; return 1; }
	"$AGENT" verify --serial $SERIAL --voucher-ta "$PKI/masa/ca.pem" "$d/response.json" \
		>"$T/verify.out" 2>&1 || { echo "verify: $(tail -n1 "$T/verify.out")"; return 1; }
	grep -q 'TestOS' "$T/verify.out" || { echo "verify printed no TestOS"; return 1; }
}

U1=https://one.example:8443
U2=https://two.example:8443
U3=https://[2001:db8:1::1]:8443

# ------------------------------------------------------------------ cases
case_dhcp4_dhcp6() {
	name=dhcp4-143-and-dhcp6-136-stateful
	dnsmasq_up --interface="$SA" --port=0 --dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h \
		--dhcp-option-force=143,"$(net_uri_hex "$U1")" --enable-ra \
		--dhcp-range=2001:db8:1::100,2001:db8:1::1ff,64,1h \
		--dhcp-option=option6:dns-server,[2001:db8:1::1] \
		--dhcp-option=option6:136,"$(net_uri_hex "$U2" "$U3")" || { fail $name "dnsmasq"; return; }
	discover --ifname "$CA" --timeout 10 --no-dns --apply --resolv "$T/resolv.conf"
	[ "$RC" = 0 ] || { t_stop_all; fail $name "exit $RC"; return; }
	want_out "$U2 dhcp6" "$U3 dhcp6" "$U1 dhcp4" || { t_stop_all; fail $name "wrong source list"; return; }
	grep -q "dhcp6: reply on $CA (stateful) address 2001:db8:1::1[0-9a-f][0-9a-f] dns 2001:db8:1::1 " "$T/err" &&
		grep -qF "sztp-redirect $U2,$U3" "$T/err" ||
		{ fail $name "no stateful DHCPv6 summary line"; return; }
	ip -n "$CLI" -6 addr show dev "$CA" | grep -q 'inet6 2001:db8:1::1[0-9a-f][0-9a-f]/128' ||
		{ fail $name "DHCPv6 address not applied"; return; }
	grep -qx 'nameserver 2001:db8:1::1' "$T/resolv.conf" ||
		{ fail $name "resolv.conf lacks the DHCPv6 name server"; return; }
	grep -q 'net: source 1: dhcp6' "$T/err" || { fail $name "source order not logged"; return; }
	# again with --release: both leases go back, the addresses go away
	discover --ifname "$CA" --timeout 10 --no-dns --apply --resolv "$T/resolv.conf" --release
	sleep 0.3
	t_stop_all
	[ "$RC" = 0 ] || { fail $name "exit $RC with --release"; return; }
	grep -q "DHCPRELEASE($SA) 192.0.2.1" "$T/dnsmasq.log" || { fail $name "no DHCPv4 RELEASE"; return; }
	grep -q "DHCPRELEASE($SA) 00:03:00:01:" "$T/dnsmasq.log" &&
		grep -q "status  0 release received" "$T/dnsmasq.log" || { fail $name "no DHCPv6 RELEASE"; return; }
	if ip -n "$CLI" addr show dev "$CA" | grep -q 'inet6* \(192\.0\.2\.\|2001:db8:1::1\)'; then
		fail $name "addresses left after --release"; return
	fi
	ip -n "$CLI" addr flush dev "$CA" scope global
	t_ok $name
}

case_dhcp6_stateless() {
	name=dhcp6-stateless-slaac-136
	dnsmasq_up --interface="$SA" --port=0 --dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h \
		--enable-ra --dhcp-range=2001:db8:1::,ra-stateless,64 \
		--dhcp-option=option6:136,"$(net_uri_hex "$U2")" || { fail $name "dnsmasq"; return; }
	discover --ifname "$CA" --timeout 10 --no-dns
	t_stop_all
	[ "$RC" = 0 ] || { fail $name "exit $RC"; return; }
	want_out "$U2 dhcp6" || { fail $name "wrong source list"; return; }
	grep -q "dhcp6: reply on $CA (stateless)" "$T/err" || { fail $name "no stateless reply"; return; }
	grep -q "net: $CA: SLAAC address 2001:db8:1:" "$T/err" || { fail $name "no SLAAC address"; return; }
	grep -q 'other-config' "$T/err" || { fail $name "RA O flag not seen"; return; }
	ip -n "$CLI" addr flush dev "$CA" scope global
	t_ok $name
}

case_plain_and_invalid() {
	name=plain-text-143-invalid-136-entries
	bad1=http://plain-http.example
	bad2=https://with-path.example/restconf
	dnsmasq_up --interface="$SA" --port=0 --dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h \
		--dhcp-option-force=143,"$(net_hex "https://plain.example:8443/restconf")" --enable-ra \
		--dhcp-range=2001:db8:1::100,2001:db8:1::1ff,64,1h \
		--dhcp-option=option6:136,"$(net_uri_hex "$bad1" "$U2" "$bad2")" || { fail $name "dnsmasq"; return; }
	discover --ifname "$CA" --timeout 10 --no-dns
	t_stop_all
	[ "$RC" = 0 ] || { fail $name "exit $RC"; return; }
	want_out "$U2 dhcp6" "https://plain.example:8443/restconf dhcp4" ||
		{ fail $name "wrong source list"; return; }
	grep -q 'dhcp6: .*ignored' "$T/err" || { fail $name "invalid entries not logged"; return; }
	t_ok $name
}

case_none() {
	name=no-option-no-source
	dnsmasq_up --interface="$SA" --port=0 --dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h ||
		{ fail $name "dnsmasq"; return; }
	discover --ifname "$CA" --timeout 10 --no-dhcp6
	t_stop_all
	[ "$RC" = 1 ] || { fail $name "exit $RC, want 1"; return; }
	[ -s "$T/out" ] && { fail $name "printed a source"; return; }
	grep -q "dhcp4: lease 192.0.2.1[0-9][0-9]/24 on $CA .* sztp-redirect none" "$T/err" ||
		{ fail $name "no lease line"; return; }
	grep -q 'no bootstrap source discovered' "$T/err" || { fail $name "no final message"; return; }
	t_ok $name
}

case_two_nics() {
	name=two-nics-second-has-143
	dnsmasq_up --interface="$SA" --interface="$SB" --port=0 \
		--dhcp-range=set:one,192.0.2.100,192.0.2.150,255.255.255.0,1h \
		--dhcp-range=set:two,198.51.100.100,198.51.100.150,255.255.255.0,1h \
		--dhcp-option-force=tag:two,143,"$(net_uri_hex "$U2")" || { fail $name "dnsmasq"; return; }
	discover --ifname "$CA" --ifname "$CB" --timeout 10 --no-dns --no-dhcp6
	sleep 0.3
	t_stop_all
	[ "$RC" = 0 ] || { fail $name "exit $RC"; return; }
	want_out "$U2 dhcp4" || { fail $name "wrong source list"; return; }
	grep -q "net: $CB wins (SZTP redirect)" "$T/err" || { fail $name "$CB did not win"; return; }
	if grep -q "dhcp4: lease .* on $CA" "$T/err"; then
		grep -q "dhcp4: $CA: lease released" "$T/err" &&
			grep -q "DHCPRELEASE($SA)" "$T/dnsmasq.log" ||
			{ fail $name "the losing lease was not released"; return; }
	fi
	t_ok $name
}

case_silent_then_mdns() {
	name=silent-dhcp-then-cmdline-and-mdns
	mdns_up "$SA" --srv _sztp._tcp.local 10 0 8443 mdns-server.example \
		--txt "$SERIAL._sztp.local" ci="$A/ci.cms" oc="$A/oc.cms" ov="$A/ov.cms" ";" ||
		{ fail $name "mdns responder"; return; }
	start=$(date +%s)
	discover --ifname "$CA" --timeout 3 --serial $SERIAL --url https://cmdline.example:8443 \
		--dump "$T/dump"
	took=$(( $(date +%s) - start ))
	t_stop_all
	[ "$RC" = 0 ] || { fail $name "exit $RC"; return; }
	want_out "https://cmdline.example:8443 cmdline" "artifacts:$SERIAL._sztp.local mdns" \
		"https://mdns-server.example:8443 mdns" || { fail $name "wrong source list"; return; }
	grep -q "no address within 3 s: $CA" "$T/err" || { fail $name "no timeout line"; return; }
	[ "$took" -le 12 ] || { fail $name "took $took s"; return; }
	grep -q 'answered .* via IPv6' "$T/mdns.log" || { fail $name "mDNS not over IPv6"; return; }
	why=$(verify_dump "$T/dump" 1) || { fail $name "artifacts: $why"; return; }
	t_ok $name
}

case_static_dns() {
	name=static-ip-dns-txt-srv-tcp
	# base64 text in TXT (dnsmasq cannot hold binary), several KB: TC, then TCP
	dnsmasq_up --interface="$SA" --port=53 --listen-address=192.0.2.1 \
		--txt-record="$SERIAL._sztp.example.net,ci=$(b64 "$A/ci.cms"),oc=$(b64 "$A/oc.cms"),ov=$(b64 "$A/ov.cms")" \
		--srv-host=_sztp._tcp.example.net,low.example.net,8443,20,0 \
		--srv-host=_sztp._tcp.example.net,high.example.net,443,10,0 ||
		{ fail $name "dnsmasq"; return; }
	discover --ip "192.0.2.10::192.0.2.1:255.255.255.0:device1.example.net:$CA:none:192.0.2.1" \
		--ifname "$CA" --timeout 5 --no-dhcp6 --serial $SERIAL --apply --resolv "$T/resolv.conf" \
		--dump "$T/dump2"
	t_stop_all
	[ "$RC" = 0 ] || { fail $name "exit $RC"; return; }
	ip -n "$CLI" -4 addr show dev "$CA" | grep -q 'inet 192.0.2.10/24' ||
		{ fail $name "static address not applied"; return; }
	ip -n "$CLI" -4 route show default | grep -q "via 192.0.2.1 dev $CA" ||
		{ fail $name "no default route"; return; }
	want_out "artifacts:$SERIAL._sztp.example.net dns" "https://high.example.net:443 dns" \
		"https://low.example.net:8443 dns" || { fail $name "wrong source list"; return; }
	grep -q 'answer from 192.0.2.1 truncated, retrying over TCP' "$T/err" ||
		{ fail $name "no TCP fallback"; return; }
	grep -qx 'search example.net' "$T/resolv.conf" || { fail $name "resolv.conf search"; return; }
	why=$(verify_dump "$T/dump2" 1) || { fail $name "artifacts: $why"; return; }
	ip -n "$CLI" addr flush dev "$CA"
	t_ok $name
}

# RFC 8572 section 4.2: multicast DNS before unicast DNS, and the
# device-specific TXT records (both) before the device-independent SRV ones
case_mdns_then_dns() {
	name=mdns-before-unicast-dns-txt-before-srv
	mdns_up "$SA" --srv _sztp._tcp.local 10 0 8443 mdns-server.example \
		--txt "$SERIAL._sztp.local" ci="$A/ci.cms" oc="$A/oc.cms" ov="$A/ov.cms" ";" ||
		{ fail $name "mdns responder"; return; }
	dnsmasq_up --interface="$SA" --port=53 --listen-address=192.0.2.1 \
		--txt-record="$SERIAL._sztp.example.net,ci=$(b64 "$A/redirect.cms")" \
		--srv-host=_sztp._tcp.example.net,unicast.example.net,8443,10,0 ||
		{ fail $name "dnsmasq"; return; }
	discover --ip "192.0.2.10::192.0.2.1:255.255.255.0:device1.example.net:$CA:none:192.0.2.1" \
		--ifname "$CA" --timeout 5 --no-dhcp6 --serial $SERIAL --apply --resolv "$T/resolv.conf"
	t_stop_all
	[ "$RC" = 0 ] || { fail $name "exit $RC"; return; }
	want_out "artifacts:$SERIAL._sztp.local mdns" "artifacts:$SERIAL._sztp.example.net dns" \
		"https://mdns-server.example:8443 mdns" "https://unicast.example.net:8443 dns" ||
		{ fail $name "wrong source list: $(tr '\n' ' ' <"$T/out")"; return; }
	ip -n "$CLI" addr flush dev "$CA"
	t_ok $name
}

case_static6_dns() {
	name=static-ipv6-dns-over-ipv6
	dnsmasq_up --interface="$SA" --port=53 --listen-address=2001:db8:1::1 \
		--srv-host=_sztp._tcp.example.org,v6.example.org,8443,10,0 ||
		{ fail $name "dnsmasq"; return; }
	discover --ip "[2001:db8:1::10]::[2001:db8:1::1]:64:dev.example.org:$CA:none:[2001:db8:1::1]" \
		--ifname "$CA" --timeout 5 --no-dhcp6 --apply --resolv "$T/resolv.conf"
	t_stop_all
	[ "$RC" = 0 ] || { fail $name "exit $RC"; return; }
	ip -n "$CLI" -6 addr show dev "$CA" | grep -q 'inet6 2001:db8:1::10/64' ||
		{ fail $name "static IPv6 address not applied"; return; }
	ip -n "$CLI" -6 route show default | grep -q "via 2001:db8:1::1 dev $CA" ||
		{ fail $name "no IPv6 default route"; return; }
	want_out "https://v6.example.org:8443 dns" || { fail $name "wrong source list"; return; }
	grep -qx 'nameserver 2001:db8:1::1' "$T/resolv.conf" || { fail $name "resolv.conf"; return; }
	ip -n "$CLI" addr flush dev "$CA" scope global
	t_ok $name
}

case_vlan() {
	name=vlan-tagged-link
	if ! ip -n "$SRV" link add link "$SA" name "$SA.42" type vlan id 42 2>/dev/null; then
		# this kernel has no 802.1Q (no 8021q module): the QEMU media test
		# creates a VLAN in the guest instead
		t_skip $name "no 802.1Q support in this kernel"
		return
	fi
	net_up "$SRV" "$SA.42" 198.51.100.1/24 || { fail $name "server VLAN"; return; }
	dnsmasq_up --interface="$SA.42" --port=0 \
		--dhcp-range=198.51.100.100,198.51.100.150,255.255.255.0,1h \
		--dhcp-option-force=143,"$(net_uri_hex "$U1")" || { fail $name "dnsmasq"; return; }
	discover --vlan "$CA.42:$CA" --ifname "$CA.42" --timeout 10 --no-dns --no-dhcp6
	t_stop_all
	ip -n "$SRV" link del "$SA.42" 2>/dev/null
	[ "$RC" = 0 ] || { fail $name "exit $RC"; return; }
	want_out "$U1 dhcp4" || { fail $name "wrong source list"; return; }
	ip -n "$CLI" -d link show "$CA.42" | grep -q 'vlan protocol 802.1Q id 42' ||
		{ fail $name "VLAN link not created"; return; }
	grep -q "dhcp4: lease 198.51.100.1[0-9][0-9]/24 on $CA.42" "$T/err" ||
		{ fail $name "no lease on the VLAN"; return; }
	ip -n "$CLI" link del "$CA.42"
	t_ok $name
}

case_media_dir() {
	name=removable-media-layout
	M=$T/medium
	mkdir -p "$M/sztp/$SERIAL"
	cp "$A/ci.cms" "$M/sztp/$SERIAL/conveyed-information.cms"
	cp "$A/oc.cms" "$M/sztp/$SERIAL/owner-certificate.cms"
	cp "$A/ov.cms" "$M/sztp/$SERIAL/ownership-voucher.cms"
	cp "$A/redirect.cms" "$M/sztp/conveyed-information.cms"
	mkdir -p "$M/sztp/OTHER-SERIAL"
	cp "$A/ci.cms" "$M/sztp/OTHER-SERIAL/conveyed-information.cms"
	ip netns exec "$CLI" "$AGENT" discover --servers /dev/null --media-dir "$M" \
		--serial $SERIAL --ifname "$CA" --timeout 1 --no-dns --no-dhcp6 \
		--url https://cmdline.example:8443 --dump "$T/dump3" >"$T/out" 2>"$T/err"
	RC=$?
	[ "$RC" = 0 ] || { fail $name "exit $RC"; return; }
	want_out "artifacts:$M:/sztp/$SERIAL media" "artifacts:$M:/sztp media" \
		"https://cmdline.example:8443 cmdline" || { fail $name "wrong source list"; return; }
	why=$(verify_dump "$T/dump3" 1) || { fail $name "artifacts: $why"; return; }
	cmp -s "$T/dump3/2/conveyed-information.cms" "$A/redirect.cms" ||
		{ fail $name "fallback artifacts differ"; return; }
	[ ! -e "$T/dump3/2/owner-certificate.cms" ] || { fail $name "unsigned set has an oc"; return; }
	# a lone voucher is refused with a line
	rm "$M/sztp/$SERIAL/owner-certificate.cms"
	ip netns exec "$CLI" "$AGENT" discover --servers /dev/null --media-dir "$M" \
		--serial $SERIAL --ifname "$CA" --timeout 1 --no-dns --no-dhcp6 >"$T/out" 2>"$T/err"
	want_out "artifacts:$M:/sztp media" ||
		{ fail $name "half a signed set was not refused"; return; }
	grep -q 'ownership-voucher.cms without owner-certificate.cms' "$T/err" ||
		{ fail $name "no line about the missing owner certificate"; return; }
	t_ok $name
}

case_doc_snippet() {
	name=docs-network-md-dnsmasq-snippet
	# the dnsmasq lines of docs/network.md, as they are
	sed -n '/^### dnsmasq/,/^### ISC Kea/p' "$TOP/docs/network.md" |
		sed -n 's/^    \([a-z].*\)/\1/p' >"$T/snippet.conf"
	grep -q '^dhcp-option-force=143,' "$T/snippet.conf" || { fail $name "snippet not found"; return; }
	dnsmasq_up --interface="$SA" --conf-file="$T/snippet.conf" --port=53 --listen-address=192.0.2.1 \
		--dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h \
		--dhcp-option=option:domain-name,example.net \
		--dhcp-option=option:dns-server,192.0.2.1 || { fail $name "dnsmasq"; return; }
	discover --ifname "$CA" --timeout 10 --serial SN-1 --apply --resolv "$T/resolv.conf"
	t_stop_all
	[ "$RC" = 0 ] || { fail $name "exit $RC"; return; }
	want_out "https://bootstrap.example:8443 dhcp6" "https://bootstrap.example.net:8443 dns" ||
		{ fail $name "wrong source list"; return; }
	grep -q 'dhcp4: lease .* sztp-redirect https://bootstrap.example:8443$' "$T/err" ||
		{ fail $name "option 143 not decoded"; return; }
	grep -q 'dns: warning: SN-1._sztp.example.net TXT: TXT ci= value is neither DER nor base64' "$T/err" ||
		{ fail $name "the placeholder TXT record was not looked at"; return; }
	ip -n "$CLI" addr flush dev "$CA" scope global
	t_ok $name
}

# SZTP_CASES="two_nics vlan" runs only those cases (the function names
# without "case_")
for c in ${SZTP_CASES:-dhcp4_dhcp6 doc_snippet dhcp6_stateless plain_and_invalid none two_nics \
	silent_then_mdns static_dns mdns_then_dns static6_dns vlan media_dir}; do
	"case_$c"
done

t_summary
