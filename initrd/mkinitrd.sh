#!/bin/sh
# mkinitrd.sh: assemble build/initrd.img, a reproducible xz-compressed cpio
# (newc) archive: same inputs, same bytes.
#
#   mkinitrd.sh --agent FILE --kernel DIR --anchors DIR --modules LIST
#               [--busybox FILE] [--extra-modules "a b"] [--device DIR]
#               [--overlay DIR] --out FILE
#
# --busybox: the busybox binary and its applets (default /bin/busybox, Debian's
# busybox-static; the build passes its own, with only the applets listed in
# initrd/busybox.applets).
#
# The tree, in order of assembly:
#   /init                        the agent (a regular file, as switch_root needs)
#   /bin/busybox + applet links  scripts, hooks and the emergency shell
#   /lib/modules/KVER/           the modules in LIST plus dependencies, depmod'ed
#   /etc/sztp/anchors/{bootstrap,voucher}/   trust anchors from --anchors
#   /etc/sztp/device/            a lab device identity from --device (chain.pem,
#                                idevid.pem, idevid.key): for machines without
#                                a TPM-held IDevID; never for a fleet image
#   initrd/rootfs/               static files (defaults)
#   hooks/                       hook points -> /etc/sztp/hooks/ (not hooks/os/)
#   --overlay DIR                the operator's own files, copied last
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
agent= kdir= anchors= modlist= extra= overlay= device= out= busybox=/bin/busybox
while [ $# -gt 0 ]; do
	case $1 in
	--agent) agent=$2; shift 2 ;;
	--busybox) busybox=$2; shift 2 ;;
	--kernel) kdir=$2; shift 2 ;;
	--anchors) anchors=$2; shift 2 ;;
	--modules) modlist=$2; shift 2 ;;
	--extra-modules) extra=$2; shift 2 ;;
	--overlay) overlay=$2; shift 2 ;;
	--device) device=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	*) echo "mkinitrd: unknown argument $1" >&2; exit 2 ;;
	esac
done
die() { echo "mkinitrd: error: $*" >&2; exit 1; }
[ -f "$agent" ] || die "agent $agent not found"
[ -x "$busybox" ] || die "busybox $busybox not found"
[ -f "$kdir/version" ] || die "kernel directory $kdir has no version file (run make deps)"
[ -d "$anchors/bootstrap" ] || die "anchors: $anchors/bootstrap/ missing"
[ -d "$anchors/voucher" ] || die "anchors: $anchors/voucher/ missing"

abs() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }
agent=$(abs "$agent"); busybox=$(abs "$busybox"); kdir=$(abs "$kdir"); anchors=$(abs "$anchors"); modlist=$(abs "$modlist")
out=$(abs "$out")
[ -z "$overlay" ] || overlay=$(abs "$overlay")
[ -z "$device" ] || device=$(abs "$device")
kver=$(cat "$kdir/version")
kroot=$kdir/root
root=$(dirname "$out")/initrd-root
rm -rf "$root"
umask 022
mkdir -p "$root"
cd "$root"
mkdir -p bin sbin usr/bin usr/sbin dev proc sys run tmp sysroot var etc/sztp/hooks \
	etc/sztp/anchors/bootstrap etc/sztp/anchors/voucher "lib/modules/$kver"
chmod 1777 tmp

# --- the agent and busybox
cp "$agent" init
chmod 0755 init
cp "$busybox" bin/busybox
"$busybox" --list-full | while read -r p; do
	case $p in
	linuxrc|sbin/init|bin/busybox) continue ;;
	esac
	[ -e "$p" ] && continue
	d=$(dirname "$p")
	# relative link back to /bin/busybox
	rel=$(echo "$d" | sed 's|[^/][^/]*|..|g')
	ln -s "$rel/bin/busybox" "$p"
done

# --- kernel modules
# The Debian package ships no modules.dep: make one for the package tree first.
[ -f "$kroot/lib/modules/$kver/modules.dep.bin" ] || depmod -b "$kroot" "$kver"
names=$(sed -e 's/#.*//' "$modlist" | tr -s ' \t' '\n\n' | grep -v '^$' || true)
names="$names $extra"
: >"$root/.modfiles"
for m in $names; do
	if ! deps=$(modprobe -d "$kroot" -S "$kver" --show-depends "$m" 2>/dev/null); then
		echo "mkinitrd: module $m: not in kernel $kver, skipped" >&2
		continue
	fi
	printf '%s\n' "$deps" | awk '$1=="insmod" { print $2 }' >>"$root/.modfiles"
done
sort -u "$root/.modfiles" | while read -r f; do
	rel=${f#"$kroot"/}
	mkdir -p "$(dirname "$rel")"
	cp "$f" "$rel"
done
rm -f "$root/.modfiles"
for f in modules.builtin modules.builtin.modinfo modules.order; do
	cp "$kroot/lib/modules/$kver/$f" "lib/modules/$kver/"
done
depmod -b "$root" "$kver"
nmod=$(find "lib/modules/$kver" -name '*.ko*' | wc -l)

# --- trust anchors, defaults, hooks, overlay
for kind in bootstrap voucher; do
	for f in "$anchors/$kind"/*.pem "$anchors/$kind"/*.der "$anchors/$kind"/*.crt; do
		[ -f "$f" ] && cp "$f" "etc/sztp/anchors/$kind/"
	done
done
[ -n "$(ls etc/sztp/anchors/bootstrap)" ] ||
	echo "mkinitrd: warning: no bootstrap-server anchors: every server will be untrusted" >&2
[ -n "$(ls etc/sztp/anchors/voucher)" ] ||
	echo "mkinitrd: warning: no voucher anchors: signed data can never validate" >&2
if [ -n "$device" ]; then
	for f in chain.pem idevid.pem idevid.key; do
		[ -f "$device/$f" ] || die "device identity: $device/$f missing"
	done
	mkdir -p etc/sztp/device
	cp "$device/chain.pem" "$device/idevid.pem" etc/sztp/device/
	install -m 0600 "$device/idevid.key" etc/sztp/device/idevid.key
	chmod 0700 etc/sztp/device
fi
cp -R "$TOP/initrd/rootfs/." .
# hooks/<point>/ only: hooks/os/ holds tools for the provisioned OS
[ -d "$TOP/hooks" ] && cp -R "$TOP/hooks/." etc/sztp/hooks/
rm -rf etc/sztp/hooks/README.md etc/sztp/hooks/os
[ -n "$overlay" ] && cp -R "$overlay/." .

# /dev/console lets the kernel give /init a console before devtmpfs is mounted.
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 dev/console c 5 1
fi

# --- reproducible archive: fixed times, owners and order; inode numbers renumbered.
# xz -9e (CRC32, as the kernel's decoder wants; CONFIG_RD_XZ): 10% smaller
# than zstd -19 and zstd --ultra -22 --long here (4.98 against 5.53 and
# 5.50 MB for the same cpio); the modules are most of it and cannot be
# stripped (their signatures would go, and Secure Boot's lockdown refuses
# unsigned modules).
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$TOP" log -1 --format=%ct 2>/dev/null || echo 0)}
find . -exec touch -h -d "@$epoch" {} +
find . -print0 | LC_ALL=C sort -z |
	cpio --quiet -o -0 -H newc --reproducible --owner=0:0 |
	xz --check=crc32 --lzma2=preset=9e -T1 -c >"$out.tmp"
mv "$out.tmp" "$out"
echo "mkinitrd: $out: $(stat -c %s "$out") bytes, kernel $kver, $nmod modules" >&2
