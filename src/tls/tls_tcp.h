/*
 * tls_tcp.h: TCP connections with a timeout, for the HTTPS client.
 */
#ifndef SZTP_TLS_TCP_H
#define SZTP_TLS_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/*
 * Resolve `host` (an IP literal when `numeric`, else a DNS name resolved with
 * getaddrinfo through /etc/resolv.conf) and connect to `port` over TCP, trying
 * every address in the order getaddrinfo returns them (IPv4 and IPv6), each
 * with a non-blocking connect bounded by `timeout_ms`; with `only` > 0, only
 * the only-th of those addresses (1-based: a caller that failed later, in
 * TLS or in a request, on one address goes on with the next). *n_addr (may
 * be NULL) gets the number of IPv4/IPv6 addresses the host resolved to.
 * Returns a non-blocking,
 * close-on-exec socket and writes the address it reached ("192.0.2.1:8443",
 * "[2001:db8::1]:8443") into `peer`; or -1 with `e` set, e.g.
 *   connect 192.0.2.1:8443: Connection refused
 *   connect bootstrap.example:8443: 192.0.2.1:8443: timed out after 5 s; [2001:db8::1]:8443: Network unreachable
 *   resolve bootstrap.example: Name does not resolve
 */
int tls_tcp_connect(const char *host, int numeric, uint16_t port, int timeout_ms, int only,
		    int *n_addr, char *peer, size_t peer_cap, struct err *e);

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t tls_now_ms(void);

/* Format a duration for messages: "2 s", "1500 ms". Returns buf. */
const char *tls_fmt_ms(int ms, char *buf, size_t cap);

#endif
