/* fuzz_fslabel.c: file system type and label probing of a device's first bytes. */
#include "disk/fslabel.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[FSLABEL_PROBE];
	static const size_t at[] = { 0, 1024, 32768 };
	const char *t;
	char l[FSLABEL_MAX];

	if (fslabel_probe(data, size, &t, l) == 1 && !memchr(l, 0, sizeof l))
		abort();
	/* the same bytes where each format keeps its superblock */
	for (size_t k = 0; k < 3; k++) {
		size_t n = size < sizeof buf - at[k] ? size : sizeof buf - at[k];
		memset(buf, 0, sizeof buf);
		memcpy(buf + at[k], data, n);
		if (fslabel_probe(buf, sizeof buf, &t, l) == 1 && !memchr(l, 0, sizeof l))
			abort();
	}
	return 0;
}
