#!/bin/sh
# tests/owner/artifacts.sh: keys/sztp-artifacts, the owner's tool.
#
#   - its output is accepted by `sztpboot verify` as the device would take it
#     (the test PKI's voucher anchor; the conveyed information printed back
#     byte for byte): EC and RSA owner keys, an owner chain with an
#     intermediate, plain and encrypted to EC and RSA device certificates
#     (EnvelopedData and AuthEnvelopedData), unsigned from a trusted server,
#     redirect information signed and unsigned, the reply made later with
#     `response`;
#   - the configuration archive it builds holds the directory as the agent
#     applies it (owners 0:0, modes, links);
#   - each refusal, by its exact message: a key that does not match, an
#     http:// URL, unsafe configuration trees and archives, an owner
#     certificate without digitalSignature, a voucher that does not anchor
#     the owner, a voucher for another serial, and the rest of the voucher
#     and image rules; nothing is written when it refuses.
#
# Needs openssl and python3; builds its own extra keys in a temp dir (the
# test PKI: build/pki, or a fresh one from keys/mkpki.sh). Root is needed
# only for the device-node case (skipped otherwise).
#   SZTPBOOT=path (default build/sztpboot), KEEP_TMP=1
# Prints ok/FAIL lines and ends with "N passed, N failed".
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/common.sh"
. "$TOP/keys/lib-ca.sh"
SZ=${SZTPBOOT:-$TOP/build/sztpboot}
ART="python3 $TOP/keys/sztp-artifacts"
t_need openssl python3
[ -x "$SZ" ] || t_setup_fail "$SZ not built"
t_tmpdir sztp-owner
T=$T_TMP

if [ -f "$TOP/build/pki/.complete" ] && [ -z "${SZTP_FRESH_PKI:-}" ]; then
	P=$TOP/build/pki
else
	P=$T/pki
	sh "$TOP/keys/mkpki.sh" "$P" >/dev/null || t_setup_fail "keys/mkpki.sh failed"
fi
SN=$(cat "$P/device/serial.txt")
MASA=$P/anchors/voucher/masa-ca.pem

# ------------------------------------------------------------ extra keys
# An RSA owner (its own CA), an EC owner below an intermediate, an owner
# certificate without digitalSignature, an RSA device certificate.
K=$T/k
ca_setup "$T/ca"
ca_profile v3_owner digitalSignature
ca_profile v3_nods keyEncipherment
ca_profile v3_dev "digitalSignature, keyEncipherment, keyAgreement" "extendedKeyUsage = clientAuth"
ca_root "$K/rsa-ca" rsa:2048 "/O=Example Owner/CN=Example Owner RSA CA" 30
ca_leaf "$K/rsa-owner" "$K/rsa-ca" rsa:2048 "/O=Example Owner/CN=Example Owner RSA" 30 v3_owner
ca_root "$K/ec-root" ec:secp384r1 "/O=Example Owner/CN=Example Owner Root" 30
ca_inter "$K/ec-inter" "$K/ec-root" ec:prime256v1 "/O=Example Owner/CN=Example Owner Issuing CA" 30
ca_leaf "$K/ec-owner" "$K/ec-inter" pkcs8-ec:P-256 "/O=Example Owner/CN=Example Owner EC" 30 v3_owner
cp "$P/owner/ca.pem" "$K/owner-ca.pem"
cp "$P/owner/ca.key" "$K/owner-ca.key"
ca_leaf "$K/nods" "$K/owner-ca" ec:prime256v1 "/O=SZTP Demo Owner/CN=No digitalSignature" 30 v3_nods
cp "$P/manufacturer/ca.pem" "$K/mfg.pem"
cp "$P/manufacturer/ca.key" "$K/mfg.key"
ca_leaf "$K/dev-rsa" "$K/mfg" rsa:2048 "/O=SZTP Demo Manufacturer/CN=$SN/serialNumber=$SN" 30 v3_dev
ca_done

# vouchers as the manufacturer signs them (the test PKI's MASA)
V=$T/v
mkdir -p "$V"
EXP=$(date -u -d '+2 days' +%Y-%m-%dT%H:%M:%SZ)
mkv() {
	out=$1
	shift
	sh "$TOP/keys/mkartifacts.sh" voucher --pki "$P" "$@" >"$V/$out" ||
		t_setup_fail "mkartifacts voucher $out"
}
mkv ec.vcj --expires "$EXP"
mkv rsa.vcj --expires "$EXP" --pinned "$K/rsa-ca.pem"
mkv chain.vcj --expires "$EXP" --pinned "$K/ec-root.pem"
mkv indefinite.vcj
mkv other-serial.vcj --expires "$EXP" --serial OTHER-0002
mkv other-owner.vcj --expires "$EXP" --pinned "$K/rsa-ca.pem"
mkv expired.vcj --created 2020-01-01T00:00:00Z --expires 2020-06-01T00:00:00Z
FUTURE=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
mkv future.vcj --created "$FUTURE" --expires "$EXP"
mkv revocation.vcj --expires "$EXP" --revocation-checks true
mkv nonce.vcj --nonce AAECAwQFBgcICQoLDA0ODw==
sh "$TOP/keys/mkartifacts.sh" voucher --pki "$P" --expires "$EXP" --signer-cert "$K/ec-owner.pem" \
	--signer-key "$K/ec-owner.key" >"$V/rogue.vcj" || t_setup_fail "rogue voucher"
openssl base64 -in "$V/ec.vcj" -out "$V/ec.b64" || t_setup_fail "base64 voucher"

# ------------------------------------------------------------ inputs
I=$T/in
mkdir -p "$I/cfg/etc/example" "$I/cfg/etc/systemd/system/multi-user.target.wants"
printf 'configured by the owner tool\n' >"$I/cfg/etc/example/message"
printf '#!/bin/sh\necho hello\n' >"$I/cfg/etc/example/run.sh"
chmod 750 "$I/cfg/etc/example/run.sh"
ln -s /etc/systemd/system/example.service "$I/cfg/etc/systemd/system/multi-user.target.wants/example.service"
ln -s message "$I/cfg/etc/example/motd"
printf '#!/bin/sh\necho pre\n' >"$I/pre.sh"
printf '#!/bin/sh\necho post\n' >"$I/post.sh"
head -c 300000 /dev/urandom >"$I/os.img"
IMG_SHA=$(sha256sum "$I/os.img" | cut -d' ' -f1)
URL=https://images.example.com/os.img

OUT=$T/out
# onb NAME ARGS...: sztp-artifacts onboarding with the usual inputs into $OUT/NAME
onb() {
	n=$1
	shift
	$ART onboarding --image "$I/os.img" --url "$URL" --url file:///media/os.img \
		--os-name "Example OS" --os-version 1.0 --config-dir "$I/cfg" --config-handling merge \
		--pre-script "$I/pre.sh" --post-script "$I/post.sh" --out "$OUT/$n" "$@" \
		>"$T/tool.out" 2>"$T/tool.err"
}

# accepted NAME DIR [VERIFY-ARGS...]: the tool succeeded and `sztpboot verify`
# accepts DIR's reply, printing back DIR's conveyed-information.json
accepted() {
	n=$1 d=$2
	shift 2
	if [ ! -s "$d/get-bootstrapping-data.json" ]; then
		t_fail "$n" "no reply written: $(tail -n 3 "$T/tool.err" "$T/tool.out" | tr '\n' ' ')"
		return
	fi
	"$SZ" verify "$@" "$d/get-bootstrapping-data.json" >"$T/verify.out" 2>"$T/verify.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		t_fail "$n" "sztpboot verify exit $rc: $(head -c 300 "$T/verify.err")"
	elif ! cmp -s "$T/verify.out" "$d/conveyed-information.json"; then
		t_fail "$n" "verify printed other conveyed information than conveyed-information.json"
	else
		t_ok "$n"
	fi
}
DEVICE="--serial $SN --voucher-ta $MASA"

# ------------------------------------------------------------ accepted
onb ec --owner-cert "$P/owner/owner.pem" --owner-key "$P/owner/owner.key" \
	--voucher "$V/ec.vcj" --serial "$SN" --voucher-ta "$MASA" --reporting-level verbose
accepted "EC owner, signed: accepted by sztpboot verify" "$OUT/ec" $DEVICE

if python3 - "$OUT/ec/conveyed-information.json" "$IMG_SHA" "$URL" "$OUT/ec/get-bootstrapping-data.json" <<'EOF'
import base64, json, sys
ci = json.load(open(sys.argv[1]))["ietf-sztp-conveyed-info:onboarding-information"]
bi = ci["boot-image"]
want = ":".join(sys.argv[2][i:i + 2] for i in range(0, 64, 2))
assert bi["image-verification"] == [{"hash-algorithm": "ietf-sztp-conveyed-info:sha-256",
                                      "hash-value": want}], bi
assert bi["download-uri"] == [sys.argv[3], "file:///media/os.img"]
assert (bi["os-name"], bi["os-version"]) == ("Example OS", "1.0")
assert ci["configuration-handling"] == "merge"
assert base64.b64decode(ci["pre-configuration-script"]) == b"#!/bin/sh\necho pre\n"
assert base64.b64decode(ci["post-configuration-script"]) == b"#!/bin/sh\necho post\n"
out = json.load(open(sys.argv[4]))["ietf-sztp-bootstrap-server:output"]
assert out["reporting-level"] == "verbose"
assert sorted(out) == ["conveyed-information", "owner-certificate", "ownership-voucher",
                       "reporting-level"]
EOF
then
	t_ok "the conveyed information: image sha-256 of the file, URLs in order, scripts, handling"
else
	t_fail "conveyed information contents"
fi

# the archive, as the agent will apply it
if tar -tvf "$OUT/ec/configuration.tar" >"$T/tar.txt" 2>&1 &&
	grep -Eq '^-rwxr-x--- 0/0 .* etc/example/run\.sh$' "$T/tar.txt" &&
	grep -Eq '^-rw-r--r-- 0/0 .* etc/example/message$' "$T/tar.txt" &&
	grep -Eq '^l.* etc/example/motd -> message$' "$T/tar.txt" &&
	grep -Eq '^l.*/multi-user\.target\.wants/example\.service -> /etc/systemd/system/example\.service$' "$T/tar.txt" &&
	python3 - "$OUT/ec/conveyed-information.json" "$OUT/ec/configuration.tar" <<'EOF'
import base64, json, sys, tarfile
ci = json.load(open(sys.argv[1]))["ietf-sztp-conveyed-info:onboarding-information"]
assert base64.b64decode(ci["configuration"]) == open(sys.argv[2], "rb").read()
names = tarfile.open(sys.argv[2]).getnames()
assert len(names) == 9 and all(n and n[0] not in "/." for n in names), names
EOF
then
	t_ok "configuration archive: relative paths, owners 0:0, modes and links kept"
else
	t_fail "configuration archive" "$(head -n 8 "$T/tar.txt" | tr '\n' ' ')"
fi

onb rsa --owner-cert "$K/rsa-owner.pem" --owner-key "$K/rsa-owner.key" --voucher "$V/rsa.vcj"
accepted "RSA owner, signed: accepted" "$OUT/rsa" $DEVICE

onb chain --owner-cert "$K/ec-owner.pem" --owner-key "$K/ec-owner.key" \
	--owner-chain "$K/ec-inter.pem" --voucher "$V/chain.vcj"
accepted "EC owner below an intermediate (--owner-chain), PKCS#8 key: accepted" "$OUT/chain" $DEVICE

onb enc-ec --owner-cert "$P/owner/owner.pem" --owner-key "$P/owner/owner.key" \
	--voucher "$V/ec.vcj" --encrypt-to "$P/device/idevid.pem"
accepted "EC owner, encrypted to the EC device certificate: decrypted and accepted" \
	"$OUT/enc-ec" $DEVICE --key "$P/device/idevid.key"
if [ "$(stat -c %a "$OUT/enc-ec/conveyed-information.json")" = 600 ]; then
	t_ok "encrypted: the clear conveyed-information.json is private (0600)"
else
	t_fail "clear copy of encrypted conveyed information" "mode $(stat -c %a "$OUT/enc-ec/conveyed-information.json")"
fi

onb enc-gcm --owner-cert "$P/owner/owner.pem" --owner-key "$P/owner/owner.key" \
	--voucher "$V/ec.vcj" --encrypt-to "$P/device/idevid.pem" --cipher aes-256-gcm
accepted "EC owner, AuthEnvelopedData (aes-256-gcm): accepted" \
	"$OUT/enc-gcm" $DEVICE --key "$P/device/idevid.key"

onb enc-rsa --owner-cert "$K/rsa-owner.pem" --owner-key "$K/rsa-owner.key" \
	--voucher "$V/rsa.vcj" --encrypt-to "$K/dev-rsa.pem"
accepted "RSA owner, encrypted to an RSA device certificate: accepted" \
	"$OUT/enc-rsa" $DEVICE --key "$K/dev-rsa.key"
"$SZ" verify $DEVICE "$OUT/enc-rsa/get-bootstrapping-data.json" >/dev/null 2>"$T/verify.err"
if [ $? -eq 1 ] && grep -q "encrypted" "$T/verify.err"; then
	t_ok "encrypted: without the device key it cannot be read"
else
	t_fail "encrypted without the key" "$(cat "$T/verify.err")"
fi

onb unsigned --unsigned --reporting-level minimal
accepted "unsigned onboarding information: accepted from a trusted server" "$OUT/unsigned" --trusted
"$SZ" verify "$OUT/unsigned/get-bootstrapping-data.json" >/dev/null 2>"$T/verify.err"
if [ $? -eq 1 ] && grep -q "unsigned onboarding information from an untrusted source" "$T/verify.err"; then
	t_ok "unsigned onboarding information: refused by the device from an untrusted source"
else
	t_fail "unsigned from an untrusted source" "$(cat "$T/verify.err")"
fi

# the reply made later, when the voucher arrives
onb later --owner-cert "$P/owner/owner.pem" --owner-key "$P/owner/owner.key"
if [ ! -e "$OUT/later/get-bootstrapping-data.json" ] && grep -q "no --voucher" "$T/tool.out" &&
	$ART response --ci "$OUT/later/conveyed-information.cms" --oc "$OUT/later/owner-certificate.cms" \
		--ov "$V/ec.b64" --serial "$SN" --voucher-ta "$MASA" --out "$OUT/later/get-bootstrapping-data.json" \
		2>"$T/tool.err"; then
	accepted "no voucher yet: artifacts without a reply; response --ov (base64) later: accepted" \
		"$OUT/later" $DEVICE
else
	t_fail "reply made later" "$(cat "$T/tool.err" "$T/tool.out")"
fi

# the same reply in XML, as servers that store XML serve it
mkdir -p "$OUT/later-xml"
cp "$OUT/later/conveyed-information.json" "$OUT/later-xml/"
if $ART response --ci "$OUT/later/conveyed-information.cms" --oc "$OUT/later/owner-certificate.cms" \
	--ov "$V/ec.vcj" --serial "$SN" --xml --out "$OUT/later-xml/get-bootstrapping-data.json" \
	2>"$T/tool.err" && head -c 7 "$OUT/later-xml/get-bootstrapping-data.json" | grep -q "^<output"; then
	accepted "response --xml: the reply in XML, accepted" "$OUT/later-xml" $DEVICE
else
	t_fail "response --xml" "$(cat "$T/tool.err")"
fi

# redirect information
$ART redirect --server bootstrap2.example.com:8443 --anchor "$P/server/ca.pem" \
	--server "[2001:db8::7]:9443" --server 192.0.2.9 \
	--owner-cert "$P/owner/owner.pem" --owner-key "$P/owner/owner.key" --voucher "$V/ec.vcj" \
	--out "$OUT/redirect" >"$T/tool.out" 2>"$T/tool.err"
accepted "signed redirect information with a trust anchor: accepted" "$OUT/redirect" $DEVICE
if python3 - "$OUT/redirect/conveyed-information.json" "$P/server/ca.pem" <<'EOF'
import base64, json, ssl, sys
s = json.load(open(sys.argv[1]))["ietf-sztp-conveyed-info:redirect-information"]["bootstrap-server"]
assert [(e["address"], e.get("port")) for e in s] == [
    ("bootstrap2.example.com", 8443), ("2001:db8::7", 9443), ("192.0.2.9", None)], s
ca = ssl.PEM_cert_to_DER_cert(open(sys.argv[2]).read())
assert ca in base64.b64decode(s[0]["trust-anchor"])
assert "trust-anchor" not in s[1] and "trust-anchor" not in s[2]
EOF
then
	t_ok "redirect: servers in order, IPv6 with a port, the anchor's certificate in its CMS"
else
	t_fail "redirect contents"
fi
$ART redirect --server 192.0.2.9:8443 --anchor "$P/server/ca.pem" --unsigned \
	--out "$OUT/redirect-unsigned" >"$T/tool.out" 2>"$T/tool.err"
accepted "unsigned redirect information: accepted (trusted source)" "$OUT/redirect-unsigned" --trusted
"$SZ" verify "$OUT/redirect-unsigned/get-bootstrapping-data.json" >"$T/verify.out" 2>"$T/verify.err"
if [ $? -eq 0 ] && grep -q "its trust anchors are discarded" "$T/verify.err" && grep -q "trust anchors count only" "$T/tool.out"; then
	t_ok "unsigned redirect from an untrusted source: anchors discarded (the tool says so)"
else
	t_fail "unsigned redirect, untrusted" "$(cat "$T/verify.err")"
fi

# the building blocks used by keys/mkartifacts.sh: certs is what openssl makes
openssl crl2pkcs7 -nocrl -certfile "$P/owner/owner.pem" -certfile "$P/owner/ca.pem" -outform DER \
	-out "$T/crl2p7.der" 2>/dev/null
$ART certs "$P/owner/owner.pem" "$P/owner/ca.pem" --out "$T/certs.der"
if cmp -s "$T/crl2p7.der" "$T/certs.der"; then
	t_ok "certs: the degenerate SignedData openssl crl2pkcs7 makes, byte for byte"
else
	t_fail "certs" "differs from openssl crl2pkcs7 -nocrl"
fi

# ------------------------------------------------------------ refusals
# refused NAME MESSAGE ARGS...: the tool exits 1, its stderr is the one
# line "sztp-artifacts: refused: MESSAGE", and nothing was written
refused() {
	n=$1 want="sztp-artifacts: refused: $2"
	shift 2
	rm -rf "$OUT/refused"
	"$@" >"$T/tool.out" 2>"$T/tool.err"
	rc=$?
	got=$(grep -v ': warning: ' "$T/tool.err")
	if [ $rc -ne 1 ]; then
		t_fail "$n" "exit $rc, want 1 ($(head -c 300 "$T/tool.err"))"
	elif [ "$got" != "$want" ]; then
		t_fail "$n" "message \"$got\", want \"$want\""
	elif [ -e "$OUT/refused" ]; then
		t_fail "$n" "refused, but wrote $(ls "$OUT/refused" | tr '\n' ' ')"
	else
		t_ok "$n"
	fi
}
OWN="--owner-cert $P/owner/owner.pem --owner-key $P/owner/owner.key"
R="--out $OUT/refused"

refused "a key that does not match the certificate" \
	"--owner-key $P/owner/ca.key does not match the certificate in --owner-cert $P/owner/owner.pem" \
	$ART onboarding --owner-cert "$P/owner/owner.pem" --owner-key "$P/owner/ca.key" $R
refused "an RSA key for an EC certificate" \
	"--owner-key $K/rsa-owner.key does not match the certificate in --owner-cert $P/owner/owner.pem" \
	$ART onboarding --owner-cert "$P/owner/owner.pem" --owner-key "$K/rsa-owner.key" $R
refused "an image URL that is not https" \
	"download URL http://images.example.com/os.img: the device fetches boot images over https:// or file:// only" \
	$ART onboarding $OWN --image "$I/os.img" --url http://images.example.com/os.img $R
refused "a URL with a space" \
	"download URL 'https://images.example.com/os 1.img' contains whitespace or control characters" \
	$ART onboarding $OWN --image "$I/os.img" --url "https://images.example.com/os 1.img" $R
refused "an owner certificate whose keyUsage lacks digitalSignature" \
	"--owner-cert $K/nods.pem: its keyUsage lacks digitalSignature, so the device refuses its signature" \
	$ART onboarding --owner-cert "$K/nods.pem" --owner-key "$K/nods.key" $R
refused "a voucher whose pinned-domain-cert does not anchor the owner" \
	"the pinned-domain-cert of --voucher $V/other-owner.vcj does not anchor the owner certificate (openssl verify: unable to get local issuer certificate)" \
	$ART onboarding $OWN --voucher "$V/other-owner.vcj" $R
refused "an intermediate owner without its chain" \
	"the pinned-domain-cert of --voucher $V/chain.vcj does not anchor the owner certificate (openssl verify: unable to get local issuer certificate)" \
	$ART onboarding --owner-cert "$K/ec-owner.pem" --owner-key "$K/ec-owner.key" --voucher "$V/chain.vcj" $R
refused "a voucher for another serial than --serial" \
	"--voucher $V/other-serial.vcj is for serial-number OTHER-0002, not $SN (--serial)" \
	$ART onboarding $OWN --voucher "$V/other-serial.vcj" --serial "$SN" $R
refused "a voucher for another device than the one encrypted to" \
	"--voucher $V/other-serial.vcj is for serial-number OTHER-0002, not $SN (the serialNumber of --encrypt-to $P/device/idevid.pem)" \
	$ART onboarding $OWN --voucher "$V/other-serial.vcj" --encrypt-to "$P/device/idevid.pem" $R
refused "an expired voucher" \
	"--voucher $V/expired.vcj expired on 2020-06-01T00:00:00Z" \
	$ART onboarding $OWN --voucher "$V/expired.vcj" $R
refused "a voucher created in the future" \
	"--voucher $V/future.vcj: created-on $FUTURE is in the future; a device whose clock is right refuses it" \
	$ART onboarding $OWN --voucher "$V/future.vcj" $R
refused "a voucher asking for revocation checks" \
	"--voucher $V/revocation.vcj asks for domain-cert-revocation-checks, which the device cannot do (docs/trust-model.md): ask for a voucher with expires-on instead" \
	$ART onboarding $OWN --voucher "$V/revocation.vcj" $R
refused "a voucher not signed by the given manufacturer anchor" \
	"--voucher $V/rogue.vcj is not signed by a certificate of --voucher-ta $MASA (openssl cms -verify: unable to get local issuer certificate)" \
	$ART onboarding $OWN --voucher "$V/rogue.vcj" --voucher-ta "$MASA" $R
refused "a voucher that is not CMS" \
	"--voucher $I/pre.sh: not a CMS structure (DER, PEM or base64 expected)" \
	$ART onboarding $OWN --voucher "$I/pre.sh" $R
printf 'QFI\373\0\0\0\3' >"$I/os.qcow2"
refused "a qcow2 image" \
	"--image $I/os.qcow2 is a qcow2 file; the device writes raw disk images, optionally gzip, xz or zstd compressed" \
	$ART onboarding $OWN --image "$I/os.qcow2" --url "$URL" $R
refused "an image without a URL" \
	"a boot image needs at least one --url (where the device downloads it)" \
	$ART onboarding $OWN --image "$I/os.img" $R
refused "a configuration without configuration-handling" \
	"a configuration needs --config-handling merge or replace" \
	$ART onboarding $OWN --config-dir "$I/cfg" $R
refused "neither signed nor --unsigned" \
	"give --owner-cert and --owner-key (signed data), or --unsigned" \
	$ART onboarding --post-script "$I/post.sh" $R

# unsafe configuration trees
C=$T/cfgs
mkdir -p "$C/escape/etc" "$C/fifo" "$C/ctl" "$C/suid/bin" "$C/dev"
ln -s ../../../etc/shadow "$C/escape/etc/shadow"
mkfifo "$C/fifo/pipe"
printf 'x' >"$C/ctl/$(printf 'bad\nname')"
printf 'x' >"$C/suid/bin/tool"
chmod 4755 "$C/suid/bin/tool"
refused "configuration: a symbolic link that leaves the directory" \
	"--config-dir $C/escape: \"etc/shadow\" -> \"../../../etc/shadow\": a symbolic link that leads out of the configuration root" \
	$ART onboarding $OWN --config-dir "$C/escape" --config-handling merge $R
refused "configuration: a FIFO" \
	"--config-dir $C/fifo: \"pipe\" is a FIFO; the configuration holds files, directories and symbolic links only" \
	$ART onboarding $OWN --config-dir "$C/fifo" --config-handling merge $R
refused "configuration: a control character in a name" \
	"--config-dir $C/ctl: 'bad\\nname': control character in the name" \
	$ART onboarding $OWN --config-dir "$C/ctl" --config-handling merge $R
refused "configuration: a set-user-ID file" \
	"--config-dir $C/suid: \"bin/tool\": set-user-ID bit" \
	$ART onboarding $OWN --config-dir "$C/suid" --config-handling merge $R
if [ "$(id -u)" -eq 0 ] && mknod "$C/dev/null" c 1 3 2>/dev/null; then
	refused "configuration: a device node" \
		"--config-dir $C/dev: \"null\" is a device node; the configuration holds files, directories and symbolic links only" \
		$ART onboarding $OWN --config-dir "$C/dev" --config-handling merge $R
else
	t_skip "configuration: a device node" "needs root (mknod)"
fi

# unsafe archives made elsewhere (--config-tar)
# mktar NAME TYPE PATH [LINK]: an archive with one such entry
mktar() {
	python3 - "$C/$1.tar" "$2" "$3" "${4:-}" <<'EOF'
import io, sys, tarfile
path, kind, name, link = sys.argv[1:5]
with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as t:
    ti = tarfile.TarInfo(name)
    ti.type = {"file": tarfile.REGTYPE, "hard": tarfile.LNKTYPE, "sym": tarfile.SYMTYPE,
               "chr": tarfile.CHRTYPE}[kind]
    ti.linkname = link
    t.addfile(ti, io.BytesIO(b"") if kind == "file" else None)
EOF
}
mktar abs file /etc/passwd
mktar dotdot file etc/../../passwd
mktar hard hard etc/hosts etc/passwd
mktar chr chr dev/console
mktar uplink sym etc/x ../../x
refused "archive: an absolute path" "--config-tar $C/abs.tar: \"/etc/passwd\": absolute path" \
	$ART onboarding $OWN --config-tar "$C/abs.tar" --config-handling merge $R
refused "archive: a .. component" "--config-tar $C/dotdot.tar: \"etc/../../passwd\": \"..\" component" \
	$ART onboarding $OWN --config-tar "$C/dotdot.tar" --config-handling merge $R
refused "archive: a hard link" "--config-tar $C/hard.tar: \"etc/hosts\": hard link" \
	$ART onboarding $OWN --config-tar "$C/hard.tar" --config-handling merge $R
refused "archive: a device node" "--config-tar $C/chr.tar: \"dev/console\": device node" \
	$ART onboarding $OWN --config-tar "$C/chr.tar" --config-handling merge $R
refused "archive: a link out of the root" \
	"--config-tar $C/uplink.tar: \"etc/x\" -> \"../../x\": a symbolic link that leads out of the configuration root" \
	$ART onboarding $OWN --config-tar "$C/uplink.tar" --config-handling merge $R

# response: the same voucher rules, and the pairing of the artifacts
refused "response: a voucher that does not anchor the owner certificate" \
	"the pinned-domain-cert of --voucher $V/other-owner.vcj does not anchor the owner certificate (openssl verify: unable to get local issuer certificate)" \
	$ART response --ci "$OUT/later/conveyed-information.cms" --oc "$OUT/later/owner-certificate.cms" \
	--ov "$V/other-owner.vcj"
refused "response: a voucher for another serial" \
	"--voucher $V/other-serial.vcj is for serial-number OTHER-0002, not $SN (--serial)" \
	$ART response --ci "$OUT/later/conveyed-information.cms" --oc "$OUT/later/owner-certificate.cms" \
	--ov "$V/other-serial.vcj" --serial "$SN"
refused "response: signed conveyed information without owner certificate and voucher" \
	"--ci $OUT/later/conveyed-information.cms is signed: the device needs --oc and --ov to check it" \
	$ART response --ci "$OUT/later/conveyed-information.cms"
refused "redirect: an address that is not a host" \
	"--server https://x.example: the address must be a host name or an IP address (letters, digits, '.', '-', '_', ':', '%')" \
	$ART redirect --server https://x.example --unsigned $R

# warnings that do not refuse: a nonce voucher is for one request only
onb nonce $OWN --voucher "$V/nonce.vcj"
if grep -q "the voucher carries a nonce: it is good for the one request" "$T/tool.out"; then
	t_ok "a nonce voucher: written, with the note that it serves one request only"
else
	t_fail "nonce voucher note" "$(cat "$T/tool.out" "$T/tool.err")"
fi
t_summary
