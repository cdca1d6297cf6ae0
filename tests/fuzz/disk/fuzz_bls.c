/* fuzz_bls.c: Boot Loader Specification entries and loader.conf from a disk. */
#include "disk/bls.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void terminated(const char *s, size_t cap)
{
	if (!memchr(s, 0, cap))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bls_entry a, b;
	char pat[BLS_VALUE_MAX];
	struct err e;
	const char *txt = (const char *)data;

	if (bls_parse_entry("fuzz.conf", txt, size, &a, &e) == 0) {
		terminated(a.title, sizeof a.title);
		terminated(a.linux_, sizeof a.linux_);
		terminated(a.initrd, sizeof a.initrd);
		terminated(a.options, sizeof a.options);
		if (a.n_initrd < 0 || (a.n_initrd == 0 && a.initrd[0]))
			abort();
		/* the order is a total order: antisymmetric */
		memcpy(&b, &a, sizeof b);
		memcpy(b.id, "other.conf", 11);
		int x = bls_compare(&a, &b), y = bls_compare(&b, &a);
		if ((x < 0 && y <= 0) || (x > 0 && y >= 0) || (x == 0 && y != 0))
			abort();
	}
	if (bls_loader_default(txt, size, pat, sizeof pat, &e) == 0) {
		terminated(pat, sizeof pat);
		bls_matches(&a, pat);
	}
	return 0;
}
