/*
 * test_onboard.c: the onboarding engine (onboard.c) through the bootstrap
 * engine, with a fake transport (one trusted server) and fake install
 * steps: the report sequence of every outcome, what is left mounted, the
 * measurements taken before acting, the SSH host keys and the attestation
 * augmentation of bootstrap-complete; onboard_run() on its own, through
 * struct onboard_input and a recording struct onboard_reporter; and
 * restconf_report_write().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/b64.h"
#include "sztp/bootstrap.h"
#include "base/config.h"
#include "base/log.h"
#include "tpm/measure.h"
#include "sztp/onboard.h"
#include "unit.h"
#include "response_fixture.h"

/* ------------------------------------------------------------ fake server */

static struct {
	const char *ci_json;
	const char *level;
	int complete_status;          /* status for bootstrap-complete (0: 204) */
	int reject_attest;            /* 400 for a report with the attestation member */
	char types[64][40];
	int n;
	char msgs[64][RESTCONF_MSG_MAX + 8];
	char complete[BS_REPORT_MAX]; /* the body of bootstrap-complete */
	uint8_t rnd;
} fs;

static struct bs_state obst;
static char obresp[16384];

static int ob_open(void *ctx, const struct bs_target *t, int *trusted, int *cert_error,
		   int *n_addr, struct err *e)
{
	(void)ctx, (void)e;
	*cert_error = 0;
	*n_addr = 1;
	*trusted = t->anchors != NULL;
	return 0;
}

static void answer(struct bs_http *h, int status, const char *body, size_t n)
{
	h->status = status;
	snprintf(h->resp_type, sizeof h->resp_type, "application/yang-data+json");
	if (n > h->resp_cap)
		n = h->resp_cap;
	memcpy(h->resp, body, n);
	h->resp_len = n;
}

/* A JSON string member's value (unescaped enough for the tests). */
static void member(const char *body, const char *name, char *out, size_t cap)
{
	char k[64];
	const char *p;
	size_t i = 0;
	snprintf(k, sizeof k, "\"%s\":\"", name);
	out[0] = 0;
	p = strstr(body, k);
	if (!p)
		return;
	for (p += strlen(k); *p && *p != '"' && i + 1 < cap; p++)
		out[i++] = *p == '\\' && p[1] ? *++p : *p;
	out[i] = 0;
}

static int ob_request(void *ctx, const struct bs_target *t, struct bs_http *h, struct err *e)
{
	(void)ctx, (void)t;
	if (strstr(h->path, ":get-bootstrapping-data")) {
		size_t n = mk_response(fs.ci_json, fs.level, obresp, sizeof obresp);
		answer(h, 200, obresp, n);
		return 0;
	}
	if (strstr(h->path, ":report-progress")) {
		const char *body = (const char *)h->body;
		int status = 204;
		CHECK(fs.n < 64);
		CHECK_EQ_INT(strlen(body), h->body_len);
		member(body, "progress-type", fs.types[fs.n], sizeof fs.types[0]);
		member(body, "message", fs.msgs[fs.n], sizeof fs.msgs[0]);
		if (strcmp(fs.types[fs.n], "bootstrap-complete") == 0) {
			snprintf(fs.complete, sizeof fs.complete, "%s", body);
			if (fs.complete_status)
				status = fs.complete_status;
			if (fs.reject_attest && strstr(body, ONBOARD_ATTEST_NAME))
				status = 400;
		} else {
			CHECK(strstr(body, "ssh-host-keys") == NULL);
			CHECK(strstr(body, ONBOARD_ATTEST_NAME) == NULL);
		}
		fs.n++;
		answer(h, status, "", 0);
		return 0;
	}
	return err_set(e, "unexpected path %s", h->path);
}

static void ob_close(void *ctx) { (void)ctx; }
static int ob_random(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++)
		buf[i] = fs.rnd++;
	return 0;
}
static void ob_sleep(void *ctx, int ms) { (void)ctx, (void)ms; }
static int64_t ob_now(void *ctx) { (void)ctx; return 0; }
static const struct bs_ops obops = { NULL, ob_open, ob_request, ob_close, ob_random, ob_sleep,
				     ob_now };

/* ------------------------------------------------------------ fake install */

static struct {
	int image_rc, image_mismatch, image_skipped;
	int image_fallback;           /* the image came from download-uri 2 */
	int commit_rc;
	int reports_at_write;         /* reports sent when the download began */
	int mount_rc;
	enum script_outcome pre, post;
	int config_rc;
	int n_keys;
	/* recorded */
	int mounted, mounts, unmounts, logs, images, scripts, configs;
	char order[256];
	char medium[64];
} fi;

static void note(const char *s)
{
	size_t n = strlen(fi.order);
	snprintf(fi.order + n, sizeof fi.order - n, "%s%s", n ? " " : "", s);
}

static int f_check_image(void *ctx, const struct conveyed_onboarding *ob,
			 struct install_result *r, struct err *e)
{
	(void)ctx;
	memset(r, 0, sizeof *r);
	snprintf(r->disk, sizeof r->disk, "/dev/vda");
	fi.images++;
	note("image");
	if (!ob->boot_image.present) {
		r->skipped = 1;
		return fi.image_rc < 0 ? err_set(e, "no disk: ambiguous") : 0;
	}
	r->mismatch = fi.image_mismatch;
	r->skipped = fi.image_skipped;
	if (r->skipped)
		snprintf(r->msg, sizeof r->msg, "X 1 is already installed");
	return 0;
}

static int f_write_image(void *ctx, const struct conveyed_onboarding *ob, const char *medium,
			 struct install_result *r, struct err *e)
{
	(void)ctx, (void)ob;
	snprintf(fi.medium, sizeof fi.medium, "%s", medium ? medium : "(none)");
	CHECK(r->mismatch);
	note("write");
	fi.reports_at_write = fs.n;
	if (fi.image_rc < 0)
		return err_set(e, "sha-256 mismatch: partition table wiped");
	r->installed = 1;
	if (fi.image_fallback) {
		r->image.uri_index = 1;
		snprintf(r->failed, sizeof r->failed, "https://192.0.2.9/img: HTTP 404 from 192.0.2.9");
	}
	snprintf(r->msg, sizeof r->msg, "X 1 written to /dev/vda");
	return 0;
}

static int f_commit(void *ctx, struct install_result *r, struct err *e)
{
	(void)ctx;
	CHECK(r->installed);
	note("commit");
	return fi.commit_rc < 0 ? err_set(e, "/dev/vda: write at offset 0: I/O error") : 0;
}

static void f_wipe(void *ctx, struct install_result *r)
{
	(void)ctx;
	CHECK(r->installed);
	CHECK(!r->mounted);
	r->installed = 0;
	note("wipe");
}

static int f_mount(void *ctx, struct install_result *r, struct err *e)
{
	(void)ctx;
	fi.mounts++;
	note("mount");
	if (fi.mount_rc < 0)
		return err_set(e, "no root partition");
	r->mounted = fi.mounted = 1;
	snprintf(r->root_dev, sizeof r->root_dev, "/dev/vda1");
	return 0;
}

static void f_unmount(void *ctx, struct install_result *r)
{
	(void)ctx;
	CHECK(r->mounted);
	r->mounted = fi.mounted = 0;
	fi.unmounts++;
	note("unmount");
}

static enum script_outcome f_script(void *ctx, const char *stage, const uint8_t *script,
				    size_t len, const struct conveyed_onboarding *ob,
				    const struct install_result *r, struct script_result *sr,
				    struct err *e)
{
	enum script_outcome oc = stage[1] == 'r' ? fi.pre : fi.post;
	(void)ctx, (void)ob, (void)script, (void)len;
	CHECK(r->mounted);
	fi.scripts++;
	note(stage);
	snprintf(sr->tail, sizeof sr->tail, "%s script said hello\n", stage);
	sr->status = oc == SCRIPT_OK ? 0 : oc == SCRIPT_WARNING ? 64 : 3;
	if (oc != SCRIPT_OK)
		err_set(e, "%s-configuration script exited with status %d", stage, sr->status);
	return oc;
}

static int f_config(void *ctx, enum conveyed_handling handling, const uint8_t *cfg, size_t len,
		    struct config_result *cr, struct err *e)
{
	(void)ctx, (void)cfg, (void)len;
	CHECK(fi.mounted);
	fi.configs++;
	note(handling == CONVEYED_HANDLING_REPLACE ? "config-replace" : "config-merge");
	if (fi.config_rc < 0)
		return err_set(e, "etc/../x: \"..\" in a path");
	cr->files = 2;
	cr->dirs = 1;
	return 0;
}

static int f_keys(void *ctx, struct install_ssh_key *keys, int max)
{
	(void)ctx;
	note("keys");
	for (int i = 0; i < fi.n_keys && i < max; i++) {
		snprintf(keys[i].algorithm, sizeof keys[i].algorithm, "%s",
			 i ? "ecdsa-sha2-nistp256" : "ssh-ed25519");
		snprintf(keys[i].key_data, sizeof keys[i].key_data, "AAAAC3NzaC1lZDI1NTE5AAAAI%d==", i);
	}
	return fi.n_keys < max ? fi.n_keys : max;
}

static int f_log(void *ctx, struct err *e)
{
	(void)ctx, (void)e;
	CHECK(fi.mounted);
	fi.logs++;
	note("log");
	return 0;
}

static const struct onboard_ops fake_install = { NULL, f_check_image, f_write_image, f_commit,
						 f_wipe, f_mount, f_unmount, f_script, f_config,
						 f_keys, f_log };

/* ------------------------------------------------------------ fake TPM */

static struct {
	int on, quote_fail;
	char types[16][CEL_TYPE_MAX];
	int n;
	char nonce_hex[80];
} ft;

static int ft_extend(void *ctx, const struct cel_event *ev, struct err *e)
{
	(void)ctx, (void)e;
	if (ft.n < 16)
		snprintf(ft.types[ft.n++], CEL_TYPE_MAX, "%s", ev->type);
	note(ev->type);
	return 0;
}

static int ft_quote(void *ctx, const uint8_t *nonce, size_t nonce_len, char *out, size_t cap,
		    struct err *e)
{
	(void)ctx;
	if (ft.quote_fail)
		return err_set(e, "tpm: TPM2_Quote failed");
	for (size_t i = 0; i < nonce_len && i < 32; i++)
		snprintf(ft.nonce_hex + 2 * i, 3, "%02x", nonce[i]);
	snprintf(out, cap, "{\"format\":\"sztp-tpm-quote/1\",\"qualifying-data\":\"%s\"}",
		 ft.nonce_hex);
	return 0;
}

static char ft_log[] = "/tmp/sztp-test-onboard-XXXXXX";

static void tpm_on(void)
{
	struct measure_backend b = { NULL, "fake TPM", CEL_BANK(CEL_SHA256), ft_extend, ft_quote };
	struct err e;
	int fd = mkstemp(ft_log);
	CHECK(fd >= 0);
	close(fd);
	unlink(ft_log);
	ft.on = 1;
	CHECK_EQ_INT(measure_init(14, ft_log, &b, &e), 0);
}

static void tpm_off(void)
{
	struct err e;
	if (ft.on)
		unlink(ft_log);
	ft.on = 0;
	measure_init(14, NULL, NULL, &e);
	snprintf(ft_log, sizeof ft_log, "/tmp/sztp-test-onboard-XXXXXX");
}

/* ------------------------------------------------------------ harness */

static struct bs_config obcfg;
static struct anchors ob_anchor;
static struct clock_policy ob_clock;

#define SHA "00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14:15:16:17:18:19:1a:1b:1c:1d:1e:1f"
#define IMG "\"boot-image\":{\"os-name\":\"X\",\"os-version\":\"1\",\"download-uri\":[" \
	"\"https://192.0.2.9/img\"],\"image-verification\":[{\"hash-algorithm\":" \
	"\"ietf-sztp-conveyed-info:sha-256\",\"hash-value\":\"" SHA "\"}]}"
#define PRE "\"pre-configuration-script\":\"ZWNobyBwcmUK\""
#define CFG "\"configuration-handling\":\"merge\",\"configuration\":\"eA==\""
#define CFG_R "\"configuration-handling\":\"replace\",\"configuration\":\"eA==\""
#define POST "\"post-configuration-script\":\"ZWNobyBwb3N0Cg==\""
#define OB(x) "{\"ietf-sztp-conveyed-info:onboarding-information\":{" x "}}"

static void ob_setup(const char *json, const char *level, int with_install)
{
	memset(&fs, 0, sizeof fs);
	memset(&fi, 0, sizeof fi);
	memset(&ft, 0, sizeof ft);
	memset(&obcfg, 0, sizeof obcfg);
	tpm_off();
	log_set_level(LOG_ERR);
	fs.ci_json = json;
	fs.level = level;
	ob_anchor.n = 1;
	obcfg.serial = "SN1";
	obcfg.anchors = &ob_anchor;
	obcfg.max_rounds = 1;
	obcfg.install = with_install ? &fake_install : NULL;
	clock_policy_exact(&ob_clock, time(NULL));
	obcfg.clock = &ob_clock;
}

static int ob_go(struct err *e)
{
	static const struct bs_source src[1] = { { "https://192.0.2.1:8443", "test", NULL, 0, NULL } };
	int rc;
	err_clear(e);
	rc = bs_run(&obst, &obcfg, &obops, src, 1, e);
	if (getenv("SZTP_TEST_DEBUG"))
		fprintf(stderr, "ob_go: %d: %s\n", rc, obst.last);
	return rc;
}

/* The recorded report types, space-separated. */
static const char *seq(void)
{
	static char s[2048];
	size_t k = 0;
	s[0] = 0;
	for (int i = 0; i < fs.n; i++)
		k += (size_t)snprintf(s + k, sizeof s - k, "%s%s", i ? " " : "", fs.types[i]);
	return s;
}

static int find_type(const char *t)
{
	for (int i = 0; i < fs.n; i++)
		if (strcmp(fs.types[i], t) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------ tests */

TEST(onboard_full_install_verbose)
{
	struct err e;
	ob_setup(OB(IMG "," PRE "," CFG "," POST), "verbose", 1);
	fi.image_mismatch = 1;
	fi.n_keys = 2;
	CHECK_EQ_INT(ob_go(&e), 0);
	CHECK_EQ_STR(seq(), "bootstrap-initiated parsing-initiated parsing-complete informational "
		     "boot-image-initiated boot-image-mismatch boot-image-complete "
		     "pre-script-initiated pre-script-complete config-initiated config-complete "
		     "post-script-initiated post-script-complete bootstrap-complete");
	/* the image's partition table is written once bootstrap-complete is acknowledged */
	CHECK_EQ_STR(fi.order, "image write mount pre config-merge post keys commit log");
	CHECK_EQ_STR(fi.medium, "(none)"); /* from a server: no medium for file:// */
	CHECK(strstr(fs.msgs[find_type("informational")], "not measured") != NULL);
	/* the new root waits for the pivot, mounted */
	CHECK_EQ_INT(obst.ow.ready, 1);
	CHECK_EQ_INT(fi.mounted, 1);
	CHECK_EQ_INT(fi.unmounts, 0);
	/* messages: the image step's, the script output (verbose) */
	CHECK(strstr(fs.msgs[find_type("boot-image-complete")], "written to /dev/vda") != NULL);
	CHECK(strstr(fs.msgs[find_type("pre-script-complete")], "pre script said hello") != NULL);
	CHECK(strstr(fs.msgs[find_type("config-complete")], "2 files, 1 directories") != NULL);
	/* bootstrap-complete carries the keys, no attestation without a TPM */
	CHECK(strstr(fs.complete, "\"ssh-host-keys\":{\"ssh-host-key\":[{\"algorithm\":"
		     "\"ssh-ed25519\",\"key-data\":\"AAAAC3NzaC1lZDI1NTE5AAAAI0==\"},"
		     "{\"algorithm\":\"ecdsa-sha2-nistp256\"") != NULL);
	CHECK(strstr(fs.complete, ONBOARD_ATTEST_NAME) == NULL);
}

TEST(onboard_full_install_minimal_and_no_pivot)
{
	struct err e;
	ob_setup(OB(IMG "," CFG_R), NULL, 1);
	fi.image_mismatch = 1;
	obcfg.no_pivot = 1;
	CHECK_EQ_INT(ob_go(&e), 0);
	CHECK_EQ_STR(seq(), "bootstrap-initiated boot-image-mismatch bootstrap-complete");
	CHECK_EQ_STR(fi.order, "image write mount config-replace keys commit log unmount");
	CHECK_EQ_INT(obst.ow.ready, 0);
	CHECK(strstr(fs.complete, "ssh-host-keys") == NULL); /* the root has none */
}

TEST(onboard_same_os_version_configuration_only)
{
	struct err e;
	ob_setup(OB(IMG "," CFG), "verbose", 1);
	fi.image_skipped = 1;
	CHECK_EQ_INT(ob_go(&e), 0);
	CHECK_EQ_STR(seq(), "bootstrap-initiated parsing-initiated parsing-complete informational "
		     "boot-image-initiated boot-image-complete config-initiated config-complete "
		     "bootstrap-complete");
	CHECK(strstr(fs.msgs[find_type("boot-image-complete")], "already installed") != NULL);
	CHECK_EQ_STR(fi.order, "image mount config-merge keys log");
	CHECK_EQ_INT(obst.ow.ready, 1);
}

TEST(onboard_image_error_abandons)
{
	struct err e;
	ob_setup(OB(IMG "," CFG), "verbose", 1);
	fi.image_mismatch = 1;
	fi.image_rc = -1;
	CHECK_EQ_INT(ob_go(&e), -1);
	CHECK_EQ_STR(seq(), "bootstrap-initiated parsing-initiated parsing-complete informational "
		     "boot-image-initiated boot-image-mismatch boot-image-error");
	CHECK(strstr(fs.msgs[fs.n - 1], "partition table wiped") != NULL);
	CHECK_EQ_STR(fi.order, "image write");   /* nothing mounted, nothing configured */
	CHECK_EQ_INT(obst.ow.ready, 0);
	CHECK(strstr(obst.last, "boot-image-error") != NULL);
	/* minimal: the mismatch and the error */
	ob_setup(OB(IMG), NULL, 1);
	fi.image_mismatch = 1;
	fi.image_rc = -1;
	CHECK_EQ_INT(ob_go(&e), -1);
	CHECK_EQ_STR(seq(), "bootstrap-initiated boot-image-mismatch boot-image-error");
}

TEST(onboard_mount_failure)
{
	struct err e;
	ob_setup(OB(IMG "," PRE), "verbose", 1);
	fi.image_skipped = 1;
	fi.mount_rc = -1;
	CHECK_EQ_INT(ob_go(&e), -1);
	CHECK_EQ_STR(seq(), "bootstrap-initiated parsing-initiated parsing-complete informational "
		     "boot-image-initiated boot-image-complete boot-image-error");
	CHECK_EQ_INT(fi.scripts, 0);
	/* without a boot-image the first step that needed the root fails */
	ob_setup(OB(CFG "," POST), "verbose", 1);
	fi.mount_rc = -1;
	CHECK_EQ_INT(ob_go(&e), -1);
	CHECK_EQ_STR(seq(), "bootstrap-initiated parsing-initiated parsing-complete informational "
		     "config-initiated config-error");
	CHECK(strstr(fs.msgs[fs.n - 1], "no root partition") != NULL);
	/* ... and no disk at all */
	ob_setup(OB(POST), "verbose", 1);
	fi.image_rc = -1;
	CHECK_EQ_INT(ob_go(&e), -1);
	CHECK_EQ_STR(seq(), "bootstrap-initiated parsing-initiated parsing-complete informational "
		     "post-script-initiated post-script-error");
	CHECK_EQ_INT(fi.mounts, 0);
}

TEST(onboard_script_warning_goes_on_error_abandons)
{
	struct err e;
	ob_setup(OB(IMG "," PRE "," CFG "," POST), "verbose", 1);
	fi.image_skipped = 1;
	fi.pre = SCRIPT_WARNING;
	fi.post = SCRIPT_ERROR;
	CHECK_EQ_INT(ob_go(&e), -1);
	CHECK_EQ_STR(seq(), "bootstrap-initiated parsing-initiated parsing-complete informational "
		     "boot-image-initiated boot-image-complete pre-script-initiated "
		     "pre-script-warning config-initiated config-complete post-script-initiated "
		     "post-script-error");
	CHECK(strstr(fs.msgs[find_type("pre-script-warning")], "status 64") != NULL);
	CHECK(strstr(fs.msgs[find_type("pre-script-warning")], "pre script said hello") != NULL);
	CHECK(strstr(fs.msgs[find_type("post-script-error")], "status 3: output: post script") != NULL);
	CHECK_EQ_STR(fi.order, "image mount pre config-merge post unmount");
	CHECK_EQ_INT(fi.mounted, 0);
	CHECK_EQ_INT(obst.ow.ready, 0);
	/* a pre-script error stops before the configuration */
	ob_setup(OB(PRE "," CFG), NULL, 1);
	fi.pre = SCRIPT_ERROR;
	CHECK_EQ_INT(ob_go(&e), -1);
	CHECK_EQ_STR(seq(), "bootstrap-initiated pre-script-error");
	/* errors carry the script output at every reporting level */
	CHECK(strstr(fs.msgs[1], "status 3: output: pre script said hello") != NULL);
	CHECK_EQ_INT(fi.configs, 0);
	CHECK_EQ_INT(fi.unmounts, 1);
}

TEST(onboard_config_error_abandons)
{
	struct err e;
	ob_setup(OB(CFG "," POST), "verbose", 1);
	fi.config_rc = -1;
	CHECK_EQ_INT(ob_go(&e), -1);
	CHECK_EQ_STR(seq(), "bootstrap-initiated parsing-initiated parsing-complete informational "
		     "config-initiated config-error");
	CHECK(strstr(fs.msgs[fs.n - 1], "\"..\" in a path") != NULL);
	CHECK_EQ_INT(fi.scripts, 0);
	CHECK_EQ_INT(fi.mounted, 0);
}

TEST(onboard_nothing_to_do_touches_no_disk)
{
	struct err e;
	ob_setup(OB(""), "verbose", 1);
	CHECK_EQ_INT(ob_go(&e), 0);
	CHECK_EQ_STR(seq(), "bootstrap-initiated parsing-initiated parsing-complete "
		     "bootstrap-complete");
	CHECK_EQ_STR(fi.order, "");
	CHECK_EQ_INT(obst.ow.ready, 0);
}

TEST(onboard_without_install_target)
{
	struct err e;
	ob_setup(OB(CFG), "verbose", 0);
	CHECK_EQ_INT(ob_go(&e), -1);
	CHECK_EQ_STR(seq(), "bootstrap-initiated parsing-initiated parsing-complete informational "
		     "config-initiated config-error");
	CHECK(strstr(fs.msgs[fs.n - 1], "no install target") != NULL);
}

TEST(onboard_unacknowledged_complete_unmounts)
{
	struct err e;
	ob_setup(OB(IMG), NULL, 1);
	fi.image_mismatch = 1;
	fs.complete_status = 500;
	CHECK_EQ_INT(ob_go(&e), -1);
	CHECK_EQ_STR(seq(), "bootstrap-initiated boot-image-mismatch bootstrap-complete "
		     "bootstrap-error");
	CHECK_EQ_INT(fi.unmounts, 1);
	CHECK_EQ_INT(fi.logs, 0);
	CHECK_EQ_INT(obst.ow.ready, 0);
	/* the image written for it is wiped, never made bootable */
	CHECK_EQ_STR(fi.order, "image write mount keys unmount wipe");
}

TEST(onboard_measures_before_acting_and_attests)
{
	struct err e;
	char nb[64];
	ob_setup(OB(IMG "," PRE "," CFG "," POST), NULL, 1);
	tpm_on();
	fi.image_mismatch = 1;
	CHECK_EQ_INT(ob_go(&e), 0);
	/* each artifact measured before the step acts on it */
	CHECK_EQ_STR(fi.order, "conveyed-information boot-image image write mount "
		     "pre-configuration-script pre "
		     "configuration config-merge post-configuration-script post keys commit log");
	/* the evidence and the nonce it was made for */
	const char *a = strstr(fs.complete, ",\"" ONBOARD_ATTEST_NAME "\":{\"nonce\":\"");
	CHECK(a != NULL);
	CHECK(strstr(a, "\"nonce-origin\":\"device\",\"evidence\":{\"format\":\"sztp-tpm-quote/1\"") != NULL);
	member(a, "nonce", nb, sizeof nb);
	uint8_t raw[40];
	size_t rl = 0;
	CHECK_EQ_INT(b64_decode(nb, strlen(nb), raw, sizeof raw, &rl, &e), 0);
	CHECK_EQ_INT(rl, 32);
	char hex[80];
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	CHECK_EQ_STR(hex, ft.nonce_hex);
	CHECK(strstr(fs.complete, "}}}") != NULL);
	tpm_off();
}

TEST(onboard_quote_failure_still_completes)
{
	struct err e;
	ob_setup(OB(IMG), NULL, 1);
	tpm_on();
	ft.quote_fail = 1;
	fi.image_mismatch = 1;
	CHECK_EQ_INT(ob_go(&e), 0);
	CHECK_EQ_STR(seq(), "bootstrap-initiated boot-image-mismatch bootstrap-complete");
	CHECK(strstr(fs.complete, ONBOARD_ATTEST_NAME) == NULL);
	tpm_off();
}

TEST(onboard_attestation_refused_sent_again_without)
{
	struct err e;
	ob_setup(OB(IMG), NULL, 1);
	tpm_on();
	fi.image_mismatch = 1;
	fs.reject_attest = 1;
	CHECK_EQ_INT(ob_go(&e), 0);
	CHECK_EQ_STR(seq(), "bootstrap-initiated boot-image-mismatch bootstrap-complete "
		     "bootstrap-complete");
	CHECK(strstr(fs.complete, ONBOARD_ATTEST_NAME) == NULL); /* the last one */
	CHECK_EQ_INT(obst.ow.ready, 1);
	/* a server that refuses bootstrap-complete either way: not complete */
	ob_setup(OB(IMG), NULL, 1);
	tpm_on();
	fi.image_mismatch = 1;
	fs.complete_status = 400;
	CHECK_EQ_INT(ob_go(&e), -1);
	CHECK_EQ_STR(seq(), "bootstrap-initiated boot-image-mismatch bootstrap-complete "
		     "bootstrap-complete bootstrap-error");
	CHECK_EQ_INT(fi.unmounts, 1);
	tpm_off();
}

/* boot-image-mismatch goes out when the mismatch is found, before the download. */
TEST(onboard_mismatch_reported_before_download)
{
	struct err e;
	ob_setup(OB(IMG), NULL, 1);
	fi.image_mismatch = 1;
	CHECK_EQ_INT(ob_go(&e), 0);
	CHECK(fi.reports_at_write >= 2);
	CHECK_EQ_STR(fs.types[fi.reports_at_write - 1], "boot-image-mismatch");
}

/* A download-uri that failed before the one that worked: boot-image-warning
 * (verbose), naming it. */
TEST(onboard_boot_image_warning_for_a_failed_uri)
{
	struct err e;
	ob_setup(OB(IMG), "verbose", 1);
	fi.image_mismatch = 1;
	fi.image_fallback = 1;
	CHECK_EQ_INT(ob_go(&e), 0);
	CHECK_EQ_STR(seq(), "bootstrap-initiated parsing-initiated parsing-complete informational "
		     "boot-image-initiated boot-image-mismatch boot-image-warning "
		     "boot-image-complete bootstrap-complete");
	CHECK(strstr(fs.msgs[find_type("boot-image-warning")], "written from download-uri 2 "
		     "after: https://192.0.2.9/img: HTTP 404") != NULL);
	ob_setup(OB(IMG), NULL, 1);
	fi.image_mismatch = 1;
	fi.image_fallback = 1;
	CHECK_EQ_INT(ob_go(&e), 0);
	CHECK_EQ_INT(find_type("boot-image-warning"), -1); /* minimal: not sent */
}

/* Onboarding abandoned after the image was written (a script error, a
 * configuration error, a commit that fails): the image is wiped, nothing
 * bootable is left (RFC 8572 section 5.6); it is made bootable only after
 * bootstrap-complete was acknowledged. */
TEST(onboard_abandoned_after_image_leaves_nothing_bootable)
{
	struct err e;
	ob_setup(OB(IMG "," PRE "," CFG), NULL, 1);
	fi.image_mismatch = 1;
	fi.pre = SCRIPT_ERROR;
	CHECK_EQ_INT(ob_go(&e), -1);
	CHECK_EQ_STR(fi.order, "image write mount pre unmount wipe");
	ob_setup(OB(IMG "," CFG), NULL, 1);
	fi.image_mismatch = 1;
	fi.config_rc = -1;
	CHECK_EQ_INT(ob_go(&e), -1);
	CHECK_EQ_STR(fi.order, "image write mount config-merge unmount wipe");
	/* the configuration-only path wrote no image: nothing to wipe */
	ob_setup(OB(IMG "," CFG), NULL, 1);
	fi.image_skipped = 1;
	fi.config_rc = -1;
	CHECK_EQ_INT(ob_go(&e), -1);
	CHECK_EQ_STR(fi.order, "image mount config-merge unmount");
	/* the table cannot be written: not complete, wiped */
	ob_setup(OB(IMG), NULL, 1);
	fi.image_mismatch = 1;
	fi.commit_rc = -1;
	CHECK_EQ_INT(ob_go(&e), -1);
	CHECK_EQ_STR(fi.order, "image write mount keys commit unmount wipe");
	CHECK(strstr(obst.last, "could not be made bootable") != NULL);
	CHECK_EQ_INT(obst.ow.ready, 0);
}

/* ------------------------------------------------------------ onboard_run() on its own */

/* A reporter that records (no bootstrap engine). */
static struct {
	int refuse_initiated;         /* bootstrap-initiated not acknowledged */
	char types[32][40];
	int n;
	char nonce[64];               /* the attestation's nonce member */
	char origin[32];              /* ... and nonce-origin */
	size_t n_keys;
} fr;

static int fr_report_ex(void *ctx, const struct restconf_report *r, struct err *e)
{
	CHECK(ctx == &fr);
	CHECK(fr.n < 32);
	snprintf(fr.types[fr.n++], sizeof fr.types[0], "%s", r->type);
	if (r->aug_json) {
		CHECK_EQ_STR(r->aug_name, ONBOARD_ATTEST_NAME);
		member(r->aug_json, "nonce", fr.nonce, sizeof fr.nonce);
		member(r->aug_json, "nonce-origin", fr.origin, sizeof fr.origin);
	}
	fr.n_keys = r->n_keys;
	if (fr.refuse_initiated && strcmp(r->type, "bootstrap-initiated") == 0)
		return err_set(e, "report-progress bootstrap-initiated: HTTP 500");
	return 0;
}

static int fr_report(void *ctx, enum progress_type t, const char *msg, struct err *e)
{
	struct restconf_report r;
	memset(&r, 0, sizeof r);
	r.type = progress_name(t);
	r.message = msg;
	return fr_report_ex(ctx, &r, e);
}

static const char *fr_seq(void)
{
	static char s[1024];
	size_t k = 0;
	s[0] = 0;
	for (int i = 0; i < fr.n; i++)
		k += (size_t)snprintf(s + k, sizeof s - k, "%s%s", i ? " " : "", fr.types[i]);
	return s;
}

TEST(onboard_run_through_its_own_interface)
{
	static struct onboard_work w;
	static const uint8_t cfgdata[] = "x";
	struct onboard_reporter rep = { &fr, fr_report, fr_report_ex };
	struct conveyed_onboarding ob;
	struct onboard_input in;
	uint8_t nonce[32];
	struct err e;

	ob_setup(OB(""), NULL, 1);
	memset(&fr, 0, sizeof fr);
	memset(&ob, 0, sizeof ob);
	ob.handling = CONVEYED_HANDLING_MERGE;
	ob.configuration.data = cfgdata;
	ob.configuration.len = 1;
	memset(nonce, 0xab, sizeof nonce);
	memset(&in, 0, sizeof in);
	in.install = &fake_install;
	in.reporter = &rep;
	in.report_enabled = 1;
	in.where = "https://192.0.2.1:8443 (test)";
	in.nonce = nonce;
	in.nonce_len = sizeof nonce;
	fi.n_keys = 1;
	tpm_on();
	err_clear(&e);
	CHECK_EQ_INT(onboard_run(&in, &ob, &w, &e), 0);
	/* every report goes to the reporter, which decides: here, all of them */
	CHECK_EQ_STR(fr_seq(), "bootstrap-initiated parsing-initiated parsing-complete "
		     "informational config-initiated config-complete bootstrap-complete");
	CHECK_EQ_STR(fi.order, "image mount configuration config-merge keys log");
	CHECK_EQ_INT(w.ready, 1);
	CHECK_EQ_INT(fr.n_keys, 1);
	/* the nonce given in the input is the one attested */
	CHECK_EQ_STR(fr.origin, "get-bootstrapping-data");
	CHECK_EQ_STR(fr.nonce, "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=");
	CHECK_EQ_STR(ft.nonce_hex, "abababababababababababababababababababababababababababababababab");
	tpm_off();

	/* no_pivot: done, the root unmounted */
	ob_setup(OB(""), NULL, 1);
	memset(&fr, 0, sizeof fr);
	in.no_pivot = 1;
	CHECK_EQ_INT(onboard_run(&in, &ob, &w, &e), 0);
	CHECK_EQ_INT(w.ready, 0);
	CHECK_EQ_INT(fi.unmounts, 1);
	CHECK(fr.origin[0] == 0); /* no TPM: no attestation */

	/* bootstrap-initiated not acknowledged: nothing is touched */
	ob_setup(OB(""), NULL, 1);
	memset(&fr, 0, sizeof fr);
	fr.refuse_initiated = 1;
	CHECK_EQ_INT(onboard_run(&in, &ob, &w, &e), -1);
	CHECK_EQ_STR(fr_seq(), "bootstrap-initiated bootstrap-error");
	CHECK_EQ_STR(fi.order, "");
	CHECK(strstr(e.msg, "HTTP 500") != NULL);

	/* no reporter: the steps run all the same */
	ob_setup(OB(""), NULL, 1);
	memset(&fr, 0, sizeof fr);
	in.reporter = NULL;
	in.no_pivot = 0;
	err_clear(&e);
	CHECK_EQ_INT(onboard_run(&in, &ob, &w, &e), 0);
	CHECK_EQ_INT(fr.n, 0);
	CHECK_EQ_STR(fi.order, "image mount config-merge keys log");
	CHECK_EQ_INT(w.ready, 1);

	/* data from a medium: the image step is told which */
	ob_setup(OB(""), NULL, 1);
	fi.image_mismatch = 1;
	ob.boot_image.present = 1;
	in.medium = "/run/sztp/media/sdb1";
	CHECK_EQ_INT(onboard_run(&in, &ob, &w, &e), 0);
	CHECK(strstr(fi.order, "write") != NULL);
	CHECK_EQ_STR(fi.medium, "/run/sztp/media/sdb1");
}

TEST(onboard_attestation_object)
{
	static char out[512];
	uint8_t nonce[32];
	struct err e;
	static const char want[] = "{\"nonce\":\"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\","
				   "\"nonce-origin\":\"get-bootstrapping-data\",\"evidence\":{";
	memset(nonce, 0xab, sizeof nonce);
	tpm_off();
	memset(&ft, 0, sizeof ft);
	CHECK_EQ_INT(onboard_attestation(nonce, 32, 1, out, sizeof out, &e), -1); /* no TPM */
	tpm_on();
	CHECK(onboard_attestation(nonce, 32, 1, out, sizeof out, &e) > 0);
	CHECK(strncmp(out, want, strlen(want)) == 0);
	CHECK(out[strlen(out) - 1] == '}' && out[strlen(out) - 2] == '}');
	CHECK_EQ_INT(onboard_attestation(nonce, 0, 1, out, sizeof out, &e), -1);
	CHECK_EQ_INT(onboard_attestation(nonce, 32, 1, out, 100, &e), -1); /* no room */
	tpm_off();
}

TEST(cmdline_done_pivot)
{
	struct sztp_config c;
	config_defaults(&c);
	CHECK_EQ_STR(c.done, "pivot");
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp.done=poweroff"), 0);
	CHECK_EQ_STR(c.done, "poweroff");
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp.done=pivot"), 0);
	CHECK_EQ_STR(c.done, "pivot");
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp.done=kexec"), 1);
	CHECK_EQ_STR(c.done, "pivot");
}

/* ------------------------------------------------------------ restconf_report_write */

TEST(restconf_report_write_keys_and_augmentation)
{
	static char out[1024];
	struct restconf_ssh_key k[2] = { { "ssh-ed25519", "AAAA" }, { "ssh-rsa", "AAAAB3Nz" } };
	struct restconf_report r;
	struct err e;

	memset(&r, 0, sizeof r);
	r.type = "bootstrap-complete";
	r.keys = k;
	r.n_keys = 2;
	r.aug_name = "sztp-initrd:tpm-attestation";
	r.aug_json = "{\"a\":1}";
	CHECK(restconf_report_write(&r, out, sizeof out, &e) > 0);
	CHECK_EQ_STR(out, "{\"ietf-sztp-bootstrap-server:input\":{\"progress-type\":"
		     "\"bootstrap-complete\",\"ssh-host-keys\":{\"ssh-host-key\":["
		     "{\"algorithm\":\"ssh-ed25519\",\"key-data\":\"AAAA\"},"
		     "{\"algorithm\":\"ssh-rsa\",\"key-data\":\"AAAAB3Nz\"}]},"
		     "\"sztp-initrd:tpm-attestation\":{\"a\":1}}}");
	/* the plain form is unchanged */
	CHECK(restconf_report_body("config-error", "x\ny", out, sizeof out, &e) > 0);
	CHECK_EQ_STR(out, "{\"ietf-sztp-bootstrap-server:input\":{\"progress-type\":"
		     "\"config-error\",\"message\":\"x y\"}}");
	/* messages: UTF-8 kept, other bytes and cut sequences replaced */
	CHECK(restconf_report_body("informational", "caf\xc3\xa9 \xff\xfe x\xe2\x82", out,
				   sizeof out, &e) > 0);
	CHECK(strstr(out, "\"message\":\"caf\xc3\xa9 ?? x??\"") != NULL);
	CHECK(restconf_report_body("informational", "\xed\xa0\x80 \xc0\xaf", out, sizeof out,
				   &e) > 0);
	CHECK(strstr(out, "\"message\":\"??? ??\"") != NULL);
	/* refusals */
	r.type = "config-complete";
	CHECK_EQ_INT(restconf_report_write(&r, out, sizeof out, &e), -1);
	CHECK(strstr(e.msg, "only go with bootstrap-complete") != NULL);
	r.type = "bootstrap-complete";
	k[1].key_data = "AAA\"";
	CHECK_EQ_INT(restconf_report_write(&r, out, sizeof out, &e), -1);
	CHECK(strstr(e.msg, "not base64") != NULL);
	k[1].key_data = "AA=A";
	CHECK_EQ_INT(restconf_report_write(&r, out, sizeof out, &e), -1);
	k[1].key_data = "AAAAB3Nz";
	k[0].algorithm = "ssh\ted25519";
	CHECK_EQ_INT(restconf_report_write(&r, out, sizeof out, &e), -1);
	CHECK(strstr(e.msg, "bad algorithm") != NULL);
	k[0].algorithm = "";
	CHECK_EQ_INT(restconf_report_write(&r, out, sizeof out, &e), -1);
	k[0].algorithm = "ssh-ed25519";
	r.aug_name = "no-module";
	CHECK_EQ_INT(restconf_report_write(&r, out, sizeof out, &e), -1);
	r.aug_name = "a:b\"";
	CHECK_EQ_INT(restconf_report_write(&r, out, sizeof out, &e), -1);
	r.aug_name = "sztp-initrd:tpm-attestation";
	r.aug_json = "[1]";
	CHECK_EQ_INT(restconf_report_write(&r, out, sizeof out, &e), -1);
	CHECK(strstr(e.msg, "not a JSON object") != NULL);
	r.aug_json = "{\"a\":\"\x01\"}";
	CHECK_EQ_INT(restconf_report_write(&r, out, sizeof out, &e), -1);
	r.aug_json = "{\"a\":1}";
	CHECK_EQ_INT(restconf_report_write(&r, out, 60, &e), -1);
	CHECK(strstr(e.msg, "larger than 60 bytes") != NULL);
	CHECK_EQ_STR(out, "");
}
