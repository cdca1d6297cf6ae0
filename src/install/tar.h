/*
 * tar.h: a strict, bounded reader for the configuration archive (ustar,
 * POSIX pax and GNU long-name headers), over a buffer already in memory.
 *
 * Why our own reader and not busybox tar or libarchive: the archive comes from
 * the network, the code that reads it runs as root against the new root file
 * system, and we must refuse precisely what must never be applied (absolute
 * paths, "..", hard links, device nodes, FIFOs, set-user-ID files, symbolic
 * links that lead out of the tree) *before* writing anything. That is a few
 * hundred lines of checks, simpler to audit than teaching a general-purpose
 * extractor to refuse; and it needs no allocation.
 *
 * Accepted:
 *   - headers with the "ustar\0" "00" (POSIX) or "ustar  \0" (GNU) magic and a
 *     correct checksum; octal numeric fields (base-256 refused);
 *   - types '0'/'\0'/'7' (regular file), '5' (directory), '2' (symbolic link);
 *   - pax 'x' records path, linkpath, size, uid, gid, mtime (others ignored;
 *     GNU.sparse.* refused); pax 'g' headers are read and ignored; GNU 'L'
 *     and 'K' long names; each at most TAR_EXT_MAX bytes;
 *   - the end: two zero blocks, one zero block at the end of the buffer, or
 *     the end of the buffer exactly at a header boundary.
 * Refused, with the entry named: '1' hard links, '3'/'4' device nodes, '6'
 * FIFOs, 'S'/'M'/'V'/'D' and any unknown type; a set-user-ID bit, a
 * set-group-ID bit on anything but a directory; paths that are absolute,
 * contain "..", a control character, a component longer than TAR_NAME_MAX,
 * more than TAR_DEPTH_MAX components or more than TAR_PATH_MAX bytes; a
 * symbolic link with an empty target or a relative target that climbs above
 * the archive's root. Absolute link targets are accepted: they are resolved
 * in the new root by the new OS (systemd's enablement links look like this),
 * and the agent never follows a link out of the root (rootpath.h).
 *
 * Paths are returned normalised: no leading "./" or "/", no "." or empty
 * components, no trailing '/'. An entry for the archive root itself ("./")
 * is skipped.
 */
#ifndef SZTP_TAR_H
#define SZTP_TAR_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define TAR_PATH_MAX  1024
#define TAR_NAME_MAX  200   /* one component; room for a ".sztp-new." prefix */
#define TAR_DEPTH_MAX 32
#define TAR_EXT_MAX   (64 * 1024) /* pax / GNU long-name data */

enum tar_type { TAR_FILE = 'f', TAR_DIR = 'd', TAR_SYMLINK = 'l' };

struct tar_entry {
	char path[TAR_PATH_MAX + 1];
	enum tar_type type;
	unsigned mode;        /* permission bits (07777 minus refused bits) */
	uint32_t uid, gid;
	int64_t mtime;
	const uint8_t *data;  /* regular file contents, inside the archive */
	uint64_t size;
	char link[TAR_PATH_MAX + 1]; /* symbolic link target */
	uint64_t offset;      /* of the entry's header, for messages */
};

struct tar {
	const uint8_t *buf;
	size_t len;
	size_t off;
	int done;
};

void tar_init(struct tar *t, const uint8_t *buf, size_t len);

/* The next entry: 1 (filled `ent`), 0 at the end, -1 with `e` set
 * ("tar entry \"etc/x\": ..."). After -1 the reader stays failed. */
int tar_next(struct tar *t, struct tar_entry *ent, struct err *e);

/*
 * Normalise in[len] as above into out[cap]. Returns 0, 1 when the result is
 * the root itself (empty), or -1 with `e` set.
 */
int tar_path_normalize(const char *in, size_t len, char *out, size_t cap, struct err *e);

/* 1 when symbolic link `path` -> `target` (relative) leads above the root,
 * else 0. */
int tar_link_escapes(const char *path, const char *target);

#endif
