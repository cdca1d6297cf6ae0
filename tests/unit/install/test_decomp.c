/* test_decomp.c: format sniffing and streaming gzip/xz/zstd. */
#include "unit.h"
#include "install_fixtures.h"

#include "install/decomp.h"

static struct decomp D;
static uint8_t got[600000];
static size_t ngot;

static int collect(void *ctx, const uint8_t *p, size_t n, struct err *e)
{
	(void)ctx;
	if (ngot + n > sizeof got)
		return err_set(e, "too much output");
	memcpy(got + ngot, p, n);
	ngot += n;
	return 0;
}

static uint8_t plain[500000], comp[600000];

/* Compress a pattern with the CLI, decompress it in chunks of `step`. */
static void roundtrip(const char *tool, enum decomp_kind want, size_t step)
{
	const char *d = fx_tmpdir();
	char p[128];
	struct err e;
	CHECK(d != NULL);
	for (size_t i = 0; i < sizeof plain; i++)
		plain[i] = (uint8_t)((i * 7) ^ (i >> 9));
	snprintf(p, sizeof p, "%s/x", d);
	CHECK_EQ_INT(fx_write(p, plain, sizeof plain), 0);
	CHECK_EQ_INT(fx_sh("%s -q -c %s/x > %s/x.c", tool, d, d), 0);
	snprintf(p, sizeof p, "%s/x.c", d);
	long n = fx_read(p, comp, sizeof comp);
	CHECK(n > 0);
	CHECK_EQ_INT(decomp_sniff(comp, (size_t)n, NULL), want);
	CHECK_EQ_INT(decomp_init(&D, want, &e), 0);
	ngot = 0;
	for (long off = 0; off < n; off += (long)step) {
		size_t k = (size_t)(n - off) < step ? (size_t)(n - off) : step;
		CHECK_EQ_INT(decomp_push(&D, comp + off, k, collect, NULL, &e), 0);
	}
	CHECK_EQ_INT(decomp_finish(&D, collect, NULL, &e), 0);
	CHECK_EQ_INT(ngot, sizeof plain);
	CHECK_EQ_MEM(got, plain, sizeof plain);
	decomp_free(&D);
	/* truncated: refused at the end */
	CHECK_EQ_INT(decomp_init(&D, want, &e), 0);
	ngot = 0;
	CHECK_EQ_INT(decomp_push(&D, comp, (size_t)n - 7, collect, NULL, &e), 0);
	CHECK_EQ_INT(decomp_finish(&D, collect, NULL, &e), -1);
	CHECK(strstr(e.msg, "truncated") != NULL);
	decomp_free(&D);
	/* corrupt in the middle: refused */
	comp[n / 2] ^= 0x55;
	comp[n / 2 + 1] ^= 0xaa;
	CHECK_EQ_INT(decomp_init(&D, want, &e), 0);
	ngot = 0;
	int r = decomp_push(&D, comp, (size_t)n, collect, NULL, &e);
	if (r == 0)
		r = decomp_finish(&D, collect, NULL, &e);
	CHECK_EQ_INT(r, -1);
	decomp_free(&D);
	fx_sh("rm -rf %s", d);
}

TEST(decomp_gzip) { roundtrip("gzip", DECOMP_GZIP, 4096); }
TEST(decomp_gzip_bytewise_start) { roundtrip("gzip", DECOMP_GZIP, 1); }
TEST(decomp_xz) { roundtrip("xz", DECOMP_XZ, 10000); }
TEST(decomp_zstd) { roundtrip("zstd", DECOMP_ZSTD, 333); }

TEST(decomp_sniff_refuses_other_formats)
{
	const char *what;
	CHECK_EQ_INT(decomp_sniff((const uint8_t *)"QFI\xfb\0\0\0\3", 8, &what), DECOMP_REFUSED);
	CHECK_EQ_STR(what, "qcow2");
	CHECK_EQ_INT(decomp_sniff((const uint8_t *)"BZh91AY", 7, &what), DECOMP_REFUSED);
	CHECK_EQ_STR(what, "bzip2");
	CHECK_EQ_INT(decomp_sniff((const uint8_t *)"KDMV", 4, &what), DECOMP_REFUSED);
	CHECK_EQ_INT(decomp_sniff((const uint8_t *)"vhdxfile", 8, &what), DECOMP_REFUSED);
	CHECK_EQ_INT(decomp_sniff((const uint8_t *)"\x1f\x8b", 2, &what), DECOMP_RAW);
	CHECK_EQ_INT(decomp_sniff((const uint8_t *)"\x1f\x8b\x08", 3, &what), DECOMP_GZIP);
	CHECK_EQ_INT(decomp_sniff((const uint8_t *)"\xfd" "7zXZ\0", 6, &what), DECOMP_XZ);
	CHECK_EQ_INT(decomp_sniff((const uint8_t *)"\x28\xb5\x2f\xfd", 4, &what), DECOMP_ZSTD);
	CHECK_EQ_INT(decomp_sniff((const uint8_t *)"", 0, &what), DECOMP_RAW);
	CHECK_EQ_STR(what, "raw");
}

TEST(decomp_concatenated_gzip_and_trailing_garbage)
{
	const char *d = fx_tmpdir();
	char p[128];
	struct err e;
	CHECK_EQ_INT(fx_sh("cd %s && printf abc | gzip -c > a && printf def | gzip -c >> a", d), 0);
	snprintf(p, sizeof p, "%s/a", d);
	long n = fx_read(p, comp, sizeof comp);
	CHECK(n > 0);
	CHECK_EQ_INT(decomp_init(&D, DECOMP_GZIP, &e), 0);
	ngot = 0;
	CHECK_EQ_INT(decomp_push(&D, comp, (size_t)n, collect, NULL, &e), 0);
	CHECK_EQ_INT(decomp_finish(&D, collect, NULL, &e), 0);
	CHECK_EQ_INT(ngot, 6);
	CHECK_EQ_MEM(got, "abcdef", 6);
	decomp_free(&D);
	memcpy(comp + n, "JUNKJUNK", 8);
	CHECK_EQ_INT(decomp_init(&D, DECOMP_GZIP, &e), 0);
	int r = decomp_push(&D, comp, (size_t)n + 8, collect, NULL, &e);
	if (r == 0)
		r = decomp_finish(&D, collect, NULL, &e);
	CHECK_EQ_INT(r, -1);
	decomp_free(&D);
	fx_sh("rm -rf %s", d);
}

TEST(decomp_empty_raw_is_an_error)
{
	struct err e;
	CHECK_EQ_INT(decomp_init(&D, DECOMP_RAW, &e), 0);
	CHECK_EQ_INT(decomp_finish(&D, collect, NULL, &e), -1);
	CHECK(strstr(e.msg, "empty") != NULL);
	decomp_free(&D);
}
