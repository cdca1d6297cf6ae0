/* fuzz_osrelease.c: os-release parsing and the match rule. */
#include "disk/osrelease.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct osrelease o;
	struct err e;

	if (osrelease_parse((const char *)data, size, &o, &e) == 0) {
		if (strlen(o.name) >= OSRELEASE_VALUE_MAX || strlen(o.version_id) >= OSRELEASE_VALUE_MAX)
			__builtin_trap();
		osrelease_matches(&o, o.id, o.version_id);
	}
	return 0;
}
