#!/bin/sh
# Example emergency hook: when the boot fails, dump what an operator needs to
# see first (links, addresses, routes, neighbours, DNS, modules, block devices)
# to the console and into /run/sztp/diagnostics.txt, and say where the full
# failure report is. The agent writes that report itself, before this hook
# runs (docs/troubleshooting.md); this hook only adds to it.
#
# Environment (docs/hooks.md): SZTP_FAILED (what failed), SZTP_REPORT (the
# report directory), SZTP_NEXT (what the device does next), SZTP_SERIAL.
report=${SZTP_REPORT:-/run/sztp/report}
{
	echo "=== sztp diagnostics ($(date -u 2>/dev/null))"
	echo "--- failed: ${SZTP_FAILED:-unknown}"
	echo "--- ip link";  ip link 2>&1
	echo "--- ip addr";  ip addr 2>&1
	echo "--- ip route"; ip route 2>&1; ip -6 route 2>&1
	echo "--- ip neigh"; ip neigh 2>&1
	echo "--- resolv.conf"; cat /etc/resolv.conf 2>&1
	echo "--- modules"; cat /proc/modules 2>&1 | cut -d' ' -f1 | tr '\n' ' '; echo
	echo "--- block devices"; cat /proc/partitions 2>&1
} | tee /run/sztp/diagnostics.txt
[ -d "$report" ] && cp /run/sztp/diagnostics.txt "$report/diagnostics.txt" 2>/dev/null
echo "=== the full failure report is in $report/ (start with summary.txt):"
ls "$report" 2>/dev/null | tr '\n' ' '; echo
echo "=== next: ${SZTP_NEXT:-see the console}"
