/*
 * pivot.h: entering the provisioned OS: our interpretation of RFC 8572's
 * "install the boot image and reboot" (docs/install.md, "Pivot").
 *
 * pivot_plan() decides, from the new root mounted at `root`:
 *   1. switch_root, when the new root has modules for the running kernel
 *      (lib/modules/<uname -r> or usr/lib/modules/<uname -r>) and an init
 *      (init= from the kernel command line, else sbin/init,
 *      usr/lib/systemd/systemd, lib/systemd/systemd, etc/init, bin/init);
 *   2. kexec, when the new root carries a kernel: the last Boot Loader
 *      Specification entry (boot/loader/entries/ *.conf by file name, with
 *      "linux", optional "initrd" and "options", paths relative to boot/), else
 *      boot/vmlinuz (+ boot/initrd.img), else the highest boot/vmlinuz-<v> that
 *      is a regular file (inside the root)
 *      (+ boot/initrd.img-<v> or boot/initramfs-<v>.img). The command line is
 *      the entry's "options", else "root=PARTUUID=<root partition> ro" plus the
 *      console= words of the running command line;
 *   3. reboot, otherwise (the firmware then boots the disk).
 * pivot_exec() carries the plan out (PID 1 only for switch_root): a failed
 * switch_root or kexec before the point of no return falls back to reboot.
 */
#ifndef SZTP_PIVOT_H
#define SZTP_PIVOT_H

#include <stddef.h>

#include "base/err.h"

#define PIVOT_PATH_MAX    512
#define PIVOT_CMDLINE_MAX 2048

enum pivot_kind { PIVOT_SWITCH_ROOT, PIVOT_KEXEC, PIVOT_REBOOT };

struct pivot_plan {
	enum pivot_kind kind;
	char init[PIVOT_PATH_MAX];   /* switch_root: absolute path in the new root */
	char kernel[PIVOT_PATH_MAX]; /* kexec: relative to the new root */
	char initrd[PIVOT_PATH_MAX]; /* kexec: "" when none */
	char cmdline[PIVOT_CMDLINE_MAX];
	char why[256];               /* one line for the log and the report */
};

/*
 * Decide how to enter the OS at `root`. `kver` is the running kernel's
 * release, `partuuid` the root partition's PARTUUID ("" when unknown),
 * `cmdline` the running kernel command line. Always fills `p`; returns 0.
 */
int pivot_plan(const char *root, const char *kver, const char *partuuid, const char *cmdline,
	       struct pivot_plan *p);

/* Carry out `p`. Returns only on failure (-1, `e` set); the caller reboots. */
int pivot_exec(const char *root, const struct pivot_plan *p, struct err *e);

/* Name of a kind: "switch_root", "kexec", "reboot". */
const char *pivot_name(enum pivot_kind k);

#endif
