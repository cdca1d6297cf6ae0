#!/bin/sh
# gen-crypto-fixtures.sh OUTDIR: generate the CMS / X.509 artifacts that the
# crypto unit tests (tests/unit/test_cms.c, test_x509.c) read from
# $SZTP_FIXTURES. Uses only the openssl command line (the certificates through
# keys/lib-ca.sh); everything is created fresh under OUTDIR (keys are
# throwaway test keys).
#
# PKI:
#   root      EC P-256 self-signed CA "CN=Fixture Root"
#   fakeroot  EC P-256 self-signed CA with the SAME DN as root, other key
#   inter     EC P-384 CA issued by root
#   ec        EC P-256 leaf issued by inter (digitalSignature, keyAgreement)
#   ec384     EC P-384 leaf issued by root (digitalSignature, keyAgreement)
#   rsa       RSA-2048 leaf issued by inter (digitalSignature, keyEncipherment)
#   noku      EC P-256 leaf issued by inter, keyUsage keyEncipherment only
#   self      EC P-256 self-signed non-CA leaf (direct trust)
#   shortroot EC P-256 self-signed CA valid for 1 day "CN=Fixture Short Root"
#   longleaf  EC P-256 leaf issued by shortroot, valid for 3650 days (an
#             anchor that expires before the certificate it issued)
#   rogue     EC P-256 leaf issued by fakeroot (looks like root's, is not)
#   byleaf    EC P-256 leaf issued by ec, which is no CA
# Keys: ec.key is SEC1 "EC PRIVATE KEY", ec384.key PKCS#8 "PRIVATE KEY",
#       rsa.key PKCS#1 "RSA PRIVATE KEY".
#
# Signed bootstrapping data (v-*, for tests/unit/trust/test_verify_signed.c):
# voucher anchor root, voucher signer ec384, serial SZTP-FIX-0001, owner
# certificate ec, pinned-domain-cert inter. Each negative artifact is signed
# by the right key but differs in one thing (its name says which).
set -eu

out=${1:?usage: gen-crypto-fixtures.sh OUTDIR}
. "$(dirname "$0")/../../keys/lib-ca.sh"
mkdir -p "$out"
cd "$out"

ossl() { openssl "$@" </dev/null 2>/dev/null || { echo "gen-crypto-fixtures: openssl $* failed" >&2; openssl "$@"; exit 1; }; }

# CAs (root, fakeroot, inter) get lib-ca.sh's v3_ca profile; the others one of these.
ca_setup .ca
ca_profile leaf "digitalSignature, keyAgreement"
ca_profile rsaleaf "digitalSignature, keyEncipherment"
ca_profile noku keyEncipherment
ca_profile self digitalSignature

ca_root root ec:prime256v1 "/O=Fixture/CN=Fixture Root" 3650
ca_root fakeroot ec:prime256v1 "/O=Fixture/CN=Fixture Root" 3650
ca_inter inter root ec:secp384r1 "/O=Fixture/CN=Fixture Intermediate" 3650
ca_leaf ec inter ec:prime256v1 "/O=Fixture/CN=ec-leaf/serialNumber=SZTP-FIX-0001" 3650 leaf
ca_leaf ec384 root pkcs8-ec:P-384 "/O=Fixture/CN=ec384-leaf" 3650 leaf
ca_leaf rsa inter rsa:2048 "/O=Fixture/CN=rsa-leaf" 3650 rsaleaf
ca_leaf noku inter ec:prime256v1 "/O=Fixture/CN=noku-leaf" 3650 noku
ca_root self ec:prime256v1 "/O=Fixture/CN=self-leaf" 3650 self
ca_root shortroot ec:prime256v1 "/O=Fixture/CN=Fixture Short Root" 1
ca_leaf longleaf shortroot ec:prime256v1 "/O=Fixture/CN=long-leaf" 3650 leaf
ca_leaf rogue fakeroot ec:prime256v1 "/O=Fixture/CN=rogue-leaf" 3650 leaf
ca_leaf byleaf ec ec:prime256v1 "/O=Fixture/CN=byleaf" 3650 leaf
ca_done

for c in root fakeroot inter ec ec384 rsa noku self shortroot longleaf rogue byleaf; do
	ossl x509 -in $c.pem -outform DER -out $c.der
done
cat ec.pem inter.pem root.pem > chain-ec.pem
cat inter.pem > inter-only.pem

# the test content
printf '{"ietf-sztp-conveyed-info:redirect-information":{"bootstrap-server":[{"address":"192.0.2.1"}]}}' > content.json

sign() { # out signer key extra...
	o=$1 s=$2 k=$3
	shift 3
	ossl cms -sign -binary -nodetach -outform DER -in content.json -signer "$s" \
		-inkey "$k" -out "$o" "$@"
}
sign signed-ec.cms ec.pem ec.key -certfile inter-only.pem
sign signed-ec-noattr.cms ec.pem ec.key -noattr -certfile inter-only.pem
sign signed-ec-keyid.cms ec.pem ec.key -keyid -certfile inter-only.pem
sign signed-ec384-sha384.cms ec384.pem ec384.key -md sha384
sign signed-rsa.cms rsa.pem rsa.key -certfile inter-only.pem
sign signed-rsa-noattr.cms rsa.pem rsa.key -noattr
sign signed-rsa-sha512.cms rsa.pem rsa.key -md sha512
sign signed-conveyed.cms ec.pem ec.key -econtent_type 1.2.840.113549.1.9.16.1.43
sign signed-noku.cms noku.pem noku.key

# degenerate (certificates-only) bundle: ec leaf, intermediate, root
ossl crl2pkcs7 -nocrl -certfile chain-ec.pem -outform DER -out degenerate.cms

# EnvelopedData / AuthEnvelopedData
enc() { # out recip-cert extra...
	o=$1 r=$2
	shift 2
	ossl cms -encrypt -binary -outform DER -in content.json -recip "$r" -out "$o" "$@"
}
enc enc-rsa-cbc.cms rsa.pem -aes-256-cbc
enc enc-rsa-oaep.cms rsa.pem -aes-128-cbc -keyopt rsa_padding_mode:oaep
enc enc-rsa-oaep256.cms rsa.pem -aes-256-cbc -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256
enc enc-rsa-keyid.cms rsa.pem -aes-256-cbc -keyid
enc enc-ec-cbc.cms ec.pem -aes-128-cbc
enc enc-ec-keyid.cms ec.pem -aes-256-cbc -keyid
enc enc-ec384.cms ec384.pem -aes-256-cbc
enc enc-ec-sha256kdf.cms ec.pem -aes-256-cbc -keyopt ecdh_kdf_md:sha256
enc enc-ec384-sha384kdf.cms ec384.pem -aes-192-cbc -keyopt ecdh_kdf_md:sha384
enc enc-ec-gcm.cms ec.pem -aes-256-gcm
enc enc-rsa-gcm.cms rsa.pem -aes-128-gcm
enc enc-other.cms ec384.pem -aes-128-cbc   # not for ec.pem

# signed, then encrypted to ec
ossl cms -encrypt -binary -outform DER -in signed-ec.cms -recip ec.pem -aes-256-cbc \
	-out enc-signed-ec.cms

# ---- signed bootstrapping data (RFC 8572 section 5.4): voucher, owner
# certificate, conveyed information
OID_VOUCHER=1.2.840.113549.1.9.16.1.40
OID_41=1.2.840.113549.1.9.16.1.41      # same length as .40, for the contentType patch
OID_CI_XML=1.2.840.113549.1.9.16.1.42  # same length as .43, for the contentType patch
OID_CI_JSON=1.2.840.113549.1.9.16.1.43
voucher() { # out pinned-der
	printf '{"ietf-voucher:voucher":{"created-on":"2024-01-01T00:00:00Z","assertion":"verified","serial-number":"SZTP-FIX-0001","pinned-domain-cert":"%s"}}' \
		"$(openssl base64 -A -in "$2")" > "$1"
}
voucher v-voucher.json inter.der
voucher v-voucher-pin-self.json self.der
# with the nonce tests/unit/sztp/test_bootstrap.c's fake random makes (bytes 0..31)
printf '{"ietf-voucher:voucher":{"created-on":"2024-01-01T00:00:00Z","assertion":"verified","serial-number":"SZTP-FIX-0001","pinned-domain-cert":"%s","nonce":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}' \
	"$(openssl base64 -A -in inter.der)" > v-voucher-nonce.json
vsign() { # out signer key in econtent-type
	ossl cms -sign -binary -nodetach -outform DER -md sha256 -in "$4" -signer "$2" \
		-inkey "$3" -econtent_type "$5" -out "$1"
}
vsign v-voucher.cms ec384.pem ec384.key v-voucher.json $OID_VOUCHER
vsign v-voucher-pin-self.cms ec384.pem ec384.key v-voucher-pin-self.json $OID_VOUCHER
vsign v-voucher-rogue.cms rogue.pem rogue.key v-voucher.json $OID_VOUCHER
vsign v-voucher-ect-ci.cms ec384.pem ec384.key v-voucher.json $OID_CI_JSON
vsign v-voucher-ect-41.cms ec384.pem ec384.key v-voucher.json $OID_41
vsign v-voucher-nonce.cms ec384.pem ec384.key v-voucher-nonce.json $OID_VOUCHER
ossl crl2pkcs7 -nocrl -certfile ec.pem -outform DER -out v-owner.cms
printf '{"ietf-sztp-conveyed-info:onboarding-information":{"configuration-handling":"merge","configuration":"Y2Zn"}}' > v-conveyed.json
vsign v-ci.cms ec.pem ec.key v-conveyed.json $OID_CI_JSON
vsign v-ci-ect-voucher.cms ec.pem ec.key v-conveyed.json $OID_VOUCHER
vsign v-ci-ect-xml.cms ec.pem ec.key v-conveyed.json $OID_CI_XML
vsign v-ci-by-self.cms self.pem self.key v-conveyed.json $OID_CI_JSON
printf '{"ietf-sztp-conveyed-info:onboarding-information":{}}' > v-conveyed-empty.json
vsign v-ci-empty.cms ec.pem ec.key v-conveyed-empty.json $OID_CI_JSON

echo "gen-crypto-fixtures: wrote $(ls | wc -l) files to $out"
