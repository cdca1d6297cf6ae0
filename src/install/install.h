/*
 * install.h: what the onboarding steps do on a Linux device (RFC 8572
 * section 5.6, steps 3-6, and the pivot), one function per step. The
 * onboarding engine (onboard.c) decides what to report; these functions act
 * and say what happened. docs/install.md documents the rules.
 *
 * Order of calls (onboard_run(), then the boot sequence):
 *
 *   install_check_image(ob, o, r, e)     boot-image-initiated before;
 *       r->skipped   -> boot-image-complete ("os-name/os-version already installed")
 *       r->mismatch  -> boot-image-mismatch, then
 *   install_write_image(ob, o, r, e)     -> (written) [boot-image-warning when an
 *                                           earlier download-uri failed] boot-image-complete
 *       -1           -> boot-image-error (the disk is left unbootable)
 *   install_mount_root(o, r, 0, e)       the new root read-write at o->sysroot
 *       -1           -> boot-image-error
 *   install_run_script("pre", ...)       pre-script-initiated before; OK ->
 *       pre-script-complete, WARNING -> pre-script-warning (go on), ERROR ->
 *       pre-script-error (abandon)
 *   install_apply_config(...)            config-initiated before; 0 ->
 *       config-complete, -1 -> config-error (nothing applied when the
 *       archive was refused)
 *   install_run_script("post", ...)      as for "pre"
 *   install_ssh_host_keys(...)           for bootstrap-complete's ssh-host-keys
 *   install_commit_image(o, r, e)        after bootstrap-complete was acknowledged:
 *                                        the image's partition table is written
 *   install_save_log(...)                just before the pivot
 *   install_pivot(o, r, e)               from the boot sequence after the
 *       pre-pivot hooks and the DHCP release; returns only on failure.
 * On an abandoned onboarding: install_unmount_root(o), install_wipe_image(o, r).
 */
#ifndef SZTP_INSTALL_H
#define SZTP_INSTALL_H

#include <stddef.h>
#include <stdint.h>

#include "trust/anchors.h"
#include "install/config_apply.h"
#include "trust/conveyed.h"
#include "disk/disk.h"
#include "base/err.h"
#include "install/image.h"
#include "install/pivot.h"
#include "disk/osrelease.h"
#include "install/script.h"

struct tls_client_id; /* tls_ccert.h */
struct clock_policy;  /* trust/clock.h */

#define INSTALL_SYSROOT   "/sysroot"
#define INSTALL_RUN_DIR   "/run/sztp"
#define INSTALL_LOG_DIR   "var/log/sztp"   /* in the new root */
#define INSTALL_ESP_DIR   "/run/sztp/esp"  /* the new disk's ESP, read-only, for the pivot */
#define INSTALL_MAX_KEYS  8
#define INSTALL_KEY_MAX   8192             /* base64 of one public key blob */
#define INSTALL_DEV_WAIT_MS 10000          /* for partition device nodes */
#define INSTALL_PROGRESS_MS 5000           /* the console's image progress line, at least */

struct install_opts {
	const char *disk;          /* sztp.disk= (NULL/"": the automatic rule, disk.h) */
	const char *root;          /* sztp.root= (NULL/"": the DPS root type for this
				    * architecture); "/dev/...", "PARTUUID=...",
				    * "PARTLABEL=..." or a partition number */
	const char *sysroot;       /* NULL: INSTALL_SYSROOT */
	const char *run_dir;       /* NULL: INSTALL_RUN_DIR */
	const char *serial;        /* for the scripts' environment */
	const struct anchors *anchors; /* validate image servers (NULL: unvalidated) */
	const struct tls_client_id *client; /* the device identity, for image servers that
					     * ask for a client certificate (NULL: none) */
	int allow_unvalidated;     /* go on unvalidated when that fails (the hash protects) */
	const struct clock_policy *clock; /* judges image servers' certificates
					   * (trust/clock.h; NULL: the system clock) */
	int progress_console;      /* the image progress on the console: a log line
				    * every INSTALL_PROGRESS_MS and every 10 % */
	/* load a kernel module ("ext4"): coldplug_load() on the device, NULL on a host */
	int (*load_module)(const char *name, struct err *e);
	struct disk_opts disk_opts; /* sysfs / dev / mounts overrides (tests) */
	const struct image_source *src; /* NULL: https:// and file:// (imgsrc.h) */
	const char *medium;        /* the medium the onboarding information came from:
				    * file:// download-uris resolve on it (imgsrc.h);
				    * NULL: the local file system */
	int retry_delay_ms;        /* image resume delay (tests); 0: default */
	int script_timeout_s;      /* 0: SCRIPT_TIMEOUT_S */
	enum pivot_mode pivot_mode; /* sztp.pivot= (PIVOT_AUTO: pivot.h's rules) */
	const char *esp_dir;       /* NULL: INSTALL_ESP_DIR */
};

struct install_result {
	char disk[64];           /* the target disk, "/dev/vda" */
	int skipped;             /* the installed OS is os-name/os-version: not written */
	int mismatch;            /* it was not: the image was (to be) written */
	int installed;           /* the image was written and verified now */
	char root_dev[80];       /* the root partition, "/dev/vda2" */
	char root_partuuid[40];
	char fstype[16];
	int mounted;             /* the root is mounted at sysroot */
	struct osrelease osr;    /* the installed OS, when read */
	struct image_result image;
	char msg[256];           /* one line for the progress report */
	char failed[512];        /* download-uris that failed before the one that worked */
};

struct install_ssh_key {
	char algorithm[64];              /* "ssh-ed25519" */
	char key_data[INSTALL_KEY_MAX];  /* base64 of the RFC 4253 public key blob */
};

/*
 * Step 3, first half: choose the target disk and decide. When ob has no
 * boot-image, only the target disk is chosen (r->skipped = 1). When the
 * disk's current root says os-name/os-version (osrelease.h), the image is
 * skipped (r->skipped). Otherwise r->mismatch is set (boot-image-mismatch
 * is reported now, before the download). 0, or -1 with `e` set.
 */
int install_check_image(const struct conveyed_onboarding *ob, const struct install_opts *o,
			struct install_result *r, struct err *e);

/*
 * Step 3, second half: with r->mismatch, stream, verify and write the image
 * (image.h) with its partition table held back (image.h step 7: nothing
 * bootable until install_commit_image()); r->installed on success, and
 * r->failed names the download-uris that failed before the one that
 * worked. 0 (nothing to do without r->mismatch), or -1 with `e` set (the
 * disk is left unbootable).
 */
int install_write_image(const struct conveyed_onboarding *ob, const struct install_opts *o,
			struct install_result *r, struct err *e);

/*
 * Bootstrapping is complete: write the held-back partition table of an image
 * written now (no-op otherwise). 0 or -1 with `e` set.
 */
int install_commit_image(const struct install_opts *o, struct install_result *r, struct err *e);

/*
 * Onboarding abandoned after the image was written (RFC 8572 section 5.6:
 * retained state must not be active): wipe its partition table (image_wipe)
 * so that nothing is bootable and the next attempt starts clean. No-op when
 * no image was written now.
 */
void install_wipe_image(const struct install_opts *o, struct install_result *r);

/* install_check_image(), install_write_image() and install_commit_image()
 * in one (a host tool that has no later step to wait for). */
int install_boot_image(const struct conveyed_onboarding *ob, const struct install_opts *o,
		       struct install_result *r, struct err *e);

/*
 * Find the root partition of r->disk (sztp.root= or the DPS type GUID), wait
 * for its device node, load its file system module, mount it at sysroot
 * (read-only when `readonly`: then also nodev,nosuid,noexec, the probe of a
 * disk that is about to be reimaged and whose files are not trusted). Fills root_dev, root_partuuid, fstype, osr
 * (when readable), mounted. 0 or -1 with `e` set.
 */
int install_mount_root(const struct install_opts *o, struct install_result *r, int readonly,
		       struct err *e);

/* Unmount sysroot if install_mount_root() mounted it. */
void install_unmount_root(const struct install_opts *o, struct install_result *r);

/*
 * Steps 4 and 6: run script[len] with stage "pre" or "post" (script.h:
 * environment, exit status convention). Returns SCRIPT_OK, SCRIPT_WARNING or
 * SCRIPT_ERROR (then `e` says why); sr->tail has the end of its output.
 */
enum script_outcome install_run_script(const char *stage, const uint8_t *script, size_t len,
				       const struct conveyed_onboarding *ob,
				       const struct install_opts *o, const struct install_result *r,
				       struct script_result *sr, struct err *e);

/* Step 5: the configuration archive onto `root` (config_apply.h). */
int install_apply_config(enum conveyed_handling handling, const uint8_t *cfg, size_t len,
			 const char *root, struct config_result *cr, struct err *e);

/*
 * The new root's SSH host public keys (etc/ssh/ssh_host_*_key.pub), for
 * bootstrap-complete. Returns how many were read (0 when none), never fails.
 */
int install_ssh_host_keys(const char *root, struct install_ssh_key *keys, int max);

/* Save the agent's log to run_dir/sztpboot.log and, with the events file
 * (base/events.h), into <root>/var/log/sztp/ as sztpboot-<UTC time>.log and
 * events-<UTC time>.jsonl (the same time for every save of one run: a later
 * save replaces the earlier one's files). */
int install_save_log(const struct install_opts *o, struct err *e);

/*
 * Enter the new OS (pivot.h): switch_root, kexec or reboot, by
 * o->pivot_mode. The target disk's EFI system partition (GPT type
 * GPT_ESP), when it has one, is mounted read-only at esp_dir for the boot
 * loader entries there and unmounted again unless the kexec loads from it.
 * Returns only on failure (-1, `e` set); the caller then reboots.
 */
int install_pivot(const struct install_opts *o, const struct install_result *r, struct err *e);

#endif
