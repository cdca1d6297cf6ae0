#!/bin/sh
# qemu/netboot-test.sh CASE: the firmware network boots of docs/netboot.md in
# QEMU + swtpm (qemu/lib.sh harness: namespace, tap, dnsmasq, test bootstrap
# server), with the DHCP, iPXE and shell recipes read out of docs/netboot.md
# between their "<!-- snippet NAME begin/end -->" markers and run as written.
#
#   pxe       SeaBIOS + QEMU's iPXE ROM: snippets dnsmasq-ipxe and ipxe-script;
#             the full onboarding (image, configuration, scripts), switch_root
#             into the installed OS, the progress reports in order
#   pxe-uefi  the same with OVMF running the ROM's iPXE UEFI driver
#   site      -kernel boot of build/initrd.img + the site-cpio archive (an
#             extra bootstrap anchor, /etc/sztp/servers), no DHCP option 143:
#             the agent counts the extra anchor and onboards from the
#             built-in server
#   http      OVMF UEFI HTTP boot of build/sztpboot.efi (snippet
#             dnsmasq-httpboot), the full onboarding as in pxe
#   http-kea  the same with Kea (snippet kea-httpboot) as the DHCPv4 server
#   uki-site  HTTP boot of the site UKI made by snippet uki-site
#   uki-cmdline
#             OVMF starts build/sztpboot.efi with load options (QEMU -kernel
#             with -append console=ttyS0): the kernel's command line is the
#             load options alone, the baked line is gone (replaced)
#   http-nodhcp, http-nofile, http-404
#             bad input: no DHCP answer; an HTTPClient answer without a boot
#             file; a boot file URL that answers 404. The firmware must show
#             its failure, no agent may run, the disk stays blank.
#   pxe-nodhcp, pxe-404
#             the same for iPXE: no DHCP answer; no kernel at the script's URL
#
# Environment: qemu/lib.sh's, plus SZTP_DOC (default docs/netboot.md),
# SZTP_HTTP_PORT (8080: the port the snippets name). OVMF is qemu/lib.sh's
# SZTP_FIRMWARE=ovmf (under TCG when KVM cannot run it, probed once per host
# boot, cached in build/qemu/.accel-ovmf).
# Prints ok/FAIL lines and "N passed, N failed"; exit 0 only when all passed.
set -eu
case=${1:-}
case $case in
pxe | pxe-uefi | site | http | http-kea | uki-site | uki-cmdline | http-nodhcp | http-nofile | http-404 | \
	pxe-nodhcp | pxe-404) ;;
*) echo "usage: $0 pxe|pxe-uefi|site|http|http-kea|uki-site|uki-cmdline|http-nodhcp|http-nofile|http-404|pxe-nodhcp|pxe-404" >&2
   exit 2 ;;
esac
. "$(dirname "$0")/lib.sh"
. "$SZTP_ROOT/tests/lib/doc.sh"
TOP=$SZTP_ROOT
DOC=${SZTP_DOC:-$TOP/docs/netboot.md}
HTTP_PORT=${SZTP_HTTP_PORT:-8080}
UKI=$TOP/build/sztpboot.efi
WORK=$TOP/build/qemu-netboot/$case
IMG=$TOP/build/install
export SZTP_OUT=${SZTP_OUT:-$TOP/build/qemu/netboot-$case}

ok() { t_ok "$1"; }
fail() { t_fail "$1" "$2"; }
finish() {
	if [ -n "$SZTP_TMP" ] && mkdir -p "$SZTP_OUT"; then
		for f in http.log kea.log; do
			[ -f "$SZTP_TMP/$f" ] && cp "$SZTP_TMP/$f" "$SZTP_OUT/"
		done
	fi
	if [ "$T_FAILED" -gt 0 ] && [ -n "$SZTP_TMP" ]; then
		echo "---- last 40 console lines"
		sztp_console | tail -n 40
		echo "---- http server log"
		tail -n 10 "$SZTP_TMP/http.log" 2>/dev/null || true
		echo "---- logs kept in $SZTP_OUT"
	fi
	t_summary
	exit
}
setup_fail() { t_setup_fail "$1"; }

# snippet_to NAME FILE: the snippet of docs/netboot.md (tests/lib/doc.sh)
# into FILE; a setup failure if there is none
snippet_to() {
	doc_snippet "$DOC" "$1" >"$2"
	[ -s "$2" ] || setup_fail "no snippet $1 in $DOC"
}

# expect NAME FILE REGEX...: each regex matches a line of FILE after the
# line the previous one matched
expect() { t_expect "$@"; }

# progress types the server recorded, in order
types() {
	python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r.get("event") == "progress":
        print(r["type"])' <"$SZTP_TMP/record.jsonl" | tr '\n' ' '
}

# ---------------------------------------------------------------- pieces
# http_up DIR: python's HTTP server in the test namespace on 192.0.2.1,
# serving DIR; its log (one line per request) in $SZTP_TMP/http.log.
http_up() {
	ip netns exec "$SZTP_NS" "$PYTHON" -u -m http.server --bind "$SZTP_HOST4" \
		--directory "$1" "$HTTP_PORT" >"$SZTP_TMP/http.log" 2>&1 &
	pid=$!
	sztp_track http $pid
	t_wait 10 $pid sztp_listening "$HTTP_PORT" ||
		{ cat "$SZTP_TMP/http.log" >&2; sztp_die "HTTP server did not start"; }
	sztp_say "HTTP server up on http://$SZTP_HOST4:$HTTP_PORT/ (pid $pid)"
}

# ovmf [ipxe]: the firmware boot of the HTTP cases: qemu/lib.sh's OVMF (a
# writable variable store per run); OVMF's PXE off (fw_cfg), no iPXE ROM on the NIC,
# the NIC first in the boot order: OVMF's own HTTPv4 boot option is what
# runs. With "ipxe", the NIC keeps QEMU's iPXE ROM (its UEFI driver).
ovmf() {
	[ -r "$SZTP_OVMF_CODE" ] && [ -r "$SZTP_OVMF_VARS" ] || setup_fail "no OVMF (Debian package ovmf)"
	SZTP_FIRMWARE=ovmf
	SZTP_BOOT=firmware
	SZTP_NIC_OPTS=",romfile=,bootindex=1"
	[ "${1:-}" = ipxe ] && SZTP_NIC_OPTS=",bootindex=1"
	SZTP_QEMU_ARGS="${SZTP_QEMU_ARGS:-} -fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n
		-fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=n
		-pidfile $SZTP_TMP/qemu.pid"
}

# ipxe: SeaBIOS, the NIC (with QEMU's iPXE ROM) first in the boot order;
# graphics=off makes SeaBIOS put its screen (and iPXE's) on the serial port
ipxe() {
	SZTP_BOOT=firmware
	SZTP_NIC_OPTS=",bootindex=1"
	SZTP_QEMU_ARGS="${SZTP_QEMU_ARGS:-} -machine graphics=off -pidfile $SZTP_TMP/qemu.pid"
}

# dnsmasq_conf FILE: FILE read by the harness's dnsmasq as a second
# configuration file (after its own interface, range and DNS options)
dnsmasq_conf() { SZTP_DNSMASQ_ARGS="${SZTP_DNSMASQ_ARGS:-} --conf-file=$1"; }

# watch_kill REGEX GRACE: in the background, once the console matches REGEX,
# wait GRACE seconds and stop this run's QEMU (its PID from -pidfile). For
# the failure cases, where the firmware would otherwise sit at its prompt.
watch_kill() {
	(
		i=0
		while [ $i -lt $((SZTP_TIMEOUT * 5)) ]; do
			if [ -f "$SZTP_TMP/console.log" ] &&
				tr -d '\r' <"$SZTP_TMP/console.log" | grep -q -E -- "$1"; then
				sleep "$2"
				q=$(cat "$SZTP_TMP/qemu.pid" 2>/dev/null || true)
				[ -n "$q" ] && tr '\0' ' ' <"/proc/$q/cmdline" 2>/dev/null |
					grep -q -- "$SZTP_TMP/console.log" && kill -TERM "$q"
				exit 0
			fi
			sleep 0.2
			i=$((i + 1))
		done
	) &
	sztp_track watch $!
}

# powered_off NAME: QEMU ended by itself after the kernel's power-off (not
# a reboot after a panic, which -no-reboot also ends QEMU on)
powered_off() {
	if [ "$SZTP_BOOT_RESULT" != poweroff ]; then
		fail "$1" "QEMU killed after ${SZTP_TIMEOUT}s"
	elif ! grep -q 'reboot: Power down' "$SZTP_TMP/console.txt"; then
		fail "$1" "QEMU ended without the kernel's power-off (a reboot or a panic)"
	else
		ok "$1"
	fi
}

# The checks of a full onboarding (install_onboarding's image, configuration
# and scripts; no faults), on $SZTP_TMP/console.txt and the server record.
check_full_onboarding() {
	c=$SZTP_TMP/console.txt
	expect "agent: DHCPv4 lease with the redirect, TLS with the TPM-held IDevID" "$c" \
		"dhcp4: lease 192\.0\.2\.[0-9]+/24 .* sztp-redirect https://bootstrap\.example:8443" \
		"bootstrap: device serial SZTP-DEMO-0001 \(TPM-held IDevID\)" \
		"verified onboarding-information \(signed\)"
	expect "agent: image streamed, verified, written" "$c" \
		"image: downloading https://bootstrap\.example:$SZTP_SERVER_PORT/images/os\.img\.zst" \
		"sha-256 [0-9a-f]{64} verified" "image written and verified"
	expect "agent: scripts and configuration" "$c" "pre-script: pre-configuration script" \
		"config: .*applied \(merge\)" "post-script: post-configuration script: configured by SZTP"
	expect "agent: switch_root into the provisioned OS" "$c" "pivot: switch_root" \
		"SZTP-DEMO-OS: hello from the provisioned OS" \
		"SZTP-DEMO-OS:.*/etc/sztp-demo/message: configured by SZTP over the network" \
		"SZTP-DEMO-OS: powering off"
	t=$(types)
	[ "$t" = "$INSTALL_FULL_SEQ" ] && ok "server: the full progress sequence, in order" ||
		fail "server: progress sequence" "got: $t"
	powered_off "the provisioned OS powered the machine off"
}

# The checks of an onboarding without an image (the server's default):
# bootstrap-complete recorded, the agent powered off.
check_plain_onboarding() {
	c=$SZTP_TMP/console.txt
	expect "agent: onboarding complete" "$c" \
		"verified onboarding-information \(signed\)" \
		"bootstrap: bootstrapping complete via bootstrap\.example:8443" \
		"sztpboot: powering off"
	case $(types) in
	*bootstrap-complete*) ok "server: bootstrap-complete recorded" ;;
	*) fail "server: progress" "no bootstrap-complete: $(types)" ;;
	esac
	powered_off "the agent powered the machine off"
}

# The checks of a firmware that failed: its message on the console, no
# kernel and no agent, nothing written to the disk.
check_no_boot() {
	c=$SZTP_TMP/console.txt
	if grep -q -E 'Linux version|sztpboot' "$c"; then
		fail "no kernel, no agent" "the console shows a kernel or the agent"
	else
		ok "no kernel, no agent ran"
	fi
	if ! cmp -s -n "$(stat -c %s "$SZTP_TMP/disk.img")" "$SZTP_TMP/disk.img" /dev/zero; then
		fail "disk untouched" "the disk is no longer blank"
	else
		ok "disk untouched (all zeros)"
	fi
}

# site_archive DIR: snippet site-cpio run as written in DIR, where
# my-bootstrap-ca.pem is a fresh self-signed CA (a new, extra anchor) and
# initrd.img is build/initrd.img. Leaves DIR/site.cpio.zst and
# DIR/initrd-site.img.
site_archive() {
	rm -rf "$1" && mkdir -p "$1"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$1/ca.key" -out "$1/my-bootstrap-ca.pem" -days 30 \
		-subj "/CN=netboot-test operator CA" >/dev/null 2>&1 ||
		setup_fail "openssl could not make the operator CA"
	cp "$TOP/build/initrd.img" "$1/initrd.img"
	snippet_to site-cpio "$1/site-cpio.sh"
	(cd "$1" && sh -eu ./site-cpio.sh) || setup_fail "snippet site-cpio failed"
	[ -s "$1/initrd-site.img" ] || setup_fail "snippet site-cpio made no initrd-site.img"
}

# anchors_expected: bootstrap anchors in the default build, plus one
anchors_expected() {
	n=$(cat "$TOP/build/initrd-root/etc/sztp/anchors/bootstrap/"* 2>/dev/null |
		grep -c 'BEGIN CERTIFICATE' || true)
	echo $((n + 1))
}

check_site() {
	c=$SZTP_TMP/console.txt
	expect "agent: the built-in server from the appended archive is the only source" "$c" \
		"bootstrap: 1 source\(s\), tried in this order:" \
		"bootstrap:   1\. https://bootstrap\.example:8443 \(built-in\)"
	want=$(anchors_expected)
	expect "agent: $want bootstrap anchors (the build's and the appended one)" "$c" \
		"bootstrap: bootstrap-server trust anchors: $want\$"
	if grep -q 'dhcp4: lease.*sztp-redirect http' "$c"; then
		fail "no DHCP redirect" "a DHCP lease carried a redirect"
	else
		ok "no DHCP redirect was offered"
	fi
}

# ---------------------------------------------------------------- cases
# an upper bound, not a timing: OVMF under TCG on a loaded host is slow
export SZTP_TIMEOUT=${SZTP_TIMEOUT:-600}
mkdir -p "$WORK"
www=$WORK/www
rm -rf "$www" && mkdir -p "$www"

case $case in
pxe | pxe-uefi | http | http-kea)
	[ "$case" = http-kea ] || { . "$(dirname "$0")/install-onboarding.sh"
		install_onboarding "$WORK" "$IMG"; }
	export SZTP_DISK_SIZE=${SZTP_DISK_SIZE:-512M}
	;;
*) export SZTP_DISK_SIZE=${SZTP_DISK_SIZE:-64M} ;;
esac
SZTP_OPT143=none
SZTP_DHCP6=0

case $case in
pxe | pxe-uefi | pxe-nodhcp | pxe-404)
	snippet_to dnsmasq-ipxe "$WORK/dnsmasq.conf"
	snippet_to ipxe-script "$www/boot.ipxe"
	# the one change to the recipe, as qemu/lib.sh boots every test kernel:
	# no_timer_check, or a kernel under TCG on a loaded host can panic in
	# its IO-APIC timer check
	sed -i 's/^kernel .*/& no_timer_check/' "$www/boot.ipxe"
	# pxe-404: no kernel to serve
	[ "$case" = pxe-404 ] || cp "$TOP/build/kernel/vmlinuz" "$www/"
	cp "$TOP/build/initrd.img" "$www/"
	dnsmasq_conf "$WORK/dnsmasq.conf"
	[ "$case" = pxe-nodhcp ] && SZTP_DNSMASQ_ARGS="$SZTP_DNSMASQ_ARGS --dhcp-ignore=tag:tap0"
	sztp_setup "netboot-$case"
	if [ "$case" = pxe-uefi ]; then ovmf ipxe; else ipxe; fi
	;;
site)
	site_archive "$WORK/site"
	SZTP_INITRD=$WORK/site/initrd-site.img
	sztp_setup "netboot-$case"
	;;
uki-cmdline)
	sztp_setup "netboot-$case"
	ovmf
	# OVMF loads a -kernel PE file with LoadImage and passes -append as its
	# load options (one word here: SZTP_QEMU_ARGS is split on blanks)
	SZTP_QEMU_ARGS="$SZTP_QEMU_ARGS -kernel $UKI -append console=ttyS0"
	;;
http | http-nofile | http-404 | http-nodhcp | uki-site)
	snippet_to dnsmasq-httpboot "$WORK/dnsmasq.conf"
	# the cases without the onboarding redirect or boot file: the snippet
	# less those lines
	case $case in
	uki-site) sed -i '/^dhcp-option-force=143,/d' "$WORK/dnsmasq.conf" ;;
	http-nofile) sed -i '/^dhcp-boot=/d' "$WORK/dnsmasq.conf" ;;
	http-404) sed -i 's|/sztpboot\.efi$|/missing.efi|' "$WORK/dnsmasq.conf" ;;
	esac
	dnsmasq_conf "$WORK/dnsmasq.conf"
	# no DHCP answer at all: dnsmasq ignores every DHCP client on the link
	[ "$case" = http-nodhcp ] && SZTP_DNSMASQ_ARGS="$SZTP_DNSMASQ_ARGS --dhcp-ignore=tag:tap0"
	if [ "$case" = uki-site ]; then
		site_archive "$WORK/site"
		cp "$UKI" "$WORK/site/sztpboot.efi"
		snippet_to uki-site "$WORK/site/uki-site.sh"
		(cd "$WORK/site" && sh -eu ./uki-site.sh) || setup_fail "snippet uki-site failed"
		cp "$WORK/site/sztpboot-site.efi" "$www/sztpboot.efi"
	else
		cp "$UKI" "$www/sztpboot.efi"
	fi
	sztp_setup "netboot-$case"
	ovmf
	;;
http-kea)
	snippet_to kea-httpboot "$WORK/kea.snip"
	command -v kea-dhcp4 >/dev/null || setup_fail "kea-dhcp4 not installed (Debian: kea-dhcp4-server)"
	# the snippet on the tap device, with a lease database that writes no file
	sed 's/"eth1"/"tap0"/g; s/^\( *"Dhcp4": {\)$/\1 "lease-database": { "type": "memfile", "persist": false },/' \
		"$WORK/kea.snip" >"$WORK/kea.conf"
	grep -q '"persist": false' "$WORK/kea.conf" || setup_fail "no \"Dhcp4\": { line in kea-httpboot"
	# dnsmasq keeps DNS (bootstrap.example) but serves no DHCP: Kea needs
	# port 67
	SZTP_DHCP4=0
	cp "$UKI" "$www/sztpboot.efi"
	sztp_setup "netboot-$case"
	# Kea opens no socket on a link without carrier, and the tap device has
	# carrier only once QEMU holds it: start Kea then (the subshell execs
	# it, so its PID is Kea's).
	(
		i=0
		until ip -n "$SZTP_NS" link show tap0 | grep -q LOWER_UP || [ $i -ge 600 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		KEA_LOCKFILE_DIR=$SZTP_TMP KEA_PIDFILE_DIR=$SZTP_TMP KEA_LOGGER_DESTINATION=stdout \
			exec ip netns exec "$SZTP_NS" kea-dhcp4 -c "$WORK/kea.conf"
	) >"$SZTP_TMP/kea.log" 2>&1 &
	sztp_track kea $!
	ovmf
	;;
esac
case $case in site | uki-cmdline) ;; *) http_up "$www" ;; esac

case $case in
http-nodhcp | http-nofile | http-404)
	# OVMF tries HTTPv4 and HTTPv6, then the disk and its shell: stop it
	# some seconds after it has given up on the network
	export SZTP_TIMEOUT=${SZTP_BAD_TIMEOUT:-480}
	watch_kill 'Shell>' 2
	;;
uki-cmdline)
	# the command line is all this case is about: stop once it is printed
	watch_kill 'Command line:' 2
	;;
pxe-nodhcp | pxe-404)
	# SeaBIOS retries every 60 s once nothing could boot: stop it then
	export SZTP_TIMEOUT=${SZTP_BAD_TIMEOUT:-480}
	watch_kill 'No bootable device' 2
	;;
esac

sztp_boot
sztp_console >"$SZTP_TMP/console.txt"
c=$SZTP_TMP/console.txt
h=$SZTP_TMP/http.log

case $case in
pxe | pxe-uefi)
	grep -q 'user class: iPXE' "$SZTP_TMP/dnsmasq.log" && ok "dnsmasq: iPXE's request (user class iPXE)" ||
		fail "dnsmasq" "no request with user class iPXE in the dnsmasq log"
	expect "HTTP: boot.ipxe, then vmlinuz and initrd.img" "$h" '"GET /boot\.ipxe HTTP/1\.[01]" 200' \
		'"GET /vmlinuz HTTP/1\.[01]" 200' '"GET /initrd\.img HTTP/1\.[01]" 200'
	expect "console: iPXE got the script's URL, loaded kernel and initramfs, the kernel started" "$c" \
		"iPXE [0-9]" "Filename: http://192\.0\.2\.1:$HTTP_PORT/boot\.ipxe" \
		"http://192\.0\.2\.1:$HTTP_PORT/vmlinuz\.\.\..* ok" \
		"http://192\.0\.2\.1:$HTTP_PORT/initrd\.img\.\.\..* ok" \
		"Command line: (vmlinuz )?initrd=initrd\.img console=tty0 console=ttyS0,115200 panic=10 no_timer_check\$"
	# iPXE as a UEFI program: the kernel's EFI stub takes the initramfs
	# named by initrd= from iPXE's file system
	[ "$case" = pxe-uefi ] && expect "console: the EFI stub loaded initrd= from iPXE" "$c" \
		"EFI stub: Loaded initrd from command line option"
	check_full_onboarding
	;;
site) check_site; check_plain_onboarding ;;
http | http-kea | uki-site)
	if [ "$case" = http-kea ]; then
		grep -q 'DHCP4_LEASE_ALLOC.*192\.0\.2\.' "$SZTP_TMP/kea.log" && ok "kea: leases handed out" ||
			fail "kea" "no DHCP4_LEASE_ALLOC in the Kea log"
		grep -q 'DHCPACK' "$SZTP_TMP/dnsmasq.log" && fail "kea" "dnsmasq answered DHCP too" ||
			ok "kea: the only DHCP server (dnsmasq acknowledged nothing)"
	else
		grep -q 'vendor class: HTTPClient:Arch:00016' "$SZTP_TMP/dnsmasq.log" &&
			grep -q 'tags: httpboot' "$SZTP_TMP/dnsmasq.log" &&
			ok "dnsmasq: the firmware's HTTPClient request, tagged httpboot" ||
			fail "dnsmasq" "no HTTPClient request tagged httpboot in the dnsmasq log"
	fi
	expect "HTTP: the firmware fetched the UKI" "$h" '"GET /sztpboot\.efi HTTP/1\.[01]" 200'
	expect "console: OVMF HTTP boot, the stub, the kernel with the baked command line" "$c" \
		"Start HTTP Boot over IPv4" "URI: http://192\.0\.2\.1:$HTTP_PORT/sztpboot\.efi" \
		"EFI stub: Loaded initrd" "Command line: $(cat "$TOP/build/sztpboot.cmdline")\$"
	case $case in
	http) check_full_onboarding ;;
	http-kea) check_plain_onboarding ;;
	uki-site) check_site; check_plain_onboarding ;;
	esac
	;;
http-nodhcp | http-nofile)
	# an offer without a boot file is no HTTP boot offer to OVMF: the same
	# as no answer at all
	expect "firmware: no usable DHCP offer, HTTPv4 gave up, then HTTPv6, then the shell" "$c" \
		"Start HTTP Boot over IPv4" "Error: Server response timeout" \
		"failed to load Boot[0-9]+ \"UEFI HTTPv4" "Start HTTP Boot over IPv6" \
		"failed to load Boot[0-9]+ \"UEFI HTTPv6" "starting Boot[0-9]+ \"EFI Internal Shell\""
	if [ "$case" = http-nofile ]; then
		grep -q 'vendor class: HTTPClient' "$SZTP_TMP/dnsmasq.log" && grep -q DHCPOFFER "$SZTP_TMP/dnsmasq.log" &&
			ok "dnsmasq: offered an address to the HTTPClient" ||
			fail "dnsmasq" "no DHCPOFFER to an HTTPClient"
	else
		grep -q DHCPOFFER "$SZTP_TMP/dnsmasq.log" && fail "dnsmasq" "it offered an address" ||
			ok "dnsmasq: no offer"
	fi
	grep -q GET "$h" && fail "no HTTP request" "the firmware fetched something" ||
		ok "no HTTP request"
	check_no_boot
	;;
http-404)
	expect "firmware: 404 for the boot file, HTTPv4 gave up, then HTTPv6, then the shell" "$c" \
		"URI: http://192\.0\.2\.1:$HTTP_PORT/missing\.efi" "Client Error: 404 Not Found" \
		"failed to load Boot[0-9]+ \"UEFI HTTPv4" "failed to load Boot[0-9]+ \"UEFI HTTPv6" \
		"starting Boot[0-9]+ \"EFI Internal Shell\""
	grep -q '"[A-Z]* /missing\.efi HTTP/1\.[01]" 404' "$h" && ok "HTTP: 404 for /missing.efi" ||
		fail "HTTP" "no 404 for /missing.efi in the server log"
	check_no_boot
	;;
uki-cmdline)
	expect "console: the stub passed the load options, not the baked line" "$c" \
		"EFI stub: Loaded initrd" "Command line: console=ttyS0\$"
	grep -q "Command line:.*$(sed 's/[].[*^$]/\\&/g' "$TOP/build/sztpboot.cmdline")" "$c" &&
		fail "baked line replaced" "the baked command line is still there" ||
		ok "baked line replaced, not appended to"
	;;
pxe-nodhcp)
	expect "iPXE: no DHCP answer, back to the BIOS, no bootable device" "$c" "iPXE [0-9]" \
		"No configuration methods" "No more network devices" "Booting from Hard Disk" \
		"No bootable device"
	check_no_boot
	;;
pxe-404)
	expect "iPXE: 404 for the kernel, the script stops, back to the BIOS: no bootable device" "$c" \
		"http://192\.0\.2\.1:$HTTP_PORT/boot\.ipxe\.\.\. ok" \
		"http://192\.0\.2\.1:$HTTP_PORT/vmlinuz\.\.\..*No such file" "Could not boot image" \
		"No more network devices" "Booting from Hard Disk" "No bootable device"
	grep -q '"GET /vmlinuz HTTP/1\.[01]" 404' "$h" && ok "HTTP: 404 for /vmlinuz" ||
		fail "HTTP" "no 404 for /vmlinuz in the server log"
	check_no_boot
	;;
esac
echo "boot-time: $SZTP_BOOT_TIME s"
finish
