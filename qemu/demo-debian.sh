#!/bin/sh
# demo-debian.sh (make demo): zero-touch provisioning of a real operating
# system you can watch, from a blank disk to its login prompt (qemu/lib.sh
# for the knobs). The device boots the agent's kernel and initramfs on a
# blank 2 GiB virtio disk with swtpm; DHCP options 143/136 name the
# bootstrap server; the signed onboarding information brings the Debian 12
# disk image (make debian-image, docs/debian-image.md: 195 MiB of zstd), a
# pre-configuration script, a configuration (hostname sztp-demo-01, root's
# SSH authorized key, sztp-issue.service) and a post-configuration script
# (the machine's SSH host key). The image is streamed, verified and written,
# the scripts and the configuration applied, bootstrap-complete reported
# with the SSH host key and the TPM attestation, the log saved into
# /var/log/sztp/, and the agent kexecs the kernel and initramfs of the
# image's own systemd-boot entry with its command line. Debian boots to its
# login prompt on the serial console; /etc/issue above the prompt shows what
# SZTP applied. Then: the progress reports the bootstrap server received, a
# check over SSH with the operator's key (against the host key
# bootstrap-complete reported), and how long each phase took. The machine is
# powered off at the end. About 6 minutes under TCG.
#
# Kernel messages of the agent's kernel below error level are hidden
# (loglevel=3) unless SZTP_APPEND is set; the Debian kernel's command line is
# the image's own.
set -eu
SZTP_APPEND=${SZTP_APPEND-loglevel=3}
SZTP_APPEND="$SZTP_APPEND sztp.done=pivot"
SZTP_DISK_SIZE=${SZTP_DISK_SIZE:-2G}
SZTP_TIMEOUT=${SZTP_TIMEOUT:-2400}
SZTP_MEM=${SZTP_MEM:-1536}
DEMO_VERSION=${DEMO_VERSION:-1}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/debian-onboarding.sh"
SZTP_DNSMASQ_ARGS="$SZTP_DNSMASQ_ARGS --dhcp-host=$SZTP_MAC,$DEBIAN_IP"
SZTP_UNTIL="^$DEBIAN_HOSTNAME login:"

bold=""; off=""
if [ -t 1 ]; then bold=$(printf '\033[1m'); off=$(printf '\033[0m'); fi

wall0=$(sztp_now)
debian_onboarding "$SZTP_ROOT/build/qemu-demo" "$DEMO_VERSION"
sztp_setup demo
echo "${bold}==== guest console (serial ttyS0): blank ${SZTP_DISK_SIZE} disk, zero touch, to Debian's login prompt${off}"
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
        print("  %2d. %-24s %s" % (n, r["type"], msg[:100]))
if n == 0:
    print("  none")
PY

ssh_ok=no
if [ "$SZTP_BOOT_RESULT" = matched ]; then
	echo
	echo "${bold}==== logged in over SSH with the operator's key (host key as bootstrap-complete reported)${off}"
	if debian_known_hosts "$SZTP_ROOT/build/qemu-demo/known_hosts"; then
		SZTP_SSH_KNOWN_HOSTS=$SZTP_ROOT/build/qemu-demo/known_hosts
		if sztp_ssh root@$DEBIAN_IP 'echo "$(hostname): $(. /etc/os-release; echo "$PRETTY_NAME, $IMAGE_ID $IMAGE_VERSION"), kernel $(uname -r)";
			echo "/proc/cmdline: $(cat /proc/cmdline)";
			for f in /var/log/sztp/*.log; do echo "$f: $(grep -c . "$f") lines"; done;
			df -h / | tail -n 1 | awk "{ print \"root file system: \" \$2 \" (grown to the disk)\" }"' \
			2>&1 | sed 's/^/  /'; then
			ssh_ok=yes
		fi
		sztp_ssh root@$DEBIAN_IP systemctl poweroff >/dev/null 2>&1 || true
		sztp_wait_exit 120 || true
	else
		echo "  no SSH host key in bootstrap-complete"
	fi
fi
sztp_qemu_stop

echo
echo "${bold}==== summary${off}"
con=$(sztp_console)
line() { printf '%s\n' "$con" | grep -E -m1 -- "$1" | sed 's/^\[ *[0-9.]*\] //' | cut -c1-150; }
echo "image:    $(line 'image written and verified|already installed' || true)"
echo "complete: $(line 'report-progress bootstrap-complete' || true)"
echo "attested: $(grep -o '"attestation": "[^"]*"' "$SZTP_TMP/record.jsonl" 2>/dev/null |
	head -n1 | cut -d'"' -f4 | cut -c1-160) (server's check of the TPM quote)"
echo "pivot:    $(line 'pivot: (kexec: the OS|switch_root|reboot)' || true)"
echo "new OS:   $(line 'Linux version [^ ]+' | grep -o 'Linux version [^ ]*' || true) ($(line 'Welcome to' | tr -d '\033' | sed 's/\[[0-9;]*m//g' || true))"
echo "prompt:   $(printf '%s\n' "$con" | grep -a -m1 -o -E "^$DEBIAN_HOSTNAME login:" || echo "none within ${SZTP_TIMEOUT}s")"
echo "ssh:      $ssh_ok"
echo "phases:"
"$PYTHON" "$SZTP_ROOT/qemu/phases.py" "$SZTP_TMP/console.stamps" --login "^$DEBIAN_HOSTNAME login:" || true
echo "wall:     $(awk -v a="$wall0" -v b="$(sztp_now)" 'BEGIN { printf "%.0f", b - a }') s for the whole demo"
echo "logs:     $SZTP_OUT/"
[ "$SZTP_BOOT_RESULT" = matched ]
