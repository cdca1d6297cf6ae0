/*
 * onboard.h: acting on verified onboarding information (RFC 8572 section
 * 5.6), in the strict order, with a progress report at each step
 * (bs_report() decides which are sent: reporting-level, trusted server):
 *
 *   bootstrap-initiated (must be acknowledged), parsing-initiated,
 *   parsing-complete (parsing and verification happened before);
 *   boot image (when the onboarding information has one):
 *     boot-image-initiated; measure each sha-256 of image-verification;
 *     the disk's installed OS is os-name/os-version -> boot-image-complete
 *       "... already installed" (the configuration-only path);
 *     it is not -> boot-image-mismatch, the image is streamed, verified and
 *       written -> boot-image-complete;
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
 * Any *-error (or an unacknowledged bootstrap-complete) abandons the
 * onboarding information: the root is unmounted and onboard_run() fails, so
 * the bootstrap engine goes back to its source loop. Verbose reports carry
 * the scripts' output (the end of it) in their message.
 *
 * The steps act through struct onboard_ops: onboard_ops_install() gives the
 * real ones (install.h); the unit tests give fakes. Without ops (a host run
 * with no target disk) a step that must act is reported as its *-error.
 */
#ifndef SZTP_ONBOARD_H
#define SZTP_ONBOARD_H

#include <stddef.h>
#include <stdint.h>

#include "base/b64.h"
#include "trust/conveyed.h"
#include "base/err.h"
#include "install/install.h"
#include "sztp/restconf.h"

struct bs_state;

/* Attestation evidence bytes (tpm_quote.h's JSON: the event log, at most
 * TPM_QUOTE_LOG_MAX = 64 KiB, base64, plus at most ~12 KiB of keys, quote,
 * signature and certificate), and the augmentation object around it. */
#define ONBOARD_EVIDENCE_MAX (B64_ENCODED_LEN(64 * 1024) + 16 * 1024)
#define ONBOARD_ATTEST_MAX   (ONBOARD_EVIDENCE_MAX + 256)
#define ONBOARD_ATTEST_NAME  "sztp-initrd:tpm-attestation"

/* The install steps (install.h has the semantics of each). */
struct onboard_ops {
	void *ctx;
	int (*boot_image)(void *ctx, const struct conveyed_onboarding *ob,
			  struct install_result *r, struct err *e);
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

/* What onboard_run() works with and leaves behind (in struct bs_state). */
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
 * Run the onboarding steps for `ob` received from the server `st` is talking
 * to, with st->cfg->install (NULL: no install target). Returns 0 when
 * bootstrapping is complete (bootstrap-complete sent and acknowledged where
 * reports are sent; st->ow.ready says whether a new root waits at the
 * sysroot), -1 with `e` set otherwise (nothing left mounted).
 */
int onboard_run(struct bs_state *st, const struct conveyed_onboarding *ob, struct err *e);

/*
 * The augmentation object for bootstrap-complete, into out[cap]:
 *   {"nonce":"<base64>","nonce-origin":"get-bootstrapping-data"|"device",
 *    "evidence":<measure_quote_json() evidence>}
 * Returns its length or -1 with `e` set (no TPM, the quote failed, no room).
 */
int onboard_attestation(const uint8_t *nonce, size_t nonce_len, int from_server, char *out,
			size_t cap, struct err *e);

#endif
