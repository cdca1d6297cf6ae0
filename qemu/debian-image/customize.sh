#!/bin/sh
# qemu/debian-image/customize.sh ROOT: mmdebstrap's customize hook for the Debian
# disk image (qemu/debian-image/mkdebian.sh runs it; mmdebstrap has mounted
# /proc, /sys and /dev in ROOT). Environment: SZTP_RECIPE (this folder),
# SZTP_ROOT_UUID / SZTP_ESP_UUID (the GPT partition UUIDs the image gets).
#
# What it makes of the bare system:
#   - the overlay/ files (network, the SSH host key unit, kernel-install's
#     configuration), hostname "debian", an fstab naming both partitions by
#     PARTUUID (the ESP at /boot/efi);
#   - /etc/kernel/cmdline: root=PARTUUID=... ro, console on tty0 and ttyS0,
#     no_timer_check (QEMU under TCG);
#   - no SSH host keys (each machine makes its own), an empty machine-id;
#   - the EFI system partition's contents in ROOT/boot/efi, made by the
#     OS's own tools: kernel-install puts the kernel and its initramfs into
#     debian/VERSION/ with loader/entries/debian-VERSION.conf, and
#     systemd-boot goes to EFI/systemd/ and EFI/BOOT/BOOTX64.EFI, as
#     "bootctl install" would (which refuses a directory that is not a
#     mounted FAT file system). mkdebian.sh moves that tree out of the root
#     into the ESP image.
set -eu
root=$1
R=${SZTP_RECIPE:?}
: "${SZTP_ROOT_UUID:?}" "${SZTP_ESP_UUID:?}"

cp -R "$R/overlay/." "$root/"
echo debian >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tdebian\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' \
	>"$root/etc/hosts"
# The ESP is nofail with a long device timeout: a slow boot (a loaded host,
# a machine that probes many disks) must not end in emergency mode for the
# one file system the running system hardly needs.
cat >"$root/etc/fstab" <<EOF
# qemu/debian-image: both partitions by GPT partition UUID
PARTUUID=$SZTP_ROOT_UUID  /          ext4  errors=remount-ro,x-systemd.growfs  0 1
PARTUUID=$SZTP_ESP_UUID  /boot/efi  vfat  umask=0077,nofail,x-systemd.device-timeout=10min  0 2
EOF
# no_timer_check: the image boots in QEMU (make demo, the tests), where under
# TCG on a loaded host the kernel's IO-APIC timer check can miss its ticks
# and panic ("IO-APIC + timer doesn't work!"); real hardware does not need it
echo "root=PARTUUID=$SZTP_ROOT_UUID ro console=tty0 console=ttyS0,115200n8 no_timer_check" \
	>"$root/etc/kernel/cmdline"
chroot "$root" systemctl enable systemd-networkd.service sztp-ssh-keygen.service >/dev/null 2>&1
rm -f "$root"/etc/ssh/ssh_host_*
: >"$root/etc/machine-id"

# The ESP, by kernel-install (BOOT_ROOT=/boot/efi from overlay/etc/kernel/install.conf).
esp=$root/boot/efi
rm -rf "$esp"
mkdir -p "$esp/debian" "$esp/loader/entries" "$esp/EFI/systemd" "$esp/EFI/BOOT"
n=0
for k in "$root"/boot/vmlinuz-*; do
	[ -f "$k" ] || continue
	kver=${k##*/vmlinuz-}
	chroot "$root" kernel-install add "$kver" "/boot/vmlinuz-$kver" "/boot/initrd.img-$kver"
	n=$((n + 1))
done
[ $n -gt 0 ] || { echo "customize.sh: no kernel in /boot" >&2; exit 1; }
# Run in a chroot where /boot/efi is not a mount point, kernel-install writes
# paths relative to / (/boot/efi/debian/...); on the ESP they are /debian/...
for e in "$esp"/loader/entries/*.conf; do
	sed -i -E 's#^(linux|initrd)([[:space:]]+)/boot/efi/#\1\2/#' "$e"
	grep -q '^linux[[:space:]]*/debian/' "$e" || { echo "customize.sh: bad entry $e" >&2; exit 1; }
done
cp "$root/usr/lib/systemd/boot/efi/systemd-bootx64.efi" "$esp/EFI/systemd/systemd-bootx64.efi"
cp "$root/usr/lib/systemd/boot/efi/systemd-bootx64.efi" "$esp/EFI/BOOT/BOOTX64.EFI"
cp "$R/esp/loader/loader.conf" "$esp/loader/loader.conf"
echo type1 >"$esp/loader/entries.srel"
