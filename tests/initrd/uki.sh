#!/bin/sh
# tests/initrd/uki.sh: the UKI builder (initrd/mkuki.sh). Builds a UKI twice
# from build/kernel/vmlinuz and build/initrd.img into a temporary directory
# and checks that the bytes are equal, that every section holds exactly its
# input, that .initrd is the last section (docs/netboot.md replaces it),
# that bad input is refused, and that build/sztpboot.efi (when made) carries
# build/sztpboot.cmdline. Needs objcopy/objdump (binutils) and the stub
# (systemd-boot-efi).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=$TOP/build
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
no() { echo "FAIL $1: $2"; fail=$((fail + 1)); }
CMDLINE='console=ttyS0 sztp.url="https://bootstrap.example:8443" x=a b'

build() {
	sh "$TOP/initrd/mkuki.sh" --kernel "$B/kernel/vmlinuz" --initrd "$B/initrd.img" \
		--cmdline "$CMDLINE" --version 1.2.3 --out "$tmp/$1.efi" 2>"$tmp/$1.log"
}
# section FILE NAME: the section's bytes on stdout (objcopy writes a file:
# it replaces its output by renaming, so never a device)
section() {
	rm -f "$tmp/sec"
	objcopy -O binary --only-section="$2" "$1" "$tmp/sec" 2>/dev/null && cat "$tmp/sec"
}

if build a && sleep 1 && build b; then
	cmp -s "$tmp/a.efi" "$tmp/b.efi" && ok reproducible ||
		no reproducible "two builds from the same inputs differ"
else
	no reproducible "mkuki failed: $(cat "$tmp/a.log" "$tmp/b.log" 2>/dev/null | tail -n 3)"
fi

u=$tmp/a.efi
objdump -p "$u" 2>/dev/null | grep -q 'Subsystem.*EFI application' && ok pe-efi-application ||
	no pe-efi-application "not a PE EFI application"
section "$u" .linux >"$tmp/linux" && cmp -s "$tmp/linux" "$B/kernel/vmlinuz" &&
	ok linux-section || no linux-section ".linux is not build/kernel/vmlinuz"
section "$u" .initrd >"$tmp/initrd" && cmp -s "$tmp/initrd" "$B/initrd.img" &&
	ok initrd-section || no initrd-section ".initrd is not build/initrd.img"
[ "$(section "$u" .cmdline)" = "$CMDLINE" ] && ok cmdline-section ||
	no cmdline-section ".cmdline is \"$(section "$u" .cmdline)\""
section "$u" .osrel | grep -qx 'VERSION_ID=1.2.3' && section "$u" .osrel | grep -qx 'ID=sztp-initrd' &&
	ok osrel-section || no osrel-section ".osrel lacks ID=sztp-initrd / VERSION_ID=1.2.3"
last=$(objdump -h "$u" | awk '$1 ~ /^[0-9]+$/ { n = $2 } END { print n }')
[ "$last" = .initrd ] && ok initrd-last || no initrd-last "the last section is $last"
# the stub's own sections are still there (the SBAT data Secure Boot shims check)
objdump -h "$u" | grep -q ' \.sbat ' && objdump -h "$u" | grep -q ' \.sdmagic ' &&
	ok stub-sections-kept || no stub-sections-kept ".sbat or .sdmagic missing"

# refused input
sh "$TOP/initrd/mkuki.sh" --kernel "$tmp/none" --initrd "$B/initrd.img" --cmdline x \
	--out "$tmp/c.efi" 2>"$tmp/c.log" && no missing-kernel "accepted a missing kernel" ||
	{ grep -q 'kernel .* not found' "$tmp/c.log" && [ ! -e "$tmp/c.efi" ] && ok missing-kernel ||
		no missing-kernel "wrong message: $(cat "$tmp/c.log")"; }
sh "$TOP/initrd/mkuki.sh" --kernel "$B/kernel/vmlinuz" --initrd "$B/initrd.img" \
	--out "$tmp/d.efi" 2>"$tmp/d.log" && no missing-cmdline "accepted no --cmdline" ||
	{ grep -q 'cmdline missing' "$tmp/d.log" && ok missing-cmdline ||
		no missing-cmdline "wrong message: $(cat "$tmp/d.log")"; }
sh "$TOP/initrd/mkuki.sh" --kernel "$B/kernel/vmlinuz" --initrd "$B/initrd.img" --cmdline x \
	--version 'a"b' --out "$tmp/e.efi" 2>"$tmp/e.log" && no bad-version "accepted a quote in --version" ||
	ok bad-version

# what make built
if [ -f "$B/sztpboot.efi" ] && [ -f "$B/sztpboot.cmdline" ]; then
	[ "$(section "$B/sztpboot.efi" .cmdline)" = "$(cat "$B/sztpboot.cmdline")" ] &&
		ok make-uki-cmdline || no make-uki-cmdline "build/sztpboot.efi's .cmdline differs from build/sztpboot.cmdline"
else
	no make-uki-cmdline "build/sztpboot.efi not made (make uki)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
