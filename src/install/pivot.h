/*
 * pivot.h: entering the provisioned OS: our interpretation of RFC 8572's
 * "install the boot image and reboot" (docs/install.md, "Pivot").
 *
 * pivot_plan() decides, from the new root mounted at `root` and its EFI
 * system partition mounted at `esp` (when it has one), in this order:
 *   1. kexec of the OS's own boot loader entry: the Boot Loader
 *      Specification entry systemd-boot would boot (disk/bls.h: loader.conf's
 *      "default", else the first in menu order) among <esp>/loader/entries
 *      (paths relative to the ESP), then <root>/boot/loader/entries (paths
 *      relative to boot/, or to the root when that is where they exist):
 *      its "linux", its first "initrd", its "options" as the command line.
 *      Entries whose files are missing, and EFI-program entries ("efi"), are
 *      skipped. An OS that says how it boots is booted that way: its own
 *      kernel, initramfs and command line;
 *   2. switch_root, when the new root has modules for the running kernel
 *      (lib/modules/<uname -r> or usr/lib/modules/<uname -r>) and an init
 *      (init= from the kernel command line, else sbin/init,
 *      usr/lib/systemd/systemd, lib/systemd/systemd, etc/init, bin/init);
 *   3. kexec of boot/vmlinuz (+ boot/initrd.img), else the highest
 *      boot/vmlinuz-<v> that is a regular file (inside the root) (+ boot/initrd.img-<v> or boot/initramfs-<v>.img),
 *      with "root=PARTUUID=<root partition> ro" plus the console= words of
 *      the running command line;
 *   4. reboot, otherwise (the firmware then boots the disk).
 * sztp.pivot= forces one way (enum pivot_mode); when the forced way is not
 * possible the plan is a reboot, and `why` says so.
 * pivot_exec() carries the plan out (PID 1 only for switch_root): a failed
 * switch_root or kexec before the point of no return falls back to reboot.
 */
#ifndef SZTP_PIVOT_H
#define SZTP_PIVOT_H

#include <stddef.h>

#include "base/err.h"

#define PIVOT_PATH_MAX    512
#define PIVOT_CMDLINE_MAX 2048
#define PIVOT_MAX_ENTRIES 64

enum pivot_kind { PIVOT_SWITCH_ROOT, PIVOT_KEXEC, PIVOT_REBOOT };

/* sztp.pivot=auto|switch_root|kexec|reboot */
enum pivot_mode { PIVOT_AUTO, PIVOT_ONLY_SWITCH_ROOT, PIVOT_ONLY_KEXEC, PIVOT_ONLY_REBOOT };

struct pivot_input {
	const char *root;     /* the new root, mounted */
	const char *esp;      /* its EFI system partition, mounted (NULL/"": none) */
	const char *kver;     /* the running kernel's release */
	const char *partuuid; /* the root partition's PARTUUID ("" when unknown) */
	const char *cmdline;  /* the running kernel command line */
	enum pivot_mode mode;
};

struct pivot_plan {
	enum pivot_kind kind;
	char init[PIVOT_PATH_MAX];   /* switch_root: absolute path in the new root */
	char base[PIVOT_PATH_MAX];   /* kexec: the directory kernel and initrd are in (root or esp) */
	char kernel[PIVOT_PATH_MAX]; /* kexec: relative to base */
	char initrd[PIVOT_PATH_MAX]; /* kexec: relative to base, "" when none */
	char cmdline[PIVOT_CMDLINE_MAX];
	char why[384];               /* one line for the log and the report */
};

/* Decide how to enter the OS (rules above). Always fills `p`; returns 0. */
int pivot_plan(const struct pivot_input *in, struct pivot_plan *p);

/* Carry out `p`. Returns only on failure (-1, `e` set); the caller reboots. */
int pivot_exec(const char *root, const struct pivot_plan *p, struct err *e);

/* Name of a kind: "switch_root", "kexec", "reboot". */
const char *pivot_name(enum pivot_kind k);

/* sztp.pivot= value to mode: 0, or -1 for an unknown word. */
int pivot_mode_parse(const char *s, enum pivot_mode *m);

#endif
