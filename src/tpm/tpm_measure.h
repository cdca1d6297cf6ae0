/*
 * tpm_measure.h: the TPM behind measure.h.
 *
 *   static struct tpm tpm;  static struct tpm_conf conf;
 *   tpm_open(&tpm, conf.tcti, &e);
 *   tpm_measure_init(&tpm, &conf, cfg->pcr, NULL, &e);   // measure_init() with this backend
 *   ... measure_data(...), measure_quote_json(...) ...
 *
 * The backend extends every bank the TPM allocated for the PCR and quotes
 * with tpm_quote_json() (the event log included). Musl-only: in HOST_EXCLUDE.
 */
#ifndef SZTP_TPM_MEASURE_H
#define SZTP_TPM_MEASURE_H

#include <stdint.h>

#include "base/err.h"
#include "tpm/measure.h"
#include "tpm/tpm.h"
#include "tpm/tpm_conf.h"

/* Find the PCR's banks and call measure_init(pcr, log_path, backend). `t`
 * and `c` are kept by pointer. */
int tpm_measure_init(struct tpm *t, const struct tpm_conf *c, uint32_t pcr,
	const char *log_path, struct err *e);

#endif
