/*
 * hexstr.h: yang:hex-string (RFC 6991): colon-separated pairs of hex digits,
 * "ba:ec:cf:01". Pattern ([0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*)?  Nothing else is
 * accepted: no whitespace, no "0x", no single digits, no other separators.
 */
#ifndef SZTP_HEXSTR_H
#define SZTP_HEXSTR_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Size of the encoding of `n` bytes, without the terminating NUL. */
#define HEXSTR_ENCODED_LEN(n) ((n) ? (n) * 3 - 1 : 0)

/* Decode in[0..in_len) into out (capacity cap); *out_len receives the byte
 * count. The empty string decodes to zero bytes. Errors name the offset:
 * "hex-string: expected ':' at offset 2, found '-'". */
int hexstr_decode(const char *in, size_t in_len, uint8_t *out, size_t cap,
	size_t *out_len, struct err *e);

/* Encode in[0..len) as lower-case "aa:bb:..", NUL-terminated. Needs
 * cap >= HEXSTR_ENCODED_LEN(len) + 1. Returns the length written or -1 when
 * cap is too small (then out is "" when cap > 0). */
long hexstr_encode(const uint8_t *in, size_t len, char *out, size_t cap);

#endif
