#!/bin/sh
# tests/tls/https.sh: the HTTPS client (BearSSL) against loopback servers.
#
# Makes a throwaway PKI with the openssl command line, runs Python HTTPS
# servers on 127.0.0.1 (tests/tls/server.py), and checks `sztpboot get`.
# Prints "ok NAME" / "FAIL NAME: why" per case and "N passed, N failed".
#   SZTPBOOT=path/to/sztpboot (default build/sztpboot)
#   VERBOSE=1 also shows each command's output; KEEP_TMP=1 keeps the temp dir
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lib/common.sh"
bin=${SZTPBOOT:-$top/build/sztpboot}
t_tmpdir sztp-https
tmp=$T_TMP

ok() {
	t_ok "$1"
	if [ -n "${VERBOSE:-}" ]; then printf '%s\n' "${out:-}" | sed 's/^/    /'; fi
}
bad() { t_fail "$1" "$2"; }

[ -x "$bin" ] || t_setup_fail "$bin not built"
t_need openssl python3

# ---------------------------------------------------------------- PKI
cd "$tmp" || exit 1
q() { "$@" >/dev/null 2>"$tmp/openssl.err" || { cat "$tmp/openssl.err" >&2; t_setup_fail "$*"; }; }

# $kp is a word list on purpose: key options
# shellcheck disable=SC2086
# mkca NAME [rsa]
mkca() {
	if [ "${2:-}" = rsa ]; then kp="-newkey rsa:2048"; else kp="-newkey ec -pkeyopt ec_paramgen_curve:P-256"; fi
	q openssl req -x509 $kp -nodes -keyout "$1.key" -out "$1.pem" -days 30 \
		-subj "/CN=$1 test CA" -addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign"
}
# shellcheck disable=SC2086
# mkcert NAME CA SAN [rsa]
mkcert() {
	if [ "${4:-}" = rsa ]; then kp="-newkey rsa:2048"; else kp="-newkey ec -pkeyopt ec_paramgen_curve:P-256"; fi
	printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n' "$3" >"$1.ext"
	q openssl req -new $kp -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1"
	q openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial \
		-out "$1.pem" -days 30 -extfile "$1.ext"
}

mkca ca
mkca other
mkca rsaca rsa
mkcert good ca "DNS:localhost,DNS:bootstrap.example,IP:127.0.0.1,IP:::1"
mkcert foreign other "DNS:localhost,IP:127.0.0.1"
mkcert wrongname ca "DNS:other.example,IP:127.0.0.2"
mkcert rsa rsaca "DNS:localhost,IP:127.0.0.1" rsa
# an expired certificate, issued with `openssl ca` (explicit dates)
mkdir -p ca.db/new && : >ca.db/index.txt && echo 1000 >ca.db/serial
cat >ca.cnf <<CNF
[ca]
default_ca = d
[d]
database = $tmp/ca.db/index.txt
new_certs_dir = $tmp/ca.db/new
serial = $tmp/ca.db/serial
default_md = sha256
policy = p
[p]
commonName = supplied
CNF
q openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in good.csr \
	-out expired.pem -startdate 20200101000000Z -enddate 20200201000000Z \
	-extfile good.ext -notext
cp good.key expired.key
mkdir anchors && cp ca.pem anchors/ca.pem && cp rsaca.pem anchors/rsa.crt && echo "not a cert" >anchors/README
openssl x509 -in ca.pem -outform DER -out ca.der 2>/dev/null
echo "garbage" >garbage.pem

mkdir www www/.well-known
printf '<XRD><Link rel="restconf" href="/restconf"/></XRD>\n' >www/.well-known/host-meta
echo "index" >www/index.html
head -c 1000000 /dev/urandom >www/image.bin

# start NAME ARGS...: run server.py (in this shell, so that it is stopped at
# exit), wait for its port in $tmp/NAME.port; sets $port
start() {
	name=$1
	shift
	python3 "$here/server.py" "$@" >"$tmp/$name.port" 2>"$tmp/$name.log" &
	t_track $!
	if ! t_wait 10 $! test -s "$tmp/$name.port"; then
		cat "$tmp/$name.log"
		t_setup_fail "server $name did not start"
	fi
	port=$(cat "$tmp/$name.port")
}

start good https good.pem good.key www; p_good=$port
start foreign https foreign.pem foreign.key www; p_foreign=$port
start wrong https wrongname.pem wrongname.key www; p_wrong=$port
start rsa https rsa.pem rsa.key www; p_rsa=$port
start expired https expired.pem expired.key www; p_exp=$port
start tls13 https good.pem good.key www tls13; p_13=$port
start tls11 https good.pem good.key www tls11; p_11=$port
start silent silent; p_silent=$port
# IPv6 loopback may be disabled (containers): then the IPv6 case is skipped
if python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
	start v6 https good.pem good.key www ipv6; p_v6=$port
	start v6wrong https wrongname.pem wrongname.key www ipv6; p_v6wrong=$port
else
	p_v6=
fi
p_closed=$(python3 "$here/server.py" closed)

# ---------------------------------------------------------------- cases
# run NAME ARGS...: sets $out (stdout+stderr), $rc
run() {
	out=$("$bin" get "$@" 2>&1)
	rc=$?
}

# expect_status NAME STATUS ARGS...
expect_status() {
	name=$1 want=$2
	shift 2
	run "$@"
	if [ $rc -eq 0 ] && [ "$(printf '%s\n' "$out" | head -n 1)" = "status $want" ]; then
		ok "$name"
	else
		bad "$name" "rc=$rc, want status $want: $out"
	fi
}

# expect_fail NAME PATTERN ARGS...: exit 1 and stderr matching PATTERN (grep -E)
expect_fail() {
	name=$1 pat=$2
	shift 2
	run "$@"
	if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -Eq "$pat"; then
		ok "$name"
	else
		bad "$name" "rc=$rc, want 1 and /$pat/: $out"
	fi
}

expect_status ip_host_meta 200 "https://127.0.0.1:$p_good/.well-known/host-meta" --ca ca.pem --timeout 5
expect_status ip_not_found 404 "https://127.0.0.1:$p_good/no/such/file" --ca ca.pem --timeout 5
expect_status dns_localhost 200 "https://localhost:$p_good/" --ca ca.pem --timeout 5
expect_status ca_directory 200 "https://127.0.0.1:$p_good/" --ca anchors --timeout 5
expect_status ca_der 200 "https://127.0.0.1:$p_good/" --ca ca.der --timeout 5
if [ -n "$p_v6" ]; then
	expect_status ipv6_literal 200 "https://[::1]:$p_v6/.well-known/host-meta" --ca ca.pem --timeout 5
	expect_fail ipv6_san_mismatch "certificate has no iPAddress subjectAltName ::1" \
		"https://[::1]:$p_v6wrong/" --ca ca.pem --timeout 5
else
	t_skip ipv6_literal "no IPv6 loopback"
fi
expect_status rsa_server 200 "https://localhost:$p_rsa/.well-known/host-meta" --ca anchors --timeout 5

run "https://127.0.0.1:$p_good/.well-known/host-meta" --ca ca.pem --body --timeout 5
if [ $rc -eq 0 ] && [ "$out" = "status 200
<XRD><Link rel=\"restconf\" href=\"/restconf\"/></XRD>" ]; then ok body_content_length; else bad body_content_length "rc=$rc: $out"; fi

# keep-alive: three requests, the last two on the first connection
run "https://127.0.0.1:$p_good/conn" --ca ca.pem --repeat 3 --timeout 5
if [ $rc -eq 0 ] && [ "$(printf '%s\n' "$out" | grep -c '^status 200 reused')" -eq 3 ] &&
   printf '%s\n' "$out" | sed -n 1p | grep -q 'reused 0' &&
   printf '%s\n' "$out" | sed -n 3p | grep -q 'reused 1'; then
	ok keep_alive
else
	bad keep_alive "rc=$rc: $out"
fi
# Connection: close from the server: the next request opens a new connection
run "https://127.0.0.1:$p_good/conn-close" --ca ca.pem --repeat 2 --timeout 5
if [ $rc -eq 0 ] && [ "$(printf '%s\n' "$out" | grep -c 'reused 0')" -eq 2 ]; then
	ok connection_close_honoured
else
	bad connection_close_honoured "rc=$rc: $out"
fi
# a 1 MB body streamed into a file (larger than any buffer), then resumed with Range
rm -f got.bin
run "https://127.0.0.1:$p_good/image.bin" --ca ca.pem --out got.bin --timeout 5
if [ $rc -eq 0 ] && cmp -s got.bin www/image.bin; then ok stream_to_file; else bad stream_to_file "rc=$rc: $out"; fi
head -c 300000 www/image.bin >part.bin
run "https://127.0.0.1:$p_good/image.bin" --ca ca.pem --out part.bin --range 300000 --timeout 5
if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q '^status 206$' &&
   printf '%s\n' "$out" | grep -q '^range 300000-999999/1000000$' && cmp -s part.bin www/image.bin; then
	ok range_resume
else
	bad range_resume "rc=$rc: $out"
fi
expect_status range_past_end 416 "https://127.0.0.1:$p_good/image.bin" --ca ca.pem --range 2000000 --timeout 5

run "https://localhost:$p_good/chunked" --ca ca.pem --body --timeout 5
if [ $rc -eq 0 ] && [ "$out" = "status 200
hello, chunked world" ]; then ok body_chunked; else bad body_chunked "rc=$rc: $out"; fi

run "https://127.0.0.1:$p_good/close" --ca ca.pem --body --timeout 5
if [ $rc -eq 0 ] && [ "$out" = "status 200
until close" ]; then ok body_until_close_notify; else bad body_until_close_notify "rc=$rc: $out"; fi

expect_fail body_truncated "body after 12 bytes \(no Content-Length\): read from 127\.0\.0\.1: connection closed by" \
	"https://127.0.0.1:$p_good/truncated" --ca ca.pem --body --timeout 5

expect_fail other_ca "certificate not trusted \(BearSSL error 62: BR_ERR_X509_NOT_TRUSTED\)" \
	"https://127.0.0.1:$p_foreign/" --ca ca.pem --timeout 5
expect_fail ip_san_mismatch "https: TLS handshake with 127\.0\.0\.1: certificate has no iPAddress subjectAltName 127\.0\.0\.1.*BR_ERR_X509_BAD_SERVER_NAME" \
	"https://127.0.0.1:$p_wrong/" --ca ca.pem --timeout 5
expect_fail dns_name_mismatch "certificate does not name host localhost.*BR_ERR_X509_BAD_SERVER_NAME" \
	"https://localhost:$p_wrong/" --ca ca.pem --timeout 5
expect_fail expired "BR_ERR_X509_EXPIRED.*validation time 2[0-9]{3}-" \
	"https://127.0.0.1:$p_exp/" --ca ca.pem --timeout 5
expect_fail rsa_untrusted "BR_ERR_X509_NOT_TRUSTED" \
	"https://localhost:$p_rsa/" --ca ca.pem --timeout 5
expect_fail tls13_only "server sent fatal alert 70 protocol_version" \
	"https://127.0.0.1:$p_13/" --ca ca.pem --timeout 5
# TLS 1.2 is the least the client speaks (RFC 8040 section 2.1)
expect_fail tls11_only_refused "TLS handshake with 127\.0\.0\.1: .*(BR_ERR_UNSUPPORTED_VERSION|protocol_version|handshake_failure)" \
	"https://127.0.0.1:$p_11/" --ca ca.pem --timeout 5
expect_fail refused "^sztpboot get: https: connect 127\.0\.0\.1:$p_closed: Connection refused$" \
	"https://127.0.0.1:$p_closed/" --ca ca.pem --timeout 5

start_s=$(date +%s)
expect_fail timeout "TLS handshake with 127\.0\.0\.1: timed out after 2 s" \
	"https://127.0.0.1:$p_silent/" --ca ca.pem --timeout 2
took=$(($(date +%s) - start_s))
if [ $took -ge 1 ] && [ $took -le 5 ]; then ok timeout_duration; else bad timeout_duration "took ${took}s for a 2 s timeout"; fi

# A DNS name with an IPv6 and an IPv4 address (a private /etc/hosts in a mount
# namespace): every address is tried in order; the server listens on IPv4 only.
printf '::1 bootstrap.example\n127.0.0.1 bootstrap.example\n' >hosts
# shellcheck disable=SC2016 # $1 expands in the inner shell
if unshare -m sh -c 'mount --bind "$1" /etc/hosts' sh "$tmp/hosts" 2>/dev/null; then
	hrun() {
		# shellcheck disable=SC2016
		out=$(unshare -m sh -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' \
			sh "$tmp/hosts" "$bin" get "$@" 2>&1)
		rc=$?
	}
	hrun "https://bootstrap.example:$p_good/.well-known/host-meta" --ca ca.pem --timeout 5
	if [ $rc -eq 0 ] && [ "$out" = "status 200" ]; then ok dns_multi_address; else bad dns_multi_address "rc=$rc: $out"; fi
	hrun "https://bootstrap.example:$p_closed/" --ca ca.pem --timeout 5
	if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -Eq "connect bootstrap\.example:$p_closed: .*Connection refused; .*Connection refused"; then
		ok dns_all_addresses_fail
	else
		bad dns_all_addresses_fail "rc=$rc: $out"
	fi
else
	t_skip dns_multi_address "no mount namespaces"
fi

expect_fail garbage_anchor "garbage\.pem: not a certificate" \
	"https://127.0.0.1:$p_good/" --ca garbage.pem --timeout 5
expect_fail missing_anchor "nonexistent: cannot open: No such file" \
	"https://127.0.0.1:$p_good/" --ca "$tmp/nonexistent" --timeout 5
run "http://127.0.0.1:$p_good/" --ca ca.pem
if [ $rc -eq 2 ] && printf '%s\n' "$out" | grep -q "scheme must be https"; then ok bad_url; else bad bad_url "rc=$rc: $out"; fi

# ---------------------------------------------------------------- the system CA store
# Without --ca, on a host without /etc/sztp/, get and fetch validate against
# the system's CA store (src/cmd/cmd_ca.h): $SSL_CERT_FILE, else the
# directories of $SSL_CERT_DIR, else /etc/ssl/certs/ca-certificates.crt.
if [ -e /etc/sztp ]; then
	t_skip system_ca "/etc/sztp exists on this host: get and fetch use the device's anchors"
else
	# sys ENV... -- ARGS...: `sztpboot` with only the given SSL_CERT_* variables
	sys() {
		e=""
		while [ "$1" != -- ]; do e="$e $1"; shift; done
		shift
		# shellcheck disable=SC2086
		out=$(env -u SSL_CERT_FILE -u SSL_CERT_DIR $e "$bin" "$@" 2>&1)
		rc=$?
	}
	sys SSL_CERT_FILE="$tmp/ca.pem" -- get "https://127.0.0.1:$p_good/.well-known/host-meta" --timeout 5
	if [ $rc -eq 0 ] && [ "$out" = "status 200" ]; then ok system_ca_file; else bad system_ca_file "rc=$rc: $out"; fi
	# a directory that holds the CA under two names (as /etc/ssl/certs does)
	mkdir -p certdir && cp ca.pem certdir/test-ca.pem && cp ca.pem certdir/test-ca-again.crt
	cp other.pem certdir/other.pem
	sys SSL_CERT_DIR="$tmp/empty-dir:$tmp/certdir" -- get "https://127.0.0.1:$p_good/.well-known/host-meta" --timeout 5
	if [ $rc -eq 0 ] && [ "$out" = "status 200" ]; then ok system_ca_dir; else bad system_ca_dir "rc=$rc: $out"; fi
	sys SSL_CERT_DIR="$tmp/empty-dir" -- get "https://127.0.0.1:$p_good/" --timeout 5
	if [ $rc -eq 1 ] && printf '%s
' "$out" | grep -q "system CA store (SSL_CERT_DIR): no certificate in $tmp/empty-dir"; then
		ok system_ca_dir_empty
	else
		bad system_ca_dir_empty "rc=$rc: $out"
	fi
	# SSL_CERT_FILE wins over SSL_CERT_DIR, as with OpenSSL
	sys SSL_CERT_FILE="$tmp/other.pem" SSL_CERT_DIR="$tmp/certdir" -- get "https://127.0.0.1:$p_good/" --timeout 5
	if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q "not trusted"; then ok system_ca_file_first; else bad system_ca_file_first "rc=$rc: $out"; fi
	sys SSL_CERT_FILE="$tmp/nonexistent.pem" -- get "https://127.0.0.1:$p_good/" --timeout 5
	if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q "system CA store (SSL_CERT_FILE): anchors: $tmp/nonexistent.pem: cannot open: No such file or directory (give the server's CA with --ca FILE|DIR)"; then
		ok system_ca_missing
	else
		bad system_ca_missing "rc=$rc: $out"
	fi
	# the distribution's own store (when installed): it loads, and does not
	# trust the test CA
	if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
		sys -- get "https://127.0.0.1:$p_good/" --timeout 5
		if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q "not trusted" &&
		   ! printf '%s\n' "$out" | grep -q "anchors:"; then
			ok system_ca_default_bundle
		else
			bad system_ca_default_bundle "rc=$rc: $out"
		fi
		sys SSL_CERT_DIR=/etc/ssl/certs -- get "https://127.0.0.1:$p_closed/" --timeout 5
		if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q "Connection refused"; then
			ok system_ca_etc_ssl_certs_dir
		else
			bad system_ca_etc_ssl_certs_dir "rc=$rc: $out"
		fi
	else
		t_skip system_ca_default_bundle "no /etc/ssl/certs/ca-certificates.crt (package ca-certificates)"
	fi
	# fetch: the device's image path, with the CA in a temporary SSL_CERT_FILE
	sum=$(sha256sum www/image.bin | cut -d' ' -f1)
	sys SSL_CERT_FILE="$tmp/ca.pem" -- fetch "https://127.0.0.1:$p_good/image.bin" --sha256 "$sum" \
		--out "$tmp/fetched.bin" --timeout 10
	if [ $rc -eq 0 ] && cmp -s www/image.bin fetched.bin &&
	   printf '%s\n' "$out" | grep -q "fetch: image server certificates are validated against the system CA store $tmp/ca.pem (SSL_CERT_FILE) (1 anchors)"; then
		ok fetch_system_ca_file
	else
		bad fetch_system_ca_file "rc=$rc: $out"
	fi
	rm -f fetched.bin
	sys SSL_CERT_FILE="$tmp/other.pem" -- fetch "https://127.0.0.1:$p_good/image.bin" --sha256 "$sum" \
		--out "$tmp/fetched.bin" --timeout 10
	if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q "not trusted" && ! [ -s fetched.bin ]; then
		ok fetch_system_ca_refuses
	else
		bad fetch_system_ca_refuses "rc=$rc: $out"
	fi
	sys SSL_CERT_FILE="$tmp/nonexistent.pem" -- fetch "https://127.0.0.1:$p_good/image.bin" --sha256 "$sum" \
		--out "$tmp/fetched.bin" --timeout 10
	if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q "(give the image server's CA with --ca FILE)"; then
		ok fetch_system_ca_missing
	else
		bad fetch_system_ca_missing "rc=$rc: $out"
	fi
fi

t_summary
