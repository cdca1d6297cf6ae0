#!/bin/sh
# demo-install.sh: zero-touch provisioning you can watch, from a blank disk to
# the provisioned OS (qemu/lib.sh for the knobs). The device boots the
# initramfs on a blank virtio disk; DHCP option 143 names the bootstrap
# server; the signed onboarding information brings a zstd GPT disk image
# (tests/install/mkimage.sh), a pre-configuration script, a configuration
# archive and a post-configuration script. The image is streamed, verified
# and written, the scripts and the configuration applied, bootstrap-complete
# reported (with the SSH host key and the TPM attestation evidence), and the
# agent switch_roots into the new OS, whose init prints its os-release and
# the applied configuration, then powers off. The console streams to the
# terminal; then the progress reports the bootstrap server received are
# printed, in order. Kernel messages below error level are hidden
# (loglevel=3) unless SZTP_APPEND is set.
set -eu
SZTP_APPEND=${SZTP_APPEND-loglevel=3}
# lib.sh boots with sztp.done=poweroff; a later word wins: enter the new OS
SZTP_APPEND="$SZTP_APPEND sztp.done=pivot"
SZTP_DISK_SIZE=${SZTP_DISK_SIZE:-512M}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/install-onboarding.sh"

bold=""; off=""
if [ -t 1 ]; then bold=$(printf '\033[1m'); off=$(printf '\033[0m'); fi

install_onboarding "$SZTP_ROOT/build/qemu-demo" "$SZTP_ROOT/build/install"
sztp_setup demo-install
echo "${bold}==== guest console (serial ttyS0): blank ${SZTP_DISK_SIZE} disk, zero touch${off}"
sztp_boot live

echo
echo "${bold}==== progress reports the bootstrap server received, in order${off}"
"$PYTHON" - "$SZTP_TMP/record.jsonl" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r.get("event") == "progress":
        n += 1
        msg = r.get("message") or ""
        print("  %2d. %-24s %s" % (n, r["type"], msg[:110]))
if n == 0:
    print("  none")
PY
echo
echo "${bold}==== summary${off}"
con=$(sztp_console)
case $SZTP_BOOT_RESULT in
poweroff) echo "guest:    powered off after $SZTP_BOOT_TIME s" ;;
*) echo "guest:    no power-off within ${SZTP_TIMEOUT}s; stopped after $SZTP_BOOT_TIME s" ;;
esac
line() { printf '%s\n' "$con" | grep -E -m1 -- "$1" | sed 's/^\[ *[0-9.]*\] //' | cut -c1-150; }
echo "image:    $(line 'image written and verified|already installed' || true)"
echo "complete: $(line 'report-progress bootstrap-complete' || true)"
echo "attested: $(grep -o '"attestation": "[^"]*"' "$SZTP_TMP/record.jsonl" 2>/dev/null |
	head -n1 | cut -d'"' -f4 | cut -c1-160) (server's check of the TPM quote)"
echo "pivot:    $(line 'pivot: (switch_root|kexec|reboot)' || true)"
echo "new OS:   $(line 'SZTP-DEMO-OS: hello' || echo 'did not run')"
echo "logs:     $SZTP_OUT/"
[ "$SZTP_BOOT_RESULT" = poweroff ] && printf '%s\n' "$con" | grep -q 'SZTP-DEMO-OS: powering off'
