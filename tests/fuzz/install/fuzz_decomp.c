/* fuzz_decomp.c: format sniffing and the gzip/xz/zstd stream decoders, fed in
 * uneven pieces; output is bounded to 16 MiB per input. */
#include "install/decomp.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t produced;

static int out(void *ctx, const uint8_t *p, size_t n, struct err *e)
{
	(void)ctx;
	if (n && (p[0] | p[n - 1]) == 0x100)
		__builtin_trap(); /* touch the bytes */
	produced += n;
	if (produced > 16u * 1024 * 1024)
		return err_set(e, "enough");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct decomp d;
	struct err e;
	const char *what;
	enum decomp_kind k = decomp_sniff(data, size, &what);
	decomp_declared_size(k, data, size);
	if (k == DECOMP_REFUSED || k == DECOMP_RAW)
		return 0;
	if (decomp_init(&d, k, &e) < 0)
		return 0;
	produced = 0;
	size_t off = 0, step = 1;
	int r = 0;
	while (off < size && r == 0) {
		size_t n = size - off < step ? size - off : step;
		r = decomp_push(&d, data + off, n, out, NULL, &e);
		off += n;
		step = step * 3 + 1;
	}
	if (r == 0)
		decomp_finish(&d, out, NULL, &e);
	if (d.out != produced && r == 0)
		__builtin_trap();
	decomp_free(&d);
	return 0;
}
