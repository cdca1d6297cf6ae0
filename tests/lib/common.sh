# tests/lib/common.sh: what every shell suite needs around its cases
# (sourced; POSIX sh; Linux: reads /proc). Safe under set -e and set -u.
#
# Results: each case prints "ok NAME" or "FAIL NAME: WHY"; the suite ends with
# "N passed, N failed" (the line tests/run.sh adds up).
#   t_ok NAME            prints "ok NAME", counts a pass
#   t_fail NAME [WHY]    prints "FAIL NAME: WHY", counts a failure
#   t_skip NAME WHY      prints "skip NAME: WHY", counts nothing
#   t_summary            prints "N passed, N failed"; status 0 only if none failed
#   t_setup_fail WHY     prints "FAIL setup: WHY" and the summary with it
#                        counted, then exits 1
#   t_need TOOL...       t_setup_fail for the first TOOL not on the PATH
#   t_tail N FILE...     the last N lines of each non-empty FILE, indented and
#                        prefixed with the file's name (for a failure's context)
#   t_expect NAME FILE REGEX...
#                        t_ok NAME when each extended REGEX matches a line of
#                        FILE after the line the previous one matched (a log
#                        read in order), else t_fail NAME naming the first
#                        REGEX that did not
#   T_PASSED, T_FAILED   the counts
#
# Processes: only PIDs this shell started are ever signalled, and only while
# they are still its children (a PID the kernel has since given to someone
# else is left alone). Nothing is ever stopped by name.
#   t_track PID          PID (e.g. $!) is stopped at exit
#   t_untrack PID        it is not (it ended and was waited for)
#   t_stop PID           TERM, up to 3 s, then KILL; waited for; untracked
#   t_stop_all           t_stop every tracked PID, the last started first
#   t_wait SECONDS PID COMMAND...
#                        runs COMMAND every 0.1 s until it succeeds (status 0),
#                        PID is gone or SECONDS have passed (status 1); PID "-"
#                        waits on COMMAND and time alone
#   t_wait_gone SECONDS PID
#                        waits until PID has ended (status 0) or SECONDS have
#                        passed (status 1); PID is not signalled
#
# Clean-up: sourcing this file installs t_cleanup as the EXIT trap and makes
# INT, TERM and HUP exit (status 128 + signal number) through it, so it runs
# when a suite ends, fails, dies on set -e or is interrupted.
#   t_tmpdir NAME        T_TMP = a new directory ${TMPDIR:-/tmp}/NAME.XXXXXX,
#                        removed at exit (KEEP_TMP set non-empty keeps it, and
#                        says where)
#   t_at_exit FUNCTION   FUNCTION runs at exit, after the tracked processes are
#                        stopped; the last registered runs first
#   t_cleanup            stops the tracked PIDs, runs the exit functions

T_PASSED=0
T_FAILED=0
T_PIDS=""
T_AT_EXIT=""
T_TMP=""

t_ok() {
	echo "ok $1"
	T_PASSED=$((T_PASSED + 1))
}

t_fail() {
	echo "FAIL $1${2:+: $2}"
	T_FAILED=$((T_FAILED + 1))
}

t_skip() { echo "skip $1: $2"; }

t_expect() {
	te_name=$1 te_file=$2
	shift 2
	te_after=0
	for te_re in "$@"; do
		te_n=$(tail -n +$((te_after + 1)) "$te_file" | grep -a -n -m1 -E -- "$te_re" | cut -d: -f1)
		if [ -z "$te_n" ]; then
			t_fail "$te_name" "no line matches /$te_re/ (after line $te_after)"
			return 0
		fi
		te_after=$((te_after + te_n))
	done
	t_ok "$te_name"
}

t_summary() {
	echo "$T_PASSED passed, $T_FAILED failed"
	[ "$T_FAILED" -eq 0 ]
}

t_setup_fail() {
	t_fail setup "$1"
	t_summary || true
	exit 1
}

t_need() {
	for t_tool in "$@"; do
		command -v "$t_tool" >/dev/null 2>&1 || t_setup_fail "$t_tool not installed"
	done
}

t_tail() {
	t_n=$1
	shift
	for t_f in "$@"; do
		[ -s "$t_f" ] || continue
		sed "s|^|    ${t_f##*/}: |" "$t_f" | tail -n "$t_n"
	done
	return 0
}

# t_mine PID: PID is alive (not a zombie) and a child of this shell or
# subshell. /proc/self is read by the shell itself (read is a builtin).
t_mine() {
	[ -r "/proc/$1/stat" ] || return 1
	{ read -r t_stat <"/proc/$1/stat"; } 2>/dev/null || return 1
	{ read -r t_self </proc/self/stat; } 2>/dev/null || return 1
	t_stat=${t_stat##*) }           # "STATE PPID ..." (the name may hold ") ")
	t_ppid=${t_stat#* }
	t_ppid=${t_ppid%% *}
	[ "${t_stat%% *}" != Z ] && [ "$t_ppid" = "${t_self%% *}" ]
}

t_track() { T_PIDS="$T_PIDS $1"; }

t_untrack() {
	t_left=""
	for t_p in $T_PIDS; do
		[ "$t_p" = "$1" ] || t_left="$t_left $t_p"
	done
	T_PIDS=$t_left
}

t_stop() {
	t_untrack "$1"
	if t_mine "$1"; then
		kill -TERM "$1" 2>/dev/null || true
		t_i=0
		while t_mine "$1" && [ $t_i -lt 150 ]; do
			sleep 0.02
			t_i=$((t_i + 1))
		done
		if t_mine "$1"; then
			kill -KILL "$1" 2>/dev/null || true
		fi
	fi
	wait "$1" 2>/dev/null || true
}

t_stop_all() {
	t_rev=""
	for t_p in $T_PIDS; do t_rev="$t_p $t_rev"; done
	for t_p in $t_rev; do t_stop "$t_p"; done
	T_PIDS=""
}

t_wait() {
	t_secs=$1 t_pid=$2
	shift 2
	t_i=0
	while ! "$@"; do
		if [ "$t_pid" != - ] && ! t_mine "$t_pid"; then
			return 1
		fi
		[ $t_i -lt $((t_secs * 10)) ] || return 1
		sleep 0.1
		t_i=$((t_i + 1))
	done
}

t_gone() { ! t_mine "$1"; }

t_wait_gone() { t_wait "$1" - t_gone "$2"; }

t_at_exit() { T_AT_EXIT="$1 $T_AT_EXIT"; }

t_rm_tmp() {
	[ -n "$T_TMP" ] && [ -d "$T_TMP" ] || return 0
	if [ -n "${KEEP_TMP:-}" ]; then
		echo "kept $T_TMP" >&2
	else
		rm -rf "$T_TMP"
	fi
	T_TMP=""
}

t_tmpdir() {
	T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || t_setup_fail "mktemp failed"
	t_at_exit t_rm_tmp
}

t_cleanup() {
	t_rc=$?
	trap - EXIT
	trap '' INT TERM HUP    # a second Ctrl-C must not cut the clean-up short
	t_stop_all
	for t_fn in $T_AT_EXIT; do "$t_fn" || true; done
	T_AT_EXIT=""
	return $t_rc
}

trap t_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
