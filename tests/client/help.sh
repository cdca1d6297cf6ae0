#!/bin/sh
# tests/client/help.sh: every subcommand has --help with an example and its
# exit status, on stdout with exit 0; `help COMMAND` says the same; a usage
# error exits 2 with the usage on stderr; `help cmdline-keys` lists the
# parser's keys (the table tests/layout/cmdline-doc.sh checks the docs against).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/common.sh"
bin=${SZTPBOOT:-$top/build/sztpboot}
[ -x "$bin" ] || t_setup_fail "$bin not built"
t_tmpdir sztp-help
tmp=$T_TMP

cmds=$("$bin" help | sed -n '/^commands:/,/^$/p' | awk 'NF >= 2 && $1 != "commands:" { print $1 }')
[ "$(echo "$cmds" | wc -w)" -ge 10 ] || t_setup_fail "sztpboot help lists: $cmds"
for c in $cmds; do
	"$bin" "$c" --help >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && grep -q "^usage: sztpboot $c" "$tmp/out" &&
	   grep -q "^example:" "$tmp/out" && grep -A1 "^example:" "$tmp/out" | grep -q "^  .*sztpboot" &&
	   grep -q "^exit status: " "$tmp/out"; then
		t_ok "help_$c"
	else
		t_fail "help_$c" "rc=$rc: $(head -c 300 "$tmp/out" "$tmp/err" | tr '\n' ' ')"
	fi
	"$bin" help "$c" >"$tmp/out2" 2>&1
	if cmp -s "$tmp/out" "$tmp/out2"; then t_ok "help_command_$c"; else t_fail "help_command_$c" "differs from $c --help"; fi
	"$bin" "$c" -h >"$tmp/out3" 2>&1
	if cmp -s "$tmp/out" "$tmp/out3"; then t_ok "help_short_$c"; else t_fail "help_short_$c" "differs from $c --help"; fi
done

# usage errors: exit 2, the usage on stderr, nothing on stdout
for c in verify dhcp4 discover run fetch get tpm; do
	"$bin" "$c" --no-such-option >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && grep -q "^usage: sztpboot $c" "$tmp/err" &&
	   grep -q "sztpboot $c --help says more" "$tmp/err"; then
		t_ok "usage_error_$c"
	else
		t_fail "usage_error_$c" "rc=$rc: $(head -c 300 "$tmp/err")"
	fi
done
"$bin" no-such-command >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && grep -q 'unknown command "no-such-command"' "$tmp/err"; then t_ok unknown_command; else t_fail unknown_command "rc=$rc"; fi
"$bin" >"$tmp/out" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q "^commands:" "$tmp/out"; then t_ok no_command; else t_fail no_command "rc=$rc"; fi
"$bin" help no-such-command >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && t_ok help_unknown_command || t_fail help_unknown_command "rc=$rc"

# the keys of the command line, as the parser's table has them
"$bin" help cmdline-keys >"$tmp/keys"
want=$(sed -n '/keys\[\] = {/,/^};/p' "$top/src/base/cmdline.c" | sed -n 's/^[[:space:]]*{ "\([^"]*\)", key_.*/\1/p')
if [ "$(cat "$tmp/keys")" = "$want" ] && grep -qx "sztp.url" "$tmp/keys"; then
	t_ok cmdline_keys
else
	t_fail cmdline_keys "got: $(tr '\n' ' ' <"$tmp/keys")"
fi
t_summary
