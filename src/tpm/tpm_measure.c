/* tpm_measure.c: the TPM behind measure.h (see tpm_measure.h). */
#include "tpm/tpm_measure.h"

#include <stdio.h>

#include "tpm/tpm_quote.h"

static struct {
	struct tpm *tpm;
	const struct tpm_conf *conf;
	char what[160];
} ctx;

static int extend_cb(void *p, const struct cel_event *ev, struct err *e)
{
	(void)p;
	return tpm_pcr_extend(ctx.tpm, ev, e);
}

static int quote_cb(void *p, const uint8_t *nonce, size_t nonce_len, char *out, size_t cap,
		    struct err *e)
{
	(void)p;
	return tpm_quote_json(ctx.tpm, ctx.conf, measure_pcr(), measure_log_path(), nonce,
			      nonce_len, out, cap, e);
}

int tpm_measure_init(struct tpm *t, const struct tpm_conf *c, uint32_t pcr,
	const char *log_path, struct err *e)
{
	struct measure_backend b;
	unsigned banks;
	if (pcr > 23)
		return err_set(e, "measure: PCR %u does not exist", (unsigned)pcr);
	if (tpm_pcr_banks(t, pcr, &banks, e) < 0)
		return -1;
	ctx.tpm = t;
	ctx.conf = c;
	snprintf(ctx.what, sizeof ctx.what, "TPM %s", t->name);
	b.ctx = &ctx;
	b.what = ctx.what;
	b.banks = banks;
	b.extend = extend_cb;
	b.quote = quote_cb;
	return measure_init(pcr, log_path, &b, e);
}
