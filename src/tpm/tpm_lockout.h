/*
 * tpm_lockout.h: what to do when the TPM refuses the IDevID with
 * TPM_RC_LOCKOUT (dictionary-attack lockout).
 *
 * A TPM counts a failure against its dictionary-attack counter for every
 * wrong authorization and, when a DA-protected key was used since the last
 * TPM2_Startup, for every power loss without TPM2_Shutdown: a device whose
 * power is cut while it provisions adds one each time. At the TPM's maximum
 * it refuses every DA-protected key until it forgives one failure (one per
 * "lockout interval" of powered-on time) or the lockout authorization
 * clears the counter. keys/enroll-tpm.sh makes our IDevID and IAK noDA (their
 * authorization is empty: there is nothing to guess), so they never meet
 * this; a vendor's IDevID may be DA-protected. Then the device waits the
 * lockout out, saying so on the console, up to lockout-wait seconds
 * (tpm.conf), instead of failing the boot at once.
 *
 * Pure code: the decision is host-tested; tpm_da_read() (tpm.h) reads the
 * figures from the TPM and tpm_identity_load() (tpm_id.h) does the waiting.
 */
#ifndef SZTP_TPM_LOCKOUT_H
#define SZTP_TPM_LOCKOUT_H

#include <stdint.h>

#include "base/err.h"

#define TPM_LOCKOUT_POLL_MAX 60u   /* try again at least once a minute */

/* The TPM's dictionary-attack state (TPM2_GetCapability, TPM_PT_*). */
struct tpm_da {
	uint32_t counter;    /* TPM_PT_LOCKOUT_COUNTER: failures counted now */
	uint32_t max;        /* TPM_PT_MAX_AUTH_FAIL: lockout at this count */
	uint32_t interval;   /* TPM_PT_LOCKOUT_INTERVAL: seconds to forgive one */
};

/* "the TPM is in dictionary-attack lockout (3 of 3 failed authorizations
 * counted, one forgiven every 600 s)" into buf[cap] (always terminated). */
void tpm_lockout_describe(const struct tpm_da *da, char *buf, size_t cap);

/*
 * After a TPM_RC_LOCKOUT, having waited `waited` seconds so far, with at
 * most `limit` seconds allowed (tpm.conf lockout-wait): the seconds to wait
 * before trying again (1..TPM_LOCKOUT_POLL_MAX, never past the limit), or 0
 * to give up, with the reason and what an operator can do in `e`:
 *   limit 0                   "...: lockout-wait=0 in tpm.conf: not waiting; ..."
 *   interval 0                the TPM forgives nothing by itself
 *   interval > limit          one forgiven every N s, longer than lockout-wait
 *   waited >= limit           still in lockout after N s
 */
uint32_t tpm_lockout_next(const struct tpm_da *da, uint32_t waited, uint32_t limit,
	struct err *e);

#endif
