/*
 * signer.h: the device's private-key operation behind an interface.
 *
 * The TLS client certificate (tls_ccert) and anything else that must prove
 * the device's identity sign through a struct signer, never through a key in
 * memory: today the key is a PEM file (signer_keyfile), later it lives in the
 * TPM and only its handle is known to us. A back end fills `key_type` and the
 * `sign` callback; callers never look inside `ctx`.
 */
#ifndef SZTP_SIGNER_H
#define SZTP_SIGNER_H

#include <bearssl.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "trust/keyfile.h"

#define SIGNER_SIG_MAX 1024 /* largest signature any back end produces (RSA-8192) */

struct signer {
	int key_type;        /* BR_KEYTYPE_EC or BR_KEYTYPE_RSA */
	int curve;           /* BR_EC_secp256r1 etc. for EC keys, 0 for RSA */
	const char *what;    /* names the key in messages: "key file /etc/sztp/device/idevid.key" */
	void *ctx;           /* back-end state */
	/*
	 * Sign the precomputed hash hash[0..hash_len) made with `h`: ECDSA with
	 * an ASN.1 DER signature for EC keys, RSA PKCS#1 v1.5 with h's
	 * DigestInfo for RSA keys. Writes at most `cap` bytes to `sig`, sets
	 * *sig_len, returns 0; or -1 with `e` set.
	 */
	int (*sign)(void *ctx, const br_hash_class *h, const uint8_t *hash, size_t hash_len,
		    uint8_t *sig, size_t cap, size_t *sig_len, struct err *e);
};

/*
 * Make `s` sign with the key loaded in `k` (which must outlive `s`). `what`
 * names the key in messages (kept by pointer).
 */
void signer_from_keyfile(struct signer *s, struct keyfile *k, const char *what);

/* Sign through the interface: s->sign() with argument checks. */
int signer_sign(const struct signer *s, const br_hash_class *h, const uint8_t *hash,
		size_t hash_len, uint8_t *sig, size_t cap, size_t *sig_len, struct err *e);

#endif
