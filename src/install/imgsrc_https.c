/* imgsrc_https.c: boot image bytes over HTTPS with Range resumes (imgsrc.h). */
#include "install/imgsrc.h"

#include <string.h>

#include "base/log.h"

struct relay {
	struct imgsrc_https *s;
	image_sink_fn sink;
	void *sink_ctx;
	struct https_resp *rs;
	uint64_t from, skip;
	int64_t *total;
	int started, forward, sink_failed, bad_range;
	uint64_t forwarded;
};

static int relay_sink(void *ctx, const uint8_t *p, size_t n, struct err *e)
{
	struct relay *r = ctx;
	if (!r->started) {
		int st = r->rs->head.status;
		r->started = 1;
		if (st == 206) {
			if (r->rs->range_first < 0 || (uint64_t)r->rs->range_first != r->from) {
				r->bad_range = 1;
				return err_set(e, "206 Content-Range starts at %lld, asked for %llu",
					       (long long)r->rs->range_first,
					       (unsigned long long)r->from);
			}
			if (r->rs->range_total >= 0)
				*r->total = r->rs->range_total;
			r->forward = 1;
		} else if (st == 200) {
			if (r->rs->head.content_length >= 0)
				*r->total = r->rs->head.content_length;
			r->skip = r->from;
			if (r->from && !r->s->skip_warned) {
				log_warn("image", "%s: the server ignored the Range request; skipping "
					 "the first %llu bytes", r->s->url.host,
					 (unsigned long long)r->from);
				r->s->skip_warned = 1;
			}
			r->forward = 1;
		}
	}
	if (!r->forward)
		return 0; /* an error page: read and dropped */
	if (r->skip) {
		size_t k = r->skip < n ? (size_t)r->skip : n;
		r->skip -= k;
		p += k;
		n -= k;
	}
	if (n == 0)
		return 0;
	if (r->sink(r->sink_ctx, p, n, e) < 0) {
		r->sink_failed = 1;
		return -1;
	}
	r->forwarded += n;
	return 0;
}

static int https_fetch(struct imgsrc_https *s, const char *uri, uint64_t from, image_sink_fn sink,
		       void *sink_ctx, int64_t *total, struct err *e)
{
	/* an empty anchor set is no anchors: unvalidated from the start */
	const struct anchors *ta = s->anchors && s->anchors->n ? s->anchors : NULL;
	struct https_target t = { &s->url, ta, ta == NULL, s->client, 0, s->clock };
	int trusted = 0, cert_error = 0;
	struct https_resp rs;
	struct relay r;

	if (url_parse(&s->url, uri, strlen(uri), e) < 0)
		return IMAGE_SRC_FATAL;
	if (!ta && !s->unvalidated_warned) {
		log_warn("image", "%s: no trust anchors for image servers: downloading unvalidated; "
			 "the image is verified by its sha-256 from the signed onboarding "
			 "information (RFC 8572 section 5.6)", s->url.host);
		s->unvalidated_warned = 1;
	}
	if (https_client_connect(&s->hc, &t, &trusted, &cert_error, e) < 0) {
		if (!(cert_error && s->allow_unvalidated))
			return cert_error ? IMAGE_SRC_FATAL : IMAGE_SRC_RETRY;
		if (!s->unvalidated_warned)
			log_warn("image", "%s: %s; going on unvalidated: the image is verified by "
				 "its sha-256 from the signed onboarding information", s->url.host,
				 e->msg);
		s->unvalidated_warned = 1;
		t.anchors = NULL;
		t.provisional = 1;
		if (https_client_connect(&s->hc, &t, &trusted, &cert_error, e) < 0)
			return IMAGE_SRC_RETRY;
	}
	struct https_req rq = { "GET", s->url.path[0] ? s->url.path : "/", NULL, NULL, NULL, 0,
				NULL, from ? (int64_t)from : -1 };
	memset(&rs, 0, sizeof rs);
	memset(&r, 0, sizeof r);
	r.s = s;
	r.sink = sink;
	r.sink_ctx = sink_ctx;
	r.rs = &rs;
	r.from = from;
	r.total = total;
	rs.sink = relay_sink;
	rs.sink_ctx = &r;
	int rc = https_client_request(&s->hc, &t, &rq, &rs, e);
	if (r.sink_failed)
		return IMAGE_SRC_FATAL;
	if (r.bad_range) {
		https_client_close(&s->hc);
		return IMAGE_SRC_FATAL;
	}
	int st = rs.head.status;
	if (rc < 0) {
		if (st && st != 200 && st != 206)
			return err_wrap(e, "HTTP %d", st), IMAGE_SRC_RETRY;
		return IMAGE_SRC_RETRY;
	}
	if (st == 200 || st == 206) {
		if (!r.started) {
			/* empty body: nothing went through the sink */
			if (st == 200 && rs.head.content_length >= 0)
				*total = rs.head.content_length;
		}
		if (r.skip)
			return err_set(e, "HTTP 200 body ended before the resume offset %llu",
				       (unsigned long long)from), IMAGE_SRC_FATAL;
		return IMAGE_SRC_OK;
	}
	err_set(e, "HTTP %d from %s", st, s->url.host);
	if (st == 408 || st == 429 || st >= 500)
		return IMAGE_SRC_RETRY;
	return IMAGE_SRC_FATAL;
}

static int any_fetch(void *ctx, const char *uri, uint64_t from, image_sink_fn sink,
		     void *sink_ctx, int64_t *total, struct err *e)
{
	if (strncmp(uri, "https://", 8) == 0 || strncmp(uri, "HTTPS://", 8) == 0)
		return https_fetch(ctx, uri, from, sink, sink_ctx, total, e);
	if (strncmp(uri, "file://", 7) == 0 || uri[0] == '/') {
		struct imgsrc_https *s = ctx;
		struct imgsrc_file f = { s->medium };
		return imgsrc_file.fetch(&f, uri, from, sink, sink_ctx, total, e);
	}
	err_set(e, "%.80s: unsupported download-uri scheme (https:// or file:// only)", uri);
	return IMAGE_SRC_FATAL;
}

void imgsrc_https_init(struct imgsrc_https *s, const struct anchors *anchors,
		       int allow_unvalidated, int timeout_ms)
{
	int t = timeout_ms > 0 ? timeout_ms : 30000;
	struct https_limits lim = { t < 10000 ? t : 10000, t, t, 0 };
	memset(&s->url, 0, sizeof s->url);
	s->anchors = anchors;
	s->allow_unvalidated = allow_unvalidated;
	s->timeout_ms = t;
	s->skip_warned = 0;
	s->unvalidated_warned = 0;
	s->client = NULL;
	s->clock = NULL;
	s->medium = NULL;
	https_client_init(&s->hc, &lim);
}

struct image_source imgsrc_any(struct imgsrc_https *s)
{
	struct image_source src = { s, any_fetch };
	return src;
}

void imgsrc_https_close(struct imgsrc_https *s)
{
	https_client_close(&s->hc);
}
