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
#   stream  verified streaming of a random raw image (SZTP_BENCH_STREAM_MIB,
#           1 GiB) over loopback HTTPS from a private nginx (lib-nginx.sh:
#           TLS 1.2, ECDHE-ECDSA-AES128-GCM-SHA256 for everyone), side by
#           side in one run, the commands taking turns, median of
#           SZTP_BENCH_STREAM_RUNS (3) wall times each:
#             stream_fetch_s           sztpboot fetch URL --sha256 H --out F
#             stream_curl_sha256sum_s  curl -s URL | tee F | sha256sum
#             stream_curl_openssl_s    curl -s URL | tee F | openssl dgst -sha256
#             stream_curl_o_s          curl -s URL -o F (no verification, no sync)
#           and stream_vs_* = their time / fetch's time (the speed of fetch
#           relative to each; targets: >= 1.0 vs curl|tee|openssl, >= 0.9 vs
#           curl -o), stream_fetch_mb_s; fetch_peak_rss_kib (/usr/bin/time,
#           1 GiB) and fetch_peak_rss_big_kib for a SZTP_BENCH_RSS_MIB (4 GiB)
#           image, fetch_rss_growth_kib the difference (target 0, within
#           page-level noise: <= 128 KiB)
#   sha256  sha256_agent_mb_s (build/sha256-rate: the agent's own SHA-256
#           object hashing 1 GiB in 16 KiB updates) vs sha256_openssl_mb_s
#           (openssl speed -evp sha256, 16384-byte column), both per CPU
#           second; sha256_vs_openssl their ratio (target >= 0.9);
#           sha256_portable_mb_s: BearSSL's portable fallback
#   boot    boot_seconds: the "boot-time: N s" line of qemu/boot-test.sh
#           (QEMU start to power-off, a full onboarding); the accelerator
#           (kvm or tcg) is in the method
#   load_1m_start, load_1m_end: the 1-minute load average around the run
#           (other work on the machine makes wall times noisy; the ratios of
#           one run share the noise)
#
# Budgets: tests/bench/budget.txt ("METRIC MAX" lines). Exit status 1 if a
# figure is over budget or a measurement failed, else 0 (the speed targets
# are reported, not enforced: they are timings).
#
# Environment:
#   SZTP_BENCH="size verify stream sha256 boot"   what to measure (default: all)
#   SZTP_BENCH_STREAM_MIB=1024  SZTP_BENCH_STREAM_RUNS=3  SZTP_BENCH_RSS_MIB=4096
#                                          (0: no big-image RSS run)
#   SZTP_BENCH_RUNS=20                     native runs for verify_wall_ms
#   SZTPBOOT=build/sztpboot  SZTP_BENCH_OUT=build/bench
#   SZTP_BENCH_BUDGET=tests/bench/budget.txt
# Scratch files (the images, ~1 GiB + 4 GiB while the big run lasts) live in
# a directory under SZTP_BENCH_OUT, removed at the end.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
B=$TOP/build
SZ=${SZTPBOOT:-$B/sztpboot}
PKI=$B/pki
OUT=${SZTP_BENCH_OUT:-$B/bench}
RES=$OUT/results.jsonl
BUDGET=${SZTP_BENCH_BUDGET:-$TOP/tests/bench/budget.txt}
WHAT=${SZTP_BENCH:-"size verify stream sha256 boot"}
STREAM_MIB=${SZTP_BENCH_STREAM_MIB:-1024}
STREAM_RUNS=${SZTP_BENCH_STREAM_RUNS:-3}
RSS_MIB=${SZTP_BENCH_RSS_MIB:-4096}
RUNS=${SZTP_BENCH_RUNS:-20}

# shellcheck source=tests/bench/lib-nginx.sh
. "$TOP/tests/bench/lib-nginx.sh"
mkdir -p "$OUT" || exit 1
T=$(mktemp -d "$OUT/run.XXXXXX") || exit 1
chmod 755 "$T" # nginx's workers (an unprivileged user) serve files from under it
cleanup() {
	nginx_stop
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
load1() { cut -d' ' -f1 /proc/loadavg; }
stream_desc() {
	case $1 in
	fetch) echo "sztpboot fetch URL --sha256 H --out F (O_DIRECT, fdatasync)" ;;
	curl_sha256sum) echo "curl -s URL | tee F | sha256sum" ;;
	curl_openssl) echo "curl -s URL | tee F | openssl dgst -sha256" ;;
	curl_o) echo "curl -s URL -o F (verifies nothing, no sync)" ;;
	esac
}

[ -x "$SZ" ] || { echo "bench: $SZ missing (run make)" >&2; exit 1; }
: >"$T/values"
CPU=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
echo "bench: rev $REV on $HOST ($CPU, $(nproc) CPUs), $RUN; results appended to ${RES#"$TOP"/}"
printf '%-26s %14s  %-7s %s\n' METRIC VALUE UNIT METHOD
record load_1m_start "$(load1)" load "1-minute load average (/proc/loadavg) at the start; machine: $CPU, $(nproc) CPUs"

# ---------------------------------------------------------------- size
if wants size; then
	if file "$SZ" | grep -q 'not stripped'; then
		strip --strip-all -R .comment -o "$T/sztpboot.stripped" "$SZ"
		s=$(stat -c %s "$T/sztpboot.stripped")
	else
		s=$(stat -c %s "$SZ")
	fi
	record sztpboot_bytes "$s" bytes "stat -c %s of the stripped static-pie musl binary"
	# what it is made of: bytes each library brings to the loaded sections
	# (tests/bench/sizes.sh, from the linker map build/sztpboot.map)
	if SZTPBOOT=$B/sztpboot.unstripped SZTP_SIZE_TOP=15 sh "$TOP/tests/bench/sizes.sh" >"$T/sizes.txt" 2>&1 ||
		grep -q 'OVER BUDGET' "$T/sizes.txt"; then
		awk '/^build\/sztpboot by input/ { on = 1; next } /^largest objects/ { on = 0 } on && NF == 3 { print $1, $2 }' \
			"$T/sizes.txt" | while read -r lib bytes; do
			record "size_lib_$(printf '%s' "$lib" | tr -c 'A-Za-z0-9_\n' '_')" "$bytes" bytes \
				"bytes $lib brings to sztpboot's loaded sections (linker map)"
		done
		sed -n '/^largest objects/,/^sztpboot_bytes/p' "$T/sizes.txt" | sed '$d'
	else
		error size_lib "tests/bench/sizes.sh failed: $(tail -n 1 "$T/sizes.txt")"
	fi
	img=$B/initrd.img
	if [ -f "$img" ]; then
		record initrd_bytes "$(stat -c %s "$img")" bytes "stat -c %s of build/initrd.img (compressed cpio)"
		# the same archive without lib/modules: what the modules cost
		root=$B/initrd-root
		if [ -d "$root" ]; then
			(cd "$root" && find . -path ./lib/modules -prune -o -print0 | LC_ALL=C sort -z |
				cpio --quiet -o -0 -H newc --reproducible --owner=0:0 |
				xz --check=crc32 --lzma2=preset=9e -T1 -c) >"$T/nomod.img" &&
				record initrd_nomod_bytes "$(stat -c %s "$T/nomod.img")" bytes \
					"build/initrd-root without lib/modules, cpio | xz -9e as mkinitrd.sh does"
		fi
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

# ---------------------------------------------------------------- stream
# The image path against hand-made pipelines, side by side in one run: the
# same nginx (lib-nginx.sh: loopback, TLS 1.2, one AEAD suite), the same
# random image, output files in the same directory, the commands taking
# turns in each round so that a change of load hits all of them.
STREAM_CMDS="fetch curl_sha256sum curl_openssl curl_o"
# stream_cmd NAME URL OUT: one timed run; wall ns in $T/wall.NAME, CPU and
# RSS (user sys maxrss) in $T/cpu.NAME; 0, or 1 when it failed
stream_cmd() {
	rm -f "$3" "$T/time.txt"
	a=$(now_ns)
	case $1 in
	fetch)
		/usr/bin/time -f '%U %S %M' -o "$T/time.txt" "$SZ" fetch "$2" --sha256 "$shash" \
			--ca "$PKI/server/ca.pem" --out "$3" --quiet >"$T/cmd.out" 2>&1
		;;
	curl_sha256sum)
		/usr/bin/time -f '%U %S %M' -o "$T/time.txt" bash -c \
			'set -o pipefail; curl -sS --cacert "$1" "$2" | tee "$3" | sha256sum' \
			bash "$PKI/server/ca.pem" "$2" "$3" >"$T/cmd.out" 2>&1
		;;
	curl_openssl)
		/usr/bin/time -f '%U %S %M' -o "$T/time.txt" bash -c \
			'set -o pipefail; curl -sS --cacert "$1" "$2" | tee "$3" | openssl dgst -sha256' \
			bash "$PKI/server/ca.pem" "$2" "$3" >"$T/cmd.out" 2>&1
		;;
	curl_o)
		/usr/bin/time -f '%U %S %M' -o "$T/time.txt" curl -sS --cacert "$PKI/server/ca.pem" \
			"$2" -o "$3" >"$T/cmd.out" 2>&1
		;;
	esac
	rc=$?
	b=$(now_ns)
	sz=$(stat -c %s "$3" 2>/dev/null || echo 0)
	rm -f "$3"
	# every command must have produced the whole image; the pipelines' digest must match
	if [ $rc -ne 0 ] || [ "$sz" != "$sbytes" ] ||
		{ [ "$1" != fetch ] && [ "$1" != curl_o ] && ! grep -q "$shash" "$T/cmd.out"; }; then
		echo "$1: exit $rc, $sz bytes: $(tail -n 2 "$T/cmd.out" | tr '\n' ' ' | head -c 200)" >"$T/fail.$1"
		return 1
	fi
	echo $((b - a)) >>"$T/wall.$1"
	tail -n 1 "$T/time.txt" >>"$T/cpu.$1"
	return 0
}
# ratio A B: B / A with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }
if wants stream; then
	sbytes=$((STREAM_MIB * 1048576))
	S=$T/stream
	mkdir -p "$S/www" "$S/out"
	head -c "$sbytes" /dev/urandom >"$S/www/img.img"
	shash=$(openssl dgst -sha256 -r "$S/www/img.img" | cut -c1-64)
	if nginx_start "$S/nginx" "$S/www" "$PKI/server/server.pem" "$PKI/server/server.key"; then
		url="https://127.0.0.1:$NGINX_PORT/img.img"
		what="$STREAM_MIB MiB random raw image, nginx on 127.0.0.1 (TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256), output file under build/bench"
		# one untimed fetch: nginx, the page cache and the CPU settle
		stream_cmd fetch "$url" "$S/out/warm" || true
		rm -f "$T"/wall.* "$T"/cpu.* "$T"/fail.*
		r=0
		while [ $r -lt "$STREAM_RUNS" ]; do
			for c in $STREAM_CMDS; do
				stream_cmd "$c" "$url" "$S/out/$c" || break 2
			done
			r=$((r + 1))
		done
		if ls "$T"/fail.* >/dev/null 2>&1; then
			error stream_fetch_s "$(cat "$T"/fail.*)"
		else
			for c in $STREAM_CMDS; do
				med=$(median <"$T/wall.$c")
				eval "t_$c=$med"
				cpu=$(awk '{ print $1 + $2 }' "$T/cpu.$c" | median)
				record "stream_${c}_s" "$(awk -v n="$med" 'BEGIN { printf "%.2f", n / 1e9 }')" s \
					"wall clock, median of $STREAM_RUNS (CPU user+sys median ${cpu} s): $(stream_desc "$c"), $what"
			done
			# shellcheck disable=SC2154 # t_* are set by the eval above
			{
				record stream_fetch_mb_s "$(awk -v n="$sbytes" -v t="$t_fetch" 'BEGIN { printf "%.1f", n / (t / 1e9) / 1e6 }')" MB/s \
					"10^6 bytes downloaded, verified and written per wall second (median run, handshake and final fdatasync included)"
				record stream_vs_curl_sha256sum "$(ratio "$t_fetch" "$t_curl_sha256sum")" x \
					"speed of sztpboot fetch relative to curl | tee | sha256sum (median times: theirs / ours; >1 is faster)"
				record stream_vs_curl_openssl "$(ratio "$t_fetch" "$t_curl_openssl")" x \
					"speed of sztpboot fetch relative to curl | tee | openssl dgst -sha256 (target >= 1.0)"
				record stream_vs_curl_o "$(ratio "$t_fetch" "$t_curl_o")" x \
					"speed of sztpboot fetch relative to curl -o, which verifies nothing and does not sync (target >= 0.9)"
				rss1=$(awk '{ print $3 }' "$T/cpu.fetch" | sort -n | tail -n 1)
				record fetch_peak_rss_kib "$rss1" KiB \
					"/usr/bin/time maximum resident set size of sztpboot fetch, largest of $STREAM_RUNS runs, $STREAM_MIB MiB image"
			}
		fi
		# the same fetch of an image RSS_MIB large: memory must not grow with it
		if [ -z "${rss1:-}" ]; then
			:
		elif [ "$RSS_MIB" -gt 0 ]; then
			n=$((RSS_MIB / STREAM_MIB))
			rm -f "$S/www/big.img"
			i=0
			while [ $i -lt "$n" ]; do cat "$S/www/img.img"; i=$((i + 1)); done >"$S/www/big.img"
			bhash=$(openssl dgst -sha256 -r "$S/www/big.img" | cut -c1-64)
			rm -f "$S/out/big"
			if /usr/bin/time -f '%M' -o "$T/time.txt" "$SZ" fetch "https://127.0.0.1:$NGINX_PORT/big.img" \
				--sha256 "$bhash" --ca "$PKI/server/ca.pem" --out "$S/out/big" --quiet >"$T/cmd.out" 2>&1 &&
				[ "$(stat -c %s "$S/out/big")" = "$((n * sbytes))" ]; then
				rss2=$(tail -n 1 "$T/time.txt")
				record fetch_peak_rss_big_kib "$rss2" KiB \
					"/usr/bin/time maximum resident set size of sztpboot fetch, $((n * STREAM_MIB)) MiB image"
				record fetch_rss_growth_kib "$((rss2 - rss1))" KiB \
					"peak RSS for $((n * STREAM_MIB)) MiB minus peak RSS for $STREAM_MIB MiB (target: 0 within page noise, nothing grows with the image)"
			else
				error fetch_peak_rss_big_kib "fetch of the $((n * STREAM_MIB)) MiB image failed: $(tail -n 2 "$T/cmd.out" | tr '\n' ' ' | head -c 200)"
			fi
			rm -f "$S/www/big.img" "$S/out/big"
		fi
	else
		error stream_fetch_s "nginx did not start (see ${S#"$TOP"/}/nginx/error.log)"
	fi
	nginx_stop
	rm -rf "$S/www" "$S/out"
fi

# ---------------------------------------------------------------- sha256
# The agent's SHA-256 (build/sha256-rate: the agent's own object) against
# OpenSSL's, both divided by CPU time (openssl speed's default), so a loaded
# machine does not skew the ratio; median of 3 each, taking turns.
if wants sha256; then
	RATE=$B/sha256-rate
	if [ ! -x "$RATE" ]; then
		error sha256_agent_mb_s "$RATE missing (make build/sha256-rate)"
	else
		: >"$T/sha.agent"; : >"$T/sha.openssl"
		i=0
		while [ $i -lt 3 ]; do
			"$RATE" 1024 | sed -n 's/.*cpu_mb_s=\([0-9.]*\).*/\1/p' >>"$T/sha.agent"
			openssl speed -evp sha256 -bytes 16384 -seconds 3 2>/dev/null |
				awk '$1 == "sha256" { v = $NF; sub(/k$/, "", v); printf "%.1f\n", v / 1000 }' >>"$T/sha.openssl"
			i=$((i + 1))
		done
		impl=$("$RATE" 1 | sed -n 's/^impl=\(.*\) bytes=.*/\1/p')
		a=$(median <"$T/sha.agent") o=$(median <"$T/sha.openssl")
		if [ -n "$a" ] && [ -n "$o" ]; then
			record sha256_agent_mb_s "$a" MB/s "build/sha256-rate 1024: 1 GiB in 16 KiB updates through sha256_class() ($impl), per CPU second, median of 3"
			record sha256_openssl_mb_s "$o" MB/s "openssl speed -evp sha256 -bytes 16384 (per CPU second, its default), median of 3"
			record sha256_vs_openssl "$(ratio "$o" "$a")" x "agent SHA-256 rate / OpenSSL's (target >= 0.9 on a CPU with SHA extensions)"
			p=$("$RATE" --portable 256 | sed -n 's/.*cpu_mb_s=\([0-9.]*\).*/\1/p')
			[ -n "$p" ] && record sha256_portable_mb_s "$p" MB/s "build/sha256-rate --portable 256: BearSSL's portable code, the fallback without SHA extensions"
		else
			error sha256_agent_mb_s "no rate from $RATE or openssl speed"
		fi
	fi
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
		# the agent's phases, from its own console timestamps
		if sh "$TOP/tests/bench/phases.sh" "$OUT/boot-test/console.log" >"$T/phases.txt" 2>/dev/null; then
			while read -r ph sec; do
				record "boot_${ph}_s" "$sec" s "agent phase $ph (tests/bench/phases.sh on the boot-test console), accel $accel"
			done <"$T/phases.txt"
		else
			error boot_phases "no agent timestamps in ${OUT#"$TOP"/}/boot-test/console.log"
		fi
	else
		error boot_seconds "qemu/boot-test.sh failed (exit $rc), see ${OUT#"$TOP"/}/boot-test.log"
	fi
fi

record load_1m_end "$(load1)" load "1-minute load average (/proc/loadavg) at the end"

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
# ---------------------------------------------------------------- targets
# The speed targets (docs/performance.md): timings, so reported, not enforced.
target() { # METRIC OP LIMIT
	v=$(awk -v m="$1" '$1 == m { v = $2 } END { print v }' "$T/values")
	[ -n "$v" ] || return 0
	if awk -v v="$v" -v x="$3" -v op="$2" 'BEGIN { exit !(op == ">=" ? v >= x : v <= x) }'; then
		echo "target met $1: $v $2 $3"
	else
		echo "target MISSED $1: $v, wanted $2 $3"
	fi
}
target stream_vs_curl_openssl ">=" 1.0
target stream_vs_curl_o ">=" 0.9
target sha256_vs_openssl ">=" 0.9
# the same memory for both sizes, within page-level noise (+-64 KiB seen between runs)
target fetch_rss_growth_kib "<=" 128
[ $over -eq 0 ] && [ $errors -eq 0 ]
