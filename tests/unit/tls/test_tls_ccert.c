/* test_tls_ccert.c: the client-certificate handler signs through the signer interface. */
#include <string.h>

#include "trust/signer.h"
#include "tls/tls_ccert.h"
#include "unit.h"

static struct keyfile kf;
static int fake_calls;

static int failing_sign(void *ctx, const br_hash_class *h, const uint8_t *hash, size_t hash_len,
			uint8_t *sig, size_t cap, size_t *sig_len, struct err *e)
{
	(void)ctx, (void)h, (void)hash, (void)hash_len, (void)sig, (void)cap, (void)sig_len;
	fake_calls++;
	return err_set(e, "TPM says no");
}

static void make_key(void)
{
	br_hmac_drbg_context rng;
	const br_ec_impl *ec = br_ec_get_default();

	br_hmac_drbg_init(&rng, &br_sha256_vtable, "unit-test-seed", 14);
	memset(&kf, 0, sizeof kf);
	CHECK(br_ec_keygen(&rng.vtable, ec, &kf.ec, kf.buf, BR_EC_secp256r1) > 0);
	kf.type = BR_KEYTYPE_EC;
}

TEST(tls_ccert_signs_with_signer)
{
	static br_ssl_client_context cc;
	static br_x509_minimal_context xc;
	static const unsigned char fake_cert[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	br_x509_certificate chain[1] = { { (unsigned char *)fake_cert, sizeof fake_cert } };
	struct signer s;
	struct tls_client_id id;
	struct tls_ccert c;
	br_ssl_client_certificate ch;
	br_ec_public_key pub;
	unsigned char pubbuf[BR_EC_KBUF_PUB_MAX_SIZE], data[200], hash[32];
	size_t n;

	make_key();
	signer_from_keyfile(&s, &kf, "test key");
	CHECK_EQ_INT(s.key_type, BR_KEYTYPE_EC);
	id.chain = chain;
	id.chain_len = 1;
	id.signer = &s;
	br_ssl_client_init_full(&cc, &xc, NULL, 0);
	tls_ccert_init(&c, &id, &cc.eng);

	/* ECDSA with SHA-256 and SHA-384 offered: SHA-256 chosen */
	c.vtable->choose(&c.vtable, &cc, (1u << (8 + br_sha256_ID)) | (1u << (8 + br_sha384_ID)) |
			 (1u << br_sha256_ID), &ch);
	CHECK_EQ_INT(ch.auth_type, BR_AUTH_ECDSA);
	CHECK_EQ_INT(ch.hash_id, br_sha256_ID);
	CHECK(ch.chain == chain);
	CHECK_EQ_INT(ch.chain_len, 1);
	CHECK(c.sent);

	/* only RSA offered: no certificate */
	c.vtable->choose(&c.vtable, &cc, 1u << br_sha256_ID, &ch);
	CHECK(ch.chain == NULL);
	CHECK_EQ_INT(ch.chain_len, 0);

	memset(hash, 0x5a, sizeof hash);
	memcpy(data, hash, sizeof hash);
	n = c.vtable->do_sign(&c.vtable, br_sha256_ID, sizeof hash, data, sizeof data);
	CHECK(n > 0);
	CHECK(br_ec_compute_pub(br_ec_get_default(), &pub, pubbuf, &kf.ec) > 0);
	CHECK(br_ecdsa_vrfy_asn1_get_default()(br_ec_get_default(), hash, sizeof hash, &pub, data, n));
	data[n - 1] ^= 1;
	CHECK(!br_ecdsa_vrfy_asn1_get_default()(br_ec_get_default(), hash, sizeof hash, &pub, data, n));

	/* the signature must fit */
	memcpy(data, hash, sizeof hash);
	CHECK_EQ_INT(c.vtable->do_sign(&c.vtable, br_sha256_ID, sizeof hash, data, 40), 0);
	CHECK(c.sign_failed);
	keyfile_clear(&kf);
}

TEST(tls_ccert_signer_failure_is_reported)
{
	static br_ssl_client_context cc;
	static br_x509_minimal_context xc;
	static const unsigned char fake_cert[] = { 0x30, 0x00 };
	br_x509_certificate chain[1] = { { (unsigned char *)fake_cert, sizeof fake_cert } };
	struct signer s = { BR_KEYTYPE_EC, BR_EC_secp256r1, "TPM key", NULL, failing_sign };
	struct tls_client_id id = { chain, 1, &s };
	struct tls_ccert c;
	unsigned char data[200];

	fake_calls = 0;
	br_ssl_client_init_full(&cc, &xc, NULL, 0);
	tls_ccert_init(&c, &id, &cc.eng);
	memset(data, 1, 32);
	CHECK_EQ_INT(c.vtable->do_sign(&c.vtable, br_sha256_ID, 32, data, sizeof data), 0);
	CHECK_EQ_INT(fake_calls, 1);
	CHECK(c.sign_failed);
	CHECK(strstr(c.err.msg, "TPM says no") != NULL);
	CHECK(strstr(c.err.msg, "TPM key") != NULL);
	/* unknown hash id */
	c.sign_failed = 0;
	CHECK_EQ_INT(c.vtable->do_sign(&c.vtable, 99, 32, data, sizeof data), 0);
	CHECK(c.sign_failed);
}
