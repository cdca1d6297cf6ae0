/*
 * tpm_conf.h: where the device identity lives in the TPM.
 *
 * Read from /etc/sztp/tpm.conf in the initramfs (TPM_CONF_PATH), one
 * "key=value" per line, '#' comments and blank lines ignored:
 *
 *   tcti=device:/dev/tpmrm0      TCTI: device:PATH, swtpm:host=H,port=P, mssim:...
 *   idevid-handle=0x81020001     persistent handle of the IDevID key
 *   idevid-cert-nv=0x01C90000    NV index with the IDevID certificate (DER)
 *   idevid-chain-nv=0x01C90001   NV index with the certificates above it
 *                                (concatenated DER); 0 = none
 *   iak-handle=0x81020000        persistent handle of the IAK; 0 = none
 *   iak-cert-nv=0x01C90002       NV index with the IAK certificate; 0 = none
 *   clock-floor-nv=0x01C90003    NV index of the clock floor (tpm_floor.h),
 *                                defined by the agent on first use; 0 = none
 *   lockout-wait=7200            longest wait, in seconds, for a TPM in
 *                                dictionary-attack lockout to forgive one
 *                                failure before the IDevID is given up
 *                                (tpm_lockout.h); 0 = do not wait
 *   key-file=/etc/sztp/device/idevid.key   fallback key (no TPM), PEM
 *   cert-file=/etc/sztp/device/chain.pem   fallback chain (no TPM), PEM
 *
 * The handle values follow our reading of the TCG "TPM 2.0 Keys for Device
 * Identity and Attestation" conventions (IAK and IDevID in the 0x8102xxxx
 * persistent range); docs/tpm.md says how sure we are. All are settable.
 * Pure code: compiled and unit-tested on the host.
 */
#ifndef SZTP_TPM_CONF_H
#define SZTP_TPM_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define TPM_CONF_PATH      "/etc/sztp/tpm.conf"
#define TPM_CONF_MAX       4096      /* largest tpm.conf accepted */
#define TPM_CONF_STR       256

#define TPM_DEFAULT_TCTI          "device:/dev/tpmrm0"
#define TPM_DEFAULT_IDEVID_HANDLE 0x81020001u
#define TPM_DEFAULT_IAK_HANDLE    0x81020000u
#define TPM_DEFAULT_CERT_NV       0x01C90000u
#define TPM_DEFAULT_CHAIN_NV      0x01C90001u
#define TPM_DEFAULT_IAK_CERT_NV   0x01C90002u
#define TPM_DEFAULT_FLOOR_NV      0x01C90003u
#define TPM_DEFAULT_LOCKOUT_WAIT  7200u      /* seconds */
#define TPM_LOCKOUT_WAIT_MAX      86400u     /* a day: larger is refused */
#define TPM_DEFAULT_KEY_FILE      "/etc/sztp/device/idevid.key"
#define TPM_DEFAULT_CERT_FILE     "/etc/sztp/device/chain.pem"

struct tpm_conf {
	char tcti[TPM_CONF_STR];
	uint32_t idevid_handle;
	uint32_t idevid_cert_nv;
	uint32_t idevid_chain_nv;   /* 0: no chain index */
	uint32_t iak_handle;        /* 0: no IAK */
	uint32_t iak_cert_nv;       /* 0: no IAK certificate */
	uint32_t clock_floor_nv;    /* 0: no clock floor */
	uint32_t lockout_wait;      /* seconds; 0: do not wait out a lockout */
	char key_file[TPM_CONF_STR];
	char cert_file[TPM_CONF_STR];
};

/* The defaults above. */
void tpm_conf_defaults(struct tpm_conf *c);

/*
 * Parse conf text buf[0..len) over the values already in `c`. Errors name the
 * line: "tpm.conf: line 3: idevid-handle 0x01000000 is not a persistent
 * handle (0x81000000-0x81ffffff)". Unknown keys are errors (a typo must not
 * silently select the default index). Handles must be persistent
 * (0x81xxxxxx), NV indices 0x01xxxxxx (or 0 where "none" is allowed),
 * lockout-wait at most TPM_LOCKOUT_WAIT_MAX seconds.
 */
int tpm_conf_parse(struct tpm_conf *c, const char *buf, size_t len, struct err *e);

/* Read and parse `path`; a missing file leaves `c` unchanged and returns 0. */
int tpm_conf_load(struct tpm_conf *c, const char *path, struct err *e);

/* Parse one handle/index number ("0x81020001" or decimal) into *v. */
int tpm_conf_number(const char *s, uint32_t *v);

#endif
