/*
 * osrelease.h: os-release(5) files, and whether an installed OS is the one
 * the onboarding information's boot-image names.
 *
 * Syntax accepted: lines KEY=VALUE (KEY of [A-Za-z0-9_]), blank lines and
 * lines starting with '#'; VALUE unquoted, or in double quotes (with the
 * backslash escapes \" \\ \$ \` ) or single quotes (literal). A value longer
 * than OSRELEASE_VALUE_MAX - 1 bytes, an unterminated quote or a line without
 * '=' is an error naming the line. Only NAME, ID, VERSION_ID, VERSION,
 * PRETTY_NAME, IMAGE_ID and IMAGE_VERSION are kept; other keys are checked
 * and ignored.
 *
 * Match rule (docs/install.md): the boot image is "already installed" when
 * both os-name and os-version are given and either os-name equals NAME or ID
 * and os-version equals VERSION_ID or VERSION, or os-name equals IMAGE_ID and
 * os-version equals IMAGE_VERSION (exact byte comparisons). IMAGE_ID and
 * IMAGE_VERSION are how a disk image built from a distribution names itself
 * (os-release(5)): two builds of Debian 12 differ there, not in VERSION_ID.
 */
#ifndef SZTP_OSRELEASE_H
#define SZTP_OSRELEASE_H

#include <stddef.h>

#include "base/err.h"

#define OSRELEASE_FILE_MAX  (64 * 1024)
#define OSRELEASE_VALUE_MAX 256

struct osrelease {
	char name[OSRELEASE_VALUE_MAX];
	char id[OSRELEASE_VALUE_MAX];
	char version_id[OSRELEASE_VALUE_MAX];
	char version[OSRELEASE_VALUE_MAX];
	char pretty_name[OSRELEASE_VALUE_MAX];
	char image_id[OSRELEASE_VALUE_MAX];
	char image_version[OSRELEASE_VALUE_MAX];
};

/* Parse buf[len]. 0, or -1 with `e` set ("os-release line N: ..."). */
int osrelease_parse(const char *buf, size_t len, struct osrelease *o, struct err *e);

/*
 * Read the os-release of the root file system mounted at `root`:
 * etc/os-release, else usr/lib/os-release, as rootpath_read() reads
 * (regular files only, non-blocking, a last-component link not followed,
 * links on the way resolved inside `root`). 0, or -1 with `e` set.
 */
int osrelease_read_root(const char *root, struct osrelease *o, struct err *e);

/* 1 when `o` is os_name/os_version by the match rule above, else 0. */
int osrelease_matches(const struct osrelease *o, const char *os_name, const char *os_version);

#endif
