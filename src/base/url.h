/*
 * url.h: a strict parser for bootstrap-server URLs.
 *
 * Accepted form:  https://host[:port][/path[?query]]
 *   host   a DNS name (letters, digits, '-', labels 1..63 bytes, at most 253
 *          bytes, last label not all digits), a dotted-quad IPv4 address
 *          (no leading zeros), or an IPv6 address in brackets ("[2001:db8::1]",
 *          no zone id)
 *   port   1..65535, decimal, at most 5 digits; 443 when absent
 *   path   starts with '/', at most URL_PATH_MAX bytes, only RFC 3986 path
 *          and query characters (unreserved, sub-delims, ':', '@', '/', '?',
 *          and %XX escapes with two hex digits)
 * The scheme is matched case-insensitively; DNS names are lower-cased.
 * Userinfo ("user@host"), fragments ('#'), empty ports, spaces, control
 * characters and anything longer than URL_MAX bytes are refused.
 */
#ifndef SZTP_URL_H
#define SZTP_URL_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define URL_MAX      2048 /* whole URL, bytes */
#define URL_HOST_MAX 253  /* host without brackets, bytes */
#define URL_PATH_MAX 1024 /* path (with query), bytes */

enum url_host_type {
	URL_HOST_DNS = 0,
	URL_HOST_IPV4 = 4,
	URL_HOST_IPV6 = 6,
};

struct url {
	enum url_host_type host_type;
	char host[URL_HOST_MAX + 1]; /* NUL-terminated, no brackets */
	uint8_t ip[16];              /* the address when host_type is IPV4 (4 bytes) or IPV6 */
	uint16_t port;               /* 443 when the URL has no port */
	int has_port;                /* 1 when the URL named a port */
	char path[URL_PATH_MAX + 1]; /* "" when the URL has no path, else starts with '/' */
};

/*
 * Parse `len` bytes at `s` (need not be NUL-terminated; a NUL inside is an
 * error) into `u`. Returns 0, or -1 with a message in `e` such as
 *   url: port "99999" out of range 1..65535
 */
int url_parse(struct url *u, const char *s, size_t len, struct err *e);

/*
 * Check that `path` (NUL-terminated) is a valid request path as described
 * above (starts with '/', allowed characters, bounded length). Returns 0 or
 * -1 with a message in `e`.
 */
int url_check_path(const char *path, struct err *e);

/*
 * Write "host:port" ("[v6]:port" for IPv6) into `buf`, always with the port.
 * Returns the length, or -1 when `cap` is too small (buf then holds "").
 */
int url_hostport(const struct url *u, char *buf, size_t cap);

/*
 * Write the HTTP Host header value: the host (bracketed for IPv6), followed by
 * ":port" when the port is not 443. Returns the length or -1 (as above).
 */
int url_host_header(const struct url *u, char *buf, size_t cap);

#endif
