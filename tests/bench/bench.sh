#!/bin/sh
# tests/bench/bench.sh: measurements, not tests (`make bench`; `make check`
# does not run it). Prints a table and appends one JSON line per figure to
# build/bench/results.jsonl, so later runs can be compared:
#
#   {"run":"2025-01-01T00:00:00Z","rev":"15cedc3","host":"h","metric":"...",
#    "value":N,"unit":"...","method":"..."}
#
# "rev" is the version the agent was built from (`sztpboot version`, i.e.
# `git describe --always --dirty` at build time).
#
# Figures:
#   size    sztpboot_bytes, initrd_bytes, initrd_modules: file sizes and the
#           number of *.ko* files in the initramfs cpio
#   verify  verify_instructions: instructions of `sztpboot verify` on a signed
#           response (voucher + owner certificate + conveyed information,
#           EC P-256, made with keys/mkartifacts.sh from build/pki), counted
#           by valgrind --tool=callgrind (deterministic); verify_wall_ms
#           (median of native runs) and verify_peak_rss_kib
#   fetch   `sztpboot fetch` of a zstd-compressed image (256 MiB decompressed:
#           1 MiB blocks alternating base64 of /dev/urandom and zeros) from
#           tests/install/imgserver.py over HTTPS on 127.0.0.1, to a file in a
#           temporary directory: fetch_https_mb_s (10^6 bytes of decompressed
#           image written per second, wall clock, includes the TLS handshake
#           and the final SHA-256 check) and fetch_https_peak_rss_kib
#           (/usr/bin/time, maximum resident set size); the same from
#           file:// (fetch_file_*) shows what the agent does without the
#           Python server in the way
#   boot    boot_seconds: the "boot-time: N s" line of qemu/boot-test.sh
#           (QEMU start to power-off, a full onboarding); the accelerator
#           (kvm or tcg) is in the method
#
# Budgets: tests/bench/budget.txt ("METRIC MAX" lines). Exit status 1 if a
# figure is over budget or a measurement failed, else 0.
#
# Environment:
#   SZTP_BENCH="size verify fetch boot"   what to measure (default: all)
#   SZTP_BENCH_IMG_MIB=256                 decompressed image size, MiB
#   SZTP_BENCH_RUNS=20                     native runs for verify_wall_ms
#   SZTPBOOT=build/sztpboot  SZTP_BENCH_OUT=build/bench
#   SZTP_BENCH_BUDGET=tests/bench/budget.txt
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
B=$TOP/build
SZ=${SZTPBOOT:-$B/sztpboot}
PKI=$B/pki
OUT=${SZTP_BENCH_OUT:-$B/bench}
RES=$OUT/results.jsonl
BUDGET=${SZTP_BENCH_BUDGET:-$TOP/tests/bench/budget.txt}
WHAT=${SZTP_BENCH:-"size verify fetch boot"}
IMG_MIB=${SZTP_BENCH_IMG_MIB:-256}
RUNS=${SZTP_BENCH_RUNS:-20}

mkdir -p "$OUT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/sztp-bench.XXXXXX") || exit 1
srvpid=
cleanup() {
	if [ -n "$srvpid" ]; then
		kill "$srvpid" 2>/dev/null
		wait "$srvpid" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

errors=0 over=0
RUN=$(date -u +%Y-%m-%dT%H:%M:%SZ)
REV=$("$SZ" version 2>/dev/null | sed -n 's/^sztpboot //p')
[ -n "$REV" ] || REV=unknown
HOST=$(uname -n)

# jstr S: S as a JSON string
jstr() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

# record METRIC VALUE UNIT METHOD: one table row and one JSON line
record() {
	printf '%-26s %14s  %-7s %s\n' "$1" "$2" "$3" "$4"
	printf '{"run":%s,"rev":%s,"host":%s,"metric":%s,"value":%s,"unit":%s,"method":%s}\n' \
		"$(jstr "$RUN")" "$(jstr "$REV")" "$(jstr "$HOST")" "$(jstr "$1")" "$2" \
		"$(jstr "$3")" "$(jstr "$4")" >>"$RES"
	printf '%s %s\n' "$1" "$2" >>"$T/values"
}
# error METRIC WHY
error() {
	printf '%-26s %14s  %-7s %s\n' "$1" "ERROR" "" "$2"
	errors=$((errors + 1))
}
# now_ns: monotonic enough for our purposes (wall clock, nanoseconds)
now_ns() { date +%s%N; }
# median of the numbers on stdin
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
wants() { case " $WHAT " in *" $1 "*) return 0 ;; esac; return 1; }

[ -x "$SZ" ] || { echo "bench: $SZ missing (run make)" >&2; exit 1; }
: >"$T/values"
echo "bench: rev $REV on $HOST, $RUN; results appended to ${RES#"$TOP"/}"
printf '%-26s %14s  %-7s %s\n' METRIC VALUE UNIT METHOD

# ---------------------------------------------------------------- size
if wants size; then
	if file "$SZ" | grep -q 'not stripped'; then
		strip --strip-all -R .comment -o "$T/sztpboot.stripped" "$SZ"
		s=$(stat -c %s "$T/sztpboot.stripped")
	else
		s=$(stat -c %s "$SZ")
	fi
	record sztpboot_bytes "$s" bytes "stat -c %s of the stripped static musl binary"
	img=$B/initrd.img
	if [ -f "$img" ]; then
		record initrd_bytes "$(stat -c %s "$img")" bytes "stat -c %s of build/initrd.img (compressed cpio)"
		case $(file -b "$img") in
		Zstandard*) dec="zstd -dc" ;;
		gzip*) dec="gzip -dc" ;;
		XZ*) dec="xz -dc" ;;
		*) dec="cat" ;;
		esac
		if $dec "$img" 2>/dev/null | cpio -t --quiet >"$T/initrd.list" 2>/dev/null; then
			n=$(grep -cE '\.ko(\.(xz|zst|gz))?$' "$T/initrd.list")
			record initrd_modules "$n" count "*.ko* files in the initrd cpio (cpio -t)"
		else
			error initrd_modules "cannot list $img with $dec | cpio -t"
		fi
	else
		error initrd_bytes "$img missing (run make)"
	fi
fi

# ---------------------------------------------------------------- verify
if wants verify; then
	cp -r "$PKI" "$T/pki" 2>/dev/null
	P=$T/pki
	N=AAECAwQFBgcICQoLDA0ODw==
	cat >"$T/onb.json" <<'EOF'
{"ietf-sztp-conveyed-info:onboarding-information":{"boot-image":{"os-name":"Debian","os-version":"12","download-uri":["https://192.0.2.1/debian.img"],"image-verification":[{"hash-algorithm":"ietf-sztp-conveyed-info:sha-256","hash-value":"e3:b0:c4:42:98:fc:1c:14:9a:fb:f4:c8:99:6f:b9:24:27:ae:41:e4:64:9b:93:4c:a4:95:99:1b:78:52:b8:55"}]},"configuration-handling":"merge","configuration":"aG9zdG5hbWUgZGVtbwo=","post-configuration-script":"IyEvYmluL3NoCmVjaG8gZG9uZQo="}}
EOF
	mka() { sh "$TOP/keys/mkartifacts.sh" "$@"; }
	if [ -f "$P/device/serial.txt" ] &&
		mka voucher --pki "$P" --nonce "$N" >"$T/ov.cms" 2>"$T/mka.err" &&
		mka owner-cert --pki "$P" >"$T/oc.cms" 2>>"$T/mka.err" &&
		mka conveyed --pki "$P" --json "$T/onb.json" >"$T/ci.cms" 2>>"$T/mka.err" &&
		mka response --ci "$T/ci.cms" --oc "$T/oc.cms" --ov "$T/ov.cms" >"$T/resp.json" 2>>"$T/mka.err"; then
		set -- verify --serial "$(cat "$P/device/serial.txt")" --voucher-ta "$P/masa/ca.pem" \
			--nonce "$N" "$T/resp.json"
		if ! "$SZ" "$@" >"$T/v.out" 2>"$T/v.err" || ! cmp -s "$T/v.out" "$T/onb.json"; then
			error verify_instructions "verify failed: $(head -c 200 "$T/v.err")"
		else
			desc="sztpboot verify, signed response (voucher+owner cert+conveyed info, EC P-256), $(stat -c %s "$T/resp.json") bytes"
			if command -v valgrind >/dev/null &&
				valgrind --tool=callgrind --callgrind-out-file="$T/cg.out" \
					--log-file="$T/cg.log" "$SZ" "$@" >/dev/null 2>&1; then
				ir=$(sed -n 's/.*Collected : *\([0-9][0-9]*\).*/\1/p' "$T/cg.log")
				if [ -n "$ir" ]; then
					record verify_instructions "$ir" instr "valgrind callgrind Ir (deterministic for one input; fresh ECDSA signatures each run vary it by ~0.1%): $desc"
				else
					error verify_instructions "no 'Collected' line in the callgrind log"
				fi
			else
				error verify_instructions "valgrind missing or failed"
			fi
			i=0
			while [ "$i" -lt "$RUNS" ]; do
				a=$(now_ns)
				"$SZ" "$@" >/dev/null 2>&1
				b=$(now_ns)
				echo $(((b - a) / 1000)) >>"$T/wall"
				i=$((i + 1))
			done
			us=$(median <"$T/wall")
			record verify_wall_ms "$(awk -v u="$us" 'BEGIN { printf "%.2f", u / 1000 }')" ms \
				"wall clock, median of $RUNS native runs incl. process start: $desc"
			if /usr/bin/time -f %M -o "$T/time.txt" "$SZ" "$@" >/dev/null 2>&1; then
				record verify_peak_rss_kib "$(tail -n 1 "$T/time.txt")" KiB \
					"/usr/bin/time maximum resident set size: $desc"
			fi
		fi
	else
		error verify_instructions "mkartifacts.sh failed: $(head -c 200 "$T/mka.err" 2>/dev/null)"
	fi
fi

# ---------------------------------------------------------------- fetch
# fetch_one NAME URL: one timed `sztpboot fetch` into $T/out
fetch_one() {
	rm -f "$T/out" "$T/time.txt"
	a=$(now_ns)
	/usr/bin/time -f %M -o "$T/time.txt" "$SZ" fetch "$2" --sha256 "$hash" \
		--ca "$PKI/server/ca.pem" --out "$T/out" --quiet >"$T/f.out" 2>&1
	rc=$?
	b=$(now_ns)
	if [ $rc -ne 0 ]; then
		error "fetch_$1_mb_s" "fetch failed (exit $rc): $(tail -n 2 "$T/f.out" | tr '\n' ' ' | head -c 200)"
		return
	fi
	if [ "$(stat -c %s "$T/out")" != "$bytes" ] || ! cmp -s "$T/img" "$T/out"; then
		error "fetch_$1_mb_s" "the written file differs from the image"
		return
	fi
	what="$IMG_MIB MiB image, zstd $(stat -c %s "$T/img.zst") bytes"
	record "fetch_$1_mb_s" "$(awk -v n="$bytes" -v t=$((b - a)) 'BEGIN { printf "%.1f", n / (t / 1e9) / 1e6 }')" MB/s \
		"decompressed 10^6 bytes written per wall second, $3: $what"
	record "fetch_$1_peak_rss_kib" "$(tail -n 1 "$T/time.txt")" KiB \
		"/usr/bin/time maximum resident set size of sztpboot fetch, $3"
	rm -f "$T/out"
}
if wants fetch; then
	bytes=$((IMG_MIB * 1048576))
	i=0
	while [ $i -lt $((IMG_MIB / 2)) ]; do
		head -c 786432 /dev/urandom | base64 -w 0
		head -c 1048576 /dev/zero
		i=$((i + 1))
	done >"$T/img"
	zstd -q -3 -T0 "$T/img" -o "$T/img.zst"
	hash=$(sha256sum "$T/img.zst" | cut -c1-64)
	python3 "$TOP/tests/install/imgserver.py" --cert "$PKI/server/server.pem" \
		--key "$PKI/server/server.key" --dir "$T" --port-file "$T/port" \
		--log "$T/server.log" 2>"$T/server.err" &
	srvpid=$!
	i=0
	while [ ! -f "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	port=$(cat "$T/port" 2>/dev/null)
	if [ -n "$port" ]; then
		fetch_one https "https://127.0.0.1:$port/img.zst" "HTTPS from tests/install/imgserver.py on 127.0.0.1"
	else
		error fetch_https_mb_s "imgserver.py did not start: $(head -c 200 "$T/server.err")"
	fi
	kill "$srvpid" 2>/dev/null
	wait "$srvpid" 2>/dev/null
	srvpid=
	fetch_one file "file://$T/img.zst" "file:// (no network)"
	rm -f "$T/img" "$T/img.zst"
fi

# ---------------------------------------------------------------- boot
if wants boot; then
	SZTP_OUT=$OUT/boot-test SZTP_QUIET=1 sh "$TOP/qemu/boot-test.sh" >"$T/boot.log" 2>&1 </dev/null
	rc=$?
	cp "$T/boot.log" "$OUT/boot-test.log"
	case ${SZTP_ACCEL:-auto} in
	kvm | tcg) accel=$SZTP_ACCEL ;;
	*)
		accel=tcg
		if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
			accel=unknown
			c=$B/qemu/.accel
			if [ -f "$c" ] && [ "$(sed -n 1p "$c")" = "$(cat /proc/sys/kernel/random/boot_id)" ]; then
				case $(sed -n 2p "$c") in *kvm*) accel=kvm ;; *) accel=tcg ;; esac
			fi
		fi
		;;
	esac
	s=$(sed -n 's/^boot-time: \([0-9.]*\) s$/\1/p' "$T/boot.log" | tail -n 1)
	if [ $rc -eq 0 ] && [ -n "$s" ]; then
		record boot_seconds "$s" s "qemu/boot-test.sh boot-time (QEMU start to power-off, full onboarding), accel $accel"
	else
		error boot_seconds "qemu/boot-test.sh failed (exit $rc), see ${OUT#"$TOP"/}/boot-test.log"
	fi
fi

# ---------------------------------------------------------------- budget
if [ -f "$BUDGET" ]; then
	while read -r m max _; do
		case $m in '' | '#'*) continue ;; esac
		v=$(awk -v m="$m" '$1 == m { v = $2 } END { print v }' "$T/values")
		[ -n "$v" ] || continue
		if awk -v v="$v" -v x="$max" 'BEGIN { exit !(v > x) }'; then
			echo "OVER BUDGET $m: $v > $max (${BUDGET#"$TOP"/})"
			over=$((over + 1))
		else
			echo "within budget $m: $v <= $max"
		fi
	done <"$BUDGET"
fi
[ $over -eq 0 ] && [ $errors -eq 0 ]
