/* tls_http.c: HTTP/1.1 response parsing (see tls_http.h). */
#include "tls/tls_http.h"

#include <string.h>
#include <strings.h>

static int is_digit(int c) { return c >= '0' && c <= '9'; }

static int is_tchar(int c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c))
		return 1;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Field value / reason phrase character: HT, SP, VCHAR, obs-text. */
static int is_text(int c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

size_t http_head_end(const uint8_t *buf, size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i == start || (i == start + 1 && buf[start] == '\r')) {
			if (start > 0) /* an empty first line is not the end of a head */
				return i + 1;
		}
		start = i + 1;
	}
	return 0;
}

int http_parse_status(const char *line, size_t len, int *minor, int *status,
		      struct err *e)
{
	int st;

	if (len < 12 || memcmp(line, "HTTP/1.", 7) != 0 || !is_digit((unsigned char)line[7]) ||
	    line[8] != ' ')
		return err_set(e, "http: bad status line (expected \"HTTP/1.x NNN ...\")");
	if (!is_digit((unsigned char)line[9]) || !is_digit((unsigned char)line[10]) ||
	    !is_digit((unsigned char)line[11]))
		return err_set(e, "http: bad status code in status line");
	st = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
	if (st < 100 || st > 599)
		return err_set(e, "http: status code %d out of range 100..599", st);
	if (len > 12) {
		if (line[12] != ' ')
			return err_set(e, "http: bad status line after the status code");
		for (size_t i = 13; i < len; i++)
			if (!is_text((unsigned char)line[i]))
				return err_set(e, "http: control character in reason phrase");
	}
	*minor = line[7] - '0';
	*status = st;
	return 0;
}

/*
 * Next line of buf[*pos..len): sets *l and *ll (without CRLF/LF) and advances
 * *pos. Returns 1, 0 when no complete line is left, -1 on a bare CR.
 */
static int next_line(const uint8_t *buf, size_t len, size_t *pos, const uint8_t **l,
		     size_t *ll)
{
	const uint8_t *nl = memchr(buf + *pos, '\n', len - *pos);
	size_t end;

	if (!nl)
		return 0;
	end = (size_t)(nl - buf);
	*l = buf + *pos;
	*ll = end - *pos;
	if (*ll > 0 && (*l)[*ll - 1] == '\r')
		(*ll)--;
	*pos = end + 1;
	if (memchr(*l, '\r', *ll))
		return -1;
	return 1;
}

/* Split a header line into name and trimmed value. Returns 0 or -1. */
static int split_field(const uint8_t *l, size_t ll, size_t *nlen, const uint8_t **v,
		       size_t *vlen)
{
	size_t i = 0, a, b;
	while (i < ll && is_tchar(l[i]))
		i++;
	if (i == 0 || i >= ll || l[i] != ':')
		return -1;
	*nlen = i;
	for (size_t k = i + 1; k < ll; k++)
		if (!is_text(l[k]))
			return -1;
	a = i + 1;
	b = ll;
	while (a < b && (l[a] == ' ' || l[a] == '\t'))
		a++;
	while (b > a && (l[b - 1] == ' ' || l[b - 1] == '\t'))
		b--;
	*v = l + a;
	*vlen = b - a;
	return 0;
}

static int name_is(const uint8_t *n, size_t nlen, const char *want)
{
	return strlen(want) == nlen && strncasecmp((const char *)n, want, nlen) == 0;
}

static int token_eq(const uint8_t *v, size_t vlen, const char *want)
{
	return strlen(want) == vlen && strncasecmp((const char *)v, want, vlen) == 0;
}

/* Does the comma-separated list v contain `want`? */
static int list_has(const uint8_t *v, size_t vlen, const char *want)
{
	size_t i = 0;
	while (i < vlen) {
		size_t a = i, b;
		while (i < vlen && v[i] != ',')
			i++;
		b = i++;
		while (a < b && (v[a] == ' ' || v[a] == '\t'))
			a++;
		while (b > a && (v[b - 1] == ' ' || v[b - 1] == '\t'))
			b--;
		if (token_eq(v + a, b - a, want))
			return 1;
	}
	return 0;
}

int http_parse_head(const uint8_t *buf, size_t len, struct http_head *h, struct err *e)
{
	const uint8_t *l, *v;
	size_t ll, nlen, vlen, pos = 0;
	int keepalive = 0, nfields = 0, r;

	memset(h, 0, sizeof *h);
	h->content_length = -1;
	if (len > HTTP_HEAD_MAX)
		return err_set(e, "http: response head longer than %d bytes", HTTP_HEAD_MAX);
	r = next_line(buf, len, &pos, &l, &ll);
	if (r < 0)
		return err_set(e, "http: bare CR in status line");
	if (r == 0)
		return err_set(e, "http: incomplete status line");
	if (http_parse_status((const char *)l, ll, &h->minor, &h->status, e) < 0)
		return -1;
	for (size_t i = 13, k = 0; i < ll && k < HTTP_REASON_MAX; i++, k++)
		h->reason[k] = l[i] >= 0x20 && l[i] < 0x7f ? (char)l[i] : '?';
	for (;;) {
		r = next_line(buf, len, &pos, &l, &ll);
		if (r < 0)
			return err_set(e, "http: bare CR in header field %d", nfields + 1);
		if (r == 0)
			return err_set(e, "http: response head not terminated by an empty line");
		if (ll == 0)
			break;
		if (++nfields > HTTP_HEADERS_MAX)
			return err_set(e, "http: more than %d header fields", HTTP_HEADERS_MAX);
		if (l[0] == ' ' || l[0] == '\t')
			return err_set(e, "http: obsolete line folding in header field %d", nfields);
		if (split_field(l, ll, &nlen, &v, &vlen) < 0)
			return err_set(e, "http: malformed header field %d", nfields);
		if (name_is(l, nlen, "Content-Length")) {
			int64_t n = 0;
			if (vlen == 0 || vlen > 18)
				return err_set(e, "http: bad Content-Length");
			for (size_t i = 0; i < vlen; i++) {
				if (!is_digit(v[i]))
					return err_set(e, "http: bad Content-Length");
				n = n * 10 + (v[i] - '0');
			}
			if (h->content_length >= 0 && h->content_length != n)
				return err_set(e, "http: conflicting Content-Length fields");
			h->content_length = n;
		} else if (name_is(l, nlen, "Transfer-Encoding")) {
			if (!token_eq(v, vlen, "chunked"))
				return err_set(e, "http: unsupported Transfer-Encoding (only chunked)");
			if (h->chunked)
				return err_set(e, "http: repeated Transfer-Encoding");
			h->chunked = 1;
		} else if (name_is(l, nlen, "Connection")) {
			if (list_has(v, vlen, "close"))
				h->close = 1;
			if (list_has(v, vlen, "keep-alive"))
				keepalive = 1;
		} else if (name_is(l, nlen, "Content-Type")) {
			if (vlen > HTTP_CTYPE_MAX)
				return err_set(e, "http: Content-Type longer than %d bytes",
					       HTTP_CTYPE_MAX);
			memcpy(h->content_type, v, vlen);
			h->content_type[vlen] = '\0';
		}
	}
	if (pos != len)
		return err_set(e, "http: data after the end of the response head");
	if (h->chunked && h->content_length >= 0)
		return err_set(e, "http: both Content-Length and Transfer-Encoding");
	if (h->minor == 0 && !keepalive)
		h->close = 1;
	return 0;
}

int http_header_find(const uint8_t *buf, size_t len, const char *name,
		     const uint8_t **val, size_t *vlen)
{
	const uint8_t *l;
	size_t ll, nlen, pos = 0;

	if (next_line(buf, len, &pos, &l, &ll) != 1)
		return 0;
	while (next_line(buf, len, &pos, &l, &ll) == 1 && ll > 0) {
		if (split_field(l, ll, &nlen, val, vlen) == 0 && name_is(l, nlen, name))
			return 1;
	}
	return 0;
}

enum http_body http_body_kind(const struct http_head *h, int head_request)
{
	if (head_request || (h->status >= 100 && h->status < 200) || h->status == 204 ||
	    h->status == 304)
		return HTTP_BODY_NONE;
	if (h->chunked)
		return HTTP_BODY_CHUNKED;
	if (h->content_length >= 0)
		return HTTP_BODY_LENGTH;
	return HTTP_BODY_CLOSE;
}

/* ------------------------------------------------------------ chunked */

enum {
	CH_SIZE,        /* chunk-size [ext] */
	CH_SIZE_LF,     /* after CR of the size line */
	CH_DATA,
	CH_DATA_END,    /* CRLF after chunk data */
	CH_DATA_END_LF,
	CH_TRAILER,     /* at the start of a trailer line (or the final CRLF) */
	CH_TRAILER_LINE,
	CH_TRAILER_LF,
	CH_END_LF,
	CH_DONE,
};

void http_chunked_init(struct http_chunked *c)
{
	memset(c, 0, sizeof *c);
	c->state = CH_SIZE;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int size_line_done(struct http_chunked *c, struct err *e)
{
	if (!c->seen_digit)
		return err_set(e, "http: chunked: missing chunk size");
	c->state = c->left ? CH_DATA : CH_TRAILER;
	c->line = 0;
	return 0;
}

long http_chunked_decode(struct http_chunked *c, const uint8_t *in, size_t len,
			 size_t *used, uint8_t *out, struct err *e)
{
	size_t i = 0, o = 0;

	while (i < len && c->state != CH_DONE) {
		int ch = in[i];

		if (c->state == CH_DATA) {
			size_t n = len - i;
			if ((uint64_t)n > c->left)
				n = (size_t)c->left;
			memmove(out + o, in + i, n);
			o += n;
			i += n;
			c->left -= n;
			if (c->left == 0)
				c->state = CH_DATA_END;
			continue;
		}
		i++;
		switch (c->state) {
		case CH_SIZE:
			if (++c->line > HTTP_CHUNK_LINE_MAX)
				return err_set(e, "http: chunked: size line longer than %d bytes",
					       HTTP_CHUNK_LINE_MAX);
			if (c->in_ext) {
				if (ch == '\r')
					c->state = CH_SIZE_LF;
				else if (ch == '\n') {
					if (size_line_done(c, e) < 0)
						return -1;
				} else if (!is_text(ch))
					return err_set(e, "http: chunked: control character in chunk extension");
			} else if (hexval(ch) >= 0 && !c->seen_ws) {
				if (c->left >> 56)
					return err_set(e, "http: chunked: chunk size too large");
				c->left = (c->left << 4) | (uint64_t)hexval(ch);
				c->seen_digit = 1;
			} else if ((ch == ' ' || ch == '\t') && c->seen_digit) {
				c->seen_ws = 1;
			} else if (ch == ';' && c->seen_digit) {
				c->in_ext = 1;
			} else if (ch == '\r') {
				c->state = CH_SIZE_LF;
			} else if (ch == '\n') {
				if (size_line_done(c, e) < 0)
					return -1;
			} else {
				return err_set(e, "http: chunked: bad chunk size line");
			}
			break;
		case CH_SIZE_LF:
			if (ch != '\n')
				return err_set(e, "http: chunked: bare CR in chunk size line");
			if (size_line_done(c, e) < 0)
				return -1;
			break;
		case CH_DATA_END:
			if (ch == '\r')
				c->state = CH_DATA_END_LF;
			else if (ch == '\n')
				goto next_chunk;
			else
				return err_set(e, "http: chunked: missing CRLF after chunk data");
			break;
		case CH_DATA_END_LF:
			if (ch != '\n')
				return err_set(e, "http: chunked: missing CRLF after chunk data");
		next_chunk:
			c->state = CH_SIZE;
			c->left = 0;
			c->line = 0;
			c->seen_digit = c->seen_ws = c->in_ext = 0;
			break;
		case CH_TRAILER:
			if (ch == '\r') {
				c->state = CH_END_LF;
			} else if (ch == '\n') {
				c->state = CH_DONE;
			} else if (!is_tchar(ch)) {
				return err_set(e, "http: chunked: malformed trailer field");
			} else {
				c->state = CH_TRAILER_LINE;
				c->trailer++;
			}
			break;
		case CH_TRAILER_LINE:
			if (++c->trailer > HTTP_TRAILER_MAX)
				return err_set(e, "http: chunked: trailer longer than %d bytes",
					       HTTP_TRAILER_MAX);
			if (ch == '\r')
				c->state = CH_TRAILER_LF;
			else if (ch == '\n')
				c->state = CH_TRAILER;
			else if (!is_text(ch))
				return err_set(e, "http: chunked: control character in trailer");
			break;
		case CH_TRAILER_LF:
			if (ch != '\n')
				return err_set(e, "http: chunked: bare CR in trailer");
			c->state = CH_TRAILER;
			break;
		case CH_END_LF:
			if (ch != '\n')
				return err_set(e, "http: chunked: bare CR after trailer");
			c->state = CH_DONE;
			break;
		default:
			break;
		}
	}
	if (c->state == CH_DONE)
		c->done = 1;
	*used = i;
	return (long)o;
}

/* Decimal number of 1..18 digits at v[*i..len). */
static int cr_num(const uint8_t *v, size_t len, size_t *i, int64_t *out)
{
	int64_t n = 0;
	size_t start = *i;

	while (*i < len && v[*i] >= '0' && v[*i] <= '9') {
		if (*i - start >= 18)
			return -1;
		n = n * 10 + (v[*i] - '0');
		(*i)++;
	}
	if (*i == start)
		return -1;
	*out = n;
	return 0;
}

int http_parse_content_range(const uint8_t *v, size_t len, int64_t *first, int64_t *last,
			     int64_t *total, struct err *e)
{
	size_t i = 6;

	if (len < 6 || memcmp(v, "bytes ", 6) != 0)
		return err_set(e, "http: Content-Range is not \"bytes FIRST-LAST/TOTAL\"");
	if (cr_num(v, len, &i, first) < 0 || i >= len || v[i++] != '-' ||
	    cr_num(v, len, &i, last) < 0 || i >= len || v[i++] != '/')
		return err_set(e, "http: malformed Content-Range");
	if (i + 1 == len && v[i] == '*') {
		*total = -1;
	} else if (cr_num(v, len, &i, total) < 0 || i != len) {
		return err_set(e, "http: malformed Content-Range total");
	}
	if (*last < *first || (*total >= 0 && *last >= *total))
		return err_set(e, "http: inconsistent Content-Range %lld-%lld/%lld",
			       (long long)*first, (long long)*last, (long long)*total);
	return 0;
}
