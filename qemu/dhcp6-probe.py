#!/usr/bin/env python3
"""dhcp6-probe.py IFNAME MAC: send one DHCPv6 Solicit on IFNAME and print the
options of the first Advertise, one "option N HEX" line each, then exit 0
("no advertise" and exit 1 after 5 s). The Option Request asks for 23 (DNS
servers) and 136 (OPTION_V6_SZTP_REDIRECT). Standard library only; used by
net-selftest.sh inside a test network namespace, on link-local addresses.
"""

import os
import socket
import struct
import sys
import time


def option(code, data):
    return struct.pack("!HH", code, len(data)) + data


def solicit(mac, xid):
    duid = struct.pack("!HH", 3, 1) + mac                 # DUID-LL, Ethernet
    ia_na = struct.pack("!III", 1, 0, 0)
    return (bytes([1]) + xid
            + option(1, duid)                              # Client Identifier
            + option(6, struct.pack("!HH", 23, 136))       # Option Request
            + option(8, b"\0\0")                           # Elapsed Time
            + option(3, ia_na))                            # IA_NA


def parse(msg):
    out = []
    i = 4
    while i + 4 <= len(msg):
        code, n = struct.unpack("!HH", msg[i:i + 4])
        if i + 4 + n > len(msg):
            raise ValueError("option %d overruns the message" % code)
        out.append((code, msg[i + 4:i + 4 + n]))
        i += 4 + n
    return out


def main():
    if len(sys.argv) != 3:
        print("usage: dhcp6-probe.py IFNAME MAC", file=sys.stderr)
        return 2
    ifname, mac = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", ""))
    idx = socket.if_nametoindex(ifname)
    xid = os.urandom(3)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
    s.bind(("::", 546, 0, idx))
    s.settimeout(1.0)
    deadline = time.time() + 5
    while time.time() < deadline:
        s.sendto(solicit(mac, xid), ("ff02::1:2", 547, 0, idx))
        try:
            msg, _ = s.recvfrom(4096)
        except socket.timeout:
            continue
        if len(msg) < 4 or msg[0] != 2 or msg[1:4] != xid:
            continue
        for code, data in parse(msg):
            print("option %d %s" % (code, data.hex()))
        return 0
    print("no advertise")
    return 1


if __name__ == "__main__":
    sys.exit(main())
