/*
 * identity.h: the TPM as the device's identity and witness, for the boot
 * sequence. Opens the TPM named by /etc/sztp/tpm.conf (default
 * device:/dev/tpmrm0), starts measured provisioning into the configured PCR
 * (measure.h, event log /run/sztp/tpm2-measure.log), and loads the IDevID:
 * its key stays in the TPM, its certificate chain comes from NV.
 * Musl-only (tpm2-tss): listed in the Makefile's HOST_EXCLUDE.
 */
#ifndef SZTP_IDENTITY_H
#define SZTP_IDENTITY_H

#include "base/config.h"
#include "trust/clock.h"
#include "sztp/contact.h"
#include "base/err.h"

/*
 * Open the TPM and start measuring into cfg->pcr. Returns 0, or -1 with `e`
 * set when there is no usable TPM (measuring then stays off). Call again
 * after coldplug when it failed before (the TPM driver may be a module).
 */
int identity_measure(const struct sztp_config *cfg, struct err *e);

/*
 * The TPM's clock floor (tpm/tpm_floor.h at tpm.conf's clock-floor-nv), for
 * the bootstrap stage's clock policy; NULL when there is no TPM or the
 * floor is configured off (clock-floor-nv=0). Reads and advances are logged.
 */
const struct clock_floor *identity_floor(void);

/*
 * Load the TPM-held IDevID into `out` (pointers into static storage).
 * Returns 0, or -1 with `e` naming what is missing or wrong (no TPM, no key
 * at the handle, NV contents that are not the key's certificate, lockout).
 */
int identity_tpm(struct contact_identity *out, struct err *e);

/*
 * The TPM's state for the failure report, as text into buf[cap] (never a
 * secret: handles, PCR values, names): the TCTI, the configured handles and
 * NV indices and whether each is present, every persistent handle and NV
 * index the TPM holds, the provisioning PCR and its SHA-256 value, the
 * event log. Returns the length written.
 */
int identity_describe(const struct sztp_config *cfg, char *buf, size_t cap);

#endif
