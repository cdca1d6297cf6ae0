/*
 * tpm_rc.h: names for TPM 2.0 and tpm2-tss response codes.
 *
 * libtss2-rc (Tss2_RC_Decode) is not part of the agent, so this is a compact
 * table of the codes an operator may meet while provisioning: TPM_RC_HANDLE
 * (no key at that handle), TPM_RC_LOCKOUT (dictionary-attack lockout),
 * TPM_RC_AUTH_FAIL, TPM_RC_NV_* (NV index problems), TPM_RC_INITIALIZE, the
 * TCTI's "no connection"/"I/O error", and so on. Unknown codes are shown in
 * hex with their layer and format, never silently.
 *
 * Pure code (no tss2 headers): compiled and unit-tested on the host.
 */
#ifndef SZTP_TPM_RC_H
#define SZTP_TPM_RC_H

#include <stddef.h>
#include <stdint.h>

/* A few codes callers test for (base codes, without parameter/handle bits). */
#define TPM_RC_SUCCESS_      0x000u
#define TPM_RC_INITIALIZE_   0x100u  /* TPM2_Startup not yet run */
#define TPM_RC_HANDLE_       0x08Bu  /* format 1: the handle is not loaded/defined */
#define TPM_RC_AUTH_FAIL_    0x08Eu
#define TPM_RC_LOCKOUT_      0x921u
#define TPM_RC_NV_UNINITIALIZED_ 0x14Au

/* The base code of a TPM-layer response code: for format-1 codes the
 * parameter/handle/session number is dropped (0x98B -> 0x08B); TSS layer
 * codes (bits 16..23 non-zero) are returned unchanged. */
uint32_t tpm_rc_base(uint32_t rc);

/* The symbolic name ("TPM_RC_LOCKOUT", "TSS2_BASE_RC_IO_ERROR"), or NULL if
 * the code is not in the table. */
const char *tpm_rc_name(uint32_t rc);

/*
 * Write a one-line description into buf (always NUL-terminated when cap > 0):
 *   "TPM_RC_LOCKOUT (0x921): the TPM is in dictionary-attack lockout"
 *   "TPM_RC_HANDLE (0x18b, handle 1): the handle is not loaded or not defined"
 *   "tcti: TSS2_BASE_RC_IO_ERROR (0xa000a): I/O error talking to the TPM"
 *   "unknown TPM response code 0x1ff"
 * Returns buf.
 */
const char *tpm_rc_str(uint32_t rc, char *buf, size_t cap);

#endif
