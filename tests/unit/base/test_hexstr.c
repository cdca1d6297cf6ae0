/* test_hexstr.c: yang:hex-string. */
#include "unit.h"

#include <stdint.h>

#include "base/hexstr.h"

static int dec(const char *s, uint8_t *out, size_t cap, size_t *n, struct err *e)
{
	return hexstr_decode(s, strlen(s), out, cap, n, e);
}

TEST(hexstr_decodes)
{
	uint8_t out[8];
	size_t n;
	struct err e;
	CHECK_EQ_INT(dec("ba:ec:CF:01", out, sizeof out, &n, &e), 0);
	CHECK_EQ_INT(n, 4);
	CHECK_EQ_MEM(out, "\xba\xec\xcf\x01", 4);
	CHECK_EQ_INT(dec("00", out, sizeof out, &n, &e), 0);
	CHECK_EQ_INT(n, 1);
	CHECK_EQ_INT(out[0], 0);
	CHECK_EQ_INT(dec("", out, sizeof out, &n, &e), 0);
	CHECK_EQ_INT(n, 0);
}

TEST(hexstr_rejects_other_forms)
{
	uint8_t out[8];
	size_t n;
	struct err e;
	CHECK_EQ_INT(dec("baeccf", out, sizeof out, &n, &e), -1);
	CHECK_EQ_STR(e.msg, "hex-string: expected ':' at offset 2, found 'e'");
	CHECK_EQ_INT(dec("ba-ec", out, sizeof out, &n, &e), -1);
	CHECK(strstr(e.msg, "found '-'"));
	CHECK_EQ_INT(dec("ba:e", out, sizeof out, &n, &e), -1);
	CHECK(strstr(e.msg, "incomplete pair"));
	CHECK_EQ_INT(dec("ba:", out, sizeof out, &n, &e), -1);
	CHECK_EQ_INT(dec(":ba", out, sizeof out, &n, &e), -1);
	CHECK_EQ_INT(dec("ba::ec", out, sizeof out, &n, &e), -1);
	CHECK_EQ_INT(dec("bg", out, sizeof out, &n, &e), -1);
	CHECK_EQ_STR(e.msg, "hex-string: invalid hex digit 'g' at offset 1");
	CHECK_EQ_INT(dec("0x12", out, sizeof out, &n, &e), -1);
	CHECK_EQ_INT(dec(" ba", out, sizeof out, &n, &e), -1);
	CHECK_EQ_INT(dec("ba ", out, sizeof out, &n, &e), -1);
	CHECK_EQ_INT(dec("ba:ec\n", out, sizeof out, &n, &e), -1);
	CHECK_EQ_INT(hexstr_decode("ba\0ec", 5, out, sizeof out, &n, &e), -1);
}

TEST(hexstr_capacity)
{
	uint8_t out[2];
	size_t n;
	struct err e;
	CHECK_EQ_INT(dec("01:02:03", out, sizeof out, &n, &e), -1);
	CHECK(strstr(e.msg, "more than 2 bytes"));
}

TEST(hexstr_encodes)
{
	char buf[16];
	CHECK_EQ_INT(hexstr_encode((const uint8_t *)"\xba\xec\x0f", 3, buf, sizeof buf), 8);
	CHECK_EQ_STR(buf, "ba:ec:0f");
	CHECK_EQ_INT(hexstr_encode(NULL, 0, buf, sizeof buf), 0);
	CHECK_EQ_STR(buf, "");
	CHECK_EQ_INT(hexstr_encode((const uint8_t *)"\xba\xec\x0f", 3, buf, 8), -1);
	CHECK_EQ_INT(hexstr_encode((const uint8_t *)"\xba\xec\x0f", 3, buf, 9), 8);
	/* round trip */
	uint8_t out[4];
	size_t n;
	CHECK_EQ_INT(hexstr_decode(buf, 8, out, sizeof out, &n, NULL), 0);
	CHECK_EQ_INT(n, 3);
	CHECK_EQ_MEM(out, "\xba\xec\x0f", 3);
}
