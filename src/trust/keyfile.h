/*
 * keyfile.h: a private key loaded from a PEM file (RSA or EC), usable as a
 * CMS recipient (cms_recipient) and for signing (for the TLS client).
 *
 * Accepted PEM blocks: "EC PRIVATE KEY" (SEC 1), "RSA PRIVATE KEY"
 * (PKCS#1) and "PRIVATE KEY" (unencrypted PKCS#8), decoded with BearSSL's
 * br_skey_decoder. The key material is copied into the struct (no
 * allocation); keyfile_clear() wipes it.
 */
#ifndef SZTP_KEYFILE_H
#define SZTP_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "trust/cms.h"
#include "base/err.h"

#define KEYFILE_MAX_PEM  16384  /* largest PEM file accepted */
#define KEYFILE_KEY_MAX  2400   /* key material (RSA-4096 CRT parts fit) */

struct keyfile {
	int type;                   /* BR_KEYTYPE_RSA or BR_KEYTYPE_EC */
	br_rsa_private_key rsa;     /* when RSA; points into buf */
	br_ec_private_key ec;       /* when EC; points into buf */
	unsigned char buf[KEYFILE_KEY_MAX];
};

/* Load the first private key found in PEM text pem[0..len). */
int keyfile_load_pem(struct keyfile *k, const uint8_t *pem, size_t len,
	struct err *e);

/* Read `path` (at most KEYFILE_MAX_PEM bytes) and keyfile_load_pem() it. */
int keyfile_load(struct keyfile *k, const char *path, struct err *e);

/* Wipe the key material. */
void keyfile_clear(struct keyfile *k);

/* Sign a precomputed hash: ECDSA (DER signature) for EC keys, RSA PKCS#1
 * v1.5 with h's DigestInfo for RSA keys. *sig_len receives the length. */
int keyfile_sign(const struct keyfile *k, const br_hash_class *h,
	const uint8_t *hash, size_t hash_len, uint8_t *sig, size_t cap,
	size_t *sig_len, struct err *e);

/* Fill r so that cms_decrypt() uses this key; `cert` is the matching
 * certificate (DER). k must outlive r. */
void keyfile_recipient(struct keyfile *k, const uint8_t *cert, size_t cert_len,
	struct cms_recipient *r);

/* The cms_recipient operations on a struct keyfile (ctx), exposed so that
 * other back ends may wrap them. */
int keyfile_rsa_decrypt(void *ctx, const br_hash_class *oaep_hash,
	const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len,
	struct err *e);
int keyfile_ecdh(void *ctx, int curve, const uint8_t *peer_point, size_t peer_len,
	uint8_t *z, size_t *z_len, struct err *e);

#endif
