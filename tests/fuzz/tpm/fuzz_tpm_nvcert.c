/* fuzz_tpm_nvcert.c: certificates as read from TPM NV indices. */
#include "tpm/tpm_nvcert.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct x509_der out[8];
	struct err e;
	size_t n = 0;
	if (tpm_nvcert_split(data, size, 0x01c90000, 0, out, 8, &n, &e) == 0)
		for (size_t i = 0; i < n; i++)
			if (out[i].der < data || out[i].der + out[i].len > data + size)
				__builtin_trap();
	return 0;
}
