#!/bin/sh
# media-qemu-vendor.sh: the vendors' removable-media layout in QEMU
# (qemu/media-test.sh vendor): a USB stick laid out as Cisco's
# sztp-usb-loader writes it (<vendor>/<serial>/bootstrapping-data/, .vcj),
# the boot image on the stick named file:///disk0:/images/os.img.zst; the
# guest installs it onto its disk and switch_roots into it.
# Skipped (reported as one failure with the reason) when there is no
# kernel or QEMU to boot.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/common.sh"
if [ ! -f "$TOP/build/kernel/vmlinuz" ] || ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	t_setup_fail "no build/kernel/vmlinuz or no qemu-system-x86_64"
fi
exec sh "$TOP/qemu/media-test.sh" vendor
