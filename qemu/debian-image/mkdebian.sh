#!/bin/sh
# qemu/debian-image/mkdebian.sh OUTDIR [--image-version V]... [--force]
#
# A minimal Debian 12 (bookworm) disk image for SZTP to install: what
# `make demo` provisions and the Debian QEMU tests boot (docs/debian-image.md).
#
#   OUTDIR/rootfs/            the system mmdebstrap made (cached)
#   OUTDIR/esp/               the EFI system partition's files (cached)
#   OUTDIR/debian-V.img.zst   one GPT disk image per --image-version V
#                             (default: 1), zstd; .sha256 beside it (hex)
#   OUTDIR/kver               the image's kernel release ("6.1.0-57-amd64")
#   OUTDIR/info               PARTUUIDs and sizes, KEY=VALUE
#
# The disk: GPT, 1 MiB aligned, partition 1 the EFI system partition
# (FAT32, 128 MiB: systemd-boot, loader/entries/debian-KVER.conf, the kernel
# and its initramfs), partition 2 the root (ext4, of the Discoverable
# Partitions Specification x86-64 root type 4f68bce3-e8cd-4db1-96e7-
# fbcaf984b709, its used size plus 10 % and 256 MiB, grown to the disk at
# the first boot by systemd-repart). Debian's linux-image-amd64,
# initramfs-tools (MODULES=most, zstd), systemd, systemd-networkd (DHCP on
# every wired interface), systemd-boot, OpenSSH server, efibootmgr; no
# documentation, manual pages or translations. os-release is Debian's plus
# IMAGE_ID=sztp-debian and IMAGE_VERSION=V, which is what a server's
# os-name/os-version name ("sztp-debian" / "V": docs/install.md).
#
# Nothing is loop-mounted: mmdebstrap builds the tree (packages from the
# machine's own apt sources: initrd/deps.sh sources), mkfs.ext4 -d and
# mkfs.vfat + mcopy make the two file systems as files, sfdisk writes the
# table and dd puts the file systems in place.
#
# Cached: the tree is rebuilt only when the recipe (the files of this
# folder) changes, each image only when the recipe or V changed: the stamps
# hold the recipe's SHA-256. --force rebuilds everything. Must run as root
# (mmdebstrap's root mode, file ownership in the tree).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
# Fixed identities: every machine installed from the image has the same
# partition UUIDs, as with any disk image (the kernel command line and fstab
# name them).
DISK_GUID=d714b178-77ec-41b2-92ef-5f33b769e91f
ESP_UUID=ee526583-f004-41aa-836c-3fd9bb7ca762
ROOT_UUID=32bd2e10-41b7-46e7-b442-f2436d5a4a1a
FS_UUID=b364c7d3-9581-4c58-bc2e-db061d190556
ESP_VOLID=5A7E0001
ESP_MIB=128
ROOT_SLACK_MIB=256
PACKAGES="systemd-sysv,udev,netbase,linux-image-amd64,initramfs-tools,zstd,systemd-boot,\
openssh-server,iproute2,efibootmgr"

say() { printf 'mkdebian: %s\n' "$*" >&2; }
die() { printf 'mkdebian: error: %s\n' "$*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: mkdebian.sh OUTDIR [--image-version V]... [--force]"
out=$1
shift
versions="" force=0
while [ $# -gt 0 ]; do
	case $1 in
	--image-version)
		[ $# -ge 2 ] || die "--image-version needs a value"
		case $2 in *[!A-Za-z0-9._-]* | "") die "--image-version $2: letters, digits, . _ - only" ;; esac
		versions="$versions $2"
		shift 2
		;;
	--force) force=1; shift ;;
	*) die "unknown option $1" ;;
	esac
done
[ -n "$versions" ] || versions=1
[ "$(id -u)" = 0 ] || die "must run as root (mmdebstrap, file ownership)"
for c in mmdebstrap mkfs.ext4 mkfs.vfat mcopy sfdisk zstd; do
	command -v "$c" >/dev/null 2>&1 || die "$c not found (make deps installs it)"
done

# The recipe's hash: every file of this folder, by name and contents.
recipe=$(cd "$HERE" && find . -type f | LC_ALL=C sort | while read -r f; do
	printf '%s\n' "$f"
	sha256sum <"$f"
done | sha256sum | cut -c1-64)
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9

# ---------------------------------------------------------------- the tree
if [ $force = 1 ] || [ "$(cat "$out/rootfs.stamp" 2>/dev/null)" != "$recipe" ]; then
	say "building the Debian bookworm tree with mmdebstrap (a few minutes)"
	# an interrupted mmdebstrap leaves its mounts (proc, sys, dev/pts,
	# dev/shm) in the tree: unmount them first, deepest first, and never let
	# rm cross into another file system
	tree=$(cd "$out" && pwd)/rootfs
	awk -v t="$tree/" 'index($2, t) == 1 { print $2 }' /proc/mounts | sort -r |
		while read -r m; do umount "$m" || umount -l "$m"; done
	if awk -v t="$tree/" 'index($2, t) == 1 { f = 1 } END { exit !f }' /proc/mounts; then
		die "file systems still mounted under $tree"
	fi
	rm -rf --one-file-system "$out/rootfs" "$out/esp" "$out/rootfs.stamp"
	set --
	while read -r line; do
		[ -n "$line" ] && set -- "$@" "$line"
	done <<EOF
$(sh "$TOP/initrd/deps.sh" sources)
EOF
	[ $# -gt 0 ] || die "no apt sources"
	SZTP_RECIPE=$HERE SZTP_ROOT_UUID=$ROOT_UUID SZTP_ESP_UUID=$ESP_UUID \
	mmdebstrap --mode=root --variant=minbase --include="$PACKAGES" \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-include=/usr/share/doc/*/copyright' \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt='path-exclude=/usr/share/info/*' \
		--essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" &&
			printf "MODULES=most\nCOMPRESS=zstd\n" >"$1/etc/initramfs-tools/conf.d/sztp.conf"' \
		--customize-hook="sh '$HERE/customize.sh' \"\$1\"" \
		bookworm "$out/rootfs" "$@" >"$out/mmdebstrap.log" 2>&1 ||
		{ tail -n 30 "$out/mmdebstrap.log" >&2; die "mmdebstrap failed: $out/mmdebstrap.log"; }
	mv "$out/rootfs/boot/efi" "$out/esp"
	mkdir -m 0700 "$out/rootfs/boot/efi"
	cp "$out/rootfs/usr/lib/os-release" "$out/os-release.debian"
	kver=$(cd "$out/rootfs/boot" && ls vmlinuz-* | sed 's/^vmlinuz-//' | sort -V | tail -n1)
	printf '%s\n' "$kver" >"$out/kver"
	echo "$recipe" >"$out/rootfs.stamp"
fi
kver=$(cat "$out/kver")

# ---------------------------------------------------------------- the images
mib() { du -sm --apparent-size "$1" | cut -f1; }
for v in $versions; do
	img=$out/debian-$v.img
	if [ $force = 0 ] && [ "$(cat "$img.stamp" 2>/dev/null)" = "$recipe" ] &&
		[ -f "$img.zst" ] && [ -f "$img.zst.sha256" ]; then
		continue
	fi
	say "assembling $img.zst (IMAGE_VERSION=$v, kernel $kver)"
	rm -f "$img.stamp"
	w=$(mktemp -d "$out/.work.XXXXXX")
	# os-release: Debian's, plus which image this is
	{ cat "$out/os-release.debian"; echo "IMAGE_ID=sztp-debian"; echo "IMAGE_VERSION=$v"; } \
		>"$out/rootfs/usr/lib/os-release"
	# the ESP: FAT32 (mkfs.vfat -F 32 needs at least 32 MiB), files by mcopy
	mkfs.vfat -F 32 -n ESP -i "$ESP_VOLID" -C "$w/esp.fs" $((ESP_MIB * 1024)) >/dev/null
	MTOOLS_SKIP_CHECK=1 mcopy -s -p -m -i "$w/esp.fs" "$out/esp"/* ::/
	# the root: ext4 from the tree
	used=$(du -sm "$out/rootfs" | cut -f1)
	rmib=$((used + used / 10 + ROOT_SLACK_MIB))
	E2FSPROGS_FAKE_TIME=1700000000 mkfs.ext4 -q -F -L root -U "$FS_UUID" \
		-E hash_seed="$FS_UUID" -d "$out/rootfs" "$w/root.fs" "${rmib}M"
	e2fsck -fn "$w/root.fs" >/dev/null 2>&1 || die "e2fsck found errors in the new root file system"
	# the disk: 1 MiB, ESP, root, 1 MiB for the backup GPT
	total=$((1 + ESP_MIB + rmib + 1))
	truncate -s "${total}M" "$w/disk"
	sfdisk -q "$w/disk" <<EOF
label: gpt
label-id: $DISK_GUID
unit: sectors
first-lba: 2048

start=2048, size=$((ESP_MIB * 2048)), type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=$ESP_UUID, name="esp"
start=$(((1 + ESP_MIB) * 2048)), size=$((rmib * 2048)), type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, uuid=$ROOT_UUID, name="root"
EOF
	dd if="$w/esp.fs" of="$w/disk" bs=1M seek=1 conv=notrunc,sparse status=none
	dd if="$w/root.fs" of="$w/disk" bs=1M seek=$((1 + ESP_MIB)) conv=notrunc,sparse status=none
	zstd -q -T0 -9 --rm -f "$w/disk" -o "$w/disk.zst"
	mv "$w/disk.zst" "$img.zst"
	sha256sum "$img.zst" | cut -c1-64 >"$img.zst.sha256"
	cat >"$out/info" <<EOF
KVER=$kver
DISK_GUID=$DISK_GUID
ESP_UUID=$ESP_UUID
ROOT_UUID=$ROOT_UUID
FS_UUID=$FS_UUID
ESP_MIB=$ESP_MIB
ROOT_MIB=$rmib
DISK_MIB=$total
EOF
	rm -rf "$w"
	echo "$recipe" >"$img.stamp"
	say "$img.zst: $(mib "$img.zst") MiB compressed, $total MiB disk"
done
cp "$out/os-release.debian" "$out/rootfs/usr/lib/os-release"
