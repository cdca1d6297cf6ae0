#!/bin/sh
# tests/layout/manpage.sh: the sztpboot(8) manual page (docs/sztpboot.8,
# built as build/sztpboot.8 by make) renders without a single warning
# (groff -ww, and man -l as a reader runs it), names every subcommand of
# src/main.c's table and every kernel command-line key of the parser's
# table (src/base/cmdline.c), and make install puts it where man finds it.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
. "$TOP/tests/lib/common.sh"
t_need groff man
t_tmpdir sztp-man
tmp=$T_TMP

warn=$(groff -ww -z -man docs/sztpboot.8 2>&1)
[ -z "$warn" ] && t_ok "groff -ww: no warning" || t_fail "groff -ww" "$warn"

page=build/sztpboot.8
if [ ! -f "$page" ] || [ docs/sztpboot.8 -nt "$page" ]; then
	sed 's/@VERSION@/test/' docs/sztpboot.8 >"$tmp/sztpboot.8"
	page=$tmp/sztpboot.8
fi
grep -q '@VERSION@' "$page" && t_fail "version filled in" "$page still says @VERSION@" || t_ok "version filled in"
warn=$(MANWIDTH=80 man -l "$page" 2>&1 >/dev/null)
[ -z "$warn" ] && t_ok "man -l $page: no warning" || t_fail "man -l" "$warn"
MANWIDTH=80 man -l "$page" 2>/dev/null | col -b >"$tmp/page.txt"
[ "$(wc -l <"$tmp/page.txt")" -gt 100 ] && t_ok "it renders ($(wc -l <"$tmp/page.txt") lines)" ||
	t_fail "it renders" "$(wc -l <"$tmp/page.txt") lines"

# every subcommand, as a heading of COMMANDS
for c in $(sed -n 's/^[[:space:]]*{ "\([a-z0-9]*\)", cmd_[a-z0-9_]*, ".*/\1/p' src/main.c); do
	if grep -Eq "^ {7}sztpboot $c( |$)" "$tmp/page.txt"; then
		t_ok "command $c"
	else
		t_fail "command $c" "no \"sztpboot $c\" entry under COMMANDS"
	fi
done
# every command-line key
for k in $(sed -n '/keys\[\] = {/,/^};/p' src/base/cmdline.c | sed -n 's/^[[:space:]]*{ "\([^"]*\)", key_.*/\1/p'); do
	if grep -Eq "(^|[ ,(])$k([=, ]|$)" "$tmp/page.txt"; then
		t_ok "key $k"
	else
		t_fail "key $k" "not in KERNEL COMMAND LINE"
	fi
done
for s in "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
	grep -q "^$s" "$tmp/page.txt" && t_ok "section $s" || t_fail "section $s" "missing"
done

# make install of what is built (-o: nothing is rebuilt here)
if [ -x build/sztpboot ] && [ -f build/sztpboot.8 ]; then
	if make -s -o build/sztpboot -o build/sztpboot.8 install DESTDIR="$tmp/root" PREFIX=/usr \
		>"$tmp/install.log" 2>&1 &&
	   [ -x "$tmp/root/usr/bin/sztpboot" ] && [ -x "$tmp/root/usr/bin/sztp-artifacts" ] &&
	   [ -f "$tmp/root/usr/share/man/man8/sztpboot.8" ] &&
	   MANPATH="$tmp/root/usr/share/man" man -w sztpboot >/dev/null 2>&1; then
		t_ok "make install: bin/sztpboot, bin/sztp-artifacts, share/man/man8/sztpboot.8 (man finds it)"
	else
		t_fail "make install" "$(cat "$tmp/install.log")"
	fi
else
	t_skip "make install" "build/sztpboot or build/sztpboot.8 is not built"
fi
t_summary
