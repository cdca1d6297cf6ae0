#!/usr/bin/env python3
"""dhcp4-split-server.py: a minimal DHCPv4 server for dhcp4-netns.sh.

dnsmasq refuses option values longer than 255 bytes, so this server sends
option 143 (RFC 8572, length-prefixed URIs) split per RFC 3396: several
instances in the options field and the last part in the BOOTP `file` field
(option overload, 52). It answers DISCOVER with OFFER and REQUEST with ACK,
always for 192.0.2.77/24, from 192.0.2.1, by broadcast.

usage: dhcp4-split-server.py IFNAME URI...
Runs until killed; prints "ready" once listening and one line per reply.
"""
import socket
import struct
import sys

SERVER = bytes([192, 0, 2, 1])
YIADDR = bytes([192, 0, 2, 77])
COOKIE = bytes([99, 130, 83, 99])


def encode(uris):
    out = b""
    for u in uris:
        b = u.encode()
        out += struct.pack(">H", len(b)) + b
    return out


def opt(code, val):
    return bytes([code, len(val)]) + val


def options_of(pkt):
    """The options field of a request (no overload support needed here)."""
    opts, i = {}, 240
    while i < len(pkt):
        code = pkt[i]
        if code == 0:
            i += 1
            continue
        if code == 255 or i + 1 >= len(pkt):
            break
        n = pkt[i + 1]
        opts[code] = opts.get(code, b"") + pkt[i + 2:i + 2 + n]
        i += 2 + n
    return opts


def reply(req, mtype, value):
    xid, flags, chaddr = req[4:8], req[10:12], req[28:44]
    head = bytes([2, 1, 6, 0]) + xid + b"\0\0" + flags + b"\0" * 4 + YIADDR
    head += SERVER + b"\0" * 4 + chaddr
    # the last part of option 143 goes into `file`, the rest into options
    k = min(100, len(value) // 3)
    in_opts, in_file = value[:len(value) - k], value[len(value) - k:]
    sname = b"\0" * 64
    file_ = (opt(143, in_file) + b"\xff").ljust(128, b"\0")
    o = opt(53, bytes([mtype])) + opt(54, SERVER) + opt(51, struct.pack(">I", 600))
    o += opt(1, bytes([255, 255, 255, 0])) + opt(3, SERVER) + opt(6, SERVER)
    o += opt(52, b"\x01")
    for i in range(0, len(in_opts), 255):
        o += opt(143, in_opts[i:i + 255])
    o += b"\xff"
    return head + sname + file_ + COOKIE + o


def main():
    ifname, uris = sys.argv[1], sys.argv[2:]
    value = encode(uris)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
    s.bind(("0.0.0.0", 67))
    print("ready", flush=True)
    while True:
        pkt, _ = s.recvfrom(4096)
        if len(pkt) < 240 or pkt[0] != 1 or pkt[236:240] != COOKIE:
            continue
        t = options_of(pkt).get(53, b"\0")[0]
        if t == 1:
            mtype = 2
        elif t == 3:
            mtype = 5
        else:
            continue
        s.sendto(reply(pkt, mtype, value), ("255.255.255.255", 68))
        print("sent %s with option 143 of %d bytes" %
              ("OFFER" if mtype == 2 else "ACK", len(value)), flush=True)


if __name__ == "__main__":
    main()
