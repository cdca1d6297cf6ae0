#!/bin/sh
# mkpki.sh OUTDIR: generate the sztp-initrd test PKI (EC P-256, openssl CLI
# through keys/lib-ca.sh).
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
. "$(dirname "$0")/lib-ca.sh"

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
CA_START=$(date -u -d "@$((now - 86400))" +%Y%m%d%H%M%SZ 2>/dev/null) ||
	CA_START=$(date -u +%Y%m%d%H%M%SZ)

# CAs get lib-ca.sh's v3_ca profile; the end entities one of these.
ca_setup "$TMP/.ca"
ca_profile v3_idevid "digitalSignature, keyAgreement" "extendedKeyUsage = clientAuth"
ca_profile v3_signer digitalSignature
ca_profile v3_server digitalSignature "extendedKeyUsage = serverAuth" \
	"subjectAltName = DNS:bootstrap.example, DNS:localhost, IP:192.0.2.1, IP:127.0.0.1"

# root DIR SUBJECT: CA DIR/ca.{pem,key}
root() { ca_root "$TMP/$1/ca" ec:prime256v1 "$2" "$CA_DAYS"; }
# leaf CADIR DIR NAME SUBJECT PROFILE: DIR/NAME.{pem,key} issued by CADIR/ca
leaf() { ca_leaf "$TMP/$2/$3" "$TMP/$1/ca" ec:prime256v1 "$4" "$EE_DAYS" "$5"; }

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

ca_done
# Certificates and anchors are public; keys stay owner-only.
find "$TMP" -type d -exec chmod 755 {} +
find "$TMP" -type f -name '*.pem' -exec chmod 644 {} +
chmod 644 "$TMP/device/serial.txt"
date -u +%Y-%m-%dT%H:%M:%SZ >"$TMP/.complete"

rm -rf "$OUT"
mv "$TMP" "$OUT"
trap - EXIT
echo "mkpki: test PKI written to $OUT (device serial $SERIAL)"
