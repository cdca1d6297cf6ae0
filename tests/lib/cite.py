"""tests/lib/cite.py: resolving the test citations of the documents that
tests/layout/ checks (docs/conformance.md, docs/threat-model.md).

    test_files()        base name -> [paths] of every file under tests/, qemu/
    text(path)          the file's text (read once)
    find_file(files, name)
                        the path a citation names (a base name found exactly
                        once, or a path), or (None, why)
Run from the top of the tree.
"""
import os

_texts = {}


def test_files():
    files = {}
    for top in ("tests", "qemu"):
        for d, _, fs in os.walk(top):
            for f in fs:
                files.setdefault(f, []).append(os.path.join(d, f))
    return files


def text(path):
    if path not in _texts:
        with open(path, encoding="utf-8", errors="replace") as f:
            _texts[path] = f.read()
    return _texts[path]


def find_file(files, name):
    """The test file a citation names: (path, None), or (None, why)."""
    if "/" in name:
        return (name, None) if os.path.isfile(name) else (None, "no file %s" % name)
    paths = files.get(name, [])
    if len(paths) == 1:
        return paths[0], None
    if not paths:
        return None, "no test file %s under tests/ or qemu/" % name
    return None, "%s is ambiguous (%s): cite it with its path" % (name, ", ".join(sorted(paths)))
