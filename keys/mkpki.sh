#!/bin/sh
# mkpki.sh OUTDIR: generate the sztp-initrd test PKI (EC P-256, openssl CLI).
#
# Layout (see keys/README.md):
#   OUTDIR/manufacturer/ca.{pem,key}          manufacturer CA (issues IDevIDs)
#   OUTDIR/device/idevid.{pem,key}, chain.pem, serial.txt
#   OUTDIR/masa/ca.{pem,key}                  voucher trust anchor (root)
#   OUTDIR/masa/signer.{pem,key}              voucher signing certificate
#   OUTDIR/owner/ca.{pem,key}                 owner CA (pinned-domain-cert)
#   OUTDIR/owner/owner.{pem,key}              owner certificate
#   OUTDIR/server/ca.{pem,key}                bootstrap-server TLS CA
#   OUTDIR/server/server.{pem,key}, chain.pem TLS server certificate
#   OUTDIR/anchors/bootstrap/server-ca.pem    anchors baked into the initramfs
#   OUTDIR/anchors/voucher/masa-ca.pem
#
# Idempotent: if OUTDIR/.complete exists nothing is done. The PKI is built in
# a temporary directory beside OUTDIR and renamed into place when complete, so
# an interrupted run never leaves a half-made OUTDIR behind.
#
# Private keys are SEC1 ("BEGIN EC PRIVATE KEY", named curve prime256v1).
# Validity: certificates start one day in the past (a guest whose clock is a
# little behind still accepts them); CAs last 10 years, end entities 2 years.
#
# Environment: SZTP_SERIAL (default SZTP-DEMO-0001), the device serial number.
set -eu

usage() { echo "usage: $0 OUTDIR" >&2; exit 2; }
[ $# -eq 1 ] || usage
OUT=${1%/}
[ -n "$OUT" ] || usage

if [ -f "$OUT/.complete" ]; then
	exit 0
fi

command -v openssl >/dev/null 2>&1 || { echo "mkpki: openssl not found" >&2; exit 1; }

SERIAL=${SZTP_SERIAL:-SZTP-DEMO-0001}
CA_DAYS=3650
EE_DAYS=730

mkdir -p "$(dirname "$OUT")"
TMP=$(mktemp -d "$OUT.tmp.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
umask 077

# Start date: one day ago, as GeneralizedTime. GNU and busybox date take -d @N.
now=$(date -u +%s)
START=$(date -u -d "@$((now - 86400))" +%Y%m%d%H%M%SZ 2>/dev/null) ||
	START=$(date -u +%Y%m%d%H%M%SZ)

CNF="$TMP/.openssl.cnf"
cat >"$CNF" <<'EOF'
# Used only by mkpki.sh; CADB is set per CA in the environment.
[ ca ]
default_ca = testca

[ testca ]
database        = $ENV::CADB/index.txt
new_certs_dir   = $ENV::CADB
serial          = $ENV::CADB/serial
default_md      = sha256
policy          = policy_any
unique_subject  = no
copy_extensions = none
email_in_dn     = no

[ policy_any ]
commonName = optional

[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused

[ v3_root ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ v3_idevid ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyAgreement
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ v3_signer ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ v3_server ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:bootstrap.example, DNS:localhost, IP:192.0.2.1, IP:127.0.0.1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
EOF

# genkey FILE
genkey() {
	openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null
}

# csr KEY SUBJECT OUT
csr() {
	openssl req -new -config "$CNF" -key "$1" -subj "$2" -out "$3"
}

# cadb NAME: a fresh signing database for one CA, exported as CADB.
cadb() {
	CADB="$TMP/.db/$1"
	mkdir -p "$CADB"
	: >"$CADB/index.txt"
	export CADB
}

# root DIR SUBJECT: self-signed CA DIR/ca.pem with key DIR/ca.key.
root() {
	mkdir -p "$TMP/$1"
	genkey "$TMP/$1/ca.key"
	csr "$TMP/$1/ca.key" "$2" "$TMP/.db/$1.csr"
	cadb "$1"
	openssl ca -batch -config "$CNF" -selfsign -preserveDN -notext -rand_serial \
		-keyfile "$TMP/$1/ca.key" -in "$TMP/.db/$1.csr" -out "$TMP/$1/ca.pem" \
		-extensions v3_root -startdate "$START" -days "$CA_DAYS" 2>"$TMP/.db/err" ||
		{ cat "$TMP/.db/err" >&2; exit 1; }
}

# leaf CADIR DIR NAME SUBJECT EXTENSIONS: DIR/NAME.pem + DIR/NAME.key issued by CADIR.
leaf() {
	mkdir -p "$TMP/$2"
	genkey "$TMP/$2/$3.key"
	csr "$TMP/$2/$3.key" "$4" "$TMP/.db/$3.csr"
	cadb "$1"
	openssl ca -batch -config "$CNF" -preserveDN -notext -rand_serial \
		-cert "$TMP/$1/ca.pem" -keyfile "$TMP/$1/ca.key" \
		-in "$TMP/.db/$3.csr" -out "$TMP/$2/$3.pem" \
		-extensions "$5" -startdate "$START" -days "$EE_DAYS" 2>"$TMP/.db/err" ||
		{ cat "$TMP/.db/err" >&2; exit 1; }
}

mkdir -p "$TMP/.db"
CADB="$TMP/.db"
export CADB

root manufacturer "/O=SZTP Demo Manufacturer/CN=SZTP Demo Manufacturer CA"
leaf manufacturer device idevid \
	"/O=SZTP Demo Manufacturer/CN=$SERIAL/serialNumber=$SERIAL" v3_idevid
cat "$TMP/device/idevid.pem" "$TMP/manufacturer/ca.pem" >"$TMP/device/chain.pem"
printf '%s\n' "$SERIAL" >"$TMP/device/serial.txt"

root masa "/O=SZTP Demo MASA/CN=SZTP Demo MASA Root CA"
leaf masa masa signer "/O=SZTP Demo MASA/CN=SZTP Demo Voucher Signer" v3_signer

root owner "/O=SZTP Demo Owner/CN=SZTP Demo Owner CA"
leaf owner owner owner "/O=SZTP Demo Owner/CN=SZTP Demo Owner" v3_signer

root server "/O=SZTP Demo Bootstrap/CN=SZTP Demo Bootstrap Server CA"
leaf server server server "/O=SZTP Demo Bootstrap/CN=bootstrap.example" v3_server
cat "$TMP/server/server.pem" "$TMP/server/ca.pem" >"$TMP/server/chain.pem"

mkdir -p "$TMP/anchors/bootstrap" "$TMP/anchors/voucher"
cp "$TMP/server/ca.pem" "$TMP/anchors/bootstrap/server-ca.pem"
cp "$TMP/masa/ca.pem" "$TMP/anchors/voucher/masa-ca.pem"

# Self-check: every leaf verifies against its CA with the intended purpose.
v() { openssl verify -x509_strict -purpose "$1" -CAfile "$TMP/$2" "$TMP/$3" >/dev/null; }
v sslclient manufacturer/ca.pem device/idevid.pem
v sslserver server/ca.pem server/server.pem
v any masa/ca.pem masa/signer.pem
v any owner/ca.pem owner/owner.pem

rm -rf "$TMP/.db" "$CNF"
# Certificates and anchors are public; keys stay owner-only.
find "$TMP" -type d -exec chmod 755 {} +
find "$TMP" -type f -name '*.pem' -exec chmod 644 {} +
chmod 644 "$TMP/device/serial.txt"
date -u +%Y-%m-%dT%H:%M:%SZ >"$TMP/.complete"

rm -rf "$OUT"
mv "$TMP" "$OUT"
trap - EXIT
echo "mkpki: test PKI written to $OUT (device serial $SERIAL)"
