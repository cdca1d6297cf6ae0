/*
 * bls.h: Boot Loader Specification type #1 entries (loader/entries/NAME.conf)
 * and loader.conf's "default", as systemd-boot reads them: how the
 * provisioned OS says which kernel, initramfs and command line it boots
 * (docs/install.md, "Pivot").
 *
 * An entry is lines "KEY VALUE" (KEY and VALUE separated by spaces or tabs;
 * leading white space, blank lines and lines starting with '#' ignored; a
 * trailing CR is dropped). Kept: title, version, sort-key, machine-id, linux,
 * initrd (the first of them; n_initrd counts them), efi, and options (every
 * options line, joined by one space). Other keys are ignored. Refused with
 * an error naming the line: a NUL byte, a value longer than its field, a
 * line longer than BLS_LINE_MAX, a file longer than BLS_FILE_MAX.
 *
 * The menu order is systemd-boot's: entries with a sort-key first, by
 * sort-key, then machine-id, then version, newest first; then the others, by
 * file name, newest first (version comparison). The entry booted is the first
 * that loader.conf's "default" pattern matches (a glob against the file name,
 * with or without ".conf"), else the first of all.
 */
#ifndef SZTP_BLS_H
#define SZTP_BLS_H

#include <stddef.h>

#include "base/err.h"

#define BLS_FILE_MAX    16384
#define BLS_LINE_MAX    4096
#define BLS_ID_MAX      256
#define BLS_VALUE_MAX   512
#define BLS_OPTIONS_MAX 2048

struct bls_entry {
	char id[BLS_ID_MAX];       /* the file name, "debian-6.1.0-57-amd64.conf" */
	char title[BLS_VALUE_MAX];
	char version[BLS_VALUE_MAX];
	char sort_key[BLS_VALUE_MAX];
	char machine_id[BLS_VALUE_MAX];
	char linux_[BLS_VALUE_MAX]; /* as written: "/debian/6.1.0-57-amd64/linux" */
	char initrd[BLS_VALUE_MAX]; /* the first initrd line */
	int n_initrd;
	char efi[BLS_VALUE_MAX];    /* a type #2-style EFI program (not kexec-able) */
	char options[BLS_OPTIONS_MAX];
};

/*
 * Parse the entry file `id` (its file name) with contents txt[len] into `b`.
 * 0, or -1 with `e` set ("ID line N: ...").
 */
int bls_parse_entry(const char *id, const char *txt, size_t len, struct bls_entry *b,
		    struct err *e);

/*
 * loader.conf txt[len]: its "default" value into pattern[cap] ("" when there
 * is none, or when it names an EFI variable such as "@saved", which only the
 * firmware can read). 0, or -1 with `e` set.
 */
int bls_loader_default(const char *txt, size_t len, char *pattern, size_t cap, struct err *e);

/* The menu order: < 0 when `a` comes before `b`, > 0 after, 0 for equal. */
int bls_compare(const struct bls_entry *a, const struct bls_entry *b);

/* 1 when `pattern` (a glob) matches b's file name, with or without ".conf". */
int bls_matches(const struct bls_entry *b, const char *pattern);

#endif
