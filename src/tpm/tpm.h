/*
 * tpm.h: the agent's only way to talk to the TPM, tpm2-tss SAPI (libtss2-sys,
 * no crypto library needed) over a TCTI linked in statically.
 *
 * TCTI strings (tpm_open):
 *   "device:/dev/tpmrm0"             the kernel's resource manager (default)
 *   "swtpm:host=127.0.0.1,port=2321" swtpm's TCP command port (tests)
 *   "mssim:host=...,port=..."        the Microsoft/IBM simulator
 * A NULL string means $SZTP_TCTI, or else the default.
 *
 * All keys and NV indices are used with empty password authorization (the
 * IDevID is protected by being non-exportable, not by a secret the initramfs
 * would have to hold). Errors are one line naming the operation, the handle
 * and the TPM's response code by name (tpm_rc.h):
 *   tpm: TPM2_Sign with key 0x81020001: TPM_RC_LOCKOUT (0x921): ...
 *
 * Musl-only (tss2 is built for the agent only): in HOST_EXCLUDE.
 */
#ifndef SZTP_TPM_H
#define SZTP_TPM_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>
#include <tss2/tss2_sys.h>

#include "tpm/cel.h"
#include "base/err.h"
#include "tpm/tpm_pub.h"

#define TPM_TCTI_BUF 4096
#define TPM_SYS_BUF  16384

struct tpm {
	TSS2_TCTI_CONTEXT *tcti;
	TSS2_SYS_CONTEXT *sys;
	char name[128];       /* the TCTI string, for messages */
	uint32_t last_rc;     /* response code of the last command (TPM_RETRY) */
	_Alignas(16) uint8_t tcti_buf[TPM_TCTI_BUF];
	_Alignas(16) uint8_t sys_buf[TPM_SYS_BUF];
};

/* Connect (TPM2_Startup(CLEAR) if nobody did yet). */
int tpm_open(struct tpm *t, const char *tcti, struct err *e);
void tpm_close(struct tpm *t);

/* Format a failed call: "tpm: WHAT: <rc text>"; returns -1. */
int tpm_fail(struct err *e, uint32_t rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Public area of a loaded/persistent object: the key (pk) and, if wanted,
 * the raw TPM2B_PUBLIC and the objectAttributes. */
int tpm_read_public(struct tpm *t, uint32_t handle, struct tpm_pubkey *pk,
	TPM2B_PUBLIC *raw, struct err *e);

/* Convert a TPMT_PUBLIC (RSA or ECC) into pk. */
int tpm_pub_from_tpmt(const TPMT_PUBLIC *p, struct tpm_pubkey *pk, struct err *e);

/* Read all of NV index `index` (its size from NV_ReadPublic, at most cap)
 * with the index's own empty authorization. */
int tpm_nv_read(struct tpm *t, uint32_t index, uint8_t *out, size_t cap, size_t *len,
	struct err *e);

/* TPM2_Sign of a digest made with h, with the key's type deciding the scheme
 * (ECDSA or RSASSA with h). ECDSA output is ASN.1 DER, RSA is the raw
 * PKCS#1 v1.5 signature. */
int tpm_sign(struct tpm *t, uint32_t handle, int key_type, const br_hash_class *h,
	const uint8_t *hash, size_t hash_len, uint8_t *sig, size_t cap, size_t *sig_len,
	struct err *e);

/* TPM2_RSA_Decrypt: RSAES-PKCS1-v1_5 if oaep_hash is NULL, else OAEP with
 * that hash and an empty label. */
int tpm_rsa_decrypt(struct tpm *t, uint32_t handle, const br_hash_class *oaep_hash,
	const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len, struct err *e);

/* TPM2_ECDH_ZGen: X coordinate of d * peer (peer as 04||X||Y). */
int tpm_ecdh_zgen(struct tpm *t, uint32_t handle, const uint8_t *peer, size_t peer_len,
	uint8_t *z, size_t *z_len, struct err *e);

/* CEL_BANK() bits of the banks that have `pcr` allocated. */
int tpm_pcr_banks(struct tpm *t, uint32_t pcr, unsigned *banks, struct err *e);

/* TPM2_PCR_Extend of ev->pcr with every digest in ev->banks. */
int tpm_pcr_extend(struct tpm *t, const struct cel_event *ev, struct err *e);

/* TPM2_PCR_Read of one PCR in one bank (cel_alg_size(alg) bytes). */
int tpm_pcr_read(struct tpm *t, uint32_t pcr, int alg, uint8_t *out, struct err *e);

/* The handles present from `first` (0x81000000: persistent objects,
 * 0x01000000: NV indices) within its range (the same top byte), at most
 * `max`, into out[0..*n). 0 or -1 with `e` set. */
int tpm_handles(struct tpm *t, uint32_t first, uint32_t *out, size_t max, size_t *n,
		struct err *e);

/* The dictionary-attack state: counter, maximum, interval
 * (TPM2_GetCapability of TPM_PT_LOCKOUT_COUNTER..TPM_PT_LOCKOUT_INTERVAL). */
struct tpm_da;
int tpm_da_read(struct tpm *t, struct tpm_da *da, struct err *e);

/* TPM algorithm id of a CEL bank / of a BearSSL hash (0 if none). */
uint16_t tpm_alg_of_bank(int alg);
uint16_t tpm_alg_of_hash(const br_hash_class *h);

/* 1 for the TPM warnings that mean "try again" (TPM_RC_RETRY, _TESTING,
 * _YIELDED, _NV_RATE); every command here is retried on them, up to 50
 * times 20 ms apart (TPM_RETRY). */
int tpm_rc_transient(uint32_t rc);
void tpm_pause_ms(long ms);

/*
 * After a failed command: when `rc` says the connection itself failed (an
 * error of the TCTI layer: I/O, a timeout, a closed socket) or left the
 * SAPI context out of step (TSS2_BASE_RC_BAD_SEQUENCE), close and reopen
 * the TCTI and SAPI contexts, so that the next command starts clean instead
 * of failing "in the wrong order" for the rest of the boot. The failed
 * command is not repeated (it may have run: a PCR extend must not happen
 * twice). Returns 1 when it reopened, 0 when there was nothing to do, -1
 * when reopening failed (then t is closed and every later call fails).
 */
int tpm_recover(struct tpm *t, uint32_t rc);

/* Run `call` (a Tss2_Sys_* call on t->sys) into rc: again after a transient
 * warning (above), and tpm_recover() after a connection failure. */
#define TPM_RETRY(t, rc, call)                                                \
	do {                                                                  \
		for (int try_ = 0;; try_++) {                                 \
			(rc) = (call);                                        \
			if (!tpm_rc_transient(rc) || try_ >= 50)              \
				break;                                        \
			tpm_pause_ms(20);                                     \
		}                                                             \
		(t)->last_rc = (uint32_t)(rc);                                \
		if ((rc) != 0)                                                \
			tpm_recover((t), (rc));                               \
	} while (0)

/* The empty-password authorization area used for every command. */
extern const TSS2L_SYS_AUTH_COMMAND tpm_pw_auth;

#endif
