/*
 * media.h: bootstrapping data on removable storage (RFC 8572 section 4.1).
 *
 * Candidates: every block device of /sys/class/block (whole disks and
 * partitions, sorted by name; loop devices only when MEDIA_LOOP is allowed,
 * ram/zram never) that holds a vfat, ext2/3/4 or iso9660 file system
 * (fslabel.h) and either is removable (its disk's "removable" attribute is 1)
 * or is labelled MEDIA_LABEL ("SZTP", any case). Each is mounted read-only
 * (nosuid, nodev, noexec) at MEDIA_MOUNT_DIR/<device>; a medium with nothing
 * for us is unmounted again, one with data stays mounted (read-only) until
 * media_unmount_all(), so that files it holds (boot images) can be read by
 * later stages.
 *
 * Layout on the medium (our convention, RFC 8572 leaves file names open):
 *   /sztp/<serial>/conveyed-information.cms   device-specific: mandatory
 *   /sztp/<serial>/owner-certificate.cms      both or neither (signed data)
 *   /sztp/<serial>/ownership-voucher.cms
 *   /sztp/conveyed-information.cms            device-independent fallback,
 *   /sztp/owner-certificate.cms, ...          e.g. unsigned redirect info
 * Each directory with a conveyed-information.cms is one artifact source
 * ("media"), the per-serial one first. The files are DER CMS (a PEM or
 * base64 file is refused); sizes are bounded by NET_CI_MAX / NET_CMS_MAX.
 * Everything from a medium is untrusted: the verifier decides.
 */
#ifndef SZTP_MEDIA_H
#define SZTP_MEDIA_H

#include "base/err.h"
#include "net/net.h"

#define MEDIA_LABEL     "SZTP"
#define MEDIA_MOUNT_DIR "/run/sztp/media"

struct media_opts {
	const char *sys_block; /* NULL: /sys/class/block */
	const char *dev_dir;   /* NULL: /dev */
	const char *mount_dir; /* NULL: MEDIA_MOUNT_DIR */
	const char *serial;    /* device serial, or NULL/"" (then only the fallback) */
	int allow_loop;        /* also consider loop devices (tests) */
	/* load a file system module (vfat, iso9660, ...) before mounting;
	 * NULL: none (see struct net_opts) */
	int (*load_module)(const char *name, struct err *e);
};

/*
 * Read the layout under `root` (a mounted medium, or any directory):
 * adds one artifact source per directory found to `out` with `where` naming
 * it ("<label>:/sztp/<serial>"). Returns the number added (0 when none), -1
 * when a file is malformed or too large (logged; other directories are
 * still read).
 */
int media_read_root(const char *root, const char *label, const char *serial,
		    struct net_result *out);

/* Scan the block devices (see above). Returns the number of sources added. */
int media_scan(const struct media_opts *o, struct net_result *out);

/* Unmount what media_scan() left mounted. */
void media_unmount_all(void);

#endif
