/*
 * test_bootstrap.c: the bootstrap engine (bootstrap.c, onboard.c) against a
 * fake transport: trust decisions, request contents, redirects and loops,
 * progress-report sequences, retries and backoff.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/b64.h"
#include "base/events.h"
#include "sztp/bootstrap.h"
#include "base/log.h"
#include "unit.h"
#include "crypto_fixtures.h"
#include "response_fixture.h"
#include "crypto_fixtures.h"

#define FAKE_MAX_SRV 16
#define FAKE_MAX_LOG 64

struct fsrv {
	const char *hostport;   /* "192.0.2.1:443" */
	const char *ci_json;    /* conveyed information (unsigned) */
	const char *level;      /* reporting-level or NULL */
	const char *ctype;      /* response Content-Type (NULL: yang-data+json) */
	int xml;                /* answer in XML (2: the namespace in upper case) */
	const char *root;       /* RESTCONF root (NULL: /restconf) */
	int cert_bad;           /* validation against anchors fails */
	int down;               /* connection refused */
	int fail_n;             /* answer 503 this many times first */
	int n_addr;             /* the host resolves to this many addresses (0: 1) */
	int bad_tls_addr;       /* the TLS handshake fails on this address (1-based) */
	int bad_rpc_addr;       /* get-bootstrapping-data answers 500 on this address */
	int cur_addr;           /* recorded: the address connected to */
	int err_status;         /* answer get-bootstrapping-data with this status ... */
	const char *err_body;   /* ... and this text/plain body (0: the data) */
	int report_status;      /* report-progress status (0: 204) */
	int initiated_status;   /* status for bootstrap-initiated (0: report_status) */
	const char *body;       /* a whole get-bootstrapping-data answer instead of ci_json */
	/* recorded */
	int gbd_calls;
	int opens_trusted, opens_provisional;
	char last_gbd[1024];
	const char *last_basic;
};

struct fake {
	struct fsrv srv[FAKE_MAX_SRV];
	int n;
	struct fsrv *cur;
	char reports[FAKE_MAX_LOG][64]; /* "host:port type" */
	int n_reports;
	int sleeps[FAKE_MAX_LOG];
	int n_sleeps;
	int64_t now;
	uint8_t rnd;
};

static struct fake fk;
static struct bs_state st;
static char respbuf[8192];

static struct fsrv *find(const struct url *u)
{
	char hp[300];
	url_hostport(u, hp, sizeof hp);
	for (int i = 0; i < fk.n; i++)
		if (strcmp(fk.srv[i].hostport, hp) == 0)
			return &fk.srv[i];
	return NULL;
}

static int f_open(void *ctx, const struct bs_target *t, int *trusted, int *cert_error,
		  int *n_addr, struct err *e)
{
	struct fsrv *s = find(t->url);
	(void)ctx;
	*cert_error = 0;
	*n_addr = s && s->n_addr ? s->n_addr : 1;
	fk.cur = NULL;
	if (!s || s->down)
		return err_set(e, "connect %s: Connection refused", t->url->host);
	CHECK(t->addr >= 1 && t->addr <= *n_addr);
	s->cur_addr = t->addr;
	if (t->addr == s->bad_tls_addr)
		return err_set(e, "TLS handshake with %s: unexpected message", t->url->host);
	if (t->anchors && s->cert_bad) {
		*cert_error = 1;
		return err_set(e, "TLS handshake with %s: certificate not trusted", t->url->host);
	}
	*trusted = t->anchors != NULL;
	if (*trusted)
		s->opens_trusted++;
	else
		s->opens_provisional++;
	fk.cur = s;
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void answer(struct bs_http *h, int status, const char *ctype, const void *body, size_t n)
{
	h->status = status;
	h->reason[0] = 0;
	snprintf(h->resp_type, sizeof h->resp_type, "%s", ctype ? ctype : "");
	if (n > h->resp_cap)
		n = h->resp_cap;
	memcpy(h->resp, body, n);
	h->resp_len = n;
}

static int f_request(void *ctx, const struct bs_target *t, struct bs_http *h, struct err *e)
{
	struct fsrv *s = fk.cur;
	const char *root;
	char path[300];
	(void)ctx;
	(void)t;
	if (!s)
		return err_set(e, "not connected");
	root = s->root ? s->root : "/restconf";
	if (strcmp(h->method, "GET") == 0 && strcmp(h->path, "/.well-known/host-meta") == 0) {
		char x[200];
		int n = snprintf(x, sizeof x, "<XRD><Link rel='restconf' href='%s'/></XRD>", root);
		answer(h, 200, "application/xrd+xml", x, (size_t)n);
		return 0;
	}
	CHECK_EQ_STR(h->method, "POST");
	CHECK_EQ_STR(h->content_type, "application/yang-data+json");
	CHECK_EQ_STR(h->accept, "application/yang-data+json");
	s->last_basic = h->basic;
	if (ends_with(h->path, ":get-bootstrapping-data")) {
		size_t n;
		snprintf(path, sizeof path, "%s/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data", root);
		s->gbd_calls++;
		snprintf(s->last_gbd, sizeof s->last_gbd, "%.*s", (int)h->body_len, (const char *)h->body);
		if (strcmp(h->path, path) != 0) {
			answer(h, 404, "text/plain", "no", 2);
			return 0;
		}
		if (s->fail_n > 0) {
			const char *err = "{\"ietf-restconf:errors\":{\"error\":[{\"error-tag\":"
					  "\"operation-failed\",\"error-message\":\"busy\"}]}}";
			s->fail_n--;
			answer(h, 503, "application/yang-data+json", err, strlen(err));
			return 0;
		}
		if (s->bad_rpc_addr && s->cur_addr == s->bad_rpc_addr) {
			answer(h, 500, "text/plain", "down", 4);
			return 0;
		}
		if (s->err_status) {
			answer(h, s->err_status, "text/plain", s->err_body, strlen(s->err_body));
			snprintf(h->reason, sizeof h->reason, "Internal Server Error");
			return 0;
		}
		if (s->body) {
			answer(h, 200, "application/yang-data+json", s->body, strlen(s->body));
		} else {
			n = mk_response_enc(s->ci_json, s->level, respbuf, sizeof respbuf, s->xml);
			answer(h, 200, s->ctype ? s->ctype : "application/yang-data+json", respbuf, n);
		}
		return 0;
	}
	if (ends_with(h->path, ":report-progress")) {
		const char *p = strstr((const char *)h->body, "\"progress-type\":\"");
		int status = s->report_status ? s->report_status : 204;
		CHECK(p != NULL);
		p += 17;
		CHECK(fk.n_reports < FAKE_MAX_LOG);
		snprintf(fk.reports[fk.n_reports++], sizeof fk.reports[0], "%s %.*s", s->hostport,
			 (int)strcspn(p, "\""), p);
		if (strncmp(p, "bootstrap-initiated", 19) == 0 && s->initiated_status)
			status = s->initiated_status;
		answer(h, status, NULL, "", 0);
		return 0;
	}
	return err_set(e, "unexpected path %s", h->path);
}

static void f_close(void *ctx)
{
	(void)ctx;
	fk.cur = NULL;
}

static int f_random(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++)
		buf[i] = fk.rnd++;
	return 0;
}

static void f_sleep(void *ctx, int ms)
{
	(void)ctx;
	if (fk.n_sleeps < FAKE_MAX_LOG)
		fk.sleeps[fk.n_sleeps++] = ms;
	fk.now += ms;
}

static int64_t f_now(void *ctx)
{
	(void)ctx;
	return fk.now;
}

static const struct bs_ops ops = { NULL, f_open, f_request, f_close, f_random, f_sleep, f_now };
static struct anchors one_anchor; /* the engine only looks at n */
static struct bs_config cfg;
static struct clock_policy clk;

static struct fsrv *srv(const char *hp, const char *ci)
{
	struct fsrv *s = &fk.srv[fk.n++];
	memset(s, 0, sizeof *s);
	s->hostport = hp;
	s->ci_json = ci;
	return s;
}

static void setup(int with_anchors)
{
	memset(&fk, 0, sizeof fk);
	memset(&cfg, 0, sizeof cfg);
	log_set_level(LOG_ERR); /* the engine's info lines would drown the results */
	one_anchor.n = 1;
	cfg.serial = "SN1";
	cfg.anchors = with_anchors ? &one_anchor : NULL;
	cfg.max_rounds = 1;
	cfg.no_pivot = 1;
	clock_policy_exact(&clk, time(NULL));
	cfg.clock = &clk;
}

static int run(const char *const *uris, int n, struct err *e)
{
	struct bs_source src[8];
	memset(src, 0, sizeof src);
	for (int i = 0; i < n; i++) {
		src[i].uri = uris[i];
		src[i].origin = "test";
	}
	err_clear(e);
	return bs_run(&st, &cfg, &ops, src, n, e);
}

static void check_reports(const char *const *want, int n)
{
	for (int i = 0; i < n && i < fk.n_reports; i++)
		CHECK_EQ_STR(fk.reports[i], want[i]);
	CHECK_EQ_INT(fk.n_reports, n);
}

#define OB_EMPTY "{\"ietf-sztp-conveyed-info:onboarding-information\":{}}"
#define OB_IMAGE "{\"ietf-sztp-conveyed-info:onboarding-information\":{\"boot-image\":{" \
	"\"os-name\":\"x\",\"download-uri\":[\"https://192.0.2.9/img\"],\"image-verification\":[{" \
	"\"hash-algorithm\":\"ietf-sztp-conveyed-info:sha-256\",\"hash-value\":\"" \
	"00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14:15:16:17:18:19:1a:1b:1c:1d:1e:1f\"}]}}}"
#define REDIR(addr, port) "{\"ietf-sztp-conveyed-info:redirect-information\":{\"bootstrap-server\":[" \
	"{\"address\":\"" addr "\",\"port\":" #port "}]}}"

TEST(bootstrap_trusted_unsigned_minimal)
{
	static const char *const uris[] = { "https://192.0.2.1" };
	static const char *const want[] = { "192.0.2.1:443 bootstrap-initiated",
					    "192.0.2.1:443 bootstrap-complete" };
	struct fsrv *s;
	struct err e;

	setup(1);
	cfg.hw_model = "M1";
	cfg.basic = "dev:secret";
	s = srv("192.0.2.1:443", OB_EMPTY);
	CHECK_EQ_INT(run(uris, 1, &e), 0);
	CHECK_EQ_INT(s->opens_trusted, 1 + 0); /* kept open for the reports (fake: one open per server) */
	CHECK_EQ_INT(s->opens_provisional, 0);
	CHECK(strstr(s->last_gbd, "\"hw-model\":\"M1\"") != NULL);
	CHECK(strstr(s->last_gbd, "nonce") == NULL);
	CHECK(strstr(s->last_gbd, "signed-data-preferred") == NULL);
	CHECK(s->last_basic != NULL && strcmp(s->last_basic, "dev:secret") == 0);
	check_reports(want, 2);
	CHECK_EQ_STR(st.done_server, "192.0.2.1:443");
}

TEST(bootstrap_trusted_unsigned_verbose)
{
	static const char *const uris[] = { "https://192.0.2.1:8443" };
	static const char *const want[] = {
		"192.0.2.1:8443 bootstrap-initiated", "192.0.2.1:8443 parsing-initiated",
		"192.0.2.1:8443 parsing-complete", "192.0.2.1:8443 bootstrap-complete" };
	struct fsrv *s;
	struct err e;

	setup(1);
	s = srv("192.0.2.1:8443", OB_EMPTY);
	s->level = "verbose";
	CHECK_EQ_INT(run(uris, 1, &e), 0);
	check_reports(want, 4);
}

TEST(bootstrap_untrusted_refuses_unsigned_onboarding)
{
	static const char *const uris[] = { "https://192.0.2.1" };
	struct fsrv *s;
	struct err e;

	setup(0);
	cfg.hw_model = "M1";
	cfg.basic = "dev:secret";
	s = srv("192.0.2.1:443", OB_EMPTY);
	CHECK_EQ_INT(run(uris, 1, &e), -1);
	CHECK(strstr(e.msg, "no bootstrap source succeeded in 1 round") != NULL);
	CHECK_EQ_INT(s->opens_provisional, 1);
	CHECK(strstr(s->last_gbd, "\"signed-data-preferred\":[null]") != NULL);
	/* 32 bytes of nonce: 44 base64 characters; our fake random counts up from 0 */
	CHECK(strstr(s->last_gbd, "\"nonce\":\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\"") != NULL);
	CHECK(strstr(s->last_gbd, "hw-model") == NULL);
	CHECK(s->last_basic == NULL);
	CHECK_EQ_INT(fk.n_reports, 0);
	CHECK(strstr(st.last, "unsigned onboarding information from an untrusted source") != NULL);
}

TEST(bootstrap_bad_certificate_goes_provisional)
{
	static const char *const uris[] = { "https://192.0.2.1" };
	struct fsrv *s;
	struct err e;

	setup(1);
	s = srv("192.0.2.1:443", OB_EMPTY);
	s->cert_bad = 1;
	CHECK_EQ_INT(run(uris, 1, &e), -1); /* unsigned onboarding is then refused */
	CHECK_EQ_INT(s->opens_provisional, 1);
	CHECK(strstr(s->last_gbd, "nonce") != NULL);
	CHECK_EQ_INT(fk.n_reports, 0);
}

TEST(bootstrap_untrusted_redirect_to_unsigned_onboarding)
{
	static const char *const uris[] = { "https://192.0.2.1" };
	struct fsrv *a, *b;
	struct err e;

	setup(0);
	a = srv("192.0.2.1:443", REDIR("192.0.2.2", 8443));
	b = srv("192.0.2.2:8443", OB_EMPTY);
	CHECK_EQ_INT(run(uris, 1, &e), -1);
	CHECK_EQ_INT(a->gbd_calls, 1);
	CHECK_EQ_INT(b->gbd_calls, 1);
	CHECK_EQ_INT(b->opens_provisional, 1);
	CHECK_EQ_INT(fk.n_reports, 0);
}

TEST(bootstrap_trusted_redirect_chain)
{
	static const char *const uris[] = { "https://192.0.2.1" };
	static const char *const want[] = { "[2001:db8::3]:443 bootstrap-initiated",
					    "[2001:db8::3]:443 bootstrap-complete" };
	struct fsrv *a, *b, *c;
	struct err e;

	setup(1);
	a = srv("192.0.2.1:443", REDIR("192.0.2.2", 8443));
	b = srv("192.0.2.2:8443", REDIR("2001:db8::3", 443));
	c = srv("[2001:db8::3]:443", OB_EMPTY);
	CHECK_EQ_INT(run(uris, 1, &e), 0);
	CHECK_EQ_INT(a->gbd_calls + b->gbd_calls + c->gbd_calls, 3);
	/* trusted redirect without trust-anchor: validated with our anchors */
	CHECK_EQ_INT(c->opens_trusted, 1);
	check_reports(want, 2);
}

TEST(bootstrap_redirect_loop)
{
	static const char *const uris[] = { "https://192.0.2.1" };
	struct fsrv *a, *b;
	struct err e;

	setup(1);
	a = srv("192.0.2.1:443", REDIR("192.0.2.2", 443));
	b = srv("192.0.2.2:443", REDIR("192.0.2.1", 443));
	CHECK_EQ_INT(run(uris, 1, &e), -1);
	CHECK(strstr(st.last, "redirect loop") != NULL);
	CHECK_EQ_INT(a->gbd_calls, 1);
	CHECK_EQ_INT(b->gbd_calls, 1);
}

TEST(bootstrap_at_most_10_redirects)
{
	static const char *const uris[] = { "https://192.0.2.100" };
	static char hp[13][32], js[13][256];
	struct err e;
	int calls = 0;

	setup(1);
	for (int i = 0; i < 13; i++) {
		snprintf(hp[i], sizeof hp[i], "192.0.2.%d:443", 100 + i);
		snprintf(js[i], sizeof js[i], "{\"ietf-sztp-conveyed-info:redirect-information\":"
			 "{\"bootstrap-server\":[{\"address\":\"192.0.2.%d\"}]}}", 101 + i);
		srv(hp[i], js[i]);
	}
	CHECK_EQ_INT(run(uris, 1, &e), -1);
	for (int i = 0; i < fk.n; i++)
		calls += fk.srv[i].gbd_calls;
	CHECK_EQ_INT(calls, 11); /* the source + 10 redirects, the 11th redirect refused */
	CHECK(strstr(st.last, "more than 10 redirects") != NULL);
	CHECK_EQ_INT(fk.srv[11].gbd_calls, 0);
}

TEST(bootstrap_boot_image_without_install_target)
{
	static const char *const uris[] = { "https://192.0.2.1" };
	static const char *const want_min[] = { "192.0.2.1:443 bootstrap-initiated",
						"192.0.2.1:443 boot-image-error" };
	static const char *const want_verb[] = {
		"192.0.2.1:443 bootstrap-initiated", "192.0.2.1:443 parsing-initiated",
		"192.0.2.1:443 parsing-complete", "192.0.2.1:443 informational",
		"192.0.2.1:443 boot-image-initiated", "192.0.2.1:443 boot-image-error" };
	struct fsrv *s;
	struct err e;

	setup(1);
	srv("192.0.2.1:443", OB_IMAGE);
	CHECK_EQ_INT(run(uris, 1, &e), -1);
	check_reports(want_min, 2);
	setup(1);
	s = srv("192.0.2.1:443", OB_IMAGE);
	s->level = "verbose";
	CHECK_EQ_INT(run(uris, 1, &e), -1);
	check_reports(want_verb, 6);
}

TEST(bootstrap_initiated_must_get_204)
{
	static const char *const uris[] = { "https://192.0.2.1" };
	static const char *const want[] = { "192.0.2.1:443 bootstrap-initiated",
					    "192.0.2.1:443 bootstrap-error" };
	struct fsrv *s;
	struct err e;

	setup(1);
	s = srv("192.0.2.1:443", OB_EMPTY);
	s->initiated_status = 200;
	CHECK_EQ_INT(run(uris, 1, &e), -1);
	check_reports(want, 2);
	CHECK(strstr(st.last, "HTTP 200 (expected 204)") != NULL);
}

TEST(bootstrap_complete_must_get_204)
{
	static const char *const uris[] = { "https://192.0.2.1" };
	struct fsrv *s;
	struct err e;

	setup(1);
	s = srv("192.0.2.1:443", OB_EMPTY);
	s->report_status = 500;
	s->initiated_status = 204;
	CHECK_EQ_INT(run(uris, 1, &e), -1);
	CHECK_EQ_INT(fk.n_reports, 3);   /* initiated, complete, then bootstrap-error is tried */
	CHECK_EQ_STR(fk.reports[2], "192.0.2.1:443 bootstrap-error");
	CHECK(strstr(st.last, "bootstrap-complete") != NULL);
}

TEST(bootstrap_retries_with_backoff)
{
	static const char *const uris[] = { "https://192.0.2.1" };
	struct fsrv *s;
	struct err e;

	setup(1);
	cfg.max_rounds = 0;
	cfg.timeout_s = 600;
	cfg.backoff_min_ms = 1000;
	cfg.backoff_max_ms = 4000;
	s = srv("192.0.2.1:443", OB_EMPTY);
	s->fail_n = 4;
	CHECK_EQ_INT(run(uris, 1, &e), 0);
	CHECK_EQ_INT(s->gbd_calls, 5);
	CHECK_EQ_INT(fk.n_sleeps, 4);
	CHECK(fk.sleeps[0] >= 500 && fk.sleeps[0] <= 1000);
	CHECK(fk.sleeps[1] >= 1000 && fk.sleeps[1] <= 2000);
	CHECK(fk.sleeps[2] >= 2000 && fk.sleeps[2] <= 4000);
	CHECK(fk.sleeps[3] >= 2000 && fk.sleeps[3] <= 4000);
	CHECK_EQ_INT(st.round, 5);
}

TEST(bootstrap_timeout_gives_up)
{
	static const char *const uris[] = { "https://192.0.2.1" };
	struct fsrv *s;
	struct err e;

	setup(1);
	cfg.max_rounds = 0;
	cfg.timeout_s = 5;
	cfg.backoff_min_ms = 1000;
	cfg.backoff_max_ms = 1000;
	s = srv("192.0.2.1:443", OB_EMPTY);
	s->down = 1;
	CHECK_EQ_INT(run(uris, 1, &e), -1);
	CHECK(strstr(e.msg, "gave up after 5 s") != NULL);
	CHECK(fk.now <= 5000);
	CHECK(fk.n_sleeps >= 4);
}

TEST(bootstrap_sources_in_order_and_faults)
{
	static const char *const uris[] = { "https://192.0.2.1", "https://192.0.2.2",
					    "https://192.0.2.3", "https://192.0.2.4" };
	struct fsrv *a, *b, *c, *d;
	struct err e;

	setup(1);
	a = srv("192.0.2.1:443", OB_EMPTY);
	a->down = 1;
	b = srv("192.0.2.2:443", OB_EMPTY);
	b->ctype = "text/html";
	c = srv("192.0.2.3:443", "{not json");
	d = srv("192.0.2.4:443", OB_EMPTY);
	CHECK_EQ_INT(run(uris, 4, &e), 0);
	CHECK_EQ_INT(b->gbd_calls, 1);
	CHECK_EQ_INT(c->gbd_calls, 1);
	CHECK_EQ_INT(d->gbd_calls, 1);
	/* c's bootstrap-initiated and parsing-error, d's two */
	CHECK_EQ_INT(fk.n_reports, 4);
	CHECK_EQ_STR(fk.reports[1], "192.0.2.3:443 parsing-error");
	CHECK_EQ_STR(st.done_server, "192.0.2.4:443");
}

/* An XML reply is read whatever its Content-Type says; the request still
 * asks for JSON (the fake checks Accept), and a bad XML reply fails like a
 * bad JSON one. */
TEST(bootstrap_xml_reply_any_content_type)
{
	static const char *const uris[] = { "https://192.0.2.2", "https://192.0.2.3" };
	static const char *const want[] = { "192.0.2.2:443 bootstrap-initiated",
					    "192.0.2.2:443 parsing-error",
					    "192.0.2.3:443 bootstrap-initiated",
					    "192.0.2.3:443 parsing-initiated",
					    "192.0.2.3:443 parsing-complete",
					    "192.0.2.3:443 bootstrap-complete" };
	struct fsrv *b, *c;
	struct err e;

	setup(1);
	b = srv("192.0.2.2:443", OB_EMPTY);
	b->xml = 1;
	b->ctype = "application/yang-data+xml";
	b->level = "loud";                      /* not a reporting-level */
	c = srv("192.0.2.3:443", OB_EMPTY);
	c->xml = 2;
	c->ctype = "application/yang.data+xml"; /* sic, as a vendor's recipe serves it */
	c->level = "verbose";
	CHECK_EQ_INT(run(uris, 2, &e), 0);
	CHECK_EQ_INT(b->gbd_calls, 1);
	CHECK_EQ_INT(c->gbd_calls, 1);
	check_reports(want, 6); /* b's bad XML is a parsing-error, as bad JSON is */
	CHECK_EQ_STR(st.done_server, "192.0.2.3:443");
	CHECK_EQ_INT(st.res.output_xml, 1);
	CHECK_EQ_INT(st.res.ns_case, 1);
}

TEST(bootstrap_hostmeta_fallback)
{
	static const char *const uris[] = { "https://192.0.2.1" };
	struct fsrv *s;
	struct err e;

	setup(1);
	s = srv("192.0.2.1:443", OB_EMPTY);
	s->root = "/api/rc";
	CHECK_EQ_INT(run(uris, 1, &e), 0);
	CHECK_EQ_INT(s->gbd_calls, 2); /* 404 at /restconf, then at the discovered root */
	CHECK_EQ_INT(fk.n_reports, 2);
}

TEST(bootstrap_no_sources)
{
	struct err e;
	setup(1);
	CHECK_EQ_INT(run(NULL, 0, &e), -1);
	CHECK(strstr(e.msg, "no bootstrap source") != NULL);
}

TEST(bootstrap_needs_a_clock_policy)
{
	static const char *const uris[] = { "https://192.0.2.1:8443" };
	struct err e;
	setup(1);
	srv("192.0.2.1:8443", OB_EMPTY);
	cfg.clock = NULL;
	CHECK_EQ_INT(run(uris, 1, &e), -1);
	CHECK_EQ_STR(e.msg, "no clock policy (trust/clock.h)");
	CHECK_EQ_INT(fk.srv[0].gbd_calls, 0);
}

TEST(bootstrap_server_url)
{
	struct url u;
	struct err e;
	CHECK_EQ_INT(bs_server_url("2001:db8::1", 8443, &u, &e), 0);
	CHECK_EQ_INT(u.host_type, URL_HOST_IPV6);
	CHECK_EQ_INT(u.port, 8443);
	CHECK_EQ_INT(bs_server_url("bootstrap.example", 443, &u, &e), 0);
	CHECK_EQ_STR(u.host, "bootstrap.example");
	CHECK_EQ_INT(bs_server_url("", 443, &u, &e), -1);
	CHECK_EQ_INT(bs_server_url("a/b", 443, &u, &e), -1);
	CHECK_EQ_INT(bs_server_url("user@host", 443, &u, &e), -1);
	CHECK_EQ_INT(bs_server_url("fe80::1%eth0", 443, &u, &e), -1);
	CHECK_EQ_INT(bs_server_url("bad host", 443, &u, &e), -1);
}

TEST(bootstrap_local_data_is_untrusted)
{
	static uint8_t resp[4096];
	struct bs_source src[1];
	struct fsrv *b;
	struct err e;
	size_t n;

	/* unsigned onboarding information on removable media: refused */
	setup(1);
	memset(src, 0, sizeof src);
	n = mk_response(OB_EMPTY, NULL, resp, sizeof resp);
	src[0].uri = "SZTP:/sztp/SN1";
	src[0].origin = "media";
	src[0].response = resp;
	src[0].response_len = n;
	CHECK_EQ_INT(bs_run(&st, &cfg, &ops, src, 1, &e), -1);
	CHECK(strstr(st.last, "unsigned onboarding information from an untrusted source") != NULL);
	CHECK_EQ_INT(fk.n_reports, 0);

	/* an unsigned redirect there: followed, provisionally (anchors discarded) */
	setup(1);
	b = srv("192.0.2.2:443", OB_EMPTY);
	n = mk_response(REDIR("192.0.2.2", 443), NULL, resp, sizeof resp);
	src[0].response_len = n;
	CHECK_EQ_INT(bs_run(&st, &cfg, &ops, src, 1, &e), -1);
	CHECK_EQ_INT(b->gbd_calls, 1);
	CHECK_EQ_INT(b->opens_provisional, 1);
	CHECK(strstr(b->last_gbd, "nonce") != NULL);
}

/* Servers that never set Content-Type, or say text/plain, with a JSON body:
 * taken as JSON with a warning (verified all the same); an HTML page is not. */
TEST(bootstrap_tolerates_missing_or_plain_content_type)
{
	static const char *const uris[] = { "https://192.0.2.1", "https://192.0.2.2",
					    "https://192.0.2.3" };
	const char *types[] = { "text/plain", "", "application/json; charset=utf-8" };
	struct fsrv *s, *b;
	struct err e;

	for (int i = 0; i < 3; i++) {
		setup(1);
		s = srv("192.0.2.1:443", OB_EMPTY);
		s->ctype = types[i];
		CHECK_EQ_INT(run(uris, 1, &e), 0);
		CHECK_EQ_INT(fk.n_reports, 2);
	}
	setup(1);
	s = srv("192.0.2.1:443", OB_EMPTY);
	s->ctype = "text/html";
	b = srv("192.0.2.2:443", OB_EMPTY);
	b->ctype = "application/xml";
	CHECK_EQ_INT(run(uris, 2, &e), -1);
	CHECK(strstr(st.last, "wrong Content-Type \"application/xml\"") != NULL);
	CHECK_EQ_INT(fk.n_reports, 0);
}

/* An error reply that is no RESTCONF error document: its reason phrase and
 * the first line of its body (escaped) are what the log says. */
TEST(bootstrap_plain_error_reply_logged)
{
	static const char *const uris[] = { "https://192.0.2.1" };
	struct fsrv *s;
	struct err e;

	setup(1);
	s = srv("192.0.2.1:443", OB_EMPTY);
	s->err_status = 500;
	s->err_body = "Serial Number not present in \"HTTP\" header\nsecond line";
	CHECK_EQ_INT(run(uris, 1, &e), -1);
	CHECK(strstr(st.last, "HTTP 500 (expected 200): Internal Server Error; body \"Serial "
		     "Number not present in \\\"HTTP\\\" header\"") != NULL);
	CHECK(strstr(st.last, "second line") == NULL);
}

/* RFC 8572 section 5.5: every resolved address of a server name is tried,
 * also when TLS or the request (not only the TCP connect) fails on one. */
TEST(bootstrap_every_address_when_tls_or_rpc_fails)
{
	static const char *const uris[] = { "https://bootstrap.example" };
	struct fsrv *s;
	struct err e;

	setup(1);
	s = srv("bootstrap.example:443", OB_EMPTY);
	s->n_addr = 3;
	s->bad_tls_addr = 1;
	s->bad_rpc_addr = 2;
	CHECK_EQ_INT(run(uris, 1, &e), 0);
	CHECK_EQ_INT(s->cur_addr, 3);
	CHECK_EQ_INT(s->gbd_calls, 2);   /* address 2 (500), address 3 */
	CHECK_EQ_INT(fk.n_reports, 2);
	/* every address failing: the server has failed, after trying each once */
	setup(1);
	s = srv("bootstrap.example:443", OB_EMPTY);
	s->n_addr = 2;
	s->bad_tls_addr = 1;
	s->bad_rpc_addr = 2;
	CHECK_EQ_INT(run(uris, 1, &e), -1);
	CHECK_EQ_INT(s->gbd_calls, 1);
	CHECK(strstr(st.last, "HTTP 500") != NULL);
}

/* RFC 8572 section 5.5 is recursive: when every server of a nested
 * redirect fails, the rest of the enclosing list is tried. */
TEST(bootstrap_nested_redirect_backtracks)
{
	static const char *const uris[] = { "https://192.0.2.1" };
	struct fsrv *a, *b, *c, *d;
	struct err e;

	setup(1);
	a = srv("192.0.2.1:443", "{\"ietf-sztp-conveyed-info:redirect-information\":{\"bootstrap-server\":["
		"{\"address\":\"192.0.2.2\"},{\"address\":\"192.0.2.4\"}]}}");
	b = srv("192.0.2.2:443", REDIR("192.0.2.3", 443));
	c = srv("192.0.2.3:443", OB_EMPTY);
	c->down = 1;                 /* the only server of the nested redirect: dead */
	d = srv("192.0.2.4:443", OB_EMPTY);
	CHECK_EQ_INT(run(uris, 1, &e), 0);
	CHECK_EQ_INT(a->gbd_calls, 1);
	CHECK_EQ_INT(b->gbd_calls, 1);
	CHECK_EQ_INT(d->gbd_calls, 1);
	CHECK_EQ_STR(st.done_server, "192.0.2.4:443");
	CHECK_EQ_INT(st.depth, 1);   /* inside the first redirect again */
}

/* A trust anchor in trusted redirect information binds the server: when its
 * certificate does not validate against it, the server has failed; it is
 * never contacted provisionally. */
TEST(bootstrap_redirect_trust_anchor_binds)
{
	static const char *const uris[] = { "https://192.0.2.1" };
	static uint8_t cms[8192];
	static char b64[12000], redir[16384];
	struct fsrv *a, *b, *c;
	struct err e;
	size_t n = fx_read("degenerate.cms", cms, sizeof cms);

	CHECK(b64_encode(cms, n, b64, sizeof b64) > 0);
	snprintf(redir, sizeof redir, "{\"ietf-sztp-conveyed-info:redirect-information\":"
		 "{\"bootstrap-server\":[{\"address\":\"192.0.2.2\",\"trust-anchor\":\"%s\"},"
		 "{\"address\":\"192.0.2.3\"}]}}", b64);
	setup(1);
	a = srv("192.0.2.1:443", redir);     /* trusted server: a trusted redirect */
	b = srv("192.0.2.2:443", OB_EMPTY);
	b->cert_bad = 1;                     /* does not validate against its anchor */
	c = srv("192.0.2.3:443", OB_EMPTY);
	CHECK_EQ_INT(run(uris, 1, &e), 0);
	CHECK_EQ_INT(a->opens_trusted, 1);
	CHECK_EQ_INT(b->opens_provisional, 0);
	CHECK_EQ_INT(b->gbd_calls, 0);
	CHECK_EQ_INT(c->opens_trusted, 1);
	CHECK_EQ_STR(st.done_server, "192.0.2.3:443");
}

/* Data from a trusted server that fails to parse or verify: the server is
 * told (bootstrap-initiated, parsing-error with the reason); an untrusted
 * server is told nothing. */
TEST(bootstrap_trusted_parse_error_reported)
{
	static const char *const uris[] = { "https://192.0.2.1" };
	static const char *const want[] = { "192.0.2.1:443 bootstrap-initiated",
					    "192.0.2.1:443 parsing-error" };
	struct fsrv *s;
	struct err e;

	setup(1);
	srv("192.0.2.1:443", "{not json");
	CHECK_EQ_INT(run(uris, 1, &e), -1);
	check_reports(want, 2);
	setup(0);
	s = srv("192.0.2.1:443", "{not json");
	CHECK_EQ_INT(run(uris, 1, &e), -1);
	CHECK_EQ_INT(s->gbd_calls, 1);
	CHECK_EQ_INT(fk.n_reports, 0);
	/* bootstrap-initiated refused: bootstrap-error is tried, no parsing-error */
	setup(1);
	s = srv("192.0.2.1:443", "{not json");
	s->initiated_status = 500;
	CHECK_EQ_INT(run(uris, 1, &e), -1);
	CHECK_EQ_INT(fk.n_reports, 2);
	CHECK_EQ_STR(fk.reports[1], "192.0.2.1:443 bootstrap-error");
}

/* A trust anchor in (trusted) redirect information is data that may be old:
 * a certificate in it known to have expired makes it unusable (clock.h). */
TEST(bootstrap_redirect_anchor_expiry)
{
	static uint8_t cms[8192];
	static struct anchors a;
	static struct cms_signed_data sd;
	struct clock_policy p;
	struct x509_cert c0, c1;
	struct err e;
	time_t last;
	size_t n = fx_read_vector("sztpd-unsigned/redirect-trust-anchor.cms", cms, sizeof cms);

	CHECK_EQ_INT(cms_parse_signed(cms, n, &sd, &e), 0);
	CHECK_EQ_INT(sd.n_certs, 2);
	CHECK_EQ_INT(x509_parse(sd.certs[0].raw, sd.certs[0].raw_len, &c0, &e), 0);
	CHECK_EQ_INT(x509_parse(sd.certs[1].raw, sd.certs[1].raw_len, &c1, &e), 0);
	last = c0.not_after < c1.not_after ? c0.not_after : c1.not_after;
	clock_policy_init(&p, SZTP_CLOCK_FLOOR, last, 0, NULL);
	CHECK_EQ_INT(bs_anchors_from_cms(&a, cms, n, &p, &e), 2);
	CHECK_EQ_INT(a.n, 2);
	clock_policy_init(&p, SZTP_CLOCK_FLOOR, last + 1, 0, NULL);
	CHECK_EQ_INT(bs_anchors_from_cms(&a, cms, n, &p, &e), -1);
	CHECK(strstr(e.msg, "trust-anchor: certificate ") == e.msg);
	CHECK(strstr(e.msg, ") has expired (notAfter 9999-12-31T23:59:59Z, before the bound ") != NULL);
	/* no clock policy: refused */
	CHECK_EQ_INT(bs_anchors_from_cms(&a, cms, n, NULL, &e), -1);
}

/* Every attempt as an event (base/events.h) and each server's last status. */
TEST(bootstrap_events_and_server_status)
{
	static const char *const uris[] = { "https://192.0.2.1", "https://192.0.2.2" };
	char path[] = "/tmp/sztp-bs-events-XXXXXX", line[EVENTS_LINE_MAX + 1];
	char all[8192] = "";
	struct fsrv *a, *b;
	struct err e;
	int fd = mkstemp(path), n = 0;

	CHECK(fd >= 0);
	close(fd);
	setup(1);
	a = srv("192.0.2.1:443", OB_EMPTY);
	a->err_status = 503;
	a->err_body = "maintenance";
	b = srv("192.0.2.2:443", OB_EMPTY);
	b->level = "verbose";
	CHECK_EQ_INT(events_open(path), 0);
	CHECK_EQ_INT(run(uris, 2, &e), 0);
	events_close();
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	while (fgets(line, sizeof line, f) && strlen(all) + strlen(line) < sizeof all) {
		strcat(all, line);
		n++;
	}
	fclose(f);
	unlink(path);
	CHECK(strstr(all, "\"phase\":\"bootstrap\",\"outcome\":\"fail\",\"step\":"
		      "\"get-bootstrapping-data\",\"source\":\"test\",\"server\":"
		      "\"https://192.0.2.1:443\",\"round\":1,\"reason\":\"HTTP 503") != NULL);
	CHECK(strstr(all, "\"outcome\":\"fail\",\"step\":\"source\"") != NULL);
	CHECK(strstr(all, "\"outcome\":\"ok\",\"step\":\"onboarding-information\",\"source\":"
		      "\"test\",\"server\":\"https://192.0.2.2:443\"") != NULL);
	CHECK(strstr(all, "\"phase\":\"onboarding\",\"outcome\":\"start\",\"step\":"
		      "\"bootstrap-initiated\"") != NULL);
	CHECK(strstr(all, "\"phase\":\"onboarding\",\"outcome\":\"ok\",\"step\":"
		      "\"bootstrap-complete\"") != NULL);
	CHECK(strstr(all, "\"outcome\":\"ok\",\"step\":\"complete\"") != NULL);
	CHECK(n >= 8);
	/* the last word of each server */
	CHECK_EQ_INT(st.n_seen, 2);
	CHECK_EQ_STR(st.seen[0].server, "https://192.0.2.1:443");
	CHECK(strncmp(st.seen[0].status, "get-bootstrapping-data: HTTP 503", 32) == 0);
	CHECK(strncmp(st.seen[0].reply, "HTTP 503 (expected 200)", 23) == 0);
	CHECK(strncmp(st.seen[1].reply, "HTTP 200, ", 10) == 0);
	CHECK_EQ_STR(st.seen[1].server, "https://192.0.2.2:443");
	CHECK(strncmp(st.seen[1].status, "ok: unsigned (trusted server) onboarding-information",
		      52) == 0);
	CHECK_EQ_INT(st.seen[1].round, 1);
}

/*
 * The redirect list copy: addresses and ports always, trust anchors only
 * from trusted redirect information (RFC 8572 section 5.3: an untrusted
 * redirect's anchors are discarded). verify_response() already drops them;
 * this guard must hold on its own.
 */
TEST(bootstrap_list_copy_keeps_anchors_only_when_trusted)
{
	static struct conveyed_redirect r;
	static struct bs_list l;
	static const uint8_t ta1[] = { 0x30, 0x03, 0x02, 0x01, 0x07 }, ta2[] = { 0x30, 0x00 };
	struct err e;

	memset(&r, 0, sizeof r);
	snprintf(r.servers[0].address, sizeof r.servers[0].address, "192.0.2.7");
	r.servers[0].port = 8443;
	r.servers[0].trust_anchor.data = ta1;
	r.servers[0].trust_anchor.len = sizeof ta1;
	snprintf(r.servers[1].address, sizeof r.servers[1].address, "2001:db8::9");
	r.servers[1].port = 443;
	snprintf(r.servers[2].address, sizeof r.servers[2].address, "198.51.100.3");
	r.servers[2].port = 9443;
	r.servers[2].trust_anchor.data = ta2;
	r.servers[2].trust_anchor.len = sizeof ta2;
	r.n_servers = 3;

	/* untrusted: every anchor dropped, the rest kept */
	memset(&l, 0xA5, sizeof l);
	CHECK_EQ_INT(bs_list_copy(&l, &r, 0, &e), 0);
	CHECK_EQ_INT(l.n, 3);
	CHECK_EQ_INT(l.trusted, 0);
	CHECK_EQ_INT(l.used, 0);
	for (int i = 0; i < 3; i++) {
		CHECK(l.servers[i].trust_anchor.data == NULL);
		CHECK_EQ_INT(l.servers[i].trust_anchor.len, 0);
		CHECK_EQ_STR(l.servers[i].address, r.servers[i].address);
		CHECK_EQ_INT(l.servers[i].port, r.servers[i].port);
		CHECK_EQ_STR(l.roots[i], RESTCONF_ROOT);
	}

	/* trusted: the anchors are copied into the list's own arena */
	memset(&l, 0xA5, sizeof l);
	CHECK_EQ_INT(bs_list_copy(&l, &r, 1, &e), 0);
	CHECK_EQ_INT(l.n, 3);
	CHECK_EQ_INT(l.trusted, 1);
	CHECK_EQ_INT(l.used, sizeof ta1 + sizeof ta2);
	CHECK_EQ_INT(l.servers[0].trust_anchor.len, sizeof ta1);
	CHECK(l.servers[0].trust_anchor.data == l.arena);
	CHECK_EQ_MEM(l.servers[0].trust_anchor.data, ta1, sizeof ta1);
	CHECK(l.servers[1].trust_anchor.data == NULL);
	CHECK_EQ_INT(l.servers[1].trust_anchor.len, 0);
	CHECK_EQ_INT(l.servers[2].trust_anchor.len, sizeof ta2);
	CHECK(l.servers[2].trust_anchor.data == l.arena + sizeof ta1);
	CHECK_EQ_MEM(l.servers[2].trust_anchor.data, ta2, sizeof ta2);

	/* anchors beyond the arena: refused, not truncated */
	static uint8_t big[BS_TA_ARENA + 1];
	r.servers[0].trust_anchor.data = big;
	r.servers[0].trust_anchor.len = sizeof big;
	CHECK_EQ_INT(bs_list_copy(&l, &r, 1, &e), -1);
	CHECK_EQ_STR(e.msg, "redirect-information: trust anchors larger than 65536 bytes");
	CHECK_EQ_INT(bs_list_copy(&l, &r, 0, &e), 0);
	CHECK_EQ_INT(l.used, 0);
}

/*
 * Signed onboarding information from an untrusted (provisional) server is
 * acted upon, but that server never gets the credentials nor a progress
 * report: only a trusted server does (RFC 8572 section 5.3 and the
 * reporting rule of section 5.6). The artifacts are gen-crypto-fixtures.sh's
 * v-*: the voucher carries the nonce our fake random makes.
 */
TEST(bootstrap_signed_from_untrusted_server)
{
	static const char *const uris[] = { "https://192.0.2.1" };
	static const char *const art[3] = { "v-ci-empty.cms", "v-owner.cms", "v-voucher-nonce.cms" };
	static uint8_t der[3][16384], root[4096];
	static char b64[3][24576], body[80000];
	static struct x509_der anchor;
	struct fsrv *s;
	struct err e;

	for (int i = 0; i < 3; i++) {
		size_t n = fx_read(art[i], der[i], sizeof der[i]);
		CHECK(b64_encode(der[i], n, b64[i], sizeof b64[i]) > 0);
	}
	anchor.len = fx_read("root.der", root, sizeof root);
	anchor.der = root;
	CHECK(snprintf(body, sizeof body, "{\"ietf-sztp-bootstrap-server:output\":{"
		       "\"conveyed-information\":\"%s\",\"owner-certificate\":\"%s\","
		       "\"ownership-voucher\":\"%s\",\"reporting-level\":\"verbose\"}}",
		       b64[0], b64[1], b64[2]) < (int)sizeof body);
	setup(0);
	cfg.serial = "SZTP-FIX-0001";
	cfg.voucher_anchors = &anchor;
	cfg.n_voucher_anchors = 1;
	cfg.hw_model = "M1";
	cfg.basic = "dev:secret";
	s = srv("192.0.2.1:443", NULL);
	s->body = body;
	if (run(uris, 1, &e) < 0)
		unit_fail(__FILE__, __LINE__, "signed onboarding refused: %s / %s", e.msg, st.last);
	CHECK_EQ_INT(st.res.signed_data, 1);
	CHECK_EQ_STR(st.done_server, "192.0.2.1:443");
	CHECK_EQ_INT(s->opens_provisional, 1);
	CHECK_EQ_INT(s->opens_trusted, 0);
	CHECK(strstr(s->last_gbd, "hw-model") == NULL);
	CHECK(s->last_basic == NULL);
	CHECK_EQ_INT(fk.n_reports, 0);
}

/* Deferred discovery (bs_config.fallback): not run while a source found at
 * boot succeeds; run once, when those have failed, and its sources tried
 * before the built-in ones. */
static int fb_calls;
static int fb_more(void *ctx, struct bs_source *src, int max)
{
	(void)ctx;
	fb_calls++;
	if (max < 1)
		return 0;
	src[0].uri = "https://192.0.2.3";
	src[0].origin = "dns";
	return 1;
}

TEST(bootstrap_deferred_discovery_unused_when_a_source_works)
{
	static const char *const uris[] = { "https://192.0.2.1", "https://192.0.2.2" };
	struct fsrv *a, *b, *c;
	struct err e;

	setup(1);
	a = srv("192.0.2.1:443", OB_EMPTY);
	b = srv("192.0.2.2:443", OB_EMPTY);
	c = srv("192.0.2.3:443", OB_EMPTY);
	fb_calls = 0;
	cfg.fallback = fb_more;
	cfg.fallback_at = 1;
	CHECK_EQ_INT(run(uris, 2, &e), 0);
	CHECK_EQ_INT(fb_calls, 0);
	CHECK_EQ_INT(a->gbd_calls, 1);
	CHECK_EQ_INT(b->gbd_calls + c->gbd_calls, 0);
}

TEST(bootstrap_deferred_discovery_before_builtin)
{
	static const char *const uris[] = { "https://192.0.2.1", "https://192.0.2.2" };
	struct fsrv *a, *b, *c;
	struct err e;

	setup(1);
	a = srv("192.0.2.1:443", OB_EMPTY);
	a->down = 1;
	b = srv("192.0.2.2:443", OB_EMPTY); /* "built-in": after the deferred ones */
	c = srv("192.0.2.3:443", OB_EMPTY);
	fb_calls = 0;
	cfg.fallback = fb_more;
	cfg.fallback_at = 1;
	CHECK_EQ_INT(run(uris, 2, &e), 0);
	CHECK_EQ_INT(fb_calls, 1);
	CHECK_EQ_INT(c->gbd_calls, 1);
	CHECK_EQ_INT(b->gbd_calls, 0);
	CHECK_EQ_STR(st.done_server, "192.0.2.3:443");

	/* all fail: called once in all, every source tried once per round */
	setup(1);
	a = srv("192.0.2.1:443", OB_EMPTY);
	a->down = 1;
	b = srv("192.0.2.2:443", OB_EMPTY);
	b->down = 1;
	c = srv("192.0.2.3:443", OB_EMPTY);
	c->down = 1;
	fb_calls = 0;
	cfg.fallback = fb_more;
	cfg.fallback_at = 1;
	cfg.max_rounds = 2;
	CHECK_EQ_INT(run(uris, 2, &e), -1);
	CHECK_EQ_INT(fb_calls, 1);
}
