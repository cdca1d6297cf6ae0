# qemu/install-onboarding.sh: the onboarding information of the QEMU install
# test and demo (sourced after qemu/lib.sh):
#   install_onboarding WORK IMGDIR [FAULT_JSON]
# builds tests/install/mkimage.sh's test OS into IMGDIR when missing or stale,
# a configuration directory (etc/sztp-demo/message, etc/motd), a pre- and a
# post-configuration script into WORK; then, as an owner would, the
# get-bootstrapping-data reply with the owner tool, keys/sztp-artifacts
# (docs/owner-tool.md): signed by the test PKI's owner, with a voucher the
# test PKI's manufacturer signed for the device's serial (no nonce: it
# expires in a day), verbose reporting, the image os.img.zst ("SZTP Demo OS"
# 1.0; the tool hashes the file) from
# https://bootstrap.example:$SZTP_SERVER_PORT/images/, merge configuration
# (the tool builds the archive), both scripts; `sztpboot verify` must accept
# it. WORK/server.json, the test server's --config, serves that stored reply
# to the device and the images from IMGDIR, with the fault rule FAULT_JSON
# (an object, or a list of them) when given. Exports SZTP_SERVER_CONFIG.
#   SZTP_IMAGE_URI    the image's download-uri instead (e.g. a mirror's)
#   SZTP_DEVICE_SPEC  instead of the owner tool's stored reply, the test
#                     server's per-request answers (tests/server/sztp_api.py)
#                     with this JSON object merged into the device's spec
#                     (e.g. '{"voucher": "stored", "owner_cert": "signed"}':
#                     what real servers do that the owner tool does not)
# INSTALL_FULL_SEQ: the progress reports the server records, in order, for a
# first boot of this onboarding information on a blank disk.
INSTALL_FULL_SEQ="bootstrap-initiated parsing-initiated parsing-complete informational boot-image-initiated boot-image-mismatch boot-image-complete pre-script-initiated pre-script-complete config-initiated config-complete post-script-initiated post-script-complete bootstrap-complete "

install_onboarding() {
	iw=$1 ii=$2 ifault=${3:-}
	if [ ! -f "$ii/os.img.zst.sha256" ] || [ "$SZTP_ROOT/tests/install/mkimage.sh" -nt "$ii/os.img" ] ||
		[ "$SZTP_ROOT/build/sztpboot" -nt "$ii/os.img" ]; then
		sh "$SZTP_ROOT/tests/install/mkimage.sh" "$ii" >/dev/null
	fi
	if [ ! -f "$SZTP_PKI/.complete" ]; then
		sztp_say "making the test PKI in $SZTP_PKI"
		sh "$SZTP_ROOT/keys/mkpki.sh" "$SZTP_PKI" >&2 || sztp_die "keys/mkpki.sh failed"
	fi
	rm -rf "$iw/cfg" "$iw/out"
	mkdir -p "$iw/cfg/etc/sztp-demo"
	printf 'configured by SZTP over the network\n' >"$iw/cfg/etc/sztp-demo/message"
	printf 'Welcome to the SZTP demo OS\n' >"$iw/cfg/etc/motd"
	cat >"$iw/pre.sh" <<'S'
#!/bin/sh
echo "pre-configuration script: root $SZTP_ROOT, disk $SZTP_DISK, image installed now: $SZTP_IMAGE_INSTALLED"
mkdir -p "$SZTP_ROOT/var/lib/sztp-demo"
echo "pre-script ran with SZTP_IMAGE_INSTALLED=$SZTP_IMAGE_INSTALLED" >"$SZTP_ROOT/var/lib/sztp-demo/pre"
S
	cat >"$iw/post.sh" <<'S'
#!/bin/sh
echo "post-configuration script: $(cat "$SZTP_ROOT/etc/sztp-demo/message")"
S
	iuri=${SZTP_IMAGE_URI:-https://bootstrap.example:$SZTP_SERVER_PORT/images/os.img.zst}
	if [ -n "${SZTP_DEVICE_SPEC:-}" ]; then
		install_spec "$iw" "$ii" "$ifault" "$iuri"
		return
	fi
	isn=$(cat "$SZTP_PKI/device/serial.txt")
	sh "$SZTP_ROOT/keys/mkartifacts.sh" voucher --pki "$SZTP_PKI" --serial "$isn" \
		--expires "$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)" >"$iw/voucher.cms" ||
		sztp_die "keys/mkartifacts.sh voucher failed"
	python3 "$SZTP_ROOT/keys/sztp-artifacts" onboarding \
		--owner-cert "$SZTP_PKI/owner/owner.pem" --owner-key "$SZTP_PKI/owner/owner.key" \
		--voucher "$iw/voucher.cms" --serial "$isn" --voucher-ta "$SZTP_PKI/masa/ca.pem" \
		--image "$ii/os.img.zst" --url "$iuri" \
		--os-name "SZTP Demo OS" --os-version 1.0 \
		--config-dir "$iw/cfg" --config-handling merge \
		--pre-script "$iw/pre.sh" --post-script "$iw/post.sh" \
		--reporting-level verbose --out "$iw/out" >"$iw/artifacts.log" 2>&1 ||
		{ cat "$iw/artifacts.log" >&2; sztp_die "keys/sztp-artifacts onboarding failed"; }
	"$SZTP_ROOT/build/sztpboot" verify --serial "$isn" --voucher-ta "$SZTP_PKI/masa/ca.pem" \
		"$iw/out/get-bootstrapping-data.json" >"$iw/verify.log" 2>&1 ||
		{ cat "$iw/verify.log" >&2; sztp_die "sztpboot verify refused the owner tool's reply"; }
	python3 - "$iw/out/get-bootstrapping-data.json" "$isn" "$ii" "$ifault" >"$iw/server.json" <<'PY'
import json, sys
print(json.dumps({
    "images": sys.argv[3],
    "devices": {sys.argv[2]: {"response": sys.argv[1]}},
    "faults": (lambda f: f if isinstance(f, list) else [f])(json.loads(sys.argv[4]))
              if sys.argv[4] else []}, indent=1))
PY
	export SZTP_SERVER_CONFIG="$iw/server.json"
}

# install_spec WORK IMGDIR FAULT URI: the same onboarding information as
# sztp_api.py's spec for any device (signed per request), SZTP_DEVICE_SPEC
# merged into it.
install_spec() {
	tar --owner=0 --group=0 --mtime=@1700000000 -C "$1/cfg" -cf "$1/config.tar" .
	python3 "$SZTP_ROOT/tests/install/mkconveyed.py" \
		--uri "$4" --sha256 "$(cat "$2/os.img.zst.sha256")" --os-name "SZTP Demo OS" --os-version 1.0 \
		--handling merge --pre "$1/pre.sh" --config "$1/config.tar" --post "$1/post.sh" \
		>"$1/conveyed.json"
	python3 - "$1/conveyed.json" "$2" "$3" "$SZTP_DEVICE_SPEC" >"$1/server.json" <<'PY'
import json, sys
ci = json.load(open(sys.argv[1]))
spec = {"signed": True, "reporting_level": "verbose",
        "onboarding": ci["ietf-sztp-conveyed-info:onboarding-information"]}
spec.update(json.loads(sys.argv[4]))
print(json.dumps({
    "images": sys.argv[2],
    "devices": {"*": spec},
    "faults": (lambda f: f if isinstance(f, list) else [f])(json.loads(sys.argv[3]))
              if sys.argv[3] else []}, indent=1))
PY
	export SZTP_SERVER_CONFIG="$1/server.json"
}
