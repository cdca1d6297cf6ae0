#!/bin/sh
# qemu/recovery-test.sh: re-provisioning by a reboot into recovery, and its
# faults, on one machine (QEMU + swtpm, OVMF with its variable store kept for
# the whole run). Boot order: the target disk first, then a USB boot disk
# with the agent (qemu/mkbootdisk.sh), attached for the whole run: the
# machine's fallback boot option, as the network boot of docs/netboot.md is
# in a data centre. The recipes run in the provisioned Debian are read out
# of docs/recovery.md (snippets recovery-kernel, recovery-uki and
# recovery-efi-poweroff), as the steps there say:
#
#  1. The blank disk does not boot; the agent on the USB disk provisions
#     the Debian image, os-version 1, with the configuration that installs
#     /usr/sbin/sztp-reprovision; kexec into Debian.
#  2. Fault, the agent's files missing at the source: sztp-reprovision
#     refuses, exit 1, nothing armed (no entry, no one-time boot).
#  3. Fault, an EFI boot entry (--method efi) pointing at a missing file:
#     armed with BootNext, its file deleted, reboot: the firmware fails to
#     load it and goes on with BootOrder: the disk, Debian 1, no agent.
#     BootNext is used up.
#  4. Fault, the systemd-boot entry's kernel deleted from the ESP: armed
#     with LoaderEntryOneShot, reboot: systemd-boot cannot start it and boots
#     its default: Debian 1, no agent; the one-time boot is used up.
#  5. The round trip, configuration only (snippet recovery-kernel): the
#     server still offers os-version 1; the agent from the recovery entry
#     finds sztp-debian 1 installed, applies the configuration only (no
#     download), kexecs Debian 1.
#  6. The round trip, reimage (snippet recovery-uki: the agent as a UKI,
#     build/sztpboot.efi): the server now offers os-version 2; the agent
#     reimages (boot-image-mismatch) and kexecs Debian 2, whose ESP has no
#     recovery entry and no one-time boot left.
#  7. A reboot of Debian 2: Debian 2 again, never the recovery entry.
#  8. Fault, a power cut after the image write: re-provisioning to
#     os-version 1 armed by snippet recovery-efi-poweroff (an EFI boot
#     entry for the UKI, BootNext, power off); powered on, the firmware
#     starts the agent from BootNext; the server stalls the
#     boot-image-complete report and the machine is killed once the image
#     is written and verified: the disk has no partition table.
#  9. Powered on again: the firmware finds nothing to boot on the disk and
#     goes on to the fallback, the agent on the USB disk, which provisions
#     from scratch: Debian 1. Nothing half-written booted.
# The progress reports of each onboarding are checked and printed.
# Prints ok/FAIL lines and "N passed, N failed". About an hour under TCG.
set -eu
export SZTP_DISK_SIZE=${SZTP_DISK_SIZE:-2G}
export SZTP_TIMEOUT=${SZTP_TIMEOUT:-2400}
export SZTP_MEM=${SZTP_MEM:-1536}
export SZTP_FIRMWARE=ovmf SZTP_BOOT=firmware SZTP_REBOOT=1 SZTP_DISK_BOOTINDEX=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/debian-onboarding.sh"
. "$SZTP_ROOT/tests/lib/doc.sh"
TOP=$SZTP_ROOT
DOC=${SZTP_DOC:-$TOP/docs/recovery.md}
WORK=$TOP/build/qemu-recovery
KVER=$(cat "$TOP/build/debian/kver" 2>/dev/null || true)
UKI=$TOP/build/sztpboot.efi
UKI_CMDLINE=$(cat "$TOP/build/sztpboot.cmdline" 2>/dev/null || true)
STICK_CMDLINE="console=ttyS0 panic=-1 no_timer_check rd.emergency=poweroff"
export SZTP_DNSMASQ_ARGS="${SZTP_DNSMASQ_ARGS:-} --dhcp-host=$SZTP_MAC,$DEBIAN_IP"
PROMPT="^$DEBIAN_HOSTNAME login:"
AGENT="sztpboot: sztpboot .* starting"
ONESHOT=/sys/firmware/efi/efivars/LoaderEntryOneShot-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f
REPORT=/restconf/operations/ietf-sztp-bootstrap-server:report-progress

ok() { t_ok "$@"; }
fail() { t_fail "$@"; }
rec_mark() { echo $(($(wc -l <"$SZTP_TMP/record.jsonl") + 1)); }
show() { echo "---- progress reports of $1"; debian_progress "$2" | sed 's/^/  /'; }
since_has() { sztp_console_has "$1" "$2"; }
count_since() { sztp_console_since "$1" | grep -a -c -E -- "$2" || true; }
# first_cmdline: the first kernel command line of this QEMU run's console
# (which kernel the firmware started first)
first_cmdline() { sztp_console_since 0 | grep -a -m1 -o 'Command line: .*' || true; }
# cmdline WORDS: a regex for the kernel's "Command line:" line with WORDS
# (systemd-boot puts initrd=PATH first for a linux entry)
cmdline() { echo "Command line: (initrd=[^ ]* )?$1"; }
# firmware MARK: the boot manager's lines since MARK, for the log
firmware() {
	sztp_console_since "$1" | grep -a -o -E 'BdsDxe: [a-z]+ Boot[0-9A-F]{4} "[^"]*"( from [^ ]*)?(: .*)?' |
		sed 's/^/  firmware: /' || true
}
login() { # refresh known_hosts from the last bootstrap-complete, then ssh
	debian_known_hosts "$WORK/known_hosts" && SZTP_SSH_KNOWN_HOSTS=$WORK/known_hosts
	sztp_ssh "root@$DEBIAN_IP" "$@"
}
# wait_ssh: SSH answers and the boot has finished with the ESP mounted (on a
# slow boot sshd answers minutes before /boot/efi's device shows up, and
# sztp-reprovision needs the ESP)
wait_ssh() {
	t_wait 900 - login 'timeout 600 systemctl is-system-running --wait >/dev/null 2>&1; mountpoint -q /boot/efi' 2>/dev/null
}
# run CMD...: run in the guest over SSH; its output (indented) and exit
# status in $out ("exit N" on the last line)
run() {
	out=$(login "$* ; echo \"exit \$?\"" 2>&1 || true)
	printf '%s\n' "$out" | sed 's/^/  /'
}
has() { printf '%s\n' "$out" | grep -q -E -- "$1"; }
# recipe NAME: snippet NAME of docs/recovery.md, run as written by root's
# shell in the guest, in /root, where give() put the agent's files
recipe() {
	doc_snippet "$DOC" "$1" >"$WORK/$1.sh"
	[ -s "$WORK/$1.sh" ] || { fail "recipe $1" "no snippet $1 in $DOC"; finish; }
	echo "  \$ $(tr '\n' ';' <"$WORK/$1.sh")"
	out=$(login 'sh -eu' <"$WORK/$1.sh" 2>&1 || true)
	printf '%s\n' "$out" | sed 's/^/  /'
}
# give: the agent's kernel, initramfs and UKI into root's home in the guest
give() {
	login 'cat >vmlinuz' <"$SZTP_KERNEL" && login 'cat >initrd.img' <"$SZTP_INITRD" &&
		login 'cat >sztpboot.efi' <"$UKI"
}
# reboot_to MARK SECONDS: wait for Debian's login prompt after MARK
reboot_to() { sztp_wait_console "$1" "$PROMPT" "$2"; }
finish() {
	sztp_qemu_stop
	if [ "$T_FAILED" -gt 0 ]; then
		echo "---- console, last 40 lines"
		sztp_console | tail -n 40
	fi
	t_summary
	exit $?
}

[ -n "$KVER" ] || sztp_die "no build/debian/kver (make debian-image)"
[ -f "$UKI" ] && [ -n "$UKI_CMDLINE" ] || sztp_die "no $UKI (make)"
mkdir -p "$WORK"
rm -f "$WORK/known_hosts"
debian_onboarding "$WORK" 1
sztp_setup recovery
sh "$TOP/qemu/mkbootdisk.sh" "$SZTP_TMP/bootdisk.img" --kernel "$SZTP_KERNEL" \
	--initrd "$SZTP_INITRD" --cmdline "$STICK_CMDLINE"
SZTP_QEMU_ARGS="${SZTP_QEMU_ARGS:-} $(debian_stick "$SZTP_TMP/bootdisk.img")"

# ---- 1. first provisioning from the USB boot disk
echo "==== 1. the blank disk does not boot; the agent on the USB disk provisions sztp-debian 1"
r1=$(rec_mark)
SZTP_UNTIL=$PROMPT
sztp_boot
if [ "$SZTP_BOOT_RESULT" = matched ] && first_cmdline | grep -q -E "^$(cmdline "$STICK_CMDLINE")" &&
	since_has 0 "pivot: kexec: the OS's own kernel from boot loader entry .*debian-$KVER\.conf" &&
	since_has 0 "Provisioned by SZTP \(RFC 8572\): sztp-debian 1"; then
	ok "1: the agent from the USB disk provisioned Debian 1 and kexeced into it ($SZTP_BOOT_TIME s)"
else
	fail "1: first provisioning" "$SZTP_BOOT_RESULT after $SZTP_BOOT_TIME s"
	finish
fi
firmware 0
show "round 1" "$r1"
[ "$(debian_types "$r1")" = "$DEBIAN_FULL_SEQ" ] && ok "1: the full progress sequence" ||
	fail "1: progress" "$(debian_types "$r1")"
if wait_ssh && login 'test -d /sys/firmware/efi/efivars && test -x /usr/sbin/sztp-reprovision &&
	bootctl is-installed --quiet && sztp-reprovision --help | grep -q "^Usage: sztp-reprovision"'; then
	ok "1: ssh; UEFI variables after kexec; sztp-reprovision (--help) and systemd-boot installed"
else
	fail "1: ssh / efivars / tool" "see the console"
fi
give || fail "1: copying the agent's files" "ssh failed"

# ---- 2. the agent's files missing at the source: refused
echo "==== 2. fault: the agent's kernel missing at the source"
run sztp-reprovision --kernel /nonexistent/vmlinuz --initrd /nonexistent/initrd.img --no-reboot
if has '^exit 1$' && has 'nothing armed' &&
	login "test ! -e /boot/efi/loader/entries/sztp-recovery.conf && test ! -e $ONESHOT &&
		! efibootmgr | grep -q '^BootNext'"; then
	ok "2: sztp-reprovision refuses a missing file: exit 1, no entry, no one-time boot"
else
	fail "2: missing source" "$(printf '%s' "$out" | tail -n 2)"
fi

# ---- 3. an EFI boot entry whose file is gone: the firmware goes on
echo "==== 3. fault: the EFI boot entry (BootNext) points at a missing file"
run 'sztp-reprovision --method efi --efi sztpboot.efi --no-reboot && rm /boot/efi/sztp/sztpboot.efi && sync && efibootmgr'
has '^sztp-reprovision: armed: EFI boot entry Boot[0-9A-F]{4} "SZTP recovery"' && has '^BootNext: ' &&
	has '^exit 0$' || fail "3: arming" "$(printf '%s' "$out" | tail -n 2)"
m=$(sztp_console_mark)
login systemctl reboot >/dev/null 2>&1 || true
if reboot_to "$m" 1500 && [ "$(count_since "$m" "$AGENT")" = 0 ] &&
	since_has "$m" 'failed to load Boot[0-9A-F]{4} "SZTP recovery"' &&
	since_has "$m" "Provisioned by SZTP \(RFC 8572\): sztp-debian 1"; then
	ok "3: the firmware could not load the entry and went on with its boot order: Debian 1, no agent"
else
	fail "3: missing file behind BootNext" "no 'failed to load' of the entry, or no Debian 1 login prompt"
	finish
fi
firmware "$m"
wait_ssh && login '! efibootmgr | grep -q "^BootNext"' && ok "3: BootNext was used up" ||
	fail "3: BootNext" "still set"

# ---- 4. the systemd-boot entry's kernel deleted from the ESP, then reboot
echo "==== 4. fault: the systemd-boot entry points at a missing kernel"
run 'sztp-reprovision --method systemd-boot --kernel vmlinuz --initrd initrd.img --no-reboot &&
	cat /boot/efi/loader/entries/sztp-recovery.conf && rm /boot/efi/sztp/vmlinuz && sync'
has '^sztp-reprovision: armed: systemd-boot entry sztp-recovery.conf' && has '^exit 0$' ||
	fail "4: arming" "$(printf '%s' "$out" | tail -n 2)"
m=$(sztp_console_mark)
login systemctl reboot >/dev/null 2>&1 || true
if reboot_to "$m" 1500 && [ "$(count_since "$m" "$AGENT")" = 0 ] &&
	since_has "$m" "Provisioned by SZTP \(RFC 8572\): sztp-debian 1"; then
	ok "4: the entry's kernel is missing: systemd-boot boots Debian 1 again, no agent"
else
	fail "4: missing kernel on the ESP" "no Debian 1 login prompt after the reboot"
	finish
fi
wait_ssh && login "test ! -e $ONESHOT" && ok "4: the one-time boot (LoaderEntryOneShot) was used up" ||
	fail "4: LoaderEntryOneShot" "still set"
# tidy up with the tool's own --disarm, checked
run 'sztp-reprovision --disarm && test ! -e /boot/efi/sztp && test ! -e /boot/efi/loader/entries/sztp-recovery.conf &&
	! efibootmgr | grep -q "SZTP recovery"'
has '^exit 0$' && ok "4: sztp-reprovision --disarm removes the entries and the files" ||
	fail "4: --disarm" "$(printf '%s' "$out" | tail -n 2)"

# ---- 5. the round trip, same os-version: configuration only
echo "==== 5. recipe recovery-kernel, the server still on sztp-debian 1: configuration only"
r5=$(rec_mark)
m=$(sztp_console_mark)
recipe recovery-kernel
if reboot_to "$m" 2000 && since_has "$m" "$AGENT" &&
	since_has "$m" "sztp-debian 1 is already installed on /dev/vda: not writing the image" &&
	! since_has "$m" "image: downloading" &&
	since_has "$m" "pivot: kexec: the OS's own kernel from boot loader entry .*debian-$KVER\.conf" &&
	since_has "$m" "Provisioned by SZTP \(RFC 8572\): sztp-debian 1"; then
	ok "5: the agent from the recovery entry: configuration only, no download, kexec into Debian 1"
	since_has "$m" "$(cmdline "$DEBIAN_RECOVERY_CMDLINE")" &&
		ok "5: the agent's kernel had the recovery entry's command line (reprovision.conf)" ||
		fail "5: recovery command line" "no such Command line on the console"
else
	fail "5: configuration-only round trip" "see the console"
	finish
fi
show "round 5" "$r5"
[ "$(debian_types "$r5")" = "$DEBIAN_CONF_SEQ" ] &&
	ok "5: the configuration-only progress sequence (no boot-image-mismatch)" ||
	fail "5: progress" "$(debian_types "$r5")"
wait_ssh && login "test -e /boot/efi/loader/entries/sztp-recovery.conf && test ! -e $ONESHOT" &&
	ok "5: the entry stays on the ESP (configuration only), no one-time boot left" ||
	fail "5: after the configuration-only round" "entry or one-shot"

# ---- 6. the round trip: re-provisioning to os-version 2
echo "==== 6. recipe recovery-uki, the server now on sztp-debian 2: reimage"
debian_onboarding "$WORK" 2
sztp_server_restart
r6=$(rec_mark)
give || fail "6: copying the agent's files" "ssh failed"
m=$(sztp_console_mark)
recipe recovery-uki
has '^sztp-reprovision: armed: systemd-boot entry sztp-recovery.conf \(/sztp/sztpboot\.efi on /boot/efi\), one-time boot' ||
	fail "6: arming" "$(printf '%s' "$out" | tail -n 2)"
if reboot_to "$m" 2400 && since_has "$m" "$AGENT" &&
	since_has "$m" "Provisioned by SZTP \(RFC 8572\): sztp-debian 2"; then
	ok "6: the agent ran from the recovery entry and the machine came up in Debian 2"
else
	fail "6: round trip" "no Debian 2 login prompt"
	finish
fi
since_has "$m" "$(cmdline "$DEBIAN_RECOVERY_EFI_CMDLINE")" &&
	ok "6: the agent started from the UKI (build/sztpboot.efi), the entry's options as its command line" ||
	fail "6: the UKI's command line" "no 'Command line: $DEBIAN_RECOVERY_EFI_CMDLINE' on the console"
since_has "$m" "image: downloading https://bootstrap\.example:$SZTP_SERVER_PORT/images/debian-2\.img\.zst" &&
	since_has "$m" "pivot: kexec: the OS's own kernel from boot loader entry .*debian-$KVER\.conf" &&
	ok "6: full reimage with debian-2.img.zst, then kexec into its entry" ||
	fail "6: reimage / kexec" "see the console"
show "round 6" "$r6"
if [ "$(debian_types "$r6")" = "$DEBIAN_FULL_SEQ" ] &&
	debian_progress "$r6" | grep -q "^boot-image-mismatch .*not sztp-debian 2"; then
	ok "6: the full progress sequence, boot-image-mismatch against the installed sztp-debian 1"
else
	fail "6: progress" "$(debian_types "$r6")"
fi
wait_ssh && login ". /etc/os-release; test \"\$IMAGE_VERSION\" = 2 &&
	test ! -e /boot/efi/loader/entries/sztp-recovery.conf && test ! -e /boot/efi/sztp &&
	test ! -e $ONESHOT && ! efibootmgr | grep -q '^BootNext'" &&
	ok "6: Debian 2 runs; its ESP has no recovery entry, no one-time boot is armed" ||
	fail "6: Debian 2 state" "IMAGE_VERSION, entry or one-shot"

# ---- 7. a reboot is Debian 2 again
echo "==== 7. a reboot of Debian 2"
m=$(sztp_console_mark)
login systemctl reboot >/dev/null 2>&1 || true
if reboot_to "$m" 1500 && [ "$(count_since "$m" "$AGENT")" = 0 ] &&
	! since_has "$m" '"SZTP recovery"' &&
	since_has "$m" "Provisioned by SZTP \(RFC 8572\): sztp-debian 2"; then
	ok "7: the next boot is Debian 2, not the recovery entry"
else
	fail "7: reboot" "no Debian 2 login prompt without the agent"
fi
firmware "$m"

# ---- 8. a power cut after the image write
echo "==== 8. fault: power cut after the image write (recipe recovery-efi-poweroff, to sztp-debian 1)"
debian_onboarding "$WORK" 1 "{\"method\": \"POST\", \"path\": \"$REPORT\", \"match\": \"boot-image-complete\", \"delay\": 120, \"count\": 1}"
sztp_server_restart
r8=$(rec_mark)
wait_ssh && give || fail "8: copying the agent's files" "ssh failed"
recipe recovery-efi-poweroff
has '^sztp-reprovision: armed: EFI boot entry Boot[0-9A-F]{4} "SZTP recovery" \(/sztp/sztpboot\.efi on /boot/efi\), one-time boot \(BootNext\)' ||
	fail "8: arming" "$(printf '%s' "$out" | tail -n 2)"
sztp_wait_exit 300 || { fail "8: power-off" "QEMU still runs"; sztp_qemu_stop; }
sztp_tpm_again
SZTP_UNTIL="image written; its partition table is held back|$PROMPT"
sztp_boot
if [ "$SZTP_BOOT_RESULT" = matched ] && since_has 0 'starting Boot[0-9A-F]{4} "SZTP recovery"' &&
	since_has 0 "$(cmdline "$DEBIAN_RECOVERY_EFI_CMDLINE")" &&
	since_has 0 "image written; its partition table is held back"; then
	sleep 2
	sztp_qemu_stop
	ok "8: the firmware started the UKI from BootNext; power cut once the image was written (table held back)"
else
	fail "8: power cut" "the image write from the BootNext entry was not seen ($SZTP_BOOT_RESULT)"
	finish
fi
firmware 0
show "round 8 (cut)" "$r8"
debian_progress "$r8" | grep -q "^bootstrap-complete" &&
	fail "8: progress" "bootstrap-complete before the cut" || ok "8: no bootstrap-complete was sent"
if sfdisk -d "$SZTP_TMP/disk.img" >/dev/null 2>&1; then
	fail "8: nothing bootable" "the disk has a partition table"
else
	ok "8: the disk has no partition table"
fi

# ---- 9. powered on again: the fallback boot option, the agent, from scratch
echo "==== 9. powered on again: the firmware skips the empty disk, the agent on the USB disk provisions"
debian_onboarding "$WORK" 1
sztp_server_restart
sztp_tpm_again
r9=$(rec_mark)
SZTP_UNTIL=$PROMPT
sztp_boot
if [ "$SZTP_BOOT_RESULT" = matched ] && first_cmdline | grep -q -E "^$(cmdline "$STICK_CMDLINE")" &&
	! since_has 0 'starting Boot[0-9A-F]{4} "SZTP recovery"' &&
	since_has 0 "Provisioned by SZTP \(RFC 8572\): sztp-debian 1"; then
	ok "9: nothing booted from the disk; the agent from the fallback USB disk provisioned Debian 1 ($SZTP_BOOT_TIME s)"
else
	fail "9: after the power cut" "$SZTP_BOOT_RESULT"
fi
firmware 0
show "round 9" "$r9"
if [ "$(debian_types "$r9")" = "$DEBIAN_FULL_SEQ" ] &&
	debian_progress "$r9" | grep -q "^boot-image-mismatch .*no recognised OS"; then
	ok "9: boot-image-mismatch on a disk with no recognised OS, the full sequence"
else
	fail "9: progress" "$(debian_types "$r9")"
fi
login systemctl poweroff >/dev/null 2>&1 || true
sztp_wait_exit 180 || true
finish
