#!/bin/sh
# tests/install/mkimage.sh OUTDIR [--name NAME] [--version V] [--size 64M] [--kver KVER]
#
# Builds the small test OS that SZTP installs in the tests and the demo:
#   OUTDIR/os.img            a GPT disk image: one ext4 partition of the
#                            Discoverable Partitions Specification x86-64 root
#                            type (4f68bce3-...), label "root", from 1 MiB on
#   OUTDIR/os.img.gz, .xz, .zst   the same, compressed
#   OUTDIR/os.img*.sha256    the SHA-256 of each file (hex, one line)
# The root file system (mkfs.ext4 -d) holds busybox (static), /etc/os-release
# (NAME, ID, VERSION_ID, PRETTY_NAME), an SSH host key, the module index files
# of build/kernel (lib/modules/KVER/modules.*: enough for the agent to see that
# the new root fits the running kernel and switch_root into it) and /sbin/init,
# which prints its os-release and the configuration SZTP applied, then powers
# off. Reproducible (fixed UUIDs and timestamps) except the SSH host key.
#
# Without arguments (as tests/run.sh runs every tests/install/*.sh) it checks
# itself: builds into a temporary directory and verifies the table, the file
# system and the compressed copies, printing ok/FAIL lines and the count.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
if [ $# -eq 0 ]; then
	. "$TOP/tests/lib/common.sh"
	t_tmpdir sztp-mkimage
	t=$T_TMP
	c() { n=$1; shift; if "$@" >/dev/null 2>&1; then t_ok "$n"; else t_fail "$n"; fi; }
	c "mkimage builds the image" sh "$0" "$t/o" --version 7.7
	c "GPT with the DPS x86-64 root type" sh -c "sfdisk -d '$t/o/os.img' | grep -qi 'type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709'"
	c "ext4 root is clean and has os-release 7.7" sh -c "dd if='$t/o/os.img' of='$t/fs' bs=512 skip=2048 status=none &&
		e2fsck -fn '$t/fs' && debugfs -R 'cat /etc/os-release' '$t/fs' 2>/dev/null | grep -q VERSION_ID=7.7 &&
		debugfs -R 'stat /sbin/init' '$t/fs' 2>/dev/null | grep -q 'Mode:  0755'"
	c "gz/xz/zst copies decompress to the image" sh -c "cd '$t/o' && gzip -dc os.img.gz | cmp - os.img &&
		xz -dc os.img.xz | cmp - os.img && zstd -qdc os.img.zst | cmp - os.img"
	c "sha256 files match" sh -c "cd '$t/o' && for x in os.img os.img.gz os.img.xz os.img.zst; do
		[ \"\$(sha256sum \$x | cut -c1-64)\" = \"\$(cat \$x.sha256)\" ] || exit 1; done"
	t_summary
	exit
fi
out=$1
shift
name="SZTP Demo OS" version=1.0 size=64M kver=
while [ $# -gt 0 ]; do
	case $1 in
	--name) name=$2; shift 2 ;;
	--version) version=$2; shift 2 ;;
	--size) size=$2; shift 2 ;;
	--kver) kver=$2; shift 2 ;;
	*) echo "mkimage.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -n "$kver" ] || kver=$(cat "$TOP/build/kernel/version" 2>/dev/null || uname -r)
busybox=$(command -v busybox)
file -L "$busybox" | grep -q 'statically linked' || { echo "mkimage.sh: $busybox is not static" >&2; exit 1; }
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
r=$tmp/root
mkdir -p "$r/bin" "$r/sbin" "$r/etc/ssh" "$r/dev" "$r/proc" "$r/sys" "$r/run" "$r/tmp" \
	"$r/var/log" "$r/var/lib" "$r/root" "$r/lib/modules/$kver"
cp "$busybox" "$r/bin/busybox"
for a in sh cat ls echo mount umount poweroff reboot sleep grep find head sed uname; do
	ln -s busybox "$r/bin/$a"
done
if [ -d "$TOP/build/kernel/root/lib/modules/$kver" ]; then
	cp "$TOP"/build/kernel/root/lib/modules/"$kver"/modules.* "$r/lib/modules/$kver/" 2>/dev/null || true
fi
id=$(printf '%s' "$name" | tr 'A-Z ' 'a-z-')
cat > "$r/etc/os-release" <<OSR
NAME="$name"
ID=$id
VERSION_ID=$version
VERSION="$version"
PRETTY_NAME="$name $version"
OSR
echo "sztp-demo" > "$r/etc/hostname"
# The agent itself, as a tool of the provisioned OS: it replays the
# provisioning event log that /run carried over and checks it against the TPM.
if [ -x "$TOP/build/sztpboot" ]; then
	mkdir -p "$r/usr/sbin"
	cp "$TOP/build/sztpboot" "$r/usr/sbin/sztpboot"
fi
if command -v ssh-keygen >/dev/null; then
	ssh-keygen -q -t ed25519 -N '' -C "root@sztp-demo" -f "$r/etc/ssh/ssh_host_ed25519_key"
fi
cat > "$r/sbin/init" <<'INIT'
#!/bin/sh
# The provisioned OS: show what SZTP installed, then power off.
export PATH=/bin:/sbin
[ -e /proc/self ] || mount -t proc proc /proc
echo "SZTP-DEMO-OS: hello from the provisioned OS (pid $$, kernel $(uname -r))"
echo "SZTP-DEMO-OS: /etc/os-release:"
sed 's/^/SZTP-DEMO-OS:   /' /etc/os-release
echo "SZTP-DEMO-OS: configuration applied by SZTP:"
if [ -f /var/lib/sztp/config.manifest ]; then
	sed 's/^/SZTP-DEMO-OS:   manifest: /' /var/lib/sztp/config.manifest
	for f in $(sed -n 's/^f //p' /var/lib/sztp/config.manifest); do
		echo "SZTP-DEMO-OS:   /$f: $(head -c 200 "/$f" | tr '\n' ' ')"
	done
else
	echo "SZTP-DEMO-OS:   (none)"
fi
for f in /var/lib/sztp-demo/*; do
	[ -f "$f" ] && echo "SZTP-DEMO-OS:   script marker $f: $(cat "$f")"
done
ls /var/log/sztp/ 2>/dev/null | sed 's/^/SZTP-DEMO-OS:   log: /'
# the provisioning's result, as fleet tooling reads it (docs/events.md)
ev=$(ls /var/log/sztp/events-*.jsonl 2>/dev/null | tail -n 1)
[ -n "$ev" ] && echo "SZTP-DEMO-OS: last event in $ev: $(tail -n 1 "$ev")"
# all of it, one console line each, for the test to check against the schema
[ -n "$ev" ] && sed 's/^/SZTP-DEMO-EV: /' "$ev"
[ -f /run/sztp/events.jsonl ] && echo "SZTP-DEMO-OS: last event in /run/sztp/events.jsonl: $(tail -n 1 /run/sztp/events.jsonl)"
if [ -f /run/sztp/tpm2-measure.log ] && [ -x /usr/sbin/sztpboot ]; then
	echo "SZTP-DEMO-OS: provisioning event log /run/sztp/tpm2-measure.log, replayed against the TPM:"
	/usr/sbin/sztpboot tpm replay --check 2>&1 | sed 's/^/SZTP-DEMO-OS:   tpm replay: /'
fi
echo "SZTP-DEMO-OS: powering off"
sync
poweroff -f
sleep 5
INIT
chmod 755 "$r/sbin/init"
find "$r" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

# partition table first, to learn the partition's size
img=$tmp/os.img
truncate -s "$size" "$img"
printf 'label: gpt\nlabel-id: 5A5A5A5A-0000-4000-8000-00000000D15C\n'\
'start=2048, type=4f68bce3-e8cd-4db1-96e7-fbcaf984b709, name=root, '\
'uuid=5A5A5A5A-0000-4000-8000-0000000000A1\n' | sfdisk -q "$img"
start=$(sfdisk -d "$img" | sed -n 's/.*start= *\([0-9]*\),.*size= *\([0-9]*\),.*/\1/p')
sectors=$(sfdisk -d "$img" | sed -n 's/.*start= *[0-9]*, size= *\([0-9]*\),.*/\1/p')
mkfs.ext4 -q -F -L root -U 5a5a5a5a-0000-4000-8000-0000000000f5 -E root_owner=0:0 \
	-O ^has_journal -d "$r" "$tmp/root.ext4" "$((sectors / 2))k" >/dev/null
dd if="$tmp/root.ext4" of="$img" bs=512 seek="$start" conv=notrunc status=none
cp "$img" "$out/os.img"
rm -f "$out/os.img.gz" "$out/os.img.xz" "$out/os.img.zst"
gzip -n -9 -c "$img" > "$out/os.img.gz"
xz -T1 -c "$img" > "$out/os.img.xz"
zstd -q -19 -c "$img" > "$out/os.img.zst"
for f in os.img os.img.gz os.img.xz os.img.zst; do
	sha256sum "$out/$f" | cut -c1-64 > "$out/$f.sha256"
done
echo "mkimage.sh: $out/os.img ($name $version, $size; kernel modules index for $kver): $(cat "$out/os.img.zst.sha256") os.img.zst"
