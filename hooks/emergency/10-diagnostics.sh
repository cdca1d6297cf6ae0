#!/bin/sh
# Example emergency hook: when the boot fails, dump what an operator needs to
# see first (links, addresses, routes, neighbours, DNS, modules, block devices)
# to the console and into /run/sztp/diagnostics.txt.
{
	echo "=== sztp diagnostics ($(date -u 2>/dev/null))"
	echo "--- ip link";  ip link 2>&1
	echo "--- ip addr";  ip addr 2>&1
	echo "--- ip route"; ip route 2>&1; ip -6 route 2>&1
	echo "--- ip neigh"; ip neigh 2>&1
	echo "--- resolv.conf"; cat /etc/resolv.conf 2>&1
	echo "--- modules"; cat /proc/modules 2>&1 | cut -d' ' -f1 | tr '\n' ' '; echo
	echo "--- block devices"; cat /proc/partitions 2>&1
} | tee /run/sztp/diagnostics.txt
