/* tpm_nvcert.c: certificates as stored in TPM NV indices (see tpm_nvcert.h). */
#include "tpm/tpm_nvcert.h"

#include "trust/der.h"

/* 1 if buf[0..len) is all `b`. */
static int all(const uint8_t *buf, size_t len, uint8_t b)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != b)
			return 0;
	return 1;
}

int tpm_nvcert_split(const uint8_t *buf, size_t len, uint32_t index, int min_one,
	struct x509_der *out, size_t max, size_t *n, struct err *e)
{
	size_t off = 0;
	*n = 0;
	if (len > TPM_NV_DATA_MAX)
		return err_set(e, "tpm: NV index 0x%08x: %zu bytes, more than %u", (unsigned)index,
			       len, TPM_NV_DATA_MAX);
	while (off < len) {
		size_t rest = len - off;
		if (buf[off] != 0x30) {
			if (all(buf + off, rest, 0x00) || all(buf + off, rest, 0xFF))
				break;  /* padding */
			return err_set(e, "tpm: NV index 0x%08x: byte 0x%02x at offset %zu is neither "
				       "a DER certificate nor padding", (unsigned)index, buf[off], off);
		}
		struct der d;
		struct der_tlv t;
		der_init(&d, buf + off, rest);
		if (der_read(&d, &t, e) < 0)
			return err_wrap(e, "tpm: NV index 0x%08x: certificate at offset %zu",
					(unsigned)index, off);
		if (*n >= max)
			return err_set(e, "tpm: NV index 0x%08x: more than %zu certificates",
				       (unsigned)index, max);
		struct x509_cert c;
		if (x509_parse(t.raw, t.raw_len, &c, e) < 0)
			return err_wrap(e, "tpm: NV index 0x%08x: certificate %zu (offset %zu)",
					(unsigned)index, *n + 1, off);
		out[*n].der = t.raw;
		out[*n].len = t.raw_len;
		(*n)++;
		off += t.raw_len;
	}
	if (min_one && *n == 0)
		return err_set(e, "tpm: NV index 0x%08x holds no certificate%s", (unsigned)index,
			       len ? " (only padding)" : " (empty)");
	return 0;
}
