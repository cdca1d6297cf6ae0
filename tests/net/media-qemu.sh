#!/bin/sh
# media-qemu.sh: the removable-media boot in QEMU (qemu/media-test.sh), run
# with the network suite because it is the network stage's end-to-end test:
# a vfat medium labelled SZTP, VLAN creation in the guest kernel, a DHCP
# timeout, onboarding from the medium with no bootstrap server.
# Skipped (reported as one failure with the reason) when there is no
# kernel or initramfs recipe to boot.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/common.sh"
if [ ! -f "$TOP/build/kernel/vmlinuz" ] || ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	t_setup_fail "no build/kernel/vmlinuz or no qemu-system-x86_64"
fi
exec sh "$TOP/qemu/media-test.sh"
