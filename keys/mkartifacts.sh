#!/bin/sh
# mkartifacts.sh: build RFC 8572 bootstrapping artifacts from the test PKI
# (keys/mkpki.sh layout) for the tests: vouchers as a manufacturer would sign
# them, and the owner's artifacts with every variant the tests need. The CMS
# structures and the reply are made by keys/sztp-artifacts' building blocks
# (sign, unsigned, encrypt, certs, response --unchecked), which run the
# openssl command line; this script picks the test PKI's files and options.
#
#   mkartifacts.sh voucher --pki DIR [--serial SN] [--nonce B64 | --expires RFC3339]
#           [--created RFC3339] [--assertion verified|logged|proximity|...]
#           [--pinned CERT] [--signer-cert CERT --signer-key KEY]
#           [--revocation-checks true|false] [--idevid-issuer B64]
#           [--id-data | --econtent-type TYPE] [--text] [--last-renewal RFC3339]
#           [--json FILE]                                   > voucher.cms
#       JSON voucher (RFC 8366) signed by masa/signer (eContentType
#       id-ct-animaJSONVoucher, or id-data with --id-data, or TYPE as for
#       conveyed: a wrong type for negative tests), signer certificate
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
#           [--econtent-type json|data|xml|voucher] [--signer-cert CERT --signer-key KEY]
#           [--nocerts] [--text] [--encrypt-to CERT]        > ci.cms
#       Conveyed information (FILE: the JSON or XML document): SignedData by
#       the owner certificate (default), or an unsigned ContentInfo with [0]
#       EXPLICIT OCTET STRING (--unsigned); then, with --encrypt-to,
#       EnvelopedData (AES-256-CBC) to CERT. eContentType defaults to
#       id-ct-sztpConveyedInfoJSON (.43); voucher (.40) makes a wrong type
#       for negative tests. --text as for voucher (unsigned too: CRLF line
#       ends).
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

ART=$(dirname "$0")/sztp-artifacts

die() { echo "mkartifacts: $*" >&2; exit 1; }
usage() { sed -n '2,54p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 1 ] || usage
CMD=$1
shift

PKI='' SERIAL='' NONCE='' EXPIRES='' CREATED='' ASSERTION=verified PINNED=''
SIGNER_CERT='' SIGNER_KEY='' REVO=false IDEVID_ISSUER='' ID_DATA=0 JSON=''
CERT='' KEY='' WITH_CA=0 SIGNED=0 UNSIGNED=0 ECT='' NOCERTS=0 ENCRYPT_TO=''
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

# art ARGS...: the owner tool's building blocks (it prints its own errors)
art() { python3 "$ART" "$@" || exit 1; }

# sign IN CERT KEY TYPE [nocerts]: SignedData DER on stdout (TYPE: an
# sztp-artifacts sign --type)
sign() {
	[ -r "$2" ] || die "cannot read signer certificate $2"
	[ -r "$3" ] || die "cannot read signer key $3"
	set -- --in "$1" --cert "$2" --key "$3" --type "$4"
	[ "${5:-0}" = 1 ] && set -- "$@" --no-certs
	[ "$TEXT" = 1 ] && set -- "$@" --text
	art sign "$@"
}

# ect_type json|xml|data|voucher: the sztp-artifacts sign --type
ect_type() {
	case $1 in
	json) echo conveyed-json ;;
	xml) echo conveyed-xml ;;
	data|voucher) echo "$1" ;;
	*) die "--econtent-type must be json, xml, data or voucher" ;;
	esac
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
	if [ "$ID_DATA" = 1 ]; then t=data; else t=$(ect_type "${ECT:-voucher}"); fi
	sign "$TMP/v.json" "$SIGNER_CERT" "$SIGNER_KEY" "$t"
	;;
owner-cert)
	need_pki
	[ -n "$CERT" ] || CERT=$PKI/owner/owner.pem
	[ -n "$KEY" ] || KEY=$PKI/owner/owner.key
	if [ "$SIGNED" = 1 ]; then
		: >"$TMP/empty"
		if [ "$WITH_CA" = 1 ]; then
			art sign --in "$TMP/empty" --type data --cert "$CERT" --key "$KEY" \
				--chain "$PKI/owner/ca.pem"
		else
			art sign --in "$TMP/empty" --type data --cert "$CERT" --key "$KEY"
		fi
	elif [ "$WITH_CA" = 1 ]; then
		art certs "$CERT" "$PKI/owner/ca.pem"
	else
		art certs "$CERT"
	fi
	;;
conveyed)
	need_pki
	[ -n "$JSON" ] && [ -r "$JSON" ] || die "--json FILE is required"
	t=$(ect_type "${ECT:-json}")
	if [ "$UNSIGNED" = 1 ]; then
		if [ "$TEXT" = 1 ]; then
			art unsigned --in "$JSON" --type "$t" --text --out "$TMP/ci.der"
		else
			art unsigned --in "$JSON" --type "$t" --out "$TMP/ci.der"
		fi
	else
		[ -n "$SIGNER_CERT" ] || SIGNER_CERT=$PKI/owner/owner.pem
		[ -n "$SIGNER_KEY" ] || SIGNER_KEY=$PKI/owner/owner.key
		sign "$JSON" "$SIGNER_CERT" "$SIGNER_KEY" "$t" "$NOCERTS" >"$TMP/ci.der"
	fi
	if [ -n "$ENCRYPT_TO" ]; then
		# openssl's own default key-derivation hash for EC recipients (SHA-1)
		art encrypt --in "$TMP/ci.der" --to "$ENCRYPT_TO" --cipher aes-256-cbc --kdf sha1
	else
		cat "$TMP/ci.der"
	fi
	;;
response)
	[ -n "$CI" ] && [ -r "$CI" ] || die "--ci FILE is required"
	if [ -n "$OC$OV" ]; then
		[ -n "$OC" ] && [ -n "$OV" ] || die "--oc and --ov go together"
	fi
	set -- --ci "$CI"
	[ -n "$OC" ] && set -- "$@" --oc "$OC" --ov "$OV"
	[ -n "$LEVEL" ] && set -- "$@" --reporting-level "$LEVEL"
	[ "$XML" = 1 ] && set -- "$@" --xml
	[ -n "$XMLNS" ] && set -- "$@" --xml-ns "$XMLNS"
	[ "$WRAP" != 0 ] && set -- "$@" --wrap "$WRAP"
	art response --unchecked "$@" --out "$TMP/r"
	if [ "$EXTRA" = 0 ]; then
		cat "$TMP/r"
		exit 0
	fi
	# a member (an element) a device must ignore, as some servers add
	python3 - "$TMP/r" "$XML" <<'EOF'
import json, sys
text = open(sys.argv[1]).read()
if sys.argv[2] == "1":
    vendor = ('<x-vendor-extension xmlns="urn:example:vendor">'
              "<ignored>1</ignored></x-vendor-extension>")
    sys.stdout.write(text.replace("\n<conveyed-information>",
                                  "\n" + vendor + "\n<conveyed-information>", 1))
    sys.exit(0)
doc = json.loads(text)
out = doc["ietf-sztp-bootstrap-server:output"]
doc["ietf-sztp-bootstrap-server:output"] = dict(
    [("x-vendor-extension", {"ignored": [1, 2, 3]})] + list(out.items()))
print(json.dumps(doc, indent=2))
EOF
	;;
*)
	echo "mkartifacts: unknown subcommand $CMD" >&2
	usage
	;;
esac
