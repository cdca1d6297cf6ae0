/*
 * fuzz_restconf.c: the RESTCONF error-reply summariser and the RESTCONF
 * root derivation from a URI path.
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
	return 0;
}
