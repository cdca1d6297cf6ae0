#!/bin/sh
# tests/fuzz/run.sh smoke|long FUZZER...
# smoke: each fuzzer replays its seed corpus and runs briefly (make check).
# long:  each fuzzer runs FUZZ_SECONDS (default 300) with a growing corpus
#        in build/fuzz/corpus/NAME (make fuzz).
set -u
mode=$1; shift
TOP=$(cd "$(dirname "$0")/../.." && pwd)
pass=0 fail=0
for bin in "$@"; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin"); name=${name#fuzz_}
	seeds=$(echo "$TOP"/tests/fuzz/*/corpus/"$name")
	work=$TOP/build/fuzz/corpus/$name
	mkdir -p "$work"
	if [ "$mode" = smoke ]; then
		args="-max_total_time=${FUZZ_SMOKE_SECONDS:-6} -timeout=10 -rss_limit_mb=1024"
	else
		args="-max_total_time=${FUZZ_SECONDS:-300} -timeout=10 -rss_limit_mb=2048"
	fi
	# shellcheck disable=SC2086
	if "$bin" $args -artifact_prefix="$TOP/build/fuzz/$name-" "$work" "$seeds" \
		>"$TOP/build/fuzz/$name.log" 2>&1; then
		echo "ok   fuzz_$name ($(grep -c . "$TOP/build/fuzz/$name.log") log lines)"
		pass=$((pass + 1))
	else
		echo "FAIL fuzz_$name: see build/fuzz/$name.log"
		tail -n 30 "$TOP/build/fuzz/$name.log"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
