#!/usr/bin/env python3
"""A fleet of simulated devices booting at once against one bootstrap server.

tests/fleet/fleet.sh runs this inside a network namespace it made; by itself
it opens no namespace and sends nothing beyond the address it is given.

    fleet.py --fleet DIR --devices N --work TMP --addr 192.0.2.1 --port P
             [--tamper-every K] [--storm S] [--slow A,B,D] [--reset-every R]
             [--deadline SEC] [--max-per-second-ratio X] [--sztpboot BIN]
             [--figures FILE.json]

DIR is what tests/fleet/gen-fleet.sh made (DIR/pki, DIR/dev/SERIAL/). Steps:

1. Replies, one per device, as an owner serves a fleet (RFC 8572 section
   3.2: the conveyed information and owner certificate are the same for every
   device; the ownership voucher names one serial number): one signed
   onboarding-information, one owner-certificate, a voucher per serial (made
   once into DIR/vouchers/ and kept), assembled with keys/sztp-artifacts'
   building blocks into TMP/replies/SERIAL.json. Every K-th device gets a
   tampered reply instead, alternately conveyed information with one byte of
   its signed content changed, and the voucher of another device's serial.
2. tests/server/sztp_server.py on ADDR:P serving TMP/replies/{serial}.json,
   with scripted faults: get-bootstrapping-data answers 503 for the first S
   seconds, is delayed by D seconds from A to B seconds, and has every R-th
   request reset mid-body throughout.
3. N `sztpboot run` processes started at once, each with its own identity,
   its own run directory and the agent's default backoff; waited for with
   wait4() (peak RSS from the kernel's rusage); any still running at the
   deadline are killed (by PID) and counted as failures.
4. Checks, printed as "ok NAME" / "FAIL NAME: why" (tests/lib/common.sh
   style), and the figures (as text, and as JSON with --figures):
   - every good device exited 0 and the server recorded exactly one
     bootstrap-complete for its serial;
   - every tampered device exited 1, logged the refusal, and the server has
     no bootstrap-complete (nor any other onboarding progress) from it;
   - the server's requests per second: after the first second (the
     power-on, which no backoff can spread), no second has more than X times
     the mean request rate of the busy period (until the last good device
     completed);
   - the spread (interquartile range) of the devices' k-th attempt, for the
     attempts inside the outage, grows with k (skipped, and said so, when the
     server was too slow for two attempts to fall inside the outage);
   - no device retries less than 0.4 s after its previous attempt;
   - no device ran past the deadline.

Child processes are only ever signalled by the PIDs this program started.
"""

import argparse
import base64
import importlib.machinery
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
SERVER = os.path.join(TOP, "tests", "server", "sztp_server.py")
MKART = os.path.join(TOP, "keys", "mkartifacts.sh")
ART = os.path.join(TOP, "keys", "sztp-artifacts")
MAX_DEVICES = 5000   # processes this program may start at once, at most
TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
GBD = "/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data"
RP = "/restconf/operations/ietf-sztp-bootstrap-server:report-progress"

# what a device logs when it refuses each kind of tampered reply
REFUSALS = {
    "tampered-conveyed-information":
        "conveyed-information: signature by the owner certificate: cms: "
        "messageDigest does not match the content",
    "voucher-for-another-serial": "voucher: serial-number \"",
}


def load_tool():
    loader = importlib.machinery.SourceFileLoader("sztp_artifacts", ART)
    spec = importlib.util.spec_from_loader("sztp_artifacts", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if p.returncode != 0:
        sys.exit("fleet: %s failed: %s" % (" ".join(cmd[:3]),
                                           p.stderr.decode(errors="replace").strip()))
    return p.stdout


# ---------------------------------------------------------------- replies

def make_replies(a, serials):
    """TMP/replies/SERIAL.json for every serial; returns {serial: kind} of
    the tampered ones."""
    tool = load_tool()
    pki = os.path.join(a.fleet, "pki")
    vdir = os.path.join(a.fleet, "vouchers")
    os.makedirs(vdir, exist_ok=True)
    w = tool.Work()
    try:
        onboarding = os.path.join(a.work, "onboarding.json")
        with open(onboarding, "w", encoding="utf-8") as f:
            json.dump({"ietf-sztp-conveyed-info:onboarding-information": {}}, f)
        ci = run(["sh", MKART, "conveyed", "--pki", pki, "--json", onboarding])
        oc = run(["sh", MKART, "owner-cert", "--pki", pki])
        # one voucher document per serial, from the test MASA; made once and
        # kept beside the identities (expires-on a year ahead, no nonce)
        exp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 365 * 86400))
        template = None
        made = 0
        for sn in serials:
            path = os.path.join(vdir, sn + ".cms")
            if os.path.exists(path):
                continue
            if template is None:
                template = json.loads(run(["sh", MKART, "voucher-json", "--pki", pki,
                                           "--serial", "TEMPLATE", "--expires", exp]))
            template["ietf-voucher:voucher"]["serial-number"] = sn
            der = tool.cms_sign(w, json.dumps(template, indent=2).encode(),
                                os.path.join(pki, "masa", "signer.pem"),
                                os.path.join(pki, "masa", "signer.key"), tool.OID_VOUCHER)
            with open(path + ".tmp", "wb") as f:
                f.write(der)
            os.rename(path + ".tmp", path)
            made += 1
        if made:
            print("fleet: %d vouchers signed into %s" % (made, vdir), flush=True)
    finally:
        w.close()

    def voucher(sn):
        with open(os.path.join(vdir, sn + ".cms"), "rb") as f:
            return f.read()

    # one byte of the signed content changed: "onboarding-information" ->
    # "onboarding-informatioN" (the signature no longer matches)
    i = ci.find(b"onboarding-information")
    if i < 0:
        sys.exit("fleet: cannot find the content to tamper with in the conveyed information")
    bad_ci = ci[:i + 21] + b"N" + ci[i + 22:]

    rdir = os.path.join(a.work, "replies")
    os.makedirs(rdir)
    tampered = {}
    for n, sn in enumerate(serials, 1):
        ov = voucher(sn)
        this_ci = ci
        if a.tamper_every and n % a.tamper_every == 0:
            if (n // a.tamper_every) % 2:
                tampered[sn] = "tampered-conveyed-information"
                this_ci = bad_ci
            else:
                tampered[sn] = "voucher-for-another-serial"
                ov = voucher(serials[n % len(serials)])   # the next device's
        with open(os.path.join(rdir, sn + ".json"), "wb") as f:
            f.write(tool.response_doc(this_ci, oc, ov))
    return tampered


# ---------------------------------------------------------------- processes

class Children:
    """The processes this program started; kill() and stop_all() signal only
    those (a device's wrapper and what it started: the process group this
    program made for it, named by the wrapper's PID)."""

    def __init__(self):
        self.procs = {}

    def add(self, p, what, group=False):
        self.procs[p.pid] = (p, what, group)

    def done(self, pid):
        self.procs.pop(pid, None)

    def kill(self, pid):
        p, _, group = self.procs[pid]
        try:
            if group:
                os.killpg(pid, signal.SIGKILL)
            elif p.poll() is None:
                p.kill()
        except OSError:
            pass

    def stop_all(self):
        for pid in list(self.procs):
            self.kill(pid)
        for pid, (p, _, _) in list(self.procs.items()):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            self.procs.pop(pid, None)


def start_server(a, kids):
    faults = []
    if a.storm > 0:
        faults.append({"path": GBD, "until": a.storm, "status": 503,
                       "body": json.dumps({"ietf-restconf:errors": {"error": [{
                           "error-type": "application", "error-tag": "operation-failed",
                           "error-message": "fleet: scripted outage"}]}})})
    if a.slow:
        s0, s1, d = a.slow
        faults.append({"path": GBD, "after": s0, "until": s1, "delay": d})
    if a.reset_every:
        faults.append({"path": GBD, "every": a.reset_every, "reset": True, "split": 100})
    pki = os.path.join(a.fleet, "pki")
    cfg = {"pki": pki, "faults": faults,
           "devices": {"*": {"response": os.path.join(a.work, "replies", "{serial}.json")}}}
    cfile = os.path.join(a.work, "server.json")
    with open(cfile, "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=1)
    ready = os.path.join(a.work, "server.ready")
    log = open(os.path.join(a.work, "server.log"), "wb")
    p = subprocess.Popen([sys.executable, SERVER, "--bind", a.addr, "--port", str(a.port),
                          "--cert", os.path.join(pki, "server", "server.pem"),
                          "--key", os.path.join(pki, "server", "server.key"),
                          "--client-ca", os.path.join(pki, "manufacturer", "ca.pem"),
                          "--require-client-cert",
                          "--record", os.path.join(a.work, "record.jsonl"),
                          "--ready", ready, "--config", cfile],
                         stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    log.close()
    kids.add(p, "server")
    for _ in range(300):
        if os.path.exists(ready) or p.poll() is not None:
            break
        time.sleep(0.05)
    if not os.path.exists(ready):
        sys.exit("fleet: the server did not start (see %s/server.log)" % a.work)
    return p


def device_cmd(a, sn):
    d = os.path.join(a.fleet, "dev", sn)
    pki = os.path.join(a.fleet, "pki")
    run_dir = os.path.join(a.work, "run", sn)
    os.makedirs(run_dir)
    return [a.sztpboot, "run", "--cert", os.path.join(d, "chain.pem"),
            "--key", os.path.join(d, "idevid.key"),
            "--voucher-ta", os.path.join(pki, "anchors", "voucher"),
            "--bootstrap-ta", os.path.join(pki, "anchors", "bootstrap"),
            "--no-pivot", "--run-dir", run_dir, "--timeout", str(a.deadline),
            "https://%s:%d" % (a.addr, a.port)]


def run_devices(a, serials, kids):
    """Starts every device at once; returns {serial: (status, maxrss_kib,
    seconds)} and the wall time from the first start to the last exit."""
    logs = os.path.join(a.work, "logs")
    os.makedirs(logs)
    # Peak RSS: the kernel's ru_maxrss of a child that exec()s counts the
    # memory it had before the exec (a copy of this Python process), so each
    # device runs under GNU time (/usr/bin/time, a few hundred KiB before its
    # own exec), which reports the device's own peak (%M, KiB)
    cmds = []
    for sn in serials:
        cmd = device_cmd(a, sn)
        if TIME:
            cmd = [TIME, "-f", "%M", "-o", os.path.join(logs, sn + ".rss")] + cmd
        cmds.append((sn, cmd))
    # "At once": starting a thousand processes takes seconds on a loaded
    # machine, so each waits at a gate (a shell reading one line from a
    # FIFO) and all are let go together by writing one line per device. This
    # process holds the FIFO open for reading and writing the whole time, so
    # no shell ever blocks in open() nor sees end of file.
    gate = os.path.join(a.work, "gate")
    os.mkfifo(gate, 0o600)
    gfd = os.open(gate, os.O_RDWR)
    bypid = {}
    t_spawn = time.monotonic()
    try:
        for sn, cmd in cmds:
            with open(os.path.join(logs, sn + ".log"), "wb") as out:
                p = subprocess.Popen(["sh", "-c", 'read -r _ <"$0" && exec "$@"', gate] + cmd,
                                     stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
            kids.add(p, sn, group=True)
            bypid[p.pid] = (sn, None)
        spawn = time.monotonic() - t_spawn
        t0 = time.monotonic()
        os.write(gfd, b"\n" * len(cmds))
        for pid, (sn, _) in bypid.items():
            bypid[pid] = (sn, t0)
        results = {}
        # the devices give up by themselves at --timeout; this is the backstop
        hard = t0 + a.deadline + 30
        while bypid:
            try:
                pid, status, ru = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                if time.monotonic() > hard:
                    for pid2 in list(bypid):
                        kids.kill(pid2)
                    hard = float("inf")
                time.sleep(0.05)
                continue
            if pid not in bypid:
                continue
            sn, started = bypid.pop(pid)
            p = kids.procs[pid][0]
            p.returncode = os.waitstatus_to_exitcode(status)
            kids.done(pid)
            rss = ru.ru_maxrss
            if TIME:
                try:
                    with open(os.path.join(logs, sn + ".rss"), encoding="utf-8") as f:
                        rss = int(f.read().split()[-1])
                except (OSError, ValueError, IndexError):
                    rss = None
            results[sn] = (p.returncode, rss, time.monotonic() - started)
    finally:
        os.close(gfd)
    return results, time.monotonic() - t0, spawn


# ---------------------------------------------------------------- checks

class Checks:
    def __init__(self):
        self.failed = 0

    def skip(self, name, why):
        print("skip %s: %s" % (name, why), flush=True)

    def check(self, name, ok, why=""):
        if ok:
            print("ok " + name, flush=True)
        else:
            self.failed += 1
            print("FAIL %s: %s" % (name, why), flush=True)


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else 0


def analyse(a, serials, tampered, results, wall, spawn):
    recs = []
    with open(os.path.join(a.work, "record.jsonl"), encoding="utf-8") as f:
        for line in f:
            recs.append(json.loads(line))
    reqs = [r for r in recs if r.get("event") == "request"]
    gbd = [r for r in reqs if r.get("path") == GBD]
    tls_err = [r for r in recs if r.get("event") == "tls-error"]
    progress = {}
    for r in recs:
        if r.get("event") == "progress":
            progress.setdefault(r.get("client_serial"), []).append(r.get("type"))

    # requests per second, from the first request to the last
    t_first = min(r["t"] for r in reqs)
    t_last = max(r["t"] for r in reqs)
    per_sec = [0] * (int(t_last - t_first) + 1)
    for r in reqs:
        per_sec[int(r["t"] - t_first)] += 1
    # the busy period: until the last good device reported bootstrap-complete
    # (the tampered devices' retries until their timeout are a sparse tail)
    done_t = [r["t"] for r in recs if r.get("event") == "progress" and
              r.get("type") == "bootstrap-complete"]
    busy = max(1.0, (max(done_t) if done_t else t_last) - t_first)
    busy_reqs = sum(1 for r in reqs if r["t"] - t_first <= busy)
    mean = busy_reqs / busy
    # the first wave: every device's first attempt, answered at the server's
    # pace (a slow server stretches it over seconds)
    attempts = {}
    for r in gbd:
        attempts.setdefault(r.get("client_serial"), []).append((r["t"], r.get("status")))
    firsts = [v[0][0] for v in attempts.values()]
    wave_end = max(firsts) - t_first if firsts else 0
    # the rate limit applies from the second second on: the first holds the
    # power-on itself, which no backoff can spread
    after = per_sec[1:int(busy) + 1]
    peak_after = max(after) if after else 0
    peak_all = max(per_sec)
    # the spread of the herd: the k-th attempt's time after the device's own
    # first attempt, for the k whose every possible time (at most 2^(k-1) - 1
    # nominal delays of 1 s: the agent's default backoff) falls inside the
    # outage, so that every device's k-th attempt follows k-1 503s and none
    # is selected by its luck; its interquartile range must grow with k
    # (lockstep retries keep it near zero however long the outage lasts)
    spread = {}
    for v in attempts.values():
        for k in range(2, len(v) + 1):
            if v[0][0] + (2 ** (k - 1) - 1) >= a.storm:
                break
            spread.setdefault(k, []).append(v[k - 1][0] - v[0][0])
    iqr = {k: round(percentile(x, 0.75) - percentile(x, 0.25), 2)
           for k, x in sorted(spread.items()) if len(x) >= len(serials) // 2}
    # no busy loop: successive attempts of one device at least the backoff's
    # shortest delay (0.5 s) apart, less 0.1 s for the request itself
    gaps = [v[k][0] - v[k - 1][0] for v in attempts.values() for k in range(1, len(v))]

    c = Checks()
    good = [sn for sn in serials if sn not in tampered]
    not_done = [sn for sn in serials if sn not in results]
    c.check("every device exited by the deadline", not not_done,
            "%d still running at the deadline (killed): %s" % (len(not_done), not_done[:5]))
    bad_rc = [sn for sn in good if results.get(sn, (None,))[0] != 0]
    c.check("every good device onboarded (exit 0)", not bad_rc,
            "%d did not: %s" % (len(bad_rc), [(sn, results.get(sn, (None,))[0])
                                              for sn in bad_rc[:5]]))
    once = [sn for sn in good if progress.get(sn, []).count("bootstrap-complete") != 1]
    c.check("bootstrap-complete exactly once per good serial", not once,
            "%d serials: %s" % (len(once), [(sn, progress.get(sn, []).count(
                "bootstrap-complete")) for sn in once[:5]]))
    refusing = ("bootstrap-initiated", "parsing-error", "bootstrap-error")
    acted = [sn for sn in tampered if results.get(sn, (None,))[0] != 1 or
             any(t not in refusing for t in progress.get(sn, []))]
    c.check("every tampered device refused (exit 1, only parsing-error reported)", not acted,
            "%d acted: %s" % (len(acted), [(sn, results.get(sn, (None,))[0],
                                            progress.get(sn)) for sn in acted[:5]]))
    unexplained = []
    for sn, kind in tampered.items():
        with open(os.path.join(a.work, "logs", sn + ".log"), encoding="utf-8",
                  errors="replace") as f:
            text = f.read()
        if not any(REFUSALS[kind] in l for l in text.splitlines()):
            unexplained.append((sn, kind))
    c.check("every tampered device logs why", not unexplained,
            "%d without the line: %s" % (len(unexplained), unexplained[:5]))
    extra = sorted(set(progress) - set(serials))
    c.check("no progress from unknown serials", not extra, str(extra[:5]))
    limit = a.max_per_second_ratio * mean
    c.check("after the first second no second above %.1f x the mean rate" % a.max_per_second_ratio,
            peak_after <= limit,
            "peak %d requests in one second, mean %.1f/s, limit %.1f" % (peak_after, mean, limit))
    ks = sorted(iqr)
    if len(ks) < 2:
        # a server slower than the outage is long: most devices' attempts
        # inside the outage were never answered by it
        c.skip("the retries spread: the spread of attempt k grows with k",
               "not measurable: fewer than half the devices made two attempts inside the "
               "%g s outage (the first wave took %.1f s to be served): %s"
               % (a.storm, wave_end, iqr))
    else:
        c.check("the retries spread: the spread of attempt k grows with k",
                iqr[ks[0]] >= 0.1 and
                all(iqr[ks[i + 1]] > iqr[ks[i]] for i in range(len(ks) - 1)),
                "interquartile range of attempt k's time by k: %s" % iqr)
    short = [g for g in gaps if g < 0.4]
    c.check("no busy loop: attempts of a device at least 0.4 s apart", not short,
            "%d gaps below 0.4 s, shortest %.3f s" % (len(short), min(short) if short else 0))

    rss = [r[1] for r in results.values() if r[1] is not None]
    secs = [r[2] for r in results.values() if r[0] == 0]
    fig = {
        "devices": len(serials), "tampered": len(tampered),
        "onboarded": sum(1 for sn in good if results.get(sn, (None,))[0] == 0),
        "refused": sum(1 for sn in tampered if results.get(sn, (None,))[0] == 1),
        "wall_seconds": round(wall, 1), "spawn_seconds": round(spawn, 2),
        "requests": len(reqs), "get_bootstrapping_data": len(gbd),
        "gbd_503": sum(1 for r in gbd if r.get("status") == 503),
        "gbd_reset": sum(1 for r in gbd if r.get("status") == "reset"),
        "tls_errors": len(tls_err),
        "server_span_seconds": round(t_last - t_first, 1),
        "busy_seconds": round(busy, 1),
        "mean_requests_per_second_busy": round(mean, 1),
        "peak_requests_per_second": peak_all,
        "first_wave_seconds": round(wave_end, 1),
        "peak_after_first_second": peak_after,
        "peak_after_over_mean": round(peak_after / mean, 2) if mean else 0,
        "limit_ratio": a.max_per_second_ratio,
        "attempt_spread_iqr_seconds": iqr,
        "shortest_gap_seconds": round(min(gaps), 3) if gaps else None,
        "gbd_per_device": round(len(gbd) / len(serials), 2),
        "rss_kib_max": max(rss) if rss else 0,
        "rss_kib_median": percentile(rss, 0.5),
        "rss_measured_by": "GNU time %M" if TIME else "wait4 ru_maxrss (an upper bound)",
        "onboard_seconds_median": round(percentile(secs, 0.5), 1),
        "onboard_seconds_p95": round(percentile(secs, 0.95), 1),
        "onboard_seconds_max": round(max(secs), 1) if secs else 0,
        "requests_per_second": per_sec,
        "faults": {"storm_seconds": a.storm, "slow": a.slow, "reset_every": a.reset_every},
    }
    print("fleet figures:")
    for k, v in fig.items():
        if k != "requests_per_second":
            print("  %-28s %s" % (k, v))
    print("  requests per second:", " ".join(str(x) for x in per_sec))
    if a.figures:
        with open(a.figures, "w", encoding="utf-8") as f:
            json.dump(fig, f, indent=1)
    return c.failed


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--fleet", required=True)
    p.add_argument("--devices", type=int, required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--addr", default="192.0.2.1")
    p.add_argument("--port", type=int, default=8443)
    p.add_argument("--sztpboot", default=os.path.join(TOP, "build", "sztpboot"))
    p.add_argument("--tamper-every", type=int, default=20)
    p.add_argument("--storm", type=float, default=5)
    p.add_argument("--slow", default="5,10,2",
                   help="FROM,UNTIL,DELAY seconds ('' for none)")
    p.add_argument("--reset-every", type=int, default=50)
    p.add_argument("--deadline", type=int, default=75)
    p.add_argument("--max-per-second-ratio", type=float, default=4.0)
    p.add_argument("--figures")
    a = p.parse_args()
    a.slow = [float(x) for x in a.slow.split(",")] if a.slow else None
    if not 1 <= a.devices <= MAX_DEVICES:
        p.error("--devices: 1 to %d" % MAX_DEVICES)
    if not 1 <= a.deadline <= 3600:
        p.error("--deadline: 1 to 3600 seconds")
    with open(os.path.join(a.fleet, "serials"), encoding="utf-8") as f:
        serials = [l.strip() for l in f if l.strip()][:a.devices]
    if len(serials) < a.devices:
        sys.exit("fleet: %s has only %d identities" % (a.fleet, len(serials)))

    kids = Children()

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        tampered = make_replies(a, serials)
        srv = start_server(a, kids)
        print("fleet: %d devices (%d served tampered data) against https://%s:%d"
              % (len(serials), len(tampered), a.addr, a.port), flush=True)
        results, wall, spawn = run_devices(a, serials, kids)
        srv.send_signal(signal.SIGTERM)
        srv.wait(timeout=30)
        kids.done(srv.pid)
        return 1 if analyse(a, serials, tampered, results, wall, spawn) else 0
    finally:
        kids.stop_all()


if __name__ == "__main__":
    sys.exit(main())
