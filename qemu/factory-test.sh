#!/bin/sh
# qemu/factory-test.sh: the factory-fresh zero-touch path in QEMU + swtpm
# (qemu/lib.sh harness), as a device leaves the factory and meets a server
# of the field (issue 11; RFC 8572 sections 5.3 to 5.6, 9.1, 9.6):
#   - the initramfs is build/factory/initrd.img (make build/factory/initrd.img):
#     NO bootstrap-server trust anchor, only the voucher anchor, HTTP Basic
#     credentials in /etc/sztp/device/http-basic and a built-in server in
#     /etc/sztp/servers (listed after DHCP's, never reached);
#   - the bootstrap server is found by DHCP (option 143) and, with nothing to
#     validate it, contacted provisionally (trust-state FALSE);
#   - it answers as servers with stored artifacts do: signed data with one
#     static stored voucher (expires-on 30 days ahead, the device's nonce
#     ignored), a non-degenerate owner-certificate CMS and conveyed
#     information with eContentType id-data (tests/server/sztp_api.py);
#   - the boot image is on an unauthenticated mirror (SZTP_MIRROR: a second
#     HTTPS server, mirror.example, with a self-signed certificate no anchor
#     covers): downloaded unvalidated with one warning, then verified by the
#     signed sha-256;
#   - written to a blank disk, pre-script, configuration and post-script
#     applied, then switch_root into the provisioned OS.
# Checked on the console, in order, and in the two servers' records: the
# untrusted server got no progress report, no HTTP Basic credentials and no
# hw-model/os-name/os-version; the image came from the mirror only.
# Prints ok/FAIL lines and "N passed, N failed"; exit 0 only when all passed.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
export SZTP_INITRD=${SZTP_INITRD:-$TOP/build/factory/initrd.img}
export SZTP_DISK_SIZE=${SZTP_DISK_SIZE:-512M}
export SZTP_TIMEOUT=${SZTP_TIMEOUT:-420}
# lib.sh boots with sztp.done=poweroff; a later word wins: enter the new OS
export SZTP_APPEND="${SZTP_APPEND:-} sztp.done=pivot"
IMG=$TOP/build/install
WORK=$TOP/build/qemu-factory
export SZTP_MIRROR=$IMG
. "$(dirname "$0")/lib.sh"

# An initramfs older than the agent or the normal one would test old code.
for f in "$TOP/build/sztpboot" "$TOP/build/initrd.img"; do
	if [ -f "$f" ] && [ "$f" -nt "$SZTP_INITRD" ]; then
		t_setup_fail "$SZTP_INITRD is missing or older than $f: make build/factory/initrd.img"
	fi
done
[ -f "$SZTP_INITRD" ] || t_setup_fail "no $SZTP_INITRD: make build/factory/initrd.img"

# The onboarding information of the install test (qemu/install-onboarding.sh),
# the image on the mirror, the server behaving as stored-artifact servers do.
SZTP_IMAGE_URI=https://mirror.example:$SZTP_MIRROR_PORT/images/os.img.zst
SZTP_DEVICE_SPEC='{"voucher": "stored", "owner_cert": "signed", "econtent_type": "data"}'
. "$(dirname "$0")/install-onboarding.sh"
install_onboarding "$WORK" "$IMG"

sztp_setup factory-test
sztp_boot

b='https://bootstrap\.example:8443 \(dhcp[46]\)'
sztp_expect "no bootstrap-server anchor; the clock policy; DHCP's server before the built-in one" \
	"clock: bound [0-9T:-]+Z \((build time|TPM floor|RTC)\); RTC [0-9T:-]+Z trusted; .*sztp\.clock=auto" \
	"bootstrap: device serial SZTP-DEMO-0001 \(TPM-held IDevID\), 0 bootstrap and 1 voucher trust anchor\(s\)" \
	"bootstrap: HTTP Basic credentials from /etc/sztp/device/http-basic: sent to trusted bootstrap servers only" \
	"bootstrap:   1\. https://bootstrap\.example:8443 \(dhcp[46]\)" \
	"bootstrap:   [0-9]+\. https://builtin\.example:8443 \(built-in\)" \
	"bootstrap: bootstrap-server trust anchors: 0 \(every server is contacted provisionally\)"
sztp_expect "server from DHCP option 143, contacted provisionally" \
	"dhcp4: lease 192\.0\.2\.[0-9]+/24 on .* sztp-redirect https://bootstrap\.example:8443" \
	"bootstrap: $b: no trust anchor for this server: connecting provisionally \(trust-state FALSE" \
	"bootstrap: $b: get-bootstrapping-data: HTTP 200"
sztp_expect "the stored voucher accepted without a nonce; signed data verified; no reports" \
	"bootstrap: $b: ownership voucher accepted: expires-on [0-9]{4}-[0-9T:-]+Z?; no nonce although one was sent" \
	"bootstrap: $b: verified onboarding-information \(signed\)" \
	"bootstrap: $b: progress will not be reported: the server is not trusted" \
	"progress bootstrap-initiated \(not reported: $b is not a trusted bootstrap server\)"
sztp_expect "image from the unauthenticated mirror: one warning, sha-256 verified" \
	"image: warning: mirror\.example: no trust anchors for image servers: downloading unvalidated; the image is verified by its sha-256" \
	"image: sha-256 [0-9a-f]{64} verified" \
	"image: .*: image written and verified"
sztp_expect "scripts, configuration, complete (not reported), then the partition table" \
	"pre-script: pre-configuration script: root /sysroot" \
	"config: .*applied \(merge\)" \
	"post-script: post-configuration script: configured by SZTP" \
	"progress bootstrap-complete \(not reported: $b is not a trusted bootstrap server\)" \
	"image: .*: partition table written: the image is bootable"
sztp_expect "switch_root into the provisioned OS" \
	"pivot: switch_root" \
	"SZTP-DEMO-OS: hello from the provisioned OS" \
	"SZTP-DEMO-OS:.*/etc/sztp-demo/message: configured by SZTP over the network" \
	"SZTP-DEMO-OS: powering off"
n=$(grep -c -E "image: .*(downloading unvalidated|going on unvalidated)" "$SZTP_TMP/console.txt" || true)
if [ "$n" = 1 ]; then
	t_ok "exactly one warning for the unvalidated image download"
else
	t_fail "one unvalidated-download warning" "$n warnings"
fi

# What the two servers saw.
records() {
	python3 - "$SZTP_TMP/record.jsonl" "$SZTP_TMP/mirror.jsonl" <<'PY'
import json, sys
def load(p):
    with open(p, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]
bs, mirror = load(sys.argv[1]), load(sys.argv[2])
gbd = [r for r in bs if r["event"] == "get-bootstrapping-data"]
progress = [r["type"] for r in bs if r["event"] == "progress"]
auth = [r["path"] for r in bs + mirror if r.get("authorization") or r.get("basic")]
told = sorted({k for r in gbd for k in ("hw_model", "os_name", "os_version") if r.get(k)})
images = [(r["method"], r["path"], r["status"]) for r in mirror if r["event"] == "request"]
print("gbd %d" % len(gbd))
print("nonce %s" % ("yes" if gbd and all(r["nonce_len"] >= 16 for r in gbd) else "no"))
print("sdp %s" % ("yes" if gbd and all(r["signed_data_preferred"] for r in gbd) else "no"))
print("progress %s" % (",".join(progress) or "none"))
print("auth %s" % (",".join(auth) or "none"))
print("told %s" % (",".join(told) or "none"))
print("bs-images %d" % sum(1 for r in bs if r["event"] == "request" and r["path"].startswith("/images/")))
print("mirror %s" % ",".join("%s %s %s" % i for i in images))
PY
}
records >"$SZTP_TMP/records.txt" || t_fail "server records" "cannot read them"
rec() { sed -n "s/^$1 //p" "$SZTP_TMP/records.txt"; }
[ "$(rec gbd)" -ge 1 ] 2>/dev/null && [ "$(rec nonce)" = yes ] && [ "$(rec sdp)" = yes ] &&
	t_ok "get-bootstrapping-data with a nonce and signed-data-preferred (the voucher ignored the nonce)" ||
	t_fail "get-bootstrapping-data" "$(cat "$SZTP_TMP/records.txt")"
[ "$(rec progress)" = none ] && t_ok "the untrusted server received no progress report" ||
	t_fail "no progress reports" "the server received: $(rec progress)"
[ "$(rec auth)" = none ] && t_ok "no HTTP Basic credentials (no Authorization header) to either server" ||
	t_fail "no HTTP Basic credentials" "Authorization on: $(rec auth)"
[ "$(rec told)" = none ] && t_ok "no hw-model, os-name or os-version to the untrusted server" ||
	t_fail "nothing told to the untrusted server" "sent: $(rec told)"
case $(rec mirror) in
*"GET /images/os.img.zst 200"*)
	[ "$(rec bs-images)" = 0 ] && t_ok "the image came from the mirror, not the bootstrap server" ||
		t_fail "image from the mirror" "the bootstrap server served $(rec bs-images) image request(s)" ;;
*) t_fail "image from the mirror" "mirror requests: $(rec mirror)" ;;
esac
[ "$SZTP_BOOT_RESULT" = poweroff ] && [ "$SZTP_BOOT_STATUS" = 0 ] &&
	t_ok "the provisioned OS powered off" ||
	t_fail "power-off" "$SZTP_BOOT_RESULT after ${SZTP_TIMEOUT}s (qemu status $SZTP_BOOT_STATUS)"

echo "boot-time: $SZTP_BOOT_TIME s"
if [ "$T_FAILED" -gt 0 ]; then
	echo "---- last 60 console lines"
	tail -n 60 "$SZTP_TMP/console.txt"
	t_tail 15 "$SZTP_TMP/server.log" "$SZTP_TMP/mirror.log"
	echo "---- logs kept in $SZTP_OUT"
fi
t_summary
