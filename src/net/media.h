/*
 * media.h: bootstrapping data on removable storage (RFC 8572 section 4.1).
 *
 * USB sticks first: when USB mass storage is bound (usb-storage, uas), the
 * SCSI disk and CD-ROM drivers are loaded and the scan waits up to
 * MEDIA_USB_WAIT_MS for every such interface to show a disk (usb-storage
 * probes the stick only after its settle delay, which often ends after the
 * coldplug stage went quiet), logging what it waited for.
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
 * Layouts on the medium (RFC 8572 leaves file names open), in the order they
 * are read, most device-specific first:
 *   1. /sztp/<serial>/                  ours (docs/network.md)
 *   2. <vendor>/<serial>/bootstrapping-data/
 *                                       what vendors' USB tools write, under
 *                                       any top-level directory <vendor>
 *                                       (each one, by name; at most
 *                                       MEDIA_TOP_MAX top-level entries are
 *                                       examined, the log says when more)
 *   3. /sztp/                           device-independent fallback (e.g.
 *                                       unsigned redirect information)
 * each holding
 *   conveyed-information.cms            mandatory
 *   owner-certificate.cms               both or neither (signed data)
 *   ownership-voucher.cms, or ownership-voucher.vcj (RFC 8366's extension)
 * Each directory with a conveyed-information.cms is one artifact source
 * ("media"), carrying the medium's root (struct net_artifacts.medium) so
 * that file:// download-uris in it resolve on the medium (imgsrc.h).
 * <serial> must be serial_ok() and is compared byte for byte with the
 * directory entries (no case folding, no prefix match; vfat and iso9660
 * would look names up ignoring case). Every path is opened with
 * open_beneath() (base/beneath.h): no symbolic link, no "..", nothing off
 * the medium; only regular files, DER (a PEM or base64 file is refused),
 * at most NET_CI_MAX / NET_CMS_MAX bytes. Everything from a medium is
 * untrusted: the verifier decides.
 */
#ifndef SZTP_MEDIA_H
#define SZTP_MEDIA_H

#include "base/err.h"
#include "net/net.h"

#define MEDIA_LABEL     "SZTP"
#define MEDIA_MOUNT_DIR "/run/sztp/media"
#define MEDIA_DIR       "sztp"
#define MEDIA_BSD_DIR   "bootstrapping-data"
#define MEDIA_CI        "conveyed-information.cms"
#define MEDIA_OC        "owner-certificate.cms"
#define MEDIA_OV_CMS    "ownership-voucher.cms"
#define MEDIA_OV_VCJ    "ownership-voucher.vcj"
#define MEDIA_USB_WAIT_MS 8000 /* for bound USB storage to show its disks */
#define MEDIA_TOP_MAX   64   /* top-level entries examined for vendor directories */
#define MEDIA_DIR_MAX   4096 /* entries of one directory searched for the serial */
#define MEDIA_NAME_MAX  256  /* bytes of a top-level directory name, NUL included */
#define MEDIA_REL_MAX   (MEDIA_NAME_MAX + 128) /* "<vendor>/<serial>/bootstrapping-data" */

struct media_opts {
	const char *sys_block; /* NULL: /sys/class/block */
	const char *dev_dir;   /* NULL: /dev */
	const char *mount_dir; /* NULL: MEDIA_MOUNT_DIR */
	const char *serial;    /* device serial, or NULL/"" (then only the fallback) */
	int allow_loop;        /* also consider loop devices (tests) */
	const char *usb_drivers; /* NULL: /sys/bus/usb/drivers */
	int usb_wait_ms;       /* 0: MEDIA_USB_WAIT_MS */
	/* load a file system module (vfat, iso9660, ...) before mounting;
	 * NULL: none (see struct net_opts) */
	int (*load_module)(const char *name, struct err *e);
};

/*
 * Read the layouts under `root` (a mounted medium, or any directory; itself
 * trusted, everything beneath it not): adds one artifact source per
 * directory found to `out`, in the order above, with `where` naming it
 * ("<label>:/sztp/<serial>", "<label>:/EN9/<serial>/bootstrapping-data")
 * and `medium` = root. Returns the number added (0 when none), -1 when a
 * file is refused, malformed or too large and nothing was added (logged;
 * other directories are still read).
 */
int media_read_root(const char *root, const char *label, const char *serial,
		    struct net_result *out);

/* Scan the block devices (see above). Returns the number of sources added. */
int media_scan(const struct media_opts *o, struct net_result *out);

/* Unmount what media_scan() left mounted. */
void media_unmount_all(void);

#endif
