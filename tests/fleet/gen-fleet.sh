#!/bin/sh
# tests/fleet/gen-fleet.sh DIR N: the identities of a simulated fleet of N
# devices, made with keys/mkpki.sh and keys/lib-ca.sh.
#
#   DIR/pki/                 a keys/mkpki.sh tree (manufacturer CA, MASA,
#                            owner, bootstrap server, anchors)
#   DIR/dev/SERIAL/idevid.{pem,key}, chain.pem
#                            device SERIAL's IDevID (its own P-256 key,
#                            subject serialNumber=SERIAL) issued by the
#                            manufacturer CA, and the chain it sends in TLS
#   DIR/serials              the N serial numbers, FLEET-00001 ..., one a line
#
# Incremental: identities already made are kept, so a second run (or a larger
# N) only makes what is missing. Each identity is made in a temporary
# directory and renamed into place, so an interrupted run leaves nothing
# half-made.
set -eu

[ $# -eq 2 ] || { echo "usage: $0 DIR N" >&2; exit 2; }
DIR=$1 N=$2
case $N in '' | *[!0-9]*) echo "gen-fleet: N must be a number" >&2; exit 2 ;; esac
top=$(cd "$(dirname "$0")/../.." && pwd)

mkdir -p "$DIR/dev"
sh "$top/keys/mkpki.sh" "$DIR/pki" >/dev/null
. "$top/keys/lib-ca.sh"

now=$(date -u +%s)
# shellcheck disable=SC2034 # read by lib-ca.sh: valid from a day ago, as mkpki.sh
CA_START=$(date -u -d "@$((now - 86400))" +%Y%m%d%H%M%SZ)
work=$(mktemp -d "$DIR/.mk.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP
umask 077
ca_setup "$work/ca"
ca_profile v3_idevid "digitalSignature, keyAgreement" "extendedKeyUsage = clientAuth"

: >"$work/serials"
i=1
made=0
while [ "$i" -le "$N" ]; do
	sn=$(printf 'FLEET-%05d' "$i")
	printf '%s\n' "$sn" >>"$work/serials"
	if [ ! -f "$DIR/dev/$sn/chain.pem" ]; then
		d=$work/$sn
		ca_leaf "$d/idevid" "$DIR/pki/manufacturer/ca" ec:prime256v1 \
			"/O=SZTP Demo Manufacturer/CN=$sn/serialNumber=$sn" 730 v3_idevid
		cat "$d/idevid.pem" "$DIR/pki/manufacturer/ca.pem" >"$d/chain.pem"
		chmod 644 "$d/idevid.pem" "$d/chain.pem"
		chmod 755 "$d"
		rm -rf "${DIR:?}/dev/$sn"
		mv "$d" "$DIR/dev/$sn"
		made=$((made + 1))
	fi
	i=$((i + 1))
done
mv "$work/serials" "$DIR/serials"
echo "gen-fleet: $N device identities in $DIR ($made new)"
