#!/bin/sh
# failure-test.sh [poweroff|shell]: a boot that fails on purpose, and what it
# leaves for the operator (docs/troubleshooting.md). The bootstrap server
# named by DHCP answers every get-bootstrapping-data with HTTP 503;
# sztp.timeout=12 makes the device give up.
#
# poweroff (the default): a second virtio disk holds a vfat file system
# labelled SZTP-REPORT, which must receive the agent's own copy of the
# report; then the device powers off (rd.emergency=poweroff).
# shell: rd.shell; the second disk is a vfat stick without that label. The
# test types into the emergency shell (SZTP_CONSOLE_IN): it reads the
# report's summary and saves the report onto the stick with
# sztp-report-save, then exits; the device powers off.
#
# Checked in both modes:
#   - the console: the banner (version, serial, identity in the TPM), the
#     phase markers, the failure screen ("SZTP FAILED: ...", the last error
#     naming HTTP 503, where the report is and its copy, what happens next),
#     in order; in shell mode also what the shell offers (/etc/profile),
#     the environment docs/hooks.md promises it, and what the typed
#     commands print;
#   - the report as the second disk holds it (read back with mtools): every
#     file of boot/report.h, each with the content it must have (the 503 in
#     sources.txt, the lease in network.txt, PCR 14 and the IDevID handle in
#     tpm.txt, the disks, the command line, the kernel and agent logs);
#   - no secret in it: no line of the test PKI's device private key (it is
#     in this initramfs) appears in any file of the report;
#   - its events.jsonl valid under docs/events.schema.json, the last event
#     the failure result, and a bootstrap failure with the 503 among them.
# Prints "ok NAME" / "FAIL NAME: why", the boot time, "N passed, N failed".
set -eu
. "$(dirname "$0")/lib.sh"
command -v mcopy >/dev/null 2>&1 || { echo "FAIL setup: mtools (mcopy) not installed"; echo "0 passed, 1 failed"; exit 1; }

MODE=${1:-poweroff}
case $MODE in
poweroff|shell) ;;
*) echo "usage: $0 [poweroff|shell]" >&2; exit 2 ;;
esac
SERIAL=SZTP-DEMO-0001
cfgdir=$SZTP_ROOT/build/qemu
mkdir -p "$cfgdir"
SZTP_SERVER_CONFIG=$cfgdir/failure-test.json
cat >"$SZTP_SERVER_CONFIG" <<EOF
{"faults": [{"method": "POST", "path": "/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data",
  "status": 503, "content_type": "text/plain", "body": "down for maintenance"}]}
EOF
SZTP_APPEND="${SZTP_APPEND:-} sztp.timeout=12"
SZTP_TIMEOUT=${SZTP_TIMEOUT:-240}
if [ "$MODE" = shell ]; then
	SZTP_APPEND="$SZTP_APPEND rd.shell"
	SZTP_CONSOLE_IN=1
	sztp_setup failure-test-shell
	label=STICK
else
	sztp_setup failure-test
	label=SZTP-REPORT
fi
REPORT_IMG=$SZTP_TMP/report.img
mkfs.vfat -C -n "$label" "$REPORT_IMG" 16384 >/dev/null || sztp_die "mkfs.vfat failed"
SZTP_QEMU_ARGS="${SZTP_QEMU_ARGS:-} -drive file=$REPORT_IMG,format=raw,if=virtio"
if [ "$MODE" = shell ]; then
	# what an operator at the console would type; the output lines carry a
	# marker the echoed command lines cannot match. The sleep lets the serial
	# line drain: the shell's exit hangs the console up, which drops output
	# still queued
	sztp_type_when 'shell: warning: emergency: starting a shell on the console' \
		'echo "SHELL-ENV: hook=$SZTP_HOOK version=$SZTP_VERSION run=$SZTP_RUN_DIR events=$SZTP_EVENTS serial=$SZTP_SERIAL ifname=$SZTP_IFNAME"\ngrep "^SZTP FAILED" "$SZTP_REPORT/summary.txt" | sed "s/^/SHELL-SAW: /"\nsztp-report-save /dev/vdb; echo "SHELL-RC: [$?]"; sleep 2\nexit\n'
fi
sztp_boot

sztp_console >"$SZTP_TMP/console.txt"
con=$SZTP_TMP/console.txt

# the console, in order
{
cat <<EOF
banner-rule	sztpboot: =====+\$
banner	sztpboot: SZTP zero-touch provisioning, sztpboot [^ ]+\$
banner-identity	sztpboot: device serial $SERIAL, identity in the TPM: TPM key 0x81020001
phase-network	sztpboot: == phase network: links, addresses and discovery
phase-bootstrap	sztpboot: == phase bootstrap: 1 source
attempt	bootstrap: warning: https://bootstrap\.example:8443 \(dhcp[46]\): get-bootstrapping-data: HTTP 503 \(expected 200\)
report-written	report: [0-9]+ files in /run/sztp/report
hook-offers-it	=== the full failure report is in /run/sztp/report/ \(start with summary\.txt\)
EOF
if [ "$MODE" = poweroff ]; then
	cat <<EOF
report-copied	report: copied [0-9]+ files to /dev/vd[a-z] \(SZTP-REPORT\): sztp-report/$SERIAL-[0-9]{8}T[0-9]{6}Z/
EOF
fi
cat <<EOF
screen-rule	sztpboot: =====+\$
screen-failed	sztpboot: SZTP FAILED: bootstrap: gave up after 12 s \(sztp\.timeout\)
screen-last	sztpboot: last error: .*https://bootstrap\.example:8443 \(dhcp[46]\)
screen-reply	sztpboot: last reply: https://bootstrap\.example:8443 \(dhcp[46]\): HTTP 503 \(expected 200\): Service Unavailable; body "down for maintenance"\$
EOF
if [ "$MODE" = poweroff ]; then
	cat <<EOF
screen-report	sztpboot: report: /run/sztp/report/ \(summary\.txt first\); a copy on /dev/vd[a-z] \(SZTP-REPORT\): sztp-report/$SERIAL-
screen-next	sztpboot: next: powering off now \(rd\.emergency=poweroff, panic=-1\)\$
screen-end	sztpboot: =====+\$
EOF
else
	cat <<EOF
screen-report	sztpboot: report: /run/sztp/report/ \(summary\.txt first\); no file system labelled SZTP-REPORT for a copy\$
screen-next	sztpboot: next: a shell on the console \(rd\.shell\); when it exits, powering off now \(panic=-1\)\$
screen-end	sztpboot: =====+\$
shell-report	sztpboot: the failure report is in /run/sztp/report/: start with summary\.txt
shell-start	shell: warning: emergency: starting a shell on the console
profile-failed	^sztp: this boot failed: bootstrap: gave up after 12 s \(sztp\.timeout\)
profile-report	^sztp: the failure report is in /run/sztp/report/: cat /run/sztp/report/summary\.txt first
profile-save	^sztp: to keep it: sztp-report-save /dev/sdX1
profile-next	^sztp: when this shell exits: poweroff\$
shell-env	^SHELL-ENV: hook=emergency version=[^ ]+ run=/run/sztp events=/run/sztp/events\.jsonl serial=$SERIAL ifname=[a-z0-9]+\$
shell-read-summary	^SHELL-SAW: SZTP FAILED: bootstrap: gave up after 12 s
shell-saved	^sztp-report-save: copied [0-9]+ files to /dev/vdb: sztp-report/$SERIAL-[0-9]{8}T[0-9]{6}Z/
shell-save-status	^SHELL-RC: \[0\]
shell-exited	shell: shell exited
EOF
fi
cat <<EOF
poweroff	sztpboot: powering off
EOF
} >"$SZTP_TMP/expect.txt"
sztp_expect_table "$con" "$SZTP_TMP/expect.txt" console-
if [ "$(grep -c 'sztpboot: SZTP FAILED: ' "$con")" = 1 ]; then
	t_ok console-one-failed-line
else
	t_fail console-one-failed-line "$(grep -c 'sztpboot: SZTP FAILED: ' "$con") lines with sztpboot: SZTP FAILED"
fi

# the report, as the SZTP-REPORT disk holds it
R=$SZTP_TMP/report
mkdir -p "$R"
if MTOOLS_SKIP_CHECK=1 mcopy -s -n -i "$REPORT_IMG" ::sztp-report "$R/" 2>"$SZTP_TMP/mcopy.err"; then
	t_ok report-on-disk
else
	t_fail report-on-disk "mcopy: $(cat "$SZTP_TMP/mcopy.err")"
fi
dir=$(ls -d "$R"/sztp-report/"$SERIAL"-* 2>/dev/null | head -n1)
[ -n "$dir" ] || dir=$R/none
# kept with the logs, for a reader of this test
[ -d "$dir" ] && mkdir -p "$SZTP_OUT" && rm -rf "$SZTP_OUT/report" && cp -r "$dir" "$SZTP_OUT/report"
# has NAME FILE REGEX: the report's FILE has a line matching REGEX
has() {
	if [ -s "$dir/$2" ] && grep -q -E -- "$3" "$dir/$2"; then
		t_ok "report-$1"
	else
		t_fail "report-$1" "$2: $([ -s "$dir/$2" ] && echo "no line matches /$3/" || echo missing or empty)"
	fi
}
has summary summary.txt '^SZTP FAILED: bootstrap: gave up after 12 s'
if [ "$MODE" = poweroff ]; then
	has summary-next summary.txt '^next: powering off now'
else
	has summary-next summary.txt '^next: a shell on the console \(rd\.shell\); when it exits, powering off now'
fi
has agent-log sztpboot.log 'get-bootstrapping-data: HTTP 503'
has kernel-log kernel.log 'Linux version'
has cmdline cmdline.txt 'sztp\.timeout=12'
has network-lease network.txt '^dhcp4: lease 192\.0\.2\.[0-9]+/24 on '
has network-routes network.txt '^0\.0\.0\.0/0 via 192\.0\.2\.1 dev '
has network-links network.txt ': up, carrier, 52:54:00:12:34:56; 192\.0\.2\.'
has sources-found sources.txt '^1\. https://bootstrap\.example:8443 \(dhcp[46]\)'
has sources-last-reply sources.txt '^https://bootstrap\.example:8443 \(dhcp[46]\), round [0-9]+: last reply: HTTP 503 \(expected 200\)'
has modules modules.txt '^virtio_net '
has tpm-pcr tpm.txt '^PCR 14 sha256: [0-9a-f]{64}$'
has tpm-handles tpm.txt '^  idevid-handle +0x81020001 present$'
has tpm-persistent tpm.txt '^persistent handles \([0-9]+\):.* 0x81020001'
if [ "$MODE" = poweroff ]; then
	has disks disks.txt '^vda: 2147483648 bytes.*: the automatic install target'
	has disks-report disks.txt '^vdb: .*not a candidate'
else
	# the stick is not labelled: a second candidate, as sztp.disk= would say
	has disks disks.txt '^automatic install target: ambiguous target disk: vda \(2\.0 GiB\), vdb'
fi
has events events.jsonl '"phase":"result","outcome":"fail"'
has measure-log tpm2-measure.log 'emergency'
has diagnostics diagnostics.txt '^--- ip addr'

# no secret: not one line of the device's private key anywhere in the report
key=$SZTP_PKI/device/idevid.key
leak=""
if [ -d "$dir" ] && [ -s "$key" ]; then
	grep -v -- '-----' "$key" | grep -E '.{16}' >"$SZTP_TMP/keylines"
	for f in "$dir"/*; do
		grep -q -F -f "$SZTP_TMP/keylines" "$f" && leak="$leak ${f##*/}"
	done
	[ -s "$SZTP_TMP/keylines" ] || leak="(the key file has no body lines to look for)"
else
	leak="(no report, or no key at $key)"
fi
[ -z "$leak" ] && t_ok report-no-private-key || t_fail report-no-private-key "found in:$leak"

# the events, against their schema
if out=$(python3 "$SZTP_ROOT/tests/lib/events_check.py" "$SZTP_ROOT/docs/events.schema.json" \
	"$dir/events.jsonl" --last result:fail --has boot:start --has boot:ok:identity \
	--has network:ok:address --has network:info:source \
	--has bootstrap:fail:get-bootstrapping-data --has bootstrap:retry:round 2>&1); then
	t_ok events-schema
else
	t_fail events-schema "$(echo "$out" | head -n 5 | tr '\n' ' ')"
fi

if [ "$SZTP_BOOT_RESULT" = poweroff ]; then
	t_ok guest-exit
else
	t_fail guest-exit "no power-off within ${SZTP_TIMEOUT}s; QEMU killed"
fi
echo "boot-time: $SZTP_BOOT_TIME s"
if [ $T_FAILED -gt 0 ]; then
	echo "---- last 60 console lines"
	tail -n 60 "$con"
	echo "---- logs kept in $SZTP_OUT"
fi
t_summary
