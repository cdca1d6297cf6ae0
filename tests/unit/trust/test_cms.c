/*
 * test_cms.c: CMS ContentInfo / SignedData / EnvelopedData and keyfile.
 *
 * Needs SZTP_FIXTURES=DIR, written by tests/verify/gen-crypto-fixtures.sh DIR
 * (see tests/unit/crypto_fixtures.h); the tests that need it FAIL without it.
 * Interop vectors are read from SZTP_VECTORS (default ../shared/vectors).
 */
#include "unit.h"

#include <stdint.h>

#include "trust/cms.h"
#include "crypto_fixtures.h"
#include "trust/keyfile.h"
#include "trust/x509.h"

static uint8_t msg[65536], cert[8192], cert2[8192], content[4096], out[65536];
static size_t msg_len, cert_len, cert2_len, content_len;
static struct cms_signed_data sd;

static void load(const char *cms, const char *der)
{
	msg_len = fx_read(cms, msg, sizeof msg);
	if (der)
		cert_len = fx_read(der, cert, sizeof cert);
	content_len = fx_read("content.json", content, sizeof content);
}

/* Parse msg as signed data and verify its only signer against cert. */
static int verify_msg(struct err *e)
{
	if (cms_parse_signed(msg, msg_len, &sd, e) < 0)
		return -1;
	if (sd.n_signers != 1)
		return err_set(e, "test: %zu signers", sd.n_signers);
	return cms_verify_signer(&sd, &sd.signers[0], cert, cert_len, e);
}

static void check_signed(const char *cms, const char *der, int want_ski)
{
	struct err e = { "" };
	load(cms, der);
	if (verify_msg(&e) < 0)
		unit_fail(__FILE__, __LINE__, "%s: %s", cms, e.msg);
	CHECK(sd.has_econtent);
	CHECK_EQ_INT(sd.econtent_len, content_len);
	CHECK_EQ_MEM(sd.econtent, content, content_len);
	CHECK_EQ_INT(sd.signers[0].sid_is_ski, want_ski);
	CHECK(cms_signer_matches(&sd.signers[0], cert, cert_len));
}

TEST(cms_signed_ec_p256) { check_signed("signed-ec.cms", "ec.der", 0); CHECK_EQ_INT(sd.etype, CMS_TYPE_DATA); }
TEST(cms_signed_ec_noattr) { check_signed("signed-ec-noattr.cms", "ec.der", 0); CHECK(!sd.signers[0].signed_attrs); }
TEST(cms_signed_ec_keyid) { check_signed("signed-ec-keyid.cms", "ec.der", 1); }
TEST(cms_signed_ec384_sha384) { check_signed("signed-ec384-sha384.cms", "ec384.der", 0); }
TEST(cms_signed_rsa) { check_signed("signed-rsa.cms", "rsa.der", 0); }
TEST(cms_signed_rsa_noattr) { check_signed("signed-rsa-noattr.cms", "rsa.der", 0); }
TEST(cms_signed_rsa_sha512) { check_signed("signed-rsa-sha512.cms", "rsa.der", 0); }
TEST(cms_signed_conveyed_type)
{
	check_signed("signed-conveyed.cms", "ec.der", 0);
	CHECK_EQ_INT(sd.etype, CMS_TYPE_CONVEYED_JSON);
}

TEST(cms_signer_wrong_certificate)
{
	struct err e;
	load("signed-ec.cms", "rsa.der");
	CHECK_EQ_INT(verify_msg(&e), -1);
	CHECK_EQ_STR(e.msg, "cms: SignerInfo sid (issuer and serial number) does not match the certificate");
	load("signed-ec-keyid.cms", "ec384.der");
	CHECK_EQ_INT(verify_msg(&e), -1);
	CHECK(strstr(e.msg, "sid (subjectKeyIdentifier) does not match"));
}

TEST(cms_tampered_content_with_attrs)
{
	struct err e;
	load("signed-ec.cms", "ec.der");
	CHECK_EQ_INT(cms_parse_signed(msg, msg_len, &sd, &e), 0);
	msg[sd.econtent - msg + 5] ^= 0x01;
	CHECK_EQ_INT(verify_msg(&e), -1);
	CHECK_EQ_STR(e.msg, "cms: messageDigest does not match the content (content modified?)");
}

TEST(cms_tampered_content_without_attrs)
{
	struct err e;
	load("signed-rsa-noattr.cms", "rsa.der");
	CHECK_EQ_INT(cms_parse_signed(msg, msg_len, &sd, &e), 0);
	msg[sd.econtent - msg + 5] ^= 0x01;
	CHECK_EQ_INT(verify_msg(&e), -1);
	CHECK_EQ_STR(e.msg, "cms: SignerInfo: RSA signature does not verify");
	load("signed-ec-noattr.cms", "ec.der");
	CHECK_EQ_INT(cms_parse_signed(msg, msg_len, &sd, &e), 0);
	msg[sd.econtent - msg] ^= 0x80;
	CHECK_EQ_INT(verify_msg(&e), -1);
	CHECK_EQ_STR(e.msg, "cms: SignerInfo: ECDSA signature does not verify");
}

TEST(cms_tampered_signature)
{
	struct err e;
	load("signed-rsa.cms", "rsa.der");
	CHECK_EQ_INT(cms_parse_signed(msg, msg_len, &sd, &e), 0);
	msg[sd.signers[0].sig - msg + 17] ^= 0x04;
	CHECK_EQ_INT(verify_msg(&e), -1);
	CHECK_EQ_STR(e.msg, "cms: SignerInfo: RSA signature does not verify");
	load("signed-ec.cms", "ec.der");
	CHECK_EQ_INT(cms_parse_signed(msg, msg_len, &sd, &e), 0);
	msg[sd.signers[0].sig - msg + sd.signers[0].sig_len - 1] ^= 0x01;
	CHECK_EQ_INT(verify_msg(&e), -1);
	CHECK_EQ_STR(e.msg, "cms: SignerInfo: ECDSA signature does not verify");
}

TEST(cms_tampered_signed_attrs)
{
	struct err e;
	load("signed-ec.cms", "ec.der");
	CHECK_EQ_INT(cms_parse_signed(msg, msg_len, &sd, &e), 0);
	/* the last byte of signedAttrs is inside the messageDigest or signingTime
	 * value; flipping a bit there must break something */
	const struct cms_signer *si = &sd.signers[0];
	msg[si->signed_attrs - msg + si->signed_attrs_len - 1] ^= 0x01;
	CHECK_EQ_INT(verify_msg(&e), -1);
	CHECK(strstr(e.msg, "does not verify") || strstr(e.msg, "messageDigest does not match"));
}

/* eContentType rewritten after signing: the signature and the messageDigest
 * still hold, only the signed contentType attribute tells. */
TEST(cms_content_type_attribute_must_match)
{
	static const uint8_t id_data[] = { 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D,
		0x01, 0x07, 0x01 };
	struct err e;
	size_t i;
	load("signed-ec.cms", "ec.der");
	/* the first id-data OID is the eContentType (the attribute comes later):
	 * make it id-encryptedData (1.2.840.113549.1.7.6), same length */
	for (i = 0; i + sizeof id_data <= msg_len; i++)
		if (memcmp(msg + i, id_data, sizeof id_data) == 0)
			break;
	CHECK(i + sizeof id_data <= msg_len);
	msg[i + sizeof id_data - 1] = 0x06;
	CHECK_EQ_INT(verify_msg(&e), -1);
	CHECK_EQ_STR(e.msg, "cms: contentType attribute does not match eContentType");
}

TEST(cms_degenerate_bundle)
{
	struct err e;
	const char *names[] = { "ec.der", "inter.der", "root.der" };
	load("degenerate.cms", NULL);
	CHECK_EQ_INT(cms_parse_signed(msg, msg_len, &sd, &e), 0);
	CHECK_EQ_INT(sd.n_signers, 0);
	CHECK_EQ_INT(sd.n_certs, 3);
	CHECK(!sd.has_econtent);
	for (int i = 0; i < 3; i++) {
		cert_len = fx_read(names[i], cert, sizeof cert);
		CHECK_EQ_INT(sd.certs[i].raw_len, cert_len);
		CHECK_EQ_MEM(sd.certs[i].raw, cert, cert_len);
	}
}

TEST(cms_rejects_trailing_and_truncation)
{
	struct err e;
	load("signed-ec.cms", NULL);
	msg[msg_len] = 0;
	CHECK_EQ_INT(cms_parse_signed(msg, msg_len + 1, &sd, &e), -1);
	CHECK(strstr(e.msg, "trailing data"));
	CHECK_EQ_INT(cms_parse_signed(msg, msg_len - 1, &sd, &e), -1);
	CHECK(strstr(e.msg, "runs past end"));
	/* wrong outer type */
	CHECK_EQ_INT(cms_decrypt(msg, msg_len, NULL, out, sizeof out, &content_len, NULL, &e), -1);
	CHECK(strstr(e.msg, "expected EnvelopedData"));
}

/* ---------------------------------------------------------------- vectors */

TEST(cms_vectors_cert_bundles)
{
	static const struct { const char *name; size_t n; } tab[] = {
		{ "cert-bundles/act2_sudi_chain.cms", 2 },
		{ "cert-bundles/cert_chain.cms", 2 },
		{ "cert-bundles/cisco_sudi_ta_chain.cms", 4 },
		{ "cert-bundles/ha_sudi_chain.cms", 2 },
		{ "cert-bundles/owner_cert_chain.cms", 2 },
		{ "cert-bundles/ta_cert_chain.cms", 1 },
		{ "sztpd-unsigned/redirect-trust-anchor.cms", 2 },
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
		struct err e = { "" };
		msg_len = fx_read_vector(tab[i].name, msg, sizeof msg);
		if (cms_parse_signed(msg, msg_len, &sd, &e) < 0)
			unit_fail(__FILE__, __LINE__, "%s: %s", tab[i].name, e.msg);
		CHECK_EQ_INT(sd.n_signers, 0);
		CHECK_EQ_INT(sd.n_certs, tab[i].n);
		CHECK_EQ_INT(sd.etype, CMS_TYPE_DATA);
		for (size_t k = 0; k < sd.n_certs; k++) {
			struct x509_cert c;
			struct x509_pkey pk;
			if (x509_parse(sd.certs[k].raw, sd.certs[k].raw_len, &c, &e) < 0 ||
					x509_get_pkey(c.der, c.der_len, &pk, &e) < 0)
				unit_fail(__FILE__, __LINE__, "%s cert %zu: %s", tab[i].name, k, e.msg);
			/* certificates are consecutive in the SET */
			if (k)
				CHECK(sd.certs[k].raw == sd.certs[k - 1].raw + sd.certs[k - 1].raw_len);
		}
	}
}

TEST(cms_vectors_unsigned_conveyed)
{
	static const char *const n[] = { "L253", "L260", "L453", "L460", "L481", "L488" };
	for (size_t i = 0; i < 6; i++) {
		char p[128];
		struct cms_content_info ci;
		struct err e = { "" };
		const uint8_t *data;
		size_t len;
		snprintf(p, sizeof p, "sztpd-unsigned/conveyed-%s.cms", n[i]);
		msg_len = fx_read_vector(p, msg, sizeof msg);
		snprintf(p, sizeof p, "sztpd-unsigned/conveyed-%s.json", n[i]);
		content_len = fx_read_vector(p, content, sizeof content);
		if (cms_parse_content_info(msg, msg_len, &ci, &e) < 0 ||
				cms_unwrap_data(&ci, &data, &len, &e) < 0)
			unit_fail(__FILE__, __LINE__, "%s: %s", n[i], e.msg);
		CHECK_EQ_INT(ci.type, CMS_TYPE_CONVEYED_JSON);
		CHECK_EQ_INT(len, content_len);
		CHECK_EQ_MEM(data, content, len);
	}
}

TEST(cms_vectors_corrupted_voucher_rejected)
{
	struct cms_content_info ci;
	struct err e = { "" };
	msg_len = fx_read_vector("must-reject/corrupted-voucher.vcj", msg, sizeof msg);
	CHECK(msg_len > 0);
	CHECK_EQ_INT(cms_parse_content_info(msg, msg_len, &ci, &e), -1);
	CHECK(strncmp(e.msg, "cms: ContentInfo: der: ", 23) == 0);
	CHECK_EQ_INT(cms_parse_signed(msg, msg_len, &sd, &e), -1);
}

/* ---------------------------------------------------------------- decryption */

static struct keyfile kf;

static int decrypt(const char *cms, const char *der, const char *key, size_t *n,
	enum cms_type *t, struct err *e)
{
	struct cms_recipient r;
	uint8_t pem[8192];
	size_t pem_len;

	load(cms, der);
	pem_len = fx_read(key, pem, sizeof pem);
	if (keyfile_load_pem(&kf, pem, pem_len, e) < 0)
		return -1;
	keyfile_recipient(&kf, cert, cert_len, &r);
	return cms_decrypt(msg, msg_len, &r, out, sizeof out, n, t, e);
}

static void check_decrypt(const char *cms, const char *der, const char *key)
{
	struct err e = { "" };
	enum cms_type t = CMS_TYPE_OTHER;
	size_t n = 0;
	if (decrypt(cms, der, key, &n, &t, &e) < 0)
		unit_fail(__FILE__, __LINE__, "%s: %s", cms, e.msg);
	CHECK_EQ_INT(t, CMS_TYPE_DATA);
	CHECK_EQ_INT(n, content_len);
	CHECK_EQ_MEM(out, content, n);
	keyfile_clear(&kf);
}

TEST(cms_decrypt_rsa_pkcs1_aes256cbc) { check_decrypt("enc-rsa-cbc.cms", "rsa.der", "rsa.key"); }
TEST(cms_decrypt_rsa_oaep_sha1) { check_decrypt("enc-rsa-oaep.cms", "rsa.der", "rsa.key"); }
TEST(cms_decrypt_rsa_oaep_sha256) { check_decrypt("enc-rsa-oaep256.cms", "rsa.der", "rsa.key"); }
TEST(cms_decrypt_rsa_keyid) { check_decrypt("enc-rsa-keyid.cms", "rsa.der", "rsa.key"); }
TEST(cms_decrypt_rsa_gcm) { check_decrypt("enc-rsa-gcm.cms", "rsa.der", "rsa.key"); }
TEST(cms_decrypt_ecdh_sha1kdf_aes128cbc) { check_decrypt("enc-ec-cbc.cms", "ec.der", "ec.key"); }
TEST(cms_decrypt_ecdh_keyid) { check_decrypt("enc-ec-keyid.cms", "ec.der", "ec.key"); }
TEST(cms_decrypt_ecdh_sha256kdf) { check_decrypt("enc-ec-sha256kdf.cms", "ec.der", "ec.key"); }
TEST(cms_decrypt_ecdh_p384) { check_decrypt("enc-ec384.cms", "ec384.der", "ec384.key"); }
TEST(cms_decrypt_ecdh_p384_sha384kdf_aes192) { check_decrypt("enc-ec384-sha384kdf.cms", "ec384.der", "ec384.key"); }
TEST(cms_decrypt_ecdh_gcm) { check_decrypt("enc-ec-gcm.cms", "ec.der", "ec.key"); }

TEST(cms_decrypt_then_verify)
{
	struct err e = { "" };
	enum cms_type t;
	size_t n;
	if (decrypt("enc-signed-ec.cms", "ec.der", "ec.key", &n, &t, &e) < 0)
		unit_fail(__FILE__, __LINE__, "%s", e.msg);
	keyfile_clear(&kf);
	CHECK_EQ_INT(cms_parse_signed(out, n, &sd, &e), 0);
	CHECK_EQ_INT(sd.n_signers, 1);
	CHECK_EQ_INT(cms_verify_signer(&sd, &sd.signers[0], cert, cert_len, &e), 0);
	CHECK_EQ_MEM(sd.econtent, content, content_len);
}

TEST(cms_decrypt_not_for_us)
{
	struct err e;
	size_t n;
	CHECK_EQ_INT(decrypt("enc-other.cms", "ec.der", "ec.key", &n, NULL, &e), -1);
	CHECK(strstr(e.msg, "no RecipientInfo for this device's certificate"));
	/* right certificate, wrong key type */
	CHECK_EQ_INT(decrypt("enc-ec-cbc.cms", "ec.der", "rsa.key", &n, NULL, &e), -1);
	CHECK(strstr(e.msg, "needs an EC key"));
	keyfile_clear(&kf);
}

static size_t enc_offset(struct cms_enveloped *env, int auth)
{
	struct cms_content_info ci;
	CHECK_EQ_INT(cms_parse_content_info(msg, msg_len, &ci, NULL), 0);
	CHECK_EQ_INT(cms_parse_enveloped(ci.content.raw, ci.content.raw_len, auth, env, NULL), 0);
	return (size_t)(env->enc_content - msg);
}

TEST(cms_decrypt_tampered_cbc_padding)
{
	struct cms_enveloped env;
	struct err e;
	size_t n, off;
	load("enc-ec-cbc.cms", NULL);
	off = enc_offset(&env, 0);
	CHECK(env.enc_content_len >= 32);
	CHECK_EQ_INT(env.n_recips, 1);
	CHECK_EQ_INT(env.recips[0].kind, CMS_RI_KARI);
	/* flip a bit in the previous block: changes the last plaintext byte */
	uint8_t *p = msg + off + env.enc_content_len - 17;
	size_t saved_len = msg_len;
	uint8_t saved[65536];
	memcpy(saved, msg, msg_len);
	*p ^= 0x10;
	struct cms_recipient r;
	uint8_t pem[4096];
	size_t pem_len = fx_read("ec.key", pem, sizeof pem);
	cert_len = fx_read("ec.der", cert, sizeof cert);
	CHECK_EQ_INT(keyfile_load_pem(&kf, pem, pem_len, &e), 0);
	keyfile_recipient(&kf, cert, cert_len, &r);
	CHECK_EQ_INT(cms_decrypt(saved, saved_len, &r, out, sizeof out, &n, NULL, &e), 0);
	CHECK_EQ_INT(cms_decrypt(msg, msg_len, &r, out, sizeof out, &n, NULL, &e), -1);
	CHECK(strstr(e.msg, "bad padding"));
	CHECK_EQ_INT(n, 0);
	/* a bad wrapped key */
	memcpy(msg, saved, saved_len);
	msg[env.recips[0].enc_key - msg + 3] ^= 0x01;
	CHECK_EQ_INT(cms_decrypt(msg, msg_len, &r, out, sizeof out, &n, NULL, &e), -1);
	CHECK(strstr(e.msg, "key unwrap failed"));
	/* output buffer too small */
	CHECK_EQ_INT(cms_decrypt(saved, saved_len, &r, out, 16, &n, NULL, &e), -1);
	CHECK(strstr(e.msg, "exceeds the 16-byte buffer"));
	keyfile_clear(&kf);
}

TEST(cms_decrypt_tampered_gcm)
{
	struct cms_enveloped env;
	struct err e;
	size_t n, off;
	CHECK_EQ_INT(decrypt("enc-ec-gcm.cms", "ec.der", "ec.key", &n, NULL, &e), 0);
	off = enc_offset(&env, 1);
	CHECK_EQ_INT(env.mac_len, 16);
	msg[off + 7] ^= 0x01;
	struct cms_recipient r;
	keyfile_recipient(&kf, cert, cert_len, &r);
	CHECK_EQ_INT(cms_decrypt(msg, msg_len, &r, out, sizeof out, &n, NULL, &e), -1);
	CHECK(strstr(e.msg, "AES-GCM tag mismatch"));
	keyfile_clear(&kf);
}

TEST(cms_decrypt_tampered_rsa_key)
{
	struct cms_enveloped env;
	struct err e;
	size_t n;
	CHECK_EQ_INT(decrypt("enc-rsa-cbc.cms", "rsa.der", "rsa.key", &n, NULL, &e), 0);
	(void)enc_offset(&env, 0);
	CHECK_EQ_INT(env.recips[0].kind, CMS_RI_KTRI);
	msg[env.recips[0].enc_key - msg + 100] ^= 0x01;
	struct cms_recipient r;
	keyfile_recipient(&kf, cert, cert_len, &r);
	CHECK_EQ_INT(cms_decrypt(msg, msg_len, &r, out, sizeof out, &n, NULL, &e), -1);
	CHECK(strstr(e.msg, "decryption failed") || strstr(e.msg, "content-encryption key is"));
	keyfile_clear(&kf);
}

TEST(cms_aes_unwrap_rfc3394)
{
	static const uint8_t kek[16] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
		0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F };
	static const uint8_t wrapped[24] = { 0x1F, 0xA6, 0x8B, 0x0A, 0x81, 0x12, 0xB4, 0x47,
		0xAE, 0xF3, 0x4B, 0xD8, 0xFB, 0x5A, 0x7B, 0x82, 0x9D, 0x3E, 0x86, 0x23, 0x71,
		0xD2, 0xCF, 0xE5 };
	static const uint8_t key[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF };
	uint8_t o[16], bad[24];
	struct err e;
	CHECK_EQ_INT(cms_aes_unwrap(kek, 16, wrapped, 24, o, &e), 0);
	CHECK_EQ_MEM(o, key, 16);
	memcpy(bad, wrapped, 24);
	bad[23] ^= 1;
	CHECK_EQ_INT(cms_aes_unwrap(kek, 16, bad, 24, o, &e), -1);
	CHECK(strstr(e.msg, "integrity check"));
	CHECK_EQ_INT(cms_aes_unwrap(kek, 16, wrapped, 20, o, &e), -1);
	CHECK_EQ_INT(cms_aes_unwrap(kek, 15, wrapped, 24, o, &e), -1);
}

/* ---------------------------------------------------------------- keyfile */

static void check_sign(const char *key, const char *der, const br_hash_class *h)
{
	uint8_t pem[8192], hash[64], sig[600];
	size_t pem_len, sig_len, hl = (h->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
	struct x509_pkey pk;
	struct err e = { "" };

	pem_len = fx_read(key, pem, sizeof pem);
	cert2_len = fx_read(der, cert2, sizeof cert2);
	CHECK_EQ_INT(keyfile_load_pem(&kf, pem, pem_len, &e), 0);
	memset(hash, 0x5A, sizeof hash);
	CHECK_EQ_INT(keyfile_sign(&kf, h, hash, hl, sig, sizeof sig, &sig_len, &e), 0);
	CHECK_EQ_INT(x509_get_pkey(cert2, cert2_len, &pk, &e), 0);
	CHECK_EQ_INT(x509_verify_hash(&pk.key, h, hash, hl, sig, sig_len, &e), 0);
	hash[0] ^= 1;
	CHECK_EQ_INT(x509_verify_hash(&pk.key, h, hash, hl, sig, sig_len, &e), -1);
	keyfile_clear(&kf);
	CHECK_EQ_INT(kf.type, 0);
}

TEST(keyfile_sec1_ec_sign) { check_sign("ec.key", "ec.der", &br_sha256_vtable); }
TEST(keyfile_pkcs8_ec_sign) { check_sign("ec384.key", "ec384.der", &br_sha384_vtable); }
TEST(keyfile_pkcs1_rsa_sign) { check_sign("rsa.key", "rsa.der", &br_sha256_vtable); }

TEST(keyfile_rejects_non_keys)
{
	struct err e;
	uint8_t pem[8192];
	size_t n = fx_read("ec.pem", pem, sizeof pem);
	CHECK_EQ_INT(keyfile_load_pem(&kf, pem, n, &e), -1);
	CHECK(strstr(e.msg, "no \"PRIVATE KEY\""));
	CHECK_EQ_INT(keyfile_load_pem(&kf, (const uint8_t *)"hello", 5, &e), -1);
	static const char broken[] = "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n";
	CHECK_EQ_INT(keyfile_load_pem(&kf, (const uint8_t *)broken, sizeof broken - 1, &e), -1);
	CHECK(strstr(e.msg, "cannot decode private key"));
	CHECK_EQ_INT(keyfile_load(&kf, "/nonexistent/key.pem", &e), -1);
	CHECK(strstr(e.msg, "cannot open /nonexistent/key.pem"));
}
