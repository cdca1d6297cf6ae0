#!/bin/sh
# tests/client/clock.sh: the clock and freshness policy (src/trust/clock.h,
# RFC 8572 section 9.1) through `sztpboot run`, the device's own engine:
# the same rules for local data (--data, as removable media or DNS give it)
# and for servers, TLS server certificates judged by the same bound, and the
# policy logged on one line.
. "$(dirname "$0")/lib.inc"

mkart() { sh "$top/keys/mkartifacts.sh" "$@"; }
printf '{"ietf-sztp-conveyed-info:onboarding-information":{}}' >"$tmp/onb.json"
mkart conveyed --pki "$pki" --json "$tmp/onb.json" >"$tmp/ci.cms" &&
mkart owner-cert --pki "$pki" >"$tmp/oc.cms" &&
mkart voucher --pki "$pki" >"$tmp/ov-long.cms" &&
mkart voucher --pki "$pki" --created 2020-01-01T00:00:00Z --expires 2020-06-01T00:00:00Z >"$tmp/ov-expired.cms" &&
mkart voucher --pki "$pki" --created "$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)" >"$tmp/ov-future.cms" ||
	t_setup_fail "keys/mkartifacts.sh"
for v in long expired future; do
	mkart response --ci "$tmp/ci.cms" --oc "$tmp/oc.cms" --ov "$tmp/ov-$v.cms" >"$tmp/$v.json" ||
		t_setup_fail "mkartifacts response"
done

# ---- local data: a long-lived voucher (neither nonce nor expires-on) is accepted
client --no-pivot --max-rounds 1 --data "$tmp/long.json"
expect local_long_lived_voucher_accepted 0 \
	has "clock: bound [0-9T:-]+Z \((build time|RTC)\); RTC .*; sztp.clock=auto" \
	has "ownership voucher accepted: long-lived \(neither nonce nor expires-on\)" \
	has "bootstrapping complete via"

# ---- local data: the same voucher refused when nonce vouchers are required
client --no-pivot --max-rounds 1 --nonce-required --data "$tmp/long.json"
expect local_long_lived_nonce_required 1 \
	has "sztp.voucher=nonce-required" \
	has "voucher: has no nonce, and sztp.voucher=nonce-required \(this source cannot be sent a nonce\)"

# ---- local data: an expired voucher is refused, whatever the RTC is trusted for
for mode in auto floor; do
	client --no-pivot --max-rounds 1 --clock $mode --data "$tmp/expired.json"
	expect local_expired_voucher_refused_$mode 1 \
		has "voucher: expired \(expires-on 2020-06-01T00:00:00Z, before the bound"
done

# ---- local data: created-on in the future only counts with a trusted RTC
client --no-pivot --max-rounds 1 --clock rtc --data "$tmp/future.json"
expect local_created_on_future_trusted_rtc 1 has "is in the future \(RTC "
client --no-pivot --max-rounds 1 --clock floor --data "$tmp/future.json"
expect local_created_on_future_untrusted_rtc 0 \
	has "RTC [0-9T:-]+Z ignored" has "bootstrapping complete via"

# ---- a TPM floor past every certificate: the trusted server's TLS certificate
# has expired (judged by the same policy), the provisional fallback then finds
# the voucher signer expired too
p1=$(free_port)
start_server s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"signed\": true, \"onboarding\": {}}}}"
client $trusted --no-pivot --max-rounds 1 --clock floor --floor 2200-01-01T00:00:00Z "https://127.0.0.1:$p1"
expect server_certificates_expired_by_floor 1 \
	has "bound 2200-01-01T00:00:00Z \(TPM floor\)" \
	has "x509: server certificate 0 \(.*\) has expired \(notAfter .*, before the bound 2200-01-01T00:00:00Z \(TPM floor\)\)" \
	has "ownership-voucher: signer not trusted: x509: certificate 0 \(.*\) has expired"

# ---- the RTC ignored (sztp.clock=floor): a current server still authenticates,
# its nonce voucher is accepted
client $trusted --no-pivot --max-rounds 1 --clock floor "https://127.0.0.1:$p1"
expect server_authenticated_rtc_ignored 0 \
	has "server authenticated \(trust-state TRUE\)" has "bootstrapping complete via"
client --no-pivot --max-rounds 1 --clock floor --nonce-required "https://127.0.0.1:$p1"
expect server_nonce_voucher_nonce_required 0 has "ownership voucher accepted: nonce echoed"
stop_server s1

t_summary
