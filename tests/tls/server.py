#!/usr/bin/env python3
"""Loopback test servers for tests/tls/https.sh.

  server.py https CERT KEY DOCROOT [tls13|tls11|ipv6]  HTTPS file server (plus /chunked,
                                            /close, /truncated, /conn; files
                                            honour "Range: bytes=N-");
                                            tls13: TLS 1.3 only; tls11: TLS 1.0
                                            and 1.1 only; ipv6: on [::1]
  server.py silent                          accepts TCP connections, never answers
  server.py closed                          prints a port nobody listens on

Each binds 127.0.0.1 (or ::1) port 0 and prints the port on stdout first.
"""
import http.server
import socket
import ssl
import sys
import threading
import time


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    requests_here = 0   # requests on this connection (one handler per connection)

    def do_GET(self):
        self.requests_here += 1
        if self.path in ("/conn", "/conn-close"):
            # how many requests this connection has carried; /conn-close
            # then closes it ("Connection: close")
            body = b"requests on this connection: %d\n" % self.requests_here
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            if self.path == "/conn-close":
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(body)
            return
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes=") and rng.endswith("-"):
            path = self.translate_path(self.path)
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                self.send_error(404)
                return
            first = int(rng[6:-1])
            if first >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % len(data))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            part = data[first:]
            self.send_response(206)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Range", "bytes %d-%d/%d" % (first, len(data) - 1, len(data)))
            self.send_header("Content-Length", str(len(part)))
            self.end_headers()
            self.wfile.write(part)
            return
        if self.path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"hello, ", b"chunked ", b"world\n"):
                self.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\nX-Trailer: yes\r\n\r\n")
            self.close_connection = True
            return
        if self.path in ("/close", "/truncated"):
            # HTTP/1.0 style: no Content-Length, the body ends when the
            # connection does: with close_notify (/close) or without it
            self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close\n")
            self.wfile.flush()
            self.close_connection = True
            if self.path == "/close":
                try:
                    self.connection.unwrap()
                except (OSError, ValueError):
                    pass
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        super().do_GET()

    def log_message(self, fmt, *args):
        pass


def https(cert, key, root, flag=""):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    if flag == "tls13":
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    elif flag == "tls11":
        # an old server: TLS 1.0 and 1.1 only (OpenSSL's security level
        # lowered so that it still speaks them)
        import warnings
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.maximum_version = ssl.TLSVersion.TLSv1_1

    class Server(http.server.ThreadingHTTPServer):
        address_family = socket.AF_INET6 if flag == "ipv6" else socket.AF_INET

        def get_request(self):
            sock, addr = self.socket.accept()
            sock.settimeout(10)
            return ctx.wrap_socket(sock, server_side=True), addr

        def handle_error(self, request, client_address):
            pass

    handler = lambda *a, **kw: Handler(*a, directory=root, **kw)
    srv = Server(("::1" if flag == "ipv6" else "127.0.0.1", 0), handler)
    print(srv.server_address[1], flush=True)
    threading.Timer(300, srv.shutdown).start()  # stops by itself
    srv.serve_forever()


def silent():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    print(s.getsockname()[1], flush=True)
    held = []
    deadline = time.time() + 300  # stops by itself
    s.settimeout(1)
    while time.time() < deadline:
        try:
            c, _ = s.accept()
            held.append(c)
        except socket.timeout:
            pass


def closed():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1], flush=True)
    s.close()


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "https":
        https(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else "")
    elif mode == "silent":
        silent()
    elif mode == "closed":
        closed()
    else:
        sys.exit("unknown mode " + mode)
