#!/usr/bin/env python3
"""mutate.py: the list-handling half of tests/mutate/run.sh.

  mutate.py list LIST [--quick] [NAME...]   one line per mutant:
                                            NAME<TAB>FILE<TAB>SUITES<TAB>WHAT
  mutate.py apply LIST NAME TREE            write the mutant into TREE/FILE
  mutate.py revert LIST NAME TREE ORIG      write ORIG/FILE back into TREE/FILE
  mutate.py check LIST TREE                 every mutant's original text occurs
                                            exactly once in TREE (else exit 3)
  mutate.py sync SRC DST                    make DST's copy of SRC's files equal

The list format is described at the top of tests/mutate/mutants.txt. `list`
checks the whole file (exit 2 on a format error). `apply` exits 3 when the
mutant is stale: its original text does not occur exactly once in the file
(the code changed: update the mutant). `revert` checks that the file is then
byte-identical to ORIG/FILE (exit 4 if not). `sync` copies the files git
knows in SRC (tracked and untracked-not-ignored) to DST, rewriting only the
files whose bytes differ (a rewritten file gets a new mtime, so make rebuilds
what depends on it; a new one keeps SRC's mtime), and deletes from DST the
files that are no longer in SRC (except under build/).
"""
import os
import shutil
import subprocess
import sys

KEYS = ("file", "what", "suites")


class ListError(Exception):
    pass


def parse(path):
    """The mutants of `path`, in order: dicts with name, file, what, suites,
    quick, orig, repl, line."""
    mutants, cur, names = [], None, set()
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for no, raw in enumerate(lines, 1):
        where = "%s:%d" % (path, no)
        if cur is None:
            if raw.strip() == "" or raw.startswith("#"):
                continue
            word, _, rest = raw.partition(" ")
            if word != "mutant" or not rest.strip() or " " in rest.strip():
                raise ListError("%s: expected \"mutant NAME\", got %r" % (where, raw[:60]))
            name = rest.strip()
            if name in names:
                raise ListError("%s: mutant %s is listed twice" % (where, name))
            names.add(name)
            cur = {"name": name, "quick": False, "orig": [], "repl": [], "line": no}
            continue
        if raw == "end":
            for k in KEYS:
                if k not in cur:
                    raise ListError("%s: mutant %s has no \"%s\" line" % (where, cur["name"], k))
            if not cur["orig"]:
                raise ListError("%s: mutant %s has no original text (\"-\" lines)"
                                % (where, cur["name"]))
            if cur["orig"] == cur["repl"]:
                raise ListError("%s: mutant %s changes nothing" % (where, cur["name"]))
            cur["orig"] = "\n".join(cur["orig"])
            cur["repl"] = "\n".join(cur["repl"])
            mutants.append(cur)
            cur = None
            continue
        if raw.startswith("-"):
            if cur["repl"]:
                raise ListError("%s: \"-\" line after a \"+\" line" % where)
            cur["orig"].append(raw[1:])
            continue
        if raw.startswith("+"):
            cur["repl"].append(raw[1:])
            continue
        if raw.startswith("#"):
            continue
        word, _, rest = raw.partition(" ")
        rest = rest.strip()
        if word == "quick" and not rest:
            cur["quick"] = True
        elif word in KEYS and rest:
            if word in cur:
                raise ListError("%s: second \"%s\" line" % (where, word))
            if cur["orig"]:
                raise ListError("%s: \"%s\" after the text lines" % (where, word))
            cur[word] = rest
        else:
            raise ListError("%s: unexpected line %r in mutant %s" % (where, raw[:60], cur["name"]))
    if cur is not None:
        raise ListError("%s: mutant %s has no \"end\"" % (path, cur["name"]))
    for m in mutants:
        if m["file"].startswith("/") or ".." in m["file"].split("/"):
            raise ListError("%s:%d: file must be a relative path in the tree" % (path, m["line"]))
        for s in m["suites"].split():
            base = s.split(":", 1)[0].split("/", 1)[0]
            if not base or (s.startswith("unit") and base != "unit"):
                raise ListError("%s:%d: bad suite %r" % (path, m["line"], s))
    return mutants


def find(mutants, name):
    for m in mutants:
        if m["name"] == name:
            return m
    raise ListError("no mutant named %s" % name)


def cmd_list(args):
    quick = "--quick" in args
    names = [a for a in args if a != "--quick"]
    mutants = parse(names.pop(0))
    for n in names:
        find(mutants, n)
    for m in mutants:
        if quick and not m["quick"]:
            continue
        if names and m["name"] not in names:
            continue
        print("\t".join((m["name"], m["file"], m["suites"], m["what"])))
    return 0


def cmd_apply(args):
    lst, name, tree = args
    m = find(parse(lst), name)
    path = os.path.join(tree, m["file"])
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        print("stale: %s: %s" % (m["file"], e.strerror))
        return 3
    n = text.count(m["orig"])
    if n != 1:
        print("stale: the original text occurs %d times in %s (want exactly once)" % (n, m["file"]))
        return 3
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(m["orig"], m["repl"]))
    return 0


def cmd_revert(args):
    lst, name, tree, orig = args
    m = find(parse(lst), name)
    src, dst = os.path.join(orig, m["file"]), os.path.join(tree, m["file"])
    with open(src, "rb") as f:
        data = f.read()
    with open(dst, "wb") as f:  # a new mtime: make rebuilds from the original
        f.write(data)
    with open(dst, "rb") as f:
        if f.read() != data:
            print("revert: %s differs from %s after the revert" % (dst, src))
            return 4
    return 0


def cmd_check(args):
    lst, tree = args
    stale = 0
    mutants = parse(lst)
    for m in mutants:
        try:
            with open(os.path.join(tree, m["file"]), encoding="utf-8") as f:
                n = f.read().count(m["orig"])
        except OSError as e:
            n = -1
            print("stale %s: %s: %s" % (m["name"], m["file"], e.strerror))
        if n >= 0 and n != 1:
            print("stale %s: the original text occurs %d times in %s" % (m["name"], n, m["file"]))
        stale += n != 1
    print("%d mutants, %d stale" % (len(mutants), stale))
    return 3 if stale else 0


def git_files(top):
    out = subprocess.run(["git", "-C", top, "ls-files", "-z", "-co", "--exclude-standard"],
                         check=True, stdout=subprocess.PIPE).stdout
    return [p for p in out.decode().split("\0") if p]


def cmd_sync(args):
    src, dst = args
    files = set()
    for rel in git_files(src):
        s, d = os.path.join(src, rel), os.path.join(dst, rel)
        if not os.path.isfile(s) or os.path.islink(s):
            continue  # deleted but still tracked, or a link: not needed
        files.add(rel)
        os.makedirs(os.path.dirname(d), exist_ok=True)
        if not os.path.exists(d):
            shutil.copy2(s, d)
            continue
        with open(s, "rb") as f:
            a = f.read()
        with open(d, "rb") as f:
            b = f.read()
        if a != b:
            with open(d, "wb") as f:
                f.write(a)
        shutil.copymode(s, d)
    for root, dirs, names in os.walk(dst):
        rel_root = os.path.relpath(root, dst)
        if rel_root == ".":
            dirs[:] = [x for x in dirs if x != "build"]
        for n in names:
            rel = os.path.normpath(os.path.join(rel_root, n))
            if rel not in files:
                os.remove(os.path.join(root, n))
    return 0


def main(argv):
    cmds = {"list": (cmd_list, None), "apply": (cmd_apply, 3), "revert": (cmd_revert, 4),
            "check": (cmd_check, 2), "sync": (cmd_sync, 2)}
    if len(argv) < 2 or argv[1] not in cmds:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    fn, nargs = cmds[argv[1]]
    args = argv[2:]
    if (nargs is not None and len(args) != nargs) or (nargs is None and not args):
        print("mutate.py %s: wrong number of arguments" % argv[1], file=sys.stderr)
        return 2
    try:
        return fn(args)
    except ListError as e:
        print("mutate.py: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
