#!/bin/sh
# tests/layout/negative-tests.sh: docs/negative-tests.md and the negative
# matrix agree, without running it (no root, no servers: a second or so).
#  - every line of tests/negative/cases.txt is well formed: six fields, a
#    unique id, exit status 0 or 1, progress reports that are "none" or
#    RFC 8572 progress types (those of src/sztp/progress.c), a line whose
#    placeholders are those tests/negative/matrix.sh fills in;
#  - every case of the table has its function case_ID in
#    tests/negative/matrix.sh, and every function case_ID there is a case;
#  - the table of docs/negative-tests.md is the one `matrix.sh --doc-table`
#    makes from cases.txt: no case missing, none extra, none different;
#  - every QEMU case the doc names (`qemu-long/negative-X`) is run by
#    tests/run.sh and the other way round, and the files the doc names
#    (tests/..., qemu/...) exist.
# One ok/FAIL line per check, then "N passed, N failed".
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
TABLE=tests/negative/cases.txt
MATRIX=tests/negative/matrix.sh
DOC=docs/negative-tests.md
pass=0 fail=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sztp-negdoc.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

for f in "$TABLE" "$MATRIX" "$DOC"; do
	[ -f "$f" ] || { bad "$f is missing"; echo "$pass passed, $fail failed"; exit 1; }
done

# the table's lines, well formed
grep -o '"[a-z-]*"' src/sztp/progress.c | tr -d '"' | sort -u >"$tmp/types"
grep -v '^[[:space:]]*#' "$TABLE" | grep -v '^[[:space:]]*$' >"$tmp/rows"
awk -F'|' -v types="$tmp/types" '
BEGIN { while ((getline ty < types) > 0) known[ty] = 1 }
function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
{
	id = trim($1)
	if (NF != 6) { printf "%s: %d fields, want 6 (id | what | outcome | exit | reports | line)\n", id, NF; next }
	if (id !~ /^[a-z0-9_]+$/) printf "%s: id is not [a-z0-9_]+\n", id
	if (seen[id]++) printf "%s: listed twice\n", id
	for (i = 2; i <= 6; i++) if (trim($i) == "") printf "%s: field %d is empty\n", id, i
	line = trim($6)
	while (match(line, /\{[^}]*\}/)) {
		ph = substr(line, RSTART, RLENGTH)
		if (ph !~ /^\{(p1|p2|dead|disk|if|sha|n|hex|time)\}$/)
			printf "%s: unknown placeholder %s in the line\n", id, ph
		line = substr(line, RSTART + RLENGTH)
	}
	x = trim($4)
	if (x != "0" && x != "1") printf "%s: exit status \"%s\", want 0 or 1\n", id, x
	r = trim($5)
	if (r == "none") next
	n = split(r, servers, / \/ /)
	for (s = 1; s <= n; s++) {
		m = split(servers[s], typ, ",")
		for (k = 1; k <= m; k++)
			if (!(typ[k] in known)) printf "%s: \"%s\" is not a progress type\n", id, typ[k]
	}
}' "$tmp/rows" >"$tmp/malformed"
nrows=$(wc -l <"$tmp/rows")
if [ "$nrows" -eq 0 ]; then
	bad "$TABLE has no case"
elif [ -s "$tmp/malformed" ]; then
	while IFS= read -r l; do bad "$TABLE: $l"; done <"$tmp/malformed"
else
	ok "$TABLE: $nrows cases, each well formed"
fi

# every case has its function, every function is a case
cut -d'|' -f1 "$tmp/rows" | sed 's/[[:space:]]//g' | sort >"$tmp/ids"
sed -n 's/^case_\([a-z0-9_]*\)() *{.*/\1/p' "$MATRIX" | sort >"$tmp/funcs"
missing=$(comm -23 "$tmp/ids" "$tmp/funcs" | tr '\n' ' ')
extra=$(comm -13 "$tmp/ids" "$tmp/funcs" | tr '\n' ' ')
if [ -z "$missing$extra" ]; then
	ok "$MATRIX: one function case_ID per case, no other"
else
	[ -n "$missing" ] && bad "$MATRIX has no function for: $missing"
	[ -n "$extra" ] && bad "$MATRIX: functions with no line in $TABLE: $extra"
fi

# the doc's table is the one made from cases.txt
sh "$MATRIX" --doc-table >"$tmp/want" || bad "$MATRIX --doc-table failed"
# the matrix's rows of the doc: those that run a case
grep '^| `[a-z0-9_]*` |.*`NEG_CASES=' "$DOC" >"$tmp/have"
sed 's/^| `\([a-z0-9_]*\)`.*/\1/' "$tmp/have" | sort >"$tmp/have.ids"
if ! grep -qF -x -- "$(sed -n 1p "$tmp/want")" "$DOC"; then
	bad "$DOC has no table headed: $(sed -n 1p "$tmp/want")"
fi
docfail=0
for id in $(comm -23 "$tmp/ids" "$tmp/have.ids"); do
	bad "$DOC does not list case $id"
	docfail=1
done
for id in $(comm -13 "$tmp/ids" "$tmp/have.ids" | uniq); do
	bad "$DOC lists $id, which is not a case of $TABLE"
	docfail=1
done
dups=$(uniq -d "$tmp/have.ids" | tr '\n' ' ')
[ -n "$dups" ] && { bad "$DOC lists twice: $dups"; docfail=1; }
for id in $(comm -12 "$tmp/ids" "$tmp/have.ids" | uniq); do
	w=$(grep -F "| \`$id\` |" "$tmp/want")
	h=$(grep -F "| \`$id\` |" "$tmp/have" | head -n 1)
	if [ "$w" != "$h" ]; then
		bad "$DOC: the row of $id differs from $TABLE (sh $MATRIX --doc-table prints the table)"
		printf '    doc:   %s\n    table: %s\n' "$h" "$w" | cut -c1-240
		docfail=1
	fi
done
# rows in the doc's order as in the table
if [ $docfail = 0 ]; then
	if [ "$(cat "$tmp/have")" = "$(tail -n +3 "$tmp/want")" ]; then
		ok "$DOC lists every case of $TABLE as it says, in its order, and the command that runs it"
	else
		bad "$DOC lists the cases in another order than $TABLE"
	fi
fi

# the QEMU cases of make check-long: named in the doc, run by tests/run.sh
grep -o 'qemu-long/negative-[a-z0-9-]*' "$DOC" | sort -u >"$tmp/qdoc"
grep -o 'run_suite qemu-long/negative-[a-z0-9-]*' tests/run.sh | sed 's/^run_suite //' | sort -u >"$tmp/qrun"
if [ ! -s "$tmp/qrun" ]; then
	bad "tests/run.sh runs no qemu-long/negative-* suite"
elif cmp -s "$tmp/qdoc" "$tmp/qrun"; then
	ok "$DOC and tests/run.sh: the same QEMU cases ($(tr '\n' ' ' <"$tmp/qrun"))"
else
	bad "QEMU cases: $DOC names \"$(tr '\n' ' ' <"$tmp/qdoc")\", tests/run.sh runs \"$(tr '\n' ' ' <"$tmp/qrun")\""
fi

# the files the doc names exist
grep -o '`\(tests\|qemu\)/[A-Za-z0-9_./-]*' "$DOC" | tr -d '`' | sed 's/[.,:]*$//' | sort -u >"$tmp/files"
grep -o '\$PWD/\(tests\|qemu\)/[A-Za-z0-9_./-]*' "$DOC" | sed 's/^\$PWD\///' | sort -u >>"$tmp/files"
nf=0 gone=""
for f in $(sort -u "$tmp/files"); do
	nf=$((nf + 1))
	case $f in */) [ -d "$f" ] ;; *) [ -e "$f" ] ;; esac || gone="$gone $f"
done
if [ -n "$gone" ]; then
	bad "$DOC names files that do not exist:$gone"
else
	ok "$DOC: the $nf files it names exist"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
