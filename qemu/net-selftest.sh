#!/bin/sh
# net-selftest.sh: checks the harness's network side without QEMU, in a few
# seconds. The same lib.sh set-up as boot-test.sh (dnsmasq, bootstrap server),
# but tap0 is one end of a veth pair whose other end, eth0, sits in a second
# namespace that plays the guest:
#   - busybox udhcpc gets a lease with option 143 = the RFC 8572 encoding of
#     SZTP_URI (and DNS server 192.0.2.1)
#   - a DHCPv6 Solicit gets an Advertise carrying option 136, the same bytes
#   - DNS answers bootstrap.example with 192.0.2.1 and 2001:db8:1::1
#   - curl, validating with the PKI's bootstrap anchor, fetches host-meta from
#     https://bootstrap.example:8443 (200), and the server records it
# Ends with "N passed, N failed"; exit 0 only if nothing failed.
# shellcheck disable=SC2015,SC2034  # "test && ok || fail": t_ok always succeeds
set -eu
SZTP_LINK=veth
SZTP_TPM=0
SZTP_DISK_SIZE=
. "$(dirname "$0")/lib.sh"

for c in busybox curl; do
	command -v $c >/dev/null 2>&1 || sztp_die "$c not found"
done

sztp_setup net-selftest
cx() { ip netns exec "$SZTP_NS_CLIENT" "$@"; }


# shellcheck disable=SC2086
want=$(sztp_hex_uris $SZTP_URI | tr -d ':')

# --- DHCPv4
cat >"$SZTP_TMP/udhcpc.sh" <<'S'
#!/bin/sh
[ "$1" = bound ] || exit 0
ip addr add "$ip/$mask" dev "$interface"
printf 'ip=%s\nmask=%s\ndns=%s\nopt143=%s\n' "$ip" "$mask" "$dns" "$opt143" >"$LEASE_OUT"
S
chmod +x "$SZTP_TMP/udhcpc.sh"
LEASE_OUT=$SZTP_TMP/lease4 cx busybox udhcpc -i eth0 -O 143 -n -q -f -t 5 -T 1 \
	-s "$SZTP_TMP/udhcpc.sh" >"$SZTP_TMP/udhcpc.log" 2>&1 || true
if [ -f "$SZTP_TMP/lease4" ]; then
	ip=$(sed -n 's/^ip=//p' "$SZTP_TMP/lease4")
	dns=$(sed -n 's/^dns=//p' "$SZTP_TMP/lease4")
	opt143=$(sed -n 's/^opt143=//p' "$SZTP_TMP/lease4")
	case $ip in
	192.0.2.1[0-4][0-9] | 192.0.2.150) t_ok dhcp4-lease ;;
	*) t_fail dhcp4-lease "address $ip outside 192.0.2.100-150" ;;
	esac
	[ "$dns" = 192.0.2.1 ] && t_ok dhcp4-dns || t_fail dhcp4-dns "dns server '$dns'"
	[ "$opt143" = "$want" ] && t_ok dhcp4-option-143 ||
		t_fail dhcp4-option-143 "got '$opt143', want '$want'"
else
	t_fail dhcp4-lease "no lease: $(tail -n 3 "$SZTP_TMP/udhcpc.log" | tr '\n' ' ')"
fi

# --- DHCPv6
if [ "$SZTP_DHCP6" = 1 ]; then
	cx "$PYTHON" "$SZTP_ROOT/qemu/dhcp6-probe.py" eth0 "$SZTP_MAC" \
		>"$SZTP_TMP/dhcp6.out" 2>&1 || true
	got=$(sed -n 's/^option 136 //p' "$SZTP_TMP/dhcp6.out")
	[ "$got" = "$want" ] && t_ok dhcp6-option-136 ||
		t_fail dhcp6-option-136 "got '$got', want '$want' ($(head -c 200 "$SZTP_TMP/dhcp6.out"))"
	dns6=$(sed -n 's/^option 23 //p' "$SZTP_TMP/dhcp6.out")
	[ "$dns6" = 20010db8000100000000000000000001 ] && t_ok dhcp6-dns ||
		t_fail dhcp6-dns "option 23 '$dns6'"
fi

# --- DNS
a=$(cx busybox nslookup -type=a bootstrap.example 192.0.2.1 2>&1 || true)
echo "$a" | grep -q 'Address: 192\.0\.2\.1$' && t_ok dns-a ||
	t_fail dns-a "$(echo "$a" | tr '\n' ' ')"
aaaa=$(cx busybox nslookup -type=aaaa bootstrap.example 192.0.2.1 2>&1 || true)
echo "$aaaa" | grep -q 'Address: 2001:db8:1::1$' && t_ok dns-aaaa ||
	t_fail dns-aaaa "$(echo "$aaaa" | tr '\n' ' ')"

# --- HTTPS
code=$(cx curl -sS -o "$SZTP_TMP/host-meta" -w '%{http_code}' --max-time 10 \
	--cacert "$SZTP_PKI/anchors/bootstrap/server-ca.pem" \
	--resolve "bootstrap.example:$SZTP_SERVER_PORT:192.0.2.1" \
	"https://bootstrap.example:$SZTP_SERVER_PORT/.well-known/host-meta" 2>&1 || true)
if [ "$code" = 200 ] && grep -q "rel='restconf' href='/restconf'" "$SZTP_TMP/host-meta"; then
	t_ok https-host-meta
else
	t_fail https-host-meta "curl said '$code'"
fi
if grep -q -E '"client": "192\.0\.2\.1[0-5][0-9]", "event": "request", "method": "GET", "path": "/\.well-known/host-meta", "status": 200' \
	"$SZTP_TMP/record.jsonl"; then
	t_ok server-record
else
	t_fail server-record "$(cat "$SZTP_TMP/record.jsonl")"
fi

t_summary
