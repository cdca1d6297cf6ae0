#!/bin/sh
# tests/fuzz/run.sh smoke|long FUZZER...
#
# smoke (make check): each fuzzer replays its seed corpus
#        (tests/fuzz/<folder>/corpus/NAME/, crash regressions included) and
#        then mutates for FUZZ_SMOKE_SECONDS (default 3) in a throwaway
#        directory: fast and the same on every run.
# long (make fuzz): each fuzzer runs FUZZ_SECONDS (default 300) on its
#        growing corpus build/fuzz/corpus/NAME (kept between runs, seeded
#        from the seed corpus), FUZZ_JOBS (default 1) at a time. A crash,
#        leak, timeout or out-of-memory input is copied into the seed corpus
#        (tests/fuzz/<folder>/corpus/NAME/crash-<sha1>...) so that every
#        later smoke run replays it; write the unit test and the fix next
#        (docs/development.md, "Fuzzing").
#
# Both print one line per target, a table (target, executions, coverage as
# libFuzzer's cov: edges and ft: features from its last status line, corpus
# files, crashes) and "N passed, N failed". A target's log is
# build/fuzz/log/MODE/NAME.log, its artifacts build/fuzz/artifacts/MODE/NAME/,
# its table row build/fuzz/rows/MODE/NAME (kept: the table of the last run of
# every target is `cat build/fuzz/rows/long/*`).
# tests/fuzz/<folder>/NAME.dict, when present, is passed as -dict, and the
# libFuzzer flags in tests/fuzz/<folder>/NAME.options (lines, # comments)
# are added.
set -u
mode=${1:-}; shift
case $mode in
smoke) secs=${FUZZ_SMOKE_SECONDS:-3} rss=1024 jobs=1 ;;
long) secs=${FUZZ_SECONDS:-300} rss=2048 jobs=${FUZZ_JOBS:-1} ;;
*) echo "usage: $0 smoke|long FUZZER..." >&2; exit 2 ;;
esac
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$TOP/build/fuzz
RES=$OUT/rows/$mode
mkdir -p "$OUT/log/$mode" "$OUT/artifacts/$mode" "$RES"
trap 'exit 130' INT TERM

# run_one BIN: run one fuzzer, write its table row to $RES/NAME
run_one() {
	bin=$1
	name=$(basename "$bin"); name=${name#fuzz_}
	seeds=
	for d in "$TOP"/tests/fuzz/*/corpus/"$name"; do [ -d "$d" ] && seeds=$d; done
	dict= opts=
	for d in "$TOP"/tests/fuzz/*/"$name".dict; do [ -f "$d" ] && dict=$d; done
	for d in "$TOP"/tests/fuzz/*/"$name".options; do
		[ -f "$d" ] && opts=$(sed 's/#.*//' "$d" | tr '\n' ' ')
	done
	if [ "$mode" = smoke ]; then
		work=$OUT/smoke/$name
		rm -rf "$work"
	else
		work=$OUT/corpus/$name
	fi
	art=$OUT/artifacts/$mode/$name
	log=$OUT/log/$mode/$name.log
	mkdir -p "$work" "$art"
	rm -f "$art"/* "$RES/$name"
	start=$(date +%s)
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb="$rss" -print_final_stats=1 \
		${dict:+-dict="$dict"} $opts -artifact_prefix="$art/" "$work" ${seeds:+"$seeds"} \
		>"$log" 2>&1
	rc=$?
	wall=$(( $(date +%s) - start ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	stats=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n1)
	cov=$(echo "$stats" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$stats" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	[ -n "$execs" ] || execs=$(echo "$stats" | sed -n 's/^#\([0-9]*\).*/\1/p')
	files=$(find "$work" -type f | wc -l)
	crashes=0
	for a in "$art"/*; do
		[ -f "$a" ] || continue
		crashes=$((crashes + 1))
		if [ "$mode" = long ] && [ -n "$seeds" ]; then
			cp "$a" "$seeds/" && echo "fuzz_$name: $(basename "$a") added to ${seeds#"$TOP"/}"
		fi
	done
	if [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ]; then
		status=ok
		echo "ok   fuzz_$name (${wall} s, ${execs:-?} runs)"
	else
		status=FAIL
		echo "FAIL fuzz_$name: exit $rc, $crashes artifact(s); see build/fuzz/log/$mode/$name.log"
		grep -E 'ERROR: |SUMMARY: |runtime error|Test unit written' "$log" | head -n 8
	fi
	printf '%-14s %12s %7s %8s %8s %8s %6s  %s\n' "$name" "${execs:--}" "${cov:--}" \
		"${ft:--}" "$files" "$crashes" "$wall" "$status" >"$RES/$name"
}

all= missing=0
for bin in "$@"; do
	if [ -x "$bin" ]; then
		all="$all $bin"
	elif [ ! -e "$bin" ]; then
		echo "FAIL $bin: no such fuzz target (FUZZ_TARGETS names them without fuzz_: FUZZ_TARGETS=tpm_conf)"
		missing=$((missing + 1))
	fi
done
running=
for bin in $all; do
	[ -x "$bin" ] || continue
	if [ "$jobs" -le 1 ]; then
		run_one "$bin"
		continue
	fi
	run_one "$bin" &
	running="$running $!"
	# shellcheck disable=SC2086
	set -- $running
	if [ "$#" -ge "$jobs" ]; then
		wait "$1"
		shift
		running="$*"
	fi
done
wait

pass=0 fail=0
echo
printf '%-14s %12s %7s %8s %8s %8s %6s  %s\n' target executions cov ft corpus crashes secs status
for bin in $all; do
	name=$(basename "$bin"); name=${name#fuzz_}
	f=$RES/$name
	[ -f "$f" ] || { echo "$name: no result"; fail=$((fail + 1)); continue; }
	cat "$f"
	case $(cat "$f") in
	*ok) pass=$((pass + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
done
fail=$((fail + missing))
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
