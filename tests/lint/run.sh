#!/bin/sh
# tests/lint/run.sh: the static checks of `make lint` over src/, each an
# ok/FAIL line, ending "N passed, N failed".
#   cppcheck    the checks named below, every finding an error
#   clang-tidy  the checks in .clang-tidy, one file at a time (LINT_JOBS)
# The compile flags are the host build's (-Isrc, build/host/include for the
# Debian-built libraries' headers), so both see the code the compiler sees.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP"
B=${B:-$TOP/build}
. tests/lib/common.sh
LOG=$B/test-logs/lint
mkdir -p "$LOG"
JOBS=${LINT_JOBS:-$(nproc)}
SRCS=$(ls src/*.c src/*/*.c)
FLAGS="-std=c11 -D_GNU_SOURCE -DSZTP_VERSION=\"lint\" -Isrc -isystem $B/host/include"

if command -v cppcheck >/dev/null; then
	# warning, portability, performance: defects; style is left to review.
	# One process: with -j cppcheck drops its whole-program (ctu) checks.
	if cppcheck --quiet --error-exitcode=1 --inline-suppr --std=c11 \
		--enable=warning,portability,performance \
		-D_GNU_SOURCE -Isrc $SRCS >"$LOG/cppcheck.log" 2>&1; then
		t_ok "cppcheck: src/ clean"
	else
		sed 's/^/  /' "$LOG/cppcheck.log" | head -n 60
		t_fail cppcheck "findings in src/ (above, all in $LOG/cppcheck.log)"
	fi
else
	t_fail cppcheck "not installed (initrd/deps.sh installs it)"
fi

if command -v clang-tidy >/dev/null; then
	rm -f "$LOG"/tidy.*
	# shellcheck disable=SC2086
	echo $SRCS | tr ' ' '\n' | xargs -P "$JOBS" -I{} sh -c \
		'f=$1; shift; out=$0/tidy.$(echo "$f" | tr / _); clang-tidy --quiet "$f" -- "$@" >"$out" 2>&1 || echo "$f" >"$out.failed"' \
		"$LOG" {} $FLAGS
	if ls "$LOG"/tidy.*.failed >/dev/null 2>&1; then
		for f in "$LOG"/tidy.*.failed; do
			grep -E 'warning:|error:' "${f%.failed}" | sed 's/^/  /' | head -n 20
		done
		t_fail clang-tidy "findings in $(cat "$LOG"/tidy.*.failed | tr '\n' ' ')"
	else
		t_ok "clang-tidy: src/ clean ($(echo $SRCS | wc -w) files)"
	fi
else
	t_fail clang-tidy "not installed (initrd/deps.sh installs it)"
fi
t_summary
