#!/usr/bin/env python3
"""badtar.py KIND OUT: a configuration archive with one good file and one
entry that must be refused: traversal, abs, symlink-escape, device, fifo,
setuid, hardlink, through-link."""
import io, sys, tarfile

kind, out = sys.argv[1], sys.argv[2]
with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
    def add(name, data=b"x", **kw):
        ti = tarfile.TarInfo(name)
        for k, v in kw.items():
            setattr(ti, k, v)
        if ti.type in (tarfile.REGTYPE,):
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
        else:
            t.addfile(ti)
    add("etc/sztp-good", b"good\n", mode=0o644)
    if kind == "traversal":
        add("etc/../../escaped", mode=0o644)
    elif kind == "abs":
        add("/etc/escaped", mode=0o644)
    elif kind == "symlink-escape":
        add("etc/esc", type=tarfile.SYMTYPE, linkname="../../../etc/shadow")
    elif kind == "device":
        add("dev/sdz", type=tarfile.BLKTYPE, devmajor=8, devminor=0, mode=0o600)
    elif kind == "fifo":
        add("run/fifo", type=tarfile.FIFOTYPE, mode=0o600)
    elif kind == "setuid":
        add("usr/bin/rootme", b"#!/bin/sh\n", mode=0o4755)
    elif kind == "hardlink":
        add("etc/hard", type=tarfile.LNKTYPE, linkname="etc/shadow")
    elif kind == "through-link":
        add("etc/via", type=tarfile.SYMTYPE, linkname="/tmp")
        add("etc/via/owned", b"owned\n", mode=0o644)
    else:
        sys.exit("unknown kind " + kind)
