"""The RFC 8572 bootstrap-server API for sztp_server.py (Python standard
library plus the openssl command line, through keys/mkartifacts.sh).

Endpoints (registered by sztp_server.Router.default when the configuration
has "devices"):

  POST {root}/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data
  POST {root}/operations/ietf-sztp-bootstrap-server:report-progress
  GET  /images/NAME            files of "images" (a directory), Range: bytes=N-

Devices are identified by the serialNumber of their TLS client certificate
(the server must be started with --client-ca); unknown or anonymous clients
get 401 with an ietf-restconf:errors body. The configuration key "devices"
maps a serial number (or "*" for any device) to what it gets:

  {"signed": false,            owner certificate + voucher + signed CI
   "encrypted": false,         conveyed information encrypted to the IDevID
   "reporting_level": null,    "minimal" | "verbose" | null (absent)
   "onboarding": {...},        the onboarding-information object, or
   "redirect": [{"address": "127.0.0.1", "port": 8443,
                 "trust_anchor": "ca.pem"}],   (PEM path; optional)
   "conveyed": {...},          a whole conveyed-information document instead
   "response": "reply.json",   a stored get-bootstrapping-data reply (a file,
                               read at each request), served as it is: what
                               keys/sztp-artifacts writes (JSON, or XML:
                               then labelled application/yang-data+xml); the
                               other keys but content_type are then unused,
                               and no PKI is needed; "{serial}" in the
                               path is replaced by the device's serial number
                               (one stored reply per device, e.g. a voucher
                               each, for a whole fleet under "*")
   what real servers do (each optional):
   "voucher": "nonce",         "nonce": a voucher with the nonce the device sent
                               (without one: expires-on a day ahead); "stored":
                               one stored voucher with expires-on 30 days ahead
                               for every request, the nonce ignored;
                               "long-lived": one stored voucher with neither
                               nonce nor expires-on
   "owner_cert": "degenerate", "signed": a non-degenerate SignedData (the
                               owner key signs empty content) as some send
   "econtent_type": "json",    "data": conveyed information signed with
                               eContentType id-data instead of .43; "xml": .42
                               (the default with "conveyed_xml")
   "content_type": "application/yang-data+json",
                               the reply's Content-Type; "" sends none (default
                               application/yang-data+xml with "encoding": "xml")
   "appendix_b": {"address": "127.0.0.1", "port": 8443,
                  "trust_anchor": "ca.pem"},
                               RFC 8572 Appendix B: a device that asks untrusted
                               (signed-data-preferred) gets a signed redirect to
                               this entry (itself, with the anchor of its own
                               certificate); a device that reconnects
                               authenticated gets the rest of the spec
   the XML encoding (each optional):
   "conveyed_xml": "<...>",    conveyed information in the XML encoding (text)
                               instead of "onboarding"/"redirect"/"conveyed"
   "encoding": "json",         "xml": the output in the XML encoding
   "xml_namespace": null,      its namespace (default the RFC's)
   "recipe": false}            true: exactly the shape of a vendor's recipe
                               for static-file servers (see below)

Signed responses are made per request. Every get-bootstrapping-data input
and every progress report is recorded (events "get-bootstrapping-data" and
"progress" in the --record file).

"recipe" answers as a static-file server set up from a network vendor's
published recipe does: the output in XML in the namespace
urn:ietf:params:xml:ns:yang:ietf-SZTP-bootstrap-server (sic) served as
application/yang.data+xml (sic), reporting-level first (default verbose),
base64 wrapped every 76 characters; content signed without -binary (so its
line ends are CRLF), id-data eContentType for the voucher and the conveyed
information (JSON indented by 4), an owner-certificate CMS holding only the
owner certificate, and a stored voucher that ignores the nonce: created-on,
expires-on and last-renewal-date with fractional seconds.
"""

import base64
import hashlib
import json
import os
import re
import ssl
import subprocess
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
MKART = os.environ.get("SZTP_MKARTIFACTS") or os.path.join(TOP, "keys", "mkartifacts.sh")
ART = os.path.join(TOP, "keys", "sztp-artifacts")


def load_tool():
    """keys/sztp-artifacts as a module: the reply is assembled and vouchers
    signed in this process (fewer processes per request: the tests' timeouts
    are short)."""
    import importlib.machinery
    import importlib.util
    loader = importlib.machinery.SourceFileLoader("sztp_artifacts", ART)
    spec = importlib.util.spec_from_loader("sztp_artifacts", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod
MEDIA = "application/yang-data+json"
MEDIA_XML = "application/yang-data+xml"
RECIPE_NS = "urn:ietf:params:xml:ns:yang:ietf-SZTP-bootstrap-server"
RECIPE_MEDIA = "application/yang.data+xml"
OP = "/operations/ietf-sztp-bootstrap-server:"
SERIAL_SAFE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$")


class ArtifactError(Exception):
    pass


class Artifacts:
    """Builds responses with keys/mkartifacts.sh and keys/sztp-artifacts'
    functions; caches what has no nonce."""

    def __init__(self, pki):
        self.pki = pki
        self.cache = {}
        self.lock = threading.Lock()
        self.tool = load_tool()

    def nonce_voucher(self, nonce_b64):
        """A voucher for this request's nonce: mkartifacts.sh's voucher JSON,
        signed by the test MASA here."""
        doc = self.mk("voucher-json", "--pki", self.pki, "--nonce", nonce_b64)
        w = self.tool.Work()
        try:
            return self.tool.cms_sign(w, doc, os.path.join(self.pki, "masa", "signer.pem"),
                                      os.path.join(self.pki, "masa", "signer.key"),
                                      self.tool.OID_VOUCHER)
        except self.tool.Refused as e:
            raise ArtifactError("voucher: %s" % e)
        finally:
            w.close()

    def mk(self, *args):
        p = subprocess.run(["sh", MKART] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, check=False)
        if p.returncode != 0:
            raise ArtifactError("mkartifacts %s: %s" % (args[0], p.stderr.decode(errors="replace").strip()))
        return p.stdout

    @staticmethod
    def file(tmp, name, data):
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def trust_anchor(self, pem):
        """base64 of a degenerate SignedData holding the certificates of PEM."""
        p = subprocess.run(["openssl", "crl2pkcs7", "-nocrl", "-certfile", pem, "-outform", "DER"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        if p.returncode != 0:
            raise ArtifactError("trust anchor %s: %s" % (pem, p.stderr.decode(errors="replace")))
        return base64.b64encode(p.stdout).decode()

    def conveyed_doc(self, spec):
        if "conveyed" in spec:
            return spec["conveyed"]
        if "redirect" in spec:
            servers = []
            for s in spec["redirect"]:
                e = {"address": s["address"]}
                if "port" in s:
                    e["port"] = s["port"]
                if s.get("trust_anchor"):
                    e["trust-anchor"] = self.trust_anchor(s["trust_anchor"])
                servers.append(e)
            return {"ietf-sztp-conveyed-info:redirect-information": {"bootstrap-server": servers}}
        return {"ietf-sztp-conveyed-info:onboarding-information": spec.get("onboarding", {})}

    def recipe_voucher(self):
        """The stored voucher of the recipe: made once, nonce ignored."""
        ov = self.cache.get("ov-recipe")
        if ov is None:
            import time

            def frac(t):
                return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%06dZ" % (
                    int(t * 1e6) % 1000000)
            now = time.time()
            ov = self.cache["ov-recipe"] = self.mk(
                "voucher", "--pki", self.pki, "--id-data", "--text",
                "--created", frac(now - 3600), "--expires", frac(now + 86400),
                "--last-renewal", frac(now + 86400))
        return ov

    def response(self, spec, nonce_b64, peer_der=None):
        """The get-bootstrapping-data output body (bytes) and its Content-Type
        for a device spec. Encrypted conveyed information goes to the
        certificate the device authenticated with (peer_der), as RFC 8572
        section 3.4 says, else to the PKI's device certificate."""
        recipe = bool(spec.get("recipe"))
        xml = recipe or spec.get("encoding") == "xml"
        if "conveyed_xml" in spec:
            doc = spec["conveyed_xml"].encode()
        elif recipe:
            doc = (json.dumps(self.conveyed_doc(spec), indent=4) + "\n").encode()
        else:
            doc = json.dumps(self.conveyed_doc(spec), sort_keys=True).encode()
        signed = bool(spec.get("signed"))
        ect = spec.get("econtent_type", "xml" if "conveyed_xml" in spec else "json")
        key = hashlib.sha256(doc + (peer_der or b"") + json.dumps(
            [signed, bool(spec.get("encrypted")), spec.get("reporting_level"), ect,
             recipe]).encode()).hexdigest()
        with self.lock:
            tag = "%s.%d" % (key[:16], threading.get_ident())
            ci = self.cache.get(("ci", key))
            if ci is None:
                # the input files live only as long as this call: a server
                # stopped by SIGKILL leaves nothing behind in /tmp
                with tempfile.TemporaryDirectory(prefix="sztp-artifacts.") as tmp:
                    jf = self.file(tmp, tag + ".json", doc)
                    args = ["conveyed", "--pki", self.pki, "--json", jf]
                    if not signed:
                        args.append("--unsigned")
                    if recipe:
                        args += ["--econtent-type", "data", "--text"]
                    elif ect != "json":
                        args += ["--econtent-type", ect]
                    if spec.get("encrypted"):
                        to = os.path.join(self.pki, "device", "idevid.pem")
                        if peer_der:
                            to = self.file(tmp, tag + ".peer.pem",
                                           ssl.DER_cert_to_PEM_cert(peer_der).encode())
                        args += ["--encrypt-to", to]
                    ci = self.mk(*args)
                self.cache[("ci", key)] = ci
            oc = ov = None
            if signed:
                ock = "oc-" + spec.get("owner_cert", "degenerate")
                oc = self.cache.get(ock)
                if oc is None:
                    extra = ["--signed"] if spec.get("owner_cert") == "signed" else []
                    oc = self.cache[ock] = self.mk("owner-cert", "--pki", self.pki, *extra)
                vmode = spec.get("voucher", "nonce")
                if recipe:
                    ov = self.recipe_voucher()
                elif vmode == "nonce" and nonce_b64:
                    ov = self.nonce_voucher(nonce_b64)
                elif vmode == "long-lived":
                    ov = self.cache.get("ov-long-lived")
                    if ov is None:
                        ov = self.cache["ov-long-lived"] = self.mk("voucher", "--pki", self.pki)
                else:
                    # stored: made once, the nonce of the request ignored
                    days = 30 if vmode == "stored" else 1
                    ov = self.cache.get("ov-expires-%d" % days)
                    if ov is None:
                        import time
                        exp = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                            time.gmtime(time.time() + days * 86400))
                        ov = self.cache["ov-expires-%d" % days] = self.mk(
                            "voucher", "--pki", self.pki, "--expires", exp)
            level = spec.get("reporting_level", "verbose" if recipe else None)
            wrap = 76 if recipe else 0
            if xml:
                ns = spec.get("xml_namespace", RECIPE_NS if recipe else None)
                body = self.tool.response_xml(ci, oc, ov, level, ns or self.tool.NS_BOOTSTRAP,
                                              wrap)
            else:
                body = self.tool.response_doc(ci, oc, ov, level, wrap)
            ctype = spec["content_type"] if "content_type" in spec else (
                RECIPE_MEDIA if recipe else MEDIA_XML if xml else MEDIA)
            return body, ctype


ATTESTATION = "sztp-initrd:tpm-attestation"
VERIFY_ATTESTATION = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                  "..", "..", "keys", "verify-attestation.sh")


def check_attestation(member, nonce_b64, pki):
    """Check the TPM evidence sent with bootstrap-complete (docs/client.md:
    {"nonce", "nonce-origin", "evidence"}) with keys/verify-attestation.sh.
    When the device sent a nonce in its last get-bootstrapping-data, the
    quote must name that one. Returns "attestation: ok ..." or "failed: <why>"."""
    import subprocess
    import tempfile
    if not isinstance(member, dict) or not isinstance(member.get("evidence"), dict):
        return "failed: %s has no evidence object" % ATTESTATION
    try:
        nonce = base64.b64decode(member.get("nonce", ""), validate=True)
    except (ValueError, TypeError):
        return "failed: nonce is not base64"
    if not nonce:
        return "failed: no nonce"
    if nonce_b64 and nonce != base64.b64decode(nonce_b64):
        return "failed: not the nonce of get-bootstrapping-data"
    evidence = member["evidence"]
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump(evidence, f)
        f.flush()
        cmd = ["sh", VERIFY_ATTESTATION, f.name, "--nonce", nonce.hex()]
        if pki and evidence.get("ak-certificate"):
            cmd += ["--ca", os.path.join(pki, "manufacturer", "ca.pem")]
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as e:
            return "failed: %s" % e
    out = (r.stdout + r.stderr).strip().splitlines()
    if r.returncode == 0:
        return next((l for l in out if l.startswith("attestation: ok")), "attestation: ok")
    return "failed: " + (out[-1] if out else "exit %d" % r.returncode)


def register(router, config, handler_base, response_cls, error_fn):
    """Add the API endpoints to `router` (a sztp_server.Router)."""
    arts = Artifacts(config.pki)
    last_nonce = {}   # serial -> the nonce of its last get-bootstrapping-data

    def device(req):
        serial = req.peer.serial_number if req.peer else None
        if not serial:
            return None, None, error_fn(401, "protocol", "access-denied",
                                        "no client certificate with a serialNumber")
        spec = config.devices.get(serial, config.devices.get("*"))
        if spec is None:
            return None, None, error_fn(401, "protocol", "access-denied",
                                        "unknown device " + serial)
        return serial, spec, None

    def read_input(req):
        ct = (req.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if req.body and ct != MEDIA:
            raise ValueError("Content-Type must be " + MEDIA)
        if not req.body:
            return {}
        doc = req.json()
        if not isinstance(doc, dict) or not isinstance(
                doc.get("ietf-sztp-bootstrap-server:input", {}), dict):
            raise ValueError("expected ietf-sztp-bootstrap-server:input")
        return doc.get("ietf-sztp-bootstrap-server:input", {})

    class GetBootstrappingData(handler_base):
        methods = ("POST",)

        def handle(self, req):
            serial, spec, err = device(req)
            if err:
                return err
            try:
                inp = read_input(req)
            except ValueError as e:
                return error_fn(400, "protocol", "malformed-message", str(e))
            nonce = inp.get("nonce")
            last_nonce[serial] = nonce if isinstance(nonce, str) else None
            req.server.recorder.event({
                "event": "get-bootstrapping-data", "client": req.client,
                "client_serial": serial, "path": req.path,
                "signed_data_preferred": "signed-data-preferred" in inp,
                "nonce_len": len(base64.b64decode(nonce)) if isinstance(nonce, str) else 0,
                "hw_model": inp.get("hw-model"), "os_name": inp.get("os-name"),
                "os_version": inp.get("os-version"),
                "basic": bool(req.headers.get("Authorization"))})
            if spec.get("response"):
                path = spec["response"]
                if "{serial}" in path:
                    if not SERIAL_SAFE.match(serial):
                        return error_fn(401, "protocol", "access-denied",
                                        "serial number unfit for a file name")
                    path = path.replace("{serial}", serial)
                try:
                    with open(path, "rb") as f:
                        body = f.read()
                except OSError as e:
                    return error_fn(500, "application", "operation-failed",
                                    "stored reply: %s" % e.strerror)
                media = MEDIA_XML if body.lstrip().startswith(b"<") else MEDIA
                return response_cls(200, body, spec.get("content_type", media) or None)
            use = spec
            if spec.get("appendix_b") and "signed-data-preferred" in inp:
                # an untrusted device: a signed redirect to ourselves, with the
                # anchor that lets it authenticate us next time (RFC 8572 App. B)
                use = {"signed": True, "redirect": [spec["appendix_b"]],
                       "voucher": spec.get("voucher", "nonce"),
                       "owner_cert": spec.get("owner_cert", "degenerate")}
            try:
                body, ctype = arts.response(use, nonce if isinstance(nonce, str) else None,
                                            req.peer.der if req.peer else None)
            except ArtifactError as e:
                return error_fn(500, "application", "operation-failed", str(e))
            if "content_type" in spec:
                ctype = spec["content_type"]
            return response_cls(200, body, ctype or None)

    class ReportProgress(handler_base):
        methods = ("POST",)

        def handle(self, req):
            serial, spec, err = device(req)
            if err:
                return err
            try:
                inp = read_input(req)
            except ValueError as e:
                return error_fn(400, "protocol", "malformed-message", str(e))
            ptype = inp.get("progress-type")
            if not isinstance(ptype, str):
                return error_fn(400, "protocol", "missing-element", "progress-type is mandatory")
            ev = {"event": "progress", "client": req.client, "client_serial": serial,
                  "type": ptype, "message": inp.get("message")}
            if ptype == "bootstrap-complete" and ATTESTATION in inp:
                ev["attestation"] = check_attestation(inp[ATTESTATION],
                                                      last_nonce.get(serial), config.pki)
            if ptype == "bootstrap-complete" and "ssh-host-keys" in inp:
                ev["ssh_host_keys"] = inp["ssh-host-keys"]
            req.server.recorder.event(ev)
            return response_cls(204)

    class Images(handler_base):
        methods = ("GET", "HEAD")

        def handle(self, req):
            name = req.path[len("/images/"):]
            if not config.images or not name or "/" in name or name.startswith("."):
                return error_fn(404, "protocol", "invalid-value", "no such image")
            path = os.path.join(config.images, name)
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                return error_fn(404, "protocol", "invalid-value", "no such image")
            rng = req.headers.get("Range")
            if rng:
                if not (rng.startswith("bytes=") and rng.endswith("-") and rng[6:-1].isdigit()):
                    return response_cls(416, b"", None, [("Content-Range", "bytes */%d" % len(data))])
                first = int(rng[6:-1])
                if first >= len(data):
                    return response_cls(416, b"", None, [("Content-Range", "bytes */%d" % len(data))])
                return response_cls(206, data[first:], "application/octet-stream",
                                    [("Content-Range", "bytes %d-%d/%d" % (first, len(data) - 1, len(data)))])
            return response_cls(200, data, "application/octet-stream")

    root = config.restconf_root
    router.add(root + OP + "get-bootstrapping-data", GetBootstrappingData(config))
    router.add(root + OP + "report-progress", ReportProgress(config))
    router.add_prefix("/images/", Images(config))
