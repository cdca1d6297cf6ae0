/* bs_https.c: the bootstrap transport over https.c (see bs_https.h). */
#include "sztp/bs_https.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "tls/tls_tcp.h"

static int t_open(void *ctx, const struct bs_target *t, int *trusted, int *cert_error,
		  int *n_addr, struct err *e)
{
	struct bs_https *b = ctx;
	struct https_target ht = { t->url, t->anchors, t->anchors == NULL, b->client, t->addr,
				   t->clock };
	int r = https_client_connect(&b->hc, &ht, trusted, cert_error, e);

	*n_addr = b->hc.conn.n_addr > 0 ? b->hc.conn.n_addr : 1;
	return r;
}

static int t_request(void *ctx, const struct bs_target *t, struct bs_http *h, struct err *e)
{
	struct bs_https *b = ctx;
	struct https_target ht = { t->url, t->anchors, t->anchors == NULL, b->client, t->addr,
				   t->clock };
	struct https_req rq = { h->method, h->path, h->accept, h->content_type, h->body,
				h->body_len, h->basic, -1 };
	struct https_resp rs;

	memset(&rs, 0, sizeof rs);
	rs.buf = h->resp;
	rs.cap = h->resp_cap;
	h->status = 0;
	h->resp_len = 0;
	h->resp_type[0] = 0;
	h->reason[0] = 0;
	if (https_client_request(&b->hc, &ht, &rq, &rs, e) < 0) {
		h->status = rs.head.status;
		return -1;
	}
	h->status = rs.head.status;
	h->resp_len = (size_t)rs.len;
	memcpy(h->resp_type, rs.head.content_type, sizeof h->resp_type);
	h->resp_type[sizeof h->resp_type - 1] = 0;
	memcpy(h->reason, rs.head.reason, sizeof h->reason);
	h->reason[sizeof h->reason - 1] = 0;
	return 0;
}

static void t_close(void *ctx)
{
	struct bs_https *b = ctx;
	https_client_close(&b->hc);
}

static int t_random(void *ctx, uint8_t *buf, size_t len)
{
	size_t got = 0;
	(void)ctx;
	while (got < len) {
		ssize_t n = getrandom(buf + got, len - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static void t_sleep(void *ctx, int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	(void)ctx;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int64_t t_now(void *ctx)
{
	(void)ctx;
	return tls_now_ms();
}

void bs_https_init(struct bs_https *t, struct bs_ops *ops, const struct https_limits *lim,
		   const struct tls_client_id *client)
{
	https_client_init(&t->hc, lim);
	t->client = client;
	ops->ctx = t;
	ops->open = t_open;
	ops->request = t_request;
	ops->close = t_close;
	ops->random = t_random;
	ops->sleep_ms = t_sleep;
	ops->now_ms = t_now;
}
