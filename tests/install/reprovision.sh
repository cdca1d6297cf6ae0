#!/bin/sh
# tests/install/reprovision.sh: hooks/os/sztp-reprovision on the host, where
# it must not arm anything (qemu/recovery-test.sh runs it for real, in a
# provisioned Debian under OVMF):
#   - it is POSIX sh (dash runs it; shellcheck -s sh finds no warning);
#   - --help prints exactly the text docs/recovery.md shows, exit 0;
#   - usage errors (an unknown option, a bad --method, an option without its
#     argument) exit 2 with the reason;
#   - on a machine not booted by UEFI firmware (or as a non-root user) it
#     refuses with exit 1 and touches nothing.
# Prints ok/FAIL lines, ends "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/common.sh"
tool=$top/hooks/os/sztp-reprovision
t_need dash
t_tmpdir sztp-reprovision-test
out=$T_TMP/out

# run ARGS...: the tool under dash, no configuration file; $rc, $out
run() {
	rc=0
	SZTP_REPROVISION_CONF=/nonexistent dash "$tool" "$@" >"$out" 2>&1 || rc=$?
}

if command -v shellcheck >/dev/null; then
	if shellcheck -s sh -S warning "$tool" >"$out" 2>&1; then
		t_ok "shellcheck -s sh: no warning"
	else
		t_fail "shellcheck -s sh" "$(head -n 5 "$out")"
	fi
else
	t_skip "shellcheck" "not installed"
fi

run --help
# the fenced block after "`sztp-reprovision" ... "--help`:" in the doc
awk '/^--help`:$/ { want = 1; next } want && /^```$/ { if (inblock) exit; inblock = 1; next }
	inblock { print }' "$top/docs/recovery.md" >"$T_TMP/doc-help"
if [ $rc = 0 ] && grep -q '^Usage: sztp-reprovision' "$out" && [ -s "$T_TMP/doc-help" ] &&
	cmp -s "$out" "$T_TMP/doc-help"; then
	t_ok "--help: exit 0, the text docs/recovery.md shows"
else
	t_fail "--help" "exit $rc; differs from docs/recovery.md: $(diff "$T_TMP/doc-help" "$out" | head -n 4 | tr '\n' ' ')"
fi

run --frobnicate
[ $rc = 2 ] && grep -q 'unknown option --frobnicate' "$out" && t_ok "an unknown option: exit 2" ||
	t_fail "unknown option" "exit $rc: $(head -n 1 "$out")"
run --method grub
[ $rc = 2 ] && grep -q -- '--method grub: auto, systemd-boot or efi' "$out" && t_ok "a bad --method: exit 2" ||
	t_fail "bad --method" "exit $rc: $(head -n 1 "$out")"
run --efi
[ $rc = 2 ] && grep -q '^Usage:' "$out" && t_ok "--efi without a file: exit 2" ||
	t_fail "--efi without a file" "exit $rc: $(head -n 1 "$out")"

if [ "$(id -u)" != 0 ]; then
	run --no-reboot
	[ $rc = 1 ] && grep -q 'must run as root' "$out" && t_ok "not root: exit 1, nothing armed" ||
		t_fail "not root" "exit $rc: $(head -n 1 "$out")"
elif [ ! -d /sys/firmware/efi ]; then
	run --no-reboot --esp "$T_TMP"
	if [ $rc = 1 ] && grep -q 'not booted by UEFI firmware: no one-time boot to arm' "$out" &&
		[ -z "$(ls -A "$T_TMP" | grep -v -x -e out -e doc-help)" ]; then
		t_ok "a machine without UEFI: exit 1, nothing written"
	else
		t_fail "no UEFI" "exit $rc: $(head -n 1 "$out")"
	fi
else
	t_skip "no UEFI" "this host was booted by UEFI firmware: the tool would arm it"
fi
t_summary
