/* https.c: small HTTPS/1.1 client with keep-alive (see https.h). */
#include "tls/https.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/b64.h"
#include "base/log.h"
#include "tls/tls_tcp.h"

#ifndef SZTP_VERSION
#define SZTP_VERSION "unknown"
#endif

struct sink {
	struct https_resp *rs;
	uint64_t limit; /* bytes the body may have */
};

static int sink_put(struct sink *s, const uint8_t *p, size_t n, struct err *e)
{
	struct https_resp *rs = s->rs;

	if (n == 0)
		return 0;
	if (n > s->limit - rs->len) {
		if (rs->buf)
			return err_set(e, "response body larger than the %zu-byte buffer", rs->cap);
		return err_set(e, "response body larger than %llu bytes",
			       (unsigned long long)s->limit);
	}
	if (rs->buf)
		memcpy(rs->buf + rs->len, p, n);
	else if (rs->sink && rs->sink(rs->sink_ctx, p, n, e) < 0)
		return err_wrap(e, "after %llu body bytes", (unsigned long long)rs->len);
	rs->len += n;
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

static int method_ok(const char *m)
{
	return m && (strcmp(m, "GET") == 0 || strcmp(m, "POST") == 0 || strcmp(m, "HEAD") == 0);
}

/* Build the request head into req[cap]; returns its length or -1. */
static int build_head(const struct url *u, const struct https_req *rq, int provisional,
		      char *req, size_t cap, struct err *e)
{
	char host[URL_HOST_MAX + 16], cred[B64_ENCODED_LEN(HTTPS_FIELD_MAX) + 1];
	const char *path = rq->path && rq->path[0] ? rq->path : "/";
	size_t n = 0;
	int k;

#define ADD(...)                                                                   \
	do {                                                                       \
		k = snprintf(req + n, cap - n, __VA_ARGS__);                       \
		if (k < 0 || (size_t)k >= cap - n)                                 \
			return err_set(e, "request head too long");                \
		n += (size_t)k;                                                    \
	} while (0)

	if (!method_ok(rq->method))
		return err_set(e, "unsupported method");
	if (url_check_path(path, e) < 0)
		return -1;
	if ((rq->accept && !field_ok(rq->accept)) ||
	    (rq->content_type && !field_ok(rq->content_type)))
		return err_set(e, "bad Accept or Content-Type value");
	if (rq->body_len > HTTPS_BODY_SEND_MAX)
		return err_set(e, "request body larger than %d bytes", HTTPS_BODY_SEND_MAX);
	if (url_host_header(u, host, sizeof host) < 0)
		return err_set(e, "host name too long");
	ADD("%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: sztpboot/%s\r\nAccept: %s\r\n",
	    rq->method, path, host, SZTP_VERSION, rq->accept ? rq->accept : "*/*");
	if (rq->body || rq->content_type)
		ADD("Content-Type: %s\r\nContent-Length: %zu\r\n",
		    rq->content_type ? rq->content_type : "application/octet-stream",
		    rq->body_len);
	if (rq->range_from >= 0)
		ADD("Range: bytes=%lld-\r\n", (long long)rq->range_from);
	if (rq->basic) {
		if (provisional)
			return err_set(e, "refusing to send HTTP Basic credentials to an "
				       "unauthenticated server");
		if (!field_ok(rq->basic) || !strchr(rq->basic, ':'))
			return err_set(e, "bad HTTP Basic credentials");
		if (b64_encode((const uint8_t *)rq->basic, strlen(rq->basic), cred, sizeof cred) < 0)
			return err_set(e, "HTTP Basic credentials too long");
		ADD("Authorization: Basic %s\r\n", cred);
		memset(cred, 0, sizeof cred);
	}
	ADD("\r\n");
#undef ADD
	return (int)n;
}

static void make_key(const struct https_target *t, char *key, size_t cap)
{
	snprintf(key, cap, "%s|%u|%d|%d", t->url->host, (unsigned)t->url->port,
		 t->provisional ? 1 : 0, t->addr);
}

void https_client_init(struct https_client *hc, const struct https_limits *lim)
{
	memset(hc, 0, offsetof(struct https_client, conn));
	hc->lim = *lim;
	if (hc->lim.connect_ms <= 0)
		hc->lim.connect_ms = 10000;
	if (hc->lim.header_ms <= 0)
		hc->lim.header_ms = 10000;
	if (hc->lim.idle_ms <= 0)
		hc->lim.idle_ms = 10000;
	hc->open = 0;
	hc->conn.fd = -1;
}

void https_client_close(struct https_client *hc)
{
	if (hc->open)
		tls_close(&hc->conn);
	hc->open = 0;
	hc->requests = 0;
}

int https_client_connect(struct https_client *hc, const struct https_target *t,
			 int *trusted, int *cert_error, struct err *e)
{
	char key[sizeof hc->key];
	struct tls_opts o;

	if (cert_error)
		*cert_error = 0;
	make_key(t, key, sizeof key);
	if (hc->open && strcmp(key, hc->key) == 0 && hc->key_anchors == t->anchors &&
	    hc->key_client == t->client) {
		if (trusted)
			*trusted = !hc->conn.provisional;
		return 0;
	}
	https_client_close(hc);
	memset(&o, 0, sizeof o);
	o.timeout_ms = hc->lim.connect_ms;
	o.total_ms = hc->lim.total_ms;
	o.client = t->client;
	o.provisional = t->provisional;
	o.addr = t->addr;
	o.clock = t->clock;
	if (tls_connect(&hc->conn, t->url, t->anchors, &o, e) < 0) {
		if (cert_error)
			*cert_error = hc->conn.cert_error;
		return -1;
	}
	hc->conn.timeout_ms = hc->lim.idle_ms;
	hc->open = 1;
	hc->requests = 0;
	snprintf(hc->key, sizeof hc->key, "%s", key);
	hc->key_anchors = t->anchors;
	hc->key_client = t->client;
	if (trusted)
		*trusted = !hc->conn.provisional;
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

/* Read the body; *extra is set when bytes followed it (no reuse then). */
static int read_body(struct tls_conn *c, enum http_body kind, const struct http_head *h,
		     uint8_t *buf, size_t cap, size_t have, struct sink *s, int *extra,
		     struct err *e)
{
	struct http_chunked ch;
	uint64_t left;
	long n;

	*extra = 0;
	switch (kind) {
	case HTTP_BODY_NONE:
		*extra = have > 0;
		return 0;
	case HTTP_BODY_LENGTH:
		left = (uint64_t)h->content_length;
		if (left > s->limit)
			return err_set(e, "response body of %lld bytes larger than %s%llu bytes",
				       (long long)h->content_length,
				       s->rs->buf ? "the buffer of " : "",
				       (unsigned long long)s->limit);
		for (;;) {
			size_t k = have < left ? have : (size_t)left;
			if (sink_put(s, buf, k, e) < 0)
				return -1;
			left -= k;
			if (left == 0) {
				*extra = have > k;
				return 0;
			}
			have = 0;
			n = fill(c, buf, &have, left < cap ? (size_t)left : cap, e);
			if (n < 0)
				return err_wrap(e, "body after %llu of %lld bytes",
						(unsigned long long)s->rs->len,
						(long long)h->content_length);
			if (n == 0)
				return err_set(e, "connection closed after %llu of %lld body bytes",
					       (unsigned long long)s->rs->len,
					       (long long)h->content_length);
		}
	case HTTP_BODY_CHUNKED:
		http_chunked_init(&ch);
		for (;;) {
			size_t used;
			long k = http_chunked_decode(&ch, buf, have, &used, buf, e);
			if (k < 0 || sink_put(s, buf, (size_t)k, e) < 0)
				return -1;
			if (ch.done) {
				*extra = used < have;
				return 0;
			}
			have = 0;
			n = fill(c, buf, &have, cap, e);
			if (n < 0)
				return err_wrap(e, "chunked body after %llu bytes",
						(unsigned long long)s->rs->len);
			if (n == 0)
				return err_set(e, "connection closed inside chunked body after %llu bytes",
					       (unsigned long long)s->rs->len);
		}
	case HTTP_BODY_CLOSE:
		for (;;) {
			if (sink_put(s, buf, have, e) < 0)
				return -1;
			have = 0;
			n = fill(c, buf, &have, cap, e);
			if (n < 0)
				return err_wrap(e, "body after %llu bytes (no Content-Length)",
						(unsigned long long)s->rs->len);
			if (n == 0)
				return 0;
		}
	}
	return err_set(e, "internal error: body kind");
}

static int64_t min_deadline(int64_t a, int64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

/*
 * One exchange on the open connection. Returns 0, -1 (error), or -2 when the
 * connection turned out to be dead before any response byte (retryable).
 */
static int exchange(struct https_client *hc, const struct https_target *t,
		    const struct https_req *rq, struct https_resp *rs, int64_t total_dl,
		    struct err *e)
{
	struct tls_conn *c = &hc->conn;
	uint8_t buf[HTTP_HEAD_MAX];
	char head[URL_PATH_MAX + URL_HOST_MAX + 4 * HTTPS_FIELD_MAX + 512], t_s[32];
	size_t have = 0, end;
	int n, is_head = strcmp(rq->method, "HEAD") == 0, extra = 0, reused = hc->requests > 0;
	int64_t head_dl;
	struct sink s;
	const uint8_t *v;
	size_t vl;

	n = build_head(t->url, rq, c->provisional, head, sizeof head, e);
	if (n < 0)
		return -1;
	head_dl = min_deadline(total_dl, tls_now_ms() + hc->lim.header_ms);
	tls_set_deadline(c, head_dl);
	if (tls_write_all(c, head, (size_t)n, e) < 0 ||
	    (rq->body && rq->body_len && tls_write_all(c, rq->body, rq->body_len, e) < 0)) {
		memset(head, 0, (size_t)n); /* may hold credentials */
		return reused ? -2 : -1;
	}
	memset(head, 0, (size_t)n);
	hc->requests++;
	for (;;) {
		while ((end = http_head_end(buf, have)) == 0) {
			long r;
			if (have == sizeof buf)
				return err_set(e, "response head larger than %d bytes", HTTP_HEAD_MAX);
			r = fill(c, buf, &have, sizeof buf, e);
			/* a kept connection the server closed (EOF or reset, not a timeout) */
			if (r <= 0 && have == 0 && reused && !c->io_timeout)
				return -2;
			if (r < 0) {
				if (c->io_timeout == 2 && head_dl != total_dl)
					return err_set(e, "no complete response head within %s",
						       tls_fmt_ms(hc->lim.header_ms, t_s, sizeof t_s));
				return err_wrap(e, "response head");
			}
			if (r == 0)
				return err_set(e, "connection closed before a complete response head "
					       "(%zu bytes)", have);
		}
		if (http_parse_head(buf, end, &rs->head, e) < 0)
			return -1;
		if (rs->head.status >= 200)
			break;
		memmove(buf, buf + end, have - end);
		have -= end;
		if (rs->head.status == 101)
			return err_set(e, "unexpected 101 Switching Protocols");
		log_debug("https", "interim response %d", rs->head.status);
	}
	if (rs->head.status == 206 &&
	    http_header_find(buf, end, "content-range", &v, &vl) &&
	    http_parse_content_range(v, vl, &rs->range_first, &rs->range_last,
				     &rs->range_total, e) < 0)
		return -1;
	memmove(buf, buf + end, have - end);
	have -= end;
	tls_set_deadline(c, total_dl);
	s.rs = rs;
	if (rs->buf)
		s.limit = rs->cap;
	else if (rs->sink)
		s.limit = rs->max ? rs->max : UINT64_MAX;
	else
		s.limit = HTTPS_DISCARD_MAX;
	if (read_body(c, http_body_kind(&rs->head, is_head), &rs->head, buf, sizeof buf, have,
		      &s, &extra, e) < 0) {
		/* a body that keeps coming, but too slowly: say which limit ended it */
		if (c->io_timeout == 2 && total_dl)
			return err_wrap(e, "response not complete within %s (the limit of the "
					"whole request)", tls_fmt_ms(hc->lim.total_ms, t_s, sizeof t_s));
		return -1;
	}
	if (rs->head.close || extra || http_body_kind(&rs->head, is_head) == HTTP_BODY_CLOSE) {
		if (extra)
			log_debug("https", "unexpected bytes after the response body; closing");
		https_client_close(hc);
	}
	return 0;
}

int https_client_request(struct https_client *hc, const struct https_target *t,
			 const struct https_req *rq, struct https_resp *rs, struct err *e)
{
	int64_t total_dl = hc->lim.total_ms > 0 ? tls_now_ms() + hc->lim.total_ms : 0;

	for (int attempt = 0;; attempt++) {
		int r;
		memset(&rs->head, 0, sizeof rs->head);
		rs->len = 0;
		rs->range_first = rs->range_last = rs->range_total = -1;
		rs->reused = 0;
		rs->trusted = 0;
		if (https_client_connect(hc, t, &rs->trusted, NULL, e) < 0)
			return -1;
		rs->reused = hc->requests > 0;
		r = exchange(hc, t, rq, rs, total_dl, e);
		if (r == 0)
			return 0;
		https_client_close(hc);
		if (r == -2 && attempt == 0) {
			log_debug("https", "kept-alive connection to %s was closed; reconnecting",
				  t->url->host);
			continue;
		}
		if (r == -2)
			err_set(e, "connection closed before any response");
		return -1;
	}
}

int https_get(const struct url *u, const char *path, const struct anchors *ta,
	      int timeout_ms, int *status, uint8_t *body, size_t body_cap,
	      size_t *body_len, struct err *e)
{
	static struct https_client hc;
	struct https_limits lim = { timeout_ms, timeout_ms, timeout_ms, 0 };
	struct https_target t = { u, ta, 0, NULL, 0, NULL }; /* host tool: system clock */
	struct https_req rq = { "GET", path ? path : u->path, NULL, NULL, NULL, 0, NULL, -1 };
	struct https_resp rs;
	int r;

	memset(&rs, 0, sizeof rs);
	rs.buf = body;
	rs.cap = body ? body_cap : 0;
	if (status)
		*status = 0;
	if (body_len)
		*body_len = 0;
	https_client_init(&hc, &lim);
	r = https_client_request(&hc, &t, &rq, &rs, e);
	https_client_close(&hc);
	if (status)
		*status = rs.head.status;
	if (r < 0)
		return err_wrap(e, "https");
	if (body_len)
		*body_len = (size_t)rs.len;
	log_debug("https", "GET %s -> %d", rq.path && rq.path[0] ? rq.path : "/", rs.head.status);
	return 0;
}
