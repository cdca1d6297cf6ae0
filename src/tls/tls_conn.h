/*
 * tls_conn.h: a TLS 1.2 client connection (BearSSL) over TCP.
 *
 * Policy: TLS 1.2 only; ECDHE key exchange with AEAD suites only
 * (AES-128/256-GCM, ChaCha20-Poly1305; ECDSA or RSA server keys). The server
 * certificate must chain to one of the given trust anchors, pass the clock
 * policy tls_opts.clock (trust/clock.h, judged by tls_x509: nothing expired
 * before the bound, notBefore only against a trusted RTC; NULL: valid at the
 * system clock, for host tools) and
 * name the server: a DNS host name is matched by BearSSL (dNSName SAN, with
 * SNI sent), an IP-literal host by tls_x509 (iPAddress SAN, no SNI). The
 * random generator is seeded from getrandom() (and BearSSL's own system
 * seeder).
 *
 * Device authentication: with opts.client set, the device certificate chain
 * is sent when the server asks for one, and CertificateVerify is signed by
 * the client's struct signer (tls_ccert).
 *
 * Provisional connections (opts.provisional, RFC 8572 section 5.4
 * trust-state FALSE): the server certificate is accepted WITHOUT validation
 * (tls_x509_provisional). Only the bootstrap client asks for this, for
 * servers it has no trust anchor for, and it then requires signed data.
 *
 * All socket waits use poll(): opts.timeout_ms bounds the connect to each
 * address and every wait for the network (an idle timeout); opts.total_ms, if
 * non-zero, bounds the whole connection from tls_connect() on.
 *
 * The structure is large (~55 KiB: BearSSL's record buffers and the captured
 * server certificate) and owned by the caller.
 */
#ifndef SZTP_TLS_CONN_H
#define SZTP_TLS_CONN_H

#include <bearssl.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "trust/anchors.h"
#include "base/err.h"
#include "tls/tls_ccert.h"
#include "tls/tls_x509.h"
#include "base/url.h"

struct tls_opts {
	int timeout_ms;  /* connect (per address) and idle I/O timeout; must be > 0 */
	int total_ms;    /* whole connection deadline; 0: none */
	const struct clock_policy *clock; /* judges the server chain; NULL: system clock */
	const struct tls_client_id *client; /* device certificate + signer, or NULL */
	int provisional; /* accept the server certificate without validation */
	int addr;        /* 0: every resolved address in turn; k > 0: only the k-th */
};

struct tls_conn {
	int fd;                      /* -1 when closed */
	int timeout_ms;
	int64_t deadline_ms;         /* CLOCK_MONOTONIC ms, 0: none */
	int io_errno;                /* last socket error */
	int io_timeout;              /* last wait timed out */
	int io_eof;                  /* the peer closed the TCP connection */
	time_t vtime;                /* validation time: the bound, or the system clock */
	int provisional;             /* the server certificate was not validated */
	int cert_error;              /* the handshake failed on the server certificate */
	char host[URL_HOST_MAX + 1]; /* as in the URL */
	char peer[URL_HOST_MAX + 16]; /* address reached, "192.0.2.1:8443" */
	int n_addr;                  /* addresses the host resolved to (0: not resolved) */
	br_ssl_client_context cc;
	struct tls_x509 x509;
	struct tls_ccert ccert;
	br_sslio_context ioc;
	unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
};

/*
 * Connect to the server of `u`, and complete the TLS handshake validating its
 * certificate against `ta` (may be NULL or empty with o->provisional).
 * Returns 0, or -1 with `e` set to a message like
 *   connect 192.0.2.1:8443: Connection refused
 *   TLS handshake with bootstrap.example: certificate not trusted (BearSSL error 62: BR_ERR_X509_NOT_TRUSTED)
 * (c->fd is -1 after a failure: nothing to close).
 */
int tls_connect(struct tls_conn *c, const struct url *u, const struct anchors *ta,
		const struct tls_opts *o, struct err *e);

/*
 * Set the connection's overall deadline to `deadline_ms` (CLOCK_MONOTONIC
 * milliseconds, as tls_now_ms(); 0: none). Used for a response-head timeout.
 */
void tls_set_deadline(struct tls_conn *c, int64_t deadline_ms);

/* Send all of buf[0..len) and flush it to the network. Returns 0 or -1. */
int tls_write_all(struct tls_conn *c, const void *buf, size_t len, struct err *e);

/*
 * Read up to `len` bytes of application data. Returns the number read (> 0),
 * 0 when the server closed the connection properly (TLS close_notify), or -1
 * with `e` set (an unannounced TCP close is an error: the data may have been
 * truncated by an attacker).
 */
long tls_read(struct tls_conn *c, void *buf, size_t len, struct err *e);

/* Send close_notify (best effort, no waiting) and close the socket. */
void tls_close(struct tls_conn *c);

/* Name of a TLS cipher suite number ("ECDHE-ECDSA-AES128-GCM-SHA256"). */
const char *tls_suite_name(unsigned suite);

#endif
