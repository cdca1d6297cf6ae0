/* fuzz_gpt.c: GUID partition table parsing. */
#include "disk/gpt.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gpt g;
	struct err e;
	uint8_t t[16];

	if (gpt_probe(data, size, &g, &e) == 0) {
		if (g.n < 0 || g.n > GPT_MAX_PARTS)
			__builtin_trap();
		for (int i = 0; i < g.n; i++)
			if (g.parts[i].first_lba > g.parts[i].last_lba ||
			    strlen(g.parts[i].name) >= GPT_NAME_MAX)
				__builtin_trap();
		gpt_guid_parse(GPT_ROOT_X86_64, t);
		gpt_find_type(&g, t, &e);
	}
	return 0;
}
