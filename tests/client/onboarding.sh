#!/bin/sh
# tests/client/onboarding.sh: full RFC 8572 onboarding with `sztpboot run`
# against the test bootstrap server on loopback: signed data via an
# untrusted server, unsigned data via a trusted one, a 3-hop redirect chain
# with trust anchors, the exact progress-report sequences, and the client
# certificate sent with its intermediate CA.
. "$(dirname "$0")/lib.inc"

OB_EMPTY='{}'
OB_IMAGE='{"boot-image":{"os-name":"Demo","os-version":"1","download-uri":["https://127.0.0.1/images/x.img"],"image-verification":[{"hash-algorithm":"ietf-sztp-conveyed-info:sha-256","hash-value":"00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14:15:16:17:18:19:1a:1b:1c:1d:1e:1f"}]}}'

p1=$(free_port)

# ---- signed data via an untrusted server (no bootstrap anchors: provisional)
start_server s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"signed\": true, \"onboarding\": $OB_EMPTY}}}"
client --no-pivot --max-rounds 1 --hw-model "Demo Model" --basic "dev:secret" "https://127.0.0.1:$p1"
if [ $rc -eq 0 ] && has "connecting provisionally" && has "verified onboarding-information \(signed\)" &&
   has "progress will not be reported" && has "bootstrapping complete via 127.0.0.1:$p1" &&
   [ "$(progress s1)" = "" ] && [ "$(gbd s1 signed_data_preferred)" = true ] &&
   [ "$(gbd s1 nonce_len)" = 32 ] && [ "$(gbd s1 hw_model)" = null ] &&
   [ "$(gbd s1 basic)" = false ] && [ "$(gbd s1 client_serial)" = '"SZTP-DEMO-0001"' ]; then
	ok signed_via_untrusted
else
	bad signed_via_untrusted "rc=$rc progress=$(progress s1) sdp=$(gbd s1 signed_data_preferred) nonce=$(gbd s1 nonce_len) hw=$(gbd s1 hw_model)"
fi
stop_server s1

# ---- signed and encrypted conveyed information, untrusted server
start_server s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"signed\": true, \"encrypted\": true, \"onboarding\": $OB_EMPTY}}}"
client --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
if [ $rc -eq 0 ] && has "verified onboarding-information \(signed, encrypted\)"; then
	ok signed_encrypted_via_untrusted
else
	bad signed_encrypted_via_untrusted "rc=$rc"
fi
stop_server s1

# ---- unsigned data via a trusted server, minimal reporting
start_server s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"SZTP-DEMO-0001\": {\"onboarding\": $OB_EMPTY}}}"
client $trusted --no-pivot --max-rounds 1 --hw-model "Demo Model" --os-name Linux --os-version 6.1 \
	--basic "dev:secret" "https://127.0.0.1:$p1"
if [ $rc -eq 0 ] && has "server authenticated \(trust-state TRUE\)" &&
   has "verified onboarding-information \(unsigned, from a trusted server\), reporting-level minimal" &&
   has "report-progress bootstrap-initiated: warning: the device key is a file, not held in a TPM -> 204" &&
   has "report-progress bootstrap-complete -> 204" &&
   [ "$(progress s1)" = "bootstrap-initiated,bootstrap-complete" ] &&
   [ "$(gbd s1 signed_data_preferred)" = false ] && [ "$(gbd s1 nonce_len)" = 0 ] &&
   [ "$(gbd s1 hw_model)" = '"Demo Model"' ] && [ "$(gbd s1 os_version)" = '"6.1"' ] &&
   [ "$(gbd s1 basic)" = true ]; then
	ok unsigned_via_trusted_minimal
else
	bad unsigned_via_trusted_minimal "rc=$rc progress=$(progress s1) hw=$(gbd s1 hw_model) basic=$(gbd s1 basic)"
fi
stop_server s1

# ---- verbose reporting: every step
start_server s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"reporting_level\": \"verbose\", \"onboarding\": $OB_EMPTY}}}"
client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
want="bootstrap-initiated,parsing-initiated,parsing-complete,bootstrap-complete"
if [ $rc -eq 0 ] && [ "$(progress s1)" = "$want" ] && has "reporting-level verbose"; then
	ok progress_sequence_verbose
else
	bad progress_sequence_verbose "rc=$rc progress=$(progress s1), want $want"
fi
stop_server s1

# ---- a boot image, but no --target-disk: nothing can be installed ->
# boot-image-error, failure (tests/install/install.sh installs for real)
start_server s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"onboarding\": $OB_IMAGE}}}"
client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
if [ $rc -eq 1 ] && [ "$(progress s1)" = "bootstrap-initiated,boot-image-error" ] &&
   has "download-uri 1: https://127.0.0.1/images/x.img" &&
   has "boot-image-error: no install target .*: abandoning"; then
	ok boot_image_error_minimal
else
	bad boot_image_error_minimal "rc=$rc progress=$(progress s1)"
fi
stop_server s1
start_server s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"reporting_level\": \"verbose\", \"onboarding\": $OB_IMAGE}}}"
client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
want="bootstrap-initiated,parsing-initiated,parsing-complete,informational,boot-image-initiated,boot-image-error"
if [ $rc -eq 1 ] && [ "$(progress s1)" = "$want" ]; then
	ok boot_image_error_verbose
else
	bad boot_image_error_verbose "rc=$rc progress=$(progress s1), want $want"
fi
stop_server s1

# ---- a 3-hop redirect chain with trust anchors.
# A (test PKI server certificate, trusted through --bootstrap-ta) redirects
# to B with trust anchor CA2; B (certificate from CA2, which the device does
# not know otherwise) redirects to C with CA2; C gives onboarding
# information. Only the anchors carried by the redirects make B and C
# trusted, and only trusted servers get unsigned onboarding accepted.
cd "$tmp" || exit 1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca2.key \
	-out ca2.pem -days 30 -subj "/CN=Redirect CA2" \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
	>/dev/null 2>&1 || t_setup_fail "CA2"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >s2.ext
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout s2.key -out s2.csr \
	-subj "/CN=hop server" >/dev/null 2>&1 &&
openssl x509 -req -in s2.csr -CA ca2.pem -CAkey ca2.key -CAcreateserial -out s2.pem -days 30 \
	-extfile s2.ext >/dev/null 2>&1 || t_setup_fail "CA2 server certificate"
cd "$here" || exit 1
pa=$p1 pb=$(free_port) pc=$(free_port)
start_server hopa "$pa" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"redirect\": [{\"address\": \"127.0.0.1\", \"port\": $pb, \"trust_anchor\": \"$tmp/ca2.pem\"}]}}}"
start_server hopb "$pb" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"redirect\": [{\"address\": \"127.0.0.1\", \"port\": $pc, \"trust_anchor\": \"$tmp/ca2.pem\"}]}}}" "$tmp/s2.pem" "$tmp/s2.key"
start_server hopc "$pc" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"reporting_level\": \"verbose\", \"onboarding\": $OB_EMPTY}}}" "$tmp/s2.pem" "$tmp/s2.key"
client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$pa"
if [ $rc -eq 0 ] && has "127.0.0.1:$pa \(command line\): verified redirect-information \(unsigned, trusted\): 1 server\(s\): 127.0.0.1:$pb \(trust-anchor\)" &&
   has "127.0.0.1:$pb \(redirect 1 from 127.0.0.1:$pa\): connected, server authenticated" &&
   has "127.0.0.1:$pc \(redirect 2 from 127.0.0.1:$pb\): connected, server authenticated" &&
   [ "$(progress hopa)" = "" ] && [ "$(progress hopb)" = "" ] &&
   [ "$(progress hopc)" = "bootstrap-initiated,parsing-initiated,parsing-complete,bootstrap-complete" ]; then
	ok redirect_chain_3_hops_trust_anchors
else
	bad redirect_chain_3_hops_trust_anchors "rc=$rc progress a=$(progress hopa) b=$(progress hopb) c=$(progress hopc)"
fi
# the same chain without the first anchor: A is provisional, its redirect
# untrusted, its anchors discarded, so C's unsigned onboarding is refused
client --no-pivot --max-rounds 1 "https://127.0.0.1:$pa"
if [ $rc -eq 1 ] && has "trust anchors discarded" &&
   has "unsigned onboarding information from an untrusted source"; then
	ok redirect_chain_untrusted_discards_anchors
else
	bad redirect_chain_untrusted_discards_anchors "rc=$rc"
fi
stop_server hopa
stop_server hopb
stop_server hopc

# ---- IPv6: a server on [::1] (its certificate names no ::1: provisional, signed data)
if python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
	p6=$(free_port)
	start_server v6 "$p6" "{\"pki\": \"$pki\", \"bind\": \"::1\", \"devices\": {\"*\": {\"signed\": true, \"onboarding\": {}}}}" \
		"$pki/server/server.pem" "$pki/server/server.key" ::1
	client $trusted --no-pivot --max-rounds 1 "https://[::1]:$p6"
	if [ $rc -eq 0 ] && has "https://\[::1\]:$p6 \(command line\): connect: TLS handshake with ::1: certificate has no iPAddress subjectAltName ::1" &&
	   has "verified onboarding-information \(signed\)" && has "complete via \[::1\]:$p6"; then
		ok ipv6_literal_provisional_signed
	else
		bad ipv6_literal_provisional_signed "rc=$rc"
	fi
	stop_server v6
else
	echo "skip ipv6_literal_provisional_signed: no IPv6 loopback"
fi

# ---- a server that answers only in XML, shaped exactly like a vendor's
# recipe for static-file servers (tests/server/sztp_api.py "recipe"): the
# namespace in upper case, application/yang.data+xml, base64 wrapped at 76,
# CRLF content, id-data, a stored voucher without the nonce. Signed data via
# an untrusted server, then unsigned via a trusted one with verbose reports.
start_server s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"recipe\": true, \"signed\": true, \"onboarding\": $OB_EMPTY}}}"
client --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
if [ $rc -eq 0 ] && has "get-bootstrapping-data: the reply is XML \(Content-Type \"application/yang.data\+xml\"\)" &&
   has "an XML namespace differs from the RFC's in letter case" &&
   has "verified onboarding-information \(signed\), reporting-level verbose" &&
   has "bootstrapping complete via 127.0.0.1:$p1" && [ "$(gbd s1 nonce_len)" = 32 ]; then
	ok xml_recipe_signed_via_untrusted
else
	bad xml_recipe_signed_via_untrusted "rc=$rc"
fi
stop_server s1
start_server s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"recipe\": true, \"onboarding\": $OB_EMPTY}}}"
client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
want="bootstrap-initiated,parsing-initiated,parsing-complete,bootstrap-complete"
if [ $rc -eq 0 ] && has "the reply is XML" && has "verified onboarding-information \(unsigned, from a trusted server\), reporting-level verbose" &&
   [ "$(progress s1)" = "$want" ]; then
	ok xml_recipe_unsigned_via_trusted_verbose
else
	bad xml_recipe_unsigned_via_trusted_verbose "rc=$rc progress=$(progress s1), want $want"
fi
stop_server s1

# ---- XML all the way: the output and the conveyed information (.42, signed)
CI_XML='<onboarding-information xmlns=\"urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info\"><configuration-handling>merge</configuration-handling></onboarding-information>'
start_server s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"encoding\": \"xml\", \"signed\": true, \"conveyed_xml\": \"$CI_XML\"}}}"
client --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
if [ $rc -eq 0 ] && has "the reply is XML \(Content-Type \"application/yang-data\+xml\"\)" &&
   has "conveyed information in the XML encoding" && has "verified onboarding-information \(signed\)" &&
   ! has "letter case"; then
	ok xml_output_and_conveyed_information
else
	bad xml_output_and_conveyed_information "rc=$rc"
fi
stop_server s1

# ---- an XML RESTCONF error reply is read for its message
start_server s1 "$p1" "{\"pki\": \"$pki\", \"faults\": [{\"path\": \"/restconf/*\", \"status\": 403, \"content_type\": \"application/yang-data+xml\", \"body\": \"<errors xmlns=\\\"urn:ietf:params:xml:ns:yang:ietf-restconf\\\"><error><error-type>protocol</error-type><error-tag>access-denied</error-tag><error-message>device not on the list</error-message></error></errors>\"}]}"
client --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
if [ $rc -eq 1 ] && has "HTTP 403 \(expected 200\): error-tag \"access-denied\": device not on the list"; then
	ok xml_restconf_error_reply
else
	bad xml_restconf_error_reply "rc=$rc"
fi
stop_server s1

# ---- a DNS name: every resolved address in turn (localhost: ::1 and/or 127.0.0.1)
start_server s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"onboarding\": {}}}}"
client $trusted --no-pivot --max-rounds 1 --verbose "https://localhost:$p1"
if [ $rc -eq 0 ] && has "https: connected to localhost \(127.0.0.1:$p1\)" &&
   has "server authenticated" && [ "$(progress s1)" = "bootstrap-initiated,bootstrap-complete" ]; then
	ok dns_name_every_address
else
	bad dns_name_every_address "rc=$rc"
fi
stop_server s1

# ---- the client certificate's chain (RFC 8572 section 5.1 item 2): a device
# certificate issued by an intermediate CA, the server trusting only the
# root. The intermediate goes with the certificate, or the server cannot
# identify the device: the control has the device certificate alone.
ic=$tmp/ichain
mkdir -p "$ic"
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n' >"$ic/ca.ext"
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n' >"$ic/ee.ext"
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
	-subj "/CN=Chain Test Root CA" -addext basicConstraints=critical,CA:TRUE \
	-addext keyUsage=critical,keyCertSign,cRLSign -keyout "$ic/root.key" -out "$ic/root.pem" &&
   openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-subj "/CN=Chain Test Intermediate CA" -keyout "$ic/int.key" -out "$ic/int.csr" &&
   openssl x509 -req -in "$ic/int.csr" -CA "$ic/root.pem" -CAkey "$ic/root.key" -set_serial 2 \
	-days 30 -extfile "$ic/ca.ext" -out "$ic/int.pem" &&
   openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-subj "/CN=SZTP-CHAIN-0001/serialNumber=SZTP-CHAIN-0001" -keyout "$ic/dev.key" -out "$ic/dev.csr" &&
   openssl x509 -req -in "$ic/dev.csr" -CA "$ic/int.pem" -CAkey "$ic/int.key" -set_serial 3 \
	-days 30 -extfile "$ic/ee.ext" -out "$ic/dev.pem"; then
	cat "$ic/dev.pem" "$ic/int.pem" >"$ic/chain.pem"
else
	t_setup_fail "openssl could not make the intermediate-CA device certificate"
fi >"$ic/openssl.log" 2>&1
client_ca=$ic/root.pem start_server s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"SZTP-CHAIN-0001\": {\"onboarding\": {}}}}"
out=$("$bin" run --cert "$ic/chain.pem" --key "$ic/dev.key" --voucher-ta "$pki/anchors/voucher" $trusted \
	--backoff 50,100 --no-pivot --max-rounds 1 "https://127.0.0.1:$p1" 2>&1) && rc=0 || rc=$?
expect client_chain_intermediate_sent 0 has "complete via 127.0.0.1:$p1" \
	gbd s1 client_serial '"SZTP-CHAIN-0001"' progress s1 bootstrap-initiated,bootstrap-complete
out=$("$bin" run --cert "$ic/dev.pem" --key "$ic/dev.key" --voucher-ta "$pki/anchors/voucher" $trusted \
	--backoff 50,100 --no-pivot --max-rounds 1 "https://127.0.0.1:$p1" 2>&1) && rc=0 || rc=$?
expect client_chain_without_intermediate_refused 1 count s1 get-bootstrapping-data 1 \
	has "TLS handshake with 127.0.0.1"
stop_server s1

t_summary
