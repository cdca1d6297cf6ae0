# tests/bench/lib-nginx.sh: a private nginx on a free loopback port serving a
# directory over HTTPS (TLS 1.2 only, one cipher suite), for tests/bench/bench.sh.
# Sourced (POSIX sh):
#
#   nginx_start DIR ROOT CERT KEY   config, pid file, logs and temp dirs under
#                                   DIR; serves ROOT (its parents must be
#                                   searchable by nginx's unprivileged worker
#                                   user); sets NGINX_PORT and NGINX_PID (the
#                                   master, our child); 0 or 1
#   nginx_stop                      TERM to NGINX_PID, wait for it to go
#
# The cipher suite is pinned (ECDHE-ECDSA-AES128-GCM-SHA256 for an EC key,
# ECDHE-RSA-AES128-GCM-SHA256 for RSA) so that every client of one run, curl
# and sztpboot alike, decrypts the same way. Nothing is logged per request.
# Only the process started here is ever signalled, by its PID.

NGINX_PID=
NGINX_PORT=

# nginx_start DIR ROOT CERT KEY
nginx_start() {
	_nd=$1 _nroot=$2 _ncert=$3 _nkey=$4
	_nbin=$(command -v nginx || echo /usr/sbin/nginx)
	[ -x "$_nbin" ] || { echo "nginx_start: nginx is not installed (make deps)" >&2; return 1; }
	mkdir -p "$_nd/tmp" || return 1
	# the workers run as nobody: they must reach ROOT
	chmod 755 "$_nd" "$_nd/tmp" "$_nroot" 2>/dev/null
	_ntries=0
	while [ $_ntries -lt 20 ]; do
		_ntries=$((_ntries + 1))
		# a port in 20000..59999 from the PID and the try
		NGINX_PORT=$((20000 + ($$ * 7919 + _ntries * 104729 + $(date +%N | sed 's/^0*//;s/^$/0/')) % 40000))
		cat >"$_nd/nginx.conf" <<-EOF
		worker_processes 1;
		daemon off;
		pid $_nd/nginx.pid;
		error_log $_nd/error.log warn;
		events { worker_connections 64; }
		http {
		    access_log off;
		    client_body_temp_path $_nd/tmp/body;
		    proxy_temp_path $_nd/tmp/proxy;
		    fastcgi_temp_path $_nd/tmp/fastcgi;
		    uwsgi_temp_path $_nd/tmp/uwsgi;
		    scgi_temp_path $_nd/tmp/scgi;
		    types { application/octet-stream img; }
		    default_type application/octet-stream;
		    sendfile on;
		    keepalive_timeout 30;
		    server {
		        listen 127.0.0.1:$NGINX_PORT ssl;
		        ssl_certificate $_ncert;
		        ssl_certificate_key $_nkey;
		        ssl_protocols TLSv1.2;
		        ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256;
		        ssl_prefer_server_ciphers on;
		        root $_nroot;
		    }
		}
		EOF
		: >"$_nd/error.log"
		"$_nbin" -p "$_nd" -e "$_nd/error.log" -c "$_nd/nginx.conf" 2>>"$_nd/error.log" &
		NGINX_PID=$!
		_ni=0
		while [ $_ni -lt 50 ]; do
			if ! kill -0 "$NGINX_PID" 2>/dev/null; then
				break # exited: port taken, or a configuration error
			fi
			if [ -s "$_nd/nginx.pid" ] &&
				curl -sk -o /dev/null "https://127.0.0.1:$NGINX_PORT/" 2>/dev/null; then
				return 0
			fi
			sleep 0.1
			_ni=$((_ni + 1))
		done
		nginx_stop
		grep -q 'Address already in use' "$_nd/error.log" || break
	done
	echo "nginx_start: nginx did not start: $(tail -n 3 "$_nd/error.log" | tr '\n' ' ')" >&2
	NGINX_PORT=
	return 1
}

nginx_stop() {
	[ -n "$NGINX_PID" ] || return 0
	kill "$NGINX_PID" 2>/dev/null
	wait "$NGINX_PID" 2>/dev/null
	NGINX_PID=
}
