/*
 * test_sha256.c: the SHA-256 hash class (base/sha256.h): FIPS 180-4 example
 * vectors on both implementations, the SHA-NI code against BearSSL's on
 * random data of random lengths and random splits, states moved between
 * them, BearSSL's HMAC and multi-hash driven by the class, and the fallback
 * through the test hook. On a CPU without the SHA extensions the SHA-NI
 * half is skipped (said on stderr) and the fallback must be what is chosen.
 */
#include "unit.h"

#include <stdint.h>
#include <stdlib.h>

#include "base/sha256.h"

/* FIPS 180-4 (NIST CSRC "Examples with intermediate values", SHA-256). */
static const struct {
	const char *msg;
	const char *digest;
} fips[] = {
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
};
/* One million repetitions of 'a'. */
static const char million_a[] =
	"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

static void unhex(const char *h, uint8_t out[32])
{
	for (int i = 0; i < 32; i++) {
		unsigned v;
		CHECK(sscanf(h + 2 * i, "%2x", &v) == 1);
		out[i] = (uint8_t)v;
	}
}

/* Hash data[0..len) with class h, in pieces of at most `step` bytes. */
static void hash_steps(const br_hash_class *h, const uint8_t *data, size_t len, size_t step,
		       uint8_t out[32])
{
	br_hash_compat_context c;
	h->init(&c.vtable);
	for (size_t i = 0; i < len; i += step)
		h->update(&c.vtable, data + i, len - i < step ? len - i : step);
	h->out(&c.vtable, out);
}

static int have_ni(const char *test)
{
	if (sha256_cpu_has_ni())
		return 1;
	fprintf(stderr, "  %s: no SHA extensions on this CPU: SHA-NI half skipped\n", test);
	return 0;
}

static void check_fips(const br_hash_class *h)
{
	uint8_t want[32], got[32];
	for (size_t i = 0; i < sizeof fips / sizeof fips[0]; i++) {
		const uint8_t *m = (const uint8_t *)fips[i].msg;
		size_t n = strlen(fips[i].msg);
		unhex(fips[i].digest, want);
		for (size_t step = 1; step <= 64; step += 21) {
			hash_steps(h, m, n, step, got);
			CHECK_EQ_MEM(got, want, 32);
		}
	}
	uint8_t *a = malloc(1000000);
	CHECK(a != NULL);
	memset(a, 'a', 1000000);
	unhex(million_a, want);
	static const size_t steps[] = { 1000000, 65536, 4097, 64, 63 };
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		hash_steps(h, a, 1000000, steps[i], got);
		if (memcmp(got, want, 32) != 0) {
			free(a);
			unit_fail(__FILE__, __LINE__, "1,000,000 'a' in steps of %zu", steps[i]);
		}
	}
	free(a);
}

TEST(sha256_portable_fips_vectors) { check_fips(&br_sha256_vtable); }

TEST(sha256_ni_fips_vectors)
{
	if (have_ni("sha256_ni_fips_vectors"))
		check_fips(&sha256_ni_vtable);
}

/* A small reproducible generator (xorshift64*). */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

TEST(sha256_ni_matches_portable_on_random_data)
{
	if (!have_ni("sha256_ni_matches_portable_on_random_data"))
		return;
	enum { MAX = 300000 };
	uint8_t *buf = malloc(MAX);
	CHECK(buf != NULL);
	for (size_t i = 0; i < MAX; i++)
		buf[i] = (uint8_t)rnd();
	for (int round = 0; round < 400; round++) {
		/* mostly short (block edges), some long */
		size_t len = round % 8 == 7 ? (size_t)(rnd() % MAX) : (size_t)(rnd() % 1200);
		size_t off = (size_t)(rnd() % (MAX - len + 1)); /* unaligned starts */
		br_hash_compat_context a, b;
		uint8_t da[32], db[32];
		sha256_ni_vtable.init(&a.vtable);
		br_sha256_vtable.init(&b.vtable);
		/* the same data in different random pieces for each */
		for (size_t i = 0, j = 0; i < len || j < len;) {
			if (i < len) {
				size_t k = (size_t)(rnd() % 700) + 1;
				k = k > len - i ? len - i : k;
				sha256_ni_vtable.update(&a.vtable, buf + off + i, k);
				i += k;
			}
			if (j < len) {
				size_t k = (size_t)(rnd() % 3000) + 1;
				k = k > len - j ? len - j : k;
				br_sha256_vtable.update(&b.vtable, buf + off + j, k);
				j += k;
			}
		}
		sha256_ni_vtable.out(&a.vtable, da);
		br_sha256_vtable.out(&b.vtable, db);
		if (memcmp(da, db, 32) != 0) {
			free(buf);
			unit_fail(__FILE__, __LINE__, "round %d: %zu bytes at offset %zu differ", round,
				  len, off);
		}
	}
	free(buf);
}

/* out() must not change the context: hashing can go on after it. */
TEST(sha256_out_leaves_context)
{
	const br_hash_class *h = sha256_class();
	br_hash_compat_context c;
	uint8_t d1[32], d2[32], want[32];
	h->init(&c.vtable);
	h->update(&c.vtable, "ab", 2);
	h->out(&c.vtable, d1);
	h->out(&c.vtable, d2);
	CHECK_EQ_MEM(d1, d2, 32);
	h->update(&c.vtable, "c", 1);
	h->out(&c.vtable, d1);
	unhex(fips[0].digest, want);
	CHECK_EQ_MEM(d1, want, 32);
}

/* A state saved by one class continues in the other (BearSSL's multi-hash
 * and HMAC keep states this way). */
TEST(sha256_states_move_between_classes)
{
	if (!have_ni("sha256_states_move_between_classes"))
		return;
	const br_hash_class *cls[2] = { &sha256_ni_vtable, &br_sha256_vtable };
	uint8_t data[1000], want[32], got[32], st[32];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 131 + 7);
	hash_steps(&br_sha256_vtable, data, sizeof data, sizeof data, want);
	for (int from = 0; from < 2; from++) {
		br_hash_compat_context a, b;
		cls[from]->init(&a.vtable);
		cls[from]->update(&a.vtable, data, 640);
		uint64_t n = cls[from]->state(&a.vtable, st);
		CHECK_EQ_INT(n, 640);
		cls[1 - from]->set_state(&b.vtable, st, n);
		cls[1 - from]->update(&b.vtable, data + 640, sizeof data - 640);
		cls[1 - from]->out(&b.vtable, got);
		CHECK_EQ_MEM(got, want, 32);
		/* the byte count includes a partial block */
		cls[from]->update(&a.vtable, data + 640, 10);
		CHECK_EQ_INT(cls[from]->state(&a.vtable, st), 650);
	}
}

/* HMAC-SHA-256, RFC 4231 test case 2, through BearSSL's br_hmac. */
TEST(sha256_class_drives_bearssl_hmac)
{
	static const char want_hex[] =
		"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
	uint8_t want[32], got[32];
	br_hmac_key_context kc;
	br_hmac_context hc;
	unhex(want_hex, want);
	br_hmac_key_init(&kc, sha256_class(), "Jefe", 4);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, "what do ya want for nothing?", 28);
	CHECK_EQ_INT(br_hmac_out(&hc, got), 32);
	CHECK_EQ_MEM(got, want, 32);
}

/* The TLS handshake hash: BearSSL's multi-hash with our class for SHA-256. */
TEST(sha256_class_drives_bearssl_multihash)
{
	br_multihash_context mc;
	uint8_t data[777], want[32], got[32];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i ^ 0x5a);
	hash_steps(&br_sha256_vtable, data, sizeof data, sizeof data, want);
	br_multihash_zero(&mc);
	br_multihash_setimpl(&mc, br_sha256_ID, sha256_class());
	br_multihash_init(&mc);
	br_multihash_update(&mc, data, 100);
	br_multihash_update(&mc, data + 100, sizeof data - 100);
	CHECK_EQ_INT(br_multihash_out(&mc, br_sha256_ID, got), 32);
	CHECK_EQ_MEM(got, want, 32);
}

TEST(sha256_fallback_through_the_test_hook)
{
	uint8_t want[32], got[32];
	sha256_force_portable(1);
	CHECK(sha256_class() == &br_sha256_vtable);
	CHECK_EQ_STR(sha256_impl_name(), "portable (BearSSL)");
	sha256_buf("abc", 3, got);
	unhex(fips[0].digest, want);
	CHECK_EQ_MEM(got, want, 32);
	sha256_force_portable(0);
	if (sha256_cpu_has_ni()) {
		CHECK(sha256_class() == &sha256_ni_vtable);
		CHECK_EQ_STR(sha256_impl_name(), "sha-ni (nettle)");
	} else {
		CHECK(sha256_class() == &br_sha256_vtable);
	}
	sha256_buf("abc", 3, got);
	CHECK_EQ_MEM(got, want, 32);
}

/* The class's descriptor matches BearSSL's: code that looks at the hash ID or
 * output length (tpm_alg_of_hash, image.c, CMS) treats both alike. */
TEST(sha256_ni_descriptor_matches_bearssl)
{
	CHECK_EQ_INT(sha256_ni_vtable.desc, br_sha256_vtable.desc);
	CHECK(sha256_ni_vtable.context_size <= sizeof(br_hash_compat_context));
}
