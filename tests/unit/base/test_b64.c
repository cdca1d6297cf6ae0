/* test_b64.c: base64 decode/encode. */
#include "unit.h"

#include <stdint.h>

#include "base/b64.h"

static int dec(const char *s, uint8_t *out, size_t cap, size_t *n, struct err *e)
{
	return b64_decode(s, strlen(s), out, cap, n, e);
}

TEST(b64_decodes_rfc4648_vectors)
{
	static const char *const in[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	static const char *const want[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	for (size_t i = 0; i < 7; i++) {
		uint8_t out[16];
		size_t n = 99;
		struct err e;
		CHECK_EQ_INT(dec(in[i], out, sizeof out, &n, &e), 0);
		CHECK_EQ_INT(n, strlen(want[i]));
		CHECK_EQ_MEM(out, want[i], n);
		char enc[16];
		CHECK_EQ_INT(b64_encode((const uint8_t *)want[i], n, enc, sizeof enc),
			(long)strlen(in[i]));
		CHECK_EQ_STR(enc, in[i]);
	}
}

TEST(b64_line_wrapped)
{
	uint8_t out[16];
	size_t n;
	struct err e;
	CHECK_EQ_INT(dec("Zm9v\r\nYmFy\n", out, sizeof out, &n, &e), 0);
	CHECK_EQ_INT(n, 6);
	CHECK_EQ_MEM(out, "foobar", 6);
	CHECK_EQ_INT(dec("  Zm 9v\tYg\n==\n", out, sizeof out, &n, &e), 0);
	CHECK_EQ_INT(n, 4);
	CHECK_EQ_MEM(out, "foob", 4);
}

TEST(b64_bad_character)
{
	uint8_t out[16];
	size_t n;
	struct err e;
	CHECK_EQ_INT(dec("Zm9v!mFy", out, sizeof out, &n, &e), -1);
	CHECK_EQ_STR(e.msg, "base64: invalid character 0x21 at offset 4");
	CHECK_EQ_INT(dec("Zm9v-_==", out, sizeof out, &n, &e), -1);  /* base64url */
	CHECK(strstr(e.msg, "invalid character 0x2d"));
	CHECK_EQ_INT(b64_decode("Zm\0v", 4, out, sizeof out, &n, &e), -1);
}

TEST(b64_bad_padding)
{
	uint8_t out[16];
	size_t n;
	struct err e;
	CHECK_EQ_INT(dec("Zm9", out, sizeof out, &n, &e), -1);          /* unpadded */
	CHECK(strstr(e.msg, "bad padding"));
	CHECK_EQ_INT(dec("Zg=", out, sizeof out, &n, &e), -1);
	CHECK(strstr(e.msg, "bad padding"));
	CHECK_EQ_INT(dec("Z===", out, sizeof out, &n, &e), -1);
	CHECK(strstr(e.msg, "bad padding"));
	CHECK_EQ_INT(dec("====", out, sizeof out, &n, &e), -1);
	CHECK_EQ_INT(dec("Zg==Zm9v", out, sizeof out, &n, &e), -1);     /* data after '=' */
	CHECK(strstr(e.msg, "after padding"));
	CHECK_EQ_INT(dec("Zh==", out, sizeof out, &n, &e), -1);         /* non-zero bits */
	CHECK(strstr(e.msg, "unused bits"));
	CHECK_EQ_INT(dec("Zm9=", out, sizeof out, &n, &e), -1);
	CHECK(strstr(e.msg, "unused bits"));
	CHECK_EQ_INT(dec("Zg=a", out, sizeof out, &n, &e), -1);
}

TEST(b64_capacity)
{
	uint8_t out[5];
	size_t n;
	struct err e;
	CHECK_EQ_INT(dec("Zm9vYmFy", out, sizeof out, &n, &e), -1);
	CHECK(strstr(e.msg, "exceeds 5 bytes"));
	CHECK_EQ_INT(dec("Zm9vYg==", out, 3, &n, &e), -1);
	CHECK_EQ_INT(dec("Zm9vYg==", out, 4, &n, &e), 0);
	char enc[16];
	CHECK_EQ_INT(b64_encode((const uint8_t *)"foobar", 6, enc, 8), -1);
	CHECK_EQ_STR(enc, "");
	CHECK_EQ_INT(b64_encode((const uint8_t *)"foobar", 6, enc, 9), 8);
	CHECK(B64_DECODED_MAX(8) >= 6);
}

TEST(b64_roundtrip_all_bytes)
{
	static uint8_t in[256], out[256];
	static char enc[B64_ENCODED_LEN(256) + 1];
	size_t n;
	struct err e;
	for (int i = 0; i < 256; i++)
		in[i] = (uint8_t)i;
	for (size_t len = 0; len <= 256; len += 37) {
		long m = b64_encode(in, len, enc, sizeof enc);
		CHECK_EQ_INT(m, (long)B64_ENCODED_LEN(len));
		CHECK_EQ_INT(b64_decode(enc, (size_t)m, out, sizeof out, &n, &e), 0);
		CHECK_EQ_INT(n, len);
		CHECK_EQ_MEM(out, in, len);
	}
}
