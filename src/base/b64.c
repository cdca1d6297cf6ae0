/* b64.c: base64 decode (whitespace-tolerant, otherwise strict) and encode. */
#include "base/b64.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int b64_decode(const char *in, size_t in_len, uint8_t *out, size_t cap,
	size_t *out_len, struct err *e)
{
	uint32_t acc = 0;
	size_t i, n = 0, o = 0, pad = 0;

	for (i = 0; i < in_len; i++) {
		unsigned char c = (unsigned char)in[i];
		int v;
		if (is_space(c))
			continue;
		if (c == '=') {
			if ((n & 3) < 2)
				return err_set(e, "base64: bad padding ('=' at offset %zu)", i);
			pad++;
			n++;
			if (pad > 2)
				return err_set(e, "base64: bad padding (too many '=')");
			continue;
		}
		if (pad)
			return err_set(e, "base64: data after padding at offset %zu", i);
		v = val(c);
		if (v < 0)
			return err_set(e, "base64: invalid character 0x%02x at offset %zu", c, i);
		acc = (acc << 6) | (uint32_t)v;
		n++;
		if ((n & 3) == 0) {
			if (cap - o < 3 || o > cap)
				return err_set(e, "base64: decoded data exceeds %zu bytes", cap);
			out[o++] = (uint8_t)(acc >> 16);
			out[o++] = (uint8_t)(acc >> 8);
			out[o++] = (uint8_t)acc;
			acc = 0;
		}
	}
	if (n & 3)
		return err_set(e, "base64: bad padding (length %zu is not a multiple of 4)", n);
	if (pad) {
		/* the last group had 4 - pad data characters, now in acc */
		size_t k = 3 - pad;
		if (pad == 1) {
			if (acc & 0x3)
				return err_set(e, "base64: bad padding (non-zero unused bits)");
			acc >>= 2;   /* 18 bits -> 16 */
		} else {
			if (acc & 0xF)
				return err_set(e, "base64: bad padding (non-zero unused bits)");
			acc >>= 4;   /* 12 bits -> 8 */
		}
		if (cap - o < k || o > cap)
			return err_set(e, "base64: decoded data exceeds %zu bytes", cap);
		if (k == 2) {
			out[o++] = (uint8_t)(acc >> 8);
			out[o++] = (uint8_t)acc;
		} else {
			out[o++] = (uint8_t)acc;
		}
	}
	*out_len = o;
	return 0;
}

long b64_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
	size_t i, o = 0;

	if (cap == 0)
		return -1;
	if (len > (((size_t)-1) / 4) - 4 || cap < B64_ENCODED_LEN(len) + 1) {
		out[0] = '\0';
		return -1;
	}
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = '=';
	}
	out[o] = '\0';
	return (long)o;
}
