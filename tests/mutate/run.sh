#!/bin/sh
# tests/mutate/run.sh: mutation testing of the security checks (`make mutate`).
#
#   tests/mutate/run.sh [--quick] [--list | --check] [NAME...]
#
# Each mutant of tests/mutate/mutants.txt (format at its top) breaks one
# check. They are applied one at a time to a scratch copy of the tree,
# build/mutate/tree (the working tree is never written): apply, rebuild what
# the mutant's suites need, run the suites, revert (also on Ctrl-C), check
# the file is back to the working tree's bytes. A mutant is killed when every
# suite named for it fails; it survives when one of them passes. A stale
# mutant (its original text is not in the file exactly once) or one that
# does not build is an error, never a kill.
#
# Before the mutants, every suite they name runs once on the unmutated copy:
# it must pass, else nothing a mutant does could be told apart.
#
#   --quick   only the mutants marked "quick", and only their unit suites
#             (tests/run.sh runs this as the suite "mutate", in make check)
#   --list    print the selected mutants and exit
#   --check   only check that no mutant is stale (fast; exit 3 if one is)
#   NAME...   only these mutants
#
# Environment: SZTP_MUTATE_LIMIT seconds per suite run (default 900; a suite
# stopped by the limit counts as failed, noted "timeout"), SZTP_MUTANTS (the
# list file), SZTP_MUTATE_DIR (the scratch directory, default build/mutate:
# two runs at once need two), SZTP_FIXTURES (made fresh when unset),
# SZTP_VECTORS.
# Prints "ok NAME" / "FAIL NAME: why" per mutant, a table, and
# "N passed, N failed". Exit 0 when every mutant was killed.
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
LIST=${SZTP_MUTANTS:-$TOP/tests/mutate/mutants.txt}
LIMIT=${SZTP_MUTATE_LIMIT:-900}
W=${SZTP_MUTATE_DIR:-$TOP/build/mutate}
TREE=$W/tree
LOGS=$W/logs
PY="python3 $TOP/tests/mutate/mutate.py"

# suite_cmd SUITE: run it in the scratch tree (0 = it passed)
suite_cmd() {
	cd "$TREE" || return 1
	case $1 in
	unit) build/unit-tests ;;
	unit:*) build/unit-tests "${1#unit:}" ;;
	*/*) sh "tests/$1.sh" ;;
	*)
		r=0 n=0
		for t in tests/"$1"/*.sh; do
			[ -f "$t" ] || continue
			case $t in */gen-*) continue ;; esac
			n=$((n + 1))
			echo "=== $t"
			sh "$t" || r=1
		done
		[ $n -gt 0 ] || { echo "no tests/$1/*.sh"; r=1; }
		return $r
		;;
	esac
}
# internal: run.sh --suite SUITE (how passes() starts a suite in its own session)
if [ "${1:-}" = --suite ] && [ $# -eq 2 ]; then
	suite_cmd "$2"
	exit $?
fi

quick=0 listonly=0 names=""
for a in "$@"; do
	case $a in
	--quick) quick=1 ;;
	--list) listonly=1 ;;
	--check) exec python3 "$TOP/tests/mutate/mutate.py" check "$LIST" "$TOP" ;;
	-*) echo "usage: $0 [--quick] [--list | --check] [NAME...]" >&2; exit 2 ;;
	*) names="$names $a" ;;
	esac
done

die() { echo "FAIL mutate: $*"; echo "0 passed, 1 failed"; exit 1; }

mkdir -p "$W" "$LOGS" || die "cannot create $W"
# one run at a time per scratch directory, taken before anything in it is
# written (a second run must not rewrite the list the first one reads)
if [ $listonly = 0 ]; then
	exec 9>"$W/lock"
	flock -n 9 || die "another run holds $W/lock (SZTP_MUTATE_DIR gives a run its own)"
fi
if [ $quick = 1 ]; then q=--quick; else q=; fi
if [ $listonly = 1 ]; then
	# shellcheck disable=SC2086 # $q and $names are word lists
	$PY list "$LIST" $q $names | awk -F '\t' '{ printf "%-38s %-28s %s\n", $1, $3, $4 }'
	exit 0
fi
# shellcheck disable=SC2086 # $q and $names are word lists
$PY list "$LIST" $q $names >"$W/selected" 2>"$W/list.err" || die "$(cat "$W/list.err")"
[ -s "$W/selected" ] || die "no mutant selected"
# a stale mutant (its text no longer in its file) stops the run at once,
# before an hour of suites: the list must be updated with the code
if ! $PY check "$LIST" "$TOP" >"$W/check.out" 2>&1; then
	grep '^stale' "$W/check.out" | sed 's/^/FAIL /'
	die "$(tail -n 1 "$W/check.out"): update tests/mutate/mutants.txt"
fi

# ------------------------------------------------------------------ cleanup
applied=""    # the mutant now in the scratch tree, or ""
job=""        # the running suite's process group
revert_bad=0
stop_job() {
	[ -n "$job" ] && { kill -TERM -"$job" 2>/dev/null; wait "$job" 2>/dev/null; job=""; }
}
revert() {
	[ -n "$applied" ] || return 0
	if ! $PY revert "$LIST" "$applied" "$TREE" "$TOP" >>"$LOGS/revert.log" 2>&1; then
		echo "FAIL $applied: could not be reverted (see $LOGS/revert.log)"
		revert_bad=1
	fi
	applied=""
}
on_exit() {
	stop_job
	revert
}
trap on_exit EXIT
trap 'echo "mutate: interrupted"; on_exit; exit 130' INT TERM HUP

# the working tree's state of the files the mutants change, before and after
# (the harness writes only under build/mutate; this proves it)
mutated_files=$(cut -f2 "$W/selected" | sort -u)
git_state() {
	# shellcheck disable=SC2086 # a list of paths
	{ git -C "$TOP" status --porcelain=v1 -- $mutated_files; git -C "$TOP" diff -- $mutated_files; } 2>&1
}
state_before=$(git_state | sha256sum)

# ------------------------------------------------------------------ the scratch tree
# A copy of the files git knows (only changed files are rewritten, so make
# rebuilds only those), with the working tree's dependencies (musl, host
# libraries, kernel, test PKI and images) linked, never rebuilt here.
(cd "$TOP" && make -q build/stamp/deps) ||
	die "the dependencies are not built (run make in $TOP first)"
mkdir -p "$TREE/build/stamp" || die "cannot create $TREE"
$PY sync "$TOP" "$TREE" || die "cannot copy the tree to $TREE"
# build/install (the test OS images) is copied: the suites regenerate it
# when the agent is newer (qemu/media-test.sh), and a mutated agent always
# is; a link would have them rewrite the working tree's images.
[ -L "$TREE/build/install" ] && rm -f "$TREE/build/install"
if [ -d "$TOP/build/install" ] && [ ! -e "$TREE/build/install" ]; then
	cp -a "$TOP/build/install" "$TREE/build/install" || die "cannot copy build/install"
fi
for d in musl host kernel pki; do
	if [ -e "$TOP/build/$d" ] && [ ! -e "$TREE/build/$d" ]; then
		ln -s "$TOP/build/$d" "$TREE/build/$d" || die "cannot link build/$d"
	fi
done
if [ ! -d "$TREE/build/obj" ] && [ -d "$TOP/build/obj" ]; then
	cp -a "$TOP/build/obj" "$TREE/build/obj" || die "cannot copy build/obj"
fi
for f in initrd/deps.sh initrd/deps.lock; do touch -r "$TOP/$f" "$TREE/$f"; done
touch -r "$TOP/build/stamp/deps" "$TREE/build/stamp/deps"

if [ -z "${SZTP_FIXTURES:-}" ]; then
	rm -rf "$TREE/build/fixtures"
	sh "$TREE/tests/verify/gen-crypto-fixtures.sh" "$TREE/build/fixtures" >"$LOGS/fixtures.log" 2>&1 ||
		die "fixtures: see $LOGS/fixtures.log"
	SZTP_FIXTURES=$TREE/build/fixtures
fi
export SZTP_FIXTURES
if [ -z "${SZTP_VECTORS:-}" ]; then
	for v in "$TOP/../shared/vectors" /work/shared/vectors; do
		if [ -d "$v" ]; then SZTP_VECTORS=$(cd "$v" && pwd); export SZTP_VECTORS; break; fi
	done
fi

# ------------------------------------------------------------------ suites
# suites_of SUITES: the suites run in this mode (--quick: the unit ones)
suites_of() {
	for s in $1; do
		case $quick:$s in
		1:unit|1:unit:*|0:*) printf '%s ' "$s" ;;
		esac
	done
}
# targets_of SUITES: what make must build for them
targets_of() {
	for s in $1; do
		case $s in
		unit|unit:*) echo build/unit-tests ;;
		install|install/*) echo build/sztpboot; echo build/install-driver ;;
		*) echo build/sztpboot ;;
		esac
	done | sort -u | tr '\n' ' '
}
# passes SUITE LOG: run SUITE (bounded by $LIMIT); 0 when it passed: exit
# status 0, and every closing line says "N passed, 0 failed" with N > 0
passes() {
	rm -f "$W/timed-out"
	# a session (and process group) of its own, bounded by timeout(1), which
	# stops the whole group when the limit is reached (and is gone with it:
	# nothing outlives the suite, even when this script is killed); Ctrl-C
	# stops the group by its id
	setsid timeout -k 10 "$LIMIT" sh "$TOP/tests/mutate/run.sh" --suite "$1" \
		>"$2" 2>&1 </dev/null 9>&- &
	job=$!
	wait "$job"
	rc=$?
	job=""
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "(stopped after $LIMIT s)" >>"$2"
		: >"$W/timed-out"
		return 1
	fi
	[ $rc -eq 0 ] || return 1
	grep -E '^[0-9]+ passed, [0-9]+ failed' "$2" >"$2.sum" || return 1
	! grep -qvE '^[1-9][0-9]* passed, 0 failed$' "$2.sum"
}

# ------------------------------------------------------------------ baseline
# Every suite the selected mutants name must pass without a mutant.
all_suites=$(cut -f3 "$W/selected" | tr ' ' '\n' | sort -u | tr '\n' ' ')
all_suites=$(suites_of "$all_suites")
echo "mutate: $(wc -l <"$W/selected") mutant(s) in $TREE; baseline: $all_suites"
t_start=$(date +%s)
# shellcheck disable=SC2046 # a word list
make -C "$TREE" -j2 $(targets_of "$all_suites") >"$LOGS/baseline.build.log" 2>&1 9>&- ||
	die "the unmutated tree does not build (see $LOGS/baseline.build.log)"
for s in $all_suites; do
	log=$LOGS/baseline.$(echo "$s" | tr '/:' '__').log
	passes "$s" "$log" || die "baseline: suite $s fails without any mutant (see $log)"
done
echo "mutate: baseline passed ($(( $(date +%s) - t_start )) s)"

# ------------------------------------------------------------------ the mutants
pass=0 fail=0
: >"$W/results"
# record NAME RESULT SECONDS SUITES WHAT
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$W/results"; }
while IFS="$(printf '\t')" read -r name file suites what <&3; do
	t0=$(date +%s)
	run=$(suites_of "$suites")
	if [ -z "$run" ]; then
		echo "FAIL $name: no suite to run in this mode (a quick mutant needs a unit suite)"
		fail=$((fail + 1)); record "$name" "no-suite" 0 "$suites" "$what"
		continue
	fi
	if ! msg=$($PY apply "$LIST" "$name" "$TREE" 2>&1); then
		echo "FAIL $name: $msg"
		fail=$((fail + 1)); record "$name" "STALE" 0 "$suites" "$what"
		continue
	fi
	applied=$name
	result="" caught="" missed=""
	# shellcheck disable=SC2046 # a word list
	if ! make -C "$TREE" -j2 $(targets_of "$run") >"$LOGS/$name.build.log" 2>&1 9>&-; then
		result=NO-BUILD
	else
		for s in $run; do
			log=$LOGS/$name.$(echo "$s" | tr '/:' '__').log
			if passes "$s" "$log"; then
				missed="$missed $s"
			else
				caught="$caught $s"
				[ -e "$W/timed-out" ] && caught="$caught(timeout)"
			fi
		done
		if [ -z "$missed" ]; then result=killed; else result=SURVIVED; fi
	fi
	revert
	[ $revert_bad = 0 ] || die "$name: the scratch tree could not be restored"
	cmp -s "$TREE/$file" "$TOP/$file" || die "$name: $file differs from the working tree after the revert"
	secs=$(( $(date +%s) - t0 ))
	case $result in
	killed)
		echo "ok   $name: killed by${caught} (${secs} s)"
		pass=$((pass + 1)) ;;
	SURVIVED)
		echo "FAIL $name: survived: passed${missed}${caught:+; failed$caught} (${secs} s) [$what]"
		fail=$((fail + 1)) ;;
	*)
		echo "FAIL $name: does not build (see $LOGS/$name.build.log)"
		fail=$((fail + 1)) ;;
	esac
	record "$name" "$result" "$secs" "$run" "$what"
done 3<"$W/selected"

# ------------------------------------------------------------------ the table
total=$(( $(date +%s) - t_start ))
echo "=== mutation table (each mutant: apply, build, run its suites, revert)"
awk -F '\t' '{ printf "%-38s %-9s %5s s  %-32s %s\n", $1, $2, $3, $4, $5 }' "$W/results" |
	tee "$W/table.txt"
n=$(wc -l <"$W/results")
printf '%d mutants: %d killed, %d not killed; %d s in all (baseline included)\n' \
	"$n" "$pass" "$fail" "$total" | tee -a "$W/table.txt"
if [ "$(git_state | sha256sum)" != "$state_before" ]; then
	echo "FAIL worktree: git status/diff of the mutated files changed during the run"
	fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
