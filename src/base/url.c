/* url.c: strict https URL parser (see url.h). */
#include "base/url.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* RFC 3986 pchar minus '%' (checked separately), plus '/' and '?'. */
static int is_path_char(int c)
{
	if (is_alpha(c) || is_digit(c))
		return 1;
	return c != 0 && strchr("-._~!$&'()*+,;=:@/?", c) != NULL;
}

/* Describe a byte for an error message without echoing hostile bytes raw. */
static const char *byte_name(int c, char *buf, size_t cap)
{
	if (c > 0x20 && c < 0x7f)
		snprintf(buf, cap, "'%c'", c);
	else
		snprintf(buf, cap, "byte 0x%02x", (unsigned)(c & 0xff));
	return buf;
}

int url_check_path(const char *path, struct err *e)
{
	char b[16];
	size_t n = strlen(path);

	if (n == 0 || path[0] != '/')
		return err_set(e, "url: path must start with '/'");
	if (n > URL_PATH_MAX)
		return err_set(e, "url: path longer than %d bytes", URL_PATH_MAX);
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)path[i];
		if (c == '%') {
			if (i + 2 >= n || !is_hex((unsigned char)path[i + 1]) ||
			    !is_hex((unsigned char)path[i + 2]))
				return err_set(e, "url: bad %%-escape in path at offset %zu", i);
			i += 2;
			continue;
		}
		if (!is_path_char(c))
			return err_set(e, "url: %s not allowed in path (offset %zu)",
				       byte_name(c, b, sizeof b), i);
	}
	return 0;
}

/* Strict dotted quad: four decimal parts 0..255, no leading zeros. */
static int parse_ipv4(const char *s, size_t n, uint8_t out[4])
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		size_t start = i;
		while (i < n && is_digit((unsigned char)s[i]) && i - start < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || v > 255 || (i - start > 1 && s[start] == '0'))
			return -1;
		out[part] = (uint8_t)v;
		if (part < 3) {
			if (i >= n || s[i] != '.')
				return -1;
			i++;
		}
	}
	return i == n ? 0 : -1;
}

static int parse_dns(struct url *u, const char *s, size_t n, struct err *e)
{
	char b[16];
	size_t label = 0;
	int last_all_digits = 1;

	if (n > URL_HOST_MAX)
		return err_set(e, "url: host name longer than %d bytes", URL_HOST_MAX);
	for (size_t i = 0; i <= n; i++) {
		int c = i < n ? (unsigned char)s[i] : '.';
		if (c == '.') {
			if (label == 0)
				return err_set(e, "url: empty label in host name");
			if (s[i - 1] == '-')
				return err_set(e, "url: host name label ends with '-'");
			if (i < n) {
				last_all_digits = 1;
				u->host[i] = '.';
			}
			label = 0;
			continue;
		}
		if (!is_alpha(c) && !is_digit(c) && c != '-')
			return err_set(e, "url: %s not allowed in host name",
				       byte_name(c, b, sizeof b));
		if (c == '-' && label == 0)
			return err_set(e, "url: host name label starts with '-'");
		if (++label > 63)
			return err_set(e, "url: host name label longer than 63 bytes");
		if (!is_digit(c))
			last_all_digits = 0;
		u->host[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
	}
	if (last_all_digits)
		return err_set(e, "url: host is neither a valid IPv4 address nor a DNS name");
	u->host[n] = '\0';
	u->host_type = URL_HOST_DNS;
	return 0;
}

static int parse_ipv6(struct url *u, const char *s, size_t n, struct err *e)
{
	char tmp[64];

	if (n == 0 || n > 45)
		return err_set(e, "url: bad IPv6 address length");
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (!is_hex(c) && c != ':' && c != '.')
			return err_set(e, "url: bad character in IPv6 address (zone ids are not supported)");
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, u->ip) != 1)
		return err_set(e, "url: bad IPv6 address");
	for (size_t i = 0; i <= n; i++)
		u->host[i] = (char)((tmp[i] >= 'A' && tmp[i] <= 'F') ? tmp[i] + 32 : tmp[i]);
	u->host_type = URL_HOST_IPV6;
	return 0;
}

int url_parse(struct url *u, const char *s, size_t len, struct err *e)
{
	static const char scheme[] = "https://";
	char b[16];
	size_t i, hstart, hend;

	memset(u, 0, sizeof *u);
	u->port = 443;
	if (len > URL_MAX)
		return err_set(e, "url: longer than %d bytes", URL_MAX);
	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f)
			return err_set(e, "url: %s not allowed (offset %zu)",
				       c == ' ' ? "space" : byte_name(c, b, sizeof b), i);
	}
	if (len < sizeof scheme - 1 || strncasecmp(s, scheme, sizeof scheme - 1) != 0)
		return err_set(e, "url: scheme must be https://");
	i = sizeof scheme - 1;

	/* authority: up to '/', '?', '#' or the end */
	hstart = i;
	while (i < len && s[i] != '/' && s[i] != '?' && s[i] != '#')
		i++;
	hend = i;
	if (memchr(s + hstart, '@', hend - hstart))
		return err_set(e, "url: userinfo (user@host) not allowed");
	if (hend == hstart)
		return err_set(e, "url: missing host");

	size_t hostend; /* end of the host part, before ":port" */
	if (s[hstart] == '[') {
		const char *rb = memchr(s + hstart, ']', hend - hstart);
		if (!rb)
			return err_set(e, "url: missing ']' after IPv6 address");
		if (parse_ipv6(u, s + hstart + 1, (size_t)(rb - s) - hstart - 1, e) < 0)
			return -1;
		hostend = (size_t)(rb - s) + 1;
		if (hostend != hend && s[hostend] != ':')
			return err_set(e, "url: unexpected text after ']'");
	} else {
		const char *colon = memchr(s + hstart, ':', hend - hstart);
		hostend = colon ? (size_t)(colon - s) : hend;
		if (hostend == hstart)
			return err_set(e, "url: missing host");
		if (parse_ipv4(s + hstart, hostend - hstart, u->ip) == 0) {
			memcpy(u->host, s + hstart, hostend - hstart);
			u->host[hostend - hstart] = '\0';
			u->host_type = URL_HOST_IPV4;
		} else if (parse_dns(u, s + hstart, hostend - hstart, e) < 0) {
			return -1;
		}
	}

	if (hostend < hend) { /* s[hostend] == ':' */
		size_t p = hostend + 1, nd = hend - p;
		unsigned long port = 0;
		if (nd == 0)
			return err_set(e, "url: empty port");
		if (nd > 5)
			return err_set(e, "url: port out of range 1..65535");
		for (size_t k = p; k < hend; k++) {
			if (!is_digit((unsigned char)s[k]))
				return err_set(e, "url: port must be decimal digits");
			port = port * 10 + (unsigned long)(s[k] - '0');
		}
		if (port < 1 || port > 65535)
			return err_set(e, "url: port %lu out of range 1..65535", port);
		u->port = (uint16_t)port;
		u->has_port = 1;
	}

	if (hend == len)
		return 0;
	if (s[hend] == '#')
		return err_set(e, "url: fragment ('#') not allowed");
	if (len - hend > URL_PATH_MAX)
		return err_set(e, "url: path longer than %d bytes", URL_PATH_MAX);
	if (s[hend] == '?') { /* "https://h?q": the path is "/" */
		if (len - hend + 1 > URL_PATH_MAX)
			return err_set(e, "url: path longer than %d bytes", URL_PATH_MAX);
		u->path[0] = '/';
		memcpy(u->path + 1, s + hend, len - hend);
		u->path[len - hend + 1] = '\0';
	} else {
		memcpy(u->path, s + hend, len - hend);
		u->path[len - hend] = '\0';
	}
	if (memchr(s + hend, '#', len - hend))
		return err_set(e, "url: fragment ('#') not allowed");
	return url_check_path(u->path, e);
}

static int fmt_host(const struct url *u, char *buf, size_t cap, int with_port)
{
	int n;
	const char *l = u->host_type == URL_HOST_IPV6 ? "[" : "";
	const char *r = u->host_type == URL_HOST_IPV6 ? "]" : "";

	if (with_port)
		n = snprintf(buf, cap, "%s%s%s:%u", l, u->host, r, (unsigned)u->port);
	else
		n = snprintf(buf, cap, "%s%s%s", l, u->host, r);
	if (n < 0 || (size_t)n >= cap) {
		if (cap)
			buf[0] = '\0';
		return -1;
	}
	return n;
}

int url_hostport(const struct url *u, char *buf, size_t cap)
{
	return fmt_host(u, buf, cap, 1);
}

int url_host_header(const struct url *u, char *buf, size_t cap)
{
	return fmt_host(u, buf, cap, u->port != 443);
}
