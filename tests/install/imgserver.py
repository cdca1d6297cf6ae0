#!/usr/bin/env python3
"""imgserver.py: an HTTPS image server for tests/install/install.sh.

  imgserver.py --cert PEM --key PEM --dir DIR --port-file F [--log F]
               [--cut-once N] [--ignore-range] [--status-once CODE]
               [--stall-after N]

Serves DIR over HTTPS on 127.0.0.1 (a free port, written to --port-file),
HTTP/1.1 with keep-alive and "Range: bytes=N-" (206 + Content-Range).
Fault injection, each once per file:
  --cut-once N       the first response for a file sends N body bytes then
                     closes the connection (Content-Length says the full size)
  --ignore-range     answer Range requests with 200 and the whole file
  --status-once CODE the first request for a file gets CODE with a short body
  --stall-after N    every 200 response sends N body bytes, logs "stalled after
                     N", then sends nothing more and keeps the connection
                     open (until the client goes away or the server is killed)
Each request is logged as one line: "GET /path range=N-|none -> STATUS".
"""
import argparse, http.server, os, re, ssl, sys, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("--cert", required=True)
ap.add_argument("--key", required=True)
ap.add_argument("--dir", required=True)
ap.add_argument("--port-file", required=True)
ap.add_argument("--log")
ap.add_argument("--cut-once", type=int, default=-1)
ap.add_argument("--ignore-range", action="store_true")
ap.add_argument("--status-once", type=int, default=0)
ap.add_argument("--stall-after", type=int, default=-1)
args = ap.parse_args()
done_cut, done_status = set(), set()
lock = threading.Lock()
logf = open(args.log, "a", buffering=1) if args.log else sys.stderr


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def note(self, rng, status):
        logf.write("GET %s range=%s -> %d\n" % (self.path, rng, status))

    def do_GET(self):
        name = os.path.basename(self.path.split("?")[0])
        path = os.path.join(args.dir, name)
        rh = self.headers.get("Range")
        rng = "none"
        m = re.fullmatch(r"bytes=(\d+)-", rh or "")
        if m:
            rng = m.group(1) + "-"
        with lock:
            status_now = args.status_once and path not in done_status
            if status_now:
                done_status.add(path)
        if status_now or not os.path.isfile(path):
            code = args.status_once if status_now else 404
            body = b"no\n"
            self.send_response(code)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.note(rng, code)
            return
        data = open(path, "rb").read()
        start = int(m.group(1)) if m and not args.ignore_range else 0
        if m and not args.ignore_range:
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % len(data))
                self.send_header("Content-Length", "0")
                self.end_headers()
                self.note(rng, 416)
                return
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
            code = 206
        else:
            self.send_response(200)
            code = 200
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        with lock:
            cut = args.cut_once >= 0 and path not in done_cut and code == 200
            if cut:
                done_cut.add(path)
        self.note(rng, code)
        if args.stall_after >= 0 and code == 200:
            self.wfile.write(body[:args.stall_after])
            self.wfile.flush()
            logf.write("stalled after %d\n" % args.stall_after)
            # hold the connection open, sending nothing, for at most 10 minutes
            for _ in range(600):
                time.sleep(1)
            self.close_connection = True
            return
        if cut:
            self.wfile.write(body[:args.cut_once])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
            return
        self.wfile.write(body)


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(args.cert, args.key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(args.port_file + ".tmp", args.port_file)
srv.serve_forever()
