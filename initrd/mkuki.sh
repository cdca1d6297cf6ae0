#!/bin/sh
# mkuki.sh: assemble build/sztpboot.efi, a Unified Kernel Image: the systemd
# EFI stub (Debian systemd-boot-efi) with the kernel, the initramfs, a command
# line and an os-release added as PE sections, so that UEFI firmware (HTTP
# boot, a boot entry, a boot manager) starts the whole stage as one file.
#
#   mkuki.sh --kernel FILE --initrd FILE --cmdline "WORDS" --out FILE
#            [--stub FILE] [--version STRING]
#
# The sections follow the stub's own, each at the next 4 KiB boundary:
#   .osrel    os-release of this stage (NAME=sztp-initrd, VERSION_ID=--version)
#   .cmdline  the command line, no trailing newline
#   .initrd   the initramfs as given (more cpio archives may be concatenated)
#   .linux    the kernel (a bzImage with an EFI handover entry)
# Reproducible: the same inputs give the same bytes (--preserve-dates keeps
# the stub's PE time stamp, 0, where objcopy would write the time of day).
# docs/netboot.md says what the stub does with the command line.
set -eu

stub=/usr/lib/systemd/boot/efi/linuxx64.efi.stub
kernel= initrd= cmdline= out= version=unknown
have_cmdline=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--cmdline) cmdline=$2; have_cmdline=1; shift 2 ;;
	--stub) stub=$2; shift 2 ;;
	--version) version=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	*) echo "mkuki: unknown argument $1" >&2; exit 2 ;;
	esac
done
die() { echo "mkuki: error: $*" >&2; exit 1; }
[ -f "$stub" ] || die "no EFI stub at $stub (Debian package systemd-boot-efi)"
[ -f "$kernel" ] || die "kernel $kernel not found"
[ -f "$initrd" ] || die "initramfs $initrd not found"
[ -n "$out" ] || die "--out missing"
[ $have_cmdline = 1 ] || die "--cmdline missing (may be empty: \"\")"
command -v objcopy >/dev/null || die "objcopy not found (Debian package binutils)"
command -v objdump >/dev/null || die "objdump not found (Debian package binutils)"
case $version in *[!A-Za-z0-9._+~-]*) die "version \"$version\": letters, digits and ._+~- only" ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkuki.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

printf '%s' "$cmdline" >"$tmp/cmdline"
cat >"$tmp/osrel" <<EOF
NAME="sztp-initrd"
ID=sztp-initrd
VERSION_ID=$version
PRETTY_NAME="sztp-initrd $version (RFC 8572 zero-touch provisioning stage)"
EOF

# The first free address after the stub's last section, 4 KiB aligned.
end=0
for e in $(objdump -h "$stub" | awk '$1 ~ /^[0-9]+$/ { print "0x" $4 ":0x" $3 }'); do
	a=${e%:*} n=${e#*:}
	[ $((a + n)) -gt "$end" ] && end=$((a + n))
done
[ "$end" -gt 0 ] || die "cannot read the sections of $stub"
align() { echo $(( ($1 + 4095) / 4096 * 4096 )); }

set --
vma=$(align "$end")
for s in osrel:"$tmp/osrel" cmdline:"$tmp/cmdline" linux:"$kernel" initrd:"$initrd"; do
	name=${s%%:*} file=${s#*:}
	set -- "$@" --add-section ".$name=$file" \
		--change-section-vma ".$name=$(printf '0x%x' "$vma")" \
		--set-section-flags ".$name=data,readonly"
	vma=$(align $((vma + $(stat -c %s "$file"))))
done

objcopy --preserve-dates "$@" "$stub" "$tmp/uki.efi" || die "objcopy failed"

# Check what we made: every section there, at the size of its input.
for s in osrel:"$tmp/osrel" cmdline:"$tmp/cmdline" linux:"$kernel" initrd:"$initrd"; do
	name=${s%%:*} file=${s#*:}
	sz=$(objdump -h "$tmp/uki.efi" | awk -v n=".$name" '$2 == n { print "0x" $3 }')
	[ -n "$sz" ] && [ $((sz)) = "$(stat -c %s "$file")" ] || die "section .$name: size ${sz:-none}, want $(stat -c %s "$file")"
done
# --preserve-dates also gave the file the stub's modification time: make
# must see it as new.
touch "$tmp/uki.efi"
mv "$tmp/uki.efi" "$out"
