# qemu/install-onboarding.sh: the onboarding information of the QEMU install
# test and demo (sourced after qemu/lib.sh):
#   install_onboarding WORK IMGDIR [FAULT_JSON]
# builds tests/install/mkimage.sh's test OS into IMGDIR when missing or stale,
# a configuration archive (etc/sztp-demo/message, etc/motd), a pre- and a
# post-configuration script into WORK, and WORK/server.json: the test
# server's --config with signed onboarding information, verbose reporting,
# for any device: the image os.img.zst ("SZTP Demo OS" 1.0) from
# https://bootstrap.example:$SZTP_SERVER_PORT/images/, merge configuration,
# both scripts; and the fault rule FAULT_JSON (an object, or a list of
# them) when given. Exports
# SZTP_SERVER_CONFIG. INSTALL_FULL_SEQ: the progress types of a first boot.
# The progress reports the server records, in order, for a first boot of
# this onboarding information on a blank disk.
INSTALL_FULL_SEQ="bootstrap-initiated parsing-initiated parsing-complete informational boot-image-initiated boot-image-mismatch boot-image-complete pre-script-initiated pre-script-complete config-initiated config-complete post-script-initiated post-script-complete bootstrap-complete "

install_onboarding() {
	iw=$1 ii=$2 ifault=${3:-}
	mkdir -p "$iw/cfg/etc/sztp-demo"
	if [ ! -f "$ii/os.img.zst.sha256" ] || [ "$SZTP_ROOT/tests/install/mkimage.sh" -nt "$ii/os.img" ] ||
		[ "$SZTP_ROOT/build/sztpboot" -nt "$ii/os.img" ]; then
		sh "$SZTP_ROOT/tests/install/mkimage.sh" "$ii" >/dev/null
	fi
	printf 'configured by SZTP over the network\n' >"$iw/cfg/etc/sztp-demo/message"
	printf 'Welcome to the SZTP demo OS\n' >"$iw/cfg/etc/motd"
	tar --owner=0 --group=0 --mtime=@1700000000 -C "$iw/cfg" -cf "$iw/config.tar" .
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
	python3 "$SZTP_ROOT/tests/install/mkconveyed.py" \
		--uri "https://bootstrap.example:$SZTP_SERVER_PORT/images/os.img.zst" \
		--sha256 "$(cat "$ii/os.img.zst.sha256")" --os-name "SZTP Demo OS" --os-version 1.0 \
		--handling merge --pre "$iw/pre.sh" --config "$iw/config.tar" --post "$iw/post.sh" \
		>"$iw/conveyed.json"
	python3 - "$iw/conveyed.json" "$ii" "$ifault" >"$iw/server.json" <<'PY'
import json, sys
ci = json.load(open(sys.argv[1]))
print(json.dumps({
    "images": sys.argv[2],
    "devices": {"*": {"signed": True, "reporting_level": "verbose",
                      "onboarding": ci["ietf-sztp-conveyed-info:onboarding-information"]}},
    "faults": (lambda f: f if isinstance(f, list) else [f])(json.loads(sys.argv[3]))
              if sys.argv[3] else []}, indent=1))
PY
	export SZTP_SERVER_CONFIG="$iw/server.json"
}
