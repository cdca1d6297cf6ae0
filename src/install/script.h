/*
 * script.h: the pre- and post-configuration scripts of the onboarding
 * information (docs/install.md, "Scripts").
 *
 * The script is written to <dir>/<stage>-configuration-script (mode 0700)
 * and run from the initramfs, not chrooted: a script that starts with "#!"
 * or is an ELF binary is executed directly (its interpreter must exist in the
 * initramfs: /bin/sh is busybox), anything else is run by /bin/sh. It gets
 * stdin from /dev/null, its own session, the working directory <dir>, and
 * only this environment:
 *   PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/
 *   SZTP_STAGE=pre|post           which script this is
 *   SZTP_ROOT=/sysroot            the new root, mounted read-write
 *   SZTP_DISK=/dev/vda            the target disk
 *   SZTP_SERIAL=...               the device serial number
 *   SZTP_OS_NAME= SZTP_OS_VERSION=  from the boot-image (empty when absent)
 *   SZTP_IMAGE_INSTALLED=1|0      1: the image was written now, 0: it was
 *                                 already there (configuration-only path)
 *   SZTP_CONFIG_HANDLING=merge|replace|none
 *   SZTP_WARNING=64               the exit status that means "warning"
 * Exit status convention (RFC 8572 leaves it to the device):
 *   0                    success                -> *-script-complete
 *   64..95               warning (soft error)   -> *-script-warning, go on
 *   anything else        error (hard error)     -> *-script-error, abandon
 *   (1..63, 96..255, killed by a signal, SCRIPT_TIMEOUT_S exceeded, could
 *   not be run). 1, 2, 126, 127 and 128+N are what shells return when
 *   something went wrong, so they must never be mistaken for a warning.
 * stdout and stderr are logged line by line (stage "pre-script" or
 * "post-script"); the last SCRIPT_TAIL bytes are kept for the progress
 * report's message.
 */
#ifndef SZTP_SCRIPT_H
#define SZTP_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define SCRIPT_WARN_MIN  64
#define SCRIPT_WARN_MAX  95
#define SCRIPT_TIMEOUT_S 900
#define SCRIPT_TAIL      1024
#define SCRIPT_LINE_MAX  512

enum script_outcome { SCRIPT_ERROR = -1, SCRIPT_OK = 0, SCRIPT_WARNING = 1 };

struct script_env {
	const char *stage;      /* "pre" or "post" */
	const char *root;       /* NULL: /sysroot */
	const char *disk;
	const char *serial;
	const char *os_name, *os_version;
	const char *handling;   /* "merge", "replace" or "none" */
	int image_installed;
	const char *dir;        /* NULL: /run/sztp */
	const char *shell;      /* NULL: /bin/sh */
	int timeout_s;          /* 0: SCRIPT_TIMEOUT_S */
};

struct script_result {
	int status;             /* exit status, 128+signal, -1 not run, -2 timed out */
	char tail[SCRIPT_TAIL]; /* last output, NUL-terminated */
};

/* The outcome of an exit status by the convention above. */
enum script_outcome script_classify(int status);

/*
 * Run script[len] as described above. Returns the outcome; on SCRIPT_ERROR
 * and SCRIPT_WARNING `e` says why ("pre-configuration script exited with
 * status 3"). An empty script is refused (SCRIPT_ERROR).
 */
enum script_outcome script_run(const uint8_t *script, size_t len, const struct script_env *env,
			       struct script_result *res, struct err *e);

#endif
