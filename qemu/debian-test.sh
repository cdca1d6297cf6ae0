#!/bin/sh
# qemu/debian-test.sh [kexec|reboot]: SZTP provisions the Debian disk image
# (make debian-image, docs/debian-image.md) on a blank disk in QEMU + swtpm,
# and the machine comes up in the provisioned Debian at its login prompt.
#
# kexec (default): QEMU loads the test kernel and the initramfs directly
#   (SeaBIOS). The agent writes the image, applies the configuration (a
#   hostname, root's SSH authorized key, sztp-issue.service), reports
#   bootstrap-complete with the SSH host key the post-configuration script
#   made, and kexecs the kernel and initramfs of the image's own
#   systemd-boot entry on its ESP, with the entry's command line. Checked:
#   the entry chosen, the second kernel is the image's (build/debian/kver),
#   with the entry's options; Debian's login prompt under the new hostname,
#   /etc/issue listing the key and the log in /var/log/sztp/; then an SSH
#   login with the operator's key, against the host key bootstrap-complete
#   reported, reads the log and the hostname, and powers the machine off.
# reboot: UEFI (OVMF, its variable store kept for the run). Boot order: the
#   target disk first, then a boot disk on USB (qemu/mkbootdisk.sh:
#   systemd-boot with the test kernel and initramfs, sztp.pivot=reboot).
#   The blank disk does not boot, the firmware starts the agent from the
#   stick, the agent provisions and reboots; the firmware now boots the disk
#   (the image's systemd-boot), and Debian comes up. Checked: the agent ran
#   exactly once, the server saw one onboarding, the reboot, the login
#   prompt.
# The progress reports the server received are checked and printed.
# Prints ok/FAIL lines and "N passed, N failed". Several minutes under TCG.
set -eu
mode=${1:-kexec}
export SZTP_DISK_SIZE=${SZTP_DISK_SIZE:-2G}
export SZTP_TIMEOUT=${SZTP_TIMEOUT:-1800}
export SZTP_MEM=${SZTP_MEM:-1536}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/debian-onboarding.sh"
TOP=$SZTP_ROOT
WORK=$TOP/build/qemu-debian-$mode
VERSION=1
KVER=$(cat "$TOP/build/debian/kver" 2>/dev/null || true)
TEST_KVER=$(cat "$TOP/build/kernel/version")
export SZTP_DNSMASQ_ARGS="${SZTP_DNSMASQ_ARGS:-} --dhcp-host=$SZTP_MAC,$DEBIAN_IP"
# Stop once Debian's login prompt is up.
export SZTP_UNTIL="^$DEBIAN_HOSTNAME login:"

case $mode in
kexec)
	export SZTP_APPEND="${SZTP_APPEND:-} sztp.done=pivot"
	;;
reboot)
	export SZTP_FIRMWARE=ovmf SZTP_BOOT=firmware SZTP_REBOOT=1 SZTP_DISK_BOOTINDEX=1
	;;
*) echo "usage: debian-test.sh [kexec|reboot]" >&2; exit 2 ;;
esac

ok() { t_ok "$1"; }
fail() { t_fail "$1" "$2"; }
# expect NAME REGEX...: each regex must match a console line after the previous one
expect() { e_name=$1; shift; t_expect "$e_name" "$SZTP_TMP/console.txt" "$@"; }
mkdir -p "$WORK"
debian_onboarding "$WORK" "$VERSION"
[ -n "$KVER" ] || sztp_die "no build/debian/kver (make debian-image)"
sztp_setup "debian-$mode"
if [ "$mode" = reboot ]; then
	sh "$TOP/qemu/mkbootdisk.sh" "$SZTP_TMP/bootdisk.img" --kernel "$SZTP_KERNEL" \
		--initrd "$SZTP_INITRD" --cmdline "console=ttyS0 panic=-1 no_timer_check rd.emergency=poweroff \
sztp.done=pivot sztp.pivot=reboot $SZTP_APPEND"
	export SZTP_QEMU_ARGS="${SZTP_QEMU_ARGS:-} $(debian_stick "$SZTP_TMP/bootdisk.img")"
fi

sztp_boot
sztp_console >"$SZTP_TMP/console.txt"

expect "the agent provisioned the image" "sztpboot: sztpboot .* starting on Linux $TEST_KVER" \
	"image: downloading https://bootstrap\.example:$SZTP_SERVER_PORT/images/debian-$VERSION\.img\.zst" \
	"image written and verified" "post-script: post-configuration script: $DEBIAN_HOSTNAME, SSH host key ssh-ed25519" \
	"report-progress bootstrap-complete \[1 ssh-host-key"
if [ "$mode" = kexec ]; then
	expect "kexec into the image's own systemd-boot entry" \
		"pivot: EFI system partition /dev/vda1 mounted read-only" \
		"pivot: kexec: the OS's own kernel from boot loader entry /run/sztp/esp/loader/entries/debian-$KVER\.conf \(loader\.conf default\)" \
		"pivot: kexec: loaded /run/sztp/esp/debian/$KVER/linux with debian/$KVER/initrd\.img-$KVER"
	expect "the second kernel is the image's, with the entry's command line" \
		"Linux version $KVER " "Command line: root=PARTUUID=32bd2e10-41b7-46e7-b442-f2436d5a4a1a ro console=tty0 console=ttyS0,115200n8 no_timer_check"
	if [ "$KVER" != "$TEST_KVER" ]; then
		ok "the image's kernel ($KVER) is not the agent's ($TEST_KVER)"
	else
		echo "note: the image's kernel is the agent's ($KVER): kexec still ran (the second banner)"
	fi
	n=$(grep -c "sztpboot: sztpboot .* starting" "$SZTP_TMP/console.txt" || true)
	[ "$n" = 1 ] && ok "the agent ran once" || fail "the agent ran once" "$n times"
else
	expect "the firmware started the agent from the USB boot disk" \
		"sztpboot: sztpboot .* starting on Linux $TEST_KVER" "sztp.pivot=reboot|pivot: reboot: sztp.pivot=reboot"
	expect "reboot into the provisioned disk" "pivot: reboot: sztp.pivot=reboot" \
		"sztpboot: rebooting|reboot: Restarting system" "Linux version $KVER "
	n=$(grep -c "sztpboot: sztpboot .* starting" "$SZTP_TMP/console.txt" || true)
	[ "$n" = 1 ] && ok "the agent ran once: the firmware booted the disk after the reboot" ||
		fail "the agent ran once" "$n times"
fi
expect "Debian's login prompt with the configuration" \
	"Welcome to .*Debian GNU/Linux 12" \
	"Provisioned by SZTP \(RFC 8572\): sztp-debian $VERSION" \
	"sztp-issue: hostname $DEBIAN_HOSTNAME" \
	"sztp-issue: SSH authorized key .*sztp-test-operator \(ED25519\)" \
	"sztp-issue: provisioning log /var/log/sztp/sztpboot-[0-9TZ]+\.log" \
	"^$DEBIAN_HOSTNAME login:"
[ "$SZTP_BOOT_RESULT" = matched ] && ok "login prompt after $SZTP_BOOT_TIME s" ||
	fail "login prompt" "$SZTP_BOOT_RESULT after $SZTP_BOOT_TIME s"

echo "---- progress reports the server received"
debian_progress 1 | sed 's/^/  /'
[ "$(debian_types 1)" = "$DEBIAN_FULL_SEQ" ] && ok "one onboarding, the full progress sequence, in order" ||
	fail "progress sequence" "$(debian_types 1)"

if [ "$mode" = kexec ] && [ "$SZTP_BOOT_RESULT" = matched ]; then
	if debian_known_hosts "$WORK/known_hosts"; then
		export SZTP_SSH_KNOWN_HOSTS="$WORK/known_hosts"
		out=$(sztp_ssh root@$DEBIAN_IP 'hostname; ls /var/log/sztp; grep -c . /var/log/sztp/*.log; cat /proc/cmdline' 2>&1) || true
		printf '%s\n' "$out" | sed 's/^/  ssh: /'
		if printf '%s\n' "$out" | grep -qx "$DEBIAN_HOSTNAME" &&
			printf '%s\n' "$out" | grep -q '^sztpboot-.*\.log$'; then
			ok "ssh with the operator's key, host key as bootstrap-complete reported"
		else
			fail "ssh login" "$(printf '%s' "$out" | tail -n 3)"
		fi
		sztp_ssh root@$DEBIAN_IP systemctl poweroff >/dev/null 2>&1 || true
		sztp_wait_exit 120 && ok "the provisioned Debian powered off" ||
			fail "power-off" "QEMU still running after 120 s"
	else
		fail "ssh login" "no SSH host key in the server's bootstrap-complete record"
	fi
fi
sztp_qemu_stop
sztp_console >"$SZTP_TMP/console.txt"
if [ "$T_FAILED" -gt 0 ]; then
	echo "---- last 40 console lines"
	tail -n 40 "$SZTP_TMP/console.txt"
fi
t_summary
