/*
 * disk.h: which disk the boot image goes to (docs/install.md, "Target disk").
 *
 * sztp.disk= names it:
 *   /dev/vda, /dev/disk/by-id/..., /dev/disk/by-path/...  a path (symbolic
 *                          links resolved; must be a whole-disk block device)
 *   by-id/NAME, by-path/NAME  the same below /dev/disk/
 *   vda, nvme0n1           a kernel name
 *   serial:S               the disk whose serial number is S
 *   wwn:W                  the disk whose WWID/WWN ends with W (case-insensitive)
 * An explicit choice may be any whole disk, removable or not.
 *
 * Without sztp.disk=, the automatic rule: among the whole disks of
 * /sys/class/block, the candidates are those that are
 *   - backed by a device (loop, ram, zram, dm, md are not; loop only in tests),
 *   - not sr* / fd* (optical, floppy), not removable, not read-only, size > 0,
 *   - not in use: no mounted file system on it or its partitions (the medium
 *     we read bootstrapping data from is mounted),
 *   - not a boot or SZTP medium: no whole-disk iso9660, no file system
 *     labelled SZTP or SZTP-REPORT (the failure report's, boot/report.h)
 *     on the disk itself.
 * Exactly one candidate is chosen; none, or more than one, is refused with the
 * list of disks and why each was or was not a candidate ("ambiguous: vda
 * (10.0 GiB), vdb (20.0 GiB); set sztp.disk=").
 */
#ifndef SZTP_DISK_H
#define SZTP_DISK_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define DISK_MAX      64
#define DISK_NAME_MAX 32
#define DISK_ID_MAX   128

struct disk_info {
	char name[DISK_NAME_MAX];  /* kernel name, "vda" */
	uint64_t size;             /* bytes */
	int removable, ro, has_device, in_use, medium;
	char serial[DISK_ID_MAX];
	char wwid[DISK_ID_MAX];
	const char *why_not;       /* set by disk_choose() for the automatic rule */
};

struct disk_opts {
	const char *sys_block;  /* NULL: /sys/class/block */
	const char *dev_dir;    /* NULL: /dev */
	const char *mounts;     /* NULL: /proc/self/mounts */
	int allow_loop;         /* loop devices count as disks (tests) */
	int no_probe;           /* do not read the disks (iso9660 / SZTP label) */
};

/* Enumerate the whole disks. Returns the number found (<= max) or -1. */
int disk_list(const struct disk_opts *o, struct disk_info *d, int max, struct err *e);

/*
 * The engine: pick from d[0..n) by `spec` (NULL/"" = the automatic rule; the
 * path forms are resolved by disk_find(), here only kernel names, serial:
 * and wwn:). Returns the index, or -1 with `e` explaining.
 */
int disk_choose(struct disk_info *d, int n, const char *spec, int allow_loop, struct err *e);

/* The whole thing: resolve `spec` to a device path "/dev/vda" in out[cap].
 * 0 or -1 with `e` set. */
int disk_find(const struct disk_opts *o, const char *spec, char *out, size_t cap, struct err *e);

/* The device path of partition `index` of disk `dev`: /dev/vda3,
 * /dev/nvme0n1p3, /dev/loop0p3, /dev/mmcblk0p3. 0 or -1 (too long). */
int disk_partition_path(const char *dev, int index, char *out, size_t cap);

#endif
