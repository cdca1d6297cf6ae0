#!/bin/sh
# tests/layout/troubleshooting-doc.sh: every symptom of docs/troubleshooting.md
# is a console line the code can print. A symptom is a backticked span in the
# first column of a table row under "## Symptoms, causes, fixes". What varies
# in it is written <...> (or ... for an elided start); the rest is cut at
# those, at ": ", ", " and "; " (the log prefix and each err_wrap() layer add
# one), and at numbers and quoted strings (the values of %d and "%s"), and
# the C library's and a server's own words (strerror(), an HTTP reason
# phrase) are dropped. Every piece of 8 characters or more must occur in a
# string literal of src/ (adjacent literals joined) or of the stock hooks and
# initramfs files, where a word may be a conversion (%s, %d, ...) and a piece
# may come from up to three literals, one run of its words each. A message
# reworded in the code without its doc line fails here.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
python3 - docs/troubleshooting.md <<'PY'
import glob, re, sys

doc = open(sys.argv[1], encoding="utf-8").read()
passed = failed = 0

def ok(msg):
    global passed
    passed += 1
    print("ok   " + msg)

def bad(msg):
    global failed
    failed += 1
    print("FAIL " + msg)

# the text of every C string literal of src/, adjacent literals joined
lits = []
for path in sorted(glob.glob("src/**/*.[ch]", recursive=True)):
    text = open(path, encoding="utf-8", errors="replace").read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r'"\s*\n\s*"', "", text)
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', text):
        lits.append(m.group(1).replace('\\"', '"'))
corpus = "\n".join(lits)
# the shell scripts' text: a piece must be in it whole
scripts = ""
for path in sorted(glob.glob("hooks/*/*")) + sorted(glob.glob("initrd/rootfs/**/*", recursive=True)):
    try:
        scripts += open(path, encoding="utf-8").read()
    except (IsADirectoryError, UnicodeDecodeError):
        pass

sec = re.search(r"^## Symptoms, causes, fixes\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
if not sec:
    bad("no '## Symptoms, causes, fixes' section in " + sys.argv[1])
    sec_text = ""
else:
    sec_text = sec.group(1)

# what the C library or the server says, not the agent
RUNTIME = ["Connection refused", "Service Unavailable"]
SPEC = r"%[-+ #0-9.*]*(?:hh|h|ll|l|z|j|t)?[sdiuxXcpfg]"

def group_re(words, first, last):
    body = r"\s+".join("(?:%s|%s)" % (re.escape(w), SPEC) for w in words)
    # a run that is not the piece's first starts a literal or follows a
    # conversion; one that is not its last ends a literal or precedes one
    pre = "" if first else r"(?:\n|%s)\s*" % SPEC
    post = "" if last else r"\s*(?=\n|%s)" % SPEC
    return re.compile(pre + r"(?<![A-Za-z0-9])(" + body + r")(?![A-Za-z0-9])" + post)

def fewest_specs(words, first, last):
    """The fewest words of the run that a literal has as a conversion, or None."""
    best = None
    for m in group_re(words, first, last).finditer(corpus):
        k = len(re.findall(SPEC, m.group(1)))
        if best is None or k < best:
            best = k
        if best == 0:
            break
    return best

def found(piece):
    if piece in corpus or piece in scripts:
        return True
    words = piece.split()
    n = len(words)
    # up to three runs of consecutive words, each from its own literal; a
    # third of the words at most (one at least) may be conversions there
    cuts = [()] + [(i,) for i in range(1, n)] + [(i, j) for i in range(1, n) for j in range(i + 1, n)]
    for c in cuts:
        bounds = (0,) + c + (n,)
        total = 0
        for a, b in zip(bounds, bounds[1:]):
            k = fewest_specs(words[a:b], a == 0, b == n)
            if k is None or k >= b - a:
                break
            total += k
        else:
            if total <= max(1, n // 3):
                return True
    return False

symptoms = 0
for row in sec_text.splitlines():
    if not row.startswith("| ") or row.startswith("| the console says") or row.startswith("|---"):
        continue
    first = row[2:].split(" | ")[0]
    for span in re.findall(r"`([^`]+)`", first):
        symptoms += 1
        text = span
        for r in RUNTIME:
            text = text.replace(r, "<>")
        pieces = re.split(r"<[^>]*>|\.\.\.|: |, |; |\"[^\"]*\"|\d+(?:\.\d+)?", text)
        pieces = [p.strip(" ()") for p in pieces]
        checked = [p for p in pieces if len(p) >= 8]
        missing = [p for p in checked if not found(p)]
        if missing:
            bad("symptom `%s`: not in the code: %s" % (span, "; ".join(repr(p) for p in missing)))
        else:
            ok("symptom `%s` (%d pieces found)" % (span, len(checked)))

if symptoms < 20:
    bad("only %d symptoms found in %s (the table format changed?)" % (symptoms, sys.argv[1]))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
