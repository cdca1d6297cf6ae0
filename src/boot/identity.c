/* identity.c: TPM-held IDevID and measured provisioning for the boot sequence. */
#include "boot/identity.h"

#include <stdarg.h>
#include <stdio.h>

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
	out->what = tid.what;
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

/* Append to buf[cap] at *n (bounded). */
static void put(char *buf, size_t cap, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t cap, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int k;
	if (*n >= cap)
		return;
	va_start(ap, fmt);
	k = vsnprintf(buf + *n, cap - *n, fmt, ap);
	va_end(ap);
	*n = k < 0 ? *n : *n + (size_t)k < cap ? *n + (size_t)k : cap - 1;
}

static int listed(const uint32_t *h, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (h[i] == v)
			return 1;
	return 0;
}

int identity_describe(const struct sztp_config *cfg, char *buf, size_t cap)
{
	static const struct { const char *what; size_t off; } conf_handles[] = {
		{ "idevid-handle", offsetof(struct tpm_conf, idevid_handle) },
		{ "idevid-cert-nv", offsetof(struct tpm_conf, idevid_cert_nv) },
		{ "idevid-chain-nv", offsetof(struct tpm_conf, idevid_chain_nv) },
		{ "iak-handle", offsetof(struct tpm_conf, iak_handle) },
		{ "iak-cert-nv", offsetof(struct tpm_conf, iak_cert_nv) },
		{ "clock-floor-nv", offsetof(struct tpm_conf, clock_floor_nv) },
	};
	uint32_t pers[64], nv[64];
	size_t n = 0, np = 0, nn = 0;
	uint8_t pcr[64];
	struct err e;
	int have_p, have_n;

	buf[0] = 0;
	put(buf, cap, &n, "provisioning PCR: %d (sztp.pcr=)\n", cfg->pcr);
	if (!tpm_ok) {
		put(buf, cap, &n, "TPM: none usable (see \"tpm:\" in sztpboot.log); provisioning "
		    "was not measured\n");
		return (int)n;
	}
	put(buf, cap, &n, "TPM: %s\nmeasuring: %s, event log %s\n", tpm.name,
	    measure_active() ? "on" : "off", measure_log_path());
	if (tpm_pcr_read(&tpm, (uint32_t)cfg->pcr, CEL_SHA256, pcr, &e) == 0) {
		put(buf, cap, &n, "PCR %d sha256: ", cfg->pcr);
		for (int i = 0; i < 32; i++)
			put(buf, cap, &n, "%02x", pcr[i]);
		put(buf, cap, &n, "\n");
	} else {
		put(buf, cap, &n, "PCR %d sha256: %s\n", cfg->pcr, e.msg);
	}
	have_p = tpm_handles(&tpm, 0x81000000u, pers, 64, &np, &e) == 0;
	if (!have_p)
		put(buf, cap, &n, "persistent handles: %s\n", e.msg);
	have_n = tpm_handles(&tpm, 0x01000000u, nv, 64, &nn, &e) == 0;
	if (!have_n)
		put(buf, cap, &n, "NV indices: %s\n", e.msg);
	put(buf, cap, &n, "tpm.conf (%s):\n", TPM_CONF_PATH);
	for (size_t i = 0; i < sizeof conf_handles / sizeof conf_handles[0]; i++) {
		uint32_t v = *(const uint32_t *)((const char *)&conf + conf_handles[i].off);
		int nvi = (v >> 24) == 0x01;
		int ok = nvi ? have_n && listed(nv, nn, v) : have_p && listed(pers, np, v);
		if (!v)
			put(buf, cap, &n, "  %-16s none\n", conf_handles[i].what);
		else
			put(buf, cap, &n, "  %-16s 0x%08x %s\n", conf_handles[i].what, (unsigned)v,
			    (nvi ? have_n : have_p) ? (ok ? "present" : "ABSENT") : "(not listed)");
	}
	if (have_p) {
		put(buf, cap, &n, "persistent handles (%zu):", np);
		for (size_t i = 0; i < np; i++)
			put(buf, cap, &n, " 0x%08x", (unsigned)pers[i]);
		put(buf, cap, &n, "\n");
	}
	if (have_n) {
		put(buf, cap, &n, "NV indices (%zu):", nn);
		for (size_t i = 0; i < nn; i++)
			put(buf, cap, &n, " 0x%08x", (unsigned)nv[i]);
		put(buf, cap, &n, "\n");
	}
	put(buf, cap, &n, "IDevID: %s\n", tid.what[0] ? tid.what : "not loaded");
	return (int)n;
}
