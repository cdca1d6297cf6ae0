/* fuzz_fileuri.c: where a file:// download-uri from a medium is looked for
 * (imgsrc_file_paths()): whatever the URI, only relative paths without ".."
 * or empty components, within bounds, come out. The first byte picks the
 * medium root (none, the agent's mount point, "/"). */
#include "install/imgsrc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *p)
{
	size_t len = strlen(p);
	const char *c = p;
	if (len == 0 || len > IMGSRC_PATH_MAX || p[0] == '/' || p[len - 1] == '/' ||
	    strstr(p, "//"))
		abort();
	while (*c) {
		size_t n = strcspn(c, "/");
		if ((n == 2 && c[0] == '.' && c[1] == '.') || (n == 1 && c[0] == '.'))
			abort();
		c += n;
		if (*c)
			c++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const roots[] = { NULL, "/run/sztp/media/sdb1", "/", "/disk0:" };
	static char uri[4 * IMGSRC_PATH_MAX];
	static char out[IMGSRC_FILE_PATHS][IMGSRC_PATH_MAX + 1];
	struct err e;
	int n;

	if (size < 1 || size - 1 >= sizeof uri)
		return 0;
	memcpy(uri, data + 1, size - 1);
	uri[size - 1] = '\0';
	n = imgsrc_file_paths(uri, roots[data[0] % 4], out, &e);
	if (n == 0 || n > IMGSRC_FILE_PATHS)
		abort();
	for (int i = 0; i < n; i++) {
		check(out[i]);
		for (int j = 0; j < i; j++)
			if (strcmp(out[i], out[j]) == 0)
				abort();
	}
	return 0;
}
