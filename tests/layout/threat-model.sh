#!/bin/sh
# tests/layout/threat-model.sh: docs/threat-model.md names a test for every
# claim, and every test it names exists.
# In every table whose last column is "evidence", each row cites at least one
# test (code alone is not evidence). The evidence cell's `code spans`:
#   `FILE`          a test file under tests/ or qemu/ (a base name, found
#                   exactly once, or a path);
#   `FILE:NAME`     ... holding that test: TEST(NAME) in a C unit test,
#                   "def NAME(" in a Python test, for tests/negative/matrix.sh
#                   a case of tests/negative/cases.txt, else NAME in a shell
#                   suite as a whole name (no letter, digit, _ or - around it)
#                   on a line that is not a comment;
#   `FILE:"LABEL"`  ... containing LABEL as it is written there;
#   `NAME`, `"LABEL"`  the same in the last FILE cited in the cell;
#   `fuzz_NAME`     the fuzz target tests/fuzz/*/fuzz_NAME.c;
#   `src/F:SYM`     code: SYM appears in src/F (and a bare `SYM` after it).
# Every table of the document has that column, and every attacker (a "###"
# section) has such a table.
# One FAIL line per broken citation or row without a test, one ok line per
# table, then "N passed, N failed" (one per row).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
DOC=docs/threat-model.md
[ -f "$DOC" ] || { echo "FAIL $DOC is missing"; echo "0 passed, 1 failed"; exit 1; }
exec python3 - "$DOC" <<'PY'
import os, re, sys

sys.path.insert(0, "tests/lib")
from cite import find_file, test_files, text  # noqa: E402

doc = sys.argv[1]
files = test_files()   # base name -> [paths] under tests/ and qemu/
cases = set()
for line in open("tests/negative/cases.txt", encoding="utf-8"):
    if line.strip() and not line.lstrip().startswith("#"):
        cases.add(line.split("|")[0].strip())


def has_test(path, name):
    if name.startswith('"') and name.endswith('"') and len(name) > 2:
        return name[1:-1] in text(path)
    if path.endswith("tests/negative/matrix.sh"):
        return name in cases
    t = text(path)
    if path.endswith(".c"):
        return re.search(r"^TEST\(%s\)" % re.escape(name), t, re.M) is not None
    if path.endswith(".py"):
        return re.search(r"def %s\(" % re.escape(name), t) is not None
    # a shell suite: the name on a line that is not a comment
    t = "\n".join(l for l in t.split("\n") if not l.lstrip().startswith("#"))
    return re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(name), t) is not None


def cells(line):
    out, cur, code = [], "", False
    for ch in line.strip().strip("|"):
        if ch == "`":
            code = not code
        if ch == "|" and not code:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    out.append(cur.strip())
    return out


def check(cell):
    errs, tests, cur, code = [], 0, None, None
    for tok in re.findall(r"`([^`]+)`", cell):
        m = re.match(r"^(src/[A-Za-z0-9_./-]+)(?::([A-Za-z_]\w*))?$", tok)
        if m:
            code = m.group(1) if os.path.isfile(m.group(1)) else None
            cur = None
            if not code:
                errs.append("no file %s" % m.group(1))
            elif m.group(2) and not re.search(r"\b%s\b" % m.group(2), text(code)):
                errs.append("%s has no %s" % (code, m.group(2)))
            continue
        if re.match(r"^fuzz_[a-z0-9_]+$", tok):
            path, why = find_file(files, tok + ".c")
            if path:
                tests += 1
            else:
                errs.append(why)
            cur = code = None
            continue
        m = re.match(r"^([A-Za-z0-9_./-]+\.(?:c|sh|py))(?::(.+))?$", tok)
        if m:
            path, why = find_file(files, m.group(1))
            cur, code = path, None
            if not path:
                errs.append(why)
            elif m.group(2) and not has_test(path, m.group(2)):
                errs.append("%s has no test %s" % (path, m.group(2)))
            else:
                tests += 1
            continue
        if cur:
            if has_test(cur, tok):
                tests += 1
            else:
                errs.append("%s has no test %s" % (cur, tok))
        elif code:
            if not re.search(r"\b%s\b" % re.escape(tok), text(code)):
                errs.append("%s has no %s" % (code, tok))
        else:
            errs.append("`%s` names no test file" % tok)
    if tests == 0:
        errs.append("no test cited")
    return errs


passed = failed = 0
lines = open(doc, encoding="utf-8").read().split("\n")
i, tables = 0, 0
heading, with_table = None, {}
while i < len(lines):
    if lines[i].startswith("#"):
        heading = lines[i]
        if heading.startswith("### "):
            with_table.setdefault(heading, 0)
    head = cells(lines[i]) if lines[i].startswith("|") else []
    if head and i + 1 < len(lines) and lines[i + 1].startswith("|---") and head[-1] != "evidence":
        print("FAIL %s:%d: a table without an evidence column (%s)" % (doc, i + 1, " | ".join(head)[:60]))
        failed += 1
    if head and head[-1] == "evidence" and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
        tables += 1
        if heading in with_table:
            with_table[heading] += 1
        bad_rows, j = 0, i + 2
        while j < len(lines) and lines[j].startswith("|"):
            row = cells(lines[j])
            errs = check(row[-1]) if len(row) == len(head) else ["%d cells, want %d" % (len(row), len(head))]
            if errs:
                failed += 1
                bad_rows += 1
                for e in errs:
                    print("FAIL %s:%d: %s (%s)" % (doc, j + 1, e, row[0][:60]))
            else:
                passed += 1
            j += 1
        if not bad_rows:
            print("ok %s: table at line %d, %d claims, each with a test" % (doc, i + 1, j - i - 2))
        i = j
    else:
        i += 1
for h, n in with_table.items():
    if not n:
        print("FAIL %s: %s has no table of claims with evidence" % (doc, h))
        failed += 1
if tables == 0:
    print("FAIL %s: no table with an evidence column" % doc)
    failed += 1
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
