#!/bin/sh
# tests/verify/verify.sh: `sztpboot verify` end to end (RFC 8572 5.3/5.4 policy).
#
# Builds a fresh test PKI (keys/mkpki.sh) plus extra keys (RSA owner and
# device, a rogue MASA, a second owner) in a temporary directory, makes
# artifacts with keys/mkartifacts.sh, and checks exit code AND message of
# `sztpboot verify` for positive cases and one negative case per check. Also
# the shared interop vectors (../shared/vectors).
#
# Environment: SZTPBOOT (default build/sztpboot; built with make if missing).
# Prints "ok NAME" / "FAIL NAME: why" per case and "N passed, N failed".
set -u
# shellcheck disable=SC2086 # $DEV and $MASA are option lists, split on purpose

TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
SHARED=$(git rev-parse --show-toplevel 2>/dev/null)/../shared
[ -d "$SHARED/vectors" ] || SHARED=/work/shared
VEC=$SHARED/vectors

SZ=${SZTPBOOT:-$TOP/build/sztpboot}
if [ -z "${SZTPBOOT:-}" ] && [ ! -x "$SZ" ]; then
	make build/sztpboot >/dev/null 2>&1 || { echo "FAIL build: make build/sztpboot failed"; echo "0 passed, 1 failed"; exit 1; }
fi
mkart() { sh "$TOP/keys/mkartifacts.sh" "$@"; }

T=$(mktemp -d "${TMPDIR:-/tmp}/sztp-verify.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP

pass=0 fail=0
ok() { echo "ok $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

# ------------------------------------------------------------------ the PKI
P=$T/pki
sh "$TOP/keys/mkpki.sh" "$P" >/dev/null || { echo "FAIL pki: mkpki.sh failed"; echo "0 passed, 1 failed"; exit 1; }
SN=$(cat "$P/device/serial.txt")
X=$T/x
mkdir -p "$X"

# ext NAME BODY: an openssl extension file
ext() { printf '%s\n' "$2" >"$X/$1.ext"; }
ext ee "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always"
ext enc "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always"
ext nods "basicConstraints=critical,CA:FALSE
keyUsage=critical,keyEncipherment
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always"
ext ca "basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always"

# issue KEYTYPE(ec|rsa) CADIR(pem+key prefix) OUT SUBJECT EXT
issue() {
	if [ "$1" = rsa ]; then
		openssl genrsa -out "$3.key" 2048 2>/dev/null
	else
		openssl ecparam -name prime256v1 -genkey -noout -out "$3.key" 2>/dev/null
	fi
	openssl req -new -key "$3.key" -subj "$4" -out "$3.csr" 2>/dev/null &&
	openssl x509 -req -in "$3.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial \
		-days 30 -extfile "$X/$5.ext" -out "$3.pem" 2>/dev/null ||
		{ echo "FAIL pki: cannot issue $3"; exit 1; }
}
# selfca OUT SUBJECT
selfca() {
	openssl ecparam -name prime256v1 -genkey -noout -out "$1.key" 2>/dev/null
	openssl req -new -x509 -key "$1.key" -subj "$2" -days 30 \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1.pem" 2>/dev/null ||
		{ echo "FAIL pki: cannot make $1"; exit 1; }
}

cp "$P/owner/ca.pem" "$X/ownerca.pem"; cp "$P/owner/ca.key" "$X/ownerca.key"
cp "$P/manufacturer/ca.pem" "$X/mfgca.pem"; cp "$P/manufacturer/ca.key" "$X/mfgca.key"
issue rsa "$X/ownerca" "$X/owner-rsa" "/O=SZTP Demo Owner/CN=SZTP Demo Owner RSA" ee
issue ec "$X/ownerca" "$X/owner-nods" "/O=SZTP Demo Owner/CN=SZTP Demo Owner no DS" nods
issue rsa "$X/mfgca" "$X/dev-rsa" "/O=SZTP Demo Manufacturer/CN=$SN/serialNumber=$SN" enc
selfca "$X/rogue-masa" "/O=Rogue MASA/CN=SZTP Demo MASA Root CA"
issue ec "$X/rogue-masa" "$X/rogue-signer" "/O=SZTP Demo MASA/CN=SZTP Demo Voucher Signer" ee
selfca "$X/owner2ca" "/O=SZTP Demo Owner/CN=SZTP Demo Owner CA"
issue ec "$X/owner2ca" "$X/owner2" "/O=SZTP Demo Owner/CN=SZTP Demo Owner" ee
# for the clock policy: certificates that expired in 2022, or are not yet
# valid, made with keys/lib-ca.sh (CA_START, CA_END)
. "$TOP/keys/lib-ca.sh"
ca_setup "$X/lib-ca"
ca_profile ee digitalSignature
cp "$P/masa/ca.pem" "$X/masaca.pem"; cp "$P/masa/ca.key" "$X/masaca.key"
CA_START=20210101000000Z CA_END=20220101000000Z
ca_leaf "$X/owner-old" "$X/ownerca" ec:prime256v1 "/O=SZTP Demo Owner/CN=SZTP Demo Owner Expired" 0 ee
ca_leaf "$X/masa-old" "$X/masaca" ec:prime256v1 "/O=SZTP Demo MASA/CN=SZTP Demo Voucher Signer Expired" 0 ee
# an owner CA that expired, pinned by a voucher; the owner certificate under it is current
ca_inter "$X/oldca" "$X/ownerca" ec:prime256v1 "/O=SZTP Demo Owner/CN=SZTP Demo Owner Expired CA" 0
CA_START=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ) CA_END=
ca_leaf "$X/owner-under-old" "$X/oldca" ec:prime256v1 "/O=SZTP Demo Owner/CN=SZTP Demo Owner Under Expired CA" 400 ee
CA_START=$(date -u -d '+30 days' +%Y%m%d%H%M%SZ)
ca_leaf "$X/owner-future" "$X/ownerca" ec:prime256v1 "/O=SZTP Demo Owner/CN=SZTP Demo Owner Future" 400 ee
unset CA_START CA_END
ca_done

# ------------------------------------------------------------------ helpers
# check NAME WANT_RC WANT_MSG [verify args...]
#   WANT_MSG: substring the single stderr line must contain ("" for rc 0:
#   stderr must be empty; non-empty for rc 0: a note on stderr). With WANT_OUT set, stdout must equal that file;
#   with EXACT=1 set, stderr must be exactly the line WANT_MSG.
check() {
	name=$1 want_rc=$2 want_msg=$3
	shift 3
	"$SZ" verify "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		bad "$name" "exit $rc, want $want_rc ($(head -c 300 "$T/err"))"
	elif [ "$want_rc" = 0 ] && [ -z "$want_msg" ] && [ -s "$T/err" ]; then
		bad "$name" "unexpected stderr: $(head -c 300 "$T/err")"
	elif [ "$want_rc" = 1 ] && [ "$(wc -l <"$T/err")" != 1 ]; then
		bad "$name" "stderr is not one line: $(head -c 300 "$T/err")"
	elif [ -n "$want_msg" ] && ! grep -qF -- "$want_msg" "$T/err"; then
		bad "$name" "message \"$(head -c 300 "$T/err")\" lacks \"$want_msg\""
	elif [ -n "${EXACT:-}" ] && [ "$(cat "$T/err")" != "$want_msg" ]; then
		bad "$name" "message \"$(head -c 300 "$T/err")\" is not exactly \"$want_msg\""
	elif [ -n "${WANT_OUT:-}" ] && ! cmp -s "$T/out" "$WANT_OUT"; then
		bad "$name" "stdout differs from $WANT_OUT"
	else
		ok "$name"
	fi
	WANT_OUT= EXACT=
}

# python3 one-liners that edit binary files
edit() { python3 -c "$1" "$2" "$3" || { echo "FAIL edit of $2"; exit 1; }; }

NONCE=AAECAwQFBgcICQoLDA0ODw==
NONCE2=AAECAwQFBgcICQoLDA0OEA==
A=$T/a
mkdir -p "$A"
cat >"$A/onb.json" <<'EOF'
{
  "ietf-sztp-conveyed-info:onboarding-information": {
    "boot-image": {
      "os-name": "Debian",
      "os-version": "12",
      "download-uri": ["https://192.0.2.1/debian.img"],
      "image-verification": [{
        "hash-algorithm": "ietf-sztp-conveyed-info:sha-256",
        "hash-value": "e3:b0:c4:42:98:fc:1c:14:9a:fb:f4:c8:99:6f:b9:24:27:ae:41:e4:64:9b:93:4c:a4:95:99:1b:78:52:b8:55"
      }]
    },
    "configuration-handling": "merge",
    "configuration": "aG9zdG5hbWUgZGVtbwo=",
    "post-configuration-script": "IyEvYmluL3NoCmVjaG8gZG9uZQo="
  }
}
EOF
cat >"$A/redir.json" <<'EOF'
{"ietf-sztp-conveyed-info:redirect-information":{"bootstrap-server":[{"address":"192.0.2.7","port":"8443","trust-anchor":"MAA="}]}}
EOF
cat >"$A/onb.xml" <<'EOF'
<onboarding-information xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info">
  <boot-image>
    <os-name>Debian</os-name>
    <os-version>12</os-version>
    <download-uri>https://192.0.2.1/debian.img</download-uri>
    <image-verification>
      <hash-algorithm>ietf-sztp-conveyed-info:sha-256</hash-algorithm>
      <hash-value>e3:b0:c4:42:98:fc:1c:14:9a:fb:f4:c8:99:6f:b9:24:27:ae:41:e4:64:9b:93:4c:a4:95:99:1b:78:52:b8:55</hash-value>
    </image-verification>
  </boot-image>
  <configuration-handling>merge</configuration-handling>
  <configuration>aG9zdG5hbWUgZGVtbwo=</configuration>
  <post-configuration-script>IyEvYmluL3NoCmVjaG8gZG9uZQo=</post-configuration-script>
</onboarding-information>
EOF
cat >"$A/redir.xml" <<'EOF'
<redirect-information xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info">
  <bootstrap-server><address>192.0.2.7</address><port>8443</port><trust-anchor>MAA=</trust-anchor></bootstrap-server>
</redirect-information>
EOF

mk() { "$@" || { echo "FAIL artifacts: $*"; exit 1; }; }
mk mkart voucher --pki "$P" --nonce "$NONCE" >"$A/ov.cms"
mk mkart voucher --pki "$P" --nonce "$NONCE" --id-data >"$A/ov-data.cms"
mk mkart voucher --pki "$P" --expires "$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%S.5+00:00)" >"$A/ov-exp.cms"
mk mkart voucher --pki "$P" --created 2020-01-01T00:00:00Z --expires 2020-06-01T00:00:00Z >"$A/ov-expired.cms"
mk mkart voucher --pki "$P" >"$A/ov-indef.cms"
mk mkart voucher --pki "$P" --created "$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)" >"$A/ov-future.cms"
mk mkart voucher --pki "$P" --pinned "$X/oldca.pem" >"$A/ov-pin-old.cms"
mk mkart voucher --pki "$P" --signer-cert "$X/masa-old.pem" --signer-key "$X/masa-old.key" >"$A/ov-signer-old.cms"
mk mkart voucher --pki "$P" --nonce "$NONCE" --pinned "$P/owner/owner.pem" >"$A/ov-pin-leaf.cms"
mk mkart voucher --pki "$P" --nonce "$NONCE" --pinned "$X/owner2ca.pem" >"$A/ov-pin-other.cms"
mk mkart voucher --pki "$P" --nonce "$NONCE" --signer-cert "$X/rogue-signer.pem" --signer-key "$X/rogue-signer.key" >"$A/ov-rogue.cms"
mk mkart voucher --pki "$P" --nonce "$NONCE" --revocation-checks true >"$A/ov-revo.cms"
mk mkart voucher --pki "$P" --nonce "$NONCE" --assertion invented >"$A/ov-assert.cms"
mk mkart voucher --pki "$P" --nonce "$NONCE" --expires 2099-01-01T00:00:00Z >"$A/ov-both.cms"
AKI=$(openssl x509 -in "$P/device/idevid.pem" -noout -ext authorityKeyIdentifier 2>/dev/null |
	sed -n 's/^ *\(keyid:\)\{0,1\}\([0-9A-Fa-f:]\{20,\}\).*/\2/p' | tr -d ':\n' | xxd -r -p | openssl base64 -A)
mk mkart voucher --pki "$P" --nonce "$NONCE" --idevid-issuer "$AKI" >"$A/ov-iss.cms"
mk mkart voucher --pki "$P" --nonce "$NONCE" --idevid-issuer "AAAAAAAAAAAAAAAAAAAAAAAAAAA=" >"$A/ov-iss-bad.cms"

mk mkart owner-cert --pki "$P" >"$A/oc.cms"
mk mkart owner-cert --pki "$P" --with-ca >"$A/oc-ca.cms"
mk mkart owner-cert --pki "$P" --signed >"$A/oc-signed.cms"
mk mkart owner-cert --pki "$P" --cert "$X/owner-rsa.pem" --key "$X/owner-rsa.key" >"$A/oc-rsa.cms"
mk mkart owner-cert --pki "$P" --cert "$X/owner-nods.pem" >"$A/oc-nods.cms"
mk mkart owner-cert --pki "$P" --cert "$X/owner2.pem" >"$A/oc-owner2.cms"
mk mkart owner-cert --pki "$P" --cert "$X/owner-old.pem" >"$A/oc-old.cms"
mk mkart owner-cert --pki "$P" --cert "$X/owner-future.pem" >"$A/oc-future.cms"
mk mkart owner-cert --pki "$P" --cert "$X/owner-under-old.pem" >"$A/oc-under-old.cms"

mk mkart conveyed --pki "$P" --json "$A/onb.json" >"$A/ci.cms"
mk mkart conveyed --pki "$P" --json "$A/onb.json" --econtent-type data >"$A/ci-data.cms"
mk mkart conveyed --pki "$P" --json "$A/onb.json" --nocerts >"$A/ci-nocerts.cms"
mk mkart conveyed --pki "$P" --json "$A/onb.json" --signer-cert "$X/owner-rsa.pem" --signer-key "$X/owner-rsa.key" >"$A/ci-rsa.cms"
mk mkart conveyed --pki "$P" --json "$A/onb.json" --signer-cert "$X/owner-nods.pem" --signer-key "$X/owner-nods.key" >"$A/ci-nods.cms"
mk mkart conveyed --pki "$P" --json "$A/onb.json" --signer-cert "$X/owner2.pem" --signer-key "$X/owner2.key" >"$A/ci-owner2.cms"
mk mkart conveyed --pki "$P" --json "$A/onb.json" --unsigned >"$A/ci-unsigned.cms"
for o in old future under-old; do
	mk mkart conveyed --pki "$P" --json "$A/onb.json" --signer-cert "$X/owner-$o.pem" \
		--signer-key "$X/owner-$o.key" >"$A/ci-$o.cms"
done
mk mkart conveyed --pki "$P" --json "$A/redir.json" --unsigned >"$A/ci-redir.cms"
mk mkart conveyed --pki "$P" --json "$A/onb.xml" --unsigned --econtent-type xml >"$A/ci-xml.cms"
mk mkart conveyed --pki "$P" --json "$A/onb.xml" --econtent-type data >"$A/ci-xmldata.cms"
mk mkart conveyed --pki "$P" --json "$A/onb.xml" --econtent-type xml >"$A/ci-xmlsigned.cms"
mk mkart conveyed --pki "$P" --json "$A/redir.xml" --unsigned --econtent-type xml >"$A/ci-xmlredir.cms"
mk mkart conveyed --pki "$P" --json "$A/onb.json" --econtent-type xml >"$A/ci-json-as-xml.cms"
mk mkart conveyed --pki "$P" --json "$A/onb.xml" >"$A/ci-xml-as-json.cms"
mk mkart conveyed --pki "$P" --json "$A/onb.json" --encrypt-to "$P/device/idevid.pem" >"$A/ci-enc-ec.cms"
mk mkart conveyed --pki "$P" --json "$A/onb.json" --encrypt-to "$X/dev-rsa.pem" >"$A/ci-enc-rsa.cms"
mk mkart conveyed --pki "$P" --json "$A/onb.json" --unsigned --encrypt-to "$P/device/idevid.pem" >"$A/ci-enc-unsigned.cms"

# resp NAME CI [OC OV] [extra response options]: $A/NAME.json
resp() {
	n=$1 ci=$2
	shift 2
	if [ $# -ge 2 ] && [ "${1#--}" = "$1" ]; then
		oc=$1 ov=$2
		shift 2
		mk mkart response --ci "$ci" --oc "$oc" --ov "$ov" "$@" >"$A/$n.json"
	else
		mk mkart response --ci "$ci" "$@" >"$A/$n.json"
	fi
}

MASA="--voucher-ta $P/masa/ca.pem"
DEV="--serial $SN $MASA --nonce $NONCE"

# ------------------------------------------------------------------ positive
resp ec "$A/ci.cms" "$A/oc.cms" "$A/ov.cms"
WANT_OUT=$A/onb.json check signed-ec-nonce 0 "" $DEV "$A/ec.json"
WANT_OUT=$A/onb.json check signed-from-stdin 0 "" $DEV - <"$A/ec.json"
WANT_OUT=$A/onb.json check signed-voucher-anchor-der 0 "" --serial "$SN" --nonce "$NONCE" \
	--voucher-ta "$P/anchors/voucher/masa-ca.pem" "$A/ec.json"
openssl x509 -in "$P/masa/ca.pem" -outform DER -out "$T/masa.der"
WANT_OUT=$A/onb.json check signed-voucher-anchor-der-file 0 "" --serial "$SN" --nonce "$NONCE" \
	--voucher-ta "$X/rogue-masa.pem" --voucher-ta "$T/masa.der" "$A/ec.json"
resp rsa "$A/ci-rsa.cms" "$A/oc-rsa.cms" "$A/ov.cms"
WANT_OUT=$A/onb.json check signed-rsa-owner 0 "" $DEV "$A/rsa.json"
resp data "$A/ci-data.cms" "$A/oc.cms" "$A/ov-data.cms"
WANT_OUT=$A/onb.json check signed-id-data 0 "" $DEV "$A/data.json"
resp nocerts "$A/ci-nocerts.cms" "$A/oc.cms" "$A/ov.cms"
WANT_OUT=$A/onb.json check signed-ci-without-certs 0 "" $DEV "$A/nocerts.json"
resp ocsigned "$A/ci.cms" "$A/oc-signed.cms" "$A/ov.cms"
WANT_OUT=$A/onb.json check owner-cert-non-degenerate 0 "" $DEV "$A/ocsigned.json"
resp occa "$A/ci.cms" "$A/oc-ca.cms" "$A/ov.cms"
WANT_OUT=$A/onb.json check owner-cert-with-pinned-ca 0 "" $DEV "$A/occa.json"
resp pinleaf "$A/ci.cms" "$A/oc.cms" "$A/ov-pin-leaf.cms"
WANT_OUT=$A/onb.json check owner-cert-is-pinned 0 "" $DEV "$A/pinleaf.json"
resp exp "$A/ci.cms" "$A/oc.cms" "$A/ov-exp.cms"
WANT_OUT=$A/onb.json check voucher-expires-on 0 "" --serial "$SN" $MASA "$A/exp.json"
WANT_OUT=$A/onb.json check voucher-expires-on-nonce-sent 0 "" $DEV "$A/exp.json"
resp indef "$A/ci.cms" "$A/oc.cms" "$A/ov-indef.cms"
WANT_OUT=$A/onb.json check voucher-indefinite-no-nonce-sent 0 "" --serial "$SN" $MASA "$A/indef.json"
resp wrapped "$A/ci.cms" "$A/oc.cms" "$A/ov.cms" --wrap 64 --extra --reporting-level verbose
WANT_OUT=$A/onb.json check base64-wrapped-unknown-members 0 "" $DEV "$A/wrapped.json"
resp unsigned "$A/ci-unsigned.cms"
WANT_OUT=$A/onb.json check unsigned-onboarding-trusted 0 "" --trusted "$A/unsigned.json"
resp redirresp "$A/ci-redir.cms"
WANT_OUT=$A/redir.json check unsigned-redirect-untrusted 0 "its trust anchors are discarded" "$A/redirresp.json"
WANT_OUT=$A/redir.json check unsigned-redirect-trusted 0 "" --trusted "$A/redirresp.json"
resp encec "$A/ci-enc-ec.cms" "$A/oc.cms" "$A/ov.cms"
WANT_OUT=$A/onb.json check encrypted-signed-ec-device 0 "" $DEV --key "$P/device/idevid.key" "$A/encec.json"
resp encrsa "$A/ci-enc-rsa.cms" "$A/oc.cms" "$A/ov.cms"
WANT_OUT=$A/onb.json check encrypted-signed-rsa-device 0 "" $DEV --key "$X/dev-rsa.key" "$A/encrsa.json"
resp encun "$A/ci-enc-unsigned.cms"
WANT_OUT=$A/onb.json check encrypted-unsigned-trusted 0 "" --trusted --key "$P/device/idevid.key" "$A/encun.json"
resp iss "$A/ci-enc-ec.cms" "$A/oc.cms" "$A/ov-iss.cms"
if [ -n "$AKI" ]; then
	WANT_OUT=$A/onb.json check voucher-idevid-issuer 0 "" $DEV --key "$P/device/idevid.key" "$A/iss.json"
else
	bad voucher-idevid-issuer "could not extract the IDevID AKI with openssl"
fi
cat "$P/device/idevid.key" "$P/device/idevid.pem" >"$T/key-and-cert.pem"
WANT_OUT=$A/onb.json check key-file-with-certificate 0 "" $DEV --key "$T/key-and-cert.pem" "$A/encec.json"
T_LATER=$(date -u -d '+2 days' +%Y-%m-%dT%H:%M:%SZ)
WANT_OUT=$A/onb.json check time-option 0 "" $DEV --time "$T_LATER" "$A/ec.json"

# ------------------------------------------------------------------ XML (issue 16)
# conveyed information in XML: .42, and id-data whose document is XML
resp xml "$A/ci-xml.cms"
WANT_OUT=$A/onb.xml check conveyed-xml-unsigned-trusted 0 "" --trusted "$A/xml.json"
check conveyed-xml-unsigned-untrusted 1 "conveyed-information: unsigned onboarding information from an untrusted source" "$A/xml.json"
resp xmlsigned "$A/ci-xmlsigned.cms" "$A/oc.cms" "$A/ov.cms"
WANT_OUT=$A/onb.xml check conveyed-xml-signed 0 "" $DEV "$A/xmlsigned.json"
resp xmldata "$A/ci-xmldata.cms" "$A/oc.cms" "$A/ov.cms"
WANT_OUT=$A/onb.xml check conveyed-xml-signed-id-data 0 "" $DEV "$A/xmldata.json"
resp xmlredir "$A/ci-xmlredir.cms"
WANT_OUT=$A/redir.xml check conveyed-xml-redirect-untrusted 0 "its trust anchors are discarded" "$A/xmlredir.json"
# the output in XML, in the RFC's namespace: the same verdicts as JSON
mk mkart response --ci "$A/ci.cms" --oc "$A/oc.cms" --ov "$A/ov.cms" --xml >"$A/ec.xml"
WANT_OUT=$A/onb.json check response-xml-signed 0 "" $DEV "$A/ec.xml"
mk mkart response --ci "$A/ci-xmlsigned.cms" --oc "$A/oc.cms" --ov "$A/ov.cms" --xml --extra >"$A/xmlxml.xml"
WANT_OUT=$A/onb.xml check response-xml-conveyed-xml-unknown-element 0 "" $DEV "$A/xmlxml.xml"
check response-xml-wrong-serial 1 "voucher: serial-number \"$SN\" does not match device \"SZTP-OTHER-0002\"" \
	--serial SZTP-OTHER-0002 $MASA --nonce "$NONCE" "$A/ec.xml"
mk mkart response --ci "$A/ci-unsigned.cms" --xml >"$A/unsigned.xml"
check response-xml-unsigned-untrusted 1 "conveyed-information: unsigned onboarding information from an untrusted source" "$A/unsigned.xml"
WANT_OUT=$A/onb.json check response-xml-unsigned-trusted 0 "" --trusted "$A/unsigned.xml"

# A vendor's recipe for static-file servers (issue 16): the namespace in
# another letter case, reporting-level first, base64 wrapped at 76, content
# signed without -binary (CRLF line ends), created-on with fractional
# seconds, id-data eContentTypes, an owner-certificate CMS holding only the
# owner certificate, a stored voucher (expires-on, no nonce).
RECIPE_NS=urn:ietf:params:xml:ns:yang:ietf-SZTP-bootstrap-server
frac() { date -u -d "$1" +%Y-%m-%dT%H:%M:%S.%6NZ; }
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); open(sys.argv[2],"w").write(json.dumps(d, indent=4)+"\n")' \
	"$A/onb.json" "$A/onb4.json"
python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); open(sys.argv[2],"wb").write(d.replace(b"\n", b"\r\n"))' \
	"$A/onb4.json" "$A/onb4-crlf.json"
mk mkart voucher --pki "$P" --id-data --text --created "$(frac '-1 hour')" --expires "$(frac '+1 day')" \
	--last-renewal "$(frac '+1 day')" >"$A/ov-recipe.cms"
mk mkart conveyed --pki "$P" --json "$A/onb4.json" --econtent-type data --text >"$A/ci-recipe.cms"
mk mkart response --ci "$A/ci-recipe.cms" --oc "$A/oc.cms" --ov "$A/ov-recipe.cms" --reporting-level verbose \
	--wrap 76 --xml --xml-ns "$RECIPE_NS" >"$A/recipe.xml"
WANT_OUT=$A/onb4-crlf.json check response-xml-vendor-recipe 0 "XML namespace differs from the RFC's in letter case" \
	--serial "$SN" $MASA "$A/recipe.xml"
WANT_OUT=$A/onb4-crlf.json check response-xml-vendor-recipe-nonce-sent 0 "in letter case" $DEV "$A/recipe.xml"
if grep -q "$RECIPE_NS" "$A/recipe.xml" && [ "$(sed -n 3p "$A/recipe.xml")" = "<reporting-level>verbose</reporting-level>" ] &&
   [ "$(sed -n 5p "$A/recipe.xml" | tr -d '\n' | wc -c)" = 76 ] &&
   openssl cms -verify -noverify -inform DER -in "$A/ci-recipe.cms" 2>/dev/null | grep -q "$(printf '\r')"; then
	ok vendor-recipe-shape
else
	bad vendor-recipe-shape "the recipe's response is not shaped as expected: $(head -c 200 "$A/recipe.xml")"
fi

# XML the reader refuses, each with its reason
xmlbad() {
	name=$1 want=$2 body=$3
	printf '%s' "$body" >"$A/$name.xml"
	check "$name" 1 "$want" --trusted "$A/$name.xml"
}
B64CI=$(openssl base64 -A -in "$A/ci-unsigned.cms")
OUTNS=urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server
xmlbad response-xml-doctype "response: line 1: DOCTYPE output refused (no DTD processing, no entities)" \
	"<!DOCTYPE output SYSTEM \"file:///etc/passwd\"><output xmlns=\"$OUTNS\"><conveyed-information>$B64CI</conveyed-information></output>"
xmlbad response-xml-entity-bomb "response: line 2: DOCTYPE lolz refused (no DTD processing, no entities)" \
	"<?xml version=\"1.0\"?>
<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>
<output xmlns=\"$OUTNS\"><conveyed-information>$B64CI</conveyed-information><x>&lol3;</x></output>"
xmlbad response-xml-undeclared-entity "response: line 1, column" \
	"<output xmlns=\"$OUTNS\"><conveyed-information>&ci;</conveyed-information></output>"
deep=$(python3 -c 'print("<a>" * 40 + "</a>" * 40)')
xmlbad response-xml-deep-nesting "response: line 1: elements nested deeper than 32 levels" \
	"<output xmlns=\"$OUTNS\"><conveyed-information>$B64CI</conveyed-information>$deep</output>"
xmlbad response-xml-wrong-namespace "response: the XML root element is <output> in namespace \"urn:example:other\"" \
	"<output xmlns=\"urn:example:other\"><conveyed-information>$B64CI</conveyed-information></output>"
xmlbad response-xml-not-well-formed "response: line 1, column" \
	"<output xmlns=\"$OUTNS\"><conveyed-information>$B64CI</conveyed-information>"
xmlbad response-xml-latin1 "response: line 1: encoding \"ISO-8859-1\" refused (UTF-8 only)" \
	"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><output xmlns=\"$OUTNS\"/>"

# ------------------------------------------------------------------ negative: one change each
python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
i = d.index(b"\"merge\"")
open(sys.argv[2], "wb").write(d[:i] + b"\"mergf\"" + d[i + 7:])' "$A/ci.cms" "$A/ci-tampered.cms"
resp tampered "$A/ci-tampered.cms" "$A/oc.cms" "$A/ov.cms"
check tampered-content 1 "conveyed-information: signature by the owner certificate: cms: messageDigest does not match" $DEV "$A/tampered.json"
mk mkart response --ci "$A/ci-tampered.cms" --oc "$A/oc.cms" --ov "$A/ov.cms" --xml >"$A/tampered.xml"
check tampered-content-xml-output 1 "conveyed-information: signature by the owner certificate: cms: messageDigest does not match" $DEV "$A/tampered.xml"
python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
i = d.index(b">merge<")
open(sys.argv[2], "wb").write(d[:i] + b">mergf<" + d[i + 7:])' "$A/ci-xmlsigned.cms" "$A/ci-xml-tampered.cms"
resp xmltampered "$A/ci-xml-tampered.cms" "$A/oc.cms" "$A/ov.cms"
check tampered-content-xml-document 1 "conveyed-information: signature by the owner certificate: cms: messageDigest does not match" $DEV "$A/xmltampered.json"

python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[-1] ^= 0x01
open(sys.argv[2], "wb").write(d)' "$A/ci.cms" "$A/ci-badsig.cms"
resp badsig "$A/ci-badsig.cms" "$A/oc.cms" "$A/ov.cms"
check tampered-signature 1 "conveyed-information: signature by the owner certificate: cms: SignerInfo: ECDSA signature does not verify" $DEV "$A/badsig.json"

python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[-1] ^= 0x01
open(sys.argv[2], "wb").write(d)' "$A/ov.cms" "$A/ov-badsig.cms"
resp ovbadsig "$A/ci.cms" "$A/oc.cms" "$A/ov-badsig.cms"
check tampered-voucher-signature 1 "ownership-voucher: cms: SignerInfo: ECDSA signature does not verify" $DEV "$A/ovbadsig.json"

python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
i = d.index(b"\"verified\"")
open(sys.argv[2], "wb").write(d[:i] + b"\"logged\"  " + d[i + 10:])' "$A/ov.cms" "$A/ov-tampered.cms"
resp ovtampered "$A/ci.cms" "$A/oc.cms" "$A/ov-tampered.cms"
check tampered-voucher-content 1 "ownership-voucher: cms: messageDigest does not match" $DEV "$A/ovtampered.json"

check wrong-serial 1 "voucher: serial-number \"$SN\" does not match device \"SZTP-OTHER-0002\"" \
	--serial SZTP-OTHER-0002 $MASA --nonce "$NONCE" "$A/ec.json"
check serial-missing 1 "ownership-voucher: the device serial number is needed" $MASA --nonce "$NONCE" "$A/ec.json"

resp rogue "$A/ci.cms" "$A/oc.cms" "$A/ov-rogue.cms"
check voucher-untrusted-manufacturer 1 "ownership-voucher: signer not trusted: x509:" $DEV "$A/rogue.json"
check voucher-no-anchor-given 1 "ownership-voucher: no voucher trust anchors configured" --serial "$SN" --nonce "$NONCE" "$A/ec.json"
check voucher-wrong-anchor 1 "ownership-voucher: signer not trusted" --serial "$SN" --nonce "$NONCE" --voucher-ta "$X/rogue-masa.pem" "$A/ec.json"

resp expired "$A/ci.cms" "$A/oc.cms" "$A/ov-expired.cms"
check voucher-expired 1 "voucher: expired (expires-on 2020-06-01T00:00:00Z" --serial "$SN" $MASA "$A/expired.json"
T_AFTER=$(date -u -d '+3 days' +%Y-%m-%dT%H:%M:%SZ)
check voucher-expired-by-time-option 1 "voucher: expired (expires-on" --serial "$SN" $MASA --time "$T_AFTER" "$A/exp.json"
T_BEFORE=$(date -u -d '-2 hours' +%Y-%m-%dT%H:%M:%SZ)
check voucher-created-in-future 1 "is in the future" $DEV --time "$T_BEFORE" "$A/ec.json"
check nonce-mismatch 1 "voucher: nonce does not match the nonce sent" --serial "$SN" $MASA --nonce "$NONCE2" "$A/ec.json"
check nonce-not-sent 1 "voucher: carries a nonce but no nonce was sent" --serial "$SN" $MASA "$A/ec.json"
resp both "$A/ci.cms" "$A/oc.cms" "$A/ov-both.cms"
check voucher-nonce-and-expires 1 "voucher: nonce and expires-on are both present" $DEV "$A/both.json"
resp revo "$A/ci.cms" "$A/oc.cms" "$A/ov-revo.cms"
check voucher-revocation-required 1 "voucher: revocation checks required but no revocation status available" $DEV "$A/revo.json"
resp assert "$A/ci.cms" "$A/oc.cms" "$A/ov-assert.cms"
check voucher-assertion 1 "voucher: assertion \"invented\" is not acceptable" $DEV "$A/assert.json"
resp issbad "$A/ci-enc-ec.cms" "$A/oc.cms" "$A/ov-iss-bad.cms"
check voucher-idevid-issuer-mismatch 1 "voucher: idevid-issuer does not match" $DEV --key "$P/device/idevid.key" "$A/issbad.json"

resp pinother "$A/ci.cms" "$A/oc.cms" "$A/ov-pin-other.cms"
check owner-not-chaining-to-pinned 1 "owner-certificate: not valid under the voucher's pinned-domain-cert: x509: no issuer found" $DEV "$A/pinother.json"
resp owner2 "$A/ci-owner2.cms" "$A/oc-owner2.cms" "$A/ov.cms"
check owner-same-names-other-key 1 "owner-certificate: not valid under the voucher's pinned-domain-cert: x509: no issuer found" $DEV "$A/owner2.json"
resp nods "$A/ci-nods.cms" "$A/oc-nods.cms" "$A/ov.cms"
check owner-without-digital-signature 1 "owner-certificate: not valid under the voucher's pinned-domain-cert: x509: certificate keyUsage lacks digitalSignature" $DEV "$A/nods.json"
resp otherkey "$A/ci-owner2.cms" "$A/oc.cms" "$A/ov.cms"
check ci-signed-by-other-key 1 "conveyed-information: not signed by a certificate of the owner-certificate CMS" $DEV "$A/otherkey.json"
resp rsamix "$A/ci-rsa.cms" "$A/oc.cms" "$A/ov.cms"
check ci-signed-by-other-owner-cert 1 "conveyed-information: not signed by a certificate of the owner-certificate CMS" $DEV "$A/rsamix.json"

check unsigned-onboarding-untrusted 1 "conveyed-information: unsigned onboarding information from an untrusted source" "$A/unsigned.json"
check encrypted-unsigned-untrusted 1 "conveyed-information: unsigned onboarding information from an untrusted source" --key "$P/device/idevid.key" "$A/encun.json"
resp unsigned-oc "$A/ci-unsigned.cms" "$A/oc.cms" "$A/ov.cms"
check unsigned-with-voucher 1 "conveyed-information: not signed, although owner-certificate and ownership-voucher were given" $DEV --trusted "$A/unsigned-oc.json"
resp signed-alone "$A/ci.cms"
check signed-without-voucher 1 "conveyed-information: signed, but no owner-certificate and ownership-voucher" --trusted "$A/signed-alone.json"
check encrypted-without-key 1 "conveyed-information: encrypted, but no device private key is available" $DEV "$A/encec.json"
check encrypted-wrong-key 1 "conveyed-information: cannot decrypt" $DEV --key "$X/dev-rsa.key" "$A/encec.json"
resp jsonasxml "$A/ci-json-as-xml.cms" "$A/oc.cms" "$A/ov.cms"
check conveyed-xml-type-json-document 1 "conveyed-information: eContentType id-ct-sztpConveyedInfoXML, but the document is not XML" $DEV "$A/jsonasxml.json"
resp xmlasjson "$A/ci-xml-as-json.cms" "$A/oc.cms" "$A/ov.cms"
check conveyed-json-type-xml-document 1 "conveyed-information: eContentType id-ct-sztpConveyedInfoJSON, but the document is XML" $DEV "$A/xmlasjson.json"

# ------------------------------------------------------------------ clock and freshness
# (trust/clock.h, RFC 8572 section 9.1): one policy for every source. The
# bound is the agent's build time, the TPM floor (--floor) and a trusted RTC
# (--time, default this host's clock); --clock floor ignores the RTC.
T_PLUS2=$(date -u -d '+2 days' +%Y-%m-%dT%H:%M:%SZ)
T_MINUS2=$(date -u -d '-2 days' +%Y-%m-%dT%H:%M:%SZ)
U_PLUS2=$(date -u -d '+2 days' +%s)
# expires-on against the bound, whatever the RTC says
check expires-on-before-floor 1 "voucher: expired (expires-on" --serial "$SN" $MASA --clock floor --floor "$T_PLUS2" "$A/exp.json"
check expires-on-before-floor-unix-time 1 "(TPM floor))" --serial "$SN" $MASA --clock floor --floor "$U_PLUS2" "$A/exp.json"
WANT_OUT=$A/onb.json check expires-on-after-floor 0 "" --serial "$SN" $MASA --clock floor --floor "$T_MINUS2" "$A/exp.json"
check expired-voucher-untrusted-rtc 1 "voucher: expired (expires-on 2020-06-01T00:00:00Z, before the bound" --serial "$SN" $MASA --clock floor "$A/expired.json"
check expired-voucher-rtc-reset-to-2000 1 "voucher: expired (expires-on 2020-06-01T00:00:00Z, before the bound" --serial "$SN" $MASA --clock auto --time 2000-01-01T00:00:00Z "$A/expired.json"
# neither nonce nor expires-on (a long-lived voucher, RFC 8366): accepted ...
WANT_OUT=$A/onb.json check long-lived-voucher-untrusted-rtc 0 "" --serial "$SN" $MASA --clock floor "$A/indef.json"
# ... unless nonce vouchers are required (media and DNS cannot be sent a nonce)
check long-lived-voucher-nonce-required 1 "voucher: has no nonce, and sztp.voucher=nonce-required (this source cannot be sent a nonce)" --serial "$SN" $MASA --nonce-required "$A/indef.json"
# a voucher without a nonce answering a request that carried one (a server
# serving stored vouchers): accepted, unless nonce vouchers are required
WANT_OUT=$A/onb.json check nonce-sent-long-lived-voucher 0 "" $DEV "$A/indef.json"
WANT_OUT=$A/onb.json check nonce-sent-expires-on-untrusted-rtc 0 "" $DEV --clock floor "$A/exp.json"
check nonce-sent-long-lived-nonce-required 1 "voucher: has no nonce, and sztp.voucher=nonce-required (the server did not echo the nonce sent)" $DEV --nonce-required "$A/indef.json"
check nonce-sent-expires-on-nonce-required 1 "sztp.voucher=nonce-required" $DEV --nonce-required "$A/exp.json"
WANT_OUT=$A/onb.json check nonce-voucher-nonce-required 0 "" $DEV --nonce-required "$A/ec.json"
# created-on in the future: refused only against a trusted RTC
resp future "$A/ci.cms" "$A/oc.cms" "$A/ov-future.cms"
check created-on-future-rtc 1 "is in the future (RTC " --serial "$SN" $MASA --clock rtc "$A/future.json"
check created-on-future-auto 1 "is in the future (RTC " --serial "$SN" $MASA "$A/future.json"
WANT_OUT=$A/onb.json check created-on-future-untrusted-rtc 0 "" --serial "$SN" $MASA --clock floor "$A/future.json"
# certificates: nothing known to have expired, on every path ...
resp ocold "$A/ci-old.cms" "$A/oc-old.cms" "$A/ov.cms"
check owner-cert-expired 1 "owner-certificate: not valid under the voucher's pinned-domain-cert: x509: certificate 0 (O=SZTP Demo Owner, CN=SZTP Demo Owner Expired) has expired (notAfter 2022-01-01T00:00:00Z" $DEV "$A/ocold.json"
check owner-cert-expired-untrusted-rtc 1 "has expired (notAfter 2022-01-01T00:00:00Z, before the bound" $DEV --clock floor "$A/ocold.json"
resp pinold "$A/ci-under-old.cms" "$A/oc-under-old.cms" "$A/ov-pin-old.cms"
check pinned-domain-cert-expired 1 "x509: the trust anchor (O=SZTP Demo Owner, CN=SZTP Demo Owner Expired CA) has expired" --serial "$SN" $MASA --clock floor "$A/pinold.json"
resp signold "$A/ci.cms" "$A/oc.cms" "$A/ov-signer-old.cms"
check voucher-signer-expired 1 "ownership-voucher: signer not trusted: x509: certificate 0 (O=SZTP Demo MASA, CN=SZTP Demo Voucher Signer Expired) has expired" --serial "$SN" $MASA --clock floor "$A/signold.json"
# ... notBefore only against a trusted RTC
resp ocfut "$A/ci-future.cms" "$A/oc-future.cms" "$A/ov.cms"
check owner-cert-not-yet-valid-rtc 1 "x509: certificate 0 (O=SZTP Demo Owner, CN=SZTP Demo Owner Future) is not yet valid (notBefore" $DEV "$A/ocfut.json"
WANT_OUT=$A/onb.json check owner-cert-not-yet-valid-untrusted-rtc 0 "" $DEV --clock floor "$A/ocfut.json"

# eContentType: each artifact signed by the right key, but typed as the other
mk mkart conveyed --pki "$P" --json "$A/onb.json" --econtent-type voucher >"$A/ci-ect-voucher.cms"
resp ectci "$A/ci-ect-voucher.cms" "$A/oc.cms" "$A/ov.cms"
EXACT=1 check conveyed-econtent-type-voucher 1 "conveyed-information: eContentType id-ct-animaJSONVoucher is not id-ct-sztpConveyedInfoJSON, id-ct-sztpConveyedInfoXML or id-data" $DEV "$A/ectci.json"
mk mkart voucher --pki "$P" --nonce "$NONCE" --econtent-type json >"$A/ov-ect-ci.cms"
resp ectov "$A/ci.cms" "$A/oc.cms" "$A/ov-ect-ci.cms"
EXACT=1 check voucher-econtent-type-conveyed 1 "ownership-voucher: eContentType id-ct-sztpConveyedInfoJSON is not id-ct-animaJSONVoucher or id-data" $DEV "$A/ectov.json"
# eContentType rewritten after signing: signed as .42 (XML), then the first
# occurrence of that OID (the eContentType; the signed contentType attribute
# comes later) patched to .43 (JSON). Signature and messageDigest still hold.
mk mkart conveyed --pki "$P" --json "$A/onb.json" --econtent-type xml >"$A/ci-ect-xml.cms"
python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
xml = bytes.fromhex("060b2a864886f70d010910012a")
i = d.index(xml)
open(sys.argv[2], "wb").write(d[:i] + bytes.fromhex("060b2a864886f70d010910012b") + d[i + len(xml):])' "$A/ci-ect-xml.cms" "$A/ci-ct-mismatch.cms"
resp ctmismatch "$A/ci-ct-mismatch.cms" "$A/oc.cms" "$A/ov.cms"
EXACT=1 check content-type-attribute-mismatch 1 "conveyed-information: signature by the owner certificate: cms: contentType attribute does not match eContentType" $DEV "$A/ctmismatch.json"

# DER damage
head -c $(($(wc -c <"$A/ov.cms") - 10)) "$A/ov.cms" >"$A/ov-trunc.cms"
resp trunc "$A/ci.cms" "$A/oc.cms" "$A/ov-trunc.cms"
check truncated-der 1 "ownership-voucher: cms: ContentInfo: der: length" $DEV "$A/trunc.json"
cp "$A/ci.cms" "$A/ci-trail.cms"; printf '\0\0\0\0' >>"$A/ci-trail.cms"
resp trail "$A/ci-trail.cms" "$A/oc.cms" "$A/ov.cms"
check trailing-garbage-der 1 "conveyed-information: cms: der: 4 bytes of trailing data" $DEV "$A/trail.json"
# indefinite length: re-encode the outer SEQUENCE as 30 80 ... 00 00
python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
assert d[0] == 0x30 and d[1] & 0x80
n = d[1] & 0x7f
open(sys.argv[2], "wb").write(b"\x30\x80" + d[2 + n:] + b"\x00\x00")' "$A/ov.cms" "$A/ov-indef-len.cms"
resp indeflen "$A/ci.cms" "$A/oc.cms" "$A/ov-indef-len.cms"
check indefinite-length 1 "ownership-voucher: cms: ContentInfo: der: indefinite length" $DEV "$A/indeflen.json"
python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
n = d[1] & 0x7f
open(sys.argv[2], "wb").write(b"\x30\x80" + d[2 + n:] + b"\x00\x00")' "$A/ci-unsigned.cms" "$A/ci-indef-len.cms"
resp indeflen2 "$A/ci-indef-len.cms"
check indefinite-length-unsigned 1 "conveyed-information: cms: ContentInfo: der: indefinite length" --trusted "$A/indeflen2.json"

# response-level problems
printf '{"ietf-sztp-bootstrap-server:output":{"owner-certificate":"MAA=","ownership-voucher":"MAA="}}' >"$A/noci.json"
check response-missing-ci 1 "response: missing mandatory \"conveyed-information\"" --trusted "$A/noci.json"
resp oconly "$A/ci.cms" --reporting-level minimal
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d["ietf-sztp-bootstrap-server:output"]["owner-certificate"] = "MAA="
open(sys.argv[2], "w").write(json.dumps(d))' "$A/oconly.json" "$A/oconly2.json"
check response-oc-without-ov 1 "response: owner-certificate and ownership-voucher must come together" $DEV "$A/oconly2.json"
printf '{"ietf-sztp-bootstrap-server:output":{"conveyed-information":42}}' >"$A/ci-num.json"
check response-ci-wrong-type 1 "response: \"conveyed-information\" must be a string, got number" --trusted "$A/ci-num.json"
printf '{"ietf-sztp-bootstrap-server:output":{"conveyed-information":"MAA*"}}' >"$A/ci-b64.json"
check response-bad-base64 1 "conveyed-information: base64:" --trusted "$A/ci-b64.json"
printf '{"output":{}}' >"$A/nooutput.json"
check response-unqualified 1 "response: missing mandatory \"ietf-sztp-bootstrap-server:output\"" --trusted "$A/nooutput.json"
resp badlevel "$A/ci-unsigned.cms" --reporting-level chatty
check response-reporting-level 1 "response: reporting-level must be" --trusted "$A/badlevel.json"
printf '%s trailing' "$(cat "$A/unsigned.json")" >"$A/trailjson.json"
check response-trailing-json 1 "response: trailing data" --trusted "$A/trailjson.json"

# ------------------------------------------------------------------ usage
check usage-no-args 2 "usage:"
check usage-unknown-option 2 "verify: unknown option or missing argument: --frobnicate" --frobnicate "$A/ec.json"
check usage-bad-time 2 "verify: --time: bad time \"yesterday\": want RFC 3339" --time yesterday "$A/ec.json"
check usage-bad-clock 2 "verify: --clock: \"sometimes\": want auto, rtc or floor" --clock sometimes "$A/ec.json"
check usage-bad-floor 2 "verify: --floor: bad time \"tomorrow\"" --floor tomorrow "$A/ec.json"
check usage-bad-nonce 2 "verify: --nonce: base64" --nonce '***' "$A/ec.json"
check usage-two-files 2 "usage:" "$A/ec.json" "$A/ec.json"
check missing-file 1 "verify: cannot open" --trusted "$T/does-not-exist.json"
cp "$P/device/idevid.key" "$T/lonely.key"
check key-without-certificate 1 "verify: --key $T/lonely.key: no device certificate in it nor in $T/lonely.pem" \
	$DEV --key "$T/lonely.key" "$A/encec.json"
head -c 1048577 /dev/zero | tr '\0' ' ' >"$T/huge.json"
check response-too-large 1 "verify: - is larger than 1048576 bytes" --trusted - <"$T/huge.json"

# ------------------------------------------------------------------ shared vectors
if [ -d "$VEC/sztpd-unsigned" ]; then
	for cms in "$VEC"/sztpd-unsigned/conveyed-*.cms; do
		b=$(basename "$cms" .cms)
		mk mkart response --ci "$cms" >"$A/vec-$b.json"
		WANT_OUT=${cms%.cms}.json check "vector-$b-trusted" 0 "" --trusted "$A/vec-$b.json"
		if grep -q redirect-information "${cms%.cms}.json"; then
			# unsigned redirect is acceptable untrusted (its trust anchors are dropped)
			WANT_OUT=${cms%.cms}.json check "vector-$b-untrusted-redirect" 0 "its trust anchors are discarded" "$A/vec-$b.json"
		else
			check "vector-$b-untrusted" 1 "unsigned onboarding information from an untrusted source" "$A/vec-$b.json"
		fi
	done
else
	bad vectors "no $VEC/sztpd-unsigned"
fi
if [ -f "$VEC/must-reject/corrupted-voucher.vcj" ]; then
	check vector-corrupted-voucher-as-response 1 "response: " --trusted "$VEC/must-reject/corrupted-voucher.vcj"
	mk mkart response --ci "$A/ci.cms" --oc "$A/oc.cms" --ov "$VEC/must-reject/corrupted-voucher.vcj" >"$A/vcj.json"
	check vector-corrupted-voucher-as-ov 1 "ownership-voucher: " $DEV "$A/vcj.json"
else
	bad vectors "no $VEC/must-reject/corrupted-voucher.vcj"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
