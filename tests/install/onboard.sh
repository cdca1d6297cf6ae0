#!/bin/sh
# tests/install/onboard.sh: the whole RFC 8572 onboarding with a real install,
# on a host: `sztpboot run --target-disk LOOP` against tests/server/sztp_server.py
# (signed onboarding information, verbose reporting, the image served from its
# /images/) onto a loop device:
#   - blank disk: image streamed, verified, written; pre-script,
#     configuration (merge), post-script; bootstrap-complete with the new
#     root's SSH host key; the server recorded the full progress sequence;
#     the new root holds the configuration, the script's marker and the log;
#     nothing left mounted (a host run never pivots);
#   - same os-name/os-version again: the configuration-only path;
#   - the cloud-init example (docs/examples/cloud-init/mkconfig.sh) as the
#     configuration: the NoCloud seed files land in
#     /var/lib/cloud/seed/nocloud/ of the new root;
#   - factory-fresh (no bootstrap-server anchors): signed data, the image
#     downloaded unvalidated with one warning, verified by its sha-256;
#   - abandoned after the image was written (a post-script error): nothing
#     bootable left, and the next attempt starts clean.
# An image that fails verification and the power cuts are cases of the
# negative matrix (tests/negative/).
# Needs root (loop devices, mount). Prints ok/FAIL lines, ends "N passed, N failed".
. "$(dirname "$0")/../client/lib.inc"
IMG=$top/build/install

[ "$(id -u)" -eq 0 ] || t_setup_fail "needs root (loop devices, mount)"
if [ ! -f "$IMG/os.img.zst.sha256" ] || [ "$top/tests/install/mkimage.sh" -nt "$IMG/os.img" ]; then
	sh "$top/tests/install/mkimage.sh" "$IMG" >/dev/null || t_setup_fail "mkimage.sh failed"
fi
loop=""
# at exit, after the servers are stopped and before $tmp (which holds the
# disk image) is removed
cleanup_loop() {
	mountpoint -q "$tmp/sysroot" 2>/dev/null && umount "$tmp/sysroot"
	if [ -n "$loop" ]; then
		for p in "$loop"p*; do [ -b "$p" ] && umount "$p" 2>/dev/null; done
		losetup -d "$loop" 2>/dev/null
	fi
	return 0
}
t_at_exit cleanup_loop
truncate -s 96M "$tmp/disk.img"
loop=$(losetup -f --show -P "$tmp/disk.img") || t_setup_fail "losetup failed"
mkdir -p "$tmp/sysroot" "$tmp/run" "$tmp/cfg/etc/sztp-demo"

p1=$(free_port)
printf 'configured by SZTP (host)\n' >"$tmp/cfg/etc/sztp-demo/message"
tar --owner=0 --group=0 -C "$tmp/cfg" -cf "$tmp/cfg.tar" .
printf '#!/bin/sh\necho "pre: image installed now: $SZTP_IMAGE_INSTALLED"\nmkdir -p "$SZTP_ROOT/var/lib/sztp-demo"\necho "pre $SZTP_IMAGE_INSTALLED" >"$SZTP_ROOT/var/lib/sztp-demo/pre"\n' >"$tmp/pre.sh"
printf '#!/bin/sh\necho "post: $(cat "$SZTP_ROOT/etc/sztp-demo/message")"\n' >"$tmp/post.sh"

# serve SHA VERSION [POST-SCRIPT]: the bootstrap server with onboarding
# information for os.img.zst
serve() {
	python3 "$top/tests/install/mkconveyed.py" \
		--uri "https://127.0.0.1:$p1/images/os.img.zst" --sha256 "$1" \
		--os-name "SZTP Demo OS" --os-version "$2" --handling merge --pre "$tmp/pre.sh" \
		--config "$tmp/cfg.tar" --post "${3:-$tmp/post.sh}" >"$tmp/ci.json"
	cfg=$(python3 -c 'import json,sys; ci=json.load(open(sys.argv[1]))
print(json.dumps({"pki": sys.argv[2], "images": sys.argv[3], "devices": {"*": {"signed": True,
  "reporting_level": "verbose", "onboarding": ci["ietf-sztp-conveyed-info:onboarding-information"]}}}))' \
		"$tmp/ci.json" "$pki" "$IMG")
	start_server s1 "$p1" "$cfg"
}
install() {
	client $trusted --max-rounds 1 --target-disk "$loop" --target-root "$tmp/sysroot" \
		--run-dir "$tmp/run" "https://127.0.0.1:$p1"
}
in_root() { # COMMAND...: with the new root mounted read-only at $tmp/sysroot
	mount -o ro "${loop}p1" "$tmp/sysroot" || return 1
	"$@"; r=$?
	umount "$tmp/sysroot"
	return $r
}

# ---- blank disk: the full sequence
serve "$(cat "$IMG/os.img.zst.sha256")" 1.0
install
want="bootstrap-initiated,parsing-initiated,parsing-complete,informational,boot-image-initiated,boot-image-mismatch,boot-image-complete,pre-script-initiated,pre-script-complete,config-initiated,config-complete,post-script-initiated,post-script-complete,bootstrap-complete"
if [ $rc -eq 0 ] && [ "$(progress s1)" = "$want" ] &&
   has "report-progress bootstrap-complete \[1 ssh-host-key\(s\)\] -> 204" &&
   has "image written and verified" && ! mountpoint -q "$tmp/sysroot"; then
	ok "blank disk: full onboarding, every progress report in order, ssh host key sent"
else
	bad "blank disk onboarding" "rc=$rc progress=$(progress s1)"
fi
root_ok() {
	grep -q 'VERSION_ID=1.0' "$tmp/sysroot/etc/os-release" &&
	[ "$(cat "$tmp/sysroot/etc/sztp-demo/message")" = "configured by SZTP (host)" ] &&
	[ "$(cat "$tmp/sysroot/var/lib/sztp-demo/pre")" = "pre $1" ] &&
	ls "$tmp/sysroot/var/log/sztp/" | grep -q 'sztpboot-.*\.log'
}
if in_root root_ok 1; then
	ok "the new root holds the configuration, the pre-script's marker and the log"
else
	bad "new root contents" "$(ls -R "$tmp/sysroot" 2>&1 | head -5 | tr '\n' ' ')"
fi
if has "post-script: post: configured by SZTP \(host\)" && [ -f "$tmp/run/sztpboot.log" ]; then
	ok "script output logged; the log kept in the run directory"
else
	bad "script output / run log" "no post-script line or no $tmp/run/sztpboot.log"
fi
stop_server s1

# ---- again, same os-version: configuration only
serve "$(cat "$IMG/os.img.zst.sha256")" 1.0
install
want="bootstrap-initiated,parsing-initiated,parsing-complete,informational,boot-image-initiated,boot-image-complete,pre-script-initiated,pre-script-complete,config-initiated,config-complete,post-script-initiated,post-script-complete,bootstrap-complete"
if [ $rc -eq 0 ] && [ "$(progress s1)" = "$want" ] && has "already installed" &&
   ! has "image: downloading" && in_root root_ok 0; then
	ok "same os-version: configuration-only path, no download"
else
	bad "configuration-only path" "rc=$rc progress=$(progress s1)"
fi
stop_server s1

# ---- the cloud-init example: a NoCloud seed as the configuration
sh "$top/docs/examples/cloud-init/mkconfig.sh" "$tmp/cfg.tar" --instance-id iid-sztp-test-42 ||
	setup_fail "docs/examples/cloud-init/mkconfig.sh failed"
serve "$(cat "$IMG/os.img.zst.sha256")" 1.0
install
seed_ok() {
	s=$tmp/sysroot/var/lib/cloud/seed/nocloud
	cmp -s "$s/user-data" "$top/docs/examples/cloud-init/user-data" &&
	grep -qx 'instance-id: iid-sztp-test-42' "$s/meta-data" &&
	grep -qx 'local-hostname: web-01' "$s/meta-data" &&
	[ "$(stat -c '%a %u' "$s/user-data" "$s/meta-data" | sort -u)" = "600 0" ]
}
if [ $rc -eq 0 ] && has "config: .*applied \(merge\)" && in_root seed_ok; then
	ok "cloud-init example: NoCloud seed in /var/lib/cloud/seed/nocloud/{meta-data,user-data}"
else
	bad "cloud-init NoCloud seed" "rc=$rc $(in_root ls -lR "$tmp/sysroot/var/lib/cloud" 2>&1 | tr '\n' ' ' | cut -c1-200)"
fi
stop_server s1

# ---- factory-fresh: no bootstrap-server anchors at all. Signed data from the
# provisional server, the image from a server no anchor covers: downloaded
# unvalidated with one warning, the signed sha-256 decides (it used to fail
# "no trust anchors for 127.0.0.1", six times, then boot-image-error); another
# os-version than the one installed, so that the image is downloaded
serve "$(cat "$IMG/os.img.zst.sha256")" 1.5
client --max-rounds 1 --target-disk "$loop" --target-root "$tmp/sysroot" \
	--run-dir "$tmp/run" "https://127.0.0.1:$p1"
expect "factory-fresh: no anchors, image downloaded unvalidated, sha-256 verified" 0 \
	times 1 "downloading unvalidated" has "image written and verified" \
	has "bootstrapping complete via 127.0.0.1:$p1" progress s1 ""
stop_server s1

# ---- onboarding abandoned after the image was written (a post-script
# error): nothing bootable is left (RFC 8572 section 5.6), and the next
# attempt starts clean (a full install, not "already installed")
printf '#!/bin/sh\necho "post: failing"\nexit 3\n' >"$tmp/post-err.sh"
serve "$(cat "$IMG/os.img.zst.sha256")" 2.0 "$tmp/post-err.sh"
install
expect "abandoned after the image was written: partition table wiped" 1 \
	has "post-script-error" has "nothing bootable left" \
	progress s1 bootstrap-initiated,parsing-initiated,parsing-complete,informational,boot-image-initiated,boot-image-mismatch,boot-image-complete,pre-script-initiated,pre-script-complete,config-initiated,config-complete,post-script-initiated,post-script-error \
	at_most "partition tables left" "$(sfdisk -d "$loop" >/dev/null 2>&1 && echo 1 || echo 0)" 0
stop_server s1
serve "$(cat "$IMG/os.img.zst.sha256")" 2.0
install
expect "the next attempt starts clean: a full install again" 0 \
	has "boot-image-mismatch" has "image written and verified" has "partition table written: the image is bootable"
stop_server s1

t_summary
