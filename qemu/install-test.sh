#!/bin/sh
# qemu/install-test.sh [full|powercut]: the end-to-end zero-touch install in
# QEMU + swtpm (qemu/lib.sh harness), on a blank virtio disk.
#
# full (default):
#   boot 1: DHCP option 143 -> the owner tool's signed reply (verbose
#     reporting) -> tests/install/mkimage.sh's GPT + ext4 image, zstd, from
#     the bootstrap server's /images/ (the first transfer is reset in the
#     middle: the agent must resume with a Range request) -> written and
#     verified -> pre-script, configuration (merge), post-script ->
#     bootstrap-complete -> switch_root into the new OS, whose init prints
#     its os-release and the applied configuration and powers off;
#   boot 2, same disk, same os-version: the configuration-only path (no
#     download), then the new OS again.
#   boot 3, same disk, sztp=0 on the kernel command line (RFC 8572 section
#     5.1, the enable flag): no network, no bootstrap source contacted, the
#     installed OS entered.
# powercut:
#   boot 1: the image transfer stalls in the middle (server fault) and QEMU
#     is killed while the image is being written: the disk must hold no
#     partition table (nothing bootable);
#   boot 2: the device provisions again from scratch and boots the new OS.
#   SZTP_POWERCUT_SPLITS="100000 800000 1500000" cuts once per value (the
#   compressed bytes sent before the stall; default 800000), each on the disk
#   the previous cut left, before the final boot (about 20 s per cut);
#   then one more cut after the whole image was written and verified, its
#   partition table held back, while the server holds back its answer to
#   bootstrap-complete: the disk must still hold no partition table
#   (RFC 8572 section 5.6: nothing active before bootstrapping is complete).
# The progress reports the server recorded are printed and checked.
# Prints ok/FAIL lines and "N passed, N failed"; exit 0 only when all passed.
set -eu
mode=${1:-full}
export SZTP_DISK_SIZE=${SZTP_DISK_SIZE:-512M}
export SZTP_TIMEOUT=${SZTP_TIMEOUT:-300}
# lib.sh boots with sztp.done=poweroff; a later word wins: enter the new OS
export SZTP_APPEND="${SZTP_APPEND:-} sztp.done=pivot"
. "$(dirname "$0")/lib.sh"
TOP=$SZTP_ROOT
IMG=$TOP/build/install
WORK=$TOP/build/qemu-install

# ---------------------------------------------------------------- the onboarding information
SPLITS=${SZTP_POWERCUT_SPLITS:-800000}
if [ "$mode" = powercut ]; then
	fault=$( (for s in $SPLITS; do
		printf '{"method": "GET", "path": "/images/*", "delay_body": 600, "split": %d, "count": 1}\n' "$s"
	done
	# (the match is the report's own type: an informational message names
	# bootstrap-complete too)
	printf '{"method": "POST", "path": "/restconf/operations/ietf-sztp-bootstrap-server:report-progress", "match": "\\"progress-type\\":\\"bootstrap-complete\\"", "delay": 600, "count": 1}\n') |
		python3 -c 'import json, sys; print(json.dumps([json.loads(l) for l in sys.stdin]))')
else
	fault='{"method": "GET", "path": "/images/*", "reset": true, "split": 700000, "count": 1}'
fi
. "$(dirname "$0")/install-onboarding.sh"
install_onboarding "$WORK" "$IMG" "$fault"

# expect NAME REGEX...: each regex must match a console line after the previous one
expect() { e_name=$1; shift; t_expect "$e_name" "$SZTP_TMP/console.txt" "$@"; }
# progress types the server recorded, in order, from record line $1 on
progress() {
	tail -n +"$1" "$SZTP_TMP/record.jsonl" | python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r.get("event") == "progress":
        print(r["type"] + ("  " + r["message"] if r.get("message") else ""))'
}
show() {
	echo "---- progress reports the server received (boot $1)"
	progress "$2" | sed 's/^/  /'
}
dump() {
	echo "---- last 50 console lines"
	tail -n 50 "$SZTP_TMP/console.txt"
	echo "---- server log"
	tail -n 15 "$SZTP_TMP/server.log" 2>/dev/null || true
}
types() { progress "$1" | cut -d' ' -f1 | tr '\n' ' '; }

sztp_setup "install-$mode"
FULL_SEQ=$INSTALL_FULL_SEQ

if [ "$mode" = powercut ]; then
	cut=0
	for split in $SPLITS; do
		cut=$((cut + 1))
		sztp_tpm_again
		sztp_cut_at "image: downloading" 4
		sztp_boot
		sztp_cut_wait
		sztp_console >"$SZTP_TMP/console.txt"
		expect "cut $cut: the image download started" "image: downloading https://bootstrap\.example"
		if grep -q "SZTP-DEMO-OS" "$SZTP_TMP/console.txt"; then
			t_fail "cut $cut: killed mid-image" "the new OS ran: the cut came too late"
		elif [ "$SZTP_BOOT_RESULT" != poweroff ] || [ "$SZTP_BOOT_STATUS" -ne 137 ]; then
			t_fail "cut $cut: killed mid-image" "QEMU was not killed by the watcher ($SZTP_BOOT_RESULT)"
		else
			t_ok "cut $cut: QEMU killed while the image was being written ($split compressed bytes sent)"
		fi
		if sfdisk -d "$SZTP_TMP/disk.img" >/dev/null 2>&1; then
			t_fail "cut $cut: nothing bootable" "the half-written disk has a partition table"
		else
			t_ok "cut $cut: the half-written disk has no partition table"
		fi
	done
	# the last cut: the image written and verified, its partition table held
	# back; bootstrap-complete sent, and the server does not answer it yet
	cut=$((cut + 1))
	sztp_tpm_again
	sztp_cut_at "TPM attestation evidence for bootstrap-complete" 3
	sztp_boot
	sztp_cut_wait
	sztp_console >"$SZTP_TMP/console.txt"
	expect "cut $cut: the image written and verified, its partition table held back, then scripts and configuration" \
		"partition table is held back until bootstrapping is complete" "image written and verified" \
		"post-script: post-configuration script: configured by SZTP" \
		"TPM attestation evidence for bootstrap-complete"
	if grep -q -E "SZTP-DEMO-OS|partition table written|partition table wiped|bootstrap-error" "$SZTP_TMP/console.txt"; then
		t_fail "cut $cut: killed while bootstrap-complete was unanswered" \
			"$(grep -m1 -E "SZTP-DEMO-OS|partition table written|partition table wiped|bootstrap-error" "$SZTP_TMP/console.txt")"
	elif [ "$SZTP_BOOT_RESULT" != poweroff ] || [ "$SZTP_BOOT_STATUS" -ne 137 ]; then
		t_fail "cut $cut: killed while bootstrap-complete was unanswered" "QEMU was not killed by the watcher ($SZTP_BOOT_RESULT)"
	else
		t_ok "cut $cut: QEMU killed while bootstrap-complete was unanswered"
	fi
	if sfdisk -d "$SZTP_TMP/disk.img" >/dev/null 2>&1; then
		t_fail "cut $cut: nothing bootable" "the fully written image has a partition table"
	else
		t_ok "cut $cut: the fully written image has no partition table: nothing bootable"
	fi
	rec=$(($(wc -l <"$SZTP_TMP/record.jsonl") + 1))
	sztp_tpm_again
	sztp_boot
	sztp_console >"$SZTP_TMP/console.txt"
	expect "boot 2: provisioned again from scratch and the new OS ran" \
		"image: downloading https://bootstrap\.example" "image written and verified" \
		"SZTP-DEMO-OS: hello from the provisioned OS" "SZTP-DEMO-OS: powering off"
	show 2 "$rec"
	case $(types "$rec") in
	*boot-image-mismatch*bootstrap-complete*) t_ok "boot 2: progress reports end with bootstrap-complete" ;;
	*) t_fail "boot 2: progress reports" "$(types "$rec")" ;;
	esac
else
	sztp_boot
	sztp_console >"$SZTP_TMP/console.txt"
	expect "boot 1: the owner tool's reply (keys/sztp-artifacts), verified by the device" \
		"bootstrap: device serial SZTP-DEMO-0001 \(TPM-held IDevID\)" \
		"verified onboarding-information \(signed\), reporting-level verbose"
	expect "boot 1: image streamed, resumed after the reset, verified" \
		"image: downloading https://bootstrap\.example:$SZTP_SERVER_PORT/images/os\.img\.zst" \
		"resuming at byte" "sha-256 [0-9a-f]{64} verified" "image written and verified"
	expect "boot 1: scripts and configuration" "pre-script: pre-configuration script: root /sysroot" \
		"config: .*applied \(merge\)" "post-script: post-configuration script: configured by SZTP"
	expect "boot 1: switch_root into the provisioned OS" "pivot: switch_root" \
		"SZTP-DEMO-OS: hello from the provisioned OS" "SZTP-DEMO-OS:.*VERSION_ID=1\.0" \
		"SZTP-DEMO-OS:.*/etc/sztp-demo/message: configured by SZTP over the network" \
		"SZTP-DEMO-OS: powering off"
	expect "boot 1: banner, phases, progress lines, summary" \
		"sztpboot: device serial SZTP-DEMO-0001, identity in the TPM" \
		"sztpboot: == phase network" "sztpboot: == phase bootstrap" "sztpboot: == phase onboarding" \
		"image: [0-9.]+ (B|KiB|MiB) of [0-9.]+ (KiB|MiB) \([0-9]+%\), [0-9.]+ (B|KiB|MiB)/s" \
		"image: .* \(100%\).* \(done\)" "sztpboot: == phase handover" \
		"sztpboot: SZTP PROVISIONED in [0-9.]+ s" \
		"sztpboot: installed: SZTP Demo OS 1\.0 written to /dev/vda: zstd image, [0-9]+ bytes, sha-256 verified; root /dev/vda" \
		"sztpboot: next: entering the provisioned OS on /dev/vda"
	expect "boot 1: the events, in the new OS, end with the result" \
		"SZTP-DEMO-OS: last event in /var/log/sztp/events-[0-9TZ]+\.jsonl: .*\"phase\":\"result\",\"outcome\":\"ok\",.*\"os\":\"SZTP Demo OS 1\.0\",\"disk\":\"/dev/vda\",\"bytes\":[0-9]+" \
		"SZTP-DEMO-OS: last event in /run/sztp/events.jsonl: .*\"phase\":\"result\",\"outcome\":\"ok\""
	# the events file as the new OS has it, against docs/events.schema.json
	sed -n 's/^SZTP-DEMO-EV: //p' "$SZTP_TMP/console.txt" >"$SZTP_TMP/events-new-os.jsonl"
	if out=$(python3 "$TOP/tests/lib/events_check.py" "$TOP/docs/events.schema.json" \
		"$SZTP_TMP/events-new-os.jsonl" --last result:ok --has boot:start --has boot:ok:identity \
		--has network:ok:address --has bootstrap:ok:onboarding-information \
		--has onboarding:start:bootstrap-initiated --has onboarding:ok:boot-image-complete \
		--has onboarding:ok:bootstrap-complete \
		--has bootstrap:ok:complete --has handover:start 2>&1); then
		t_ok "boot 1: /var/log/sztp/events-*.jsonl in the new OS is valid under the schema ($(wc -l <"$SZTP_TMP/events-new-os.jsonl") events)"
	else
		t_fail "boot 1: the events in the new OS against the schema" "$(echo "$out" | head -n 5 | tr '\n' ' ')"
	fi
	expect "boot 1: the provisioned OS replays the event log to the TPM's PCR" \
		"SZTP-DEMO-OS: provisioning event log /run/sztp/tpm2-measure.log" \
		"SZTP-DEMO-OS:   tpm replay: events: [0-9]+" "SZTP-DEMO-OS:   tpm replay: match"
	[ "$SZTP_BOOT_RESULT" = poweroff ] && t_ok "boot 1: the provisioned OS powered off" ||
		t_fail "boot 1: power-off" "QEMU killed after ${SZTP_TIMEOUT}s"
	if grep -q '"path": "/images/os.img.zst", "status": 206' "$SZTP_TMP/record.jsonl"; then
		t_ok "boot 1: the server answered a Range request with 206"
	else
		t_fail "boot 1: Range request" "no 206 for /images/os.img.zst in the server record"
	fi
	show 1 1
	[ "$(types 1)" = "$FULL_SEQ" ] && t_ok "boot 1: the full progress sequence, in order" ||
		t_fail "boot 1: progress sequence" "$(types 1)"
	[ $T_FAILED -gt 0 ] && dump
	rec=$(($(wc -l <"$SZTP_TMP/record.jsonl") + 1))
	sztp_tpm_again
	sztp_boot
	sztp_console >"$SZTP_TMP/console.txt"
	if grep -q "image: downloading" "$SZTP_TMP/console.txt"; then
		t_fail "boot 2: configuration-only path" "the image was downloaded again"
	else
		expect "boot 2: same os-version: configuration only, then the new OS" \
			"already installed" "config: .*applied \(merge\)" "pivot: switch_root" \
			"SZTP-DEMO-OS: hello from the provisioned OS"
	fi
	show 2 "$rec"
	case $(types "$rec") in
	*boot-image-mismatch*) t_fail "boot 2: progress" "boot-image-mismatch on the same os-version" ;;
	*boot-image-complete*bootstrap-complete*) t_ok "boot 2: boot-image-complete without mismatch, bootstrap-complete" ;;
	*) t_fail "boot 2: progress" "$(types "$rec")" ;;
	esac
	[ $T_FAILED -gt 0 ] && dump
	rec=$(($(wc -l <"$SZTP_TMP/record.jsonl") + 1))
	leases=$(grep -c "DHCPDISCOVER" "$SZTP_TMP/dnsmasq.log" || true)
	sztp_tpm_again
	append=$SZTP_APPEND
	SZTP_APPEND="$SZTP_APPEND sztp=0"
	sztp_boot
	SZTP_APPEND=$append
	sztp_console >"$SZTP_TMP/console.txt"
	expect "boot 3: sztp=0: SZTP disabled, the installed OS entered" \
		"sztp=0: SZTP is disabled \(RFC 8572 section 5\.1\): no bootstrap source is contacted" \
		"pivot: switch_root" "SZTP-DEMO-OS: hello from the provisioned OS" "SZTP-DEMO-OS: powering off"
	if grep -q -E "^\[ *[0-9.]+\] (dhcp4|dhcp6|bootstrap|image):" "$SZTP_TMP/console.txt"; then
		t_fail "boot 3: nothing contacted" "$(grep -m1 -E "^\[ *[0-9.]+\] (dhcp4|dhcp6|bootstrap|image):" "$SZTP_TMP/console.txt")"
	elif [ "$(tail -n +"$rec" "$SZTP_TMP/record.jsonl" | wc -l)" -ne 0 ] ||
	     [ "$(grep -c "DHCPDISCOVER" "$SZTP_TMP/dnsmasq.log" || true)" != "$leases" ]; then
		t_fail "boot 3: nothing contacted" "the server or dnsmasq saw the guest"
	else
		t_ok "boot 3: no DHCP, no bootstrap server, no image download"
	fi
fi
[ $T_FAILED -gt 0 ] && dump
t_summary
