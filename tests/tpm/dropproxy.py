#!/usr/bin/env python3
"""tests/tpm/dropproxy.py: a TCP proxy in front of swtpm's command port that
can lose one command, as a TPM that times out does.

    dropproxy.py LISTEN_PORT TPM_PORT DROP_FILE READY_FILE

Every connection to 127.0.0.1:LISTEN_PORT is piped to 127.0.0.1:TPM_PORT
(and LISTEN_PORT+1, the control channel, to TPM_PORT+1, never dropped),
except that while DROP_FILE exists, the next connection's command is read
and the connection closed without an answer (DROP_FILE is then removed).
LISTEN_PORT 0: a free pair of consecutive ports is chosen. READY_FILE is
written once it listens: "PID PORT". Loopback only; ends on SIGTERM.
"""
import os
import random
import socket
import sys
import threading


def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(c, tpm_port, drop):
    if drop and os.path.exists(drop):
        os.unlink(drop)
        c.settimeout(5)
        try:
            c.recv(65536)      # the command, never answered
        except OSError:
            pass
        c.close()
        return
    t = socket.create_connection(("127.0.0.1", tpm_port))
    threading.Thread(target=pipe, args=(c, t), daemon=True).start()
    pipe(t, c)
    c.close()
    t.close()


def listener(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(8)
    return s


def accept_loop(s, tpm_port, drop):
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c, tpm_port, drop), daemon=True).start()


def main():
    listen, tpm_port, drop, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    for _ in range(200):
        port = listen or random.randrange(20000, 60000, 2)
        try:
            cmd = listener(port)
        except OSError:
            if listen:
                raise
            continue
        try:
            ctrl = listener(port + 1)
            break
        except OSError:
            cmd.close()
            if listen:
                raise
    else:
        sys.exit("dropproxy: no free pair of ports")
    threading.Thread(target=accept_loop, args=(ctrl, tpm_port + 1, None), daemon=True).start()
    with open(ready, "w") as f:
        f.write("%d %d\n" % (os.getpid(), port))
    accept_loop(cmd, tpm_port, drop)


if __name__ == "__main__":
    main()
