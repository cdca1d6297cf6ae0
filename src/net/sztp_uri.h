/*
 * sztp_uri.h: the SZTP redirect option of DHCPv4 (option 143) and DHCPv6
 * (option 136), RFC 8572 section 8.3.
 *
 * The option value is a list of records, each a 2-byte big-endian length
 * followed by that many bytes of URI:
 *
 *   00 15 "https://10.1.1.3:8080"  00 1c "https://bootstrap.example:8443"
 *
 * Each URI must be "https://host[:port]" with no path, user info, query or
 * fragment (a lone trailing "/" is tolerated and removed). Invalid records are
 * ignored with a log line; when no record is valid the whole option is
 * dropped (the decoder fails).
 *
 * Interop fallback: some servers send a bare URI as plain text instead of the
 * length-prefixed list, sometimes with the RESTCONF path. A value that starts
 * with "https://" (any case) is taken as one plain-text URI: trailing NULs and
 * white space are removed and a path is allowed. The URI is kept verbatim;
 * adding "/restconf" where needed is the HTTPS client's concern.
 *
 * Limits: at most SZTP_URI_MAX URIs are kept (further valid ones are ignored
 * with a log line), each at most SZTP_URI_LEN - 1 bytes (longer ones are
 * invalid).
 */
#ifndef SZTP_SZTP_URI_H
#define SZTP_SZTP_URI_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define SZTP_URI_MAX 8
#define SZTP_URI_LEN 256

struct sztp_uri_list {
	int n;                               /* number of URIs in uri[] */
	int plain_text;                      /* 1: decoded by the plain-text fallback */
	char uri[SZTP_URI_MAX][SZTP_URI_LEN]; /* NUL-terminated */
};

/*
 * Decode an option value of `len` bytes into `out` (always reset first).
 * `stage` names the log stage of the "ignored" lines ("dhcp4", "dhcp6").
 * Returns the number of URIs kept (> 0), or -1 with `e` set when the value
 * is empty, malformed or holds no valid URI.
 */
int sztp_uri_decode(const uint8_t *p, size_t len, const char *stage,
		    struct sztp_uri_list *out, struct err *e);

/*
 * Check that `s` (`len` bytes, not necessarily NUL-terminated) is
 * "https://host[:port]" where host is a DNS name, a dotted IPv4 address or a
 * bracketed IPv6 address, and port is 1..65535. With `allow_path` a path
 * starting with "/" may follow (no query, fragment, spaces or control bytes).
 * Returns 0, or -1 with `e` naming what is wrong.
 */
int sztp_uri_check(const char *s, size_t len, int allow_path, struct err *e);

#endif
