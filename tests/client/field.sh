#!/bin/sh
# tests/client/field.sh: the bootstrap client against servers as they are in
# the field (tests/server/sztp_api.py behaviours): a factory-fresh device (no
# bootstrap-server anchor) onboarding from stored vouchers that ignore the
# nonce (with expires-on, or long-lived: refused with --nonce-required),
# non-degenerate owner-certificate CMS, id-data conveyed information
# and unlabelled replies; RFC 8572 Appendix B (a signed redirect back to the
# same server, which the device must follow, now authenticated) while a real
# loop is still caught; a trust anchor in a signed redirect that binds its
# server; a nested redirect whose first branch is dead (section 5.5 is
# recursive); a server name whose first address fails in TLS or in the RPC.
# Each case asserts the outcome and the log line naming it.
. "$(dirname "$0")/lib.inc"

p1=$(free_port)
p2=$(free_port)
p3=$(free_port)
dead=$(free_port)
ca=$pki/server/ca.pem
signed_ob="\"signed\": true, \"onboarding\": {}"

# field_case NAME RC CONFIG OPTIONS CHECK...: `sztpboot run --no-pivot
# --max-rounds 1 OPTIONS https://127.0.0.1:p1` against server s1 on p1 with
# the configuration {"pki": ..., CONFIG}, then expect NAME RC CHECK...
field_case() {
	start_server s1 "$p1" "{\"pki\": \"$pki\", $3}"
	c_name=$1 c_rc=$2 c_opts=$4
	shift 4
	# shellcheck disable=SC2086
	client --no-pivot --max-rounds 1 $c_opts "https://127.0.0.1:$p1"
	expect "$c_name" "$c_rc" "$@"
	stop_server s1
}

# ---- factory-fresh: no bootstrap anchor; a stored voucher (expires-on, the
# nonce ignored), a signed (non-degenerate) owner-certificate CMS, conveyed
# information with eContentType id-data, and the reply labelled text/plain
field_case factory_fresh_stored_voucher 0 \
	"\"devices\": {\"*\": {$signed_ob, \"voucher\": \"stored\", \"owner_cert\": \"signed\", \"econtent_type\": \"data\", \"content_type\": \"text/plain\"}}" "" \
	has "connecting provisionally" has "Content-Type \"text/plain\" instead of" \
	has "verified onboarding-information \(signed\)" has "complete via 127.0.0.1:$p1" \
	gbd s1 nonce_len 32 progress s1 ""

# ---- a stored long-lived voucher (neither nonce nor expires-on, the nonce
# ignored): accepted and said so; refused when the operator requires nonces
field_case factory_fresh_long_lived_voucher 0 \
	"\"devices\": {\"*\": {$signed_ob, \"voucher\": \"long-lived\"}}" "" \
	has "connecting provisionally" \
	has "ownership voucher accepted: long-lived \(neither nonce nor expires-on\); no nonce although one was sent" \
	has "complete via 127.0.0.1:$p1" gbd s1 nonce_len 32
field_case long_lived_voucher_nonce_required 1 \
	"\"devices\": {\"*\": {$signed_ob, \"voucher\": \"long-lived\"}}" "--nonce-required" \
	has "voucher: has no nonce, and sztp.voucher=nonce-required \(the server did not echo the nonce sent\)" \
	progress s1 ""

# ---- Appendix B: the untrusted device gets a signed redirect back to the
# same server with the anchor of its certificate; it reconnects, now
# authenticated, and gets (unsigned) onboarding information and reports
field_case appendix_b_promotion 0 \
	"\"devices\": {\"*\": {\"appendix_b\": {\"address\": \"127.0.0.1\", \"port\": $p1, \"trust_anchor\": \"$ca\"}, \"reporting_level\": \"verbose\", \"onboarding\": {}}}" "" \
	has "verified redirect-information \(signed, trusted\): 1 server\(s\): 127.0.0.1:$p1 \(trust-anchor\)" \
	has "127.0.0.1:$p1 \(redirect 1 from 127.0.0.1:$p1\): connected, server authenticated" \
	count s1 get-bootstrapping-data 2 \
	progress s1 bootstrap-initiated,parsing-initiated,parsing-complete,bootstrap-complete

# ---- ... but the same server in the same trust state again is a loop
field_case same_trust_state_again_is_a_loop 1 \
	"\"devices\": {\"*\": {\"signed\": true, \"redirect\": [{\"address\": \"127.0.0.1\", \"port\": $p1, \"trust_anchor\": \"$ca\"}]}}" "" \
	has "\(redirect 2 from 127.0.0.1:$p1\): redirect loop: this server was already contacted" \
	has "redirect loop: every redirect target was already contacted" \
	count s1 get-bootstrapping-data 2

# ---- a trust anchor in a signed redirect binds the server: a certificate it
# does not validate makes that server fail (never a provisional contact),
# and the next server of the list is tried
start_server s2 "$p2" "{\"pki\": \"$pki\", \"devices\": {\"*\": {$signed_ob}}}"
start_server s3 "$p3" "{\"pki\": \"$pki\", \"devices\": {\"*\": {$signed_ob}}}"
field_case redirect_trust_anchor_binds 0 \
	"\"devices\": {\"*\": {\"signed\": true, \"redirect\": [{\"address\": \"127.0.0.1\", \"port\": $p2, \"trust_anchor\": \"$pki/masa/ca.pem\"}, {\"address\": \"127.0.0.1\", \"port\": $p3}]}}" "" \
	has "127.0.0.1:$p2 \(redirect 1 from 127.0.0.1:$p1\): connect: the trust anchor of the trusted redirect does not validate this server \(no provisional connection\): TLS handshake with 127.0.0.1: certificate not trusted" \
	count s2 get-bootstrapping-data 0 has "complete via 127.0.0.1:$p3"
stop_server s2
stop_server s3

# ---- a nested redirect whose only server is dead: back to the rest of the
# enclosing redirect (RFC 8572 section 5.5 is recursive)
start_server s2 "$p2" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"redirect\": [{\"address\": \"127.0.0.1\", \"port\": $dead}]}}}"
start_server s3 "$p3" "{\"pki\": \"$pki\", \"devices\": {\"*\": {$signed_ob}}}"
field_case nested_redirect_dead_branch 0 \
	"\"devices\": {\"*\": {\"redirect\": [{\"address\": \"127.0.0.1\", \"port\": $p2}, {\"address\": \"127.0.0.1\", \"port\": $p3}]}}" "" \
	has "127.0.0.1:$dead \(redirect 2 from 127.0.0.1:$p2\): connect: .*Connection refused" \
	has "every server of redirect 2 \(from 127.0.0.1:$p2\) failed: back to the rest of redirect 1" \
	has "complete via 127.0.0.1:$p3" count s3 get-bootstrapping-data 1
stop_server s2
stop_server s3

# ---- a server name with two addresses (a private /etc/hosts in a mount
# namespace of this test: nothing outside it changes); on the first the TLS
# handshake fails, then (second case) the RPC answers 500: the next address
# is tried and works
if unshare -m true 2>/dev/null; then
	printf '127.0.0.2 two.sztp.test\n127.0.0.1 two.sztp.test\n' >"$tmp/hosts"
	cat >"$tmp/sztpboot-ns" <<EOF
#!/bin/sh
exec unshare -m sh -c 'mount --bind "$tmp/hosts" /etc/hosts && exec "\$0" "\$@"' "$bin" "\$@"
EOF
	chmod +x "$tmp/sztpboot-ns"
	# 127.0.0.2:p1 accepts TCP and answers no TLS
	python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.2", int(sys.argv[1]))); s.listen(8)
open(sys.argv[2], "w").write("ready")
while True:
    c, _ = s.accept(); c.recv(512); c.sendall(b"HTTP/1.0 400 no TLS here\r\n\r\n"); c.close()
' "$p1" "$tmp/notls.ready" 2>/dev/null &
	notls=$!
	t_track $notls
	t_wait 5 $notls test -f "$tmp/notls.ready" || t_setup_fail "the no-TLS listener did not start"
	start_server s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {$signed_ob}}}"
	obin=$bin bin=$tmp/sztpboot-ns
	client --no-pivot --max-rounds 1 "https://two.sztp.test:$p1"
	expect every_address_after_tls_failure 0 \
		has "two.sztp.test:$p1 \(command line\): connect: TLS handshake with two.sztp.test" \
		has "trying address 2 of 2 of two.sztp.test" has "complete via two.sztp.test:$p1"
	stop_server s1
	t_stop $notls
	bin=$obin
else
	t_skip every_address_after_tls_failure "no mount namespaces (unshare -m)"
fi
if unshare -m true 2>/dev/null; then
	# the RPC fails on the first address: a server on 127.0.0.2 answering 500
	start_server s500 "$p2" "{\"pki\": \"$pki\", \"devices\": {\"*\": {$signed_ob}}, \"faults\": [{\"status\": 500, \"body\": \"busy\"}]}" \
		"$pki/server/server.pem" "$pki/server/server.key" 127.0.0.2
	start_server s2 "$p2" "{\"pki\": \"$pki\", \"devices\": {\"*\": {$signed_ob}}}"
	obin=$bin bin=$tmp/sztpboot-ns
	client --no-pivot --max-rounds 1 "https://two.sztp.test:$p2"
	expect every_address_after_rpc_failure 0 \
		has "get-bootstrapping-data: HTTP 500 \(expected 200\)" \
		has "trying address 2 of 2 of two.sztp.test" has "complete via two.sztp.test:$p2"
	stop_server s2
	stop_server s500
	bin=$obin
else
	t_skip every_address_after_rpc_failure "no mount namespaces (unshare -m)"
fi

t_summary
