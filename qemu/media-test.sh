#!/bin/sh
# media-test.sh [ours|vendor]: removable-media bootstrapping (RFC 8572
# section 4.1) in QEMU, with NO bootstrap server.
#
# ours (default): builds a vfat image labelled "SZTP" holding signed
# bootstrapping data for the test device (keys/mkartifacts.sh: ownership
# voucher for serial SZTP-DEMO-0001, owner certificate, signed onboarding
# information) in our layout of docs/network.md (/sztp/<serial>/*.cms),
# attaches it read-only to the guest as a second virtio disk, gives the guest
# its serial through SMBIOS (/sys/class/dmi/id/product_serial), and boots.
# The guest must find the medium, mount it read-only, list it as source 1,
# verify the artifacts and onboard from them, then power off.
# The same boot checks two network paths that need a real guest kernel:
# vlan=eth0.42:eth0 creates an 802.1Q link over netlink (the host running the
# namespace tests may lack 8021q), and since nobody answers DHCP on VLAN 42
# the network stage times out (sztp.dhcp-timeout=4) and goes on with the
# medium ("a DHCP server that never answers: timeout, then the next source").
#
# vendor: a USB stick (qemu-xhci + usb-storage, removable, vfat labelled
# "USBSTICK", not "SZTP") laid out as vendors' tools write it (Cisco's
# sztp-usb-loader): EN9/<serial>/bootstrapping-data/ with
# ownership-voucher.vcj, the boot image in images/os.img.zst, named in the
# onboarding information as file:///disk0:/images/os.img.zst (and
# file:///disk1:/..., the hash repeated per URI, as that tool does), plus a
# configuration archive. A decoy AAA/<serial in lower case>/ must not be
# read (vfat looks names up ignoring case). The guest must find the stick,
# list EN9's directory as source 1, install the image from the stick onto
# its blank virtio disk, apply the configuration, switch_root into the new
# OS, which prints the configuration and powers off.
#
# The initramfs is build/initrd.img's recipe plus an overlay with the test
# device identity (/etc/sztp/device/), made into a temporary file: the
# shared build/initrd.img is not touched.
#
# Output: boot-test.sh's ("ok NAME" / "FAIL NAME: why", "N passed, N failed").
# Needs root, qemu, mkfs.vfat and mtools (mcopy); without mtools the "ours"
# medium is ext4 (mkfs.ext4 -d) instead (the vendor mode needs mtools).
set -eu
MODE=${1:-ours}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PKI=${SZTP_PKI:-$ROOT/build/pki}
SERIAL=SZTP-DEMO-0001
. "$ROOT/tests/lib/common.sh"
t_tmpdir sztp-media
T=$T_TMP

[ -f "$PKI/device/serial.txt" ] || sh "$ROOT/keys/mkpki.sh" "$PKI" >/dev/null 2>&1 ||
	t_setup_fail "no test PKI"
MK="sh $ROOT/keys/mkartifacts.sh"
[ "$MODE" = ours ] || [ "$MODE" = vendor ] || { echo "usage: media-test.sh [ours|vendor]" >&2; exit 2; }

# signed DIR ONBOARDING_JSON VOUCHER_NAME: a signed set for the test device in DIR
signed() {
	mkdir -p "$1"
	{ $MK voucher --pki "$PKI" --serial $SERIAL >"$1/$3" &&
		$MK owner-cert --pki "$PKI" >"$1/owner-certificate.cms" &&
		$MK conveyed --pki "$PKI" --json "$2" >"$1/conveyed-information.cms"; } 2>"$T/mk.err" ||
		t_setup_fail "mkartifacts: $(tr '\n' ' ' <"$T/mk.err")"
}

# 1. the artifacts, 2. the medium
IMG=$T/sztp-media.img
FSTYPE=vfat
if [ "$MODE" = ours ]; then
	echo '{"ietf-sztp-conveyed-info:onboarding-information":{}}' >"$T/ob.json"
	signed "$T/stage/sztp/$SERIAL" "$T/ob.json" ownership-voucher.cms
	# vfat labelled SZTP, filled with mtools; without mtools an ext4 image
	# (mkfs.ext4 -d needs no mount) labelled SZTP stands in
	if command -v mcopy >/dev/null 2>&1; then
		mkfs.vfat -C -n SZTP "$IMG" 4096 >/dev/null || t_setup_fail "mkfs.vfat failed"
		MTOOLS_SKIP_CHECK=1 mcopy -s -i "$IMG" "$T/stage/sztp" ::/ || t_setup_fail "mcopy failed"
	elif command -v mkfs.ext4 >/dev/null 2>&1; then
		echo "note: mcopy (mtools) not installed: using an ext4 medium instead of vfat"
		FSTYPE=ext4
		truncate -s 8M "$IMG"
		mkfs.ext4 -q -L SZTP -d "$T/stage" "$IMG" || t_setup_fail "mkfs.ext4 -d failed"
	else
		t_setup_fail "neither mcopy (mtools) nor mkfs.ext4 to fill the image"
	fi
else
	command -v mcopy >/dev/null 2>&1 || t_setup_fail "the vendor layout test needs mtools (mcopy)"
	OS=$ROOT/build/install
	if [ ! -f "$OS/os.img.zst.sha256" ] || [ "$ROOT/tests/install/mkimage.sh" -nt "$OS/os.img" ] ||
		[ "$ROOT/build/sztpboot" -nt "$OS/os.img" ]; then
		sh "$ROOT/tests/install/mkimage.sh" "$OS" >/dev/null || t_setup_fail "mkimage.sh failed"
	fi
	mkdir -p "$T/cfg/etc/sztp-demo"
	printf 'configured by SZTP from a USB stick\n' >"$T/cfg/etc/sztp-demo/message"
	tar --owner=0 --group=0 --mtime=@1700000000 -C "$T/cfg" -cf "$T/config.tar" .
	# the hash once per download-uri, as sztp-usb-loader writes it
	conv() {
		python3 "$ROOT/tests/install/mkconveyed.py" --sha256 "$(cat "$OS/os.img.zst.sha256")" \
			--os-name "SZTP Demo OS" --os-version 1.0 --handling merge \
			--config "$T/config.tar" "$@" | python3 -c '
import json, sys
d = json.load(sys.stdin)
bi = d["ietf-sztp-conveyed-info:onboarding-information"]["boot-image"]
bi["image-verification"] = bi["image-verification"] * len(bi["download-uri"])
print(json.dumps(d))'
	}
	conv --uri file:///disk0:/images/os.img.zst --uri file:///disk1:/images/os.img.zst >"$T/ob.json"
	signed "$T/stage/EN9/$SERIAL/bootstrapping-data" "$T/ob.json" ownership-voucher.vcj
	# the decoy: read first if the serial were compared ignoring case
	conv --uri file:///images/decoy.img >"$T/decoy.json"
	signed "$T/stage/AAA/$(echo $SERIAL | tr 'A-Z' 'a-z')/bootstrapping-data" "$T/decoy.json" \
		ownership-voucher.vcj
	mkdir -p "$T/stage/images"
	cp "$OS/os.img.zst" "$T/stage/images/"
	printf 'not the image\n' >"$T/stage/images/decoy.img"
	mkfs.vfat -C -n USBSTICK "$IMG" 16384 >/dev/null || t_setup_fail "mkfs.vfat failed"
	(cd "$T/stage" && MTOOLS_SKIP_CHECK=1 mcopy -s -i "$IMG" EN9 AAA images ::/) ||
		t_setup_fail "mcopy failed"
fi

# 3. an initramfs with the device identity
mkdir -p "$T/overlay/etc/sztp/device"
cp "$PKI/device/idevid.pem" "$PKI/device/idevid.key" "$PKI/device/chain.pem" \
	"$T/overlay/etc/sztp/device/"
sh "$ROOT/initrd/mkinitrd.sh" --agent "${SZTPBOOT:-$ROOT/build/sztpboot}" \
	--busybox "$ROOT/build/musl/bin/busybox" --kernel "$ROOT/build/kernel" --anchors "$PKI/anchors" --modules "$ROOT/initrd/modules.list" \
	--overlay "$T/overlay" --out "$T/initrd.img" >"$T/mkinitrd.log" 2>&1 ||
	t_setup_fail "mkinitrd: $(tail -n 3 "$T/mkinitrd.log" | tr '\n' ' ')"

export SZTP_INITRD="$T/initrd.img"
export SZTP_SERVER=0 SZTP_TPM=0 SZTP_DHCP6=0 SZTP_EXPECT_FILE="$T/expect" SZTP_EXPECT_RECORD=none
export SZTP_TIMEOUT=${SZTP_TIMEOUT:-180}
if [ "$MODE" = ours ]; then
	cat >"$T/expect" <<EOF2
media-found	media: vd[a-z]: $FSTYPE file system labelled "SZTP"
media-read	media: SZTP:/sztp/$SERIAL: conveyed-information [0-9]+ bytes, owner-certificate, ownership-voucher\.cms \(signed\)
vlan-created	net: created VLAN eth0\.42 \(id 42\) on eth0
dhcp-timeout	net: warning: no address within 4 s: eth0\.42 \(no offer\)
source-order	net: source 1: media SZTP:/sztp/$SERIAL \(signed
onboarded	bootstrap: .*onboarding complete
poweroff	sztpboot: powering off
EOF2
	export SZTP_OUT=${SZTP_OUT:-$ROOT/build/qemu/media-test}
	export SZTP_APPEND="${SZTP_APPEND:-} sztp.dhcp-timeout=4 vlan=eth0.42:eth0 sztp.timeout=60"
	export SZTP_QEMU_ARGS="${SZTP_QEMU_ARGS:-} -smbios type=1,serial=$SERIAL -drive file=$IMG,format=raw,if=virtio,readonly=on"
else
	D=USBSTICK:/EN9/$SERIAL/bootstrapping-data
	cat >"$T/expect" <<EOF2
media-found	media: sd[a-z]+: vfat file system labelled "USBSTICK"
media-read	media: $D: conveyed-information [0-9]+ bytes, owner-certificate, ownership-voucher\.vcj \(signed\)
source-order	net: source 1: media $D \(signed
verified	bootstrap: $D \(media\): verified onboarding-information \(signed\)
image-on-medium	image: file:///disk0:/images/os\.img\.zst: /run/sztp/media/sd[a-z]+/images/os\.img\.zst \(on the medium
image-written	image: /dev/vda: image written and verified
config	config: .*applied \(merge\)
complete	bootstrap: bootstrapping complete via $D
pivot	pivot: switch_root
new-os	SZTP-DEMO-OS: hello from the provisioned OS
new-os-version	SZTP-DEMO-OS:.*VERSION_ID=1\.0
new-os-config	SZTP-DEMO-OS:.*/etc/sztp-demo/message: configured by SZTP from a USB stick
new-os-off	SZTP-DEMO-OS: powering off
EOF2
	export SZTP_OUT=${SZTP_OUT:-$ROOT/build/qemu/media-test-vendor}
	export SZTP_DISK_SIZE=${SZTP_DISK_SIZE:-512M} SZTP_OPT143=none SZTP_OPT136=none
	export SZTP_APPEND="${SZTP_APPEND:-} sztp.dhcp-timeout=4 sztp.timeout=60 sztp.done=pivot"
	export SZTP_QEMU_ARGS="${SZTP_QEMU_ARGS:-} -smbios type=1,serial=$SERIAL -device qemu-xhci,id=xhci -drive if=none,id=usbstick,file=$IMG,format=raw,readonly=on -device usb-storage,bus=xhci.0,drive=usbstick,removable=on"
fi
sh "$ROOT/qemu/boot-test.sh"
