#!/bin/sh
# verify-attestation.sh: check the TPM evidence a device sends with
# bootstrap-complete (the JSON of `sztpboot tpm quote`, tpm_quote.h).
#
#   keys/verify-attestation.sh EVIDENCE.json --nonce HEX [--ca IAK-CA.pem]
#                              [--pcr-initial HEX] [--expect-events N]
#
# Checks, and says which one failed:
#   1. the quote (TPMS_ATTEST) is signed by the attestation key, names the
#      nonce as qualifying data and covers the PCR values given
#      (tpm2_checkquote);
#   2. the event log, replayed here independently of the agent's code
#      (PCR = SHA-256(PCR || digest) for each record of that PCR, from zero
#      or --pcr-initial), gives exactly that PCR value;
#   3. with --ca: the IAK certificate chains to that CA and holds the
#      attestation key (without an IAK the key is trusted only because the
#      evidence arrived over the IDevID-authenticated TLS session).
# On success prints "attestation: ok: ..." and the events, exit 0; else 1.
set -eu

die() { echo "attestation: FAILED: $*" >&2; exit 1; }
[ $# -ge 1 ] || { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
EV=$1; shift
NONCE= CA= INIT= EXPECT=
while [ $# -gt 0 ]; do
	case $1 in
	--nonce) NONCE=$2; shift 2 ;;
	--ca) CA=$2; shift 2 ;;
	--pcr-initial) INIT=$2; shift 2 ;;
	--expect-events) EXPECT=$2; shift 2 ;;
	*) echo "verify-attestation: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -n "$NONCE" ] || die "--nonce is required (the nonce the server sent)"
command -v tpm2_checkquote >/dev/null 2>&1 || die "tpm2_checkquote not found"

W=$(mktemp -d "${TMPDIR:-/tmp}/verify-attestation.XXXXXX")
trap 'rm -rf "$W"' EXIT

# Decode, check the nonce binding, replay the log (Python standard library).
python3 - "$EV" "$W" "$NONCE" "$INIT" "$EXPECT" <<'EOF' || exit 1
import base64, hashlib, json, sys
ev, w, nonce, init, expect = sys.argv[1:6]
def fail(msg):
    print("attestation: FAILED: " + msg, file=sys.stderr); sys.exit(1)
try:
    j = json.load(open(ev))
except Exception as x:
    fail("evidence is not JSON: %s" % x)
if j.get("format") != "sztp-tpm-quote/1":
    fail("unknown evidence format %r" % j.get("format"))
for k in ("pcr", "pcr-list", "pcr-value", "qualifying-data", "ak-pem", "quote", "signature", "pcrs"):
    if k not in j:
        fail("evidence lacks %r" % k)
n = bytes.fromhex(nonce)
want_q = n if 0 < len(n) <= 64 else hashlib.sha256(n).digest()
if bytes.fromhex(j["qualifying-data"]) != want_q:
    fail("the evidence is not for this nonce (qualifying-data %s)" % j["qualifying-data"])
open(w + "/q", "w").write(want_q.hex())
open(w + "/ak.pem", "w").write(j["ak-pem"])
open(w + "/list", "w").write(j["pcr-list"])
for k in ("quote", "signature", "pcrs"):
    open(w + "/" + k, "wb").write(base64.b64decode(j[k], validate=True))
if "ak-certificate" in j:
    open(w + "/ak.der", "wb").write(base64.b64decode(j["ak-certificate"], validate=True))
pcrs = base64.b64decode(j["pcrs"])
if pcrs.hex() != j["pcr-value"]:
    fail("pcr-value does not match the quoted PCR values")
if "event-log" not in j:
    fail("no event log in the evidence")
log = base64.b64decode(j["event-log"], validate=True)
pcr = bytes.fromhex(init) if init else bytes(32)
count = 0
lines = []
for i, rec in enumerate(log.split(b"\x1e")[1:]):
    r = json.loads(rec.decode())
    if r.get("recnum") != i:
        fail("event log record %d has recnum %r" % (i, r.get("recnum")))
    if r.get("pcr") != j["pcr"]:
        continue
    d = [x["digest"] for x in r["digests"] if x["hashAlg"] == "sha256"]
    if len(d) != 1:
        fail("event log record %d has no single sha256 digest" % i)
    pcr = hashlib.sha256(pcr + bytes.fromhex(d[0])).digest()
    count += 1
    c = r.get("content", {})
    lines.append("  %3d %-26s %s (%s bytes)" % (i, c.get("eventType"), c.get("string"), c.get("size")))
if log[:1] != b"\x1e":
    fail("event log does not start with RS (not JSON-SEQ)")
if pcr.hex() != j["pcr-value"]:
    fail("event log replay gives %s, the quoted PCR %d is %s" % (pcr.hex(), j["pcr"], j["pcr-value"]))
if expect and int(expect) != count:
    fail("expected %s events for PCR %d, the log has %d" % (expect, j["pcr"], count))
open(w + "/summary", "w").write("%d events, PCR %d = %s, attestation key %s\n" % (count, j["pcr"], j["pcr-value"], j.get("ak")) + "\n".join(lines) + "\n")
EOF

tpm2_checkquote -u "$W/ak.pem" -m "$W/quote" -s "$W/signature" -f "$W/pcrs" \
	-l "$(cat "$W/list")" -g sha256 -q "$(cat "$W/q")" >"$W/checkquote.out" 2>&1 ||
	{ cat "$W/checkquote.out" >&2; die "tpm2_checkquote: the quote does not verify"; }

if [ -n "$CA" ]; then
	[ -f "$W/ak.der" ] || die "--ca given but the evidence has no IAK certificate"
	openssl x509 -inform DER -in "$W/ak.der" -out "$W/ak-cert.pem"
	openssl verify -CAfile "$CA" "$W/ak-cert.pem" >/dev/null 2>&1 || die "the IAK certificate does not chain to $CA"
	openssl x509 -in "$W/ak-cert.pem" -noout -pubkey | openssl pkey -pubin -outform DER >"$W/a" 2>/dev/null
	openssl pkey -pubin -in "$W/ak.pem" -outform DER >"$W/b" 2>/dev/null
	cmp -s "$W/a" "$W/b" || die "the IAK certificate is not for the key that signed the quote"
fi
echo "attestation: ok: $(cat "$W/summary")"
