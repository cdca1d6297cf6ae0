/*
 * tpm_quote.h: attestation evidence for the provisioning PCR.
 *
 * tpm_quote_json() makes a TPM2_Quote over the provisioning PCR (SHA-256
 * bank) with the caller's nonce as qualifying data, signed by an attestation
 * key:
 *   - the IAK, when a restricted signing key is at conf->iak_handle (its
 *     certificate, from conf->iak_cert_nv, is included when present);
 *   - otherwise a primary key created on the spot in the endorsement
 *     hierarchy from a fixed template (ECC P-256, ECDSA-SHA256, restricted,
 *     fixedTPM, fixedParent, sensitiveDataOrigin, userWithAuth, no unique
 *     data): the same TPM always derives the same key, but nothing certifies
 *     it, so a verifier trusts it only because it arrives over the TLS
 *     session the IDevID authenticated (docs/tpm.md).
 *
 * The JSON object (one line) holds everything tpm2_checkquote needs, each
 * binary field base64:
 *   {"format":"sztp-tpm-quote/1","pcr":14,"pcr-list":"sha256:14",
 *    "pcr-value":"<hex>","qualifying-data":"<hex>","ak":"iak"|"endorsement-ak",
 *    "ak-public":"<TPM2B_PUBLIC>","ak-pem":"-----BEGIN PUBLIC KEY-----\n...",
 *    "ak-certificate":"<DER>" (IAK only, when available),
 *    "quote":"<TPMS_ATTEST>","signature":"<TPMT_SIGNATURE>",
 *    "pcrs":"<PCR values, concatenated>","event-log":"<the CEL-JSON log>"}
 * Verify: tpm2_checkquote -u ak.pem -m quote -s signature -f pcrs
 *         -l sha256:14 -g sha256 -q <qualifying-data>,
 * then replay the event log and compare with pcr-value.
 *
 * The qualifying data is the nonce itself when it is 1..64 bytes, else its
 * SHA-256 (TPM2B_DATA holds at most 64 bytes); an empty nonce is refused.
 *
 * Musl-only: in HOST_EXCLUDE.
 */
#ifndef SZTP_TPM_QUOTE_H
#define SZTP_TPM_QUOTE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "tpm/tpm.h"
#include "tpm/tpm_conf.h"

#define TPM_QUOTE_LOG_MAX  (64u * 1024u)   /* event log bytes included, at most */
#define TPM_QUOTE_NONCE_MAX 1024

/*
 * Write the evidence JSON (NUL-terminated) into out[cap]. `log_path` is the
 * event log to include (NULL or unreadable: the member is left out, with a
 * warning; larger than TPM_QUOTE_LOG_MAX: an error).
 */
int tpm_quote_json(struct tpm *t, const struct tpm_conf *c, uint32_t pcr,
	const char *log_path, const uint8_t *nonce, size_t nonce_len, char *out, size_t cap,
	struct err *e);

#endif
