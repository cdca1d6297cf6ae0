/* fuzz_conveyed.c: conveyed-information JSON into typed structures. */
#include "trust/conveyed.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t arena_buf[CONVEYED_ARENA_SIZE];
	static struct conveyed_info info;
	struct conveyed_arena a;
	struct err e;

	conveyed_arena_init(&a, arena_buf, sizeof arena_buf);
	if (conveyed_parse(data, size, &info, &a, &e) == 0 && a.used > a.cap)
		__builtin_trap();
	return 0;
}
