/*
 * fuzz_bootstrap.c: the RFC 8572 bootstrap engine (sztp/bootstrap.h,
 * bs_run(), and onboard_run() under it) against servers whose every answer
 * is the input: whether a connection succeeds and is trusted, the status,
 * Content-Type and body of each reply (get-bootstrapping-data, host-meta,
 * report-progress), and whether each install step works.
 *
 * Input: a byte of flags (bit 0: bootstrap-server anchors configured; bits
 * 1-2: 1..4 sources), then, as the engine asks, one byte per connection
 * (bit 0: refused, bit 1: the refusal is the certificate, bit 2: validated
 * against the anchors, bits 4-5: the host has 1..4 addresses), per reply
 * a status byte, a Content-Type byte, a 2-byte big-endian length and the
 * body, and a byte per install step (odd: it fails). When the input runs
 * out, connections are refused and requests reset. A request after a reset
 * connects again, as the real transport does, trusted when the target has
 * anchors. The sources are https://192.0.2.1..4/ and [2001:db8::3].
 * The trusted configuration is fuzz_verify_struct's (verify_struct_pki.h,
 * the time FUZZ_TIME) so that signed seeds verify.
 *
 * Checked, the trust rules the engine exists for:
 *   - nothing is installed, run or configured from onboarding information
 *     that is neither signed nor from a server whose certificate was
 *     validated;
 *   - progress reports, hw-model and HTTP Basic credentials go only to a
 *     validated server; a request to any other carries a nonce;
 *   - bs_run() ends (two rounds at most) and succeeds only with trusted
 *     onboarding information; requests stay within their bounds.
 */
#include "base/log.h"
#include "sztp/bootstrap.h"
#include "trust/keyfile.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../trust/verify_struct_pki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_TIME  1798761600 /* 2027-01-01T00:00:00Z, as fuzz_verify_struct */
#define SERIAL     "SZTP-DEMO-0001"
#define HW_MODEL   "FUZZ-HW-MODEL-7"
#define BASIC      "fuzz:secret"
#define MAX_CALLS  4000

static struct keyfile device_key;
static struct cms_recipient recipient;
static struct bs_state st;

static struct {
	const uint8_t *p;
	size_t n;
	int connected, trusted;  /* the open connection */
	int data_trusted;        /* the connection the last bootstrapping data came on */
	int calls;
	int64_t now;
	uint8_t rnd;
} fk;

static int next(void)
{
	if (fk.n == 0)
		return -1;
	fk.n--;
	return *fk.p++;
}

/* ================================================================ transport */

static int f_open(void *ctx, const struct bs_target *t, int *trusted, int *cert_error,
		  int *n_addr, struct err *e)
{
	int b = next();
	(void)ctx;
	if (++fk.calls > MAX_CALLS)
		abort(); /* the engine does not stop */
	fk.connected = 0;
	*cert_error = 0;
	*n_addr = b < 0 ? 1 : 1 + ((b >> 4) & 3);
	if (t->addr < 1 || t->addr > BS_MAX_ADDRS || !t->clock)
		abort();
	if (b < 0 || (b & 1)) {
		*cert_error = b >= 0 && (b & 2) && t->anchors;
		return err_set(e, "connect: refused");
	}
	*trusted = t->anchors && (b & 4);
	if (t->anchors && !*trusted) {
		*cert_error = 1;
		return err_set(e, "TLS: certificate not trusted");
	}
	fk.connected = 1;
	fk.trusted = *trusted;
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int f_request(void *ctx, const struct bs_target *t, struct bs_http *h, struct err *e)
{
	static const int statuses[] = { 204, 200, 404, 400, 500, 503, 301, 403 };
	static const char *const ctypes[] = {
		"application/yang-data+json", "application/yang-data+xml", "",
		"text/plain", "application/json", "application/xrd+xml", "text/html",
	};
	int s, c, h1, h2;
	size_t len;
	(void)ctx;
	if (++fk.calls > MAX_CALLS)
		abort();
	if (!fk.connected) {
		/* the transport connects again to the same target (bs_https.c):
		 * validated when it has anchors, or the request fails */
		fk.connected = 1;
		fk.trusted = t->anchors != NULL;
	}
	if (h->body_len > BS_REPORT_MAX || (h->body_len && !h->body) || !h->resp || !h->resp_cap)
		abort();
	if (!fk.trusted) {
		if (ends_with(h->path, ":report-progress"))
			abort(); /* a progress report to a server not validated */
		if (h->basic)
			abort(); /* credentials to a server not validated */
		if (h->body && memmem(h->body, h->body_len, HW_MODEL, sizeof HW_MODEL - 1))
			abort(); /* hw-model to a server not validated */
		if (ends_with(h->path, ":get-bootstrapping-data") &&
		    !memmem(h->body, h->body_len, "nonce", 5))
			abort(); /* data asked of an untrusted server without a nonce */
	}
	if (ends_with(h->path, ":get-bootstrapping-data"))
		fk.data_trusted = fk.trusted;
	if ((s = next()) < 0 || (c = next()) < 0 || (h1 = next()) < 0 || (h2 = next()) < 0) {
		fk.connected = 0;
		return err_set(e, "connection reset");
	}
	len = (size_t)h1 << 8 | (size_t)h2;
	if (len > fk.n)
		len = fk.n;
	if (len > h->resp_cap)
		len = h->resp_cap;
	h->status = statuses[s % 8];
	snprintf(h->resp_type, sizeof h->resp_type, "%s", ctypes[c % 7]);
	snprintf(h->reason, sizeof h->reason, "%s", (c & 0x80) ? "Fuzzed Reason" : "");
	memcpy(h->resp, fk.p, len);
	h->resp_len = len;
	fk.p += len;
	fk.n -= len;
	return 0;
}

static void f_close(void *ctx)
{
	(void)ctx;
	fk.connected = 0;
}

/* The nonce is 00 01 02 ...: the one the seeds' vouchers carry. */
static int f_random(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)i;
	return 0;
}

static void f_sleep(void *ctx, int ms)
{
	(void)ctx;
	if (ms < 0)
		abort();
	fk.now += ms;
}

static int64_t f_now(void *ctx)
{
	(void)ctx;
	return fk.now;
}

static const struct bs_ops ops = { NULL, f_open, f_request, f_close, f_random, f_sleep, f_now };

/* ================================================================ install steps */

/* Acting on onboarding information: it must be signed or have come from a
 * validated server, and be onboarding information. */
static int acting(struct err *e)
{
	if (!st.res.trusted || (!st.res.signed_data && !fk.data_trusted) ||
	    st.res.info.kind != CONVEYED_ONBOARDING)
		abort();
	int b = next();
	return b >= 0 && (b & 1) ? err_set(e, "fuzzed failure") : 0;
}

static int f_check_image(void *ctx, const struct conveyed_onboarding *ob,
			 struct install_result *r, struct err *e)
{
	(void)ctx;
	snprintf(r->disk, sizeof r->disk, "/dev/vda");
	if (acting(e) < 0)
		return -1;
	if (!ob->boot_image.present || fk.n % 2)
		r->skipped = 1;
	else
		r->mismatch = 1;
	return 0;
}

static int f_write_image(void *ctx, const struct conveyed_onboarding *ob, const char *medium,
			 struct install_result *r, struct err *e)
{
	(void)ctx, (void)ob;
	if (medium || !r->mismatch)
		abort(); /* a server's data has no medium; nothing to write */
	if (acting(e) < 0)
		return -1;
	r->installed = 1;
	return 0;
}

static int f_commit(void *ctx, struct install_result *r, struct err *e)
{
	(void)ctx;
	if (!r->installed)
		abort();
	return acting(e);
}

static void f_wipe(void *ctx, struct install_result *r)
{
	(void)ctx;
	r->installed = 0;
}

static int f_mount(void *ctx, struct install_result *r, struct err *e)
{
	(void)ctx;
	if (acting(e) < 0)
		return -1;
	r->mounted = 1;
	return 0;
}

static void f_unmount(void *ctx, struct install_result *r)
{
	(void)ctx;
	r->mounted = 0;
}

static enum script_outcome f_script(void *ctx, const char *stage, const uint8_t *script,
				    size_t len, const struct conveyed_onboarding *ob,
				    const struct install_result *r, struct script_result *sr,
				    struct err *e)
{
	int b;
	(void)ctx, (void)stage, (void)script, (void)len, (void)ob;
	if (!r->mounted)
		abort();
	if (acting(e) < 0)
		return SCRIPT_ERROR;
	b = next();
	sr->status = b < 0 ? 0 : b;
	snprintf(sr->tail, sizeof sr->tail, "script said %d\n", sr->status);
	return script_classify(sr->status);
}

static int f_config(void *ctx, enum conveyed_handling handling, const uint8_t *cfg, size_t len,
		    struct config_result *cr, struct err *e)
{
	(void)ctx, (void)handling, (void)cfg, (void)len;
	if (acting(e) < 0)
		return -1;
	cr->files = 1;
	return 0;
}

static int f_keys(void *ctx, struct install_ssh_key *keys, int max)
{
	(void)ctx;
	if (max < 1)
		return 0;
	snprintf(keys[0].algorithm, sizeof keys[0].algorithm, "ssh-ed25519");
	snprintf(keys[0].key_data, sizeof keys[0].key_data, "AAAAC3NzaC1lZDI1NTE5AAAAIA==");
	return 1;
}

static int f_log(void *ctx, struct err *e)
{
	(void)ctx, (void)e;
	return 0;
}

static const struct onboard_ops install = { NULL, f_check_image, f_write_image, f_commit,
					    f_wipe, f_mount, f_unmount, f_script, f_config,
					    f_keys, f_log };

/* ================================================================ the target */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct err e;
	(void)argc;
	(void)argv;
	log_set_level(getenv("FUZZ_BS_DEBUG") ? LOG_DEBUG : LOG_ERR);
	if (keyfile_load_pem(&device_key, (const uint8_t *)vs_device_key, sizeof vs_device_key - 1,
			     &e) < 0)
		abort();
	keyfile_recipient(&device_key, vs_device_cert, sizeof vs_device_cert, &recipient);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const uris[] = { "https://192.0.2.1", "https://192.0.2.2:8443",
					    "https://[2001:db8::3]/restconf", "https://192.0.2.4/x" };
	static struct anchors one_anchor; /* the engine only looks at n */
	static struct bs_config cfg;
	struct x509_der anchor = { vs_masa_ca, sizeof vs_masa_ca };
	struct bs_source src[4];
	struct clock_policy clock;
	struct err e;
	int flags, n, rc;

	if (size < 1)
		return 0;
	memset(&fk, 0, sizeof fk);
	fk.p = data + 1;
	fk.n = size - 1;
	flags = data[0];
	n = 1 + ((flags >> 1) & 3);
	memset(src, 0, sizeof src);
	for (int i = 0; i < n; i++) {
		src[i].uri = uris[i];
		src[i].origin = "fuzz";
	}
	memset(&cfg, 0, sizeof cfg);
	one_anchor.n = 1;
	clock_policy_exact(&clock, FUZZ_TIME);
	cfg.serial = SERIAL;
	cfg.anchors = (flags & 1) ? &one_anchor : NULL;
	cfg.voucher_anchors = &anchor;
	cfg.n_voucher_anchors = 1;
	cfg.device_cert = vs_device_cert;
	cfg.device_cert_len = sizeof vs_device_cert;
	cfg.recipient = &recipient;
	cfg.clock = &clock;
	cfg.hw_model = HW_MODEL;
	cfg.basic = BASIC;
	cfg.max_rounds = 2;
	cfg.backoff_min_ms = 10;
	cfg.backoff_max_ms = 100;
	cfg.no_pivot = 1;
	cfg.install = &install;
	err_clear(&e);
	rc = bs_run(&st, &cfg, &ops, src, n, &e);
	if (rc != 0 && rc != -1)
		abort();
	if (rc == 0 && (!st.res.trusted || st.res.info.kind != CONVEYED_ONBOARDING ||
			(!st.res.signed_data && !fk.data_trusted)))
		abort(); /* success on data that may not be acted upon */
	if (rc < 0 && !e.msg[0])
		abort(); /* a failure that does not say why */
	return 0;
}
