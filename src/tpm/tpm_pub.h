/*
 * tpm_pub.h: a TPM key's public part, as the rest of the agent sees it.
 *
 * tpm.c converts a TPMT_PUBLIC (RSA n/e, or ECC curve and point) into a
 * struct tpm_pubkey; this file compares it with the public key of a
 * certificate (is this certificate really for the key in the TPM?) and
 * encodes it as a SubjectPublicKeyInfo (DER or PEM "PUBLIC KEY", the form
 * openssl and tpm2_checkquote read).
 *
 * Pure code: compiled and unit-tested on the host.
 */
#ifndef SZTP_TPM_PUB_H
#define SZTP_TPM_PUB_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "base/err.h"

#define TPM_PUB_RSA_MAX  512   /* modulus bytes (RSA-4096) */
#define TPM_PUB_EC_MAX   66    /* coordinate bytes (P-521) */
#define TPM_PUB_SPKI_MAX 600   /* DER SubjectPublicKeyInfo */
#define TPM_PUB_PEM_MAX  900   /* PEM of the above */

struct tpm_pubkey {
	int type;                  /* BR_KEYTYPE_RSA or BR_KEYTYPE_EC */
	int curve;                 /* BR_EC_secp256r1/384r1/521r1 for EC */
	uint8_t n[TPM_PUB_RSA_MAX];
	size_t n_len;
	uint32_t e;                /* RSA exponent as the TPM stores it: 0 means 65537 */
	uint8_t x[TPM_PUB_EC_MAX], y[TPM_PUB_EC_MAX];
	size_t x_len, y_len;
};

/* Coordinate size of a BearSSL curve id (32, 48, 66), 0 if unsupported. */
size_t tpm_curve_len(int curve);

/*
 * Compare with a certificate's key. Fails with a message saying what differs:
 * "tpm: the certificate holds an EC key but the TPM key is RSA",
 * "tpm: the certificate's public key is not the TPM key's (modulus differs)".
 */
int tpm_pubkey_matches(const struct tpm_pubkey *pk, const br_x509_pkey *cert_key,
	struct err *e);

/* DER SubjectPublicKeyInfo (rsaEncryption or id-ecPublicKey + named curve). */
int tpm_pubkey_spki(const struct tpm_pubkey *pk, uint8_t *out, size_t cap, size_t *len,
	struct err *e);

/* The same as PEM ("-----BEGIN PUBLIC KEY-----", 64-column lines), NUL-terminated. */
int tpm_pubkey_pem(const struct tpm_pubkey *pk, char *out, size_t cap, struct err *e);

#endif
