/* fuzz_hostmeta.c: the host-meta (XRD) RESTCONF root scanner. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sztp/hostmeta.h"
#include "sztp/restconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char root[RESTCONF_ROOT_MAX + 1];
	struct err e;

	if (hostmeta_restconf_root(data, size, root, sizeof root, &e) == 0) {
		size_t n = strlen(root);
		if (n == 0 || n > RESTCONF_ROOT_MAX || root[0] != '/' || strchr(root, '&') ||
		    strchr(root, '<') || (n > 1 && root[n - 1] == '/'))
			abort();
	}
	return 0;
}
