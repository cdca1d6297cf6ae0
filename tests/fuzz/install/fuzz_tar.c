/* fuzz_tar.c: the strict tar reader and the configuration checks on top of it. */
#include "install/config_apply.h"
#include "install/tar.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tar_entry ent;
	struct tar t;
	struct err e;
	int r, n = 0;

	tar_init(&t, data, size);
	while ((r = tar_next(&t, &ent, &e)) == 1) {
		/* what the reader promises about every entry it returns */
		if (!ent.path[0] || ent.path[0] == '/' || strstr(ent.path, "..") == ent.path ||
		    (ent.mode & 04000))
			__builtin_trap();
		if (ent.type == TAR_FILE && (ent.data < data || ent.size > size ||
					     ent.data + ent.size > data + size))
			__builtin_trap();
		if (ent.type == TAR_SYMLINK && tar_link_escapes(ent.path, ent.link))
			__builtin_trap();
		if (++n > 100000)
			__builtin_trap();
	}
	config_check(data, size, &e);
	return 0;
}
