#!/usr/bin/env python3
"""mdns-responder.py: a tiny multicast DNS responder for the discovery tests.

    mdns-responder.py IFNAME [--srv NAME PRIO WEIGHT PORT TARGET]...
                             [--txt NAME KEY=FILE [KEY=FILE...] ;]...

Listens on 224.0.0.251 and ff02::fb port 5353 on IFNAME only and answers
one-shot (legacy unicast, RFC 6762 section 6.7) queries for the configured
names by unicast to the asker, echoing the ID and the question. Answer names
are compression pointers to the question. TXT values are the raw bytes of
FILE, as RFC 8572 section 4.2 wants: "key=" plus the first bytes in one
character-string, the rest in following strings of at most 255 bytes.
Prints "ready" once listening and one "answered NAME TYPE" line per answer.
Standard library only; stops on SIGTERM.
"""
import select
import socket
import struct
import sys

T_TXT, T_SRV = 16, 33


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def read_name(msg, off):
    labels, jumped, end = [], False, off
    for _ in range(64):
        n = msg[off]
        if n & 0xC0 == 0xC0:
            if not jumped:
                end = off + 2
            off = ((n & 0x3F) << 8) | msg[off + 1]
            jumped = True
            continue
        if n == 0:
            if not jumped:
                end = off + 1
            return ".".join(labels), end
        labels.append(msg[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n
    raise ValueError("name loop")


def txt_rdata(pairs):
    out = b""
    for key, data in pairs:
        first = key.encode() + b"=" + data[:255 - len(key) - 1]
        out += bytes([len(first)]) + first
        rest = data[255 - len(key) - 1:]
        while rest:
            chunk, rest = rest[:255], rest[255:]
            out += bytes([len(chunk)]) + chunk
    return out


def parse_args(argv):
    ifname, records = argv[0], {}
    i = 1
    while i < len(argv):
        if argv[i] == "--srv":
            name, prio, weight, port, target = argv[i + 1:i + 6]
            rdata = struct.pack("!HHH", int(prio), int(weight), int(port)) + encode_name(target)
            records.setdefault((name.lower(), T_SRV), []).append(rdata)
            i += 6
        elif argv[i] == "--txt":
            name, pairs = argv[i + 1], []
            i += 2
            while i < len(argv) and argv[i] != ";":
                key, path = argv[i].split("=", 1)
                with open(path, "rb") as f:
                    pairs.append((key, f.read()))
                i += 1
            i += 1  # the ";"
            records.setdefault((name.lower(), T_TXT), []).append(txt_rdata(pairs))
        else:
            sys.exit("unknown argument " + argv[i])
    return ifname, records


def answer(msg, records):
    if len(msg) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", msg[:6])
    if flags & 0x8000 or qd < 1:
        return None
    name, off = read_name(msg, 12)
    qtype, qclass = struct.unpack("!HH", msg[off:off + 4])
    rrs = records.get((name.lower(), qtype))
    if not rrs:
        return None
    out = struct.pack("!HHHHHH", qid, 0x8400, 1, len(rrs), 0, 0)
    out += msg[12:off] + struct.pack("!HH", qtype, 1)
    for rdata in rrs:
        out += struct.pack("!HHHIH", 0xC00C, qtype, 1, 10, len(rdata)) + rdata
    return out, name, qtype


def main():
    ifname, records = parse_args(sys.argv[1:])
    idx = socket.if_nametoindex(ifname)
    s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s4.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
    s4.bind(("", 5353))
    mreq = socket.inet_aton("224.0.0.251") + struct.pack("=4si", b"\0" * 4, idx)
    s4.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s6.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
    s6.bind(("::", 5353))
    mreq6 = socket.inet_pton(socket.AF_INET6, "ff02::fb") + struct.pack("=I", idx)
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq6)
    print("ready", flush=True)
    while True:
        for s in select.select([s4, s6], [], [])[0]:
            msg, peer = s.recvfrom(9000)
            try:
                r = answer(msg, records)
            except (ValueError, IndexError, struct.error):
                continue
            if r:
                s.sendto(r[0], peer)
                print("answered %s %s via %s" % (r[1], {16: "TXT", 33: "SRV"}.get(r[2]),
                                                "IPv4" if s is s4 else "IPv6"), flush=True)


if __name__ == "__main__":
    main()
