#!/bin/sh
# mkartifacts.sh: build RFC 8572 bootstrapping artifacts from the test PKI
# (keys/mkpki.sh layout) with the openssl command line and python3.
#
#   mkartifacts.sh voucher --pki DIR [--serial SN] [--nonce B64 | --expires RFC3339]
#           [--created RFC3339] [--assertion verified|logged|proximity|...]
#           [--pinned CERT] [--signer-cert CERT --signer-key KEY]
#           [--revocation-checks true|false] [--idevid-issuer B64]
#           [--id-data] [--text] [--last-renewal RFC3339] [--json FILE]
#                                                           > voucher.cms
#       JSON voucher (RFC 8366) signed by masa/signer (eContentType
#       id-ct-animaJSONVoucher, or id-data with --id-data), signer certificate
#       included. --json signs FILE as is instead of building the voucher.
#       --text signs without -binary, as some vendors' tools do: openssl then
#       signs the MIME canonical form, with CRLF line ends.
#       Defaults: serial from DIR/device/serial.txt, pinned-domain-cert
#       DIR/owner/ca.pem, created-on one hour ago, assertion verified,
#       domain-cert-revocation-checks false. Dates are written as given
#       (fractional seconds too).
#   mkartifacts.sh voucher-json [same options]              > voucher.json
#       The voucher JSON only (unsigned), for tests that edit it.
#   mkartifacts.sh owner-cert --pki DIR [--cert CERT] [--with-ca] [--signed]
#           [--key KEY]                                     > oc.cms
#       Degenerate SignedData (openssl crl2pkcs7 -nocrl) holding the owner
#       certificate (default DIR/owner/owner.pem), plus DIR/owner/ca.pem with
#       --with-ca. --signed: a non-degenerate one (empty content signed by the
#       owner key) as some servers send.
#   mkartifacts.sh conveyed --pki DIR --json FILE [--unsigned]
#           [--econtent-type json|data|xml] [--signer-cert CERT --signer-key KEY]
#           [--nocerts] [--text] [--encrypt-to CERT]        > ci.cms
#       Conveyed information (FILE: the JSON or XML document): SignedData by
#       the owner certificate (default), or an unsigned ContentInfo with [0]
#       EXPLICIT OCTET STRING (--unsigned); then, with --encrypt-to,
#       EnvelopedData (AES-256-CBC) to CERT. eContentType defaults to
#       id-ct-sztpConveyedInfoJSON (.43). --text as for voucher (unsigned
#       too: CRLF line ends).
#   mkartifacts.sh response --ci FILE [--oc FILE --ov FILE]
#           [--reporting-level minimal|verbose] [--wrap N] [--extra]
#           [--xml [--xml-ns URI]]                          > response.json
#       The get-bootstrapping-data output body. --wrap N line-wraps the base64
#       every N characters (as "\n" in the JSON strings, as servers do);
#       --extra adds an unknown member (devices must ignore it). --xml writes
#       it in XML instead, laid out as a vendor's recipe for static-file
#       servers does (reporting-level first, each base64 value on lines of
#       its own), in namespace URI (default the RFC's,
#       urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server).
#
# Everything goes to stdout; errors to stderr, exit 1 (2 for usage).
set -eu

OID_VOUCHER=1.2.840.113549.1.9.16.1.40
OID_CI_XML=1.2.840.113549.1.9.16.1.42
OID_CI_JSON=1.2.840.113549.1.9.16.1.43
OID_DATA=1.2.840.113549.1.7.1

die() { echo "mkartifacts: $*" >&2; exit 1; }
usage() { sed -n '2,48p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 1 ] || usage
CMD=$1
shift

PKI='' SERIAL='' NONCE='' EXPIRES='' CREATED='' ASSERTION=verified PINNED=''
SIGNER_CERT='' SIGNER_KEY='' REVO=false IDEVID_ISSUER='' ID_DATA=0 JSON=''
CERT='' KEY='' WITH_CA=0 SIGNED=0 UNSIGNED=0 ECT=json NOCERTS=0 ENCRYPT_TO=''
CI='' OC='' OV='' LEVEL='' WRAP=0 EXTRA=0 TEXT=0 RENEWAL='' XML=0 XMLNS=''
while [ $# -gt 0 ]; do
	case $1 in
	--pki) PKI=$2; shift ;;
	--serial) SERIAL=$2; shift ;;
	--nonce) NONCE=$2; shift ;;
	--expires) EXPIRES=$2; shift ;;
	--created) CREATED=$2; shift ;;
	--assertion) ASSERTION=$2; shift ;;
	--pinned) PINNED=$2; shift ;;
	--signer-cert) SIGNER_CERT=$2; shift ;;
	--signer-key) SIGNER_KEY=$2; shift ;;
	--revocation-checks) REVO=$2; shift ;;
	--idevid-issuer) IDEVID_ISSUER=$2; shift ;;
	--id-data) ID_DATA=1 ;;
	--json) JSON=$2; shift ;;
	--cert) CERT=$2; shift ;;
	--key) KEY=$2; shift ;;
	--with-ca) WITH_CA=1 ;;
	--signed) SIGNED=1 ;;
	--unsigned) UNSIGNED=1 ;;
	--econtent-type) ECT=$2; shift ;;
	--nocerts) NOCERTS=1 ;;
	--encrypt-to) ENCRYPT_TO=$2; shift ;;
	--ci) CI=$2; shift ;;
	--oc) OC=$2; shift ;;
	--ov) OV=$2; shift ;;
	--reporting-level) LEVEL=$2; shift ;;
	--wrap) WRAP=$2; shift ;;
	--extra) EXTRA=1 ;;
	--text) TEXT=1 ;;
	--last-renewal) RENEWAL=$2; shift ;;
	--xml) XML=1 ;;
	--xml-ns) XMLNS=$2; shift ;;
	-h|--help) usage ;;
	*) echo "mkartifacts: unknown option $1" >&2; usage ;;
	esac
	shift
done

command -v openssl >/dev/null 2>&1 || die "openssl not found"
command -v python3 >/dev/null 2>&1 || die "python3 not found"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mkartifacts.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP

need_pki() { [ -n "$PKI" ] && [ -d "$PKI" ] || die "--pki DIR is required (keys/mkpki.sh layout)"; }

# pem2b64 CERT: base64 (one line) of the DER of the first certificate in CERT.
pem2b64() {
	openssl x509 -in "$1" -outform DER 2>/dev/null | openssl base64 -A ||
		die "cannot read certificate $1"
}

# voucher_json: the voucher JSON document on stdout.
voucher_json() {
	need_pki
	[ -n "$SERIAL" ] || SERIAL=$(cat "$PKI/device/serial.txt")
	[ -n "$PINNED" ] || PINNED=$PKI/owner/ca.pem
	[ -n "$CREATED" ] || CREATED=$(date -u -d "@$(($(date -u +%s) - 3600))" +%Y-%m-%dT%H:%M:%SZ)
	PDC=$(pem2b64 "$PINNED")
	SZ_CREATED=$CREATED SZ_EXPIRES=$EXPIRES SZ_ASSERTION=$ASSERTION SZ_SERIAL=$SERIAL \
	SZ_PDC=$PDC SZ_NONCE=$NONCE SZ_REVO=$REVO SZ_ISSUER=$IDEVID_ISSUER SZ_RENEWAL=$RENEWAL python3 -c '
import json, os
e = os.environ
v = {"created-on": e["SZ_CREATED"]}
if e["SZ_EXPIRES"]:
    v["expires-on"] = e["SZ_EXPIRES"]
v["assertion"] = e["SZ_ASSERTION"]
v["serial-number"] = e["SZ_SERIAL"]
if e["SZ_ISSUER"]:
    v["idevid-issuer"] = e["SZ_ISSUER"]
v["pinned-domain-cert"] = e["SZ_PDC"]
if e["SZ_REVO"] in ("true", "false"):
    v["domain-cert-revocation-checks"] = e["SZ_REVO"] == "true"
if e["SZ_NONCE"]:
    v["nonce"] = e["SZ_NONCE"]
if e["SZ_RENEWAL"]:
    v["last-renewal-date"] = e["SZ_RENEWAL"]
print(json.dumps({"ietf-voucher:voucher": v}, indent=2))
'
}

# sign IN CERT KEY ECT_OID|"" [nocerts]: SignedData DER on stdout.
sign() {
	set -- "$1" "$2" "$3" "$4" "${5:-0}"
	[ -r "$2" ] || die "cannot read signer certificate $2"
	[ -r "$3" ] || die "cannot read signer key $3"
	if [ -n "$4" ]; then ect="-econtent_type $4"; else ect=; fi
	if [ "$5" = 1 ]; then nc=-nocerts; else nc=; fi
	if [ "$TEXT" = 1 ]; then bin=; else bin=-binary; fi
	# shellcheck disable=SC2086
	openssl cms -sign $bin -nodetach -md sha256 $ect $nc -signer "$2" -inkey "$3" \
		-in "$1" -outform DER || die "openssl cms -sign failed"
}

# unsigned_ci IN OID: ContentInfo { OID, [0] EXPLICIT OCTET STRING IN }
# (with --text, IN's line ends become CRLF as openssl's text mode makes them).
unsigned_ci() {
	python3 - "$1" "$2" "$TEXT" <<'EOF'
import sys
def length(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b
def tlv(tag, v):
    return bytes([tag]) + length(len(v)) + v
def oid(dotted):
    a = [int(x) for x in dotted.split(".")]
    out = bytes([a[0] * 40 + a[1]])
    for x in a[2:]:
        enc = [x & 0x7F]
        x >>= 7
        while x:
            enc.insert(0, 0x80 | (x & 0x7F))
            x >>= 7
        out += bytes(enc)
    return tlv(0x06, out)
data = open(sys.argv[1], "rb").read()
if sys.argv[3] == "1":
    data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
sys.stdout.buffer.write(tlv(0x30, oid(sys.argv[2]) + tlv(0xA0, tlv(0x04, data))))
EOF
}

case $CMD in
voucher-json)
	voucher_json
	;;
voucher)
	if [ -n "$JSON" ]; then
		cp "$JSON" "$TMP/v.json"
	else
		voucher_json >"$TMP/v.json"
	fi
	need_pki
	[ -n "$SIGNER_CERT" ] || SIGNER_CERT=$PKI/masa/signer.pem
	[ -n "$SIGNER_KEY" ] || SIGNER_KEY=$PKI/masa/signer.key
	if [ "$ID_DATA" = 1 ]; then o=; else o=$OID_VOUCHER; fi
	sign "$TMP/v.json" "$SIGNER_CERT" "$SIGNER_KEY" "$o"
	;;
owner-cert)
	need_pki
	[ -n "$CERT" ] || CERT=$PKI/owner/owner.pem
	[ -n "$KEY" ] || KEY=$PKI/owner/owner.key
	if [ "$SIGNED" = 1 ]; then
		: >"$TMP/empty"
		if [ "$WITH_CA" = 1 ]; then ca="-certfile $PKI/owner/ca.pem"; else ca=; fi
		# shellcheck disable=SC2086
		openssl cms -sign -binary -nodetach -md sha256 -signer "$CERT" -inkey "$KEY" \
			$ca -in "$TMP/empty" -outform DER || die "openssl cms -sign failed"
	else
		if [ "$WITH_CA" = 1 ]; then ca="-certfile $PKI/owner/ca.pem"; else ca=; fi
		# shellcheck disable=SC2086
		openssl crl2pkcs7 -nocrl -certfile "$CERT" $ca -outform DER ||
			die "openssl crl2pkcs7 failed"
	fi
	;;
conveyed)
	need_pki
	[ -n "$JSON" ] && [ -r "$JSON" ] || die "--json FILE is required"
	case $ECT in
	json) o=$OID_CI_JSON ;;
	xml) o=$OID_CI_XML ;;
	data) o=$OID_DATA ;;
	*) die "--econtent-type must be json, xml or data" ;;
	esac
	if [ "$UNSIGNED" = 1 ]; then
		unsigned_ci "$JSON" "$o" >"$TMP/ci.der"
	else
		[ -n "$SIGNER_CERT" ] || SIGNER_CERT=$PKI/owner/owner.pem
		[ -n "$SIGNER_KEY" ] || SIGNER_KEY=$PKI/owner/owner.key
		[ "$o" = "$OID_DATA" ] && o=
		sign "$JSON" "$SIGNER_CERT" "$SIGNER_KEY" "$o" "$NOCERTS" >"$TMP/ci.der"
	fi
	if [ -n "$ENCRYPT_TO" ]; then
		openssl cms -encrypt -binary -aes-256-cbc -recip "$ENCRYPT_TO" \
			-in "$TMP/ci.der" -outform DER || die "openssl cms -encrypt failed"
	else
		cat "$TMP/ci.der"
	fi
	;;
response)
	[ -n "$CI" ] && [ -r "$CI" ] || die "--ci FILE is required"
	if [ -n "$OC$OV" ]; then
		[ -n "$OC" ] && [ -n "$OV" ] || die "--oc and --ov go together"
	fi
	python3 - "$CI" "$OC" "$OV" "$LEVEL" "$WRAP" "$EXTRA" "$XML" "$XMLNS" <<'EOF'
import base64, json, sys
ci, oc, ov, level, wrap, extra, xml, xmlns = sys.argv[1:9]
wrap = int(wrap)
def b64(path):
    s = base64.b64encode(open(path, "rb").read()).decode()
    if wrap > 0:
        s = "\n".join(s[i:i + wrap] for i in range(0, len(s), wrap))
    return s
if xml == "1":
    ns = xmlns or "urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server"
    parts = []
    if level:
        parts.append("\n<reporting-level>%s</reporting-level>" % level)
    if extra == "1":
        parts.append("\n<x-vendor-extension xmlns=\"urn:example:vendor\">"
                     "<ignored>1</ignored></x-vendor-extension>")
    parts.append("\n<conveyed-information>\n%s\n</conveyed-information>" % b64(ci))
    if oc:
        parts.append("\n<owner-certificate>\n%s\n</owner-certificate>" % b64(oc))
        parts.append("\n<ownership-voucher>\n%s\n</ownership-voucher>" % b64(ov))
    sys.stdout.write("<output xmlns=\"%s\">\n%s\n</output>\n" % (ns, "".join(parts)))
    sys.exit(0)
out = {}
if extra == "1":
    out["x-vendor-extension"] = {"ignored": [1, 2, 3]}
out["conveyed-information"] = b64(ci)
if oc:
    out["owner-certificate"] = b64(oc)
    out["ownership-voucher"] = b64(ov)
if level:
    out["reporting-level"] = level
print(json.dumps({"ietf-sztp-bootstrap-server:output": out}, indent=2))
EOF
	;;
*)
	echo "mkartifacts: unknown subcommand $CMD" >&2
	usage
	;;
esac
