#!/bin/sh
# tests/owner/quickstart.sh: docs/quickstart.md, run as written, then the
# device's side with `sztpboot run` onto a loop device.
#
# Each step is the text between the doc's "<!-- snippet NAME begin -->" /
# "<!-- snippet NAME end -->" markers (indentation removed), run with sh -e
# after the "setup" snippet, in one working directory, with SZTP set to this
# checkout. The only changes made to the text: the bootstrap server is
# 127.0.0.1 on a free port (SERVER=, PORT= of "setup"), the lab server
# listens on 127.0.0.1 instead of 0.0.0.0 (and is started with exec, to be
# stopped by its PID), and step 6's make runs as
# `make -n` (it would replace build/initrd.img, which other suites use).
# Then `sztpboot run`, with the stand-in device's identity and the anchors
# step 6 collected, onboards a loop device from the lab server: image,
# configuration, post-script, every progress report in order.
#
# Needs root (loop devices, mount), openssl, python3; about a minute.
#   SZTPBOOT=path (default build/sztpboot), SZTP_DOC=path, KEEP_TMP=1
# Prints ok/FAIL lines and ends with "N passed, N failed".
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/owner/lib.inc"
BIN=${SZTPBOOT:-$TOP/build/sztpboot}
DOC=${SZTP_DOC:-$TOP/docs/quickstart.md}
[ "$(id -u)" -eq 0 ] || t_setup_fail "needs root (loop devices, mount)"
t_need openssl python3 losetup sfdisk
[ -x "$BIN" ] || t_setup_fail "$BIN not built"
[ -f "$DOC" ] || t_setup_fail "no $DOC"
t_tmpdir sztp-quickstart
T=$T_TMP
W=$T/site
mkdir -p "$W"
PORT=$(free_port)
export SZTP="$TOP"
snippet() { doc_snippet "$DOC" "$1"; }
for n in setup standins describe artifacts verify lab-server initrd console; do
	[ -n "$(snippet $n)" ] || t_setup_fail "$DOC has no snippet \"$n\""
done
snippet setup | sed "s/^SERVER=[^ ]*/SERVER=127.0.0.1/; s/^PORT=[^ ]*/PORT=$PORT/" >"$T/setup.sh"
grep -q "^SERVER=127.0.0.1" "$T/setup.sh" && grep -q "^PORT=$PORT" "$T/setup.sh" ||
	t_setup_fail "the setup snippet no longer sets SERVER= and PORT="

# step NAME [SED]: run snippet NAME (edited by SED) after setup, in $W;
# output in $T/NAME.out; its exit status
step() {
	{ cat "$T/setup.sh"; snippet "$1" | sed "${2:-}"; } >"$T/$1.sh"
	(cd "$W" && sh -e "$T/$1.sh") >"$T/$1.out" 2>&1
}
# check NAME STATUS CONDITION...: ok when STATUS is 0 and CONDITION holds
check() {
	c_name=$1 c_rc=$2
	shift 2
	if [ "$c_rc" -eq 0 ] && "$@"; then
		t_ok "$c_name"
	else
		t_fail "$c_name" "exit $c_rc"
		t_tail 15 "$T/${c_name%%:*}.out"
	fi
}
SN=$(sh -c ". '$T/setup.sh'; echo \$SN")

step standins
check "standins: the test PKI's stand-ins, a voucher, the test OS" $? \
	test -s "$W/$SN.vcj" -a -s "$W/images/os.img.zst" -a -s "$W/owner.key"
step describe
check "describe: the configuration directory and the post-script" $? test -x "$W/post.sh" -o -s "$W/post.sh"
step artifacts
check "artifacts: sztp-artifacts wrote the reply" $? test -s "$W/out/$SN/get-bootstrapping-data.json"
step verify
check "verify: sztpboot verify accepts it" $? grep -qx "the device will accept it" "$T/verify.out"
step initrd 's/^make -C /make -n -C /'
check "initrd: make takes the anchors, and no lab identity" $? \
	sh -c "grep -q -- '--anchors $W/anchors ' '$T/initrd.out' && ! grep -q -- '--device' '$T/initrd.out' &&
		test -f '$W/anchors/bootstrap/server-ca.pem' -a -f '$W/anchors/voucher/manufacturer-voucher-ca.pem'"

# the lab server, as the doc starts it (on 127.0.0.1 only; exec'd, so that
# the PID tracked is the server's and it is stopped at exit)
{ cat "$T/setup.sh"; snippet lab-server |
	sed 's/--bind 0\.0\.0\.0 /--bind 127.0.0.1 /; s/^python3 /exec python3 /'; } >"$T/lab-server.sh"
grep -q -- "--bind 127.0.0.1 " "$T/lab-server.sh" || t_setup_fail "the lab-server snippet no longer binds 0.0.0.0"
grep -q "^exec python3 " "$T/lab-server.sh" || t_setup_fail "the lab-server snippet no longer starts with python3"
: >"$T/lab-server.out"
(cd "$W" && exec sh -e "$T/lab-server.sh") >"$T/lab-server.out" 2>&1 &
LAB=$!
t_track $LAB
if t_wait 15 $LAB grep -q "listening on" "$T/lab-server.out"; then
	t_ok "lab-server: the test server serves the reply (no PKI but the operator's files)"
else
	t_fail "lab-server" "did not start"
	t_tail 15 "$T/lab-server.out"
	t_summary
	exit 1
fi

# the device: sztpboot run onto a loop device, with the anchors of step 6
device_disk
device_run --bootstrap-ta "$W/anchors/bootstrap" --voucher-ta "$W/anchors/voucher"
rc=$RC
want="bootstrap-initiated,parsing-initiated,parsing-complete,informational,boot-image-initiated,boot-image-mismatch,boot-image-complete,config-initiated,config-complete,post-script-initiated,post-script-complete,bootstrap-complete"
got=$(sed -n 's/^sztp-server: [^ ]* progress \([a-z-]*\).*/\1/p' "$T/lab-server.out" | paste -sd, -)
if [ $rc -eq 0 ] && [ "$got" = "$want" ] && grep -q "image written and verified" "$T/device.out" &&
	grep -q "verified onboarding-information (signed), reporting-level verbose" "$T/device.out"; then
	t_ok "device: onboarded from the lab server, every progress report in order"
else
	t_fail "device onboarding" "exit $rc, reports \"$got\""
	t_tail 20 "$T/device.out"
fi
new_root() {
	mount -o ro "${LOOP}p1" "$T/sysroot" || return 1
	r=0
	[ "$(cat "$T/sysroot/etc/sztp-example/message")" = "provisioned by SZTP" ] &&
		[ "$(cat "$T/sysroot/etc/ssh/sshd_config.d/50-sztp.conf")" = "PasswordAuthentication no" ] &&
		[ "$(cat "$T/sysroot/etc/sztp-example/installed")" = "$SN: SZTP Demo OS 1.0" ] &&
		[ "$(stat -c %u:%g "$T/sysroot/etc/sztp-example/message")" = 0:0 ] || r=1
	umount "$T/sysroot"
	return $r
}
if new_root; then
	t_ok "the new root holds the configuration (owned 0:0) and the post-script's file"
else
	t_fail "new root contents" "$(ls -R "$T/sysroot" 2>&1 | head -3 | tr '\n' ' ')"
fi
t_stop $LAB
t_summary
