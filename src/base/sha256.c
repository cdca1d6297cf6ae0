/* sha256.c: SHA-256 as a BearSSL hash class, SHA-NI when the CPU has it (sha256.h). */
#include "base/sha256.h"

#include <string.h>

#include <nettle/sha2.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

/* The context of sha256_ni_vtable: BearSSL's vtable pointer first. */
struct ni_context {
	const br_hash_class *vtable;
	struct sha256_ctx n;
};

_Static_assert(sizeof(struct ni_context) <= sizeof(br_hash_compat_context),
	       "the SHA-NI context must fit where BearSSL keeps any hash context");

static struct ni_context *ni_ctx(const br_hash_class **ctx)
{
	return (struct ni_context *)(void *)ctx;
}

static void ni_init(const br_hash_class **ctx)
{
	struct ni_context *c = ni_ctx(ctx);
	c->vtable = &sha256_ni_vtable;
	sha256_init(&c->n);
}

static void ni_update(const br_hash_class **ctx, const void *data, size_t len)
{
	sha256_update(&ni_ctx(ctx)->n, len, data);
}

/* BearSSL's out() leaves the context as it was: nettle's digest resets it. */
static void ni_out(const br_hash_class *const *ctx, void *dst)
{
	struct sha256_ctx copy = ((const struct ni_context *)(const void *)ctx)->n;
	sha256_digest(&copy, SHA256_DIGEST_SIZE, dst);
	memset(&copy, 0, sizeof copy);
}

/* The running state as BearSSL's: eight big-endian words; the byte count. */
static uint64_t ni_state(const br_hash_class *const *ctx, void *dst)
{
	const struct sha256_ctx *n = &((const struct ni_context *)(const void *)ctx)->n;
	uint8_t *d = dst;
	for (int i = 0; i < 8; i++) {
		d[4 * i] = (uint8_t)(n->state[i] >> 24);
		d[4 * i + 1] = (uint8_t)(n->state[i] >> 16);
		d[4 * i + 2] = (uint8_t)(n->state[i] >> 8);
		d[4 * i + 3] = (uint8_t)n->state[i];
	}
	return n->count * SHA256_BLOCK_SIZE + n->index;
}

/* `count` is a multiple of the block size (BearSSL's contract for set_state). */
static void ni_set_state(const br_hash_class **ctx, const void *stb, uint64_t count)
{
	struct ni_context *c = ni_ctx(ctx);
	const uint8_t *s = stb;
	c->vtable = &sha256_ni_vtable;
	for (int i = 0; i < 8; i++)
		c->n.state[i] = (uint32_t)s[4 * i] << 24 | (uint32_t)s[4 * i + 1] << 16 |
				(uint32_t)s[4 * i + 2] << 8 | s[4 * i + 3];
	c->n.count = count / SHA256_BLOCK_SIZE;
	c->n.index = 0;
}

const br_hash_class sha256_ni_vtable = {
	sizeof(struct ni_context),
	BR_HASHDESC_ID(br_sha256_ID) | BR_HASHDESC_OUT(32) | BR_HASHDESC_STATE(32) |
		BR_HASHDESC_LBLEN(6) | BR_HASHDESC_MD_PADDING | BR_HASHDESC_MD_PADDING_BE,
	ni_init,
	ni_update,
	ni_out,
	ni_state,
	ni_set_state,
};

static int force_portable;

int sha256_cpu_has_ni(void)
{
	static int have = -1;
	if (have < 0) {
		have = 0;
#if defined(__x86_64__)
		unsigned a, b, c, d;
		if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSSE3) && (c & bit_SSE4_1) &&
		    __get_cpuid_max(0, NULL) >= 7 && __get_cpuid_count(7, 0, &a, &b, &c, &d) &&
		    (b & bit_SHA))
			have = 1;
#endif
	}
	return have;
}

const br_hash_class *sha256_class(void)
{
	if (!force_portable && sha256_cpu_has_ni())
		return &sha256_ni_vtable;
	return &br_sha256_vtable;
}

const char *sha256_impl_name(void)
{
	return sha256_class() == &sha256_ni_vtable ? "sha-ni (nettle)" : "portable (BearSSL)";
}

void sha256_force_portable(int on)
{
	force_portable = on != 0;
}

void sha256_buf(const void *data, size_t len, uint8_t out[32])
{
	br_hash_compat_context c;
	const br_hash_class *h = sha256_class();
	h->init(&c.vtable);
	h->update(&c.vtable, data, len);
	h->out(&c.vtable, out);
}
