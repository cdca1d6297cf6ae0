/*
 * fuzz_b64.c: the base64 and yang:hex-string decoders (base/b64.h,
 * base/hexstr.h) on arbitrary text, at every output capacity class, and the
 * round trip: what decodes re-encodes to the canonical form, which decodes
 * to the same bytes.
 */
#include "base/b64.h"
#include "base/hexstr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define IN_MAX 8192

static uint8_t out[B64_DECODED_MAX(IN_MAX)], back[B64_DECODED_MAX(IN_MAX)];
static char enc[B64_ENCODED_LEN(B64_DECODED_MAX(IN_MAX)) + HEXSTR_ENCODED_LEN(IN_MAX) + 1];

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void check_b64(const char *in, size_t n)
{
	struct err e;
	size_t len, len2, cut, chars = 0;

	for (size_t i = 0; i < n; i++)
		chars += !is_ws(in[i]);
	if (b64_decode(in, n, out, sizeof out, &len, &e) < 0) {
		if (strncmp(e.msg, "base64: ", 8) != 0)
			abort();
		return;
	}
	/* 4 characters (whitespace aside) make at most 3 bytes */
	if (chars % 4 || len > chars / 4 * 3 || len + 2 < chars / 4 * 3)
		abort();
	if (b64_encode(out, len, enc, sizeof enc) != (long)B64_ENCODED_LEN(len) ||
	    strlen(enc) != B64_ENCODED_LEN(len))
		abort();
	/* the canonical encoding is the input without its whitespace */
	for (size_t i = 0, j = 0; i < n; i++)
		if (!is_ws(in[i]) && in[i] != enc[j++])
			abort();
	if (b64_decode(enc, strlen(enc), back, sizeof back, &len2, &e) < 0 || len2 != len ||
	    memcmp(out, back, len) != 0)
		abort();
	/* too small a buffer: refused, never overrun (ASan watches `back`) */
	cut = len ? len - 1 : 0;
	if (len && b64_decode(in, n, back + sizeof back - cut, cut, &len2, &e) == 0)
		abort();
	if (b64_encode(out, len, enc, B64_ENCODED_LEN(len)) != -1 || enc[0])
		abort();
}

static void check_hex(const char *in, size_t n)
{
	struct err e;
	size_t len, len2;

	if (hexstr_decode(in, n, out, sizeof out, &len, &e) < 0) {
		if (strncmp(e.msg, "hex-string: ", 12) != 0)
			abort();
		return;
	}
	if (HEXSTR_ENCODED_LEN(len) != n)
		abort();
	if (hexstr_encode(out, len, enc, sizeof enc) != (long)n)
		abort();
	for (size_t i = 0; i < n; i++) /* the same up to letter case */
		if ((in[i] | 0x20) != enc[i])
			abort();
	if (hexstr_decode(enc, n, back, sizeof back, &len2, &e) < 0 || len2 != len ||
	    memcmp(out, back, len) != 0)
		abort();
	if (len && hexstr_decode(in, n, back + sizeof back - (len - 1), len - 1, &len2, &e) == 0)
		abort();
	if (hexstr_encode(out, len, enc, n) != -1 || (n && enc[0]))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char in[IN_MAX];

	if (size > IN_MAX)
		return 0;
	/* a copy of exactly `size` bytes: a read past the end is caught */
	memcpy(in + IN_MAX - size, data, size);
	check_b64(in + IN_MAX - size, size);
	check_hex(in + IN_MAX - size, size);
	return 0;
}
