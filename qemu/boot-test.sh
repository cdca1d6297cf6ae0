#!/bin/sh
# boot-test.sh: the QEMU integration test. Boots build/kernel/vmlinuz with
# build/initrd.img on a private network (dnsmasq with the SZTP redirect, the
# test bootstrap server, swtpm; see qemu/lib.sh for all the knobs) and checks
# that the expected console lines appear, in order, before the timeout, and
# that the server's own record shows the guest's request.
#
# Prints "ok NAME" or "FAIL NAME: why" per expectation, "boot-time: N.N s",
# and ends with "N passed, N failed". Exit 0 only if nothing failed.
#
# Environment, on top of qemu/lib.sh's:
#   SZTP_EXPECT_FILE  replaces the expected console lines: one per line,
#                     "NAME<TAB>extended-regex"; '#' lines and blank lines skipped
#   SZTP_EXPECT_RECORD  extended regex that a line of the server record
#                     (JSON lines, keys sorted) must match; "none" skips the check
#   SZTP_ENCRYPTED=1  the server encrypts the conveyed information to the
#                     certificate the device authenticated with, so the guest
#                     must decrypt it with its TPM-held key
set -eu
. "$(dirname "$0")/lib.sh"

enc=
if [ "${SZTP_ENCRYPTED:-0}" = 1 ]; then
	mkdir -p "$SZTP_ROOT/build/qemu"
	SZTP_SERVER_CONFIG=$SZTP_ROOT/build/qemu/boot-test-encrypted.json
	printf '{"pki": "%s", "devices": {"*": {"signed": true, "encrypted": true, "onboarding": {}}}}\n' \
		"$SZTP_PKI" >"$SZTP_SERVER_CONFIG"
	enc=', encrypted'
fi

expectations() {
	if [ -n "${SZTP_EXPECT_FILE:-}" ]; then
		cat "$SZTP_EXPECT_FILE"
		return
	fi
	cat <<LIST
tpm-measure	tpm: device:/dev/tpmrm0: measuring provisioning into PCR 14
coldplug	coldplug: loaded [0-9]+ modules
tpm-identity	tpm: IDevID TPM key 0x81020001 .*serial SZTP-DEMO-0001
dhcp4-lease	dhcp4: lease 192\.0\.2\.[0-9]+/24 on .* sztp-redirect https://bootstrap\.example:8443
tpm-floor	tpm: clock floor \(NV 0x01c90003\): (not written yet|[0-9]{4}-)
clock	clock: bound [0-9T:-]+Z \((build time|TPM floor|RTC)\); RTC [0-9T:-]+Z trusted; .*sztp\.clock=auto
identity	bootstrap: device serial SZTP-DEMO-0001 \(TPM-held IDevID\)
gbd	bootstrap: https://bootstrap\.example:8443 \(dhcp[46]\): get-bootstrapping-data: HTTP 200
verified	bootstrap: https://bootstrap\.example:8443 \(dhcp[46]\): verified onboarding-information \(signed$enc\)
measured	measure: PCR 14 \+= conveyed-information
complete	bootstrap: bootstrapping complete via bootstrap\.example:8443
floor-advanced	tpm: clock floor \(NV 0x01c90003\) (advanced to|already at|kept at)
separator	measure: PCR 14 \+= separator
poweroff	sztpboot: powering off
LIST
}

# bootstrap-complete, with TPM evidence the server verified (quote, IAK
# certificate from the manufacturer CA, event-log replay)
RECORD_RE=${SZTP_EXPECT_RECORD:-'"attestation": "attestation: ok.*"client_serial": "SZTP-DEMO-0001", "event": "progress".*"type": "bootstrap-complete"'}

sztp_setup boot-test
sztp_boot


sztp_console >"$SZTP_TMP/console.txt"
# Each expectation must match a line after the one the previous match was on.
expectations >"$SZTP_TMP/expect.txt"
sztp_expect_table "$SZTP_TMP/console.txt" "$SZTP_TMP/expect.txt"

if [ "$RECORD_RE" != none ]; then
	if grep -q -E -- "$RECORD_RE" "$SZTP_TMP/record.jsonl" 2>/dev/null; then
		t_ok server-record
	else
		t_fail server-record "the server recorded no request matching /$RECORD_RE/"
	fi
fi

if [ "$SZTP_BOOT_RESULT" = poweroff ]; then
	t_ok guest-exit
else
	t_fail guest-exit "no power-off within ${SZTP_TIMEOUT}s; QEMU killed"
fi

echo "boot-time: $SZTP_BOOT_TIME s"
if [ $T_FAILED -gt 0 ]; then
	echo "---- last 60 console lines"
	tail -n 60 "$SZTP_TMP/console.txt"
	echo "---- server log"
	tail -n 20 "$SZTP_TMP/server.log" 2>/dev/null || true
	echo "---- logs kept in $SZTP_OUT"
fi
t_summary
