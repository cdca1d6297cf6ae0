# tests/lib/net.sh: private networks for the shell suites and the QEMU harness
# (sourced after tests/lib/common.sh; POSIX sh; needs root and iproute2).
#
# Every namespace made here is named BASE-PID (PID: the suite's shell, so
# parallel runs never collide) and deleted at exit by common.sh's clean-up,
# after the processes it tracks are stopped; only the namespaces made here
# are deleted. Addresses must be documentation addresses (192.0.2.0/24,
# 198.51.100.0/24, 2001:db8::/32): net_up refuses any other.
#
#   net_ns VAR BASE      creates namespace BASE-$$ with lo up; VAR = its name
#   net_no_dad NS        no IPv6 duplicate address detection in NS (a veth
#                        peer's addresses are usable at once)
#   net_veth NS1 IF1 NS2 IF2
#                        a veth pair: IF1 in NS1, IF2 in NS2 (both left down)
#   net_up NS IF [ADDR/LEN...]
#                        adds the addresses (IPv6 ones without DAD) to IF in
#                        NS, then sets IF up
#   net_dnsmasq NS DIR ARGS...
#                        dnsmasq in NS with ARGS, tracked; waits (10 s at most)
#                        until it has written DIR/dnsmasq.pid. It logs (DHCP
#                        and queries) to DIR/dnsmasq.log, its own output goes
#                        to DIR/dnsmasq.out (added to the log if it fails to
#                        start). A private dnsmasq: no configuration file, no
#                        /etc/hosts, no resolv.conf, no lease file, no ping
#                        before an offer, authoritative, runs as root, binds
#                        only the interfaces ARGS name (never lo).
#                        NET_DNSMASQ_PID = its PID; status 1 if it did not start.
#   net_hex STRING       the bytes of STRING as colon-separated hex
#   net_uri_hex URI...   the RFC 8572 section 8 URI list (per URI a 2-byte
#                        big-endian length, then its bytes) as colon-separated
#                        hex, as dnsmasq's --dhcp-option takes it

command -v t_track >/dev/null 2>&1 ||
	{ echo "tests/lib/net.sh: source tests/lib/common.sh first" >&2; exit 1; }

NET_NETNS=""
NET_DNSMASQ_PID=""

net_ns() {
	net_name=$2-$$
	ip netns add "$net_name" || return 1
	NET_NETNS="$net_name $NET_NETNS"
	eval "$1=\$net_name"
	ip -n "$net_name" link set lo up
}

net_no_dad() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.accept_dad=0
}

net_veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
}

net_up() {
	net_in=$1 net_if=$2
	shift 2
	for net_a in "$@"; do
		case $net_a in
		192.0.2.*/* | 198.51.100.*/*)
			ip -n "$net_in" addr add "$net_a" dev "$net_if" || return 1 ;;
		2001:[dD][bB]8:*/*)
			ip -n "$net_in" addr add "$net_a" dev "$net_if" nodad || return 1 ;;
		*)
			echo "net_up: $net_a is not a documentation address" >&2
			return 1 ;;
		esac
	done
	ip -n "$net_in" link set "$net_if" up
}

net_dnsmasq() {
	net_in=$1 net_dir=$2
	shift 2
	rm -f "$net_dir/dnsmasq.pid"
	: >"$net_dir/dnsmasq.log"
	ip netns exec "$net_in" dnsmasq --keep-in-foreground --conf-file=/dev/null \
		--no-resolv --no-hosts --bind-interfaces --except-interface=lo \
		--user=root --group=root --pid-file="$net_dir/dnsmasq.pid" --leasefile-ro \
		--log-facility="$net_dir/dnsmasq.log" --log-dhcp --log-queries \
		--dhcp-authoritative --no-ping "$@" >"$net_dir/dnsmasq.out" 2>&1 &
	NET_DNSMASQ_PID=$!
	t_track "$NET_DNSMASQ_PID"
	t_wait 10 "$NET_DNSMASQ_PID" test -s "$net_dir/dnsmasq.pid" && return 0
	t_stop "$NET_DNSMASQ_PID"
	NET_DNSMASQ_PID=""
	cat "$net_dir/dnsmasq.out" >>"$net_dir/dnsmasq.log"
	return 1
}

net_hex() {
	printf '%s' "$1" | od -An -v -tx1 | tr -s ' \n' '::' | sed 's/^://; s/:$//'
}

net_uri_hex() {
	net_out=""
	for net_u in "$@"; do
		net_n=$(printf '%s' "$net_u" | wc -c)
		if [ "$net_n" -gt 65535 ]; then
			echo "net_uri_hex: URI too long: $net_u" >&2
			return 1
		fi
		net_out="$net_out${net_out:+:}$(printf '%02x:%02x' $((net_n >> 8)) $((net_n & 255))):$(net_hex "$net_u")"
	done
	printf '%s\n' "$net_out"
}

net_cleanup() {
	for net_name in $NET_NETNS; do
		ip netns del "$net_name" 2>/dev/null || true
	done
	NET_NETNS=""
}
t_at_exit net_cleanup
