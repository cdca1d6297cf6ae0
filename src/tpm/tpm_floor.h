/*
 * tpm_floor.h: the clock floor in TPM NV, a lower bound on the time that
 * only ever moves forward (trust/clock.h uses it; docs/tpm.md "The clock
 * floor").
 *
 * The NV index (tpm.conf clock-floor-nv, default TPM_DEFAULT_FLOOR_NV; 0:
 * none) holds TPM_FLOOR_SIZE bytes: the 8 ASCII bytes "sztpflr1" then the
 * Unix time in seconds, 64-bit big-endian. The agent defines it on first
 * use, in the owner hierarchy (the owner authorization is empty, as for
 * everything the agent does), with TPMA_NV_OWNERWRITE | TPMA_NV_OWNERREAD |
 * TPMA_NV_AUTHREAD | TPMA_NV_NO_DA and an empty index authorization: anyone
 * may read it, only the owner may write it. An index whose attributes let it
 * be written otherwise (AUTHWRITE, POLICYWRITE, PPWRITE) is refused: a floor
 * someone else could move back is no floor.
 *
 * "Never moved back" is enforced here (tpm_floor_advance() writes only a
 * later time); the TPM itself would let the owner write anything or
 * undefine the index. The floor protects against replayed data, not
 * against someone holding the owner authorization of the device's TPM.
 */
#ifndef SZTP_TPM_FLOOR_H
#define SZTP_TPM_FLOOR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"
#include "tpm/tpm.h"

#define TPM_FLOOR_SIZE  16
#define TPM_FLOOR_MAGIC "sztpflr1"

/* Encode `t` (0 .. CLOCK_TIME_MAX) into out[TPM_FLOOR_SIZE]. */
void tpm_floor_encode(time_t t, uint8_t out[TPM_FLOOR_SIZE]);

/*
 * Decode NV contents buf[len]: exactly TPM_FLOOR_SIZE bytes, the magic, a
 * time no later than CLOCK_TIME_MAX. Returns 0, or -1 with `e` set ("tpm:
 * clock floor: ..."). Pure (fuzzed: tests/fuzz/tpm/fuzz_tpm_floor.c).
 */
int tpm_floor_decode(const uint8_t *buf, size_t len, time_t *t, struct err *e);

/*
 * Read the floor at NV index `index`. Returns 1 with *t set, 0 when the
 * index is not defined or was never written (no floor yet), -1 with `e`
 * set (wrong size, attributes or contents, TPM failure).
 */
int tpm_floor_read(struct tpm *tpm, uint32_t index, time_t *t, struct err *e);

/*
 * Raise the floor at `index` to `to`: define the index if needed, write
 * only when `to` is later than the floor there. *now (may be NULL) gets the
 * floor afterwards. Returns 1 when it was written, 0 when it was kept (it was
 * already at or after `to`), -1 with `e` set.
 */
int tpm_floor_advance(struct tpm *tpm, uint32_t index, time_t to, time_t *now, struct err *e);

#endif
