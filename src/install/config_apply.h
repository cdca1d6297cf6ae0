/*
 * config_apply.h: apply the onboarding information's configuration to the
 * new root (docs/install.md, "Configuration").
 *
 * The configuration is a tar archive (tar.h: ustar/pax/GNU, strictly
 * checked) of files relative to the new root, e.g. etc/ssh/sshd_config.d/x,
 * etc/systemd/system/foo.service, var/lib/cloud/seed/nocloud/user-data.
 *
 *   1. check: the whole archive is read and checked first (tar.h rules, plus:
 *      no path twice, nothing below an archive symbolic link or file, at most
 *      CONFIG_MAX_ENTRIES entries); one refusal and nothing is applied.
 *   2. stage: missing directories are created (archive mode and owner, or
 *      0755 root for implied ones); each file and link is written next to its
 *      target as ".sztp-new.<name>" with the archive's mode, owner and mtime,
 *      and fsync'ed. A failure here removes what was staged: nothing applied.
 *      An existing directory where a file or link goes (or the reverse) is a
 *      failure here.
 *   3. replace only: what the previous SZTP configuration installed (the
 *      manifest) and this archive does not contain is removed (directories
 *      only when empty).
 *   4. commit: each staged name is renamed over its target, then the new
 *      manifest is written (temp, fsync, rename) and the file system synced.
 * Existing directories keep their mode and owner. Everything is resolved
 * inside the root (rootpath.h): no path can lead out of it.
 *
 * The manifest, CONFIG_MANIFEST in the new root, lists what SZTP installed:
 *   # sztp configuration manifest v1
 *   f etc/motd
 *   d etc/sztp-created-dir
 *   l etc/systemd/system/multi-user.target.wants/foo.service
 * merge: manifest = old entries plus this archive's; replace: this archive's.
 */
#ifndef SZTP_CONFIG_APPLY_H
#define SZTP_CONFIG_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "trust/conveyed.h"
#include "base/err.h"

#define CONFIG_MAX_ENTRIES 4096
#define CONFIG_PATHS_ARENA (512 * 1024)
#define CONFIG_MANIFEST    "var/lib/sztp/config.manifest"
#define CONFIG_TMP_PREFIX  ".sztp-new."

struct config_result {
	int files, dirs, links; /* applied */
	int removed;            /* replace: old entries removed */
};

/* Step 1 only: 0 when the archive would be applied, -1 with `e` naming the
 * entry and the rule otherwise. */
int config_check(const uint8_t *tar, size_t len, struct err *e);

/*
 * Apply `tar` onto the tree at `root` with `handling` (MERGE or REPLACE;
 * NONE is refused). 0, or -1 with `e` set: when the failure was in steps 1-2
 * nothing was changed.
 */
int config_apply(const char *root, enum conveyed_handling handling, const uint8_t *tar,
		 size_t len, struct config_result *res, struct err *e);

#endif
