/*
 * imgsrc.h: image sources for image_write() (image.h).
 *
 *   file:   "file:///path" or "/path"; from = the byte to start at.
 *           - Onboarding information that came from a medium (struct
 *             imgsrc_file.root set: the medium's root directory): the
 *             file is looked for ON THAT MEDIUM only, at the paths
 *             imgsrc_file_paths() gives, in order, each opened with
 *             open_beneath() (base/beneath.h: no symbolic link, no "..",
 *             nothing off the medium), regular files only.
 *           - Otherwise (a network server, DNS; root NULL): an absolute
 *             path on the device's own file system, a regular file only.
 *           The image's SHA-256 decides either way.
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

/* file source: ctx NULL (the local file system) or a struct imgsrc_file */
struct imgsrc_file {
	const char *root; /* the medium the onboarding information came from (its
			   * mount point); NULL: the local file system */
};
extern const struct image_source imgsrc_file;

#define IMGSRC_FILE_PATHS 3
#define IMGSRC_PATH_MAX   1024 /* bytes of a decoded path (BENEATH_PATH_MAX) */

/*
 * Where a file download-uri (from a medium mounted at `root`) is looked
 * for: paths relative to the medium's root, into out[0..n), in the order
 * to try them. `uri` is "file://[localhost]/PATH" (PATH percent-decoded;
 * a query or fragment, %00, bad %-escapes and other hosts are refused) or
 * a plain "/PATH". PATH is split at '/' (empty and "." components
 * dropped; any ".." refuses the URI). Then:
 *   1. when PATH starts with `root`'s own components (the agent's mount
 *      point, as in file:///run/sztp/media/sdb1/images/os.img), what
 *      follows them: images/os.img;
 *   2. PATH as given, from the medium's root: file:///images/os.img ->
 *      images/os.img;
 *   3. when PATH has more than one component and the first ends in ':'
 *      (a vendor's drive name, file:///disk2:/images/os.img), PATH
 *      without it: images/os.img.
 * Duplicates are left out. Returns n (1..IMGSRC_FILE_PATHS), or -1 with
 * `e` set. `root` may be NULL (no rule 1).
 */
int imgsrc_file_paths(const char *uri, const char *root,
		      char out[IMGSRC_FILE_PATHS][IMGSRC_PATH_MAX + 1], struct err *e);

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
	const char *medium;            /* file:// resolves on this medium (struct
					* imgsrc_file.root); NULL: the local file system;
					* set after imgsrc_https_init() */
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
 * absolute paths to imgsrc_file with s->medium as the root). */
struct image_source imgsrc_any(struct imgsrc_https *s);

/* Close any kept connection. */
void imgsrc_https_close(struct imgsrc_https *s);

#endif
