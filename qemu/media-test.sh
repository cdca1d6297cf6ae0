#!/bin/sh
# media-test.sh: removable-media bootstrapping (RFC 8572 section 4.1) in QEMU.
#
# Builds a vfat image labelled "SZTP" holding signed bootstrapping data for
# the test device (keys/mkartifacts.sh: ownership voucher for serial
# SZTP-DEMO-0001, owner certificate, signed onboarding information) in the
# layout of docs/network.md (/sztp/<serial>/*.cms), attaches it read-only to
# the guest as a second virtio disk, gives the guest its serial through SMBIOS
# (/sys/class/dmi/id/product_serial), and boots with NO bootstrap server.
# The guest must find the medium, mount it read-only, list it as source 1,
# verify the artifacts and onboard from them, then power off.
#
# The same boot checks two network paths that need a real guest kernel:
# vlan=eth0.42:eth0 creates an 802.1Q link over netlink (the host running the
# namespace tests may lack 8021q), and since nobody answers DHCP on VLAN 42
# the network stage times out (sztp.dhcp-timeout=4) and goes on with the
# medium ("a DHCP server that never answers: timeout, then the next source").
#
# The initramfs is build/initrd.img's recipe plus an overlay with the test
# device identity (/etc/sztp/device/), made into a temporary file: the
# shared build/initrd.img is not touched.
#
# Output: boot-test.sh's ("ok NAME" / "FAIL NAME: why", "N passed, N failed").
# Needs root, qemu, mkfs.vfat and mtools (mcopy); without mtools the medium
# is ext4 (mkfs.ext4 -d) instead.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PKI=${SZTP_PKI:-$ROOT/build/pki}
SERIAL=SZTP-DEMO-0001
. "$ROOT/tests/lib/common.sh"
t_tmpdir sztp-media
T=$T_TMP

[ -f "$PKI/device/serial.txt" ] || sh "$ROOT/keys/mkpki.sh" "$PKI" >/dev/null 2>&1 ||
	t_setup_fail "no test PKI"

# 1. the artifacts
MK="sh $ROOT/keys/mkartifacts.sh"
mkdir -p "$T/stage/sztp/$SERIAL"
echo '{"ietf-sztp-conveyed-info:onboarding-information":{}}' >"$T/ob.json"
{ $MK voucher --pki "$PKI" --serial $SERIAL >"$T/stage/sztp/$SERIAL/ownership-voucher.cms" &&
	$MK owner-cert --pki "$PKI" >"$T/stage/sztp/$SERIAL/owner-certificate.cms" &&
	$MK conveyed --pki "$PKI" --json "$T/ob.json" \
		>"$T/stage/sztp/$SERIAL/conveyed-information.cms"; } 2>"$T/mk.err" ||
	t_setup_fail "mkartifacts: $(tr '\n' ' ' <"$T/mk.err")"

# 2. the medium: vfat labelled SZTP, filled with mtools; without mtools an
# ext4 image (mkfs.ext4 -d needs no mount) labelled SZTP stands in
IMG=$T/sztp-media.img
FSTYPE=vfat
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

# 3. an initramfs with the device identity
mkdir -p "$T/overlay/etc/sztp/device"
cp "$PKI/device/idevid.pem" "$PKI/device/idevid.key" "$PKI/device/chain.pem" \
	"$T/overlay/etc/sztp/device/"
sh "$ROOT/initrd/mkinitrd.sh" --agent "${SZTPBOOT:-$ROOT/build/sztpboot}" \
	--kernel "$ROOT/build/kernel" --anchors "$PKI/anchors" --modules "$ROOT/initrd/modules.list" \
	--overlay "$T/overlay" --out "$T/initrd.img" >"$T/mkinitrd.log" 2>&1 ||
	t_setup_fail "mkinitrd: $(tail -n 3 "$T/mkinitrd.log" | tr '\n' ' ')"

cat >"$T/expect" <<EOF2
media-found	media: vd[a-z]: $FSTYPE file system labelled "SZTP"
media-read	media: SZTP:/sztp/$SERIAL: conveyed-information [0-9]+ bytes, owner-certificate, ownership-voucher\.cms \(signed\)
vlan-created	net: created VLAN eth0\.42 \(id 42\) on eth0
dhcp-timeout	net: warning: no address within 4 s: eth0\.42 \(no offer\)
source-order	net: source 1: media SZTP:/sztp/$SERIAL \(signed
onboarded	bootstrap: .*onboarding complete
poweroff	sztpboot: powering off
EOF2

export SZTP_INITRD="$T/initrd.img"
export SZTP_SERVER=0 SZTP_TPM=0 SZTP_DHCP6=0 SZTP_EXPECT_FILE="$T/expect" SZTP_EXPECT_RECORD=none
export SZTP_OUT=${SZTP_OUT:-$ROOT/build/qemu/media-test}
export SZTP_TIMEOUT=${SZTP_TIMEOUT:-180}
export SZTP_APPEND="${SZTP_APPEND:-} sztp.dhcp-timeout=4 vlan=eth0.42:eth0 sztp.timeout=60"
export SZTP_QEMU_ARGS="${SZTP_QEMU_ARGS:-} -smbios type=1,serial=$SERIAL -drive file=$IMG,format=raw,if=virtio,readonly=on"
sh "$ROOT/qemu/boot-test.sh"
