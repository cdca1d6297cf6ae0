/* tpm_lockout.c: waiting out a dictionary-attack lockout (see tpm_lockout.h). */
#include "tpm/tpm_lockout.h"

#include <stdio.h>

#define CLEAR_HINT "clear it with the TPM's lockout authorization " \
	"(tpm2_dictionarylockout --clear-lockout) or raise lockout-wait in tpm.conf"

void tpm_lockout_describe(const struct tpm_da *da, char *buf, size_t cap)
{
	if (da->interval)
		snprintf(buf, cap, "the TPM is in dictionary-attack lockout (%u of %u failed "
			 "authorizations counted, one forgiven every %u s)", (unsigned)da->counter,
			 (unsigned)da->max, (unsigned)da->interval);
	else
		snprintf(buf, cap, "the TPM is in dictionary-attack lockout (%u of %u failed "
			 "authorizations counted, none forgiven by time)", (unsigned)da->counter,
			 (unsigned)da->max);
}

uint32_t tpm_lockout_next(const struct tpm_da *da, uint32_t waited, uint32_t limit,
	struct err *e)
{
	char d[200];
	uint32_t s;

	tpm_lockout_describe(da, d, sizeof d);
	if (limit == 0) {
		err_set(e, "tpm: %s: lockout-wait=0 in tpm.conf: not waiting; " CLEAR_HINT, d);
		return 0;
	}
	if (da->interval == 0) {
		err_set(e, "tpm: %s: only the lockout authorization clears it "
			"(tpm2_dictionarylockout --clear-lockout)", d);
		return 0;
	}
	if (da->interval > limit) {
		err_set(e, "tpm: %s: longer than lockout-wait=%u s in tpm.conf; " CLEAR_HINT, d,
			(unsigned)limit);
		return 0;
	}
	if (waited >= limit) {
		err_set(e, "tpm: %s: still refused after waiting %u s (lockout-wait=%u in tpm.conf); "
			CLEAR_HINT, d, (unsigned)waited, (unsigned)limit);
		return 0;
	}
	/* One failure is forgiven per interval: try again just after one, or
	 * once a minute for long intervals, never past the limit. */
	s = da->interval + 1;
	if (s > TPM_LOCKOUT_POLL_MAX)
		s = TPM_LOCKOUT_POLL_MAX;
	if (s > limit - waited)
		s = limit - waited;
	return s;
}
