/*
 * tls_http.h: HTTP/1.1 response parsing, as pure functions (no I/O).
 *
 * The client reads the response head (status line + header fields + empty
 * line, at most HTTP_HEAD_MAX bytes) into a buffer, finds its end with
 * http_head_end(), parses it with http_parse_head(), and then decodes the body
 * according to http_body_kind(): a Content-Length, chunked transfer coding
 * (http_chunked_*) or, for HTTP/1.0-style responses, until the connection
 * closes.
 *
 * Lines end with CRLF; a bare LF is accepted as well (RFC 9112 §2.2), a bare
 * CR is not. Refused: obsolete line folding, whitespace before the colon,
 * control characters in values, malformed or conflicting Content-Length,
 * Content-Length together with Transfer-Encoding, any transfer coding other
 * than "chunked", more than HTTP_HEADERS_MAX fields.
 */
#ifndef SZTP_TLS_HTTP_H
#define SZTP_TLS_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define HTTP_HEAD_MAX        16384 /* status line + header fields, bytes */
#define HTTP_HEADERS_MAX     100   /* header fields in one head */
#define HTTP_CTYPE_MAX       127   /* Content-Type kept, bytes */
#define HTTP_REASON_MAX      64    /* reason phrase bytes kept (for log lines) */
#define HTTP_CHUNK_LINE_MAX  1024  /* chunk-size line with extensions, bytes */
#define HTTP_TRAILER_MAX     HTTP_HEAD_MAX /* all trailer fields, bytes */

struct http_head {
	int minor;              /* HTTP/1.<minor> */
	int status;             /* 100..599 */
	int64_t content_length; /* -1 when absent */
	int chunked;            /* Transfer-Encoding: chunked */
	int close;              /* the server will close: "Connection: close" or HTTP/1.0 without keep-alive */
	char content_type[HTTP_CTYPE_MAX + 1]; /* "" when absent */
	char reason[HTTP_REASON_MAX + 1];      /* the reason phrase, bytes outside printable
	                                        * ASCII as '?', cut at HTTP_REASON_MAX; "" when none */
};

enum http_body {
	HTTP_BODY_NONE,   /* no body (HEAD, 1xx, 204, 304) */
	HTTP_BODY_LENGTH, /* content_length bytes */
	HTTP_BODY_CHUNKED,
	HTTP_BODY_CLOSE,  /* until the server closes the connection */
};

/*
 * Find the end of the head in buf[0..len): returns the number of bytes up to
 * and including the empty line, or 0 when the head is not complete yet.
 */
size_t http_head_end(const uint8_t *buf, size_t len);

/*
 * Parse a status line (without its line end), "HTTP/1.1 200 OK". The reason
 * phrase may be empty or absent. Sets *minor and *status. Returns 0 or -1.
 */
int http_parse_status(const char *line, size_t len, int *minor, int *status,
		      struct err *e);

/*
 * Parse a complete head buf[0..len) (as delimited by http_head_end()) into
 * `h`. Returns 0 or -1 with a message naming the offending line.
 */
int http_parse_head(const uint8_t *buf, size_t len, struct http_head *h, struct err *e);

/*
 * Find header field `name` (case-insensitive) in a head that http_parse_head()
 * accepted. On success points *val at the value (leading and trailing
 * whitespace trimmed, not NUL-terminated), sets *vlen and returns 1; returns 0
 * when the field is absent. With several fields of that name, the first.
 */
int http_header_find(const uint8_t *buf, size_t len, const char *name,
		     const uint8_t **val, size_t *vlen);

/* How the body of a response to `h` is delimited; `head_request` for HEAD. */
enum http_body http_body_kind(const struct http_head *h, int head_request);

/*
 * Parse a Content-Range value of a 206 response, "bytes FIRST-LAST/TOTAL"
 * (TOTAL may be "*"), v[0..len). Sets *first, *last and *total (-1 for "*").
 * Refused: other units, LAST < FIRST, LAST >= TOTAL, numbers of more than 18
 * digits, anything else. Returns 0 or -1 with `e` set.
 */
int http_parse_content_range(const uint8_t *v, size_t len, int64_t *first, int64_t *last,
			     int64_t *total, struct err *e);

/* Chunked transfer-coding decoder state; fill with http_chunked_init(). */
struct http_chunked {
	int state;
	uint64_t left;   /* data bytes left in the current chunk */
	size_t line;     /* bytes of the current size line or trailer line */
	size_t trailer;  /* bytes of trailer seen */
	int seen_digit;
	int seen_ws;     /* whitespace after the size */
	int in_ext;      /* inside a chunk extension */
	int done;        /* set when the last chunk and the trailer are complete */
};

void http_chunked_init(struct http_chunked *c);

/*
 * Decode in[0..len). Body data is written to `out` (room for `len` bytes; may
 * be `in` itself: decoding in place is allowed). Sets *used to the input
 * bytes consumed (less than `len` only when the body ended: bytes after it
 * belong to the next response) and returns the number of data bytes written,
 * or -1 with `e` set. After the end, c->done is 1.
 */
long http_chunked_decode(struct http_chunked *c, const uint8_t *in, size_t len,
			 size_t *used, uint8_t *out, struct err *e);

#endif
