#!/usr/bin/env python3
"""phases.py STAMPS [--login REGEX] [--json]: how long each phase of one
provisioning boot took, from the console as qemu/console-watch.py stamped it
(the last "# boot" section of STAMPS).

The agent's phases come from its own log timestamps (seconds since the
kernel started, "[   10.687] stage: ..."):
  coldplug            agent start -> "coldplug: loaded"
  network             -> the first "net: source" (the bootstrap sources known)
  bootstrap exchange  -> report-progress boot-image-initiated (TLS, the
                         bootstrapping data, its verification, the first reports)
  image               -> report-progress boot-image-complete
  configuration       -> report-progress bootstrap-complete (scripts,
                         configuration, SSH host keys, attestation)
The ones around the agent come from the console's arrival times (seconds
since QEMU started):
  firmware/kernel     QEMU start -> the agent's first line; split into the
                      kernel's part (the agent's own timestamp then) and the
                      firmware's (the rest)
  handover            bootstrap-complete -> the next "Linux version" banner
                      (kexec or the reboot through the firmware)
  first login prompt  that banner -> the first line matching --login
                      (default "login: *$")
Prints a table, or with --json one JSON object. Exit 1 when the agent's start
or bootstrap-complete is not on the console.
"""
import argparse
import json
import re
import sys

AGENT = re.compile(r"^\[\s*(\d+\.\d{3})\] ([a-z0-9-]+): (.*)$")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("stamps")
    ap.add_argument("--login", default=r"login: *$")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    lines = []
    for raw in open(a.stamps, encoding="utf-8", errors="replace"):
        if raw.startswith("# boot"):
            lines = []
            continue
        t, _, text = raw.rstrip("\n").partition("\t")
        try:
            lines.append((float(t), text))
        except ValueError:
            pass
    login = re.compile(a.login)

    def agent(pattern, after=0):
        """(host time, agent time, index) of the first agent line matching."""
        rx = re.compile(pattern)
        for i in range(after, len(lines)):
            m = AGENT.match(lines[i][1])
            if m and rx.search(m.group(2) + ": " + m.group(3)):
                return lines[i][0], float(m.group(1)), i
        return None

    start = agent(r"^sztpboot: sztpboot .* starting")
    if not start:
        print("phases: the agent's start is not on the console", file=sys.stderr)
        return 1
    cold = agent(r"^coldplug: loaded \d+ modules", start[2])
    net = agent(r"^net: source 1", start[2])
    bii = agent(r"report-progress boot-image-initiated", start[2])
    bic = agent(r"report-progress boot-image-complete", start[2])
    done = agent(r"report-progress bootstrap-complete", start[2])
    if not done:
        print("phases: no bootstrap-complete on the console", file=sys.stderr)
        return 1
    banner = next(((t, txt, i) for i, (t, txt) in enumerate(lines)
                   if i > done[2] and "Linux version" in txt), None)
    prompt = next(((t, txt) for i, (t, txt) in enumerate(lines)
                   if i > (banner[2] if banner else done[2]) and login.search(txt)), None)
    how = next((txt for t, txt in lines[done[2]:]
                if re.search(r"pivot: (kexec: the OS|switch_root|reboot)", txt)), "")

    def span(x, y):
        return round(y[1] - x[1], 1) if x and y else None

    rows = [
        ("firmware/kernel", round(start[0], 1),
         "firmware %.1f s, kernel and initramfs %.1f s" % (start[0] - start[1], start[1])),
        ("coldplug", span(start, cold), ""),
        ("network", span(cold or start, net), ""),
        ("bootstrap exchange", span(net, bii), ""),
        ("image", span(bii, bic), ""),
        ("configuration", span(bic or bii, done), ""),
        ("handover", round(banner[0] - done[0], 1) if banner else None,
         re.sub(r"^\[[ 0-9.]*\] pivot: ", "", how)[:70]),
        ("first login prompt", round(prompt[0] - banner[0], 1) if prompt and banner else None,
         prompt[1].strip()[:50] if prompt else "no login prompt"),
    ]
    total = round(prompt[0], 1) if prompt else None
    if a.json:
        print(json.dumps({"phases": {n: v for n, v, _ in rows}, "total": total}))
        return 0
    for name, secs, note in rows:
        s = "%7.1f s" % secs if secs is not None else "      - "
        print("  %-20s %s   %s" % (name, s, note))
    if total is not None:
        print("  %-20s %7.1f s   from QEMU's start to the login prompt" % ("total", total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
