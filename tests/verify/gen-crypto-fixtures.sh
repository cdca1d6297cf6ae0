#!/bin/sh
# gen-crypto-fixtures.sh OUTDIR: generate the CMS / X.509 artifacts that the
# crypto unit tests (tests/unit/test_cms.c, test_x509.c) read from
# $SZTP_FIXTURES. Uses only the openssl command line; everything is created
# fresh under OUTDIR (keys are throwaway test keys).
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
# Keys: ec.key is SEC1 "EC PRIVATE KEY", ec384.key PKCS#8 "PRIVATE KEY",
#       rsa.key PKCS#1 "RSA PRIVATE KEY".
set -eu

out=${1:?usage: gen-crypto-fixtures.sh OUTDIR}
mkdir -p "$out"
cd "$out"

ossl() { openssl "$@" </dev/null 2>/dev/null || { echo "gen-crypto-fixtures: openssl $* failed" >&2; openssl "$@"; exit 1; }; }

cat > ext.cnf <<'CNF'
[ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyAgreement
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[rsaleaf]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[noku]
basicConstraints = critical, CA:false
keyUsage = critical, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[self]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
CNF

eckey() { ossl ecparam -name "$2" -genkey -noout -out "$1"; }

# roots
eckey root.key prime256v1
ossl req -new -x509 -key root.key -subj "/O=Fixture/CN=Fixture Root" -days 3650 \
	-sha256 -addext "basicConstraints=critical,CA:true" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" -out root.pem
eckey fakeroot.key prime256v1
ossl req -new -x509 -key fakeroot.key -subj "/O=Fixture/CN=Fixture Root" -days 3650 \
	-sha256 -addext "basicConstraints=critical,CA:true" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" -out fakeroot.pem

issue() { # name key issuer-name ext subject days
	ossl req -new -key "$2" -subj "$5" -out "$1.csr"
	ossl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial \
		-days "$6" -sha256 -extfile ext.cnf -extensions "$4" -out "$1.pem"
}

eckey inter.key secp384r1
issue inter inter.key root ca "/O=Fixture/CN=Fixture Intermediate" 3650
eckey ec.key prime256v1
issue ec ec.key inter leaf "/O=Fixture/CN=ec-leaf/serialNumber=SZTP-FIX-0001" 3650
ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out ec384.key
issue ec384 ec384.key root leaf "/O=Fixture/CN=ec384-leaf" 3650
ossl genrsa -traditional -out rsa.key 2048 2>/dev/null || ossl genrsa -out rsa.key 2048
issue rsa rsa.key inter rsaleaf "/O=Fixture/CN=rsa-leaf" 3650
eckey noku.key prime256v1
issue noku noku.key inter noku "/O=Fixture/CN=noku-leaf" 3650
eckey self.key prime256v1
ossl req -new -x509 -key self.key -subj "/O=Fixture/CN=self-leaf" -days 3650 -sha256 \
	-addext "basicConstraints=critical,CA:false" -addext "keyUsage=critical,digitalSignature" \
	-out self.pem

for c in root fakeroot inter ec ec384 rsa noku self; do
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

rm -f ./*.csr ./*.srl
echo "gen-crypto-fixtures: wrote $(ls | wc -l) files to $out"
