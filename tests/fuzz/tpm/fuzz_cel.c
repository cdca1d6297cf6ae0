/* fuzz_cel.c: the CEL-JSON event log reader and replay. */
#include "tpm/cel.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[CEL_DIGEST_MAX];
	char rec[CEL_RECORD_MAX];
	struct cel_event ev;
	struct err e;
	size_t n, len;

	if (size > CEL_LOG_MAX)
		return 0;
	for (int a = 0; a < CEL_NALGS; a++)
		(void)cel_replay(data, size, 14, a, NULL, out, &n, &e);
	/* every record that parses formats again and parses back the same */
	struct cel_reader r;
	cel_reader_init(&r, data, size);
	while (cel_next(&r, &ev, &e) > 0) {
		struct cel_event back;
		if (cel_format(&ev, rec, sizeof rec, &len, &e) < 0)
			continue;
		if (cel_parse((const uint8_t *)rec + 1, len - 1, &back, &e) < 0 ||
		    strcmp(back.name, ev.name) != 0 || back.banks != ev.banks)
			__builtin_trap();
	}
	return 0;
}
