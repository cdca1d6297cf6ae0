/* onboard.c: the onboarding steps (see onboard.h). */
#include "sztp/onboard.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "tpm/measure.h"

static void hex_colon(const uint8_t *h, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 4 <= cap; i++)
		k += (size_t)snprintf(out + k, cap - k, "%s%02x", i ? ":" : "", h[i]);
	if (cap)
		out[k < cap ? k : cap - 1] = 0;
}

void onboard_log(const struct conveyed_onboarding *ob)
{
	const struct conveyed_boot_image *bi = &ob->boot_image;
	char hash[100];

	if (!bi->present) {
		log_info("bootstrap", "onboarding-information: no boot-image");
	} else {
		log_info("bootstrap", "onboarding-information: boot-image os-name \"%s\" os-version "
			 "\"%s\", %d download-uri, %d sha-256 hash(es)%s", bi->os_name,
			 bi->os_version, bi->n_uris, bi->n_sha256,
			 bi->n_skipped_hashes ? " (unknown hash algorithms skipped)" : "");
		for (int i = 0; i < bi->n_uris; i++)
			log_info("bootstrap", "  download-uri %d: %s", i + 1, bi->uris[i]);
		for (int i = 0; i < bi->n_sha256; i++) {
			hex_colon(bi->sha256[i], 32, hash, sizeof hash);
			log_info("bootstrap", "  sha-256 %s", hash);
		}
	}
	log_info("bootstrap", "onboarding-information: pre-configuration-script %s, "
		 "configuration %s (%s), post-configuration-script %s",
		 ob->pre_script.len ? "present" : "absent",
		 ob->configuration.len ? "present" : "absent",
		 ob->handling == CONVEYED_HANDLING_MERGE ? "merge" :
		 ob->handling == CONVEYED_HANDLING_REPLACE ? "replace" : "no handling",
		 ob->post_script.len ? "present" : "absent");
	if (ob->pre_script.len)
		log_info("bootstrap", "  pre-configuration-script: %zu bytes", ob->pre_script.len);
	if (ob->configuration.len)
		log_info("bootstrap", "  configuration: %zu bytes", ob->configuration.len);
	if (ob->post_script.len)
		log_info("bootstrap", "  post-configuration-script: %zu bytes", ob->post_script.len);
}

/* ------------------------------------------------------------ the real steps */

static int ri_check_image(void *ctx, const struct conveyed_onboarding *ob,
			  struct install_result *r, struct err *e)
{
	return install_check_image(ob, ctx, r, e);
}

static int ri_write_image(void *ctx, const struct conveyed_onboarding *ob, const char *medium,
			  struct install_result *r, struct err *e)
{
	struct install_opts o = *(const struct install_opts *)ctx;
	o.medium = medium;
	return install_write_image(ob, &o, r, e);
}

static int ri_commit_image(void *ctx, struct install_result *r, struct err *e)
{
	return install_commit_image(ctx, r, e);
}

static void ri_wipe_image(void *ctx, struct install_result *r)
{
	install_wipe_image(ctx, r);
}

static int ri_mount_root(void *ctx, struct install_result *r, struct err *e)
{
	return install_mount_root(ctx, r, 0, e);
}

static void ri_unmount_root(void *ctx, struct install_result *r)
{
	install_unmount_root(ctx, r);
}

static enum script_outcome ri_run_script(void *ctx, const char *stage, const uint8_t *script,
					 size_t len, const struct conveyed_onboarding *ob,
					 const struct install_result *r, struct script_result *sr,
					 struct err *e)
{
	return install_run_script(stage, script, len, ob, ctx, r, sr, e);
}

static const char *ri_root(void *ctx)
{
	const struct install_opts *o = ctx;
	return o->sysroot ? o->sysroot : INSTALL_SYSROOT;
}

static int ri_apply_config(void *ctx, enum conveyed_handling handling, const uint8_t *cfg,
			   size_t len, struct config_result *cr, struct err *e)
{
	return install_apply_config(handling, cfg, len, ri_root(ctx), cr, e);
}

static int ri_ssh_host_keys(void *ctx, struct install_ssh_key *keys, int max)
{
	return install_ssh_host_keys(ri_root(ctx), keys, max);
}

static int ri_save_log(void *ctx, struct err *e)
{
	return install_save_log(ctx, e);
}

void onboard_ops_install(struct onboard_ops *ops, const struct install_opts *o)
{
	memset(ops, 0, sizeof *ops);
	ops->ctx = (void *)o; /* read only, through the ri_* callbacks */
	ops->check_image = ri_check_image;
	ops->write_image = ri_write_image;
	ops->commit_image = ri_commit_image;
	ops->wipe_image = ri_wipe_image;
	ops->mount_root = ri_mount_root;
	ops->unmount_root = ri_unmount_root;
	ops->run_script = ri_run_script;
	ops->apply_config = ri_apply_config;
	ops->ssh_host_keys = ri_ssh_host_keys;
	ops->save_log = ri_save_log;
}

/* ------------------------------------------------------------ the engine */

int onboard_acts(const struct conveyed_onboarding *ob)
{
	return ob->boot_image.present || ob->pre_script.len || ob->configuration.len ||
	       ob->post_script.len;
}

/* One onboard_run(): what it was told and where it works. */
struct run {
	const struct onboard_input *in;
	struct onboard_work *w;
	int error;                 /* script_msg() is making an error report */
};

static int report(const struct run *ru, enum progress_type t, const char *msg, struct err *e)
{
	const struct onboard_reporter *rp = ru->in->reporter;
	return rp ? rp->report(rp->ctx, t, msg, e) : 0;
}

static int report_ex(const struct run *ru, const struct restconf_report *r, struct err *e)
{
	const struct onboard_reporter *rp = ru->in->reporter;
	return rp ? rp->report_ex(rp->ctx, r, e) : 0;
}

/* Report a step's *-error (log it), abandon: unmount, fail. */
static int abandon(const struct run *ru, enum progress_type error, const char *msg, struct err *e)
{
	const struct onboard_ops *ops = ru->in->install;
	struct err re;

	err_clear(&re);
	report(ru, error, msg, &re);
	log_err("bootstrap", "%s: %s: abandoning this onboarding information",
		progress_name(error), msg);
	if (ops && ru->w->r.mounted)
		ops->unmount_root(ops->ctx, &ru->w->r);
	if (ops && ru->w->r.installed && ops->wipe_image)
		ops->wipe_image(ops->ctx, &ru->w->r);
	return err_set(e, "%s: %s", progress_name(error), msg);
}

/* A step that could not start: its initiated + error reports. */
static int step_fail(const struct run *ru, enum progress_type initiated, const char *msg,
		     struct err *e)
{
	struct err re;
	err_clear(&re);
	report(ru, initiated, NULL, &re);
	return abandon(ru, (enum progress_type)(initiated + 2), msg, e);
}

/* The first step `ob` has after the boot image (for failures before it). */
static enum progress_type first_step(const struct conveyed_onboarding *ob)
{
	if (ob->boot_image.present)
		return PROGRESS_BOOT_IMAGE_INITIATED;
	if (ob->pre_script.len)
		return PROGRESS_PRE_SCRIPT_INITIATED;
	if (ob->configuration.len)
		return PROGRESS_CONFIG_INITIATED;
	return PROGRESS_POST_SCRIPT_INITIATED;
}

/* "why: output tail" (or one of them) into ru->w->msg, for the report. */
static const char *script_msg(const struct run *ru, const char *why, const char *tail, int error)
{
	size_t n = 0;
	char *m = ru->w->msg;
	const size_t cap = sizeof ru->w->msg;
	const struct run r2 = { ru->in, ru->w, error };
	ru = &r2;

	m[0] = 0;
	if (why && why[0])
		n = (size_t)snprintf(m, cap, "%s", why);
	/* the output goes with errors at every level, with the rest at verbose */
	if (n < cap && tail && tail[0] && (ru->in->report_verbose || ru->error)) {
		/* the end of the output fits the rest of the message */
		size_t room = cap - n - 1, tl = strlen(tail);
		while (tl && (tail[tl - 1] == '\n' || tail[tl - 1] == '\r' || tail[tl - 1] == ' '))
			tl--;
		const char *sep = n ? ": output: " : "output: ";
		if (room > strlen(sep) + 8) {
			room -= strlen(sep);
			if (tl > room) {
				tail += tl - room;
				tl = room;
			}
			snprintf(m + n, cap - n, "%s%.*s", sep, (int)tl, tail);
		}
	}
	return m[0] ? m : NULL;
}

static int run_script(const struct run *ru, const char *stage, const struct conveyed_blob *b,
		      const struct conveyed_onboarding *ob, enum progress_type initiated,
		      struct err *e)
{
	const struct onboard_ops *ops = ru->in->install;
	const char *type = stage[1] == 'r' ? "pre-configuration-script" :
			   "post-configuration-script";
	enum script_outcome oc;
	struct err se;

	if (!b->len)
		return 0;
	err_clear(&se);
	if (measure_data(type, ru->in->where, b->data, b->len, &se) < 0)
		return step_fail(ru, initiated, se.msg, e);
	report(ru, initiated, NULL, &se);
	memset(&ru->w->sr, 0, sizeof ru->w->sr);
	err_clear(&se);
	oc = ops->run_script(ops->ctx, stage, b->data, b->len, ob, &ru->w->r, &ru->w->sr, &se);
	if (oc == SCRIPT_ERROR)
		return abandon(ru, (enum progress_type)(initiated + 2),
			       script_msg(ru, se.msg[0] ? se.msg : "failed", ru->w->sr.tail, 1), e);
	if (oc == SCRIPT_WARNING) {
		log_warn("bootstrap", "%s-configuration script: %s: going on", stage, se.msg);
		report(ru, (enum progress_type)(initiated + 1),
		       script_msg(ru, se.msg, ru->w->sr.tail, 0), &se);
		return 0;
	}
	report(ru, (enum progress_type)(initiated + 3), script_msg(ru, NULL, ru->w->sr.tail, 0), &se);
	return 0;
}

static void hex_short(const uint8_t *h, char *out)
{
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* Steps 3..: boot image, root, scripts, configuration. 0 or -1 (reported). */
static int install_steps(const struct run *ru, const struct conveyed_onboarding *ob,
			 struct err *e)
{
	const struct onboard_ops *ops = ru->in->install;
	const struct conveyed_boot_image *bi = &ob->boot_image;
	struct install_result *r = &ru->w->r;
	struct err se;
	char name[CEL_NAME_MAX];

	err_clear(&se);
	if (!ops)
		return step_fail(ru, first_step(ob), "no install target (a host run without "
				 "--target-disk): nothing can be installed or configured", e);
	if (bi->present) {
		report(ru, PROGRESS_BOOT_IMAGE_INITIATED, NULL, &se);
		/* what the device is told to install, before acting on it */
		for (int i = 0; i < bi->n_sha256; i++) {
			char h[20];
			hex_short(bi->sha256[i], h);
			snprintf(name, sizeof name, "%.100s %.60s sha-256 %s...",
				 bi->os_name[0] ? bi->os_name : "boot-image", bi->os_version, h);
			if (measure_data("boot-image", name, bi->sha256[i], 32, &se) < 0)
				return abandon(ru, PROGRESS_BOOT_IMAGE_ERROR, se.msg, e);
		}
	}
	if (ops->check_image(ops->ctx, ob, r, &se) < 0) {
		if (!bi->present)
			return step_fail(ru, first_step(ob), se.msg, e);
		if (r->mismatch)
			report(ru, PROGRESS_BOOT_IMAGE_MISMATCH, NULL, &se);
		return abandon(ru, PROGRESS_BOOT_IMAGE_ERROR, se.msg, e);
	}
	if (bi->present) {
		if (r->mismatch) {
			char m[300];
			/* when the mismatch is found, before the download (RFC 8572:
			 * it "SHOULD precipitate trying to download a boot image") */
			snprintf(m, sizeof m, "%.60s holds %.60s, not %.30s %.30s: installing", r->disk,
				 r->osr.pretty_name[0] ? r->osr.pretty_name : r->osr.name[0] ?
				 r->osr.name : "no recognised OS", bi->os_name, bi->os_version);
			report(ru, PROGRESS_BOOT_IMAGE_MISMATCH, m, &se);
			err_clear(&se);
			if (ops->write_image(ops->ctx, ob, ru->in->medium, r, &se) < 0)
				return abandon(ru, PROGRESS_BOOT_IMAGE_ERROR, se.msg, e);
			if (r->failed[0]) {
				char w[RESTCONF_MSG_MAX];
				snprintf(w, sizeof w, "written from download-uri %d after: %.400s",
					 r->image.uri_index + 1, r->failed);
				log_warn("bootstrap", "boot-image-warning: %s", w);
				report(ru, PROGRESS_BOOT_IMAGE_WARNING, w, &se);
			}
		}
		report(ru, PROGRESS_BOOT_IMAGE_COMPLETE, r->msg[0] ? r->msg : NULL, &se);
	}
	if (ops->mount_root(ops->ctx, r, &se) < 0) {
		if (bi->present)
			return abandon(ru, PROGRESS_BOOT_IMAGE_ERROR, se.msg, e);
		return step_fail(ru, first_step(ob), se.msg, e);
	}
	if (run_script(ru, "pre", &ob->pre_script, ob, PROGRESS_PRE_SCRIPT_INITIATED, e) < 0)
		return -1;
	if (ob->configuration.len) {
		char m[160];
		if (measure_data("configuration", ru->in->where, ob->configuration.data,
				 ob->configuration.len, &se) < 0)
			return step_fail(ru, PROGRESS_CONFIG_INITIATED, se.msg, e);
		report(ru, PROGRESS_CONFIG_INITIATED, NULL, &se);
		memset(&ru->w->cr, 0, sizeof ru->w->cr);
		if (ops->apply_config(ops->ctx, ob->handling, ob->configuration.data,
				      ob->configuration.len, &ru->w->cr, &se) < 0)
			return abandon(ru, PROGRESS_CONFIG_ERROR, se.msg, e);
		snprintf(m, sizeof m, "%zu-byte archive applied (%s): %d files, %d directories, "
			 "%d links", ob->configuration.len,
			 ob->handling == CONVEYED_HANDLING_REPLACE ? "replace" : "merge",
			 ru->w->cr.files, ru->w->cr.dirs, ru->w->cr.links);
		if (ru->w->cr.removed) {
			size_t l = strlen(m);
			snprintf(m + l, sizeof m - l, ", %d earlier entries removed", ru->w->cr.removed);
		}
		log_info("config", "%s", m);
		report(ru, PROGRESS_CONFIG_COMPLETE, m, &se);
	}
	return run_script(ru, "post", &ob->post_script, ob, PROGRESS_POST_SCRIPT_INITIATED, e);
}

int onboard_attestation(const uint8_t *nonce, size_t nonce_len, int from_server, char *out,
			size_t cap, struct err *e)
{
	char nb[B64_ENCODED_LEN(RESTCONF_NONCE_MAX) + 1];
	int n;

	if (nonce_len == 0 || nonce_len > RESTCONF_NONCE_MAX ||
	    b64_encode(nonce, nonce_len, nb, sizeof nb) < 0)
		return err_set(e, "attestation: bad nonce");
	n = snprintf(out, cap, "{\"nonce\":\"%s\",\"nonce-origin\":\"%s\",\"evidence\":", nb,
		     from_server ? "get-bootstrapping-data" : "device");
	if (n < 0 || (size_t)n + 2 >= cap)
		return err_set(e, "attestation: no room");
	if (measure_quote_json(nonce, nonce_len, out + n, cap - (size_t)n - 1, e) < 0) {
		out[0] = 0;
		return err_wrap(e, "attestation");
	}
	n += (int)strlen(out + n);
	if ((size_t)n + 2 > cap) {
		out[0] = 0;
		return err_set(e, "attestation: no room");
	}
	out[n++] = '}';
	out[n] = 0;
	return n;
}

/* bootstrap-complete with the SSH host keys and the attestation evidence. */
static int report_complete(const struct run *ru, struct err *e)
{
	const struct onboard_ops *ops = ru->in->install;
	struct onboard_work *w = ru->w;
	struct restconf_report rep;
	struct err ae;

	memset(&rep, 0, sizeof rep);
	rep.type = progress_name(PROGRESS_BOOTSTRAP_COMPLETE);
	w->n_keys = 0;
	if (ops && w->r.mounted)
		w->n_keys = ops->ssh_host_keys(ops->ctx, w->keys, INSTALL_MAX_KEYS);
	if (w->n_keys < 0 || w->n_keys > INSTALL_MAX_KEYS)
		w->n_keys = 0;
	for (int i = 0; i < w->n_keys; i++) {
		w->rkeys[i].algorithm = w->keys[i].algorithm;
		w->rkeys[i].key_data = w->keys[i].key_data;
		log_info("bootstrap", "ssh host key for bootstrap-complete: %s", w->keys[i].algorithm);
	}
	rep.keys = w->rkeys;
	rep.n_keys = (size_t)w->n_keys;
	w->attest[0] = 0;
	if (measure_active() && ru->in->report_enabled) {
		uint8_t fresh[RESTCONF_NONCE_MAX];
		const uint8_t *nonce = ru->in->nonce;
		size_t nonce_len = ru->in->nonce_len;
		int from_server = nonce && nonce_len;
		err_clear(&ae);
		if (!from_server) {
			nonce = fresh;
			nonce_len = sizeof fresh;
			if (!ru->in->random ||
			    ru->in->random(ru->in->random_ctx, fresh, sizeof fresh) < 0) {
				nonce = NULL;
				err_set(&ae, "no random numbers for the nonce");
			}
		}
		if (nonce && onboard_attestation(nonce, nonce_len, from_server, w->attest,
						 sizeof w->attest, &ae) >= 0) {
			rep.aug_name = ONBOARD_ATTEST_NAME;
			rep.aug_json = w->attest;
			log_info("bootstrap", "TPM attestation evidence for bootstrap-complete: %zu bytes "
				 "(nonce from %s)", strlen(w->attest),
				 from_server ? "get-bootstrapping-data" : "the device");
		} else {
			log_err("bootstrap", "no TPM attestation in bootstrap-complete: %s", ae.msg);
		}
	}
	if (report_ex(ru, &rep, e) == 0)
		return 0;
	if (!rep.aug_json)
		return -1;
	/* a strict server may refuse the unknown augmentation: once more without */
	log_warn("bootstrap", "bootstrap-complete with %s was not acknowledged (%s): sending it "
		 "again without the attestation", ONBOARD_ATTEST_NAME, e->msg);
	rep.aug_name = NULL;
	rep.aug_json = NULL;
	err_clear(e);
	return report_ex(ru, &rep, e);
}

/* A report that had to be acknowledged was not: bootstrap-error is tried
 * (RFC 8572 section 5.6 steps 1 and 7), its outcome only logged. */
static void report_bootstrap_error(const struct run *ru, const char *why)
{
	struct err re;
	err_clear(&re);
	report(ru, PROGRESS_BOOTSTRAP_ERROR, why, &re);
}

/* informational (verbose): how this provisioning can be checked later. */
static void report_measurement(const struct run *ru)
{
	char m[160];
	struct err re;
	if (measure_active())
		snprintf(m, sizeof m, "provisioning is measured into PCR %d; bootstrap-complete "
			 "carries the TPM attestation", (int)measure_pcr());
	else
		snprintf(m, sizeof m, "provisioning is not measured (no TPM)");
	err_clear(&re);
	report(ru, PROGRESS_INFORMATIONAL, m, &re);
}

int onboard_run(const struct onboard_input *in, const struct conveyed_onboarding *ob,
		struct onboard_work *w, struct err *e)
{
	const struct run run = { in, w, 0 }, *ru = &run;
	const struct onboard_ops *ops = in->install;
	struct err le;

	memset(&w->r, 0, sizeof w->r);
	w->ready = 0;
	if (report(ru, PROGRESS_BOOTSTRAP_INITIATED, in->identity_warning, e) < 0) {
		report_bootstrap_error(ru, e->msg);
		return err_wrap(e, "onboarding abandoned");
	}
	/* Parsing (and verification) happened before: report it in order. */
	report(ru, PROGRESS_PARSING_INITIATED, NULL, e);
	onboard_log(ob);
	report(ru, PROGRESS_PARSING_COMPLETE, NULL, e);
	if (onboard_acts(ob))
		report_measurement(ru);

	if (onboard_acts(ob) && install_steps(ru, ob, e) < 0)
		return -1;
	if (report_complete(ru, e) < 0) {
		report_bootstrap_error(ru, e->msg);
		if (ops && w->r.mounted)
			ops->unmount_root(ops->ctx, &w->r);
		if (ops && w->r.installed && ops->wipe_image)
			ops->wipe_image(ops->ctx, &w->r);
		return err_wrap(e, "onboarding not complete");
	}
	/* complete and acknowledged: only now is the new image bootable */
	err_clear(&le);
	if (ops && w->r.installed && ops->commit_image && ops->commit_image(ops->ctx, &w->r, &le) < 0) {
		log_err("bootstrap", "writing the image's partition table: %s", le.msg);
		if (w->r.mounted)
			ops->unmount_root(ops->ctx, &w->r);
		if (ops->wipe_image)
			ops->wipe_image(ops->ctx, &w->r);
		return err_set(e, "onboarding not complete: the image could not be made bootable: %s",
			       le.msg);
	}
	if (!ops || !w->r.mounted) {
		log_info("bootstrap", "onboarding complete (nothing to install)");
		return 0;
	}
	err_clear(&le);
	if (ops->save_log && ops->save_log(ops->ctx, &le) < 0)
		log_warn("bootstrap", "%s", le.msg);
	if (in->no_pivot) {
		ops->unmount_root(ops->ctx, &w->r);
		log_info("bootstrap", "onboarding complete (no pivot: %s unmounted)", w->r.root_dev);
		return 0;
	}
	w->ready = 1;
	log_info("bootstrap", "onboarding complete: the new root %s waits to be entered",
		 w->r.root_dev);
	return 0;
}
