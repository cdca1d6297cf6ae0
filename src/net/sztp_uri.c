/* sztp_uri.c: decode the SZTP redirect option (RFC 8572 section 8.3). */
#include "net/sztp_uri.h"

#include "base/log.h"

#include <string.h>

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_hex(int c)
{
	return (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'f');
}

/* host: DNS name (labels of letters, digits, '-', '_', 1..63 bytes, a final
 * dot allowed) or dotted IPv4 (which is a DNS-name lookalike here). */
static int check_name(const char *s, size_t n, struct err *e)
{
	size_t label = 0;
	if (n == 0)
		return err_set(e, "empty host");
	if (n > 253)
		return err_set(e, "host name longer than 253 bytes");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			if (label == 0)
				return err_set(e, "empty label in host name");
			label = 0;
			continue;
		}
		if (!is_alnum(c) && c != '-' && c != '_')
			return err_set(e, "byte 0x%02x not allowed in host name", c);
		if (++label > 63)
			return err_set(e, "host name label longer than 63 bytes");
	}
	return 0;
}

static int check_ipv6(const char *s, size_t n, struct err *e)
{
	int colons = 0;
	if (n < 2 || n > 45)
		return err_set(e, "bad IPv6 literal length %zu", n);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ':')
			colons++;
		else if (!is_hex((unsigned char)s[i]) && s[i] != '.')
			return err_set(e, "byte 0x%02x not allowed in IPv6 literal",
				       (unsigned char)s[i]);
	}
	if (colons < 2)
		return err_set(e, "IPv6 literal without colons");
	return 0;
}

int sztp_uri_check(const char *s, size_t len, int allow_path, struct err *e)
{
	static const char scheme[] = "https://";
	size_t i, host_start, host_end, end;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f)
			return err_set(e, "byte 0x%02x at offset %zu", c, i);
	}
	if (len < sizeof scheme - 1)
		return err_set(e, "not an https:// URI");
	for (i = 0; i < sizeof scheme - 1; i++)
		if (lower((unsigned char)s[i]) != scheme[i])
			return err_set(e, "not an https:// URI");

	/* authority ends at the first '/', '?' or '#' */
	host_start = sizeof scheme - 1;
	end = host_start;
	while (end < len && s[end] != '/' && s[end] != '?' && s[end] != '#')
		end++;
	if (memchr(s + host_start, '@', end - host_start))
		return err_set(e, "user info not allowed");

	if (host_start < end && s[host_start] == '[') {
		const char *rb = memchr(s + host_start, ']', end - host_start);
		if (!rb)
			return err_set(e, "unterminated IPv6 literal");
		host_end = (size_t)(rb - s) + 1;
		if (check_ipv6(s + host_start + 1, host_end - host_start - 2, e) < 0)
			return -1;
	} else {
		host_end = host_start;
		while (host_end < end && s[host_end] != ':')
			host_end++;
		if (check_name(s + host_start, host_end - host_start, e) < 0)
			return -1;
	}

	if (host_end < end) {
		unsigned long port = 0;
		size_t digits = 0;
		if (s[host_end] != ':')
			return err_set(e, "junk after host");
		for (i = host_end + 1; i < end; i++, digits++) {
			if (s[i] < '0' || s[i] > '9' || digits >= 5)
				return err_set(e, "bad port");
			port = port * 10 + (unsigned long)(s[i] - '0');
		}
		if (digits == 0 || port == 0 || port > 65535)
			return err_set(e, "bad port");
	}

	if (end < len) {
		if (s[end] != '/')
			return err_set(e, "query or fragment not allowed");
		if (!allow_path)
			return err_set(e, "path not allowed");
		if (memchr(s + end, '?', len - end) || memchr(s + end, '#', len - end))
			return err_set(e, "query or fragment not allowed");
	}
	return 0;
}

static int keep(struct sztp_uri_list *out, const char *stage, const char *s, size_t n)
{
	if (out->n >= SZTP_URI_MAX) {
		log_warn(stage, "sztp-redirect: more than %d URIs, \"%.*s\" ignored",
			 SZTP_URI_MAX, (int)n, s);
		return 0;
	}
	memcpy(out->uri[out->n], s, n);
	out->uri[out->n][n] = '\0';
	out->n++;
	return 1;
}

static int plain_text(const uint8_t *p, size_t len, const char *stage,
		      struct sztp_uri_list *out, struct err *e)
{
	struct err why;
	size_t n = len;
	while (n > 0 && (p[n - 1] == 0 || p[n - 1] == ' ' || p[n - 1] == '\t' ||
			 p[n - 1] == '\r' || p[n - 1] == '\n'))
		n--;
	if (n >= SZTP_URI_LEN)
		return err_set(e, "sztp-redirect: plain-text URI of %zu bytes is longer than %d",
			       n, SZTP_URI_LEN - 1);
	if (sztp_uri_check((const char *)p, n, 1, &why) < 0)
		return err_set(e, "sztp-redirect: plain-text URI: %s", why.msg);
	out->plain_text = 1;
	keep(out, stage, (const char *)p, n);
	log_info(stage, "sztp-redirect: plain-text URI accepted (not RFC 8572 encoding)");
	return out->n;
}

int sztp_uri_decode(const uint8_t *p, size_t len, const char *stage,
		    struct sztp_uri_list *out, struct err *e)
{
	size_t off = 0;
	int bad = 0;

	memset(out, 0, sizeof *out);
	if (!stage)
		stage = "sztp";
	if (len == 0)
		return err_set(e, "sztp-redirect: empty option");
	if (len >= 8 && lower(p[0]) == 'h' && lower(p[1]) == 't' && lower(p[2]) == 't' &&
	    lower(p[3]) == 'p' && lower(p[4]) == 's' && p[5] == ':' && p[6] == '/' &&
	    p[7] == '/')
		return plain_text(p, len, stage, out, e);

	while (off < len) {
		struct err why;
		size_t n;
		const char *s;
		if (len - off < 2) {
			log_warn(stage, "sztp-redirect: 1 stray byte at offset %zu ignored", off);
			bad++;
			break;
		}
		n = ((size_t)p[off] << 8) | p[off + 1];
		off += 2;
		if (n > len - off) {
			log_warn(stage, "sztp-redirect: URI length %zu at offset %zu runs past the "
				 "end (%zu bytes left), rest ignored", n, off - 2, len - off);
			bad++;
			break;
		}
		s = (const char *)p + off;
		off += n;
		if (n == 0) {
			log_warn(stage, "sztp-redirect: zero-length URI ignored");
			bad++;
			continue;
		}
		/* a lone trailing "/" is an empty path: tolerate it */
		if (n > 1 && s[n - 1] == '/' && sztp_uri_check(s, n - 1, 0, NULL) == 0)
			n--;
		if (n >= SZTP_URI_LEN) {
			log_warn(stage, "sztp-redirect: URI of %zu bytes is longer than %d, ignored",
				 n, SZTP_URI_LEN - 1);
			bad++;
			continue;
		}
		if (sztp_uri_check(s, n, 0, &why) < 0) {
			char shown[SZTP_URI_LEN];
			/* show only printable bytes of the hostile value */
			for (size_t i = 0; i < n; i++)
				shown[i] = (s[i] > 0x20 && s[i] < 0x7f) ? s[i] : '?';
			shown[n] = '\0';
			log_warn(stage, "sztp-redirect: \"%s\" ignored: %s", shown, why.msg);
			bad++;
			continue;
		}
		keep(out, stage, s, n);
	}
	if (out->n == 0)
		return err_set(e, "sztp-redirect: no valid URI (%d invalid entr%s)", bad,
			       bad == 1 ? "y" : "ies");
	return out->n;
}
