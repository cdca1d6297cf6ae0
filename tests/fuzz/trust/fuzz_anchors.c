/* fuzz_anchors.c: PEM/DER trust anchor and chain loading, and PEM private
 * key loading (trust/keyfile.h), from arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "trust/anchors.h"
#include "trust/keyfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct anchors a;
static struct cert_chain c;
static struct keyfile k;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;
	int n;

	anchors_init(&a);
	n = anchors_add_buf(&a, data, size, "fuzz", &e);
	if ((n < 0 && (a.n != 0 || a.used != 0)) || (n > 0 && a.n != (size_t)n) ||
	    a.used > sizeof a.arena)
		abort();
	for (size_t i = 0; i < a.n; i++)
		if (a.ta[i].dn.data < a.arena || a.ta[i].dn.data + a.ta[i].dn.len > a.arena + a.used)
			abort();
	chain_init(&c);
	n = chain_add_buf(&c, data, size, "fuzz", &e);
	if ((n < 0 && c.n != 0) || c.used > sizeof c.arena)
		abort();
	if (keyfile_load_pem(&k, data, size, &e) == 0 && k.type != BR_KEYTYPE_RSA &&
	    k.type != BR_KEYTYPE_EC)
		abort();
	keyfile_clear(&k);
	return 0;
}
