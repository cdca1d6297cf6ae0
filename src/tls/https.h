/*
 * https.h: a small HTTPS/1.1 client on tls_conn (BearSSL).
 *
 * A struct https_client holds at most one connection and keeps it alive
 * between requests to the same target (same host, port, trust mode, anchors
 * and client identity); a request on a kept connection that the server has
 * meanwhile closed is retried once on a fresh connection, but only when not
 * one byte of a response had arrived. The connection is closed after a
 * response that says "Connection: close", is HTTP/1.0, or is delimited by
 * the close, and after any error.
 *
 * Responses: the head is bounded by HTTP_HEAD_MAX; the body (Content-Length,
 * chunked, or until close; interim 1xx skipped) goes either into a bounded
 * caller buffer (RPC replies: larger is an error, never a truncation), or to
 * a stream callback (image downloads: bounded by https_resp.max), or is read
 * and discarded (at most HTTPS_DISCARD_MAX bytes).
 *
 * Timeouts (struct https_limits): connect_ms bounds the TCP connect to each
 * resolved address (IPv4 and IPv6, every address in turn) and each wait
 * during the handshake; header_ms bounds the time from sending a request to
 * the end of the response head; idle_ms bounds every silence while the body
 * arrives; total_ms, if non-zero, bounds the whole exchange.
 *
 * Requests may carry a Range ("bytes=N-") and HTTP Basic credentials; Basic
 * credentials are refused on a provisional (unauthenticated) connection
 * (RFC 8572 section 9.6: never send a password to an untrusted server).
 *
 * Error messages name what failed, e.g.
 *   connect 192.0.2.1:8443: Connection refused
 *   TLS handshake with bootstrap.example: certificate not trusted (BearSSL error 62: BR_ERR_X509_NOT_TRUSTED)
 *   response head: read from 127.0.0.1: timed out: connection deadline passed
 */
#ifndef SZTP_HTTPS_H
#define SZTP_HTTPS_H

#include <stddef.h>
#include <stdint.h>

#include "trust/anchors.h"
#include "base/err.h"
#include "tls/tls_conn.h"
#include "tls/tls_http.h"
#include "base/url.h"

#define HTTPS_DISCARD_MAX (1024 * 1024) /* body bytes read and dropped without a buffer */
#define HTTPS_FIELD_MAX   256           /* Accept / Content-Type / credentials we send */
#define HTTPS_BODY_SEND_MAX (1024 * 1024) /* request body bytes */

/* Where to connect and how to trust it. */
struct https_target {
	const struct url *url;              /* host and port (the path is not used) */
	const struct anchors *anchors;      /* validate the server against these ... */
	int provisional;                    /* ... or accept it unvalidated (see tls_conn.h) */
	const struct tls_client_id *client; /* device certificate and signer, or NULL */
	int addr;                           /* 0: every resolved address in turn until
	                                     * one connects; k > 0: only the k-th */
	const struct clock_policy *clock;   /* judges the server's certificates
	                                       (trust/clock.h); NULL: system clock */
};

struct https_limits {
	int connect_ms; /* per address, and handshake waits; > 0 */
	int header_ms;  /* request sent -> response head complete; > 0 */
	int idle_ms;    /* silence while reading the body; > 0 */
	int total_ms;   /* whole request; 0: no limit */
};

/* A stream consumer: gets body bytes as they arrive; returns 0 or -1 (abort). */
typedef int (*https_sink_fn)(void *ctx, const uint8_t *data, size_t len, struct err *e);

struct https_req {
	const char *method;        /* "GET", "POST", "HEAD" */
	const char *path;          /* request target; NULL or "" means "/" */
	const char *accept;        /* Accept value, NULL for any */
	const char *content_type;  /* Content-Type of body, NULL when no body */
	const uint8_t *body;       /* request body or NULL */
	size_t body_len;
	const char *basic;         /* "user:password" for HTTP Basic, or NULL */
	int64_t range_from;        /* >= 0: "Range: bytes=N-"; -1: no Range */
};

struct https_resp {
	/* in: where the body goes (buf, or sink, or neither: discarded) */
	uint8_t *buf;
	size_t cap;
	https_sink_fn sink;
	void *sink_ctx;
	uint64_t max;              /* body limit for a sink; 0: no limit */
	/* out */
	struct http_head head;     /* head.status is 0 when no head arrived */
	uint64_t len;              /* body bytes delivered */
	int64_t range_first;       /* 206: Content-Range, else -1 */
	int64_t range_last;
	int64_t range_total;       /* -1 when unknown ("*") */
	int reused;                /* sent on a kept-alive connection */
	int trusted;               /* the server certificate was validated */
};

struct https_client {
	struct https_limits lim;
	int open;
	char key[URL_HOST_MAX + 64]; /* identity of the open connection's target */
	const void *key_anchors;
	const void *key_client;
	unsigned requests;           /* requests on the open connection */
	struct tls_conn conn;
};

/* Set up `hc` with no connection; `lim` is copied. */
void https_client_init(struct https_client *hc, const struct https_limits *lim);

/*
 * Make sure a connection to `t` is open (reusing the kept one when it is to
 * the same target). *trusted (may be NULL) is set to 1 when the server
 * certificate was validated, 0 for a provisional connection. Returns 0, or
 * -1 with `e` set; then *cert_error (may be NULL) says whether the failure
 * was the server certificate (not trusted, wrong name, expired ...).
 */
int https_client_connect(struct https_client *hc, const struct https_target *t,
			 int *trusted, int *cert_error, struct err *e);

/*
 * Send `rq` to `t` (connecting as needed) and read the response into `rs`.
 * Returns 0 when a complete response was received, whatever its status, or
 * -1 with `e` set (rs->head.status is set if a head arrived before the
 * failure). A streamed body may have been partly delivered on failure
 * (rs->len says how much).
 */
int https_client_request(struct https_client *hc, const struct https_target *t,
			 const struct https_req *rq, struct https_resp *rs, struct err *e);

/* Close the kept connection, if any. */
void https_client_close(struct https_client *hc);

/*
 * One-shot GET: connect to the server of `u` (validating it against `ta`),
 * GET `path` (NULL: the URL's own path, or "/"), and close. `timeout_ms` is
 * used for every limit. *status gets the HTTP status (0 when none arrived);
 * the body goes into body[0..body_cap) with its length in *body_len (`body`
 * may be NULL: discarded). Returns 0 when a complete response was received,
 * whatever its status, or -1 with `e` set.
 */
int https_get(const struct url *u, const char *path, const struct anchors *ta,
	      int timeout_ms, int *status, uint8_t *body, size_t body_cap,
	      size_t *body_len, struct err *e);

#endif
