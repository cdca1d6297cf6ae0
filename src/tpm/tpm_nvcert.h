/*
 * tpm_nvcert.h: certificates as stored in TPM NV indices.
 *
 * An index holds one or more DER certificates back to back (the IDevID index
 * exactly one, the chain index the certificates above it, nearest first).
 * Indices are often defined larger than their contents, so what follows the
 * last certificate may be padding: all 0x00 or all 0xFF bytes (the erased
 * states of NV). Anything else is an error naming the index and the offset,
 * so that a wrong or damaged index is reported as such rather than as a
 * confusing TLS or signature failure later.
 *
 * Pure code: compiled, unit-tested and fuzzed on the host.
 */
#ifndef SZTP_TPM_NVCERT_H
#define SZTP_TPM_NVCERT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "trust/x509.h"

#define TPM_NV_DATA_MAX 4096   /* bytes read from one NV index, at most */

/*
 * Split buf[0..len) (the contents of NV index `index`, used in messages) into
 * certificates: out[0..*n) point into buf. Each must parse with x509_parse().
 * More than `max` certificates is an error; so are empty contents
 * ("tpm: NV index 0x01c90000 holds no certificate") when min_one is set.
 */
int tpm_nvcert_split(const uint8_t *buf, size_t len, uint32_t index, int min_one,
	struct x509_der *out, size_t max, size_t *n, struct err *e);

#endif
