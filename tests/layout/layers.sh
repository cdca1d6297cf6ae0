#!/bin/sh
# tests/layout/layers.sh: the tree keeps the shape src/LAYERS gives it.
#  - every folder of src/ is named in src/LAYERS, has a README.md, and is
#    on the map in docs/development.md;
#  - every #include "..." of a project header names its folder and points at
#    a file that exists, in the same folder or one on an earlier line of
#    src/LAYERS (never a sibling, never a layer above);
#  - unit tests and fuzz targets sit in folders named after a subsystem.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
pass=0 fail=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# rank of each folder: its line number among the non-comment lines
ranks=$(grep -v '^#' src/LAYERS | awk 'NF { n++; for (i = 1; i <= NF; i++) print $i, n }')
rank() { echo "$ranks" | awk -v f="$1" '$1 == f { print $2 }'; }

for d in src/*/; do
	d=${d%/}; f=${d#src/}
	if [ -z "$(rank "$f")" ]; then bad "src/$f is not in src/LAYERS"; continue; fi
	[ -f "$d/README.md" ] || { bad "src/$f has no README.md"; continue; }
	grep -q "src/$f/" docs/development.md || { bad "src/$f is not on the map in docs/development.md"; continue; }
	ok "src/$f: layer $(rank "$f"), README.md, on the map"
done
for f in $(echo "$ranks" | awk '{ print $1 }'); do
	[ -d "src/$f" ] || bad "src/LAYERS names $f, which is not a folder of src/"
done

# every project include: "folder/file.h", existing, not from above
viol=$(for c in src/*.c src/*/*.[ch]; do
	case $c in src/*/*) from=$(basename "$(dirname "$c")") ;; *) from=. ;; esac
	grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$c" |
	sed -E 's/^([0-9]+):.*"([^"]*)".*/\1 \2/' |
	while read -r line inc; do
		case $inc in
		*/*) to=${inc%%/*} ;;
		*) echo "$c:$line: #include \"$inc\" does not name its folder"; continue ;;
		esac
		[ -f "src/$inc" ] || { echo "$c:$line: #include \"$inc\": no such file in src/"; continue; }
		[ "$from" = . ] && continue
		[ "$from" = "$to" ] && continue
		rf=$(rank "$from"); rt=$(rank "$to")
		if [ -z "$rt" ] || [ "$rt" -ge "$rf" ]; then
			echo "$c:$line: $from (layer $rf) includes \"$inc\" from $to (layer ${rt:-?}): not below it"
		fi
	done
done)
if [ -z "$viol" ]; then
	ok "every #include in src/ names its folder and comes from the same or a lower layer"
else
	echo "$viol" | sed 's/^/  /'
	bad "$(echo "$viol" | grep -c .) #include line(s) break the layers"
fi

# no hidden way round the includes: a weak symbol or a prototype of another
# folder's function written into a .c file
weak=$(grep -ln '#pragma weak' src/*.c src/*/*.c 2>/dev/null)
[ -z "$weak" ] && ok "no #pragma weak in src/" || bad "#pragma weak (a call the includes do not show) in: $weak"

# tests mirror the tree
for t in tests/unit/*/ tests/fuzz/*/; do
	f=$(basename "$t")
	[ -d "src/$f" ] && ok "${t%/} mirrors src/$f" || bad "${t%/}: no src/$f"
done
stray=$(ls tests/unit/test_*.c tests/fuzz/fuzz_*.c 2>/dev/null)
[ -z "$stray" ] && ok "no test outside a subsystem folder" || bad "tests outside a subsystem folder: $stray"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
