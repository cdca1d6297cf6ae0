/* https.c: minimal HTTPS/1.1 client (see https.h). */
#include "https.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

#ifndef SZTP_VERSION
#define SZTP_VERSION "unknown"
#endif

struct sink {
	uint8_t *buf;
	size_t cap;
	size_t len;
};

static int sink_put(struct sink *s, const uint8_t *p, size_t n, struct err *e)
{
	if (s->buf) {
		if (n > s->cap - s->len)
			return err_set(e, "response body larger than the %zu-byte buffer", s->cap);
		memcpy(s->buf + s->len, p, n);
	} else if (n > HTTPS_DISCARD_MAX - s->len) {
		return err_set(e, "response body larger than %d bytes", HTTPS_DISCARD_MAX);
	}
	s->len += n;
	return 0;
}

static int field_ok(const char *v)
{
	size_t n = strlen(v);
	if (n > HTTPS_FIELD_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return 0;
	return 1;
}

static int send_request(struct tls_conn *c, const struct url *u,
			const struct https_request *rq, struct err *e)
{
	char req[URL_PATH_MAX + URL_HOST_MAX + 3 * HTTPS_FIELD_MAX + 256], host[URL_HOST_MAX + 16];
	const char *path = rq->path && rq->path[0] ? rq->path : "/";
	int n;

	if (!rq->method || strcmp(rq->method, "GET") != 0) {
		if (!rq->method || (strcmp(rq->method, "POST") != 0 && strcmp(rq->method, "HEAD") != 0))
			return err_set(e, "unsupported method");
	}
	if (url_check_path(path, e) < 0)
		return -1;
	if ((rq->accept && !field_ok(rq->accept)) ||
	    (rq->content_type && !field_ok(rq->content_type)))
		return err_set(e, "bad Accept or Content-Type value");
	if (url_host_header(u, host, sizeof host) < 0)
		return err_set(e, "host name too long");
	n = snprintf(req, sizeof req,
		     "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: sztpboot/%s\r\n"
		     "Accept: %s\r\nConnection: close\r\n",
		     rq->method, path, host, SZTP_VERSION, rq->accept ? rq->accept : "*/*");
	if (n > 0 && (size_t)n < sizeof req && (rq->body || rq->content_type))
		n += snprintf(req + n, sizeof req - (size_t)n,
			      "Content-Type: %s\r\nContent-Length: %zu\r\n",
			      rq->content_type ? rq->content_type : "application/octet-stream",
			      rq->body_len);
	if (n > 0 && (size_t)n < sizeof req)
		n += snprintf(req + n, sizeof req - (size_t)n, "\r\n");
	if (n < 0 || (size_t)n >= sizeof req)
		return err_set(e, "request too long");
	if (tls_write_all(c, req, (size_t)n, e) < 0)
		return -1;
	if (rq->body && rq->body_len && tls_write_all(c, rq->body, rq->body_len, e) < 0)
		return -1;
	return 0;
}

/* Read more bytes into buf[*have..cap). Returns bytes read, 0 at a clean close, -1. */
static long fill(struct tls_conn *c, uint8_t *buf, size_t *have, size_t cap, struct err *e)
{
	long n = tls_read(c, buf + *have, cap - *have, e);
	if (n > 0)
		*have += (size_t)n;
	return n;
}

static int read_body(struct tls_conn *c, enum http_body kind, const struct http_head *h,
		     uint8_t *buf, size_t have, struct sink *s, struct err *e)
{
	struct http_chunked ch;
	uint64_t left;
	long n;

	switch (kind) {
	case HTTP_BODY_NONE:
		return 0;
	case HTTP_BODY_LENGTH:
		left = (uint64_t)h->content_length;
		if (s->buf && left > s->cap)
			return err_set(e, "response body of %lld bytes larger than the %zu-byte buffer",
				       (long long)h->content_length, s->cap);
		if (!s->buf && left > HTTPS_DISCARD_MAX)
			return err_set(e, "response body of %lld bytes larger than %d bytes",
				       (long long)h->content_length, HTTPS_DISCARD_MAX);
		for (;;) {
			size_t k = have < left ? have : (size_t)left;
			if (sink_put(s, buf, k, e) < 0)
				return -1;
			left -= k;
			if (left == 0)
				return 0;
			have = 0;
			n = fill(c, buf, &have, HTTP_HEAD_MAX, e);
			if (n < 0)
				return err_wrap(e, "body after %zu of %lld bytes", s->len,
						(long long)h->content_length);
			if (n == 0)
				return err_set(e, "connection closed after %zu of %lld body bytes",
					       s->len, (long long)h->content_length);
		}
	case HTTP_BODY_CHUNKED:
		http_chunked_init(&ch);
		for (;;) {
			size_t used;
			long k = http_chunked_decode(&ch, buf, have, &used, buf, e);
			if (k < 0 || sink_put(s, buf, (size_t)k, e) < 0)
				return -1;
			if (ch.done)
				return 0;
			have = 0;
			n = fill(c, buf, &have, HTTP_HEAD_MAX, e);
			if (n < 0)
				return err_wrap(e, "chunked body after %zu bytes", s->len);
			if (n == 0)
				return err_set(e, "connection closed inside chunked body after %zu bytes",
					       s->len);
		}
	case HTTP_BODY_CLOSE:
		for (;;) {
			if (sink_put(s, buf, have, e) < 0)
				return -1;
			have = 0;
			n = fill(c, buf, &have, HTTP_HEAD_MAX, e);
			if (n < 0)
				return err_wrap(e, "body after %zu bytes (no Content-Length)", s->len);
			if (n == 0)
				return 0;
		}
	}
	return err_set(e, "internal error: body kind");
}

int https_request(struct tls_conn *c, const struct url *u, const struct https_request *rq,
		  struct http_head *h, uint8_t *body, size_t body_cap, size_t *body_len,
		  struct err *e)
{
	uint8_t buf[HTTP_HEAD_MAX];
	size_t have = 0, end;
	struct sink s = { body, body ? body_cap : 0, 0 };
	int is_head = rq->method && strcmp(rq->method, "HEAD") == 0;

	memset(h, 0, sizeof *h);
	if (body_len)
		*body_len = 0;
	if (send_request(c, u, rq, e) < 0)
		return -1;
	for (;;) {
		while ((end = http_head_end(buf, have)) == 0) {
			long n;
			if (have == sizeof buf)
				return err_set(e, "response head larger than %d bytes", HTTP_HEAD_MAX);
			n = fill(c, buf, &have, sizeof buf, e);
			if (n < 0)
				return err_wrap(e, "response head");
			if (n == 0)
				return err_set(e, "connection closed before a complete response head "
					       "(%zu bytes)", have);
		}
		if (http_parse_head(buf, end, h, e) < 0)
			return -1;
		memmove(buf, buf + end, have - end);
		have -= end;
		if (h->status >= 200)
			break;
		if (h->status == 101)
			return err_set(e, "unexpected 101 Switching Protocols");
		log_debug("https", "interim response %d", h->status);
	}
	if (read_body(c, http_body_kind(h, is_head), h, buf, have, &s, e) < 0)
		return -1;
	if (body_len)
		*body_len = s.len;
	return 0;
}

int https_get(const struct url *u, const char *path, const struct anchors *ta,
	      int timeout_ms, int *status, uint8_t *body, size_t body_cap,
	      size_t *body_len, struct err *e)
{
	struct tls_conn c;
	struct tls_opts o = { timeout_ms, 0, 0 };
	struct https_request rq = { "GET", path ? path : u->path, NULL, NULL, NULL, 0 };
	struct http_head h;
	int r;

	if (status)
		*status = 0;
	if (body_len)
		*body_len = 0;
	if (tls_connect(&c, u, ta, &o, e) < 0)
		return err_wrap(e, "https");
	r = https_request(&c, u, &rq, &h, body, body_cap, body_len, e);
	if (status)
		*status = h.status;
	tls_close(&c);
	if (r < 0)
		return err_wrap(e, "https");
	log_debug("https", "GET %s -> %d", rq.path && rq.path[0] ? rq.path : "/", h.status);
	return 0;
}
