#!/bin/sh
# gen-verify-struct.sh: make the fixed test PKI and the seeds of
# fuzz_verify_struct (run once; the output is committed):
#   tests/fuzz/trust/verify_struct_pki.h      the trusted configuration: voucher
#                                             anchor, device certificate and key,
#                                             and the MASA signer's and owner's
#                                             keys the mutator re-signs with
#   tests/fuzz/trust/corpus/verify_struct/    get-bootstrapping-data responses
# Needs openssl and python3 (keys/mkpki.sh, keys/mkartifacts.sh). Everything
# here is test data: a fresh PKI of its own, nothing secret.
#
# The fuzzer's fixed time is FUZZ_TIME below (2027-01-01); run this when the
# PKI's end-entity certificates (2 years from the day it was made) would no
# longer cover it, and change FUZZ_TIME in fuzz_verify_struct.c to match.
set -eu
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
OUT=$TOP/tests/fuzz/trust
SEEDS=$OUT/corpus/verify_struct
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
P=$TMP/pki
A=$TMP/a
mkdir -p "$A" "$SEEDS"
sh "$TOP/keys/mkpki.sh" "$P" >/dev/null
mkart() { sh "$TOP/keys/mkartifacts.sh" "$@"; }
NONCE=AAECAwQFBgcICQoLDA0ODw==   # bytes 0..15, the fuzzer's nonce

# ------------------------------------------------------------ the header
der() { openssl x509 -in "$1" -outform DER; }
carray() { # NAME FILE: a C array of the file's bytes
	printf 'static const unsigned char %s[] = {\n' "$1"
	od -An -v -tx1 "$2" | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1, /g; s/^/\t/; s/, $/,/'
	printf '};\n'
}
cstring() { # NAME FILE: a C string of a PEM file
	printf 'static const char %s[] =\n' "$1"
	sed 's/^/\t"/; s/$/\\n"/' "$2"
	printf '\t;\n'
}
der "$P/masa/ca.pem" >"$TMP/masa.der"
der "$P/device/idevid.pem" >"$TMP/device.der"
der "$P/owner/ca.pem" >"$TMP/owner-ca.der"
{
	echo "/* verify_struct_pki.h: the fixed trusted configuration of"
	echo " * fuzz_verify_struct.c, made by gen-verify-struct.sh. Test data only. */"
	carray vs_masa_ca "$TMP/masa.der"
	carray vs_device_cert "$TMP/device.der"
	carray vs_owner_ca "$TMP/owner-ca.der"
	cstring vs_device_key "$P/device/idevid.key"
	cstring vs_masa_signer_key "$P/masa/signer.key"
	cstring vs_owner_key "$P/owner/owner.key"
} >"$OUT/verify_struct_pki.h"

# ------------------------------------------------------------ documents
cat >"$A/onb.json" <<'EOF'
{"ietf-sztp-conveyed-info:onboarding-information":{"boot-image":{"os-name":"Debian","os-version":"12","download-uri":["https://192.0.2.1/debian.img","file:///images/debian.img"],"image-verification":[{"hash-algorithm":"ietf-sztp-conveyed-info:sha-256","hash-value":"e3:b0:c4:42:98:fc:1c:14:9a:fb:f4:c8:99:6f:b9:24:27:ae:41:e4:64:9b:93:4c:a4:95:99:1b:78:52:b8:55"}]},"configuration-handling":"replace","pre-configuration-script":"IyEvYmluL3NoCg==","configuration":"aG9zdG5hbWUgZGVtbwo=","post-configuration-script":"IyEvYmluL3NoCmVjaG8gZG9uZQo="}}
EOF
cat >"$A/redir.json" <<EOF
{"ietf-sztp-conveyed-info:redirect-information":{"bootstrap-server":[{"address":"192.0.2.7","port":8443,"trust-anchor":"$(openssl crl2pkcs7 -nocrl -certfile "$P/server/ca.pem" -outform DER | base64 -w0)"},{"address":"2001:db8::7"}]}}
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
</onboarding-information>
EOF

# ------------------------------------------------------------ artifacts
mkart voucher --pki "$P" --nonce "$NONCE" --created 2026-11-01T00:00:00Z >"$A/ov.cms"
mkart voucher --pki "$P" --created 2026-11-01T00:00:00Z --expires 2027-06-01T00:00:00.5+02:00 \
	--assertion logged --id-data >"$A/ov-exp.cms"
mkart voucher --pki "$P" --nonce "$NONCE" --created 2026-11-01T00:00:00Z --text >"$A/ov-text.cms"
mkart voucher --pki "$P" --nonce "$NONCE" --created 2026-11-01T00:00:00Z \
	--revocation-checks true >"$A/ov-revo.cms"
mkart voucher --pki "$P" --nonce "$NONCE" --created 2026-11-01T00:00:00Z \
	--pinned "$P/owner/owner.pem" >"$A/ov-pin-ee.cms"
mkart owner-cert --pki "$P" >"$A/oc.cms"
mkart owner-cert --pki "$P" --with-ca --signed >"$A/oc-signed.cms"
mkart conveyed --pki "$P" --json "$A/onb.json" >"$A/ci-onb.cms"
mkart conveyed --pki "$P" --json "$A/redir.json" --econtent-type data >"$A/ci-redir.cms"
mkart conveyed --pki "$P" --json "$A/onb.xml" --econtent-type xml >"$A/ci-onb-xml.cms"
mkart conveyed --pki "$P" --json "$A/onb.json" --encrypt-to "$P/device/idevid.pem" >"$A/ci-enc.cms"
mkart conveyed --pki "$P" --json "$A/redir.json" --unsigned >"$A/ci-redir-unsigned.cms"
mkart conveyed --pki "$P" --json "$A/onb.json" --unsigned >"$A/ci-onb-unsigned.cms"

resp() { name=$1; shift; mkart response "$@" >"$SEEDS/$name"; }
resp signed-onboarding.json --ci "$A/ci-onb.cms" --oc "$A/oc.cms" --ov "$A/ov.cms" \
	--reporting-level verbose
resp signed-redirect-expiring.json --ci "$A/ci-redir.cms" --oc "$A/oc-signed.cms" \
	--ov "$A/ov-exp.cms" --wrap 64
resp signed-xml-doc.json --ci "$A/ci-onb-xml.cms" --oc "$A/oc.cms" --ov "$A/ov-text.cms"
resp signed-encrypted.json --ci "$A/ci-enc.cms" --oc "$A/oc.cms" --ov "$A/ov.cms" --extra
resp signed-pinned-ee.xml --ci "$A/ci-onb.cms" --oc "$A/oc.cms" --ov "$A/ov-pin-ee.cms" --xml
resp signed-revocation-required.json --ci "$A/ci-onb.cms" --oc "$A/oc.cms" --ov "$A/ov-revo.cms"
resp unsigned-redirect.json --ci "$A/ci-redir-unsigned.cms"
resp unsigned-onboarding.xml --ci "$A/ci-onb-unsigned.cms" --xml
echo "gen-verify-struct: $(ls "$SEEDS" | wc -l) seeds in ${SEEDS#"$TOP"/}, $OUT/verify_struct_pki.h"
