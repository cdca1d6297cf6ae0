#!/bin/sh
# tests/layout/conformance.sh: docs/conformance.md cannot rot.
# In every table whose header is "requirement | where implemented | test |
# deviation", each row
#  - cites at least one test or states a deviation (the reason it has none);
#  - cites tests that exist. The test cell's `code spans` are citations:
#      `FILE`        a test file (a base name such as verify.sh, fuzz_clock.c,
#                    or a path such as qemu/factory-test.sh) that exists
#                    under tests/ or qemu/, exactly once;
#      `FILE:NAME`   ... holding that test: TEST(NAME) in a C unit test,
#                    "def NAME(" in a Python test, NAME in a shell suite (its
#                    case name or the label it prints; a whole name: no
#                    letter, digit, _ or - around it);
#      `NAME`        a NAME of the last FILE cited in the same cell;
#      `fuzz_NAME`   the fuzz target tests/fuzz/*/fuzz_NAME.c;
#  - names code that exists. In the "where implemented" cell, `src/F:FUNC`
#    means FUNC appears in src/F, and a bare `FUNC` after it in the same cell
#    appears in that file too; a `src/F` alone must exist.
# One ok/FAIL line per table, a FAIL line per broken citation, then
# "N passed, N failed" (one per row).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
DOC=${SZTP_CONFORMANCE_DOC:-docs/conformance.md}
[ -f "$DOC" ] || { echo "FAIL $DOC is missing"; echo "0 passed, 1 failed"; exit 1; }
exec python3 - "$DOC" <<'PY'
import os, re, sys

sys.path.insert(0, "tests/lib")
from cite import find_file, test_files, text  # noqa: E402

doc = sys.argv[1]
HEADER = ["requirement", "where implemented", "test", "deviation"]
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
files = test_files()   # base name -> [paths] under tests/ and qemu/


def has_test(path, name):
    t = text(path)
    if path.endswith(".c"):
        return re.search(r"^TEST\(%s\)" % re.escape(name), t, re.M) is not None
    if path.endswith(".py"):
        return re.search(r"def %s\(" % re.escape(name), t) is not None
    # a case of the negative matrix: its function case_NAME
    if re.search(r"^case_%s\(\)" % re.escape(name), t, re.M):
        return True
    # a whole name: xml-unsigned is not conveyed-xml-unsigned-trusted
    return re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(name), t) is not None


def cells(line):
    # split on | outside `code`
    out, cur, code = [], "", False
    for ch in line.strip()[1:-1] if line.strip().endswith("|") else line.strip()[1:]:
        if ch == "`":
            code = not code
        if ch == "|" and not code:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    out.append(cur.strip())
    return out


def check_tests(cell):
    errs, n, cur = [], 0, None
    for tok in re.findall(r"`([^`]+)`", cell):
        if re.match(r"^fuzz_[a-z0-9_]+$", tok):
            tok += ".c"      # a fuzz target: its source
        m = re.match(r"^([A-Za-z0-9_./-]+\.(?:c|sh|py))(?::(.+))?$", tok)
        if m:
            path, why = find_file(files, m.group(1))
            if not path:
                errs.append(why)
                cur = None
                continue
            cur = path
            if m.group(2) and not has_test(path, m.group(2)):
                errs.append("%s has no test %r" % (path, m.group(2)))
                continue
            n += 1
        elif cur:
            if not has_test(cur, tok):
                errs.append("%s has no test %r" % (cur, tok))
                continue
            n += 1
        else:
            errs.append("`%s` names no test file (want `FILE` or `FILE:NAME`)" % tok)
    return n, errs


def check_where(cell):
    errs, cur = [], None
    for tok in re.findall(r"`([^`]+)`", cell):
        m = re.match(r"^(src/[A-Za-z0-9_./-]+|Makefile|initrd/[A-Za-z0-9_./-]+)(?::([A-Za-z_][A-Za-z0-9_]*))?$", tok)
        if m:
            cur = m.group(1) if os.path.isfile(m.group(1)) else None
            if not cur:
                errs.append("no file %s" % m.group(1))
            elif m.group(2) and not re.search(r"\b%s\b" % m.group(2), text(cur)):
                errs.append("%s has no %s" % (cur, m.group(2)))
        elif cur and IDENT.match(tok) and not re.search(r"\b%s\b" % tok, text(cur)):
            errs.append("%s has no %s" % (cur, tok))
    return errs


passed = failed = 0
table, rows, bad_rows, cites, lineno = None, 0, 0, 0, 0


def end_table():
    global table
    if table is not None:
        if bad_rows:
            print("FAIL table \"%s\": %d of %d rows" % (table, bad_rows, rows))
        else:
            print("ok   table \"%s\": %d rows, %d test citations resolved" % (table, rows, cites))
    table = None


section = ""
with open(doc, encoding="utf-8") as f:
    lines = f.read().splitlines()
i = 0
while i < len(lines):
    line = lines[i]
    if line.startswith("#"):
        section = line.lstrip("#").strip()
    if line.startswith("|") and [c.lower() for c in cells(line)] == HEADER:
        end_table()
        table, rows, bad_rows, cites = section, 0, 0, 0
        i += 2   # the header and its --- line
        while i < len(lines) and lines[i].startswith("|"):
            c = cells(lines[i])
            rows += 1
            errs = []
            if len(c) != 4:
                errs.append("%d cells, not 4" % len(c))
            else:
                n, te = check_tests(c[2])
                errs += te + check_where(c[1])
                cites += n
                if n == 0 and not c[3]:
                    errs.append("no test and no stated reason")
            if errs:
                bad_rows += 1
                failed += 1
                for e in errs:
                    print("FAIL %s:%d (%s): %s" % (doc, i + 1, c[0][:60], e))
            else:
                passed += 1
            i += 1
        end_table()
        continue
    i += 1
end_table()
if passed + failed == 0:
    print("FAIL %s: no requirement table found" % doc)
    failed = 1
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
