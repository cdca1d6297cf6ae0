#!/bin/sh
# sizes.sh: what the agent and the initramfs are made of, and their budgets.
#
#   sizes.sh            the table: build/sztpboot by library and by object
#                       (from the linker map build/sztpboot.map), the agent's
#                       and the initramfs's sizes against tests/bench/budget.txt
#   sizes.sh --check    only the budget lines; exit 1 when a size is over its
#                       budget (make check runs this: a size is not a timing)
#
# Sizes by library are the bytes each input contributes to the loaded
# sections (.text, .rodata, .data and the like, after --gc-sections); the
# stripped file adds headers, relocations and page alignment on top.
# Environment: SZTPBOOT (default build/sztpboot), SZTP_INITRD (build/initrd.img),
# SZTP_SIZE_TOP (how many objects to list, default 25).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=$TOP/build
SZ=${SZTPBOOT:-$B/sztpboot}
IMG=${SZTP_INITRD:-$B/initrd.img}
MAP=${SZ%.unstripped}.map
BUDGET=${SZTP_BENCH_BUDGET:-$TOP/tests/bench/budget.txt}
NTOP=${SZTP_SIZE_TOP:-25}
check=0
[ "${1:-}" = --check ] && check=1

budget() { awk -v m="$1" '$1 == m { print $2; exit }' "$BUDGET"; }

# by_input MAP: "library bytes" and "library:object bytes" lines
by_input() {
	awk '
	/^Linker script and memory map/ { on = 1; next }
	!on { next }
	/^\.[^ \t]/ { split($1, a, " "); out = a[1] }
	{
		line = $0
		if (line ~ /^ \.[^ ]+$/) { getline nxt; line = line " " nxt }
		if (out !~ /^\.(text|rodata|data|data\.rel\.ro|init_array|fini_array|tdata|init|fini|eh_frame|gcc_except_table)$/) next
		n = split(line, f, /[ \t]+/)
		if (n < 4 || f[3] !~ /^0x/ || f[4] !~ /^0x/) next
		size = strtonum_(f[4]); file = f[5]
		for (i = 6; i <= n; i++) file = file " " f[i]
		if (size == 0 || file == "") next
		if (match(file, /lib[^\/]+\.a\(/)) {
			lib = substr(file, RSTART + 3, RLENGTH - 6)
			obj = substr(file, RSTART + RLENGTH); sub(/\)$/, "", obj)
		} else if (file ~ /obj\/musl\//) {
			obj = file; sub(/.*obj\/musl\//, "", obj)
			lib = (obj ~ /\//) ? "agent/" substr(obj, 1, index(obj, "/") - 1) : "agent/" obj
			O["agent:" obj] += size; L[lib] += size; total += size; next
		} else { lib = file; sub(/.*\//, "", lib); obj = lib }
		L[lib] += size; O[lib ":" obj] += size; total += size
	}
	function strtonum_(h,   v, i, c) {
		v = 0; h = tolower(substr(h, 3))
		for (i = 1; i <= length(h); i++) { c = index("0123456789abcdef", substr(h, i, 1)) - 1; v = v * 16 + c }
		return v
	}
	END {
		for (k in L) printf "L %d %s\n", L[k], k
		for (k in O) printf "O %d %s\n", O[k], k
		printf "T %d total\n", total
	}' "$1"
}

status=0
line() { printf '%-34s %10s  %s\n' "$1" "$2" "$3"; }
over() { # over NAME VALUE: the budget line
	max=$(budget "$1")
	if [ -z "$max" ]; then
		line "$1" "$2" "(no budget)"
	elif [ "$2" -gt "$max" ]; then
		line "$1" "$2" "OVER BUDGET $max"
		status=1
	else
		line "$1" "$2" "budget $max: ok"
	fi
}

[ -f "$SZ" ] || { echo "sizes: $SZ missing (run make)" >&2; exit 1; }
if [ $check = 0 ] && [ -f "$MAP" ]; then
	by_input "$MAP" >"${TMPDIR:-/tmp}/sizes.$$"
	trap 'rm -f "${TMPDIR:-/tmp}/sizes.$$"' EXIT
	total=$(awk '$1 == "T" { print $2 }' "${TMPDIR:-/tmp}/sizes.$$")
	echo "build/sztpboot by input (bytes in loaded sections, $total in all; ${MAP#"$TOP"/}):"
	awk '$1 == "L" { print $2, $3 }' "${TMPDIR:-/tmp}/sizes.$$" | sort -rn |
		awk -v t="$total" '{ printf "  %-32s %10d  %5.1f%%\n", $2, $1, 100 * $1 / t }'
	echo "largest objects:"
	awk '$1 == "O" { print $2, $3 }' "${TMPDIR:-/tmp}/sizes.$$" | sort -rn | head -n "$NTOP" |
		awk '{ printf "  %-32s %10d\n", $2, $1 }'
fi
if file "$SZ" | grep -q 'not stripped'; then
	strip --strip-all -R .comment -o "${TMPDIR:-/tmp}/sizes.$$.bin" "$SZ"
	s=$(stat -c %s "${TMPDIR:-/tmp}/sizes.$$.bin")
	rm -f "${TMPDIR:-/tmp}/sizes.$$.bin"
else
	s=$(stat -c %s "$SZ")
fi
over sztpboot_bytes "$s"
if [ -f "$IMG" ]; then
	over initrd_bytes "$(stat -c %s "$IMG")"
else
	echo "sizes: $IMG missing (run make)" >&2
	status=1
fi
exit $status
