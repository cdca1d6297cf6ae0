#!/bin/sh
# tests/client/faults.sh: the bootstrap client against a misbehaving
# bootstrap server (tests/server/sztp_server.py fault injection). Each case
# asserts the outcome (recovery by retry / next server / next source, or
# refusal) AND the log line naming the failure. (Oversized JSON, the
# redirect loop and unsigned data from an untrusted server are cases of the
# negative matrix, tests/negative/.)
. "$(dirname "$0")/lib.inc"

GBD=/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data
RP=/restconf/operations/ietf-sztp-bootstrap-server:report-progress
dev="\"devices\": {\"*\": {\"onboarding\": {}}}"
p1=$(free_port)
p2=$(free_port)

# probe NAME RC OPTIONS CHECK...: `sztpboot run --no-pivot OPTIONS` against
# https://127.0.0.1:p1 (OPTIONS is split into words), then expect NAME RC
# CHECK... (tests/client/lib.inc)
probe() {
	t_name=$1 t_rc=$2 t_opts=$3
	shift 3
	# shellcheck disable=SC2086
	client --no-pivot $t_opts "https://127.0.0.1:$p1"
	expect "$t_name" "$t_rc" "$@"
}

# run_case NAME RC CONFIG OPTIONS CHECK...: probe a bootstrap server s1 on p1
# that has the configuration {"pki": ..., CONFIG}
run_case() {
	start_server s1 "$p1" "{\"pki\": \"$pki\", $3}"
	c_name=$1 c_rc=$2
	shift 3
	probe "$c_name" "$c_rc" "$@"
	stop_server s1
}

# fault_case NAME RC FAULT OPTIONS CHECK...: run_case with unsigned onboarding
# for every device, FAULT as the server's one fault, and a trusted client
fault_case() {
	c_name=$1 c_rc=$2 c_fault=$3 c_opts=$4
	shift 4
	run_case "$c_name" "$c_rc" "$dev, \"faults\": [$c_fault]" "$trusted $c_opts" "$@"
}

# redirect_case NAME RC REDIRECT B-CONFIG OPTIONS CHECK...: probe server la
# on p1, which redirects to REDIRECT, beside server lb on p2, which has the
# configuration {"pki": ..., B-CONFIG}
redirect_case() {
	start_server la "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"redirect\": [$3]}}}"
	start_server lb "$p2" "{\"pki\": \"$pki\", $4}"
	c_name=$1 c_rc=$2
	shift 4
	probe "$c_name" "$c_rc" "$@"
	stop_server la
	stop_server lb
}

# The limits below leave the answering server a few seconds (a loaded
# machine); the faults exceed them by far.
# ---- a server slower than the response-head timeout: retried, then works
fault_case delay_beyond_timeout_retried 0 "{\"path\": \"$GBD\", \"delay\": 20, \"count\": 1}" \
	"--max-rounds 2 --response-timeout 4000" \
	has "get-bootstrapping-data: no complete response head within 4 s" \
	has "round 1 failed; next round in" has "complete via 127.0.0.1:$p1 .*round 2"

# ---- a body that stalls longer than the idle timeout
fault_case idle_timeout_mid_body 0 "{\"path\": \"$GBD\", \"delay_body\": 20, \"split\": 20, \"count\": 1}" \
	"--max-rounds 2 --idle-timeout 4000" \
	has "get-bootstrapping-data: body after 20 of [0-9]+ bytes: read from 127.0.0.1: timed out after 4 s"

# ---- 5xx N times: each round fails until the server recovers
fault_case http_5xx_n_times 0 "{\"path\": \"$GBD\", \"status\": 503, \"count\": 2, \"body\": \"{\\\"ietf-restconf:errors\\\":{\\\"error\\\":[{\\\"error-type\\\":\\\"application\\\",\\\"error-tag\\\":\\\"operation-failed\\\",\\\"error-message\\\":\\\"try later\\\"}]}}\"}" \
	"--max-rounds 3" \
	times 2 'warning: https://127.0.0.1:[0-9]* \(command line\): get-bootstrapping-data: HTTP 503 \(expected 200\): error-tag "operation-failed": try later' \
	has "round 3"
fault_case http_5xx_forever_gives_up_at_max_rounds 1 "{\"path\": \"$GBD\", \"status\": 500}" "--max-rounds 2" \
	has "HTTP 500 \(expected 200\)" has "no bootstrap source succeeded in 2 round"

# ---- connection reset in the middle of the body
fault_case reset_mid_body 0 "{\"path\": \"$GBD\", \"reset\": true, \"split\": 40, \"count\": 1}" "--max-rounds 2" \
	has "get-bootstrapping-data: body after [0-9]+ of [0-9]+ bytes: read from 127.0.0.1: (Connection reset by peer|connection closed by)"

# ---- truncated body (Content-Length not reached, then a clean close)
fault_case truncated_body 0 "{\"path\": \"$GBD\", \"truncate\": 30, \"count\": 1}" "--max-rounds 2" \
	has "get-bootstrapping-data: connection closed after 30 of [0-9]+ body bytes"

# ---- wrong Content-Type
fault_case wrong_content_type 0 "{\"path\": \"$GBD\", \"content_type\": \"text/html\", \"count\": 1}" "--max-rounds 2" \
	has "get-bootstrapping-data: wrong Content-Type \"text/html\" \(expected application/yang-data\+json\)"

# ---- a JSON reply labelled text/plain (or not labelled): taken as JSON, with a warning
fault_case text_plain_reply_accepted 0 "{\"path\": \"$GBD\", \"content_type\": \"text/plain\"}" "--max-rounds 1" \
	has "get-bootstrapping-data: Content-Type \"text/plain\" instead of application/yang-data\+json: taking the body as JSON" \
	progress s1 bootstrap-initiated,bootstrap-complete
fault_case no_content_type_accepted 0 "{\"path\": \"$GBD\", \"content_type\": \"\"}" "--max-rounds 1" \
	has "get-bootstrapping-data: Content-Type \"\(none\)\" instead of" progress s1 bootstrap-initiated,bootstrap-complete

# ---- an error reply that is not a RESTCONF error document: reason and first body line
fault_case plain_error_reply_logged 1 "{\"path\": \"$GBD\", \"status\": 500, \"content_type\": \"text/plain\", \"body\": \"Serial Number not present in HTTP header\\nsecond line\"}" \
	"--max-rounds 1" \
	has "HTTP 500 \(expected 200\): Internal Server Error; body \"Serial Number not present in HTTP header\"$"

# ---- malformed JSON from a trusted server: it is told (bootstrap-initiated, parsing-error)
fault_case malformed_json 1 "{\"path\": \"$GBD\", \"status\": 200, \"body\": \"{\\\"ietf-sztp-bootstrap-server:output\\\": {\\\"conveyed-information\\\": \"}" \
	"--max-rounds 1" has "verify: response: " \
	has "report-progress parsing-error: response: .* -> 204" progress s1 bootstrap-initiated,parsing-error

# ---- an untrusted redirect to a server that sends unsigned onboarding
redirect_case redirect_to_unsigned_onboarding_refused 1 \
	"{\"address\": \"127.0.0.1\", \"port\": $p2, \"trust_anchor\": \"$pki/server/ca.pem\"}" "$dev" "--max-rounds 1" \
	has "trust anchors discarded" \
	has "127.0.0.1:$p2 \(redirect 1 from 127.0.0.1:$p1\): verify: conveyed-information: unsigned onboarding information from an untrusted source" \
	progress lb "" gbd lb signed_data_preferred true

# ---- report-progress answering 200 instead of 204 to bootstrap-initiated:
# abandoned, and bootstrap-error is tried (RFC 8572 section 5.6 step 1)
fault_case report_200_to_initiated_abandons 1 "{\"path\": \"$RP\", \"status\": 200, \"match\": \"bootstrap-initiated\"}" \
	"--max-rounds 1" has "report-progress bootstrap-initiated: HTTP 200 \(expected 204\)" \
	has "onboarding abandoned" progress s1 bootstrap-initiated,bootstrap-error

# ---- report-progress 500 to a verbose step: logged, onboarding goes on
run_case report_500_to_step_logged 0 \
	"\"devices\": {\"*\": {\"reporting_level\": \"verbose\", \"onboarding\": {}}}, \"faults\": [{\"path\": \"$RP\", \"status\": 500, \"match\": \"parsing-complete\"}]" \
	"$trusted --max-rounds 1" has "report-progress parsing-complete: HTTP 500 \(expected 204\)" \
	progress s1 bootstrap-initiated,parsing-initiated,parsing-complete,bootstrap-complete

# ---- report-progress 500 to bootstrap-complete: not complete
fault_case report_500_to_complete_fails 1 "{\"path\": \"$RP\", \"status\": 500, \"match\": \"bootstrap-complete\"}" \
	"--max-rounds 1" has "report-progress bootstrap-complete: HTTP 500 \(expected 204\)" \
	has "onboarding not complete"

# ---- unknown device: 401 with a RESTCONF error, logged
run_case unknown_device_401 1 "\"devices\": {\"OTHER-SERIAL\": {\"onboarding\": {}}}" "$trusted --max-rounds 1" \
	has "HTTP 401 \(expected 200\): error-tag \"access-denied\": unknown device SZTP-DEMO-0001"

# ---- a dead first source, then the next source in order
closed=$(free_port)
run_case next_source_after_refused 0 "$dev" "$trusted --max-rounds 1 https://127.0.0.1:$closed" \
	has "1\. https://127.0.0.1:$closed \(command line\)" has "2\. https://127.0.0.1:$p1" \
	has "https://127.0.0.1:$closed \(command line\): connect: connect 127.0.0.1:$closed: Connection refused" \
	has "source 1/2 https://127.0.0.1:$closed \(command line\) failed" has "complete via 127.0.0.1:$p1"

# ---- host-meta fallback: the server's RESTCONF root is not /restconf
run_case host_meta_fallback 0 "\"restconf_root\": \"/api/rc\", $dev" "$trusted --max-rounds 1" \
	has "HTTP 404: trying /.well-known/host-meta" has "host-meta: RESTCONF root is /api/rc" \
	progress s1 bootstrap-initiated,bootstrap-complete

# ---- sztp.timeout bounds the forever loop
start=$(date +%s)
client $trusted --no-pivot --timeout 2 --backoff 300,300 "https://127.0.0.1:$closed"
expect timeout_bounds_loop 1 has "gave up after 2 s \(sztp.timeout\)" \
	at_most "seconds taken" $(( $(date +%s) - start )) 5 has "round 3"

# ---- keep-alive: get-bootstrapping-data and the reports on one connection
run_case keep_alive_one_connection 0 "\"devices\": {\"*\": {\"reporting_level\": \"verbose\", \"onboarding\": {}}}" \
	"$trusted --max-rounds 1 --verbose" times 1 'https: connected to 127.0.0.1' count s1 progress 4

t_summary
