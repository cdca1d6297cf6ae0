/*
 * b64.h: base64 (RFC 4648 section 4, standard alphabet, padded).
 *
 * Decoding skips whitespace (space, tab, CR, LF) anywhere, because servers and
 * tools line-wrap base64; everything else is strict: a character outside the
 * alphabet, missing or misplaced '=' padding, a total length that is not a
 * multiple of 4, or non-zero unused bits in the last group are errors.
 * Output goes into caller buffers with an explicit capacity.
 */
#ifndef SZTP_B64_H
#define SZTP_B64_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Upper bound of the decoded size of `n` input characters. */
#define B64_DECODED_MAX(n) (((n) / 4 + 1) * 3)

/* Size of the encoding of `n` bytes, without the terminating NUL. */
#define B64_ENCODED_LEN(n) ((((n) + 2) / 3) * 4)

/* Decode in[0..in_len) into out (capacity cap); *out_len receives the
 * decoded size (out may be NULL when cap is 0: then only empty input
 * succeeds). Errors: "base64: invalid character 0x21 at offset 17",
 * "base64: bad padding ...", "base64: decoded data exceeds 4096 bytes". */
int b64_decode(const char *in, size_t in_len, uint8_t *out, size_t cap,
	size_t *out_len, struct err *e);

/* Encode in[0..len) into out, NUL-terminated, with no line breaks. Needs
 * cap >= B64_ENCODED_LEN(len) + 1. Returns the length written (without the
 * NUL), or -1 if cap is too small (then out is "" when cap > 0). */
long b64_encode(const uint8_t *in, size_t len, char *out, size_t cap);

#endif
