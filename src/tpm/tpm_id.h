/*
 * tpm_id.h: the device identity held by the TPM (IDevID).
 *
 * tpm_identity_load() reads, from the TPM named by the configuration
 * (tpm_conf.h):
 *   - the public part of the IDevID key at the persistent handle
 *     (ECC P-256/P-384 or RSA-2048..4096; it must be allowed to sign);
 *   - the IDevID certificate from its NV index and the certificates above it
 *     from the chain NV index (tpm_nvcert.h);
 * checks that the certificate's public key IS the TPM key (else: refused,
 * "the IDevID certificate in NV index ... is not for the key at ..."), signs
 * a test digest with the TPM and verifies it with the certificate (a locked
 * out or refusing TPM is found here, not in the middle of a TLS handshake),
 * and takes the serial number from the certificate subject's serialNumber.
 * A TPM in dictionary-attack lockout (TPM_RC_LOCKOUT) is waited out, up to
 * lockout-wait seconds of tpm.conf, with a console line saying so and
 * another try at least once a minute (tpm_lockout.h); then the error names
 * the lockout and how to clear it.
 *
 * It then offers, with the private key never leaving the TPM:
 *   id->signer     struct signer (signer.h): TPM2_Sign, ECDSA (DER) or
 *                  RSASSA-PKCS1-v1_5; for the TLS client certificate;
 *   id->tls        struct tls_client_id (tls_ccert.h) = chain + signer;
 *   id->recipient  struct cms_recipient (cms.h): TPM2_RSA_Decrypt
 *                  (RSAES-OAEP or PKCS#1 v1.5) or TPM2_ECDH_ZGen, to decrypt
 *                  conveyed information encrypted to the IDevID.
 *
 * Machines without a TPM keep using the key file (bs_setup.h), with a loud
 * warning: that choice is the caller's (see docs/tpm.md).
 *
 * Musl-only (uses tpm.c): in HOST_EXCLUDE.
 */
#ifndef SZTP_TPM_ID_H
#define SZTP_TPM_ID_H

#include <stddef.h>
#include <stdint.h>

#include "trust/anchors.h"
#include "trust/cms.h"
#include "base/err.h"
#include "trust/signer.h"
#include "tls/tls_ccert.h"
#include "tpm/tpm.h"
#include "tpm/tpm_conf.h"
#include "tpm/tpm_pub.h"

#define TPM_ID_SERIAL_MAX 128

struct tpm_identity {
	struct tpm *tpm;                 /* kept by pointer */
	uint32_t handle;                 /* the IDevID key */
	int can_decrypt;                 /* the key has the decrypt attribute */
	struct tpm_pubkey pub;
	struct cert_chain chain;         /* chain.cert[0] is the IDevID certificate */
	char serial[TPM_ID_SERIAL_MAX];  /* from the certificate subject */
	char what[160];                  /* "TPM key 0x81020001 (device:/dev/tpmrm0)" */
	struct signer signer;
	struct tls_client_id tls;
	struct cms_recipient recipient;
};

/* Load and check the identity (see above). `t` must stay open while id is used. */
int tpm_identity_load(struct tpm_identity *id, struct tpm *t, const struct tpm_conf *c,
	struct err *e);

#endif
