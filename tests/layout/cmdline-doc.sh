#!/bin/sh
# tests/layout/cmdline-doc.sh: docs/cmdline.md documents exactly the keys the
# kernel command-line parser knows. The parser's keys are the lines
# `{ "key", handler, bare },` of the table in src/base/cmdline.c; a key is
# documented when it opens a backticked span (`key`, `key=...`) in the first
# column of a table row of docs/cmdline.md. A key added to the parser without
# a doc line fails, and so does a documented key the parser does not know.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
python3 - src/base/cmdline.c docs/cmdline.md <<'PY'
import re, sys

src = open(sys.argv[1], encoding="utf-8").read()
table = re.search(r"keys\[\] = \{(.*?)\n\};", src, re.S)
passed = failed = 0

def ok(msg):
    global passed
    passed += 1
    print("ok   " + msg)

def bad(msg):
    global failed
    failed += 1
    print("FAIL " + msg)

if not table:
    bad("no `keys[] = { ... };` table in " + sys.argv[1])
    parser = set()
else:
    parser = set(re.findall(r'^\s*\{ "([^"]+)", key_\w+, [01] \},', table.group(1), re.M))
    rows = re.findall(r'^\s*\{', table.group(1), re.M)
    good = re.findall(r'^\s*\{ "([^"]+)", key_\w+, [01] \},', table.group(1), re.M)
    if len(rows) != len(good):
        bad("the key table has lines not of the form { \"key\", key_fn, 0|1 },")
    elif not parser:
        bad("no key found in the table of " + sys.argv[1])
    else:
        ok("%d keys in the parser's table" % len(parser))
    # no key matched outside the table (the parser reads only the table)
    body = src[:table.start()] + src[table.end():]
    stray = re.findall(r'strn?cmp\(k, "([^"]+)"', body)
    stray = [s for s in stray if s != "sztp."]
    if stray:
        bad("keys compared outside the table: " + ", ".join(stray))
    else:
        ok("no key is matched outside the table")

doc = set()
for line in open(sys.argv[2], encoding="utf-8"):
    if not line.startswith("| `"):
        continue
    first = line.split(" | ")[0]
    for span in re.findall(r"`([^`]*)`", first):
        m = re.match(r"([A-Za-z][A-Za-z0-9._-]*)", span)
        if m:
            doc.add(m.group(1))

for k in sorted(parser):
    if k in doc:
        ok("documented: " + k)
    else:
        bad("%s: the parser knows it, docs/cmdline.md has no table row for it" % k)
for k in sorted(doc - parser):
    bad("%s: docs/cmdline.md documents it, the parser does not know it" % k)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
