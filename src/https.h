/*
 * https.h: a minimal HTTPS/1.1 client on tls_conn (BearSSL).
 *
 * One request per connection for now ("Connection: close"). The response head
 * is bounded by HTTP_HEAD_MAX; the body goes into a caller buffer (an error
 * when it does not fit) or, with no buffer, is read and discarded up to
 * HTTPS_DISCARD_MAX bytes. Content-Length, chunked and close-delimited bodies
 * are handled; interim 1xx responses are skipped.
 *
 * Error messages start with "https: " and name what failed, e.g.
 *   https: connect 192.0.2.1:8443: Connection refused
 *   https: TLS handshake with bootstrap.example: certificate not trusted (BearSSL error 62: BR_ERR_X509_NOT_TRUSTED)
 */
#ifndef SZTP_HTTPS_H
#define SZTP_HTTPS_H

#include <stddef.h>
#include <stdint.h>

#include "anchors.h"
#include "err.h"
#include "tls_conn.h"
#include "tls_http.h"
#include "url.h"

#define HTTPS_DISCARD_MAX (1024 * 1024) /* body bytes read and dropped without a buffer */
#define HTTPS_FIELD_MAX   256           /* Accept / Content-Type values we send */

struct https_request {
	const char *method;        /* "GET", "POST", "HEAD" */
	const char *path;          /* request target; NULL or "" means "/" */
	const char *accept;        /* Accept value, NULL for any */
	const char *content_type;  /* Content-Type of body, NULL when no body */
	const uint8_t *body;       /* request body or NULL */
	size_t body_len;
};

/*
 * Send `rq` on the open connection `c` to the server of `u` and read the
 * response: the head into `h`, the body into body[0..body_cap) with its length
 * in *body_len (`body` may be NULL: the body is discarded). h->status is set
 * as soon as the head is parsed, even if reading the body then fails.
 * Returns 0 or -1 with `e` set. The connection is not closed.
 */
int https_request(struct tls_conn *c, const struct url *u, const struct https_request *rq,
		  struct http_head *h, uint8_t *body, size_t body_cap, size_t *body_len,
		  struct err *e);

/*
 * Connect to the server of `u` (validating it against `ta`), GET `path` (NULL:
 * the URL's own path, or "/"), and close. `timeout_ms` is the connect and idle
 * timeout. *status gets the HTTP status (0 when none was received); body and
 * body_len as for https_request (both may be NULL). Returns 0 when a complete
 * response was received, whatever its status, or -1 with `e` set.
 */
int https_get(const struct url *u, const char *path, const struct anchors *ta,
	      int timeout_ms, int *status, uint8_t *body, size_t body_cap,
	      size_t *body_len, struct err *e);

#endif
