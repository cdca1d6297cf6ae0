/* fuzz_sztp_uri.c: the SZTP redirect option decoder (DHCPv4 143 / DHCPv6 136). */
#include "base/log.h"
#include "net/sztp_uri.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sztp_uri_list l;
	struct err e;
	int n;

	log_set_level(LOG_ERR);
	n = sztp_uri_decode(data, size, "fuzz", &l, &e);
	if (n > SZTP_URI_MAX || (n > 0 && n != l.n) || (n < 0 && l.n != 0))
		abort();
	for (int i = 0; i < l.n; i++) {
		size_t len;
		if (memchr(l.uri[i], 0, SZTP_URI_LEN) == NULL)
			abort();
		len = strlen(l.uri[i]);
		/* every URI kept must pass the check it was kept by */
		if (sztp_uri_check(l.uri[i], len, l.plain_text, &e) < 0)
			abort();
	}
	sztp_uri_check((const char *)data, size, size & 1, &e);
	return 0;
}
