#!/bin/sh
# tests/owner/nginx.sh: the nginx block of docs/servers.md, as written, serves
# the owner tool's stored reply: `sztpboot run` onboards a loop device from it.
#
# The artifacts are made by the quick start's steps (docs/quickstart.md
# snippets "setup", "standins", "describe", "artifacts", with the bootstrap
# server 127.0.0.1 on a free port). The nginx snippet (docs/servers.md,
# between its markers) runs inside a minimal http{} block with everything in
# a temp dir (nginx's workers run as root there: the dir is private); the
# only changes to the block: /srv/sztp becomes the quick start's working
# directory and "listen 8443" becomes 127.0.0.1 on that port. Checks: the
# reply is chosen by the client certificate's serialNumber, its
# Content-Type, a 204 for every progress report, the image, the onboarding.
# Skips (no FAIL) when nginx is not installed. Needs root (loop devices).
#   SZTPBOOT=path, KEEP_TMP=1. Prints ok/FAIL lines and "N passed, N failed".
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/common.sh"
BIN=${SZTPBOOT:-$TOP/build/sztpboot}
NGINX=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null || true)
if [ -z "$NGINX" ]; then
	t_skip "nginx" "not installed (Debian: nginx)"
	t_summary
	exit 0
fi
[ "$(id -u)" -eq 0 ] || t_setup_fail "needs root (loop devices, mount)"
[ -x "$BIN" ] || t_setup_fail "$BIN not built"
t_need openssl python3 losetup
t_tmpdir sztp-nginx
T=$T_TMP
. "$TOP/tests/owner/lib.inc"
W=$T/site
mkdir -p "$W" "$T/ng"
PORT=$(free_port)
snippet() { doc_snippet "$TOP/docs/$1" "$2"; }
{
	snippet quickstart.md setup | sed "s/^SERVER=[^ ]*/SERVER=127.0.0.1/; s/^PORT=[^ ]*/PORT=$PORT/"
	snippet quickstart.md standins
	snippet quickstart.md describe
	snippet quickstart.md artifacts
} >"$T/steps.sh"
(cd "$W" && SZTP=$TOP sh -e "$T/steps.sh") >"$T/steps.out" 2>&1 ||
	{ t_tail 20 "$T/steps.out"; t_setup_fail "the quick start's steps failed"; }
SN=$(sed -n 's/^SN=\([^ ]*\).*/\1/p' "$T/steps.sh")

snippet servers.md nginx >"$T/nginx-doc.conf"
[ -s "$T/nginx-doc.conf" ] || t_setup_fail "docs/servers.md has no nginx snippet"
sed "s|/srv/sztp|$W|g; s|listen 8443 ssl;|listen 127.0.0.1:$PORT ssl;|" "$T/nginx-doc.conf" >"$T/ng/sztp.conf"
grep -q "listen 127.0.0.1:$PORT ssl;" "$T/ng/sztp.conf" || t_setup_fail "the nginx snippet no longer listens on 8443"
cat >"$T/ng/nginx.conf" <<NGINX_EOF
user root root;            # the temp dir is private to root
worker_processes 1;
daemon off;
pid $T/ng/nginx.pid;
error_log $T/ng/error.log info;
events { worker_connections 64; }
http {
    access_log $T/ng/access.log;
    client_body_temp_path $T/ng/body;
    proxy_temp_path $T/ng/proxy;
    fastcgi_temp_path $T/ng/fcgi;
    uwsgi_temp_path $T/ng/uwsgi;
    scgi_temp_path $T/ng/scgi;
    include $T/ng/sztp.conf;
}
NGINX_EOF
"$NGINX" -p "$T/ng" -c "$T/ng/nginx.conf" >"$T/ng/out" 2>&1 &
NG=$!
t_track $NG
port_open() { python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$PORT" 2>/dev/null; }
if t_wait 10 $NG port_open; then
	t_ok "nginx runs the docs/servers.md block"
else
	t_fail "nginx start" "see below"
	t_tail 10 "$T/ng/out" "$T/ng/error.log"
	t_summary
	exit 1
fi

device_disk
device_run --bootstrap-ta "$W/server-ca.pem" --voucher-ta "$W/manufacturer-voucher-ca.pem"
rc=$RC
P=$TOP/build/pki
if [ $rc -eq 0 ] && grep -q "get-bootstrapping-data: HTTP 200" "$T/device.out" &&
	! grep -q "Content-Type .* instead of" "$T/device.out" &&
	grep -q "image written and verified" "$T/device.out" &&
	grep -q "report-progress bootstrap-complete .*-> 204" "$T/device.out"; then
	t_ok "device onboarded from nginx: reply by serialNumber, yang-data+json, image, 204s"
else
	t_fail "onboarding from nginx" "exit $rc"
	t_tail 20 "$T/device.out" "$T/ng/error.log"
fi
reports=$(grep -c 'POST /restconf/operations/ietf-sztp-bootstrap-server:report-progress HTTP/1.1" 204' "$T/ng/access.log")
if [ "$reports" -ge 12 ]; then
	t_ok "nginx acknowledged every progress report with 204 ($reports)"
else
	t_fail "progress reports" "$reports answered 204"
fi
# a client certificate from another CA (the server's own) gets no reply
code=$(python3 - "$PORT" "$P" <<'PY'
import http.client, ssl, sys
port, pki = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=pki + "/server/ca.pem")
ctx.check_hostname = False
ctx.load_cert_chain(pki + "/server/server.pem", pki + "/server/server.key")
c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
try:
    c.request("POST", "/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data", body=b"{}")
    print(c.getresponse().status)
except (ssl.SSLError, OSError) as e:
    print("tls: %s" % e)
PY
)
case $code in
	"tls:"* | 400 | 403) t_ok "a client certificate not from the manufacturer CA gets no reply ($code)" ;;
	*) t_fail "foreign client certificate" "got $code" ;;
esac
t_stop $NG
t_summary
