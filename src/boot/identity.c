/* identity.c: TPM-held IDevID and measured provisioning for the boot sequence. */
#include "boot/identity.h"
#include "base/log.h"
#include "tpm/measure.h"
#include "tpm/tpm.h"
#include "tpm/tpm_conf.h"
#include "tpm/tpm_floor.h"
#include "tpm/tpm_id.h"
#include "tpm/tpm_measure.h"

static struct tpm tpm;
static struct tpm_conf conf;
static struct tpm_identity tid;
static int tpm_ok;

int identity_measure(const struct sztp_config *cfg, struct err *e)
{
	if (tpm_ok)
		return 0;
	tpm_conf_defaults(&conf);
	if (tpm_conf_load(&conf, TPM_CONF_PATH, e) < 0)
		return -1;
	if (tpm_open(&tpm, conf.tcti, e) < 0)
		return -1;
	if (tpm_measure_init(&tpm, &conf, (uint32_t)cfg->pcr, NULL, e) < 0) {
		tpm_close(&tpm);
		return -1;
	}
	tpm_ok = 1;
	log_info("tpm", "%s: measuring provisioning into PCR %d, event log %s", tpm.name,
		 cfg->pcr, measure_log_path());
	return 0;
}

int identity_tpm(struct contact_identity *out, struct err *e)
{
	if (!tpm_ok)
		return err_set(e, "no TPM");
	if (tpm_identity_load(&tid, &tpm, &conf, e) < 0)
		return -1;
	out->tls = &tid.tls;
	out->recipient = tid.can_decrypt ? &tid.recipient : NULL;
	out->cert = tid.chain.cert[0].data;
	out->cert_len = tid.chain.cert[0].data_len;
	out->serial = tid.serial;
	log_info("tpm", "IDevID %s, serial %s, chain of %zu certificate(s)", tid.what,
		 tid.serial, tid.chain.n);
	return 0;
}

static int floor_read(void *ctx, time_t *t, struct err *e)
{
	char s[CLOCK_STR_MAX];
	int r;
	(void)ctx;
	r = tpm_floor_read(&tpm, conf.clock_floor_nv, t, e);
	if (r > 0)
		log_info("tpm", "clock floor (NV 0x%08x): %s", (unsigned)conf.clock_floor_nv,
			 clock_fmt(*t, s, sizeof s));
	else if (r == 0)
		log_info("tpm", "clock floor (NV 0x%08x): not written yet", (unsigned)conf.clock_floor_nv);
	return r;
}

static int floor_advance(void *ctx, time_t to, struct err *e)
{
	char a[CLOCK_STR_MAX], b[CLOCK_STR_MAX];
	time_t now = 0;
	int r;
	(void)ctx;
	r = tpm_floor_advance(&tpm, conf.clock_floor_nv, to, &now, e);
	if (r > 0)
		log_info("tpm", "clock floor (NV 0x%08x) advanced to %s", (unsigned)conf.clock_floor_nv,
			 clock_fmt(to, a, sizeof a));
	else if (r == 0 && now == to)
		log_info("tpm", "clock floor (NV 0x%08x) already at %s", (unsigned)conf.clock_floor_nv,
			 clock_fmt(now, a, sizeof a));
	else if (r == 0)
		log_info("tpm", "clock floor (NV 0x%08x) kept at %s (not moved back to %s)",
			 (unsigned)conf.clock_floor_nv, clock_fmt(now, a, sizeof a),
			 clock_fmt(to, b, sizeof b));
	return r < 0 ? -1 : 0;
}

static const struct clock_floor tpm_floor = { NULL, floor_read, floor_advance };

const struct clock_floor *identity_floor(void)
{
	return tpm_ok && conf.clock_floor_nv ? &tpm_floor : NULL;
}
