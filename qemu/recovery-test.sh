#!/bin/sh
# qemu/recovery-test.sh: re-provisioning by a reboot into recovery, and its
# faults, on one machine (QEMU + swtpm, OVMF with its variable store kept for
# the whole run, the target disk first in the boot order). The steps follow
# docs/recovery.md:
#
#  1. The agent on a USB boot disk (second in the boot order) provisions the
#     Debian image, os-version 1, on the blank disk, with the configuration
#     that installs /usr/sbin/sztp-reprovision; kexec into Debian.
#  2. The machine restarts without the stick: the disk boots Debian 1 on its
#     own, no agent.
#  3. Fault, the agent's files missing at the source: sztp-reprovision
#     --kernel /nonexistent refuses, exit 1, nothing armed (no entry, no
#     LoaderEntryOneShot).
#  4. Fault, the recovery entry pointing at a missing file: the entry is
#     armed, then its kernel is deleted from the ESP, reboot: systemd-boot
#     cannot start it and boots the default entry: Debian 1 again, no agent.
#  5. The round trip, configuration only: the server still offers
#     os-version 1; sztp-reprovision (the agent's kernel and initramfs copied
#     over SSH) arms a one-time boot and reboots; the agent starts from the
#     recovery entry, finds sztp-debian 1 installed, applies the
#     configuration only (no download), kexecs Debian 1.
#  6. The round trip, reimage, with the agent as a UKI (build/sztpboot.efi):
#     the server now offers os-version 2; the same again, the entry an "efi"
#     one: the agent (the UKI's own command line) reimages
#     (boot-image-mismatch), kexecs Debian 2. Its ESP is the new image's: no
#     recovery entry, no one-time boot left.
#  7. A reboot of Debian 2: Debian 2 again, never the recovery entry.
#  8. Fault, a power cut after the image write: re-provisioning to os-version
#     1 is armed from Debian 2 (the UKI again), the machine powered off and
#     on; the server stalls the boot-image-complete report, and the machine
#     is killed once the image is written and verified: the disk has no
#     partition table. Powered on again, the firmware finds nothing to boot
#     on the disk (no agent, no Debian).
#  9. With the USB boot disk back (a technician, or network boot), the agent
#     provisions from scratch: Debian 1.
# The progress reports of each onboarding are checked and printed.
# Prints ok/FAIL lines and "N passed, N failed". About 50 minutes under TCG.
set -eu
export SZTP_DISK_SIZE=${SZTP_DISK_SIZE:-2G}
export SZTP_TIMEOUT=${SZTP_TIMEOUT:-1500}
export SZTP_MEM=${SZTP_MEM:-1536}
export SZTP_FIRMWARE=ovmf SZTP_BOOT=firmware SZTP_REBOOT=1 SZTP_DISK_BOOTINDEX=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/debian-onboarding.sh"
TOP=$SZTP_ROOT
WORK=$TOP/build/qemu-recovery
KVER=$(cat "$TOP/build/debian/kver" 2>/dev/null || true)
UKI=$TOP/build/sztpboot.efi
UKI_CMDLINE=$(cat "$TOP/build/sztpboot.cmdline" 2>/dev/null || true)
export SZTP_DNSMASQ_ARGS="${SZTP_DNSMASQ_ARGS:-} --dhcp-host=$SZTP_MAC,$DEBIAN_IP"
PROMPT="^$DEBIAN_HOSTNAME login:"
AGENT="sztpboot: sztpboot .* starting"
FULL_SEQ="bootstrap-initiated parsing-initiated parsing-complete informational boot-image-initiated boot-image-mismatch boot-image-complete pre-script-initiated pre-script-complete config-initiated config-complete post-script-initiated post-script-complete bootstrap-complete "
CONF_SEQ="bootstrap-initiated parsing-initiated parsing-complete informational boot-image-initiated boot-image-complete pre-script-initiated pre-script-complete config-initiated config-complete post-script-initiated post-script-complete bootstrap-complete "
REPORT=/restconf/operations/ietf-sztp-bootstrap-server:report-progress

ok() { t_ok "$@"; }
fail() { t_fail "$@"; }
# progress FROM: the progress types (and messages) recorded from line FROM on
progress() {
	tail -n +"$1" "$SZTP_TMP/record.jsonl" | python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r.get("event") == "progress":
        print(r["type"] + ("  " + r["message"][:110] if r.get("message") else ""))'
}
types() { progress "$1" | cut -d' ' -f1 | tr '\n' ' '; }
rec_mark() { echo $(($(wc -l <"$SZTP_TMP/record.jsonl") + 1)); }
show() { echo "---- progress reports of $1"; progress "$2" | sed 's/^/  /'; }
# since_has MARK REGEX: the console after MARK has a matching line
since_has() { sztp_console_since "$1" | grep -a -q -E -- "$2"; }
count_since() { sztp_console_since "$1" | grep -a -c -E -- "$2" || true; }
login() { # refresh known_hosts from the last bootstrap-complete, then ssh
	debian_known_hosts "$WORK/known_hosts" && SZTP_SSH_KNOWN_HOSTS=$WORK/known_hosts
	sztp_ssh "root@$DEBIAN_IP" "$@"
}
wait_ssh() { t_wait 120 - login true 2>/dev/null; }
stick() {
	echo "-device qemu-xhci,id=xhci -drive file=$SZTP_TMP/bootdisk.img,format=raw,if=none,id=stick \
-device usb-storage,bus=xhci.0,drive=stick,removable=on,bootindex=2"
}
dump() {
	echo "---- console, last 40 lines"
	sztp_console | tail -n 40
}
finish() {
	sztp_qemu_stop
	[ "$T_FAILED" -gt 0 ] && dump
	t_summary
	exit $?
}
# give_agent [uki]: the agent's kernel and initramfs (and with "uki" the
# UKI, build/sztpboot.efi, which sztp-reprovision then prefers) onto the
# running Debian, in /usr/lib/sztp/
give_agent() {
	login 'mkdir -p /usr/lib/sztp' &&
	login 'cat >/usr/lib/sztp/vmlinuz' <"$SZTP_KERNEL" &&
	login 'cat >/usr/lib/sztp/initrd.img' <"$SZTP_INITRD" &&
	if [ "${1:-}" = uki ]; then
		login 'cat >/usr/lib/sztp/sztpboot.efi' <"$UKI"
	else
		login 'rm -f /usr/lib/sztp/sztpboot.efi'
	fi
}

[ -n "$KVER" ] || sztp_die "no build/debian/kver (make debian-image)"
[ -f "$UKI" ] && [ -n "$UKI_CMDLINE" ] || sztp_die "no $UKI (make)"
mkdir -p "$WORK"
debian_onboarding "$WORK" 1
sztp_setup recovery
sh "$TOP/qemu/mkbootdisk.sh" "$SZTP_TMP/bootdisk.img" --kernel "$SZTP_KERNEL" \
	--initrd "$SZTP_INITRD" --cmdline "console=ttyS0 panic=-1 rd.emergency=poweroff"

# ---- 1. first provisioning from the USB boot disk
echo "==== 1. the agent on a USB boot disk provisions sztp-debian 1"
r1=$(rec_mark)
SZTP_QEMU_ARGS=$(stick)
SZTP_UNTIL=$PROMPT
sztp_boot
if [ "$SZTP_BOOT_RESULT" = matched ] && since_has 0 "$AGENT" &&
	since_has 0 "pivot: kexec: the OS's own kernel from boot loader entry .*debian-$KVER\.conf" &&
	since_has 0 "Provisioned by SZTP \(RFC 8572\): sztp-debian 1"; then
	ok "1: provisioned from the stick, kexec into Debian 1, login prompt ($SZTP_BOOT_TIME s)"
else
	fail "1: first provisioning" "$SZTP_BOOT_RESULT after $SZTP_BOOT_TIME s"
	finish
fi
show "round 1" "$r1"
[ "$(types "$r1")" = "$FULL_SEQ" ] && ok "1: the full progress sequence" ||
	fail "1: progress" "$(types "$r1")"
if wait_ssh && login 'test -d /sys/firmware/efi/efivars && test -x /usr/sbin/sztp-reprovision &&
	bootctl is-installed --quiet'; then
	ok "1: ssh; UEFI variables after kexec; sztp-reprovision installed; systemd-boot installed"
else
	fail "1: ssh / efivars / tool" "see the console"
fi
login systemctl poweroff >/dev/null 2>&1 || true
sztp_wait_exit 180 || { fail "1: power-off" "QEMU still runs"; sztp_qemu_stop; }

# ---- 2. the disk boots on its own
echo "==== 2. without the stick, the disk boots Debian 1"
sztp_tpm_again
SZTP_QEMU_ARGS=""
SZTP_UNTIL=$PROMPT
sztp_boot
if [ "$SZTP_BOOT_RESULT" = matched ] && ! since_has 0 "$AGENT" &&
	since_has 0 "sztp-issue: hostname $DEBIAN_HOSTNAME"; then
	ok "2: the disk boots Debian 1 by itself, no agent ($SZTP_BOOT_TIME s)"
else
	fail "2: disk boot" "$SZTP_BOOT_RESULT"
	finish
fi
wait_ssh || fail "2: ssh" "no answer"

# ---- 3. the agent's files missing at the source: refused
echo "==== 3. fault: the agent's kernel missing at the source"
out=$(login 'sztp-reprovision --kernel /nonexistent/vmlinuz --initrd /nonexistent/initrd.img --no-reboot; echo "exit $?"' 2>&1 || true)
printf '%s\n' "$out" | sed 's/^/  /'
if printf '%s\n' "$out" | grep -q '^exit 1$' && printf '%s\n' "$out" | grep -q 'nothing armed' &&
	login 'test ! -e /boot/efi/loader/entries/sztp-recovery.conf &&
		test ! -e /sys/firmware/efi/efivars/LoaderEntryOneShot-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f'; then
	ok "3: sztp-reprovision refuses a missing file: exit 1, no entry, no one-time boot"
else
	fail "3: missing source" "$(printf '%s' "$out" | tail -n 2)"
fi

# ---- 4. the armed entry's kernel deleted from the ESP, then reboot
echo "==== 4. fault: the recovery entry points at a missing file"
give_agent || fail "4: copying the agent" "ssh failed"
out=$(login 'sztp-reprovision --no-reboot && cat /boot/efi/loader/entries/sztp-recovery.conf &&
	rm /boot/efi/sztp/vmlinuz && sync && echo deleted' 2>&1 || true)
printf '%s\n' "$out" | sed 's/^/  /'
printf '%s\n' "$out" | grep -q '^sztp-reprovision: armed: systemd-boot entry sztp-recovery.conf' &&
	printf '%s\n' "$out" | grep -q '^deleted$' ||
	fail "4: arming" "$(printf '%s' "$out" | tail -n 2)"
m=$(sztp_console_mark)
login systemctl reboot >/dev/null 2>&1 || true
if sztp_wait_console "$m" "$PROMPT" 600 && [ "$(count_since "$m" "$AGENT")" = 0 ] &&
	since_has "$m" "Provisioned by SZTP \(RFC 8572\): sztp-debian 1"; then
	ok "4: the entry's kernel is missing: systemd-boot boots Debian 1 again, no agent"
else
	fail "4: missing kernel on the ESP" "no Debian 1 login prompt after the reboot"
	finish
fi
sztp_console_since "$m" | grep -a -i -E "systemd-boot|sztp-recovery|not found|error" | head -n 5 |
	sed 's/^/  console: /' || true
wait_ssh && login 'test ! -e /sys/firmware/efi/efivars/LoaderEntryOneShot-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f' &&
	ok "4: the one-time boot was used up" || fail "4: LoaderEntryOneShot" "still set"

# ---- 5. the round trip, same os-version: configuration only
echo "==== 5. sztp-reprovision with the server still on sztp-debian 1: configuration only"
r5=$(rec_mark)
m=$(sztp_console_mark)
give_agent || fail "5: copying the agent" "ssh failed"
out=$(login 'sztp-reprovision' 2>&1 || true)
printf '%s\n' "$out" | sed 's/^/  /'
if sztp_wait_console "$m" "$PROMPT" 1200 && since_has "$m" "$AGENT" &&
	since_has "$m" "sztp-debian 1 is already installed on /dev/vda: not writing the image" &&
	! since_has "$m" "image: downloading" &&
	since_has "$m" "pivot: kexec: the OS's own kernel from boot loader entry .*debian-$KVER\.conf" &&
	since_has "$m" "Provisioned by SZTP \(RFC 8572\): sztp-debian 1"; then
	ok "5: the agent from the recovery entry: configuration only, no download, kexec into Debian 1"
	since_has "$m" "Command line: console=ttyS0,115200 panic=10 rd.emergency=reboot" &&
		ok "5: the agent's kernel had the recovery entry's command line" ||
		fail "5: recovery command line" "no such Command line on the console"
else
	fail "5: configuration-only round trip" "see the console"
	finish
fi
show "round 5" "$r5"
[ "$(types "$r5")" = "$CONF_SEQ" ] && ok "5: the configuration-only progress sequence (no boot-image-mismatch)" ||
	fail "5: progress" "$(types "$r5")"
wait_ssh && login 'test -e /boot/efi/loader/entries/sztp-recovery.conf &&
	test ! -e /sys/firmware/efi/efivars/LoaderEntryOneShot-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f' &&
	ok "5: the entry stays on the ESP (configuration only), no one-time boot left" ||
	fail "5: after the configuration-only round" "entry or one-shot"

# ---- 6. the round trip: re-provisioning to os-version 2
echo "==== 6. sztp-reprovision --efi (the UKI): a one-time boot into the agent, reimage to sztp-debian 2"
debian_onboarding "$WORK" 2
sztp_server_restart
r6=$(rec_mark)
give_agent uki || fail "6: copying the agent" "ssh failed"
m=$(sztp_console_mark)
out=$(login 'sztp-reprovision' 2>&1 || true)
printf '%s\n' "$out" | sed 's/^/  /'
printf '%s\n' "$out" | grep -q '^sztp-reprovision: armed: systemd-boot entry sztp-recovery.conf (/sztp/sztpboot.efi on /boot/efi), one-time boot' ||
	fail "6: arming" "$(printf '%s' "$out" | tail -n 2)"
if sztp_wait_console "$m" "$PROMPT" 1200 && since_has "$m" "$AGENT" &&
	since_has "$m" "Provisioned by SZTP \(RFC 8572\): sztp-debian 2"; then
	ok "6: the agent ran from the recovery entry and the machine came up in Debian 2"
else
	fail "6: round trip" "no Debian 2 login prompt"
	finish
fi
since_has "$m" "Command line: $UKI_CMDLINE" &&
	ok "6: the agent started from the UKI (build/sztpboot.efi), with its own command line" ||
	fail "6: the UKI's command line" "no 'Command line: $UKI_CMDLINE' on the console"
since_has "$m" "image: downloading https://bootstrap\.example:$SZTP_SERVER_PORT/images/debian-2\.img\.zst" &&
	since_has "$m" "pivot: kexec: the OS's own kernel from boot loader entry .*debian-$KVER\.conf" &&
	ok "6: full reimage with debian-2.img.zst, then kexec into its entry" ||
	fail "6: reimage / kexec" "see the console"
show "round 6" "$r6"
if [ "$(types "$r6")" = "$FULL_SEQ" ] && progress "$r6" | grep -q "^boot-image-mismatch .*not sztp-debian 2"; then
	ok "6: the full progress sequence, boot-image-mismatch against the installed sztp-debian 1"
else
	fail "6: progress" "$(types "$r6")"
fi
wait_ssh && login '. /etc/os-release; test "$IMAGE_VERSION" = 2 &&
	test ! -e /boot/efi/loader/entries/sztp-recovery.conf && test ! -e /boot/efi/sztp &&
	test ! -e /sys/firmware/efi/efivars/LoaderEntryOneShot-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f' &&
	ok "6: Debian 2 runs; its ESP has no recovery entry, no one-time boot is armed" ||
	fail "6: Debian 2 state" "IMAGE_VERSION, entry or one-shot"

# ---- 7. a reboot is Debian 2 again
echo "==== 7. a reboot of Debian 2"
m=$(sztp_console_mark)
login systemctl reboot >/dev/null 2>&1 || true
if sztp_wait_console "$m" "$PROMPT" 600 && [ "$(count_since "$m" "$AGENT")" = 0 ] &&
	since_has "$m" "Provisioned by SZTP \(RFC 8572\): sztp-debian 2"; then
	ok "7: the next boot is Debian 2, not the recovery entry"
else
	fail "7: reboot" "no Debian 2 login prompt without the agent"
fi

# ---- 8. a power cut after the image write
echo "==== 8. fault: power cut after the image write (re-provisioning to sztp-debian 1)"
debian_onboarding "$WORK" 1 "{\"method\": \"POST\", \"path\": \"$REPORT\", \"match\": \"boot-image-complete\", \"delay\": 120, \"count\": 1}"
sztp_server_restart
wait_ssh && give_agent uki || fail "8: copying the agent" "ssh failed"
# armed, then off and on again (a cold start through the one-time boot)
out=$(login 'sztp-reprovision --no-reboot' 2>&1 || true)
printf '%s\n' "$out" | sed 's/^/  /'
login systemctl poweroff >/dev/null 2>&1 || true
sztp_wait_exit 300 || { fail "8: power-off" "QEMU still runs"; sztp_qemu_stop; }
sztp_tpm_again
SZTP_QEMU_ARGS=""
SZTP_UNTIL="image written; its partition table is held back|$PROMPT"
sztp_boot
if [ "$SZTP_BOOT_RESULT" = matched ] && since_has 0 "$AGENT" &&
	since_has 0 "image written; its partition table is held back"; then
	sleep 2
	sztp_qemu_stop
	ok "8: power cut once the image was written and verified (its partition table held back)"
else
	fail "8: power cut" "the image write was not seen ($SZTP_BOOT_RESULT)"
	finish
fi
if sfdisk -d "$SZTP_TMP/disk.img" >/dev/null 2>&1; then
	fail "8: nothing bootable" "the disk has a partition table"
else
	ok "8: the disk has no partition table"
fi
sztp_tpm_again
SZTP_QEMU_ARGS=""
SZTP_UNTIL="Shell> |No bootable option|$PROMPT|$AGENT"
SZTP_TIMEOUT=400
sztp_boot
SZTP_TIMEOUT=1500
if ! since_has 0 "$AGENT" && ! since_has 0 "$PROMPT" && ! since_has 0 "Linux version"; then
	ok "8: powered on again, the firmware finds nothing to boot on the disk ($SZTP_BOOT_RESULT after $SZTP_BOOT_TIME s)"
else
	fail "8: after the power cut" "something booted"
fi
sztp_console | grep -a -E "BdsDxe|Shell>|No bootable" | head -n 6 | sed 's/^/  console: /' || true
sztp_qemu_stop

# ---- 9. the agent again (USB boot disk), from scratch
echo "==== 9. with the USB boot disk back, the agent provisions from scratch"
debian_onboarding "$WORK" 1
sztp_server_restart
sztp_tpm_again
r9=$(rec_mark)
SZTP_QEMU_ARGS=$(stick)
SZTP_UNTIL=$PROMPT
sztp_boot
if [ "$SZTP_BOOT_RESULT" = matched ] && since_has 0 "Provisioned by SZTP \(RFC 8572\): sztp-debian 1"; then
	ok "9: provisioned again from scratch: Debian 1 ($SZTP_BOOT_TIME s)"
else
	fail "9: provisioning after the power cut" "$SZTP_BOOT_RESULT"
fi
show "round 9" "$r9"
if [ "$(types "$r9")" = "$FULL_SEQ" ] && progress "$r9" | grep -q "^boot-image-mismatch .*no recognised OS"; then
	ok "9: boot-image-mismatch on a disk with no recognised OS, the full sequence"
else
	fail "9: progress" "$(types "$r9")"
fi
login systemctl poweroff >/dev/null 2>&1 || true
sztp_wait_exit 180 || true
finish
