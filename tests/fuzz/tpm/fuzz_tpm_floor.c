/* fuzz_tpm_floor.c: the clock floor's NV contents (tpm/tpm_floor.h). */
#include "tpm/tpm_floor.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t b[TPM_FLOOR_SIZE];
	struct err e;
	time_t t, u;

	if (tpm_floor_decode(data, size, &t, &e) < 0)
		return 0;
	/* what decodes re-encodes to the same bytes */
	tpm_floor_encode(t, b);
	if (size != sizeof b || memcmp(b, data, size) != 0 || tpm_floor_decode(b, sizeof b, &u, &e) < 0 ||
	    u != t)
		__builtin_trap();
	return 0;
}
