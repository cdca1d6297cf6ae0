/* test_cel.c: CEL-JSON records, their replay, and measure.c with a fake TPM. */
#include "unit.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tpm/cel.h"
#include "tpm/measure.h"

static void sha256(const void *d, size_t n, uint8_t *out)
{
	br_sha256_context c;
	br_sha256_init(&c);
	br_sha256_update(&c, d, n);
	br_sha256_out(&c, out);
}

static void event(struct cel_event *ev, uint64_t recnum, const char *type, const char *name,
		  const char *data)
{
	memset(ev, 0, sizeof *ev);
	ev->recnum = recnum;
	ev->pcr = 14;
	snprintf(ev->type, sizeof ev->type, "%s", type);
	snprintf(ev->name, sizeof ev->name, "%s", name);
	cel_hash(ev, CEL_BANK(CEL_SHA256) | CEL_BANK(CEL_SHA1), (const uint8_t *)data, strlen(data));
	ev->size = strlen(data);
}

TEST(cel_format_is_json_seq)
{
	struct cel_event ev, back;
	char rec[CEL_RECORD_MAX];
	size_t len;
	struct err e;
	event(&ev, 0, "voucher", "quote \" backslash \\ tab \t", "abc");
	CHECK_EQ_INT(cel_format(&ev, rec, sizeof rec, &len, &e), 0);
	CHECK_EQ_INT(rec[0], 0x1e);
	CHECK_EQ_INT(rec[len - 1], '\n');
	CHECK(strstr(rec, "\"recnum\":0,\"pcr\":14,\"digests\":[{\"hashAlg\":\"sha1\","
		      "\"digest\":\"a9993e364706816aba3e25717850c26c9cd0d89d\"},"
		      "{\"hashAlg\":\"sha256\",\"digest\":"
		      "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"}]") != NULL);
	CHECK(strstr(rec, "\"content_type\":\"sztp\",\"content\":{\"eventType\":\"voucher\","
		      "\"string\":\"quote \\\" backslash \\\\ tab \\u0009\",\"size\":3}}") != NULL);
	CHECK_EQ_INT(cel_parse((const uint8_t *)rec + 1, len - 1, &back, &e), 0);
	CHECK_EQ_STR(back.name, ev.name);
	CHECK_EQ_STR(back.type, "voucher");
	CHECK_EQ_INT(back.banks, ev.banks);
	CHECK_EQ_MEM(back.digest[CEL_SHA256], ev.digest[CEL_SHA256], 32);
	CHECK_EQ_INT(back.size, 3);
	/* too small, bad type, no banks */
	CHECK_EQ_INT(cel_format(&ev, rec, 50, &len, &e), -1);
	snprintf(ev.type, sizeof ev.type, "bogus");
	CHECK_EQ_INT(cel_format(&ev, rec, sizeof rec, &len, &e), -1);
	CHECK(strstr(e.msg, "unknown event type") != NULL);
	snprintf(ev.type, sizeof ev.type, "voucher");
	ev.banks = 0;
	CHECK_EQ_INT(cel_format(&ev, rec, sizeof rec, &len, &e), -1);
}

TEST(cel_replay_matches_manual_extend)
{
	char log[4 * CEL_RECORD_MAX];
	size_t off = 0, len, n;
	struct cel_event ev;
	struct err e;
	uint8_t pcr[32] = { 0 }, out[64], d[32], init[64];
	const char *data[3] = { "one", "two", "three" };
	for (int i = 0; i < 3; i++) {
		event(&ev, (uint64_t)i, "boot-image", data[i], data[i]);
		if (i == 1)
			ev.pcr = 15;            /* another PCR: skipped by the replay */
		CHECK_EQ_INT(cel_format(&ev, log + off, sizeof log - off, &len, &e), 0);
		off += len;
	}
	/* by hand: PCR14 = H(H(0 || H("one")) || H("three")) */
	uint8_t buf[64];
	sha256("one", 3, d);
	memcpy(buf, pcr, 32);
	memcpy(buf + 32, d, 32);
	sha256(buf, 64, pcr);
	sha256("three", 5, d);
	memcpy(buf, pcr, 32);
	memcpy(buf + 32, d, 32);
	sha256(buf, 64, pcr);
	CHECK_EQ_INT(cel_replay((uint8_t *)log, off, 14, CEL_SHA256, NULL, out, &n, &e), 0);
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_MEM(out, pcr, 32);
	CHECK_EQ_INT(cel_replay((uint8_t *)log, off, 15, CEL_SHA256, NULL, out, &n, &e), 0);
	CHECK_EQ_INT(n, 1);
	CHECK(memcmp(out, pcr, 32) != 0);
	/* a non-zero start value changes the result */
	memset(init, 0x11, sizeof init);
	CHECK_EQ_INT(cel_replay((uint8_t *)log, off, 14, CEL_SHA256, init, out, &n, &e), 0);
	CHECK(memcmp(out, pcr, 32) != 0);
	/* no sha384 digests recorded: replaying that bank is an error */
	CHECK_EQ_INT(cel_replay((uint8_t *)log, off, 14, CEL_SHA384, NULL, out, &n, &e), -1);
	CHECK(strstr(e.msg, "no sha384 digest") != NULL);
	/* tampering: a changed digest changes the replay; broken records fail */
	char *p = strstr(log, "\"sha256\",\"digest\":\"") + 19;
	*p = *p == '0' ? '1' : '0';
	CHECK_EQ_INT(cel_replay((uint8_t *)log, off, 14, CEL_SHA256, NULL, out, &n, &e), 0);
	CHECK(memcmp(out, pcr, 32) != 0);
	log[0] = '{';
	CHECK_EQ_INT(cel_replay((uint8_t *)log, off, 14, CEL_SHA256, NULL, out, &n, &e), -1);
	CHECK(strstr(e.msg, "does not start with RS") != NULL);
}

TEST(cel_parse_rejects_bad_records)
{
	struct cel_event ev;
	struct err e;
	static const char *const bad[] = {
		"[]",
		"{\"pcr\":14,\"digests\":[{\"hashAlg\":\"sha1\",\"digest\":\"a9993e364706816aba3e25717850c26c9cd0d89d\"}],\"content_type\":\"sztp\",\"content\":{\"eventType\":\"voucher\",\"string\":\"\",\"size\":0}}",
		"{\"recnum\":0,\"pcr\":24,\"digests\":[{\"hashAlg\":\"sha1\",\"digest\":\"a9993e364706816aba3e25717850c26c9cd0d89d\"}],\"content_type\":\"sztp\",\"content\":{\"eventType\":\"voucher\",\"string\":\"\",\"size\":0}}",
		"{\"recnum\":0,\"pcr\":14,\"digests\":[],\"content_type\":\"sztp\",\"content\":{\"eventType\":\"voucher\",\"string\":\"\",\"size\":0}}",
		"{\"recnum\":0,\"pcr\":14,\"digests\":[{\"hashAlg\":\"md5\",\"digest\":\"00\"}],\"content_type\":\"sztp\",\"content\":{\"eventType\":\"voucher\",\"string\":\"\",\"size\":0}}",
		"{\"recnum\":0,\"pcr\":14,\"digests\":[{\"hashAlg\":\"sha1\",\"digest\":\"a999\"}],\"content_type\":\"sztp\",\"content\":{\"eventType\":\"voucher\",\"string\":\"\",\"size\":0}}",
		"{\"recnum\":0,\"pcr\":14,\"digests\":[{\"hashAlg\":\"sha1\",\"digest\":\"a9993e364706816aba3e25717850c26c9cd0d89d\"},{\"hashAlg\":\"sha1\",\"digest\":\"a9993e364706816aba3e25717850c26c9cd0d89d\"}],\"content_type\":\"sztp\",\"content\":{\"eventType\":\"voucher\",\"string\":\"\",\"size\":0}}",
		"{\"recnum\":0,\"pcr\":14,\"digests\":[{\"hashAlg\":\"sha1\",\"digest\":\"a9993e364706816aba3e25717850c26c9cd0d89d\"}],\"content_type\":\"systemd\",\"content\":{\"eventType\":\"voucher\",\"string\":\"\",\"size\":0}}",
		"{\"recnum\":0,\"pcr\":14,\"digests\":[{\"hashAlg\":\"sha1\",\"digest\":\"a9993e364706816aba3e25717850c26c9cd0d89d\"}],\"content_type\":\"sztp\",\"content\":{\"eventType\":\"phase\",\"string\":\"\",\"size\":0}}",
		"{\"recnum\":0,\"pcr\":14,\"digests\":[{\"hashAlg\":\"sha1\",\"digest\":\"zz993e364706816aba3e25717850c26c9cd0d89d\"}],\"content_type\":\"sztp\",\"content\":{\"eventType\":\"voucher\",\"string\":\"\",\"size\":0}}",
		"{\"recnum\":0,\"recnum\":0,\"pcr\":14,\"digests\":[{\"hashAlg\":\"sha1\",\"digest\":\"a9993e364706816aba3e25717850c26c9cd0d89d\"}],\"content_type\":\"sztp\",\"content\":{\"eventType\":\"voucher\",\"string\":\"\",\"size\":0}}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e.msg[0] = '\0';
		CHECK_EQ_INT(cel_parse((const uint8_t *)bad[i], strlen(bad[i]), &ev, &e), -1);
		CHECK(e.msg[0] != '\0');
	}
	/* the same record as the good one parses */
	const char *good = "{\"recnum\":0,\"pcr\":14,\"digests\":[{\"hashAlg\":\"sha1\",\"digest\":\"a9993e364706816aba3e25717850c26c9cd0d89d\"}],\"content_type\":\"sztp\",\"content\":{\"eventType\":\"voucher\",\"string\":\"\",\"size\":0}}";
	CHECK_EQ_INT(cel_parse((const uint8_t *)good, strlen(good), &ev, &e), 0);
	/* recnum must count from 0 */
	char seq[600];
	snprintf(seq, sizeof seq, "\x1e%s\n\x1e%s\n", good, good);
	struct cel_reader r;
	cel_reader_init(&r, (const uint8_t *)seq, strlen(seq));
	CHECK_EQ_INT(cel_next(&r, &ev, &e), 1);
	CHECK_EQ_INT(cel_next(&r, &ev, &e), -1);
	CHECK(strstr(e.msg, "record 1 has recnum 0") != NULL);
}

/* A fake TPM: keeps its own PCR 14 sha256/sha1. */
static uint8_t fake_pcr[CEL_NALGS][64];
static int fake_fail;

static int fake_extend(void *ctx, const struct cel_event *ev, struct err *e)
{
	(void)ctx;
	if (fake_fail)
		return err_set(e, "fake TPM refuses");
	for (int a = 0; a < CEL_NALGS; a++)
		if (ev->banks & CEL_BANK(a))
			cel_extend(a, fake_pcr[a], ev->digest[a]);
	return 0;
}

TEST(measure_log_replays_to_the_tpm_value)
{
	char path[] = "/tmp/sztp-test-measure-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	unlink(path);
	struct measure_backend b = { NULL, "fake TPM", CEL_BANK(CEL_SHA256) | CEL_BANK(CEL_SHA384),
				     fake_extend, NULL };
	struct err e;
	memset(fake_pcr, 0, sizeof fake_pcr);
	fake_fail = 0;
	CHECK_EQ_INT(measure_init(7, path, &b, &e), -1);        /* firmware PCR refused */
	CHECK_EQ_INT(measure_init(14, path, &b, &e), 0);
	CHECK_EQ_INT(measure_active(), 1);
	CHECK_EQ_INT(measure_data("voucher", "v", (const uint8_t *)"x", 1, &e), 0);
	CHECK_EQ_INT(measure_data("nonsense", "v", (const uint8_t *)"x", 1, &e), -1);
	struct measure_stream s;
	measure_stream_init(&s);
	measure_stream_update(&s, "ab", 2);
	measure_stream_update(&s, "c", 1);
	CHECK_EQ_INT(measure_stream_finish(&s, "boot-image", "img", &e), 0);
	CHECK_EQ_INT(measure_separator(&e), 0);
	CHECK_EQ_INT(measure_emergency("why", &e), 0);
	char q[64];
	CHECK_EQ_INT(measure_quote_json((const uint8_t *)"n", 1, q, sizeof q, &e), -1);
	/* a refused extension is an error and writes no record */
	fake_fail = 1;
	CHECK_EQ_INT(measure_data("voucher", "v", (const uint8_t *)"x", 1, &e), -1);
	CHECK(strstr(e.msg, "fake TPM refuses") != NULL);
	fake_fail = 0;

	static uint8_t log[CEL_LOG_MAX];
	FILE *f = fopen(path, "rb");
	CHECK(f != NULL);
	size_t len = fread(log, 1, sizeof log, f);
	fclose(f);
	uint8_t out[64];
	size_t n;
	CHECK_EQ_INT(cel_replay(log, len, 14, CEL_SHA256, NULL, out, &n, &e), 0);
	CHECK_EQ_INT(n, 4);
	CHECK_EQ_MEM(out, fake_pcr[CEL_SHA256], 32);
	CHECK_EQ_INT(cel_replay(log, len, 14, CEL_SHA384, NULL, out, &n, &e), 0);
	CHECK_EQ_MEM(out, fake_pcr[CEL_SHA384], 48);
	/* the streamed event hashes like the whole */
	uint8_t abc[32];
	sha256("abc", 3, abc);
	struct cel_reader r;
	struct cel_event ev;
	cel_reader_init(&r, log, len);
	CHECK_EQ_INT(cel_next(&r, &ev, &e), 1);
	CHECK_EQ_INT(cel_next(&r, &ev, &e), 1);
	CHECK_EQ_STR(ev.type, "boot-image");
	CHECK_EQ_MEM(ev.digest[CEL_SHA256], abc, 32);
	CHECK_EQ_INT(ev.size, 3);
	/* continuing an existing log goes on counting */
	CHECK_EQ_INT(measure_init(14, path, &b, &e), 0);
	CHECK_EQ_INT(measure_data("other", "more", (const uint8_t *)"y", 1, &e), 0);
	f = fopen(path, "rb");
	CHECK(f != NULL);
	len = fread(log, 1, sizeof log, f);
	fclose(f);
	CHECK_EQ_INT(cel_replay(log, len, 14, CEL_SHA256, NULL, out, &n, &e), 0);
	CHECK_EQ_INT(n, 5);
	CHECK_EQ_MEM(out, fake_pcr[CEL_SHA256], 32);
	unlink(path);
	/* no backend: measuring is off */
	CHECK_EQ_INT(measure_init(14, path, NULL, &e), 0);
	CHECK_EQ_INT(measure_active(), 0);
	CHECK_EQ_INT(measure_data("voucher", "v", (const uint8_t *)"x", 1, &e), 0);
	CHECK(access(path, F_OK) != 0);
}
