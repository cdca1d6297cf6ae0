#!/bin/sh
# enroll-tpm.sh: give a TPM its device identity, the way a factory would.
#
#   keys/enroll-tpm.sh --pki DIR [options]
#
# In one run, against the TPM named by TPM2TOOLS_TCTI (swtpm or a real one,
# e.g. "swtpm:host=127.0.0.1,port=2321" or "device:/dev/tpmrm0"):
#   1. creates the IDevID key inside the TPM (a primary key of the endorsement
#      hierarchy, unrestricted, sign + decrypt, so that it can authenticate TLS
#      and receive RFC 8572 encrypted conveyed information) and makes it
#      persistent at the IDevID handle;
#   2. creates the IAK (restricted signing key: it only signs TPM-generated
#      structures such as quotes) and makes it persistent at the IAK handle;
#   3. has the manufacturer CA (DIR/manufacturer/ca.{pem,key}, from
#      keys/mkpki.sh) issue the IDevID certificate, subject
#      "/O=SZTP Demo Manufacturer/CN=SERIAL/serialNumber=SERIAL", for the
#      TPM's public key (openssl x509 -req -force_pubkey with a throw-away
#      CSR: the private key never leaves the TPM), and the IAK certificate;
#   4. stores the IDevID certificate (DER) in the certificate NV index, the
#      chain above it (the manufacturer CA, DER) in the chain NV index and the
#      IAK certificate in the IAK NV index;
#   5. writes copies to OUT (idevid.pem, chain.pem, iak.pem, idevid.pub.pem,
#      iak.pub.pem, handles.conf).
#
# Options (defaults are the agent's, see docs/tpm.md):
#   --pki DIR            test PKI made by keys/mkpki.sh (required)
#   --alg ecc|rsa        IDevID key type: ECC NIST P-256 or RSA-2048 (ecc)
#   --serial S           serial number (default: DIR/device/serial.txt)
#   --out DIR            where the copies go (default: a new temp dir, printed)
#   --idevid-handle H    0x81020001     --iak-handle H        0x81020000
#   --cert-nv I          0x01C90000     --chain-nv I          0x01C90001
#   --iak-cert-nv I      0x01C90002
#   --no-iak             skip the IAK
#   --da                 leave the keys under dictionary-attack protection (as
#                        some vendors ship them); by default they are noDA
#   --force              replace keys/indices already at those handles
#
# Needs tpm2-tools (5.x) and openssl (3.x).
set -eu

die() { echo "enroll-tpm: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -eu/p' "$0" | sed -e '/^set -eu/d' -e 's/^# \{0,1\}//' >&2; exit 2; }

PKI= ALG=ecc SERIAL= OUT= FORCE=0 IAK=1 NODA='|noda'
IDEVID_H=0x81020001 IAK_H=0x81020000
CERT_NV=0x01C90000 CHAIN_NV=0x01C90001 IAK_NV=0x01C90002
while [ $# -gt 0 ]; do
	case $1 in
	--pki) PKI=$2; shift 2 ;;
	--alg) ALG=$2; shift 2 ;;
	--serial) SERIAL=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--idevid-handle) IDEVID_H=$2; shift 2 ;;
	--iak-handle) IAK_H=$2; shift 2 ;;
	--cert-nv) CERT_NV=$2; shift 2 ;;
	--chain-nv) CHAIN_NV=$2; shift 2 ;;
	--iak-cert-nv) IAK_NV=$2; shift 2 ;;
	--no-iak) IAK=0; shift ;;
	--da) NODA=; shift ;;
	--force) FORCE=1; shift ;;
	-h|--help) usage ;;
	*) echo "enroll-tpm: unknown option $1" >&2; usage ;;
	esac
done
[ -n "$PKI" ] || usage
[ -f "$PKI/manufacturer/ca.pem" ] && [ -f "$PKI/manufacturer/ca.key" ] ||
	die "$PKI/manufacturer/ca.{pem,key} not found (run keys/mkpki.sh $PKI)"
case $ALG in
ecc) KALG=ecc256:null; AKALG=ecc256:ecdsa-sha256:null ;;
rsa) KALG=rsa2048:null; AKALG=ecc256:ecdsa-sha256:null ;;
*) die "--alg must be ecc or rsa" ;;
esac
if [ -z "$SERIAL" ]; then
	[ -f "$PKI/device/serial.txt" ] || die "no --serial and no $PKI/device/serial.txt"
	SERIAL=$(cat "$PKI/device/serial.txt")
fi
case $SERIAL in *[!A-Za-z0-9._-]*|'') die "serial \"$SERIAL\" must be [A-Za-z0-9._-]+" ;; esac
for t in tpm2_createprimary tpm2_evictcontrol tpm2_readpublic tpm2_nvdefine tpm2_nvwrite openssl; do
	command -v $t >/dev/null 2>&1 || die "$t not found"
done
[ -n "${TPM2TOOLS_TCTI:-}" ] || echo "enroll-tpm: TPM2TOOLS_TCTI not set, tpm2-tools use their default TPM" >&2

if [ -z "$OUT" ]; then OUT=$(mktemp -d "${TMPDIR:-/tmp}/enroll-tpm.XXXXXX"); fi
mkdir -p "$OUT"
W=$(mktemp -d "${TMPDIR:-/tmp}/enroll-tpm-work.XXXXXX")
trap 'rm -rf "$W"' EXIT

# persistent handle or NV index already used?
handle_used() { tpm2_getcap handles-persistent 2>/dev/null | grep -qi "$(printf '0x%x' "$1")\$"; }
nv_used() { tpm2_getcap handles-nv-index 2>/dev/null | grep -qi "$(printf '0x%x' "$1")\$"; }

free_handle() {
	if handle_used "$1"; then
		[ "$FORCE" = 1 ] || die "persistent handle $1 is in use (use --force to replace it)"
		tpm2_evictcontrol -C o -c "$1" >/dev/null
	fi
}
free_nv() {
	if nv_used "$1"; then
		[ "$FORCE" = 1 ] || die "NV index $1 is in use (use --force to replace it)"
		tpm2_nvundefine -C o "$1" >/dev/null
	fi
}

# store_nv INDEX DERFILE: define an index exactly the file's size, write it.
# Readable with the index's own (empty) auth, so the agent needs no owner auth;
# writable by the owner only.
store_nv() {
	size=$(wc -c <"$2")
	[ "$size" -le 2048 ] || die "$2 is $size bytes, more than the 2048 an NV index usually holds"
	free_nv "$1"
	tpm2_nvdefine -C o -s "$size" -a "ownerwrite|ownerread|authread|no_da" "$1" >/dev/null
	tpm2_nvwrite -C o -i "$2" "$1"
}

# Start dates one day back, like mkpki.sh.
now=$(date -u +%s)
START=$(date -u -d "@$((now - 86400))" +%Y%m%d%H%M%SZ 2>/dev/null) || START=$(date -u +%Y%m%d%H%M%SZ)

cat >"$W/ext.cnf" <<'EOF'
[ idevid ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment, keyAgreement
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
[ iak ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
EOF

# issue PUBPEM SUBJECT EXT OUTPEM: the manufacturer CA certifies a TPM key.
issue() {
	openssl ecparam -name prime256v1 -genkey -noout -out "$W/dummy.key" 2>/dev/null
	openssl req -new -key "$W/dummy.key" -subj "$2" -out "$W/dummy.csr"
	openssl x509 -req -in "$W/dummy.csr" -force_pubkey "$1" \
		-CA "$PKI/manufacturer/ca.pem" -CAkey "$PKI/manufacturer/ca.key" \
		-set_serial "0x$(openssl rand -hex 16)" -days 3650 -sha256 \
		-extfile "$W/ext.cnf" -extensions "$3" -out "$4" 2>"$W/err" ||
		{ cat "$W/err" >&2; die "certificate issuance failed"; }
	rm -f "$W/dummy.key" "$W/dummy.csr"
}

# 1. IDevID: unrestricted sign+decrypt primary under the endorsement hierarchy
# (as the TCG device-identity keys are: derived from the endorsement seed, so
# the same template recreates the same key until the TPM is cleared).
# noDA: the keys' authorization is empty, so dictionary-attack protection
# guards no secret; it would only count every power cut during provisioning
# (a non-orderly shutdown after a DA-protected key was used) until the TPM
# locks the device's identity out (docs/tpm.md).
free_handle "$IDEVID_H"
tpm2_createprimary -Q -C e -g sha256 -G "$KALG" \
	-a "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign|decrypt$NODA" \
	-c "$W/idevid.ctx"
tpm2_evictcontrol -Q -C o -c "$W/idevid.ctx" "$IDEVID_H"
tpm2_flushcontext -t >/dev/null 2>&1 || true
tpm2_readpublic -Q -c "$IDEVID_H" -f pem -o "$OUT/idevid.pub.pem"

# 2. IAK: restricted ECDSA P-256 signing key.
if [ "$IAK" = 1 ]; then
	free_handle "$IAK_H"
	tpm2_createprimary -Q -C e -g sha256 -G "$AKALG" \
		-a "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign$NODA" \
		-c "$W/iak.ctx"
	tpm2_evictcontrol -Q -C o -c "$W/iak.ctx" "$IAK_H"
	tpm2_flushcontext -t >/dev/null 2>&1 || true
	tpm2_readpublic -Q -c "$IAK_H" -f pem -o "$OUT/iak.pub.pem"
fi

# 3. certificates
issue "$OUT/idevid.pub.pem" "/O=SZTP Demo Manufacturer/CN=$SERIAL/serialNumber=$SERIAL" idevid "$OUT/idevid.pem"
cp "$PKI/manufacturer/ca.pem" "$OUT/chain.pem"
[ "$IAK" = 1 ] && issue "$OUT/iak.pub.pem" "/O=SZTP Demo Manufacturer/CN=$SERIAL IAK/serialNumber=$SERIAL" iak "$OUT/iak.pem"

# 4. NV indices (DER)
openssl x509 -in "$OUT/idevid.pem" -outform DER -out "$W/idevid.der"
openssl x509 -in "$PKI/manufacturer/ca.pem" -outform DER -out "$W/chain.der"
store_nv "$CERT_NV" "$W/idevid.der"
store_nv "$CHAIN_NV" "$W/chain.der"
if [ "$IAK" = 1 ]; then
	openssl x509 -in "$OUT/iak.pem" -outform DER -out "$W/iak.der"
	store_nv "$IAK_NV" "$W/iak.der"
fi

cat >"$OUT/handles.conf" <<EOF
# written by keys/enroll-tpm.sh; the format of /etc/sztp/tpm.conf
idevid-handle=$IDEVID_H
idevid-cert-nv=$CERT_NV
idevid-chain-nv=$CHAIN_NV
iak-handle=$IAK_H
iak-cert-nv=$IAK_NV
EOF
printf '%s\n' "$SERIAL" >"$OUT/serial.txt"
echo "enroll-tpm: IDevID ($ALG) at $IDEVID_H, certificate in NV $CERT_NV, chain in NV $CHAIN_NV$( [ "$IAK" = 1 ] && echo ", IAK at $IAK_H (certificate in NV $IAK_NV)"), serial $SERIAL; copies in $OUT"
