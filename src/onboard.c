/* onboard.c: the onboarding steps (see onboard.h). */
#include "onboard.h"

#include <stdio.h>
#include <string.h>

#include "bootstrap.h"
#include "log.h"

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

/* A step that cannot be carried out yet: report initiated + error, fail. */
static int not_implemented(struct bs_state *st, enum progress_type initiated,
			   enum progress_type error, const char *what, struct err *e)
{
	char msg[128];
	struct err re;

	snprintf(msg, sizeof msg, "%s not implemented yet", what);
	err_clear(&re);
	bs_report(st, initiated, NULL, &re);
	bs_report(st, error, msg, &re);
	log_err("bootstrap", "%s: %s: abandoning this onboarding information",
		progress_name(error), msg);
	return err_set(e, "onboarding: %s", msg);
}

int onboard_run(struct bs_state *st, const struct conveyed_onboarding *ob, struct err *e)
{
	const struct bs_config *cfg = st->cfg;

	if (bs_report(st, PROGRESS_BOOTSTRAP_INITIATED, NULL, e) < 0)
		return err_wrap(e, "onboarding abandoned");
	/* Parsing (and verification) happened before: report it in order. */
	bs_report(st, PROGRESS_PARSING_INITIATED, NULL, e);
	onboard_log(ob);
	bs_report(st, PROGRESS_PARSING_COMPLETE, NULL, e);

	if (ob->boot_image.present)
		return not_implemented(st, PROGRESS_BOOT_IMAGE_INITIATED, PROGRESS_BOOT_IMAGE_ERROR,
				       "image install", e);
	if (ob->pre_script.len)
		return not_implemented(st, PROGRESS_PRE_SCRIPT_INITIATED, PROGRESS_PRE_SCRIPT_ERROR,
				       "pre-configuration script", e);
	if (ob->configuration.len)
		return not_implemented(st, PROGRESS_CONFIG_INITIATED, PROGRESS_CONFIG_ERROR,
				       "configuration", e);
	if (ob->post_script.len)
		return not_implemented(st, PROGRESS_POST_SCRIPT_INITIATED,
				       PROGRESS_POST_SCRIPT_ERROR, "post-configuration script", e);

	if (bs_report(st, PROGRESS_BOOTSTRAP_COMPLETE, NULL, e) < 0)
		return err_wrap(e, "onboarding not complete");
	if (cfg->no_pivot)
		log_info("bootstrap", "onboarding complete (--no-pivot: not switching root)");
	else
		log_info("bootstrap", "onboarding complete (nothing to install; pivot not "
			 "implemented yet)");
	return 0;
}
