# qemu/lib.sh: the QEMU + swtpm test-boot harness, sourced by boot-test.sh,
# demo.sh and later scenario scripts. POSIX sh; must run as root (network
# namespaces, tap devices).
#
# What sztp_setup + sztp_boot build, all torn down by sztp_cleanup (the
# EXIT/INT/TERM/HUP trap of tests/lib/common.sh, which this file sources with
# tests/lib/net.sh), by PID, even on failure or Ctrl-C:
#   - a network namespace sztp-$$ holding tap0 (192.0.2.1/24, 2001:db8:1::1/64)
#   - dnsmasq on tap0: DHCPv4 192.0.2.100-150, DHCPv6 + RA in 2001:db8:1::/64,
#     DNS bootstrap.example -> 192.0.2.1 / 2001:db8:1::1, and the SZTP redirect
#     (DHCPv4 option 143, DHCPv6 option 136) built from SZTP_URI
#   - tests/server/sztp_server.py on 192.0.2.1:8443 with the test PKI
#   - with SZTP_MIRROR, a second one serving only images (mirror.example:8444,
#     a self-signed certificate)
#   - swtpm (TPM 2.0, EK and platform certificates from a throw-away local CA)
#   - a blank virtio disk, and QEMU (q35, KVM when usable, else TCG)
#
# Environment (all optional):
#   SZTP_TIMEOUT=300        seconds before the guest is killed
#   SZTP_KERNEL=build/kernel/vmlinuz
#   SZTP_INITRD=build/initrd.img
#   SZTP_PKI=build/pki      test PKI (made with keys/mkpki.sh if missing)
#   SZTP_APPEND=""          extra kernel command-line words (after the defaults
#                           "console=ttyS0 panic=-1 no_timer_check rd.emergency=poweroff
#                           sztp.done=poweroff")
#   SZTP_QEMU_ARGS=""       extra QEMU arguments, split on white space, e.g.
#                           "-drive file=/tmp/usb.img,format=raw,if=virtio"
#   SZTP_URI="https://bootstrap.example:8443"
#                           the redirect URI(s) sent in DHCP options 143/136;
#                           several separated by spaces make a list
#   SZTP_OPT143=""          raw DHCPv4 option 143 payload, colon-separated hex
#                           (overrides SZTP_URI; "none" sends no option 143)
#   SZTP_OPT136=""          the same for DHCPv6 option 136
#   SZTP_DHCP4=1            0: dnsmasq serves no DHCPv4 (DNS only), so that
#                           another DHCPv4 server can run on tap0
#   SZTP_DHCP6=1            0 turns DHCPv6 and router advertisements off
#   SZTP_DNSMASQ_ARGS=""    extra dnsmasq arguments (split on white space)
#   SZTP_SERVER=1           0 runs no bootstrap server
#   SZTP_SERVER_CONFIG=""   JSON config file for sztp_server.py (--config)
#   SZTP_SERVER_ARGS=""     extra sztp_server.py arguments
#   SZTP_SERVER_PORT=8443
#   SZTP_MIRROR=""          a directory of boot images: served by a second
#                           sztp_server.py (--images) on 192.0.2.1 and
#                           2001:db8:1::1 port SZTP_MIRROR_PORT, named
#                           mirror.example in DNS, with
#                           a throw-away self-signed certificate that no trust
#                           anchor covers (an unauthenticated mirror); its
#                           record is $SZTP_TMP/mirror.jsonl
#   SZTP_MIRROR_PORT=8444
#   SZTP_TPM=1              0 boots without a TPM
#   SZTP_TPM_ENROLL=ecc     enroll an IDevID (ecc or rsa) and an IAK into the
#                           fresh swtpm with keys/enroll-tpm.sh, as a factory
#                           would; "none" leaves the TPM without an identity
#   SZTP_DISK_SIZE=2G       size of the blank disk (empty: no disk)
#   SZTP_MEM=1024  SZTP_SMP=2
#   SZTP_ACCEL=auto         auto (KVM if /dev/kvm is usable, else TCG), kvm, tcg
#   SZTP_OUT=build/qemu/NAME  where the logs are copied at the end
#   SZTP_KEEP=0             1 keeps the temporary directory (path printed)
#   SZTP_QUIET=0            1 hides the harness's own progress lines
#   SZTP_BOOT=kernel        "firmware": no -kernel/-initrd/-append; the
#                           firmware boots what SZTP_QEMU_ARGS give it (the
#                           network boots of qemu/netboot-test.sh)
#   SZTP_NIC_OPTS=""        appended to the virtio-net-pci device's options,
#                           e.g. ",romfile=" (no iPXE ROM) or ",bootindex=1"
#   SZTP_CONSOLE_IN=0       1: the serial console is a pair of FIFOs
#                           ($SZTP_TMP/console.in, console.out) instead of a
#                           file, so that a test can type into it
#                           (sztp_type_when); console.log is still written
#   SZTP_LINK=tap           "veth": no QEMU; the guest side is the namespace
#                           $SZTP_NS_CLIENT (sztp-c-$$) with eth0 (used by
#                           net-selftest.sh)
#   SZTP_FIRMWARE=bios      "ovmf": UEFI (OVMF_CODE_4M.fd read-only, a
#                           per-run copy of OVMF_VARS_4M.fd made at the first
#                           boot and kept for every later boot of the run:
#                           $SZTP_TMP/ovmf-vars.fd); may be set after
#                           sztp_setup
#   SZTP_DISK_BOOTINDEX=""  the disk's place in the firmware's boot order
#   SZTP_REBOOT=0           1: a guest reboot restarts the machine (no -no-reboot)
#   SZTP_UNTIL=""           an extended regular expression: sztp_boot returns
#                           as soon as a console line matches it (a partial
#                           last line too, as a login prompt), with QEMU still
#                           running (SZTP_BOOT_RESULT=matched; a live console
#                           stops there): then sztp_wait_exit or sztp_qemu_stop
#   SZTP_SSH_KEY, SZTP_SSH_KNOWN_HOSTS   for sztp_ssh
#   PYTHON=python3
#
# After sztp_boot:
#   $SZTP_TMP/console.log   the serial console (raw, CRLF)
#   $SZTP_TMP/console.stamps  each console line as "SECONDS<TAB>LINE", SECONDS
#                           from QEMU's start to when the line was seen
#                           (qemu/console-watch.py; for phase timings)
#   $SZTP_TMP/server.log    server stderr;  $SZTP_TMP/record.jsonl  its record
#   $SZTP_TMP/dnsmasq.log   dnsmasq log (with --log-dhcp)
#   $SZTP_TMP/mirror.log    the mirror's stderr; $SZTP_TMP/mirror.jsonl  its record
#   SZTP_BOOT_RESULT        "poweroff" (QEMU exited by itself), "timeout",
#                           or "matched" (SZTP_UNTIL)
#   SZTP_BOOT_STATUS        QEMU's exit status
#   SZTP_BOOT_TIME          seconds from QEMU start to exit, one decimal
#   $SZTP_TMP/qemu.pid      QEMU's PID while it runs (for sztp_cut_at)
#
# Public functions: sztp_setup NAME, sztp_boot [live], sztp_cleanup,
# sztp_tpm_again (before a second boot), sztp_cut_at REGEX SECONDS and
# sztp_cut_wait (a power cut: QEMU killed by its PID),
# sztp_hex_uris URI..., sztp_console (the console with CRs removed),
# sztp_type_when REGEX TEXT (SZTP_CONSOLE_IN=1: once a console line matches
# REGEX, type TEXT; call it before sztp_boot),
# sztp_expect NAME REGEX... (console lines in order: t_ok or t_fail NAME),
# sztp_say MESSAGE, sztp_die MESSAGE, sztp_track NAME PID (stopped at exit),
# sztp_console_mark, sztp_console_since MARK, sztp_wait_console MARK REGEX
# SECONDS (a guest that runs on: what it printed since MARK), sztp_wait_exit
# SECONDS, sztp_qemu_stop, sztp_server_restart (the server with a new
# SZTP_SERVER_CONFIG), sztp_ssh ARGS... (ssh from the test namespace); and
# those of tests/lib/common.sh (t_ok, t_fail, t_summary, ...).

SZTP_ROOT=${SZTP_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
SZTP_TIMEOUT=${SZTP_TIMEOUT:-300}
SZTP_KERNEL=${SZTP_KERNEL:-$SZTP_ROOT/build/kernel/vmlinuz}
SZTP_INITRD=${SZTP_INITRD:-$SZTP_ROOT/build/initrd.img}
SZTP_PKI=${SZTP_PKI:-$SZTP_ROOT/build/pki}
SZTP_APPEND=${SZTP_APPEND:-}
SZTP_QEMU_ARGS=${SZTP_QEMU_ARGS:-}
SZTP_URI=${SZTP_URI:-https://bootstrap.example:8443}
SZTP_OPT143=${SZTP_OPT143:-}
SZTP_OPT136=${SZTP_OPT136:-}
SZTP_DHCP4=${SZTP_DHCP4:-1}
SZTP_DHCP6=${SZTP_DHCP6:-1}
SZTP_DNSMASQ_ARGS=${SZTP_DNSMASQ_ARGS:-}
SZTP_SERVER=${SZTP_SERVER:-1}
SZTP_SERVER_CONFIG=${SZTP_SERVER_CONFIG:-}
SZTP_SERVER_ARGS=${SZTP_SERVER_ARGS:-}
SZTP_SERVER_PORT=${SZTP_SERVER_PORT:-8443}
SZTP_MIRROR=${SZTP_MIRROR:-}
SZTP_MIRROR_PORT=${SZTP_MIRROR_PORT:-8444}
SZTP_TPM=${SZTP_TPM:-1}
SZTP_TPM_ENROLL=${SZTP_TPM_ENROLL:-ecc}
SZTP_DISK_SIZE=${SZTP_DISK_SIZE-2G}
SZTP_MEM=${SZTP_MEM:-1024}
SZTP_SMP=${SZTP_SMP:-2}
SZTP_ACCEL=${SZTP_ACCEL:-auto}
SZTP_KEEP=${SZTP_KEEP:-0}
SZTP_QUIET=${SZTP_QUIET:-0}
SZTP_LINK=${SZTP_LINK:-tap}
SZTP_BOOT=${SZTP_BOOT:-kernel}
SZTP_NIC_OPTS=${SZTP_NIC_OPTS:-}
SZTP_FIRMWARE=${SZTP_FIRMWARE:-bios}
SZTP_OVMF_CODE=${SZTP_OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
SZTP_OVMF_VARS=${SZTP_OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
SZTP_DISK_BOOTINDEX=${SZTP_DISK_BOOTINDEX:-}
SZTP_REBOOT=${SZTP_REBOOT:-0}
SZTP_UNTIL=${SZTP_UNTIL:-}
SZTP_SSH_KEY=${SZTP_SSH_KEY:-}
SZTP_SSH_KNOWN_HOSTS=${SZTP_SSH_KNOWN_HOSTS:-}
PYTHON=${PYTHON:-python3}
# shellcheck disable=SC2034 # read by tests/lib/common.sh at exit
[ "$SZTP_KEEP" = 1 ] && KEEP_TMP=1

. "$SZTP_ROOT/tests/lib/common.sh"
. "$SZTP_ROOT/tests/lib/net.sh"

SZTP_NS=""
SZTP_NS_CLIENT=""
SZTP_TMP=""
SZTP_QEMU_PID=""
SZTP_TAIL_PID=""
SZTP_CONSOLE_IN=${SZTP_CONSOLE_IN:-0}
SZTP_CUT_PID=""
SZTP_WATCH_PID=""
SZTP_BOOT_RESULT=""
SZTP_BOOT_STATUS=""
SZTP_BOOT_TIME=""
SZTP_NAME=""

# The guest network: documentation addresses only.
SZTP_HOST4=192.0.2.1
SZTP_HOST6=2001:db8:1::1
SZTP_MAC=52:54:00:12:34:56

sztp_say() { [ "$SZTP_QUIET" = 1 ] || printf '[harness] %s\n' "$*" >&2; }
sztp_die() { printf '[harness] error: %s\n' "$*" >&2; exit 1; }

# sztp_uptime: SZTP_UP = whole seconds since the host booted, read without a
# subshell (loops that a Ctrl-C may interrupt run no command substitution)
sztp_uptime() {
	read -r SZTP_UP _ </proc/uptime
	SZTP_UP=${SZTP_UP%.*}
}

# sztp_now: seconds since the epoch with a fraction (GNU date; else whole seconds).
sztp_now() { date +%s.%N 2>/dev/null | sed 's/\.N$//; s/\(\.[0-9][0-9]\)[0-9]*$/\1/'; }

# sztp_hex_uris URI...: the RFC 8572 section 8 list (per URI: 2-byte big-endian
# length, then the bytes), as colon-separated hex for dnsmasq.
sztp_hex_uris() { net_uri_hex "$@" || sztp_die "cannot encode $*"; }

# sztp_console: the console log without carriage returns.
sztp_console() { tr -d '\r' <"$SZTP_TMP/console.log" 2>/dev/null; }

# sztp_type_when REGEX TEXT: in the background, wait (up to SZTP_TIMEOUT)
# for a console line matching the extended REGEX, let the guest settle for
# two seconds, then write TEXT (printf %b: \n for Enter) to the console's
# input. Needs SZTP_CONSOLE_IN=1; call it before sztp_boot.
sztp_type_when() {
	[ "$SZTP_CONSOLE_IN" = 1 ] || sztp_die "sztp_type_when needs SZTP_CONSOLE_IN=1"
	(
		i=0
		while ! { [ -f "$SZTP_TMP/console.log" ] &&
			tr -d '\r' <"$SZTP_TMP/console.log" | grep -q -E -- "$1"; }; do
			[ $i -lt $((SZTP_TIMEOUT * 10)) ] || exit 1
			sleep 0.1
			i=$((i + 1))
		done
		sleep 2
		printf '%b' "$2" >"$SZTP_TMP/console.in"
	) &
	t_track $!
}

# sztp_line_after FILE AFTER REGEX: prints the number of the first line of
# FILE below line AFTER that matches the extended REGEX; status 1 if none.
# The one "in order" primitive of the console checks.
sztp_line_after() {
	la_n=$(tail -n +$(($2 + 1)) "$1" | grep -n -m1 -E -- "$3" | cut -d: -f1)
	[ -n "$la_n" ] || return 1
	echo $(($2 + la_n))
}

# sztp_in_order_why FILE AFTER REGEX: t_fail's reason for a REGEX not found
# below line AFTER: out of order (it matches earlier) or not there at all.
sztp_in_order_why() {
	if grep -q -E -- "$3" "$1"; then
		echo "/$3/ appears only before console line $2 (out of order)"
	else
		echo "no console line matches /$3/"
	fi
}

# sztp_expect NAME REGEX...: each extended REGEX matches a console line after
# the line the previous one matched; then t_ok NAME, else t_fail NAME saying
# which one did not (and whether it appeared earlier, out of order).
sztp_expect() {
	xname=$1
	shift
	sztp_console >"$SZTP_TMP/console.txt"
	xafter=0
	for xre in "$@"; do
		xn=$(sztp_line_after "$SZTP_TMP/console.txt" $xafter "$xre") || {
			t_fail "$xname" "$(sztp_in_order_why "$SZTP_TMP/console.txt" $xafter "$xre")"
			return 0
		}
		xafter=$xn
	done
	t_ok "$xname"
}

# sztp_expect_table FILE TABLE [PREFIX]: every line "NAME<TAB>REGEX" of TABLE
# (blank lines and # comments skipped) is one check, t_ok/t_fail PREFIXNAME:
# REGEX matches a line of FILE after the line the previous check matched.
sztp_expect_table() {
	et_after=0
	et_tab=$(printf '\t')
	while IFS=$et_tab read -r et_name et_re; do
		case $et_name in '' | '#'*) continue ;; esac
		if [ -z "$et_re" ]; then
			t_fail "${3:-}$et_name" "no regex (want NAME<TAB>REGEX)"
		elif et_n=$(sztp_line_after "$1" $et_after "$et_re"); then
			et_after=$et_n
			t_ok "${3:-}$et_name"
		else
			t_fail "${3:-}$et_name" "$(sztp_in_order_why "$1" $et_after "$et_re")"
		fi
	done <"$2"
}

# sztp_track NAME PID: PID is stopped at exit (NAME is for the reader).
sztp_track() { t_track "$2"; }

# sztp_cleanup: everything sztp_setup and sztp_boot started, stopped by PID
# (QEMU first), the namespaces deleted, the logs copied to SZTP_OUT and the
# temporary directory removed (SZTP_KEEP=1 keeps it). The EXIT trap.
sztp_cleanup() { t_cleanup; }

# sztp_save_logs: at exit, before the temporary directory goes.
sztp_save_logs() {
	[ -n "${SZTP_OUT:-}" ] && [ -n "$SZTP_TMP" ] && [ -d "$SZTP_TMP" ] || return 0
	mkdir -p "$SZTP_OUT" 2>/dev/null || return 0
	for f in console.log console.stamps server.log record.jsonl dnsmasq.log mirror.log mirror.jsonl \
		swtpm.log swtpm-setup.log qemu.log; do
		[ -f "$SZTP_TMP/$f" ] && cp "$SZTP_TMP/$f" "$SZTP_OUT/"
	done
	return 0
}

sztp_check_prereqs() {
	[ "$(id -u)" = 0 ] || sztp_die "must run as root (network namespaces, tap devices)"
	for c in ip dnsmasq qemu-system-x86_64 "$PYTHON" od; do
		command -v "$c" >/dev/null 2>&1 || sztp_die "$c not found (make deps installs it)"
	done
	if [ "$SZTP_TPM" = 1 ]; then
		for c in swtpm swtpm_setup swtpm_localca; do
			command -v "$c" >/dev/null 2>&1 || sztp_die "$c not found (package swtpm-tools)"
		done
	fi
	if [ "$SZTP_LINK" != veth ] && [ "$SZTP_BOOT" = kernel ]; then
		[ -r "$SZTP_KERNEL" ] || sztp_die "no kernel at $SZTP_KERNEL (make deps)"
		[ -r "$SZTP_INITRD" ] || sztp_die "no initramfs at $SZTP_INITRD (make initrd)"
	fi
	if [ "$SZTP_FIRMWARE" = ovmf ]; then
		[ -r "$SZTP_OVMF_CODE" ] && [ -r "$SZTP_OVMF_VARS" ] ||
			sztp_die "no OVMF at $SZTP_OVMF_CODE (package ovmf; make deps installs it)"
	fi
	if [ ! -f "$SZTP_PKI/.complete" ]; then
		sztp_say "making the test PKI in $SZTP_PKI"
		sh "$SZTP_ROOT/keys/mkpki.sh" "$SZTP_PKI" >&2 || sztp_die "keys/mkpki.sh failed"
	fi
}

# ---------------------------------------------------------------- pieces

sztp_net_up() {
	net_ns SZTP_NS sztp || sztp_die "ip netns add failed"
	if [ "$SZTP_LINK" = veth ]; then
		# Host-side self-test: the "guest" is a second namespace on a veth.
		net_ns SZTP_NS_CLIENT sztp-c || sztp_die "ip netns add failed"
		net_no_dad "$SZTP_NS_CLIENT" >/dev/null 2>&1 || true
		net_veth "$SZTP_NS" tap0 "$SZTP_NS_CLIENT" eth0 ||
			sztp_die "cannot create the veth pair"
		ip -n "$SZTP_NS_CLIENT" link set eth0 address "$SZTP_MAC" up
	else
		ip -n "$SZTP_NS" tuntap add dev tap0 mode tap || sztp_die "cannot create tap0"
	fi
	# IPv6 without DAD: the address is usable at once, before the guest
	# brings up the link.
	net_up "$SZTP_NS" tap0 "$SZTP_HOST4/24" "$SZTP_HOST6/64" ||
		sztp_die "cannot address tap0"
}

sztp_dnsmasq_up() {
	o143=$SZTP_OPT143
	# shellcheck disable=SC2086
	[ -n "$o143" ] || o143=$(sztp_hex_uris $SZTP_URI)
	o136=$SZTP_OPT136
	# shellcheck disable=SC2086
	[ -n "$o136" ] || o136=$(sztp_hex_uris $SZTP_URI)
	# net_dnsmasq does not ping before an offer: nothing else is on the
	# link, and the check would cost every boot about 3 s.
	set -- --interface=tap0 \
		--address=/bootstrap.example/$SZTP_HOST4 \
		--address=/bootstrap.example/$SZTP_HOST6
	[ -n "$SZTP_MIRROR" ] && set -- "$@" --address=/mirror.example/$SZTP_HOST4 \
		--address=/mirror.example/$SZTP_HOST6
	if [ "$SZTP_DHCP4" = 1 ]; then
		set -- "$@" --dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h \
			--dhcp-option=option:router,$SZTP_HOST4 \
			--dhcp-option=option:dns-server,$SZTP_HOST4 \
			--dhcp-option=option:domain-name,example
		[ "$o143" = none ] || set -- "$@" --dhcp-option-force=143,"$o143"
	fi
	if [ "$SZTP_DHCP6" = 1 ]; then
		set -- "$@" --enable-ra \
			--dhcp-range=2001:db8:1::100,2001:db8:1::1ff,64,1h \
			--dhcp-option=option6:dns-server,[$SZTP_HOST6]
		[ "$o136" = none ] || set -- "$@" --dhcp-option=option6:136,"$o136"
	fi
	# shellcheck disable=SC2086
	net_dnsmasq "$SZTP_NS" "$SZTP_TMP" "$@" $SZTP_DNSMASQ_ARGS ||
		{ cat "$SZTP_TMP/dnsmasq.log" >&2; sztp_die "dnsmasq did not start"; }
	sztp_say "dnsmasq up (pid $NET_DNSMASQ_PID), option 143 = $o143"
}

sztp_server_up() {
	[ "$SZTP_SERVER" = 1 ] || return 0
	set -- --bind "$SZTP_HOST4" --port "$SZTP_SERVER_PORT" \
		--cert "$SZTP_PKI/server/server.pem" --key "$SZTP_PKI/server/server.key" \
		--record "$SZTP_TMP/record.jsonl" --ready "$SZTP_TMP/server.ready"
	[ -n "$SZTP_SERVER_CONFIG" ] && set -- "$@" --config "$SZTP_SERVER_CONFIG"
	# shellcheck disable=SC2086
	ip netns exec "$SZTP_NS" "$PYTHON" "$SZTP_ROOT/tests/server/sztp_server.py" \
		"$@" $SZTP_SERVER_ARGS >>"$SZTP_TMP/server.log" 2>&1 &
	pid=$!
	SZTP_SERVER_PID=$pid
	sztp_track server $pid
	t_wait 15 $pid test -e "$SZTP_TMP/server.ready" ||
		{ cat "$SZTP_TMP/server.log" >&2; sztp_die "bootstrap server did not start"; }
	: >>"$SZTP_TMP/record.jsonl"
	sztp_say "bootstrap server up on https://$SZTP_HOST4:$SZTP_SERVER_PORT (pid $pid)"
}

# sztp_mirror_up: SZTP_MIRROR's images over HTTPS from a server whose
# certificate is self-signed, made here, and trusted by nothing.
sztp_mirror_up() {
	[ -n "$SZTP_MIRROR" ] || return 0
	[ -d "$SZTP_MIRROR" ] || sztp_die "SZTP_MIRROR: $SZTP_MIRROR is not a directory"
	m=$SZTP_TMP/mirror
	mkdir -p "$m"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj /CN=mirror.example -addext subjectAltName=DNS:mirror.example \
		-keyout "$m/mirror.key" -out "$m/mirror.pem" >"$m/openssl.log" 2>&1 ||
		{ cat "$m/openssl.log" >&2; sztp_die "cannot make the mirror's certificate"; }
	# "devices": {} and no PKI: the image endpoint only, no client certificate
	# asked; on both address families, as mirror.example has both in DNS
	# (the agent's resolver, musl's, fails a name whose AAAA query is refused)
	printf '{"devices": {}}\n' >"$m/config.json"
	ip netns exec "$SZTP_NS" "$PYTHON" "$SZTP_ROOT/tests/server/sztp_server.py" \
		--bind :: --port "$SZTP_MIRROR_PORT" --config "$m/config.json" \
		--cert "$m/mirror.pem" --key "$m/mirror.key" --images "$SZTP_MIRROR" \
		--record "$SZTP_TMP/mirror.jsonl" --ready "$m/ready" >"$SZTP_TMP/mirror.log" 2>&1 &
	pid=$!
	sztp_track mirror $pid
	t_wait 15 $pid test -e "$m/ready" ||
		{ cat "$SZTP_TMP/mirror.log" >&2; sztp_die "the image mirror did not start"; }
	: >>"$SZTP_TMP/mirror.jsonl"
	sztp_say "image mirror up on https://mirror.example:$SZTP_MIRROR_PORT (self-signed, pid $pid)"
}

sztp_tpm_up() {
	[ "$SZTP_TPM" = 1 ] || return 0
	t=$SZTP_TMP/tpm
	mkdir -p "$t/state" "$t/localca"
	# A private swtpm_setup configuration: the local CA that signs the EK and
	# platform certificates lives in our temporary directory, not in /var/lib.
	cat >"$t/localca.conf" <<EOF
statedir = $t/localca
signingkey = $t/localca/signkey.pem
issuercert = $t/localca/issuercert.pem
certserial = $t/localca/certserial
EOF
	cat >"$t/localca.options" <<EOF
--platform-manufacturer sztp-initrd
--platform-version 2.1
--platform-model QEMU
EOF
	cat >"$t/swtpm_setup.conf" <<EOF
create_certs_tool = $(command -v swtpm_localca)
create_certs_tool_config = $t/localca.conf
create_certs_tool_options = $t/localca.options
active_pcr_banks = sha256
EOF
	swtpm_setup --tpm2 --tpmstate "$t/state" --config "$t/swtpm_setup.conf" \
		--create-ek-cert --create-platform-cert --lock-nvram --overwrite \
		--logfile "$SZTP_TMP/swtpm-setup.log" >/dev/null 2>&1 ||
		{ cat "$SZTP_TMP/swtpm-setup.log" >&2; sztp_die "swtpm_setup failed"; }
	[ "$SZTP_TPM_ENROLL" = none ] || sztp_tpm_enroll "$t"
	# No --flags startup-clear: the firmware and the kernel send TPM2_Startup.
	swtpm socket --tpm2 --tpmstate dir="$t/state" \
		--ctrl type=unixio,path="$t/swtpm.sock" \
		--log file="$SZTP_TMP/swtpm.log",level=1 --terminate \
		>"$SZTP_TMP/swtpm.out" 2>&1 &
	pid=$!
	sztp_track swtpm $pid
	t_wait 10 $pid test -e "$t/swtpm.sock" ||
		{ cat "$SZTP_TMP/swtpm.out" >&2; sztp_die "swtpm did not start"; }
	sztp_say "swtpm up (pid $pid)"
}

# sztp_listening PORT: something listens on TCP PORT in the test namespace.
sztp_listening() {
	ip netns exec "$SZTP_NS" ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

# sztp_tpm_enroll DIR: the factory step. A throw-away swtpm on the same state,
# listening on the test namespace's own loopback (so no port is shared with
# anything else on the host), gets an IDevID and an IAK from
# keys/enroll-tpm.sh with certificates from the test PKI's manufacturer CA;
# then it is stopped and the guest's swtpm starts on the enrolled state.
sztp_tpm_enroll() {
	# "ip netns exec" execs swtpm in place, so $! is swtpm's own PID
	ip netns exec "$SZTP_NS" swtpm socket --tpm2 --tpmstate dir="$1/state" \
		--server type=tcp,port=2321,bindaddr=127.0.0.1 \
		--ctrl type=tcp,port=2322,bindaddr=127.0.0.1 \
		--flags not-need-init,startup-clear \
		--log file="$SZTP_TMP/swtpm-enroll.log",level=1 &
	pid=$!
	sztp_track swtpm-enroll $pid
	t_wait 5 $pid sztp_listening 2321 || true
	ip netns exec "$SZTP_NS" env TPM2TOOLS_TCTI=swtpm:host=127.0.0.1,port=2321 \
		sh "$SZTP_ROOT/keys/enroll-tpm.sh" --pki "$SZTP_PKI" --alg "$SZTP_TPM_ENROLL" \
		--out "$1/enrolled" >"$SZTP_TMP/enroll.log" 2>&1 ||
		{ cat "$SZTP_TMP/enroll.log" >&2; sztp_die "TPM enrollment failed"; }
	t_stop $pid
	sztp_say "swtpm enrolled: $SZTP_TPM_ENROLL IDevID + IAK ($(cat "$SZTP_PKI/device/serial.txt"))"
}

# sztp_accel: the -accel arguments. /dev/kvm can exist and still be useless
# (nested virtualisation where KVM_RUN spins, or an MSR QEMU cannot set), so
# "auto" boots what this run boots under KVM for a few seconds and uses KVM
# only if it got going: the kernel's banner, or with SZTP_FIRMWARE=ovmf
# OVMF's boot manager (KVM that cannot run OVMF stops with "KVM internal
# error"). The answer is cached per host boot, one for each firmware.
sztp_accel() {
	case $SZTP_ACCEL in
	kvm) echo "-accel kvm"; return ;;
	tcg) echo "-accel tcg"; return ;;
	esac
	if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
		echo "-accel tcg"
		return
	fi
	cache=$SZTP_ROOT/build/qemu/.accel
	[ "$SZTP_FIRMWARE" = ovmf ] && cache=$cache-ovmf
	bootid=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)
	if [ -f "$cache" ] && [ "$(sed -n 1p "$cache")" = "$bootid" ]; then
		sed -n 2p "$cache"
		return
	fi
	probe=$SZTP_TMP/kvm-probe.log
	: >"$probe"
	if [ "$SZTP_FIRMWARE" = ovmf ]; then
		cp "$SZTP_OVMF_VARS" "$SZTP_TMP/probe-vars.fd"
		set -- -drive if=pflash,format=raw,unit=0,readonly=on,file="$SZTP_OVMF_CODE" \
			-drive if=pflash,format=raw,unit=1,file="$SZTP_TMP/probe-vars.fd"
		want='BdsDxe|Shell>'
	else
		set -- -kernel "$SZTP_KERNEL" -append "console=ttyS0 panic=-1 no_timer_check"
		want='Linux version'
	fi
	qemu-system-x86_64 -machine q35 -accel kvm -cpu max -m 256 -display none \
		-monitor none -no-reboot -nodefaults -serial file:"$probe" "$@" \
		</dev/null >"$probe.out" 2>&1 &
	ppid=$!
	t_wait 8 $ppid grep -q -E "$want" "$probe" || true
	if grep -q -E "$want" "$probe" && ! grep -q 'KVM internal error' "$probe.out"; then
		a="-accel kvm"
		[ "$SZTP_FIRMWARE" = ovmf ] || a="-accel kvm -accel tcg"
	else
		a="-accel tcg"
	fi
	t_stop $ppid
	mkdir -p "${cache%/*}" && printf '%s\n%s\n' "$bootid" "$a" >"$cache"
	sztp_say "accelerator probe ($SZTP_FIRMWARE): $a"
	echo "$a"
}

# ---------------------------------------------------------------- public

# sztp_setup NAME: everything but QEMU.
sztp_setup() {
	SZTP_NAME=$1
	SZTP_OUT=${SZTP_OUT:-$SZTP_ROOT/build/qemu/$SZTP_NAME}
	sztp_check_prereqs
	t_tmpdir "sztp-$SZTP_NAME"
	SZTP_TMP=$T_TMP
	t_at_exit sztp_save_logs
	rm -rf "$SZTP_OUT"
	sztp_net_up
	sztp_dnsmasq_up
	sztp_server_up
	sztp_mirror_up
	sztp_tpm_up
	if [ -n "$SZTP_DISK_SIZE" ]; then
		truncate -s "$SZTP_DISK_SIZE" "$SZTP_TMP/disk.img" ||
			sztp_die "cannot create the disk image"
	fi
}

# sztp_boot [live]: run QEMU until it exits, SZTP_UNTIL matches (QEMU left
# running) or SZTP_TIMEOUT passes. With "live", the console is also
# streamed to stdout as it is written.
sztp_boot() {
	live=0
	{ [ "${1:-}" = live ] || [ "${SZTP_LIVE:-0}" = 1 ]; } && live=1
	append="console=ttyS0 panic=-1 no_timer_check rd.emergency=poweroff sztp.done=poweroff"
	[ -n "$SZTP_APPEND" ] && append="$append $SZTP_APPEND"
	accel=$(sztp_accel)
	: >"$SZTP_TMP/console.log"
	if [ "$SZTP_CONSOLE_IN" = 1 ]; then
		# QEMU's pipe backend: it reads console.in and writes console.out
		# (both opened read-write, so neither open blocks); cat keeps the log
		rm -f "$SZTP_TMP/console.in" "$SZTP_TMP/console.out"
		mkfifo "$SZTP_TMP/console.in" "$SZTP_TMP/console.out" || sztp_die "mkfifo failed"
		cat "$SZTP_TMP/console.out" >"$SZTP_TMP/console.log" &
		SZTP_CAT_PID=$!
		t_track "$SZTP_CAT_PID"
		chardev="pipe,id=con0,path=$SZTP_TMP/console"
	else
		chardev="file,id=con0,path=$SZTP_TMP/console.log"
	fi
	# shellcheck disable=SC2086
	set -- -machine q35 $accel -cpu max -m "$SZTP_MEM" -smp "$SZTP_SMP" \
		-display none -monitor none \
		-chardev "$chardev" -serial chardev:con0 \
		-netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
		-device virtio-net-pci,netdev=n0,mac=$SZTP_MAC$SZTP_NIC_OPTS \
		-device virtio-rng-pci
	[ "$SZTP_REBOOT" = 1 ] || set -- "$@" -no-reboot
	if [ "$SZTP_BOOT" = kernel ]; then
		set -- "$@" -kernel "$SZTP_KERNEL" -initrd "$SZTP_INITRD" -append "$append"
	fi
	if [ "$SZTP_FIRMWARE" = ovmf ]; then
		# the run's variable store: made at its first boot, kept for the others
		[ -f "$SZTP_TMP/ovmf-vars.fd" ] || cp "$SZTP_OVMF_VARS" "$SZTP_TMP/ovmf-vars.fd" ||
			sztp_die "no OVMF variable store at $SZTP_OVMF_VARS (package ovmf)"
		set -- "$@" -drive if=pflash,format=raw,unit=0,readonly=on,file="$SZTP_OVMF_CODE" \
			-drive if=pflash,format=raw,unit=1,file="$SZTP_TMP/ovmf-vars.fd"
	fi
	if [ "$SZTP_TPM" = 1 ]; then
		set -- "$@" -chardev socket,id=chrtpm,path="$SZTP_TMP/tpm/swtpm.sock" \
			-tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0
	fi
	if [ -n "$SZTP_DISK_SIZE" ] && [ -n "$SZTP_DISK_BOOTINDEX" ]; then
		set -- "$@" -drive file="$SZTP_TMP/disk.img",format=raw,if=none,id=disk0 \
			-device virtio-blk-pci,drive=disk0,bootindex="$SZTP_DISK_BOOTINDEX"
	elif [ -n "$SZTP_DISK_SIZE" ]; then
		set -- "$@" -drive file="$SZTP_TMP/disk.img",format=raw,if=virtio
	fi
	rm -f "$SZTP_TMP/console.matched"
	printf '# boot t0=%s\n' "$(sztp_now)" >>"$SZTP_TMP/console.stamps"
	if [ "$SZTP_BOOT" = kernel ]; then
		sztp_say "booting $(basename "$SZTP_KERNEL") + $(basename "$SZTP_INITRD") ($SZTP_FIRMWARE), timeout ${SZTP_TIMEOUT}s"
	else
		sztp_say "booting the firmware ($SZTP_FIRMWARE), timeout ${SZTP_TIMEOUT}s"
	fi
	start=$(sztp_now)
	# shellcheck disable=SC2086
	ip netns exec "$SZTP_NS" qemu-system-x86_64 "$@" $SZTP_QEMU_ARGS \
		</dev/null >"$SZTP_TMP/qemu.log" 2>&1 &
	SZTP_QEMU_PID=$!
	t_track "$SZTP_QEMU_PID"
	echo "$SZTP_QEMU_PID" >"$SZTP_TMP/qemu.pid"
	[ -n "$SZTP_WATCH_PID" ] && t_stop "$SZTP_WATCH_PID"
	set -- "$SZTP_TMP/console.log" "$SZTP_TMP/console.stamps" --t0 "$start" \
		--pid "$SZTP_QEMU_PID"
	[ -n "$SZTP_UNTIL" ] && set -- "$@" --until "$SZTP_UNTIL" --matched "$SZTP_TMP/console.matched"
	"$PYTHON" "$SZTP_ROOT/qemu/console-watch.py" "$@" 2>>"$SZTP_TMP/qemu.log" &
	SZTP_WATCH_PID=$!
	t_track "$SZTP_WATCH_PID"
	if [ $live = 1 ]; then
		# tail ends by itself once QEMU has exited (--pid).
		tail -n +1 -f --pid="$SZTP_QEMU_PID" "$SZTP_TMP/console.log" &
		SZTP_TAIL_PID=$!
		t_track "$SZTP_TAIL_PID"
	fi
	# No command substitution in this loop: a Ctrl-C that lands in a subshell
	# would run the INT trap there instead of here.
	SZTP_BOOT_RESULT=timeout
	sztp_uptime
	deadline=$((SZTP_UP + SZTP_TIMEOUT))
	while sztp_uptime && [ "$SZTP_UP" -lt $deadline ]; do
		if t_gone "$SZTP_QEMU_PID"; then
			SZTP_BOOT_RESULT=poweroff
			break
		fi
		if [ -e "$SZTP_TMP/console.matched" ]; then
			SZTP_BOOT_RESULT=matched
			break
		fi
		sleep 0.2
	done
	end=$(sztp_now)
	case $SZTP_BOOT_RESULT in
	poweroff)
		SZTP_BOOT_STATUS=0
		t_untrack "$SZTP_QEMU_PID"
		wait "$SZTP_QEMU_PID" || SZTP_BOOT_STATUS=$?
		SZTP_QEMU_PID=""
		;;
	timeout)
		t_stop "$SZTP_QEMU_PID"
		SZTP_BOOT_STATUS=124
		SZTP_QEMU_PID=""
		;;
	*) SZTP_BOOT_STATUS="" ;;
	esac
	if [ -z "$SZTP_QEMU_PID" ]; then
		if [ -n "${SZTP_CAT_PID:-}" ]; then
			# QEMU is gone: cat reads the rest of the FIFO and ends
			t_wait_gone 3 "$SZTP_CAT_PID" || true
			t_stop "$SZTP_CAT_PID"
			SZTP_CAT_PID=""
		fi
		rm -f "$SZTP_TMP/qemu.pid"
	fi
	if [ -n "$SZTP_TAIL_PID" ] && [ $SZTP_BOOT_RESULT = matched ]; then
		# the live console ends at the matching line; the file goes on
		sleep 0.3
		t_stop "$SZTP_TAIL_PID"
		SZTP_TAIL_PID=""
		echo
	elif [ -n "$SZTP_TAIL_PID" ]; then
		t_wait_gone 3 "$SZTP_TAIL_PID" || true
		t_stop "$SZTP_TAIL_PID"
		SZTP_TAIL_PID=""
	fi
	if [ $SZTP_BOOT_RESULT != matched ]; then
		t_wait_gone 3 "$SZTP_WATCH_PID" || true
		t_stop "$SZTP_WATCH_PID"
		SZTP_WATCH_PID=""
	fi
	SZTP_BOOT_TIME=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
	if [ -s "$SZTP_TMP/qemu.log" ]; then
		grep -v 'host doesn.t support requested feature' "$SZTP_TMP/qemu.log" |
			sed 's/^/[qemu] /' >&2 || true
	fi
	if [ $SZTP_BOOT_RESULT = matched ]; then
		sztp_say "console matched /$SZTP_UNTIL/ after $SZTP_BOOT_TIME s; the guest runs on"
	else
		sztp_say "guest $SZTP_BOOT_RESULT after $SZTP_BOOT_TIME s (qemu status $SZTP_BOOT_STATUS)"
	fi
}

# sztp_wait_exit SECONDS: after a "matched" boot, wait for QEMU to exit by
# itself (the guest powered off). 0 when it did (then as sztp_qemu_stop),
# 1 when it still runs.
sztp_wait_exit() {
	if [ -n "$SZTP_QEMU_PID" ]; then
		t_wait_gone "$1" "$SZTP_QEMU_PID" || return 1
		t_untrack "$SZTP_QEMU_PID"
		wait "$SZTP_QEMU_PID" 2>/dev/null || true
		SZTP_QEMU_PID=""
	fi
	sztp_qemu_stop
	return 0
}

# sztp_qemu_stop: stop this run's QEMU (when it still runs) and the console
# watcher and tail of its boot.
sztp_qemu_stop() {
	[ -n "$SZTP_QEMU_PID" ] && t_stop "$SZTP_QEMU_PID"
	SZTP_QEMU_PID=""
	[ -n "$SZTP_TAIL_PID" ] && t_stop "$SZTP_TAIL_PID"
	SZTP_TAIL_PID=""
	if [ -n "$SZTP_WATCH_PID" ]; then
		# it ends by itself once QEMU is gone, after the last line
		t_wait_gone 2 "$SZTP_WATCH_PID" || true
		t_stop "$SZTP_WATCH_PID"
		SZTP_WATCH_PID=""
	fi
	return 0
}

# sztp_console_mark: how far the console of the running QEMU has come (a
# byte offset), for sztp_wait_console and sztp_console_since.
sztp_console_mark() { wc -c <"$SZTP_TMP/console.log" | tr -d ' '; }

# sztp_console_since MARK: the console after MARK, CRs removed.
sztp_console_since() { tail -c +$(($1 + 1)) "$SZTP_TMP/console.log" | tr -d '\r'; }

sztp_console_has() { sztp_console_since "$1" | grep -a -q -E -- "$2"; }

# sztp_wait_console MARK REGEX SECONDS: wait, while QEMU runs, until a line
# of the console after MARK matches REGEX (a partial last line too). 0 when
# it did; 1 when QEMU ended or SECONDS passed.
sztp_wait_console() {
	[ -n "$SZTP_QEMU_PID" ] || return 1
	# by the clock, once a second: the console grows to megabytes, and on a
	# loaded host a count of polls is no measure of time
	sztp_uptime
	swc_end=$((SZTP_UP + $3))
	while ! sztp_console_has "$1" "$2"; do
		t_mine "$SZTP_QEMU_PID" || return 1
		sztp_uptime
		[ "$SZTP_UP" -lt "$swc_end" ] || return 1
		sleep 1
	done
}

# sztp_tpm_again: swtpm (started with --terminate) ends with QEMU; start it
# again on the same state (same EK, same enrolled IDevID) for the next boot.
sztp_tpm_again() {
	[ "$SZTP_TPM" = 1 ] || return 0
	t=$SZTP_TMP/tpm
	t_wait 5 - sh -c "! test -S '$t/swtpm.sock'" || true
	[ -S "$t/swtpm.sock" ] && return 0
	swtpm socket --tpm2 --tpmstate dir="$t/state" --ctrl type=unixio,path="$t/swtpm.sock" \
		--log file="$SZTP_TMP/swtpm.log",level=1 --terminate >>"$SZTP_TMP/swtpm.out" 2>&1 &
	pid=$!
	sztp_track swtpm $pid
	t_wait 10 $pid test -S "$t/swtpm.sock" || sztp_die "swtpm did not start again"
}

# sztp_server_restart: the bootstrap server again, with the SZTP_SERVER_CONFIG
# now set (another onboarding for the next round); its record goes on in the
# same record.jsonl, its log in the same server.log.
sztp_server_restart() {
	[ -n "${SZTP_SERVER_PID:-}" ] && t_stop "$SZTP_SERVER_PID"
	rm -f "$SZTP_TMP/server.ready"
	sztp_server_up
}

# sztp_ssh ARGS...: ssh from the test namespace with SZTP_SSH_KEY, checking
# the host key against SZTP_SSH_KNOWN_HOSTS (strict when that is set).
sztp_ssh() {
	if [ -n "$SZTP_SSH_KNOWN_HOSTS" ]; then
		set -- -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$SZTP_SSH_KNOWN_HOSTS" "$@"
	else
		set -- -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "$@"
	fi
	ip netns exec "$SZTP_NS" ssh -F /dev/null -i "$SZTP_SSH_KEY" -o BatchMode=yes \
		-o ConnectTimeout=20 -o LogLevel=ERROR "$@"
}

# sztp_cut_at REGEX SECONDS: a power cut in the next sztp_boot. In the
# background: once a console line matches the extended REGEX, SECONDS later
# (a fraction is fine) QEMU is killed with SIGKILL, by the PID sztp_boot
# wrote to $SZTP_TMP/qemu.pid (checked against its command line first). Call
# it just before sztp_boot and sztp_cut_wait just after; a killed guest ends
# sztp_boot with SZTP_BOOT_STATUS 137. $SZTP_TMP/cut.log says whether and
# when the cut struck (absent: QEMU ended before it).
sztp_cut_at() {
	rm -f "$SZTP_TMP/qemu.pid" "$SZTP_TMP/cut.log"
	sztp_cut_watch "$1" "$2" &
	SZTP_CUT_PID=$!
	t_track "$SZTP_CUT_PID"
}

# sztp_cut_wait: the watcher of sztp_cut_at has ended (it does once QEMU has).
sztp_cut_wait() {
	t_wait_gone 5 "$SZTP_CUT_PID" || true
	t_stop "$SZTP_CUT_PID"
	SZTP_CUT_PID=""
}

sztp_cut_watch() {
	cw_i=0
	while [ ! -s "$SZTP_TMP/qemu.pid" ]; do
		cw_i=$((cw_i + 1))
		[ $cw_i -lt 1200 ] || return 0
		sleep 0.05
	done
	cw_pid=$(cat "$SZTP_TMP/qemu.pid")
	while [ -d "/proc/$cw_pid" ]; do
		if tr -d '\r' <"$SZTP_TMP/console.log" | grep -q -E -- "$1"; then
			sleep "$2"
			if tr '\0' ' ' <"/proc/$cw_pid/cmdline" 2>/dev/null |
				grep -q -F -- "path=$SZTP_TMP/console.log" &&
				kill -KILL "$cw_pid" 2>/dev/null; then
				echo "QEMU (pid $cw_pid) killed $2 s after /$1/" >"$SZTP_TMP/cut.log"
				sztp_say "power cut: QEMU (pid $cw_pid) killed $2 s after /$1/"
			fi
			return 0
		fi
		sleep 0.05
	done
}
