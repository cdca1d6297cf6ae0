/* fuzz_url.c: url_parse on arbitrary bytes; accepted URLs must satisfy the invariants. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct url u;
	struct err e;
	char b[URL_HOST_MAX + 16];

	if (url_parse(&u, (const char *)data, size, &e) < 0)
		return 0;
	if (strlen(u.host) == 0 || strlen(u.host) > URL_HOST_MAX || u.port == 0)
		abort();
	if (u.path[0] && url_check_path(u.path, &e) < 0)
		abort();
	if (url_hostport(&u, b, sizeof b) < 0 || url_host_header(&u, b, sizeof b) < 0)
		abort();
	/* the canonical form parses again to the same host and port */
	{
		char s[URL_HOST_MAX + 32];
		struct url v;
		size_t n;
		url_hostport(&u, b, sizeof b);
		n = strlen(b);
		memcpy(s, "https://", 8);
		memcpy(s + 8, b, n);
		if (url_parse(&v, s, n + 8, &e) < 0 || strcmp(v.host, u.host) != 0 ||
		    v.port != u.port || v.host_type != u.host_type)
			abort();
	}
	return 0;
}
