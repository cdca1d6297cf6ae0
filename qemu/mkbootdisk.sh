#!/bin/sh
# qemu/mkbootdisk.sh OUT [--efi FILE | --kernel FILE --initrd FILE] [--cmdline WORDS]
#
# A small GPT disk image with one EFI system partition that UEFI firmware
# boots the SZTP agent from: a USB stick or installer disk of the kind a
# technician plugs in, and what the Debian tests put second in the boot
# order behind the target disk. With --kernel/--initrd: systemd-boot (the
# host's, Debian package systemd-boot-efi) as EFI/BOOT/BOOTX64.EFI with one
# Boot Loader Specification entry, loader/entries/sztpboot.conf: linux
# /sztpboot/vmlinuz, initrd /sztpboot/initrd.img, options WORDS. With --efi:
# FILE (a unified kernel image, build/sztpboot.efi) as EFI/BOOT/BOOTX64.EFI;
# WORDS are then ignored (the image carries its command line). Nothing is
# mounted (mkfs.vfat -C, mcopy, sfdisk, dd).
set -eu
die() { printf 'mkbootdisk: error: %s\n' "$*" >&2; exit 1; }
[ $# -ge 1 ] || die "usage: mkbootdisk.sh OUT [--efi FILE | --kernel FILE --initrd FILE] [--cmdline WORDS]"
out=$1
shift
efi="" kernel="" initrd="" cmdline="console=ttyS0"
while [ $# -gt 0 ]; do
	case $1 in
	--efi) efi=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--cmdline) cmdline=$2; shift 2 ;;
	*) die "unknown option $1" ;;
	esac
done
sdboot=/usr/lib/systemd/boot/efi/systemd-bootx64.efi
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/esp/EFI/BOOT"
if [ -n "$efi" ]; then
	cp "$efi" "$t/esp/EFI/BOOT/BOOTX64.EFI"
else
	[ -r "$kernel" ] && [ -r "$initrd" ] || die "--kernel and --initrd (or --efi) are needed"
	[ -r "$sdboot" ] || die "no $sdboot (package systemd-boot-efi)"
	mkdir -p "$t/esp/loader/entries" "$t/esp/sztpboot"
	cp "$sdboot" "$t/esp/EFI/BOOT/BOOTX64.EFI"
	cp "$kernel" "$t/esp/sztpboot/vmlinuz"
	cp "$initrd" "$t/esp/sztpboot/initrd.img"
	printf 'default sztpboot.conf\ntimeout 0\n' >"$t/esp/loader/loader.conf"
	printf 'title SZTP zero-touch provisioning\nlinux /sztpboot/vmlinuz\ninitrd /sztpboot/initrd.img\noptions %s\n' \
		"$cmdline" >"$t/esp/loader/entries/sztpboot.conf"
fi
mib=$(( $(du -sm --apparent-size "$t/esp" | cut -f1) + 8 ))
[ $mib -ge 33 ] || mib=33
mkfs.vfat -F 32 -n SZTPBOOT -C "$t/esp.fs" $((mib * 1024)) >/dev/null
MTOOLS_SKIP_CHECK=1 mcopy -s -i "$t/esp.fs" "$t/esp"/* ::/
truncate -s $((mib + 2))M "$t/disk"
printf 'label: gpt\nstart=2048, size=%d, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="sztpboot"\n' \
	$((mib * 2048)) | sfdisk -q "$t/disk"
dd if="$t/esp.fs" of="$t/disk" bs=1M seek=1 conv=notrunc status=none
mv "$t/disk" "$out"
