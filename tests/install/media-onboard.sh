#!/bin/sh
# tests/install/media-onboard.sh: onboarding from a removable medium in the
# vendors' layout, on a host: `sztpboot run --media-dir MNT --target-disk LOOP`
# (the device's media path: media_read_root(), local untrusted data, the
# medium's root carried to the image source) with no bootstrap server:
#   - a vfat medium (loop-mounted read-only, as the device mounts one) laid
#     out as Cisco's sztp-usb-loader writes it: EN9/<serial>/bootstrapping-data/
#     with ownership-voucher.vcj, the image in images/, download-uri
#     file:///disk2:/images/os.img.zst and file:///disk3:/... with the hash
#     repeated per URI as that tool does; a decoy directory for the serial in
#     lower case (vfat looks names up ignoring case: the agent must not);
#     the image is written and verified, no progress is reported;
#   - a plain directory medium whose download-uris try to leave it: a
#     symbolic link to the real image, a "..", and an absolute path that
#     exists on the host but not on the medium: all refused, boot-image-error;
#   - an unsigned redirect on the medium (/sztp/) to a bootstrap server whose
#     onboarding information names the image with a host path (file://):
#     a server's file:// keeps its local meaning.
# Needs root (loop devices, mount). Without mkfs.vfat or a kernel that mounts
# vfat the first medium is a plain directory (qemu/media-test.sh has vfat). Prints ok/FAIL lines, ends "N passed, N failed".
. "$(dirname "$0")/../client/lib.inc"
IMG=$top/build/install
MK="sh $top/keys/mkartifacts.sh"

[ "$(id -u)" -eq 0 ] || t_setup_fail "needs root (loop devices, mount)"
if [ ! -f "$IMG/os.img.zst.sha256" ] || [ "$top/tests/install/mkimage.sh" -nt "$IMG/os.img" ]; then
	sh "$top/tests/install/mkimage.sh" "$IMG" >/dev/null || t_setup_fail "mkimage.sh failed"
fi
SERIAL=$(cat "$pki/device/serial.txt")
SHA=$(cat "$IMG/os.img.zst.sha256")
loop="" mnt=$tmp/mnt
cleanup_loop() {
	mountpoint -q "$tmp/sysroot" 2>/dev/null && umount "$tmp/sysroot"
	mountpoint -q "$mnt" 2>/dev/null && umount "$mnt"
	if [ -n "$loop" ]; then
		for p in "$loop"p*; do [ -b "$p" ] && umount "$p" 2>/dev/null; done
		losetup -d "$loop" 2>/dev/null
	fi
	return 0
}
t_at_exit cleanup_loop
truncate -s 96M "$tmp/disk.img"
loop=$(losetup -f --show -P "$tmp/disk.img") || t_setup_fail "losetup failed"
mkdir -p "$tmp/sysroot" "$tmp/run" "$mnt"

# signed SET_DIR ONBOARDING_JSON [VOUCHER_NAME]: a signed set for this device
signed() {
	mkdir -p "$1"
	$MK voucher --pki "$pki" --serial "$SERIAL" >"$1/${3:-ownership-voucher.vcj}" &&
		$MK owner-cert --pki "$pki" >"$1/owner-certificate.cms" &&
		$MK conveyed --pki "$pki" --json "$2" >"$1/conveyed-information.cms" ||
		t_setup_fail "mkartifacts failed"
}
# onboarding JSON with the given download-uris, the hash once per URI
conveyed() {
	python3 "$top/tests/install/mkconveyed.py" --sha256 "$SHA" --os-name "SZTP Demo OS" \
		--os-version 1.0 "$@" | python3 -c '
import json, sys
d = json.load(sys.stdin)
bi = d["ietf-sztp-conveyed-info:onboarding-information"]["boot-image"]
bi["image-verification"] = bi["image-verification"] * len(bi["download-uri"])
print(json.dumps(d))'
}
media_run() { # DIR [URL...]
	d=$1; shift
	client --max-rounds 1 --target-disk "$loop" --target-root "$tmp/sysroot" \
		--run-dir "$tmp/run" --media-dir "$d" "$@"
}
has() { printf '%s\n' "$out" | grep -qE -- "$1"; }

# ---- 1. the vendor layout on vfat, the image on the medium
stage=$tmp/stage
conveyed --uri "file:///disk2:/images/os.img.zst" --uri "file:///disk3:/images/os.img.zst" \
	>"$tmp/vendor.json"
signed "$stage/EN9/$SERIAL/bootstrapping-data" "$tmp/vendor.json"
mkdir -p "$stage/images"
cp "$IMG/os.img.zst" "$stage/images/"
# the decoy: the serial in lower case, in a directory read before EN9, with
# an image that would not verify
lower=$(printf '%s' "$SERIAL" | tr 'A-Z' 'a-z')
conveyed --uri "file:///images/decoy.img" >"$tmp/decoy.json"
signed "$stage/AAA/$lower/bootstrapping-data" "$tmp/decoy.json"
printf 'not the image' >"$stage/images/decoy.img"
kind="plain directory (no mkfs.vfat, or this kernel mounts no vfat)"
medium=$stage
if command -v mkfs.vfat >/dev/null 2>&1; then
	truncate -s 16M "$tmp/usb.img"
	mkfs.vfat -n USBSTICK "$tmp/usb.img" >/dev/null || t_setup_fail "mkfs.vfat failed"
	if mount -o loop "$tmp/usb.img" "$mnt" 2>/dev/null; then
		cp -r "$stage/." "$mnt/"
		mount -o remount,ro "$mnt" || t_setup_fail "remount read-only failed"
		kind=vfat medium=$mnt
	fi
fi
media_run "$medium"
if [ $rc -eq 0 ] && has "media: $medium:/EN9/$SERIAL/bootstrapping-data: conveyed-information [0-9]+ bytes, owner-certificate, ownership-voucher\.vcj \(signed\)" &&
   has "file:///disk2:/images/os\.img\.zst: $medium/images/os\.img\.zst \(on the medium" &&
   has "image written and verified" && ! has "/AAA/" && ! mountpoint -q "$tmp/sysroot"; then
	ok "vendor layout on a $kind medium: .vcj voucher, image from file:///disk2:/..., written and verified"
else
	bad "vendor layout onboarding" "rc=$rc"
fi
if has "progress will not be reported" && ! has "report-progress"; then
	ok "data from a medium: no progress reported (untrusted source)"
else
	bad "no progress reports for media" "a report was attempted"
fi
if mount -o ro "${loop}p1" "$tmp/sysroot" && grep -q 'VERSION_ID=1.0' "$tmp/sysroot/etc/os-release"; then
	ok "the disk holds the image from the medium"
else
	bad "installed root" "no os-release VERSION_ID=1.0"
fi
mountpoint -q "$tmp/sysroot" && umount "$tmp/sysroot"
mountpoint -q "$mnt" && umount "$mnt"

# ---- 2. download-uris that try to leave the medium
esc=$tmp/escape
mkdir -p "$esc/images"
ln -s "$IMG/os.img.zst" "$esc/images/os.img.zst"
conveyed --uri "file:///disk2:/images/os.img.zst" --uri "file:///disk2:/../os.img.zst" \
	--uri "file://$IMG/os.img.zst" >"$tmp/escape.json"
signed "$esc/EN9/$SERIAL/bootstrapping-data" "$tmp/escape.json" ownership-voucher.cms
dd if=/dev/zero of="$loop" bs=1M count=2 conv=fsync status=none
media_run "$esc"
if [ $rc -eq 1 ] && has "images/os\.img\.zst: a symbolic link \(refused\)" &&
   has '"\.\." in the path \(refused\)' && has "file://$IMG/os\.img\.zst: not on the medium" &&
   ! has "image written and verified" && ! sfdisk -d "$loop" >/dev/null 2>&1; then
	ok "a symlink, a '..' and a host path in download-uri: refused, nothing written"
else
	bad "escapes from the medium" "rc=$rc"
fi

# ---- 3. a medium's redirect: the server's file:// is a host path
p1=$(free_port)
red=$tmp/redirect
mkdir -p "$red/sztp"
printf '{"ietf-sztp-conveyed-info:redirect-information":{"bootstrap-server":[{"address":"127.0.0.1","port":%s}]}}\n' \
	"$p1" >"$tmp/redirect.json"
$MK conveyed --pki "$pki" --json "$tmp/redirect.json" --unsigned >"$red/sztp/conveyed-information.cms" ||
	t_setup_fail "mkartifacts (redirect) failed"
python3 "$top/tests/install/mkconveyed.py" --uri "file://$IMG/os.img.zst" --sha256 "$SHA" \
	--os-name "SZTP Demo OS" --os-version 1.0 >"$tmp/server.json"
cfg=$(python3 -c 'import json,sys; ci=json.load(open(sys.argv[1]))
print(json.dumps({"pki": sys.argv[2], "devices": {"*": {"signed": True,
  "onboarding": ci["ietf-sztp-conveyed-info:onboarding-information"]}}}))' "$tmp/server.json" "$pki")
start_server s1 "$p1" "$cfg"
dd if=/dev/zero of="$loop" bs=1M count=2 conv=fsync status=none
media_run "$red"
if [ $rc -eq 0 ] && has "media: $red:/sztp: conveyed-information [0-9]+ bytes \(unsigned\)" &&
   has "image written and verified" && ! has "on the medium"; then
	ok "redirect from a medium: the server's file:// names a host file, as before"
else
	bad "redirect from a medium" "rc=$rc"
fi
stop_server s1
t_summary
