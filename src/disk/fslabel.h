/*
 * fslabel.h: recognise a vfat, ext2/3/4 or iso9660 file system from the
 * first FSLABEL_PROBE bytes of a block device and read its label. No I/O.
 *
 *   vfat:    boot sector signature 55 AA, "FAT12/FAT16" at 54 or "FAT32" at
 *            82, label at 43 (FAT12/16) or 71 (FAT32), 11 bytes space-padded
 *   ext2/3/4: superblock at 1024, magic EF53 at 1024+56, label at 1024+120
 *            (16 bytes, NUL-padded); "ext4" is reported for all three (the
 *            ext4 driver mounts them)
 *   iso9660: primary volume descriptor at 32768 ("\1CD001"), volume id at
 *            32768+40, 32 bytes space-padded
 * Labels are returned with padding removed; bytes outside printable ASCII
 * become '?'.
 */
#ifndef SZTP_FSLABEL_H
#define SZTP_FSLABEL_H

#include <stddef.h>
#include <stdint.h>

#define FSLABEL_PROBE (32768 + 2048)
#define FSLABEL_MAX   33
/* The label of a file system that receives failure reports (boot/report.h);
 * such a disk is never an automatic install target (disk.h). */
#define FSLABEL_REPORT "SZTP-REPORT"

/*
 * Probe buf[len]. Returns 1 with fstype ("vfat", "ext4", "iso9660") and
 * label[FSLABEL_MAX] set, or 0 when no known file system is there.
 */
int fslabel_probe(const uint8_t *buf, size_t len, const char **fstype,
		  char label[FSLABEL_MAX]);

/* Case-insensitive label comparison; 1 when equal. */
int fslabel_eq(const char *a, const char *b);

#endif
