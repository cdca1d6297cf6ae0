/*
 * imgsrc.h: image sources for image_write() (image.h).
 *
 *   file:   "file:///path" or "/path": a local file (a boot image on a
 *           medium, tests); from = the byte to start at.
 *   https:  "https://host[:port]/path" through https.h, one kept-alive
 *           connection; a resume asks "Range: bytes=FROM-" and accepts 206
 *           with Content-Range starting at FROM, or a 200 (the server ignored
 *           the Range) whose first FROM bytes are then skipped. 4xx (and any
 *           non-2xx but 408/429/5xx) is IMAGE_SRC_FATAL; connection failures,
 *           timeouts, 408, 429 and 5xx are IMAGE_SRC_RETRY.
 * The scheme selects the source: imgsrc_any dispatches on it.
 */
#ifndef SZTP_IMGSRC_H
#define SZTP_IMGSRC_H

#include "trust/anchors.h"
#include "tls/https.h"
#include "install/image.h"

#define IMGSRC_READ_CHUNK (256 * 1024)

/* file source: no state */
extern const struct image_source imgsrc_file;

struct imgsrc_https {
	struct https_client hc;
	const struct anchors *anchors; /* validate the image server against these */
	int allow_unvalidated;         /* when validation fails, go on without it (the hash
					* still protects the image); logged as a warning */
	int64_t timeout_ms;            /* connect/header/idle; 0: 30 s */
	const struct tls_client_id *client; /* presented when the server asks (NULL: none);
					* set after imgsrc_https_init() */
	const struct clock_policy *clock; /* judges the server's certificates (NULL:
					   * the system clock); set after init */
	/* private */
	struct url url;
	int skip_warned;
	int unvalidated_warned;        /* the one "downloading unvalidated" warning was given */
};

/*
 * Set up an https source. `anchors` NULL or empty: no anchors, so every
 * image server is reached unvalidated (one warning for the source; the
 * signed sha-256 decides, RFC 8572 section 5.6), whatever allow_unvalidated
 * says; allow_unvalidated is about anchors that do not cover the server.
 */
void imgsrc_https_init(struct imgsrc_https *s, const struct anchors *anchors,
		       int allow_unvalidated, int timeout_ms);

/* The image_source of `s` (fetch dispatches https:// to it, file:// and
 * absolute paths to imgsrc_file). */
struct image_source imgsrc_any(struct imgsrc_https *s);

/* Close any kept connection. */
void imgsrc_https_close(struct imgsrc_https *s);

#endif
