/* hexstr.c: yang:hex-string ("ba:ec:cf") decode and encode. */
#include "base/hexstr.h"

static int nib(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int show(unsigned char c)
{
	return c >= 0x20 && c < 0x7f ? c : '?';
}

int hexstr_decode(const char *in, size_t in_len, uint8_t *out, size_t cap,
	size_t *out_len, struct err *e)
{
	size_t i = 0, o = 0;

	while (i < in_len) {
		int hi, lo;
		if (o > 0) {
			if (in[i] != ':')
				return err_set(e, "hex-string: expected ':' at offset %zu, found '%c'",
					i, show((unsigned char)in[i]));
			i++;
		}
		if (in_len - i < 2)
			return err_set(e, "hex-string: incomplete pair at offset %zu", i);
		hi = nib((unsigned char)in[i]);
		lo = nib((unsigned char)in[i + 1]);
		if (hi < 0 || lo < 0) {
			size_t bad = hi < 0 ? i : i + 1;
			return err_set(e, "hex-string: invalid hex digit '%c' at offset %zu",
				show((unsigned char)in[bad]), bad);
		}
		if (o >= cap)
			return err_set(e, "hex-string: more than %zu bytes", cap);
		out[o++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	*out_len = o;
	return 0;
}

long hexstr_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	if (cap == 0)
		return -1;
	if (len > ((size_t)-1) / 3 - 1 || cap < HEXSTR_ENCODED_LEN(len) + 1) {
		out[0] = '\0';
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (i)
			out[o++] = ':';
		out[o++] = hex[in[i] >> 4];
		out[o++] = hex[in[i] & 15];
	}
	out[o] = '\0';
	return (long)o;
}
