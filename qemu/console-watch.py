#!/usr/bin/env python3
"""console-watch.py LOG STAMPS --t0 EPOCH --pid PID [--until REGEX --matched FILE]

Follows the serial console file LOG that QEMU (process PID) writes and
appends each line to STAMPS as "SECONDS<TAB>LINE": SECONDS from EPOCH (QEMU's
start) to when the line was first seen, CR and escape sequences removed. A
last line without its newline yet (a login prompt) is written once it has
stood still for 0.3 s. With --until, the first line (or standing partial
line) matching REGEX creates FILE, holding the line's stamp, and the watcher
keeps going. Ends when PID is gone and LOG is read to its end.
Used by qemu/lib.sh for the phase timings of the demo and the tests.
"""
import argparse
import os
import re
import time

ESC = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")


def alive(pid):
    """PID runs (a zombie, exited but not yet reaped, does not)."""
    try:
        with open("/proc/%d/stat" % pid, encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("stamps")
    ap.add_argument("--t0", type=float, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--until")
    ap.add_argument("--matched")
    a = ap.parse_args()
    until = re.compile(a.until) if a.until else None
    matched = False
    buf = b""
    pending_since = None   # when the current partial line last grew
    partial_done = 0       # bytes of the partial line already written
    out = open(a.stamps, "a", encoding="utf-8")
    f = None

    def emit(raw, t):
        nonlocal matched
        line = ESC.sub("", raw.decode("utf-8", "replace"))
        out.write("%.2f\t%s\n" % (t - a.t0, line))
        out.flush()
        if until and not matched and until.search(line):
            matched = True
            with open(a.matched, "w", encoding="utf-8") as m:
                m.write("%.2f\t%s\n" % (t - a.t0, line))

    while True:
        if f is None:
            try:
                f = open(a.log, "rb")
            except OSError:
                f = None
        chunk = f.read(65536) if f else b""
        now = time.time()
        if chunk:
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                if partial_done:
                    # the start of this line was already written as a partial line
                    line = line[partial_done:]
                    partial_done = 0
                    if not line.strip(b"\r"):
                        continue
                emit(line, now)
            pending_since = now if buf else None
            continue
        if buf and pending_since and now - pending_since >= 0.3 and len(buf) > partial_done:
            emit(buf[partial_done:], pending_since)
            partial_done = len(buf)
        if not alive(a.pid):
            if f:
                rest = f.read()
                if rest:
                    buf += rest
                    continue
            if buf and len(buf) > partial_done:
                emit(buf[partial_done:], now)
            break
        time.sleep(0.05)
    out.close()


if __name__ == "__main__":
    main()
