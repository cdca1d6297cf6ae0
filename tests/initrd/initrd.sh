#!/bin/sh
# tests/initrd/initrd.sh: the initramfs builder. Builds build/sztpboot's
# initramfs twice from the same inputs into a temporary directory and checks
# that the bytes are equal, then checks what the archive holds.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=$TOP/build
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
no() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

build() {
	mkdir -p "$tmp/$1"
	sh "$TOP/initrd/mkinitrd.sh" --agent "$B/sztpboot" --busybox "$B/musl/bin/busybox" --kernel "$B/kernel" \
		--anchors "$B/pki/anchors" --modules "$TOP/initrd/modules.list" \
		${2:+--extra-modules "$2"} --out "$tmp/$1/initrd.img" 2>"$tmp/$1.log"
}

if build a && build b; then
	if cmp -s "$tmp/a/initrd.img" "$tmp/b/initrd.img"; then
		ok reproducible
	else
		no reproducible "two builds from the same inputs differ"
	fi
else
	no reproducible "mkinitrd failed: $(tail -n 3 "$tmp/a.log" "$tmp/b.log")"
fi

list=$tmp/list
xz -dc "$tmp/a/initrd.img" | cpio -t --quiet >"$list" 2>/dev/null
xz -dc "$tmp/a/initrd.img" | cpio -tv --quiet >"$list.v" 2>/dev/null
kver=$(cat "$B/kernel/version")

grep -q '^-rwxr-xr-x .* init$' "$list.v" && ok init-regular-file ||
	no init-regular-file "/init is not a regular executable file"
grep -qx 'bin/busybox' "$list" && grep -qx 'bin/sh' "$list" && grep -qx 'sbin/switch_root' "$list" &&
	ok busybox-applets || no busybox-applets "busybox, sh or switch_root missing"
# only the configured applets (initrd/busybox.applets), and the hook's tools among them
missing=""
for a in sbin/ip bin/cat usr/bin/cut usr/bin/tr usr/bin/tee bin/date bin/mount bin/dmesg usr/sbin/chroot; do
	grep -qx "$a" "$list" || missing="$missing $a"
done
n=$(grep -c -- '-> .*busybox$' "$list.v")
if [ -z "$missing" ] && [ "$n" -gt 50 ] && [ "$n" -lt 250 ]; then
	ok busybox-minimal
else
	no busybox-minimal "$n applet links, missing:$missing"
fi
grep -qx "lib/modules/$kver/modules.dep.bin" "$list" && grep -qx "lib/modules/$kver/modules.alias.bin" "$list" &&
	ok depmod-indexes || no depmod-indexes "modules.dep.bin / modules.alias.bin missing"
missing=""
for m in virtio_net virtio_blk e1000e igb ixgbe i40e mlx5_core nvme ahci ext4 vfat; do
	grep -q "/$m\.ko" "$list" || missing="$missing $m"
done
[ -z "$missing" ] && ok server-modules || no server-modules "missing:$missing"
# a dependency pulled in by modprobe --show-depends, not listed by name
grep -q '/jbd2\.ko' "$list" && grep -q '/mbcache\.ko' "$list" && ok module-dependencies ||
	no module-dependencies "ext4's dependencies jbd2/mbcache missing"
grep -q 'etc/sztp/anchors/bootstrap/.*\.pem' "$list" && grep -q 'etc/sztp/anchors/voucher/.*\.pem' "$list" &&
	ok trust-anchors || no trust-anchors "anchors not under etc/sztp/anchors/"
grep -qx 'etc/sztp/hooks/emergency/10-diagnostics.sh' "$list" && ok hooks || no hooks "hooks not copied"
grep -q '^etc/sztp/hooks/os' "$list" && no hooks-os "hooks/os/ (tools for the provisioned OS) is in the initramfs" ||
	ok hooks-os
if [ -s "$list.v" ] && awk '$3 != "root" || $4 != "root" { bad=1 } END { exit bad }' "$list.v"; then
	ok owners-root
else
	no owners-root "a file not owned by root"
fi

# EXTRA_MODULES adds a module (and its dependencies); an unknown name is skipped with a message.
if build c "qede no_such_module_xyz"; then
	xz -dc "$tmp/c/initrd.img" | cpio -t --quiet 2>/dev/null | grep -q '/qede\.ko' &&
		grep -q 'no_such_module_xyz: not in kernel' "$tmp/c.log" && ok extra-modules ||
		no extra-modules "qede not added or unknown module not reported"
else
	no extra-modules "mkinitrd failed"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
