/* test_image.c: the download -> hash -> decompress -> write engine, with a
 * memory source that breaks on purpose, onto a regular file. */
#include "unit.h"
#include "install_fixtures.h"

#include <bearssl.h>

#include "install/image.h"

#define IMG_MAX (3 * 1024 * 1024)

struct memsrc {
	const uint8_t *data[2];
	size_t len[2];
	int64_t fail_at;  /* deliver up to here, then RETRY once (-1: never) */
	int fatal_first;  /* URI 0 fails with FATAL */
	int fetches;
	uint64_t froms[16];
	int no_total;
};

static int mem_fetch(void *ctx, const char *uri, uint64_t from, image_sink_fn sink, void *sc,
		     int64_t *total, struct err *e)
{
	struct memsrc *m = ctx;
	int u = uri[0] == 'b';
	if (m->fetches < 16)
		m->froms[m->fetches] = from;
	m->fetches++;
	if (u == 0 && m->fatal_first)
		return err_set(e, "HTTP 404"), IMAGE_SRC_FATAL;
	if (!m->no_total)
		*total = (int64_t)m->len[u];
	size_t end = m->len[u];
	int fail = 0;
	if (m->fail_at >= 0 && (uint64_t)m->fail_at > from && (size_t)m->fail_at < end) {
		end = (size_t)m->fail_at;
		fail = 1;
		m->fail_at = -1;
	}
	/* deliver in odd-sized pieces */
	for (size_t off = from; off < end;) {
		size_t k = end - off < 70001 ? end - off : 70001;
		if (sink(sc, m->data[u] + off, k, e) < 0)
			return IMAGE_SRC_FATAL;
		off += k;
	}
	if (fail)
		return err_set(e, "connection reset"), IMAGE_SRC_RETRY;
	return IMAGE_SRC_OK;
}

static uint8_t img[IMG_MAX], comp[IMG_MAX + 4096], out[IMG_MAX + 1];
static uint8_t want[2][32];

static void sha(const uint8_t *p, size_t n, uint8_t *d)
{
	br_sha256_context c;
	br_sha256_init(&c);
	br_sha256_update(&c, p, n);
	br_sha256_out(&c, d);
}

static void pattern(size_t n)
{
	for (size_t i = 0; i < n; i++)
		img[i] = (uint8_t)(i * 2654435761u >> 13);
}

static int run(const char *path, struct memsrc *m, const char **uris, int nuris,
	       struct image_result *r, struct err *e)
{
	struct image_source src = { m, mem_fetch };
	struct image_opts o;
	memset(&o, 0, sizeof o);
	o.uris = uris;
	o.n_uris = nuris;
	o.sha256 = (const uint8_t(*)[32])want;
	o.n_sha256 = 1;
	o.src = &src;
	o.retry_delay_ms = 1;
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	int rc = image_write(fd, path, &o, r, e);
	close(fd);
	return rc;
}

static const char *A[] = { "a", "b" };

TEST(image_raw_written_and_verified)
{
	const char *d = fx_tmpdir();
	char p[128];
	struct image_result r;
	struct err e;
	struct memsrc m = { { img, img }, { 2500000, 2500000 }, -1, 0, 0, { 0 }, 0 };
	pattern(2500000);
	sha(img, 2500000, want[0]);
	snprintf(p, sizeof p, "%s/out", d);
	CHECK_EQ_INT(run(p, &m, A, 1, &r, &e), 0);
	CHECK_EQ_INT(fx_read(p, out, sizeof out), 2500000);
	CHECK_EQ_MEM(out, img, 2500000);
	CHECK_EQ_INT(r.bytes_out, 2500000);
	CHECK_EQ_INT(r.resumes, 0);
	CHECK_EQ_INT(r.kind, DECOMP_RAW);
	/* smaller than the held-back MiB */
	m.len[0] = 1000;
	sha(img, 1000, want[0]);
	CHECK_EQ_INT(run(p, &m, A, 1, &r, &e), 0);
	CHECK_EQ_INT(fx_read(p, out, sizeof out), 1000);
	CHECK_EQ_MEM(out, img, 1000);
	fx_sh("rm -rf %s", d);
}

TEST(image_broken_stream_resumes_byte_identical)
{
	const char *d = fx_tmpdir();
	char p[128];
	struct image_result r;
	struct err e;
	pattern(2500000);
	/* gzip it, then break the transfer in the middle of the compressed stream */
	snprintf(p, sizeof p, "%s/x", d);
	CHECK_EQ_INT(fx_write(p, img, 2500000), 0);
	CHECK_EQ_INT(fx_sh("gzip -1 %s/x", d), 0);
	snprintf(p, sizeof p, "%s/x.gz", d);
	long n = fx_read(p, comp, sizeof comp);
	CHECK(n > 0);
	sha(comp, (size_t)n, want[0]);
	struct memsrc m = { { comp, comp }, { (size_t)n, (size_t)n }, n / 2 + 3, 0, 0, { 0 }, 0 };
	snprintf(p, sizeof p, "%s/out", d);
	CHECK_EQ_INT(run(p, &m, A, 1, &r, &e), 0);
	CHECK_EQ_INT(r.resumes, 1);
	CHECK_EQ_INT(m.fetches, 2);
	CHECK_EQ_INT(m.froms[1], n / 2 + 3); /* asked from where it broke */
	CHECK_EQ_INT(r.kind, DECOMP_GZIP);
	CHECK_EQ_INT(fx_read(p, out, sizeof out), 2500000);
	CHECK_EQ_MEM(out, img, 2500000);
	CHECK_EQ_MEM(r.digest, want[0], 32);
	fx_sh("rm -rf %s", d);
}

TEST(image_next_uri_after_fatal)
{
	const char *d = fx_tmpdir();
	char p[128];
	struct image_result r;
	struct err e;
	struct memsrc m = { { img, img }, { 300000, 300000 }, -1, 1, 0, { 0 }, 0 };
	pattern(300000);
	sha(img, 300000, want[0]);
	snprintf(p, sizeof p, "%s/out", d);
	CHECK_EQ_INT(run(p, &m, A, 2, &r, &e), 0);
	CHECK_EQ_INT(r.uri_index, 1);
	fx_sh("rm -rf %s", d);
}

TEST(image_hash_mismatch_wipes_target)
{
	const char *d = fx_tmpdir();
	char p[128];
	struct image_result r;
	struct err e;
	struct memsrc m = { { img, img }, { 2500000, 2500000 }, -1, 0, 0, { 0 }, 0 };
	pattern(2500000);
	sha(img, 2500000, want[0]);
	want[0][5] ^= 1;
	snprintf(p, sizeof p, "%s/out", d);
	CHECK_EQ_INT(fx_write(p, img, 5000), 0); /* an earlier image */
	CHECK_EQ_INT(run(p, &m, A, 2, &r, &e), -1);
	CHECK(strstr(e.msg, "sha-256 of the downloaded image is") != NULL);
	CHECK_EQ_INT(fx_read(p, out, sizeof out), 0); /* truncated */
	CHECK_EQ_INT(m.fetches, 2);                   /* the second URI was tried too */
	fx_sh("rm -rf %s", d);
}

TEST(image_refuses_qcow2_empty_and_unverifiable)
{
	const char *d = fx_tmpdir();
	char p[128];
	struct image_result r;
	struct err e;
	struct memsrc m = { { img, img }, { 4096, 4096 }, -1, 0, 0, { 0 }, 0 };
	memset(img, 0, 4096);
	memcpy(img, "QFI\xfb\0\0\0\3", 8);
	sha(img, 4096, want[0]);
	snprintf(p, sizeof p, "%s/out", d);
	CHECK_EQ_INT(run(p, &m, A, 1, &r, &e), -1);
	CHECK(strstr(e.msg, "qcow2 is not supported") != NULL);
	m.len[0] = 0;
	sha(img, 0, want[0]);
	CHECK_EQ_INT(run(p, &m, A, 1, &r, &e), -1);
	CHECK(strstr(e.msg, "empty") != NULL);
	struct image_source src = { &m, mem_fetch };
	struct image_opts o;
	memset(&o, 0, sizeof o);
	o.uris = A;
	o.n_uris = 1;
	o.src = &src;
	CHECK_EQ_INT(image_write(1, "x", &o, &r, &e), -1);
	CHECK(strstr(e.msg, "unverifiable") != NULL);
	fx_sh("rm -rf %s", d);
}

static int dead_fetch(void *ctx, const char *uri, uint64_t from, image_sink_fn sink, void *sc,
		      int64_t *total, struct err *e)
{
	(void)uri, (void)from, (void)sink, (void)sc, (void)total;
	(*(int *)ctx)++;
	return err_set(e, "connection refused"), IMAGE_SRC_RETRY;
}

TEST(image_gives_up_without_progress)
{
	const char *d = fx_tmpdir();
	char p[128];
	struct image_result r;
	struct err e;
	int calls = 0;
	struct image_source src = { &calls, dead_fetch };
	struct image_opts o;
	memset(&o, 0, sizeof o);
	o.uris = A;
	o.n_uris = 2;
	o.sha256 = (const uint8_t(*)[32])want;
	o.n_sha256 = 1;
	o.src = &src;
	o.retry_delay_ms = 1;
	o.resume_max = 3;
	snprintf(p, sizeof p, "%s/out", d);
	int fd = open(p, O_RDWR | O_CREAT, 0644);
	CHECK_EQ_INT(image_write(fd, p, &o, &r, &e), -1);
	close(fd);
	CHECK_EQ_INT(calls, 6); /* 3 per URI */
	CHECK(strstr(e.msg, "giving up after 3 attempts") != NULL);
	fx_sh("rm -rf %s", d);
}

static int64_t fake_now;
static int64_t fake_clock(void) { return fake_now += 10; }
static int nprog, ndone;
static void count_progress(void *ctx, const struct image_progress *pr)
{
	(void)ctx;
	nprog++;
	ndone += pr->done;
}

TEST(image_progress_is_rate_limited)
{
	const char *d = fx_tmpdir();
	char p[128];
	struct image_result r;
	struct err e;
	struct memsrc m = { { img, img }, { 2100000, 2100000 }, -1, 0, 0, { 0 }, 0 };
	struct image_source src = { &m, mem_fetch };
	struct image_opts o;
	pattern(2100000);
	sha(img, 2100000, want[0]);
	memset(&o, 0, sizeof o);
	o.uris = A;
	o.n_uris = 1;
	o.sha256 = (const uint8_t(*)[32])want;
	o.n_sha256 = 1;
	o.src = &src;
	o.now_ms = fake_clock;
	o.progress = count_progress;
	snprintf(p, sizeof p, "%s/out", d);
	int fd = open(p, O_RDWR | O_CREAT, 0644);
	CHECK_EQ_INT(image_write(fd, p, &o, &r, &e), 0);
	close(fd);
	/* 30 pieces of 70001 bytes at 10 ms each: about one call per 250 ms */
	CHECK(nprog >= 1 && nprog <= 3);
	CHECK_EQ_INT(ndone, 1);
	fx_sh("rm -rf %s", d);
}

TEST(image_progress_line_format)
{
	char b[160];
	struct image_progress p = { 12 * 1024 * 1024, 40 * 1024 * 1024, 0, 2000, 0 };
	image_progress_line(&p, b, sizeof b);
	CHECK_EQ_STR(b, "12.0 MiB of 40.0 MiB (30%), 6.0 MiB/s, ETA 0:05");
	p.total = -1;
	image_progress_line(&p, b, sizeof b);
	CHECK_EQ_STR(b, "12.0 MiB, 6.0 MiB/s");
	p.total = 40 * 1024 * 1024;
	p.in = (uint64_t)p.total;
	p.done = 1;
	image_progress_line(&p, b, sizeof b);
	CHECK_EQ_STR(b, "40.0 MiB of 40.0 MiB (100%), 20.0 MiB/s");
}
