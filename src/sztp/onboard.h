/*
 * onboard.h: acting on verified onboarding information (RFC 8572 section
 * 5.6), in the strict order, with a progress report at each step
 * (through struct onboard_reporter, which decides which are sent: the
 * bootstrap engine honours the reporting-level and the trusted-server rule):
 *
 *   bootstrap-initiated (must be acknowledged), parsing-initiated,
 *   parsing-complete (parsing and verification happened before);
 *   informational (verbose): whether provisioning is measured, and where;
 *   boot image (when the onboarding information has one):
 *     boot-image-initiated; measure each sha-256 of image-verification;
 *     the disk's installed OS is os-name/os-version -> boot-image-complete
 *       "... already installed" (the configuration-only path);
 *     it is not -> boot-image-mismatch at once, then the image is streamed,
 *       verified and written with its partition table held back ->
 *       boot-image-warning when a download-uri failed before the one that
 *       worked, boot-image-complete;
 *     any failure -> boot-image-error (image.h has wiped a half-written
 *       disk's partition table);
 *   the new root mounted read-write (failure: boot-image-error, or without a
 *     boot-image the *-error of the first step that needed it);
 *   pre-configuration-script: measured, pre-script-initiated, run ->
 *     pre-script-complete | pre-script-warning (go on) | pre-script-error;
 *   configuration: measured, config-initiated, applied (merge/replace) ->
 *     config-complete | config-error;
 *   post-configuration-script: as the pre-configuration-script;
 *   bootstrap-complete (must be acknowledged), carrying the new root's SSH
 *     host keys (ssh-host-keys/ssh-host-key[]) and, when provisioning is
 *     measured, the TPM attestation evidence as the augmentation member
 *     "sztp-initrd:tpm-attestation" (docs/client.md);
 *   the log saved into the new root (install_save_log()).
 *   an image written now gets its partition table (commit_image) only once
 *     bootstrap-complete is acknowledged: a power loss before that leaves
 *     nothing bootable.
 * Any *-error (or an unacknowledged bootstrap-complete) abandons the
 * onboarding information: the root is unmounted, an image written now is
 * wiped (wipe_image: nothing bootable, the next attempt starts clean; RFC
 * 8572 section 5.6) and onboard_run() fails, so the bootstrap engine goes
 * back to its source loop. bootstrap-initiated or bootstrap-complete not
 * acknowledged: bootstrap-error is tried. Script reports carry the end of
 * the script's output in their message (errors at every reporting level,
 * the others at verbose).
 *
 * The steps act through struct onboard_ops: onboard_ops_install() gives the
 * real ones (install.h); the unit tests give fakes. Without ops (a host run
 * with no target disk) a step that must act is reported as its *-error.
 *
 * Onboarding knows nothing of the bootstrap engine: the engine
 * (bootstrap.h) calls onboard_run() with a struct onboard_input saying all
 * it needs (the install steps, the reporter, the reporting level, the nonce
 * for the attestation, ...) and a struct onboard_work to fill, and
 * implements struct onboard_reporter over its report-progress requests.
 */
#ifndef SZTP_ONBOARD_H
#define SZTP_ONBOARD_H

#include <stddef.h>
#include <stdint.h>

#include "base/b64.h"
#include "trust/conveyed.h"
#include "base/err.h"
#include "install/install.h"
#include "sztp/progress.h"
#include "sztp/restconf.h"

/* Attestation evidence bytes (tpm_quote.h's JSON: the event log, at most
 * TPM_QUOTE_LOG_MAX = 64 KiB, base64, plus at most ~12 KiB of keys, quote,
 * signature and certificate), and the augmentation object around it. */
#define ONBOARD_EVIDENCE_MAX (B64_ENCODED_LEN(64 * 1024) + 16 * 1024)
#define ONBOARD_ATTEST_MAX   (ONBOARD_EVIDENCE_MAX + 256)
#define ONBOARD_ATTEST_NAME  "sztp-initrd:tpm-attestation"

/* The install steps (install.h has the semantics of each). */
struct onboard_ops {
	void *ctx;
	int (*check_image)(void *ctx, const struct conveyed_onboarding *ob,
			   struct install_result *r, struct err *e);
	/* `medium`: onboard_input.medium (file:// download-uris resolve on it) */
	int (*write_image)(void *ctx, const struct conveyed_onboarding *ob, const char *medium,
			   struct install_result *r, struct err *e);
	int (*commit_image)(void *ctx, struct install_result *r, struct err *e);
	void (*wipe_image)(void *ctx, struct install_result *r);
	int (*mount_root)(void *ctx, struct install_result *r, struct err *e);
	void (*unmount_root)(void *ctx, struct install_result *r);
	enum script_outcome (*run_script)(void *ctx, const char *stage, const uint8_t *script,
					  size_t len, const struct conveyed_onboarding *ob,
					  const struct install_result *r, struct script_result *sr,
					  struct err *e);
	int (*apply_config)(void *ctx, enum conveyed_handling handling, const uint8_t *cfg,
			    size_t len, struct config_result *cr, struct err *e);
	int (*ssh_host_keys)(void *ctx, struct install_ssh_key *keys, int max);
	int (*save_log)(void *ctx, struct err *e);
};

/* Fill `ops` with the install.h functions acting as `o` says (kept by pointer). */
void onboard_ops_install(struct onboard_ops *ops, const struct install_opts *o);

/*
 * Where progress reports go (the bootstrap engine: report-progress to the
 * server that gave the onboarding information). Both functions decide
 * themselves whether a report is sent (reporting-level, trusted server) and
 * return 0 when it was sent and acknowledged, or not sent by those rules;
 * -1 with `e` set when a report that must be acknowledged
 * (progress_must_ack(): bootstrap-initiated, bootstrap-complete) was not.
 * Other failures are theirs to log; they return 0.
 */
struct onboard_reporter {
	void *ctx;
	/* Report `t` with an optional message (NULL: none). */
	int (*report)(void *ctx, enum progress_type t, const char *msg, struct err *e);
	/* Report a whole report-progress input (r->type a progress_name()):
	 * bootstrap-complete with ssh-host-keys and an augmentation member. */
	int (*report_ex)(void *ctx, const struct restconf_report *r, struct err *e);
};

/* Everything onboard_run() is told (read only; the pointers are borrowed
 * for the call). */
struct onboard_input {
	/* The install steps; NULL: no install target (a step that must act
	 * is reported as its *-error). */
	const struct onboard_ops *install;
	/* Where the progress reports go; NULL: none are sent. */
	const struct onboard_reporter *reporter;
	/* Reports reach a server: bootstrap-complete carries the TPM
	 * attestation (when provisioning is measured). */
	int report_enabled;
	/* reporting-level verbose: report messages carry script output. */
	int report_verbose;
	/* The source, "https://host:port (origin)": the event name of the
	 * script and configuration measurements. */
	const char *where;
	/* The root directory of the removable medium the onboarding
	 * information was read from: file:// download-uris resolve on it
	 * (imgsrc.h). NULL: it came from a server (or DNS). */
	const char *medium;
	/* The message of bootstrap-initiated, or NULL. */
	const char *identity_warning;
	/* Unmount the new root when done (w->ready stays 0). */
	int no_pivot;
	/* The nonce sent in get-bootstrapping-data, attested with nonce-origin
	 * "get-bootstrapping-data"; NULL / 0: none was sent. */
	const uint8_t *nonce;
	size_t nonce_len;
	/* Fill buf with len cryptographically random bytes (0, or -1): the
	 * device's own attestation nonce when none was sent. NULL: no
	 * attestation without a sent nonce. */
	int (*random)(void *ctx, uint8_t *buf, size_t len);
	void *random_ctx;
};

/* What onboard_run() works with and leaves behind (the caller owns it). */
struct onboard_work {
	struct install_result r;   /* the target disk and the new root */
	int ready;                 /* onboarding complete and the new root is mounted at
				    * the sysroot: the boot sequence enters it (pivot) */
	int n_keys;
	struct install_ssh_key keys[INSTALL_MAX_KEYS];
	struct restconf_ssh_key rkeys[INSTALL_MAX_KEYS];
	struct script_result sr;
	struct config_result cr;
	char attest[ONBOARD_ATTEST_MAX];  /* the augmentation object */
	char msg[RESTCONF_MSG_MAX + 1];
};

/* Log a one-line summary of `ob` (stage "bootstrap"). */
void onboard_log(const struct conveyed_onboarding *ob);

/* 1 when `ob` asks the device to act (boot image, scripts or configuration). */
int onboard_acts(const struct conveyed_onboarding *ob);

/*
 * Run the onboarding steps for verified onboarding information `ob` as `in`
 * says, working in `w` (overwritten). Returns 0 when bootstrapping is
 * complete (bootstrap-complete sent and acknowledged where reports are sent;
 * w->ready says whether a new root waits at the sysroot, w->r describes it),
 * -1 with `e` set otherwise (nothing left mounted).
 */
int onboard_run(const struct onboard_input *in, const struct conveyed_onboarding *ob,
		struct onboard_work *w, struct err *e);

/*
 * The augmentation object for bootstrap-complete, into out[cap]:
 *   {"nonce":"<base64>","nonce-origin":"get-bootstrapping-data"|"device",
 *    "evidence":<measure_quote_json() evidence>}
 * Returns its length or -1 with `e` set (no TPM, the quote failed, no room).
 */
int onboard_attestation(const uint8_t *nonce, size_t nonce_len, int from_server, char *out,
			size_t cap, struct err *e);

#endif
