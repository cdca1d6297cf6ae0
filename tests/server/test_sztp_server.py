#!/usr/bin/env python3
"""Tests for sztp_server.py, on loopback only.

    python3 tests/server/test_sztp_server.py [PKI_DIR]

PKI_DIR defaults to build/pki (made with keys/mkpki.sh when missing). Starts
the server as a subprocess on 127.0.0.1 with a free port, talks to it with
Python's ssl client, and checks the answers, the --record file, client
certificate identification, fault injection and a clean SIGTERM shutdown.
Ends with "N passed, N failed"; exit status 0 only if nothing failed.
"""

import base64
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import warnings
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
SERVER = os.path.join(HERE, "sztp_server.py")
PKI = None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Running:
    """A server subprocess; stop() sends SIGTERM and returns the exit status."""

    def __init__(self, *extra, config=None):
        self.dir = tempfile.mkdtemp(prefix="sztp-server-test.")
        self.port = free_port()
        self.record = os.path.join(self.dir, "record.jsonl")
        ready = os.path.join(self.dir, "ready")
        args = [sys.executable, SERVER, "--bind", "127.0.0.1", "--port", str(self.port),
                "--cert", os.path.join(PKI, "server/server.pem"),
                "--key", os.path.join(PKI, "server/server.key"),
                "--record", self.record, "--ready", ready] + list(extra)
        if config is not None:
            path = os.path.join(self.dir, "config.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(config, f)
            args += ["--config", path]
        self.log = open(os.path.join(self.dir, "server.log"), "w+", encoding="utf-8")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log)
        # up to 30 s: on a loaded machine the interpreter alone can take
        # seconds to start (5 s was seen to be too short)
        for _ in range(600):
            if os.path.exists(ready) or self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(ready):
            text = self.logtext()
            self.remove()
            raise RuntimeError("server did not start: " + text)

    def logtext(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def records(self):
        if not os.path.exists(self.record):
            return []
        with open(self.record, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def stop(self):
        """SIGTERM; the exit status (None if it had to be killed)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def remove(self):
        self.stop()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def client_context(cert=False):
    ctx = ssl.create_default_context(cafile=os.path.join(PKI, "anchors/bootstrap/server-ca.pem"))
    if cert:
        ctx.load_cert_chain(os.path.join(PKI, "device/chain.pem"),
                            os.path.join(PKI, "device/idevid.key"))
    return ctx


def request(srv, method, path, body=None, cert=False):
    # Validated against the server certificate's IP:127.0.0.1 SAN.
    c = http.client.HTTPSConnection("127.0.0.1", srv.port, context=client_context(cert),
                                    timeout=10)
    try:
        c.request(method, path, body=body)
        r = c.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        c.close()


def get(srv, path, **kw):
    return request(srv, "GET", path, **kw)


GBD = "/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data"
RP = "/restconf/operations/ietf-sztp-bootstrap-server:report-progress"
YANG = "application/yang-data+json"


def post_json(srv, path, doc, cert=True, headers=None):
    c = http.client.HTTPSConnection("127.0.0.1", srv.port, context=client_context(cert),
                                    timeout=30)
    try:
        h = {"Content-Type": YANG, "Accept": YANG}
        h.update(headers or {})
        c.request("POST", path, body=json.dumps(doc).encode(), headers=h)
        r = c.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        c.close()


class ServerTest(unittest.TestCase):
    def setUp(self):
        self.srv = None

    def tearDown(self):
        if self.srv:
            self.srv.remove()

    def start(self, *extra, config=None):
        self.srv = Running(*extra, config=config)
        return self.srv

    def test_host_meta(self):
        srv = self.start()
        st, hdr, body = get(srv, "/.well-known/host-meta")
        self.assertEqual(st, 200)
        self.assertEqual(hdr["Content-Type"], "application/xrd+xml")
        self.assertEqual(body, b"<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>"
                               b"<Link rel='restconf' href='/restconf'/></XRD>")
        self.assertEqual(int(hdr["Content-Length"]), len(body))

    def test_unknown_path_is_404(self):
        srv = self.start()
        st, hdr, body = get(srv, "/restconf/nope")
        self.assertEqual(st, 404)
        self.assertIn("ietf-restconf:errors", json.loads(body))

    def test_wrong_method_is_405(self):
        srv = self.start()
        st, hdr, _ = request(srv, "POST", "/.well-known/host-meta", body=b"{}")
        self.assertEqual(st, 405)
        self.assertEqual(hdr["Allow"], "GET")

    def test_record_and_log(self):
        srv = self.start()
        get(srv, "/.well-known/host-meta")
        get(srv, "/missing")
        recs = [r for r in srv.records() if r["event"] == "request"]
        self.assertEqual([(r["method"], r["path"], r["status"]) for r in recs],
                         [("GET", "/.well-known/host-meta", 200), ("GET", "/missing", 404)])
        self.assertEqual(recs[0]["client"], "127.0.0.1")
        self.assertLessEqual(recs[0]["t"], recs[1]["t"])
        self.assertLess(abs(recs[1]["t"] - time.time()), 60)
        self.assertIn(recs[0]["tls"], ("TLSv1.2", "TLSv1.3"))
        self.assertIn("127.0.0.1 GET /.well-known/host-meta -> 200", srv.logtext())

    def test_tls12_accepted_tls11_refused(self):
        srv = self.start()
        ctx = client_context()
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        with socket.create_connection(("127.0.0.1", srv.port)) as s:
            with ctx.wrap_socket(s, server_hostname="bootstrap.example") as t:
                self.assertEqual(t.version(), "TLSv1.2")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                ctx.minimum_version = ssl.TLSVersion.TLSv1
                ctx.maximum_version = ssl.TLSVersion.TLSv1_1
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        except (ValueError, ssl.SSLError):
            self.skipTest("this OpenSSL cannot even offer TLS 1.1")
        with socket.create_connection(("127.0.0.1", srv.port)) as s:
            with self.assertRaises((ssl.SSLError, OSError)):
                ctx.wrap_socket(s).do_handshake()
        time.sleep(0.2)
        errs = [r["detail"] for r in srv.records() if r["event"] == "tls-error"]
        self.assertEqual(len(errs), 1)
        self.assertRegex(errs[0], "(?i)unsupported.protocol|version")

    def test_server_certificate_names(self):
        srv = self.start()
        for name in ("bootstrap.example", "localhost", "127.0.0.1"):
            with socket.create_connection(("127.0.0.1", srv.port)) as s:
                with client_context().wrap_socket(s, server_hostname=name) as t:
                    self.assertTrue(t.getpeercert())
        with socket.create_connection(("127.0.0.1", srv.port)) as s:
            with self.assertRaises(ssl.SSLCertVerificationError):
                client_context().wrap_socket(s, server_hostname="other.example")

    def test_client_certificate_serial(self):
        srv = self.start("--client-ca", os.path.join(PKI, "manufacturer/ca.pem"))
        st, _, _ = get(srv, "/.well-known/host-meta", cert=True)
        self.assertEqual(st, 200)
        st, _, _ = get(srv, "/.well-known/host-meta")       # optional by default
        self.assertEqual(st, 200)
        recs = [r for r in srv.records() if r["event"] == "request"]
        self.assertEqual(recs[0].get("client_serial"), "SZTP-DEMO-0001")
        self.assertNotIn("client_serial", recs[1])

    def test_client_certificate_required(self):
        srv = self.start("--client-ca", os.path.join(PKI, "manufacturer/ca.pem"),
                         "--require-client-cert")
        with self.assertRaises((ssl.SSLError, OSError, http.client.HTTPException)):
            get(srv, "/.well-known/host-meta")
        st, _, _ = get(srv, "/.well-known/host-meta", cert=True)
        self.assertEqual(st, 200)

    def test_fault_status_and_count(self):
        srv = self.start(config={"faults": [
            {"path": "/.well-known/*", "status": 503, "body": "busy", "count": 1}]})
        st, _, body = get(srv, "/.well-known/host-meta")
        self.assertEqual((st, body), (503, b"busy"))
        st, _, _ = get(srv, "/.well-known/host-meta")
        self.assertEqual(st, 200)
        self.assertTrue(srv.records()[0].get("fault"))

    def test_fault_window_and_every(self):
        """after/until: a scripted outage in time; every N: one request in N."""
        srv = self.start(config={"faults": [
            {"path": "/.well-known/host-meta", "until": 1.5, "status": 503},
            {"path": "/.well-known/host-meta", "after": 1.5, "every": 2, "status": 502}]})
        st, _, _ = get(srv, "/.well-known/host-meta")
        self.assertEqual(st, 503)
        time.sleep(1.6)
        got = [get(srv, "/.well-known/host-meta")[0] for _ in range(4)]
        self.assertEqual(got, [200, 502, 200, 502])
        ts = [r["t"] for r in srv.records() if r.get("event") == "request"]
        self.assertEqual(len(ts), 5)
        self.assertGreaterEqual(ts[1] - ts[0], 1.5)

    def test_fault_drop_and_truncate(self):
        srv = self.start(config={"faults": [
            {"path": "/drop", "drop": True},
            {"path": "/.well-known/host-meta", "truncate": 5}]})
        with self.assertRaises((http.client.HTTPException, OSError)):
            get(srv, "/drop")
        with self.assertRaises(http.client.IncompleteRead):
            get(srv, "/.well-known/host-meta")

    def test_fault_trickle(self):
        srv = self.start(config={"faults": [
            {"path": "/.well-known/host-meta", "trickle": [20, 0.2]}]})
        t0 = time.time()
        st, _, body = get(srv, "/.well-known/host-meta")
        took = time.time() - t0
        self.assertEqual(st, 200)
        self.assertIn(b"rel='restconf'", body)
        # a pause of 0.2 s after every 20 bytes but the last ones
        self.assertGreaterEqual(took, 0.2 * ((len(body) - 1) // 20) - 0.05)

    def test_gbd_default_is_signed_with_nonce_voucher(self):
        srv = self.start()   # the PKI is found from --cert; every device: signed
        nonce = base64.b64encode(bytes(range(32))).decode()
        st, hdr, body = post_json(srv, GBD, {"ietf-sztp-bootstrap-server:input": {
            "signed-data-preferred": [None], "nonce": nonce}})
        self.assertEqual(st, 200, body)
        self.assertEqual(hdr["Content-Type"], YANG)
        out = json.loads(body)["ietf-sztp-bootstrap-server:output"]
        for k in ("conveyed-information", "owner-certificate", "ownership-voucher"):
            self.assertIn(k, out)
        ov = base64.b64decode(out["ownership-voucher"])
        self.assertIn(nonce.encode(), ov)          # the voucher JSON is in the CMS
        g = [r for r in srv.records() if r["event"] == "get-bootstrapping-data"]
        self.assertEqual((g[0]["client_serial"], g[0]["nonce_len"], g[0]["signed_data_preferred"]),
                         ("SZTP-DEMO-0001", 32, True))

    def test_gbd_needs_known_client_certificate(self):
        srv = self.start(config={"devices": {"OTHER": {"onboarding": {}}}})
        st, _, body = post_json(srv, GBD, {}, cert=True)
        self.assertEqual(st, 401)
        self.assertEqual(json.loads(body)["ietf-restconf:errors"]["error"][0]["error-tag"],
                         "access-denied")
        st, _, _ = post_json(srv, GBD, {}, cert=False)
        self.assertEqual(st, 401)

    def test_gbd_unsigned_redirect_and_levels(self):
        srv = self.start(config={"devices": {"*": {
            "redirect": [{"address": "192.0.2.7", "port": 9443,
                          "trust_anchor": os.path.join(PKI, "server/ca.pem")}],
            "reporting_level": "verbose"}}})
        st, _, body = post_json(srv, GBD, {"ietf-sztp-bootstrap-server:input": {}})
        self.assertEqual(st, 200)
        out = json.loads(body)["ietf-sztp-bootstrap-server:output"]
        self.assertNotIn("ownership-voucher", out)
        self.assertEqual(out["reporting-level"], "verbose")
        ci = base64.b64decode(out["conveyed-information"])
        self.assertIn(b'"address": "192.0.2.7"', ci)
        self.assertIn(b'"trust-anchor"', ci)

    def test_gbd_field_behaviours(self):
        """Stored vouchers that ignore the nonce, a signed owner certificate,
        id-data conveyed information, a missing Content-Type, Appendix B."""
        ta = os.path.join(PKI, "server/ca.pem")
        srv = self.start(config={"devices": {"*": {
            "signed": True, "voucher": "stored", "owner_cert": "signed",
            "econtent_type": "data", "content_type": "",
            "appendix_b": {"address": "127.0.0.1", "port": 1234, "trust_anchor": ta},
            "onboarding": {}}}})
        outs = []
        for n in (b"A", b"B"):
            nonce = base64.b64encode(n * 32).decode()
            st, hdr, body = post_json(srv, GBD, {"ietf-sztp-bootstrap-server:input": {
                "signed-data-preferred": [None], "nonce": nonce}})
            self.assertEqual(st, 200, body)
            self.assertIsNone(hdr.get("Content-Type"))
            out = json.loads(body)["ietf-sztp-bootstrap-server:output"]
            ov = base64.b64decode(out["ownership-voucher"])
            self.assertNotIn(nonce.encode(), ov)
            self.assertIn(b"expires-on", ov)
            outs.append(out)
        # the same stored voucher for both requests
        self.assertEqual(outs[0]["ownership-voucher"], outs[1]["ownership-voucher"])
        ci = base64.b64decode(outs[0]["conveyed-information"])
        self.assertIn(b'"port": 1234', ci)            # the Appendix B redirect
        self.assertIn(b'"trust-anchor"', ci)
        oc = base64.b64decode(outs[0]["owner-certificate"])
        self.assertIn(bytes.fromhex("06092a864886f70d010701"), oc)   # id-data: signed content
        # authenticated (no signed-data-preferred): the onboarding information
        st, _, body = post_json(srv, GBD, {"ietf-sztp-bootstrap-server:input": {}})
        ci = base64.b64decode(json.loads(body)["ietf-sztp-bootstrap-server:output"]
                              ["conveyed-information"])
        self.assertIn(b"onboarding-information", ci)
        self.assertIn(bytes.fromhex("06092a864886f70d010701"), ci)   # eContentType id-data

    def test_gbd_long_lived_voucher(self):
        srv = self.start(config={"devices": {"*": {"signed": True, "voucher": "long-lived",
                                                   "onboarding": {}}}})
        st, _, body = post_json(srv, GBD, {"ietf-sztp-bootstrap-server:input": {
            "signed-data-preferred": [None], "nonce": base64.b64encode(b"N" * 32).decode()}})
        self.assertEqual(st, 200, body)
        ov = base64.b64decode(json.loads(body)["ietf-sztp-bootstrap-server:output"]
                              ["ownership-voucher"])
        self.assertNotIn(b"expires-on", ov)
        self.assertNotIn(b'"nonce"', ov)

    def test_gbd_xml_encoding(self):
        srv = self.start(config={"devices": {"*": {"encoding": "xml", "onboarding": {}}}})
        st, hdr, body = post_json(srv, GBD, {"ietf-sztp-bootstrap-server:input": {}})
        self.assertEqual(st, 200, body)
        self.assertEqual(hdr["Content-Type"], "application/yang-data+xml")
        root = ET.fromstring(body)
        ns = "{urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server}"
        self.assertEqual(root.tag, ns + "output")
        ci = base64.b64decode(root.find(ns + "conveyed-information").text)
        self.assertIn(b'"ietf-sztp-conveyed-info:onboarding-information"', ci)
        self.assertIsNone(root.find(ns + "reporting-level"))
        self.assertIsNone(root.find(ns + "ownership-voucher"))

    def test_gbd_vendor_recipe_shape(self):
        srv = self.start(config={"devices": {"*": {"recipe": True, "signed": True,
                                                   "onboarding": {"configuration-handling": "replace",
                                                                  "configuration": "Y2Zn"}}}})
        nonce = base64.b64encode(bytes(range(32))).decode()
        st, hdr, body = post_json(srv, GBD, {"ietf-sztp-bootstrap-server:input": {
            "signed-data-preferred": [None], "nonce": nonce}})
        self.assertEqual(st, 200, body)
        self.assertEqual(hdr["Content-Type"], "application/yang.data+xml")
        text = body.decode()
        self.assertTrue(text.startswith(
            '<output xmlns="urn:ietf:params:xml:ns:yang:ietf-SZTP-bootstrap-server">\n'
            '\n<reporting-level>verbose</reporting-level>\n<conveyed-information>\n'), text[:200])
        self.assertTrue(text.endswith("</ownership-voucher>\n</output>\n"))
        lines = text.split("\n")
        b64 = [l for l in lines if l and not l.startswith("<")]
        self.assertTrue(all(len(l) <= 76 for l in b64))
        self.assertGreater(sum(len(l) == 76 for l in b64), 3)
        ns = "{urn:ietf:params:xml:ns:yang:ietf-SZTP-bootstrap-server}"
        root = ET.fromstring(body)
        self.assertEqual([c.tag for c in root], [ns + t for t in (
            "reporting-level", "conveyed-information", "owner-certificate", "ownership-voucher")])
        arts = {}
        for t in ("conveyed-information", "owner-certificate", "ownership-voucher"):
            arts[t] = os.path.join(srv.dir, t + ".der")
            with open(arts[t], "wb") as f:
                f.write(base64.b64decode(root.find(ns + t).text))

        def cms(*args):
            return subprocess.run(["openssl"] + list(args), capture_output=True,
                                  check=True).stdout
        # content signed without -binary: CRLF line ends; id-data eContentType
        ci = cms("cms", "-verify", "-noverify", "-inform", "DER", "-in", arts["conveyed-information"])
        self.assertIn(b'{\r\n    "ietf-sztp-conveyed-info:onboarding-information": {\r\n', ci)
        for t in ("conveyed-information", "ownership-voucher"):
            printed = cms("cms", "-cmsout", "-print", "-inform", "DER", "-in", arts[t])
            self.assertRegex(printed, rb"eContentType: pkcs7-data")
        # a stored voucher: the nonce ignored, dates with fractional seconds
        ov = cms("cms", "-verify", "-noverify", "-inform", "DER", "-in", arts["ownership-voucher"])
        self.assertIn(b"\r\n", ov)
        v = json.loads(ov)["ietf-voucher:voucher"]
        self.assertNotIn("nonce", v)
        for k in ("created-on", "expires-on", "last-renewal-date"):
            self.assertRegex(v[k], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
        # the owner-certificate CMS holds the owner certificate only
        certs = cms("pkcs7", "-print_certs", "-inform", "DER", "-in", arts["owner-certificate"])
        self.assertEqual(certs.count(b"BEGIN CERTIFICATE"), 1)
        self.assertIn(b"SZTP Demo Owner", certs)

    def test_gbd_conveyed_information_in_xml(self):
        doc = ('<onboarding-information xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info">'
               '<configuration-handling>merge</configuration-handling></onboarding-information>')
        oid_xml = bytes.fromhex("060b2a864886f70d010910012a")
        oid_data = bytes.fromhex("06092a864886f70d010701")
        for econtent, oid in ((None, oid_xml), ("data", oid_data)):
            spec = {"conveyed_xml": doc}
            if econtent:
                spec["econtent_type"] = econtent
            srv = self.start(config={"devices": {"*": spec}})
            st, _, body = post_json(srv, GBD, {"ietf-sztp-bootstrap-server:input": {}})
            self.assertEqual(st, 200, body)
            ci = base64.b64decode(json.loads(body)["ietf-sztp-bootstrap-server:output"]
                                  ["conveyed-information"])
            hdr = 2 if ci[1] < 0x80 else 2 + (ci[1] & 0x7f)   # ContentInfo SEQUENCE header
            self.assertEqual(ci[hdr:hdr + len(oid)], oid)
            self.assertIn(doc.encode(), ci)
            self.srv.remove()
            self.srv = None

    def test_gbd_stored_response_served_as_is(self):
        """"response": a reply file (keys/sztp-artifacts), named relative to
        the configuration file, read per request, sent byte for byte
        whatever the nonce."""
        d = tempfile.mkdtemp(prefix="sztp-server-test.")
        try:
            reply = os.path.join(d, "reply.json")
            with open(reply, "wb") as f:
                f.write(b'{"ietf-sztp-bootstrap-server:output": {"conveyed-information": "MA=="}}\n')
            # named relative to the configuration file (in the server's own dir)
            rel = os.path.join("..", os.path.relpath(reply, tempfile.gettempdir()))
            srv = self.start(config={"devices": {"SZTP-DEMO-0001": {"response": rel}}})
            st, hdr, body = post_json(srv, GBD, {"ietf-sztp-bootstrap-server:input": {
                "signed-data-preferred": [None], "nonce": base64.b64encode(b"N" * 32).decode()}})
            self.assertEqual((st, hdr["Content-Type"]), (200, YANG))
            with open(reply, "rb") as f:
                self.assertEqual(body, f.read())
            with open(reply, "wb") as f:
                f.write(b"{}")
            st, _, body = post_json(srv, GBD, {})
            self.assertEqual((st, body), (200, b"{}"))
            g = [r for r in srv.records() if r["event"] == "get-bootstrapping-data"]
            self.assertEqual(len(g), 2)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_gbd_stored_response_per_serial(self):
        """"{serial}" in a "response" path: one stored reply per device."""
        d = tempfile.mkdtemp(prefix="sztp-server-test.")
        try:
            with open(os.path.join(d, "SZTP-DEMO-0001.json"), "wb") as f:
                f.write(b'{"mine": 1}')
            with open(os.path.join(d, "OTHER.json"), "wb") as f:
                f.write(b'{"other": 1}')
            srv = self.start(config={"devices": {"*": {
                "response": os.path.join(d, "{serial}.json")}}})
            st, _, body = post_json(srv, GBD, {})
            self.assertEqual((st, body), (200, b'{"mine": 1}'))
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_gbd_wrong_content_type_is_400(self):
        srv = self.start()
        st, _, _ = post_json(srv, GBD, {}, headers={"Content-Type": "application/json"})
        self.assertEqual(st, 400)

    def test_report_progress_recorded(self):
        srv = self.start()
        for t in ("bootstrap-initiated", "bootstrap-complete"):
            st, _, body = post_json(srv, RP, {"ietf-sztp-bootstrap-server:input": {
                "progress-type": t, "message": "m " + t}})
            self.assertEqual((st, body), (204, b""))
        st, _, _ = post_json(srv, RP, {"ietf-sztp-bootstrap-server:input": {}})
        self.assertEqual(st, 400)
        p = [(r["type"], r["message"]) for r in srv.records() if r["event"] == "progress"]
        self.assertEqual(p, [("bootstrap-initiated", "m bootstrap-initiated"),
                             ("bootstrap-complete", "m bootstrap-complete")])

    def test_images_with_range(self):
        d = tempfile.mkdtemp(prefix="sztp-images.")
        self.addCleanup(shutil.rmtree, d, True)
        data = os.urandom(5000)
        with open(os.path.join(d, "os.img"), "wb") as f:
            f.write(data)
        srv = self.start("--images", d)
        st, hdr, body = get(srv, "/images/os.img")
        self.assertEqual((st, body), (200, data))
        c = http.client.HTTPSConnection("127.0.0.1", srv.port, context=client_context(), timeout=10)
        c.request("GET", "/images/os.img", headers={"Range": "bytes=1000-"})
        r = c.getresponse()
        self.assertEqual(r.status, 206)
        self.assertEqual(r.getheader("Content-Range"), "bytes 1000-4999/5000")
        self.assertEqual(r.read(), data[1000:])
        c.request("GET", "/images/os.img", headers={"Range": "bytes=6000-"})   # same connection
        r = c.getresponse()
        self.assertEqual(r.status, 416)
        r.read()
        c.close()
        self.assertEqual(get(srv, "/images/../secret")[0], 404)

    def test_image_mirror_records_authorization_scheme_only(self):
        # the mirror of qemu/lib.sh (SZTP_MIRROR): "devices": {} serves images
        # and no RPC; a request's Authorization is recorded as its scheme only
        d = tempfile.mkdtemp(prefix="sztp-images.")
        self.addCleanup(shutil.rmtree, d, True)
        with open(os.path.join(d, "os.img"), "wb") as f:
            f.write(b"image")
        srv = self.start("--images", d, config={"devices": {}})
        self.assertEqual(get(srv, "/images/os.img")[:3:2], (200, b"image"))
        st, _, _ = post_json(srv, GBD, {}, headers={"Authorization": "Basic dXNlcjpwYXNz"})
        self.assertEqual(st, 401)
        recs = [r for r in srv.records() if r["event"] == "request"]
        self.assertNotIn("authorization", recs[0])
        self.assertEqual(recs[1]["authorization"], "Basic")
        self.assertNotIn("dXNlcjpwYXNz", json.dumps(srv.records()))

    def test_fault_content_type_oversize_match_reset(self):
        srv = self.start(config={"faults": [
            {"path": "/.well-known/host-meta", "content_type": "text/html", "count": 1},
            {"path": "/.well-known/host-meta", "oversize": 3000, "count": 1},
            {"path": RP, "match": "bootstrap-complete", "status": 500},
            {"path": "/reset", "reset": True, "split": 3}]})
        st, hdr, _ = get(srv, "/.well-known/host-meta")
        self.assertEqual((st, hdr["Content-Type"]), (200, "text/html"))
        st, _, body = get(srv, "/.well-known/host-meta")
        self.assertEqual(len(body), 3000)
        st, _, _ = post_json(srv, RP, {"ietf-sztp-bootstrap-server:input": {
            "progress-type": "bootstrap-initiated"}})
        self.assertEqual(st, 204)
        st, _, _ = post_json(srv, RP, {"ietf-sztp-bootstrap-server:input": {
            "progress-type": "bootstrap-complete"}})
        self.assertEqual(st, 500)
        with self.assertRaises((http.client.HTTPException, OSError)):
            get(srv, "/reset")

    def test_keep_alive(self):
        srv = self.start()
        c = http.client.HTTPSConnection("127.0.0.1", srv.port, context=client_context(), timeout=10)
        for _ in range(3):
            c.request("GET", "/.well-known/host-meta")
            r = c.getresponse()
            self.assertEqual(r.status, 200)
            self.assertIsNone(r.getheader("Connection"))
            r.read()
        c.close()

    def test_bad_config_key_refused(self):
        d = tempfile.mkdtemp(prefix="sztp-server-test.")
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, "c.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"no_such_option": 1}, f)
        p = subprocess.run([sys.executable, SERVER, "--config", path, "--cert", "x",
                            "--key", "y"], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown key", p.stderr)

    def test_sigterm_clean_exit(self):
        srv = self.start()
        get(srv, "/.well-known/host-meta")
        self.assertEqual(srv.stop(), 0)
        self.assertIn("sztp-server: stopped", srv.logtext())


class AttestationCheckTest(unittest.TestCase):
    """sztp_api.check_attestation refuses evidence before any quote is read."""

    def setUp(self):
        sys.path.insert(0, os.path.join(TOP, "tests", "server"))
        import sztp_api
        self.check = sztp_api.check_attestation

    def test_missing_evidence(self):
        self.assertIn("no evidence", self.check({"nonce": "AAAA"}, None, None))
        self.assertIn("no evidence", self.check("x", None, None))

    def test_bad_or_empty_nonce(self):
        self.assertIn("not base64", self.check({"nonce": "@@", "evidence": {}}, None, None))
        self.assertIn("no nonce", self.check({"nonce": "", "evidence": {}}, None, None))

    def test_nonce_must_be_the_one_of_get_bootstrapping_data(self):
        sent = base64.b64encode(b"A" * 16).decode()
        other = base64.b64encode(b"B" * 16).decode()
        self.assertIn("not the nonce", self.check({"nonce": other, "evidence": {}}, sent, None))

    def test_evidence_that_does_not_verify(self):
        r = self.check({"nonce": base64.b64encode(b"C" * 16).decode(),
                        "evidence": {"format": "sztp-tpm-quote/1"}}, None, None)
        self.assertTrue(r.startswith("failed: "), r)


def main():
    global PKI
    PKI = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "build/pki"))
    if not os.path.exists(os.path.join(PKI, ".complete")):
        subprocess.run(["sh", os.path.join(TOP, "keys/mkpki.sh"), PKI], check=True)
    suite = unittest.TestSuite([
        unittest.defaultTestLoader.loadTestsFromTestCase(ServerTest),
        unittest.defaultTestLoader.loadTestsFromTestCase(AttestationCheckTest)])
    r = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(r.failures) + len(r.errors)
    passed = r.testsRun - failed - len(r.skipped)
    print("%d passed, %d failed%s" % (passed, failed,
          ", %d skipped" % len(r.skipped) if r.skipped else ""))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
