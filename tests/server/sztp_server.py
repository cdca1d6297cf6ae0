#!/usr/bin/env python3
"""An RFC 8572 bootstrap server for the sztp-initrd tests.

Python 3 standard library plus the openssl command line (through
keys/mkartifacts.sh). It serves HTTPS (TLS 1.2+) with the test PKI's server
certificate and answers

    GET  /.well-known/host-meta    200 application/xrd+xml (RFC 8040 section 3.1)
    POST {root}/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data
    POST {root}/operations/ietf-sztp-bootstrap-server:report-progress
    GET  /images/NAME              boot images, with Range: bytes=N-
    anything else                  404

The RFC 8572 endpoints are in sztp_api.py: devices are identified by the
serialNumber of their TLS client certificate and get per-device responses
("devices" in the --config file; see sztp_api.py), built per request with
keys/mkartifacts.sh (signed responses carry a voucher with the device's
nonce), or stored replies made by keys/sztp-artifacts ("response"). When no
"devices" are configured, every device gets signed, empty
onboarding information. With --pki DIR (default: two levels above --cert
when that is a keys/mkpki.sh tree) the PKI's manufacturer CA is accepted for
client certificates unless --client-ca says otherwise.

Connections are kept alive (HTTP/1.1) unless a fault or "keep_alive": false
says otherwise.

Fault injection: Config.faults, a list of rules matched per request (status
override, body, Content-Type, delays before the head or in the middle of the
body, dropped connection, connection reset, truncated or oversized body);
see Fault.

Every request is logged as one line on stderr, and, with --record FILE, appended
to FILE as one JSON object per line (time; t: the same in Unix seconds with
milliseconds; client, method, path, status, tls, client serial;
"authorization": the scheme, when the request carried an Authorization
header). TLS handshake failures are recorded too ("event": "tls-error").
SIGTERM and SIGINT shut the server down cleanly (exit status 0).

Usage:
    sztp_server.py --cert server.pem --key server.key [--bind ADDR] [--port N]
                   [--record FILE] [--ready FILE] [--config FILE.json]
                   [--client-ca CA.pem [--require-client-cert]] [--pki DIR]
                   [--images DIR] [--restconf-root PATH]

A --config file is a JSON object whose keys are the long option names with
dashes turned to underscores (bind, port, cert, key, record, client_ca,
require_client_cert, pki, images, restconf_root, keep_alive, devices, ...) plus
"faults" (see Fault); command-line options win. Relative "images" and device
"response" paths are relative to the configuration file. Every get-bootstrapping-data
input and progress report is recorded as its own event
("get-bootstrapping-data", "progress") so tests can assert on the sequence.
"""

import argparse
import json
import struct
import os
import signal
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

MAX_BODY = 1 << 20          # largest request body accepted (bytes)
HANDSHAKE_TIMEOUT = 10.0    # seconds for the TLS handshake
IO_TIMEOUT = 30.0           # seconds of silence before a connection is dropped

HOST_META = ("<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>"
             "<Link rel='restconf' href='%s'/></XRD>")


# ---------------------------------------------------------------- config

class Fault:
    """One fault-injection rule.

    JSON form: {"method": "POST", "path": "/restconf/...", "match": "text",
    "status": 500, "body": "...", "content_type": "text/html", "delay": 1.5,
    "delay_body": 3, "split": 20, "drop": false, "reset": false,
    "truncate": 10, "oversize": 2000000, "trickle": [100, 0.5], "count": 1,
    "after": 0, "until": 10, "every": 1}.
    method/path select (path matches exactly, or as a prefix when it ends in
    '*'); match selects requests whose body contains that text; after/until
    select the requests that arrive in that window (seconds since the server
    started listening: a scripted outage); every N hits one selected request
    in N (the Nth, the 2Nth, ...); count limits how many requests the rule
    hits (default: all).
    status/body/content_type replace the response; oversize replaces the body
    with a JSON document of that many bytes; delay sleeps before answering;
    drop closes the connection without answering; delay_body sends the head
    and the first `split` body bytes (default half), then sleeps; reset sends
    the head and `split` bytes, then resets the TCP connection (RST, no TLS
    close_notify); truncate sends only that many body bytes and closes;
    trickle [N, S] sends the body N bytes at a time, S seconds apart (never
    silent for long, never done soon).
    """

    def __init__(self, spec):
        self.method = spec.get("method")
        self.path = spec.get("path")
        self.status = spec.get("status")
        self.body = spec.get("body")
        self.delay = float(spec.get("delay", 0))
        self.drop = bool(spec.get("drop", False))
        self.truncate = spec.get("truncate")
        self.count = spec.get("count")
        self.match = spec.get("match")
        self.content_type = spec.get("content_type")
        self.delay_body = float(spec.get("delay_body", 0))
        self.split = spec.get("split")
        self.reset = bool(spec.get("reset", False))
        self.oversize = spec.get("oversize")
        self.trickle = spec.get("trickle")
        self.after = spec.get("after")
        self.until = spec.get("until")
        self.every = int(spec.get("every", 1))
        if self.every < 1:
            raise ValueError("fault: every must be at least 1")
        self._seen = 0
        self._lock = threading.Lock()

    def take(self, method, path, body=b"", now=None):
        """True (and one use consumed) when the rule applies to this request;
        `now` is the time in seconds since the server started (after/until)."""
        if self.method and self.method != method:
            return False
        if self.match and self.match.encode() not in body:
            return False
        if self.path:
            if self.path.endswith("*"):
                if not path.startswith(self.path[:-1]):
                    return False
            elif self.path != path:
                return False
        if now is not None and self.after is not None and now < float(self.after):
            return False
        if now is not None and self.until is not None and now >= float(self.until):
            return False
        with self._lock:
            self._seen += 1
            if self._seen % self.every:
                return False
            if self.count is not None:
                if self.count <= 0:
                    return False
                self.count -= 1
        return True


class Config:
    """Everything the server needs; built from the command line and --config."""

    def __init__(self):
        self.bind = "127.0.0.1"
        self.port = 8443
        self.cert = None
        self.key = None
        self.chain = None           # extra PEM certificates sent after cert
        self.client_ca = None       # PEM file: CAs accepted for client certs
        self.require_client_cert = False
        self.record = None          # JSON-lines request record
        self.ready = None           # file written once listening
        self.restconf_root = "/restconf"
        self.pki = None             # keys/mkpki.sh tree for artifacts
        self.images = None          # directory served under /images/
        self.devices = None         # serial -> response spec (sztp_api.py)
        self.keep_alive = True
        self.faults = []
        self.started = time.monotonic()   # "after"/"until" and records' "t" count from here

    @classmethod
    def from_args(cls, argv=None):
        p = argparse.ArgumentParser(description="sztp-initrd test bootstrap server")
        p.add_argument("--config", help="JSON file with defaults for these options")
        p.add_argument("--bind", help="address to listen on (IPv4 or IPv6)")
        p.add_argument("--port", type=int)
        p.add_argument("--cert", help="server certificate (PEM)")
        p.add_argument("--key", help="server private key (PEM)")
        p.add_argument("--chain", help="intermediate certificates (PEM)")
        p.add_argument("--client-ca", help="CA certificates for client auth (PEM)")
        p.add_argument("--require-client-cert", action="store_true", default=None)
        p.add_argument("--record", help="append one JSON line per request here")
        p.add_argument("--ready", help="write this file once listening")
        p.add_argument("--pki", help="keys/mkpki.sh output directory")
        p.add_argument("--images", help="directory of boot images served under /images/")
        p.add_argument("--restconf-root", help="RESTCONF root path (default /restconf)")
        a = p.parse_args(argv)

        c = cls()
        if a.config:
            with open(a.config, encoding="utf-8") as f:
                spec = json.load(f)
            if not isinstance(spec, dict):
                p.error("--config: top level must be a JSON object")
            for k, v in spec.items():
                if k == "faults":
                    c.faults = [Fault(x) for x in v]
                elif hasattr(c, k) and not k.startswith("_"):
                    setattr(c, k, v)
                else:
                    p.error("--config: unknown key %r" % k)
            # the files an operator lists (images, stored replies) may be
            # named relative to the configuration file
            here = os.path.dirname(os.path.abspath(a.config))
            if isinstance(c.images, str):
                c.images = os.path.join(here, c.images)
            for v in (c.devices or {}).values():
                if isinstance(v, dict) and isinstance(v.get("response"), str):
                    v["response"] = os.path.join(here, v["response"])
        for k in ("bind", "port", "cert", "key", "chain", "client_ca",
                  "require_client_cert", "record", "ready", "pki", "images",
                  "restconf_root"):
            v = getattr(a, k)
            if v is not None:
                setattr(c, k, v)
        if not c.cert or not c.key:
            p.error("--cert and --key are required (on the command line or in --config)")
        if not c.pki:
            guess = os.path.dirname(os.path.dirname(os.path.abspath(c.cert)))
            if os.path.isdir(os.path.join(guess, "masa")) and \
                    os.path.isdir(os.path.join(guess, "owner")):
                c.pki = guess
        if c.pki and not c.client_ca:
            ca = os.path.join(c.pki, "manufacturer", "ca.pem")
            if os.path.exists(ca):
                c.client_ca = ca
        if c.devices is None and c.pki:
            c.devices = {"*": {"signed": True, "onboarding": {}}}
        if c.devices is not None and not isinstance(c.devices, dict):
            p.error("--config: devices must be an object")
        if c.devices and not c.pki and not all(
                isinstance(v, dict) and v.get("response") for v in c.devices.values()):
            p.error("devices need --pki (a keys/mkpki.sh tree), unless each has a stored "
                    "\"response\"")
        if not c.restconf_root.startswith("/") or c.restconf_root.endswith("/"):
            p.error("restconf_root must start and not end with '/'")
        return c

    def fault_for(self, method, path, body=b""):
        now = time.monotonic() - self.started
        for f in self.faults:
            if f.take(method, path, body, now):
                return f
        return None


# ---------------------------------------------------------------- requests

class Request:
    """What a handler sees: method, path, query, headers, body, TLS peer."""

    def __init__(self, method, target, headers, body, client, peer, server=None):
        u = urlsplit(target)
        self.method = method
        self.target = target
        self.path = u.path
        self.query = u.query
        self.headers = headers
        self.body = body
        self.client = client        # client IP address (string)
        self.peer = peer            # PeerIdentity or None
        self.server = server        # the Server (recorder, config)

    def json(self):
        """The body parsed as JSON, or raise ValueError."""
        return json.loads(self.body.decode("utf-8"))


class PeerIdentity:
    """The verified TLS client certificate, as Python's ssl module reports it."""

    def __init__(self, cert, der=None):
        self.cert = cert
        self.der = der                # the certificate itself (DER), when known
        self.subject = {}
        for rdn in cert.get("subject", ()):
            for k, v in rdn:
                self.subject[k] = v
        self.serial_number = self.subject.get("serialNumber")
        self.common_name = self.subject.get("commonName")


class Response:
    def __init__(self, status, body=b"", content_type=None, headers=None):
        self.status = status
        self.body = body if isinstance(body, bytes) else body.encode("utf-8")
        self.headers = list(headers or [])
        if content_type:
            self.headers.append(("Content-Type", content_type))


def restconf_error(status, etype, tag, message):
    """An RFC 8040 ietf-restconf:errors response."""
    body = json.dumps({"ietf-restconf:errors": {"error": [{
        "error-type": etype, "error-tag": tag, "error-message": message}]}})
    return Response(status, body, "application/yang-data+json")


class Handler:
    """One endpoint. Subclasses set methods and implement handle()."""

    methods = ("GET",)

    def __init__(self, config):
        self.config = config

    def handle(self, req):
        raise NotImplementedError


class HostMeta(Handler):
    """RFC 8040 section 3.1 root-resource discovery."""

    def handle(self, req):
        return Response(200, HOST_META % self.config.restconf_root, "application/xrd+xml")


class Router:
    """Maps exact paths to Handler instances."""

    def __init__(self):
        self.routes = {}
        self.prefixes = []

    def add(self, path, handler):
        self.routes[path] = handler

    def add_prefix(self, prefix, handler):
        self.prefixes.append((prefix, handler))

    def dispatch(self, req):
        h = self.routes.get(req.path)
        if h is None:
            for prefix, ph in self.prefixes:
                if req.path.startswith(prefix):
                    h = ph
                    break
        if h is None:
            return restconf_error(404, "protocol", "invalid-value",
                                  "no such resource: " + req.path)
        if req.method not in h.methods:
            r = restconf_error(405, "protocol", "operation-not-supported",
                               "method not allowed: " + req.method)
            r.headers.append(("Allow", ", ".join(h.methods)))
            return r
        return h.handle(req)

    @classmethod
    def default(cls, config):
        r = cls()
        r.add("/.well-known/host-meta", HostMeta(config))
        if config.devices is not None:
            import sztp_api
            sztp_api.register(r, config, Handler, Response, restconf_error)
        return r


# ---------------------------------------------------------------- recording

class Recorder:
    """One stderr line and, optionally, one JSON line in a file per event.
    Every record has "time" (UTC, to the second) and "t" (seconds since the
    server started, to the millisecond: rates over time)."""

    def __init__(self, path, started=None):
        self.path = path
        self.started = time.monotonic() if started is None else started
        self.lock = threading.Lock()

    def event(self, rec):
        rec = dict(rec)
        now = time.time()
        rec.setdefault("time", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)))
        rec.setdefault("t", round(now, 3))
        if rec.get("event") == "request":
            line = "sztp-server: %s %s %s -> %s%s" % (
                rec.get("client"), rec.get("method"), rec.get("path"),
                rec.get("status"),
                " (serial %s)" % rec["client_serial"] if rec.get("client_serial") else "")
        elif rec.get("event") == "progress":
            line = "sztp-server: %s progress %s%s (serial %s)" % (
                rec.get("client"), rec.get("type"),
                ": %s" % rec["message"] if rec.get("message") else "", rec.get("client_serial"))
        elif rec.get("event") == "get-bootstrapping-data":
            line = "sztp-server: %s get-bootstrapping-data (serial %s)%s%s" % (
                rec.get("client"), rec.get("client_serial"),
                " signed-data-preferred" if rec.get("signed_data_preferred") else "",
                " nonce %d bytes" % rec["nonce_len"] if rec.get("nonce_len") else "")
        else:
            line = "sztp-server: %s %s: %s" % (rec.get("client"), rec.get("event"),
                                                rec.get("detail", ""))
        with self.lock:
            print(line, file=sys.stderr, flush=True)
            if self.path:
                with open(self.path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(rec, sort_keys=True) + "\n")


# ---------------------------------------------------------------- HTTP glue

class RequestHandler(BaseHTTPRequestHandler):
    """Turns HTTP into Request/Response; knows nothing about SZTP."""

    protocol_version = "HTTP/1.1"
    def version_string(self):
        return "sztp-test-server/1"

    def setup(self):
        self.connection = self.request
        self.handshake_ok = False
        try:
            self.request.settimeout(HANDSHAKE_TIMEOUT)
            self.request.do_handshake()
            self.request.settimeout(IO_TIMEOUT)
            self.handshake_ok = True
        except (ssl.SSLError, OSError) as e:
            self.server.recorder.event({"event": "tls-error",
                                        "client": self.client_address[0],
                                        "detail": str(e)})
        super().setup()

    def handle(self):
        if self.handshake_ok:
            super().handle()

    def log_message(self, fmt, *args):   # replaced by Recorder
        pass

    def _serve(self):
        cfg = self.server.config
        peer = None
        try:
            pc = self.request.getpeercert()
            if pc:
                peer = PeerIdentity(pc, self.request.getpeercert(binary_form=True))
        except (ValueError, ssl.SSLError):
            pass
        n = self.headers.get("Content-Length")
        body = b""
        if n is not None:
            try:
                n = int(n)
            except ValueError:
                n = -1
            if n < 0 or n > MAX_BODY:
                self._answer(Response(413, b"bad or too large Content-Length\n",
                                      "text/plain"), peer, None)
                return
            body = self.rfile.read(n)
        elif self.headers.get("Transfer-Encoding"):
            self._answer(Response(411, b"Content-Length required\n", "text/plain"),
                         peer, None)
            return
        req = Request(self.command, self.path, self.headers, body,
                      self.client_address[0], peer, self.server)
        fault = cfg.fault_for(req.method, req.path, body)
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.drop:
            self._record(req.method, req.path, "dropped", peer, fault)
            self.close_connection = True
            return
        try:
            resp = self.server.router.dispatch(req)
        except Exception as e:  # a handler bug must not kill the server
            resp = restconf_error(500, "application", "operation-failed",
                                  "server error: %s" % e)
        if fault and fault.status is not None:
            resp = Response(fault.status,
                            fault.body if fault.body is not None else resp.body,
                            None, resp.headers)
        elif fault and fault.body is not None:
            resp = Response(resp.status, fault.body, None, resp.headers)
        if fault and fault.oversize:
            n = int(fault.oversize)
            head = b'{"ietf-sztp-bootstrap-server:output":{"conveyed-information":"'
            resp = Response(resp.status, head + b"A" * max(0, n - len(head) - 3) + b'"}}',
                            None, resp.headers)
        if fault and fault.content_type is not None:
            resp.headers = [(k, v) for k, v in resp.headers if k.lower() != "content-type"]
            resp.headers.append(("Content-Type", fault.content_type))
        self._answer(resp, peer, req, fault)

    def _answer(self, resp, peer, req, fault=None):
        body = resp.body
        self.send_response(resp.status)
        for k, v in resp.headers:
            self.send_header(k, v)
        if resp.status not in (204, 304) and not (100 <= resp.status < 200):
            self.send_header("Content-Length", str(len(body)))
        keep = self.server.config.keep_alive and req is not None and not (
            fault and (fault.truncate is not None or fault.reset or fault.delay_body
                       or fault.trickle))
        if not keep:
            self.send_header("Connection", "close")
        self.end_headers()
        if fault and fault.truncate is not None:
            body = body[:int(fault.truncate)]
        if self.command == "HEAD" or resp.status in (204, 304):
            body = b""
        if fault and (fault.reset or fault.delay_body):
            split = int(fault.split) if fault.split is not None else len(body) // 2
            self.wfile.write(body[:split])
            self.wfile.flush()
            if fault.reset:
                self._record(self.command, req.path if req else self.path, "reset",
                             peer, fault)
                self._reset()
                return
            time.sleep(fault.delay_body)
            body = body[split:]
        if fault and fault.trickle:
            step, pause = int(fault.trickle[0]), float(fault.trickle[1])
            try:
                while len(body) > step:
                    self.wfile.write(body[:step])
                    self.wfile.flush()
                    body = body[step:]
                    time.sleep(pause)
            except OSError:
                self.close_connection = True
                self._record(self.command, req.path if req else self.path, "gone", peer, fault)
                return
        try:
            self.wfile.write(body)
            self.wfile.flush()
        except OSError:
            pass
        self.close_connection = not keep
        self._record(self.command, req.path if req else self.path, resp.status,
                     peer, fault)

    def _reset(self):
        """Abort the TCP connection: RST, no TLS close_notify."""
        try:
            self.wfile.flush()
            self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                    struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close_connection = True
        self.server.no_unwrap.add(id(self.request))

    def _record(self, method, path, status, peer, fault):
        rec = {"event": "request", "client": self.client_address[0],
               "method": method, "path": path, "status": status,
               "tls": self.request.version()}
        if peer:
            rec["client_serial"] = peer.serial_number
            rec["client_cn"] = peer.common_name
        hdrs = getattr(self, "headers", None)
        auth = hdrs.get("Authorization") if hdrs else None
        if auth:
            # the scheme only ("Basic"): never the credentials
            rec["authorization"] = auth.split(" ", 1)[0][:20]
        if fault:
            rec["fault"] = True
        self.server.recorder.event(rec)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _serve


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # listen() backlog: a rack (or tests/fleet) connecting at once must queue,
    # not see its SYNs dropped (the kernel caps it at net.core.somaxconn)
    request_queue_size = 1024

    def __init__(self, config):
        self.config = config
        self.no_unwrap = set()
        self.router = Router.default(config)
        self.recorder = Recorder(config.record, config.started)
        if ":" in config.bind:
            self.address_family = socket.AF_INET6
        super().__init__((config.bind, config.port), RequestHandler)
        self.socket = self.tls_context().wrap_socket(
            self.socket, server_side=True, do_handshake_on_connect=False)

    def tls_context(self):
        c = self.config
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(c.cert, c.key)
        if c.chain:
            # load_cert_chain() reads intermediates from the certfile only;
            # serve cert + chain from a combined temporary PEM.
            with open(c.cert, "rb") as a, open(c.chain, "rb") as b:
                pem = a.read() + b"\n" + b.read()
            tmp = "%s.%d.chain.pem" % (c.record or "/tmp/sztp-server", os.getpid())
            with open(tmp, "wb") as f:
                f.write(pem)
            try:
                ctx.load_cert_chain(tmp, c.key)
            finally:
                os.unlink(tmp)
        if c.client_ca:
            ctx.load_verify_locations(c.client_ca)
            ctx.verify_mode = (ssl.CERT_REQUIRED if c.require_client_cert
                               else ssl.CERT_OPTIONAL)
        return ctx

    def shutdown_request(self, request):
        # Send a TLS close_notify before closing: simple clients that read to
        # end of stream then see a clean end rather than a truncation.
        if id(request) in self.no_unwrap:
            self.no_unwrap.discard(id(request))
            try:
                request.close()
            except OSError:
                pass
            return
        try:
            request.settimeout(1.0)
            request.unwrap()
        except (ssl.SSLError, OSError, ValueError):
            pass
        super().shutdown_request(request)


def main(argv=None):
    config = Config.from_args(argv)
    try:
        srv = Server(config)
    except OSError as e:
        print("sztp-server: cannot listen on %s port %s: %s"
              % (config.bind, config.port, e), file=sys.stderr)
        return 1
    except ssl.SSLError as e:
        print("sztp-server: TLS set-up failed: %s" % e, file=sys.stderr)
        return 1

    def stop(signum, frame):
        # serve_forever() runs in this thread: shut down from another one.
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("sztp-server: listening on https://%s:%d" % (
        "[%s]" % config.bind if ":" in config.bind else config.bind, config.port),
        file=sys.stderr, flush=True)
    config.started = time.monotonic()
    srv.recorder.started = config.started
    if config.ready:
        with open(config.ready, "w", encoding="utf-8") as f:
            f.write("%d\n" % os.getpid())
    try:
        srv.serve_forever(poll_interval=0.2)
    finally:
        srv.server_close()
    print("sztp-server: stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
