#!/bin/sh
# qemu/owner-test.sh: a QEMU guest onboarded with artifacts made by the
# owner tool, keys/sztp-artifacts, exactly as docs/quickstart.md makes them.
#
# Steps "setup", "standins", "describe" and "artifacts" of the quick start
# run as written (snippets between the doc's markers, in a temp dir, with
# SZTP set to this checkout); the lab configuration of step 4 ("lab-server",
# up to its closing EOF) becomes the harness server's --config, so the test
# server serves the tool's stored reply and the image. The guest (qemu/lib.sh:
# DHCP option 143 https://bootstrap.example:8443, a TPM-held IDevID, the
# default initramfs, whose anchors are the test PKI's, the ones the quick
# start collects) must show the quick start's console lines ("console"
# snippet, "..." matching anything) in order, write the image, apply the
# configuration, run the post-script and switch_root into the new OS, which
# lists the configuration SZTP applied; the server must record the whole
# verbose progress sequence.
# Prints ok/FAIL lines and "N passed, N failed"; exit 0 only when all passed.
set -eu
export SZTP_DISK_SIZE=${SZTP_DISK_SIZE:-512M}
export SZTP_TIMEOUT=${SZTP_TIMEOUT:-300}
# lib.sh boots with sztp.done=poweroff; a later word wins: enter the new OS
export SZTP_APPEND="${SZTP_APPEND:-} sztp.done=pivot"
. "$(dirname "$0")/lib.sh"
. "$SZTP_ROOT/tests/lib/doc.sh"
DOC=${SZTP_DOC:-$SZTP_ROOT/docs/quickstart.md}
snippet() { doc_snippet "$DOC" "$1"; }

t_tmpdir sztp-owner-qemu
W=$T_TMP/site
mkdir -p "$W"
{
	snippet setup
	snippet standins
	snippet describe
	snippet artifacts
	snippet lab-server | sed '/^EOF$/q'
} >"$T_TMP/steps.sh"
if (cd "$W" && SZTP=$SZTP_ROOT sh -e "$T_TMP/steps.sh") >"$T_TMP/steps.out" 2>&1 &&
	[ -s "$W/lab.json" ]; then
	t_ok "the quick start's artifacts and lab configuration, made by sztp-artifacts"
else
	t_fail "quick start steps" "see below"
	t_tail 20 "$T_TMP/steps.out"
	t_summary
	exit 1
fi
export SZTP_SERVER_CONFIG="$W/lab.json"

sztp_setup owner-test
sztp_boot
sztp_console >"$SZTP_TMP/console.txt"

# the console snippet's lines, in order ("..." matches anything)
after=0
missing=""
snippet console >"$T_TMP/console-lines"
while IFS= read -r line; do
	re=$(printf '%s\n' "$line" | sed 's/[][\.*^$(){}+?|/]/\\&/g; s/\\\.\\\.\\\./.*/g')
	n=$(sztp_line_after "$SZTP_TMP/console.txt" $after "$re") || { missing=$line; break; }
	after=$n
done <"$T_TMP/console-lines"
if [ -z "$missing" ]; then
	t_ok "the console lines docs/quickstart.md lists, in order"
else
	t_fail "quick start console lines" "no line matches \"$missing\" (after console line $after)"
fi

# the new OS: its init lists what SZTP applied
if grep -q "SZTP-DEMO-OS: hello from the provisioned OS" "$SZTP_TMP/console.txt" &&
	grep -q "SZTP-DEMO-OS:   manifest: f etc/sztp-example/message" "$SZTP_TMP/console.txt" &&
	grep -q "SZTP-DEMO-OS:   manifest: f etc/ssh/sshd_config.d/50-sztp.conf" "$SZTP_TMP/console.txt"; then
	t_ok "switch_root into the new OS, which lists the configuration applied"
else
	t_fail "the new OS" "no SZTP-DEMO-OS lines with the configuration"
fi
[ "$SZTP_BOOT_RESULT" = poweroff ] && t_ok "the provisioned OS powered off" ||
	t_fail "power-off" "QEMU killed after ${SZTP_TIMEOUT}s"

want="bootstrap-initiated parsing-initiated parsing-complete informational boot-image-initiated boot-image-mismatch boot-image-complete config-initiated config-complete post-script-initiated post-script-complete bootstrap-complete "
got=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("event") == "progress":
        print(r["type"], end=" ")' "$SZTP_TMP/record.jsonl")
if [ "$got" = "$want" ]; then
	t_ok "the server recorded the whole verbose progress sequence"
else
	t_fail "progress sequence" "$got"
fi
if [ "$T_FAILED" -gt 0 ]; then
	echo "---- last 40 console lines"
	tail -n 40 "$SZTP_TMP/console.txt"
fi
t_summary
