/*
 * fuzz_restconf.c: the RESTCONF error-reply summariser, the first-line
 * excerpt of other replies, and the RESTCONF root derivation from a URI path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sztp/restconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[300], root[RESTCONF_ROOT_MAX + 1], path[1100];
	struct err e;

	if (restconf_errors_summary(data, size, out, sizeof out, &e) == 0) {
		if (strlen(out) >= sizeof out || strncmp(out, "error-tag \"", 11) != 0)
			abort();
	} else if (out[0]) {
		abort();
	}
	if (size < sizeof path) {
		memcpy(path, data, size);
		path[size] = 0;
		if (restconf_root_from_path(path, root, sizeof root, &e) == 0 &&
		    (root[0] != '/' || strlen(root) > RESTCONF_ROOT_MAX))
			abort();
	}
	(void)restconf_media_ok(size < sizeof path ? path : "");
	(void)restconf_media_tolerated(size < sizeof path ? path : "");
	for (size_t cap = 1; cap <= sizeof out; cap += 149) {
		size_t n = restconf_body_line(data, size, out, cap);
		if (n >= cap || strlen(out) != n)
			abort();
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] >= 0x7f)
				abort();
	}
	return 0;
}
