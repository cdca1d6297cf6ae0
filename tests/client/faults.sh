#!/bin/sh
# tests/client/faults.sh: the bootstrap client against a misbehaving
# bootstrap server (tests/server/sztp_server.py fault injection). Each case
# asserts the outcome (recovery by retry / next server / next source, or
# refusal) AND the log line naming the failure.
. "$(dirname "$0")/lib.inc"

GBD=/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data
RP=/restconf/operations/ietf-sztp-bootstrap-server:report-progress
dev="\"devices\": {\"*\": {\"onboarding\": {}}}"
p1=$(free_port)
p2=$(free_port)

# fault_case NAME FAULTS-JSON: server on p1 with these faults, unsigned
# onboarding, trusted client, two rounds (the fault hits once: round 2 works)
serve() { start_server s1 "$p1" "{\"pki\": \"$pki\", $dev, \"faults\": [$1]}"; }

# ---- a server slower than the response-head timeout: retried, then works
serve "{\"path\": \"$GBD\", \"delay\": 3, \"count\": 1}"
client $trusted --no-pivot --max-rounds 2 --response-timeout 1000 "https://127.0.0.1:$p1"
if [ $rc -eq 0 ] && has "get-bootstrapping-data: no complete response head within 1 s" &&
   has "round 1 failed; next round in" && has "complete via 127.0.0.1:$p1 .*round 2"; then
	ok delay_beyond_timeout_retried
else
	bad delay_beyond_timeout_retried "rc=$rc"
fi
stop_server s1

# ---- a body that stalls longer than the idle timeout
serve "{\"path\": \"$GBD\", \"delay_body\": 3, \"split\": 20, \"count\": 1}"
client $trusted --no-pivot --max-rounds 2 --idle-timeout 1000 "https://127.0.0.1:$p1"
if [ $rc -eq 0 ] && has "get-bootstrapping-data: body after 20 of [0-9]+ bytes: read from 127.0.0.1: timed out after 1 s"; then
	ok idle_timeout_mid_body
else
	bad idle_timeout_mid_body "rc=$rc"
fi
stop_server s1

# ---- 5xx N times: each round fails until the server recovers
serve "{\"path\": \"$GBD\", \"status\": 503, \"count\": 2, \"body\": \"{\\\"ietf-restconf:errors\\\":{\\\"error\\\":[{\\\"error-type\\\":\\\"application\\\",\\\"error-tag\\\":\\\"operation-failed\\\",\\\"error-message\\\":\\\"try later\\\"}]}}\"}"
client $trusted --no-pivot --max-rounds 3 "https://127.0.0.1:$p1"
n503=$(printf '%s\n' "$out" | grep -c 'warning: https://127.0.0.1:[0-9]* (command line): get-bootstrapping-data: HTTP 503 (expected 200): error-tag "operation-failed": try later')
if [ $rc -eq 0 ] && [ "$n503" -eq 2 ] && has "round 3"; then
	ok http_5xx_n_times
else
	bad http_5xx_n_times "rc=$rc, $n503 logged 503s"
fi
stop_server s1
serve "{\"path\": \"$GBD\", \"status\": 500}"
client $trusted --no-pivot --max-rounds 2 "https://127.0.0.1:$p1"
if [ $rc -eq 1 ] && has "HTTP 500 \(expected 200\)" && has "no bootstrap source succeeded in 2 round"; then
	ok http_5xx_forever_gives_up_at_max_rounds
else
	bad http_5xx_forever_gives_up_at_max_rounds "rc=$rc"
fi
stop_server s1

# ---- connection reset in the middle of the body
serve "{\"path\": \"$GBD\", \"reset\": true, \"split\": 40, \"count\": 1}"
client $trusted --no-pivot --max-rounds 2 "https://127.0.0.1:$p1"
if [ $rc -eq 0 ] && has "get-bootstrapping-data: body after [0-9]+ of [0-9]+ bytes: read from 127.0.0.1: (Connection reset by peer|connection closed by)"; then
	ok reset_mid_body
else
	bad reset_mid_body "rc=$rc"
fi
stop_server s1

# ---- truncated body (Content-Length not reached, then a clean close)
serve "{\"path\": \"$GBD\", \"truncate\": 30, \"count\": 1}"
client $trusted --no-pivot --max-rounds 2 "https://127.0.0.1:$p1"
if [ $rc -eq 0 ] && has "get-bootstrapping-data: connection closed after 30 of [0-9]+ body bytes"; then
	ok truncated_body
else
	bad truncated_body "rc=$rc"
fi
stop_server s1

# ---- wrong Content-Type
serve "{\"path\": \"$GBD\", \"content_type\": \"text/html\", \"count\": 1}"
client $trusted --no-pivot --max-rounds 2 "https://127.0.0.1:$p1"
if [ $rc -eq 0 ] && has "get-bootstrapping-data: wrong Content-Type \"text/html\" \(expected application/yang-data\+json\)"; then
	ok wrong_content_type
else
	bad wrong_content_type "rc=$rc"
fi
stop_server s1

# ---- oversized JSON (beyond the 1 MiB reply limit): refused, never truncated
serve "{\"path\": \"$GBD\", \"oversize\": 1100000}"
client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
if [ $rc -eq 1 ] && has "get-bootstrapping-data: response body of 1100000 bytes larger than the buffer of 1048576 bytes"; then
	ok oversized_json
else
	bad oversized_json "rc=$rc"
fi
stop_server s1

# ---- malformed JSON
serve "{\"path\": \"$GBD\", \"status\": 200, \"body\": \"{\\\"ietf-sztp-bootstrap-server:output\\\": {\\\"conveyed-information\\\": \"}"
client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
if [ $rc -eq 1 ] && has "verify: response: " && [ "$(progress s1)" = "" ]; then
	ok malformed_json
else
	bad malformed_json "rc=$rc"
fi
stop_server s1

# ---- redirect loop: A -> B -> A
start_server la "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"redirect\": [{\"address\": \"127.0.0.1\", \"port\": $p2}]}}}"
start_server lb "$p2" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"redirect\": [{\"address\": \"127.0.0.1\", \"port\": $p1}]}}}"
client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
if [ $rc -eq 1 ] && has "https://127.0.0.1:$p1 \(redirect 2 from 127.0.0.1:$p2\): redirect loop" &&
   has "redirect loop: every redirect target was already contacted" &&
   [ "$(count la get-bootstrapping-data)" = 1 ] && [ "$(count lb get-bootstrapping-data)" = 1 ]; then
	ok redirect_loop
else
	bad redirect_loop "rc=$rc a=$(count la get-bootstrapping-data) b=$(count lb get-bootstrapping-data)"
fi
stop_server la
stop_server lb

# ---- an untrusted redirect to a server that sends unsigned onboarding
start_server la "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"redirect\": [{\"address\": \"127.0.0.1\", \"port\": $p2, \"trust_anchor\": \"$pki/server/ca.pem\"}]}}}"
start_server lb "$p2" "{\"pki\": \"$pki\", $dev}"
client --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
if [ $rc -eq 1 ] && has "trust anchors discarded" &&
   has "127.0.0.1:$p2 \(redirect 1 from 127.0.0.1:$p1\): verify: conveyed-information: unsigned onboarding information from an untrusted source" &&
   [ "$(progress lb)" = "" ] && [ "$(gbd lb signed_data_preferred)" = true ]; then
	ok redirect_to_unsigned_onboarding_refused
else
	bad redirect_to_unsigned_onboarding_refused "rc=$rc"
fi
stop_server la
stop_server lb

# ---- report-progress answering 200 instead of 204 to bootstrap-initiated
serve "{\"path\": \"$RP\", \"status\": 200, \"match\": \"bootstrap-initiated\"}"
client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
if [ $rc -eq 1 ] && has "report-progress bootstrap-initiated: HTTP 200 \(expected 204\)" &&
   has "onboarding abandoned" && [ "$(progress s1)" = "bootstrap-initiated" ]; then
	ok report_200_to_initiated_abandons
else
	bad report_200_to_initiated_abandons "rc=$rc progress=$(progress s1)"
fi
stop_server s1

# ---- report-progress 500 to a verbose step: logged, onboarding goes on
start_server s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"reporting_level\": \"verbose\", \"onboarding\": {}}}, \"faults\": [{\"path\": \"$RP\", \"status\": 500, \"match\": \"parsing-complete\"}]}"
client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
if [ $rc -eq 0 ] && has "report-progress parsing-complete: HTTP 500 \(expected 204\)" &&
   [ "$(progress s1)" = "bootstrap-initiated,parsing-initiated,parsing-complete,bootstrap-complete" ]; then
	ok report_500_to_step_logged
else
	bad report_500_to_step_logged "rc=$rc progress=$(progress s1)"
fi
stop_server s1

# ---- report-progress 500 to bootstrap-complete: not complete
serve "{\"path\": \"$RP\", \"status\": 500, \"match\": \"bootstrap-complete\"}"
client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
if [ $rc -eq 1 ] && has "report-progress bootstrap-complete: HTTP 500 \(expected 204\)" &&
   has "onboarding not complete"; then
	ok report_500_to_complete_fails
else
	bad report_500_to_complete_fails "rc=$rc"
fi
stop_server s1

# ---- unknown device: 401 with a RESTCONF error, logged
start_server s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"OTHER-SERIAL\": {\"onboarding\": {}}}}"
client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
if [ $rc -eq 1 ] && has "HTTP 401 \(expected 200\): error-tag \"access-denied\": unknown device SZTP-DEMO-0001"; then
	ok unknown_device_401
else
	bad unknown_device_401 "rc=$rc"
fi
stop_server s1

# ---- a dead first source, then the next source in order
closed=$(free_port)
start_server s1 "$p1" "{\"pki\": \"$pki\", $dev}"
client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$closed" "https://127.0.0.1:$p1"
if [ $rc -eq 0 ] && has "1\. https://127.0.0.1:$closed \(command line\)" && has "2\. https://127.0.0.1:$p1" &&
   has "https://127.0.0.1:$closed \(command line\): connect: connect 127.0.0.1:$closed: Connection refused" &&
   has "source 1/2 https://127.0.0.1:$closed \(command line\) failed" && has "complete via 127.0.0.1:$p1"; then
	ok next_source_after_refused
else
	bad next_source_after_refused "rc=$rc"
fi
stop_server s1

# ---- a server certificate that does not validate: provisional, signed data only
serve ""
client --bootstrap-ta "$pki/anchors/voucher" --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
if [ $rc -eq 1 ] && has "connect: TLS handshake with 127.0.0.1: certificate not trusted.*continuing provisionally" &&
   has "unsigned onboarding information from an untrusted source" && [ "$(gbd s1 nonce_len)" = 32 ]; then
	ok untrusted_certificate_goes_provisional
else
	bad untrusted_certificate_goes_provisional "rc=$rc"
fi
stop_server s1

# ---- host-meta fallback: the server's RESTCONF root is not /restconf
start_server s1 "$p1" "{\"pki\": \"$pki\", \"restconf_root\": \"/api/rc\", $dev}"
client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
if [ $rc -eq 0 ] && has "HTTP 404: trying /.well-known/host-meta" && has "host-meta: RESTCONF root is /api/rc" &&
   [ "$(progress s1)" = "bootstrap-initiated,bootstrap-complete" ]; then
	ok host_meta_fallback
else
	bad host_meta_fallback "rc=$rc"
fi
stop_server s1

# ---- sztp.timeout bounds the forever loop
start=$(date +%s)
client $trusted --no-pivot --timeout 2 --backoff 300,300 "https://127.0.0.1:$closed"
took=$(( $(date +%s) - start ))
if [ $rc -eq 1 ] && has "gave up after 2 s \(sztp.timeout\)" && [ $took -le 5 ] && has "round 3"; then
	ok timeout_bounds_loop
else
	bad timeout_bounds_loop "rc=$rc took=${took}s"
fi

# ---- keep-alive: get-bootstrapping-data and the reports on one connection
start_server s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"reporting_level\": \"verbose\", \"onboarding\": {}}}}"
client $trusted --no-pivot --max-rounds 1 --verbose "https://127.0.0.1:$p1"
nconn=$(printf '%s\n' "$out" | grep -c 'https: connected to 127.0.0.1')
if [ $rc -eq 0 ] && [ "$nconn" -eq 1 ] && [ "$(count s1 progress)" = 4 ]; then
	ok keep_alive_one_connection
else
	bad keep_alive_one_connection "rc=$rc, $nconn connections"
fi
stop_server s1

finish
