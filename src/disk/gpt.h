/*
 * gpt.h: GUID partition tables (UEFI 2.10 section 5.3), read from bytes, and
 * the root partition type GUIDs of the Discoverable Partitions Specification
 * (DPS, uapi-group.org).
 *
 * gpt_parse() checks what firmware checks, strictly: the "EFI PART"
 * signature, the header size (92..sector), the header CRC32, MyLBA = 1,
 * FirstUsableLBA <= LastUsableLBA, an entry size that is a multiple of 8 in
 * 128..GPT_ENTRY_SIZE_MAX, at most GPT_MAX_ENTRIES entries, the entry-array
 * CRC32, and for each used entry FirstLBA <= LastLBA inside the usable range.
 * The entry array must lie inside the bytes given (the first MiB of a disk
 * always holds it for tables made by common tools).
 */
#ifndef SZTP_GPT_H
#define SZTP_GPT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define GPT_MAX_ENTRIES    1024
#define GPT_ENTRY_SIZE_MAX 1024
#define GPT_MAX_PARTS      128 /* used entries kept */
#define GPT_NAME_MAX       37  /* 36 UTF-16 code units as ASCII, NUL */
#define GPT_GUID_STR       37  /* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" + NUL */

/* DPS attribute bits */
#define GPT_ATTR_NO_AUTO   (1ULL << 63)
#define GPT_ATTR_READ_ONLY (1ULL << 60)

/* DPS root partition types, canonical text form */
#define GPT_ROOT_X86_64  "4f68bce3-e8cd-4db1-96e7-fbcaf984b709"
#define GPT_ROOT_AARCH64 "b921b045-1df0-41c3-af44-4c6f280d3fae"
#define GPT_ROOT_X86     "44479540-f297-41b2-9af7-d131d5f0458a"
#define GPT_ROOT_RISCV64 "72ec70a6-cf74-40e6-bd49-4bda08e8f224"
/* the EFI system partition (UEFI; DPS too) */
#define GPT_ESP          "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"

struct gpt_part {
	int index;           /* 1-based entry number: the kernel's partition number */
	uint8_t type[16];    /* on-disk (mixed-endian) bytes */
	uint8_t uuid[16];
	uint64_t first_lba, last_lba;
	uint64_t attrs;
	char name[GPT_NAME_MAX]; /* ASCII; other code units become '?' */
};

struct gpt {
	unsigned sector;      /* 512 or 4096 */
	uint8_t disk_guid[16];
	uint64_t first_usable, last_usable;
	uint64_t alternate_lba; /* where the backup header is: image size = (alt+1)*sector */
	struct gpt_part parts[GPT_MAX_PARTS];
	int n;
};

/* Parse the table in buf[len] (the start of a disk) for sector size `sector`.
 * Returns 0, or -1 with `e` naming the check that failed. */
int gpt_parse(const uint8_t *buf, size_t len, unsigned sector, struct gpt *g, struct err *e);

/* Try 512-byte then 4096-byte sectors. 0 or -1 (the 512-byte error, unless
 * 4096 found a signature). */
int gpt_probe(const uint8_t *buf, size_t len, struct gpt *g, struct err *e);

/* Parse "4f68bce3-e8cd-..." (any case) into on-disk bytes. 0 or -1. */
int gpt_guid_parse(const char *s, uint8_t out[16]);

/* Format on-disk bytes as lower-case text into out[GPT_GUID_STR]. */
void gpt_guid_format(const uint8_t g[16], char out[GPT_GUID_STR]);

/* The DPS root type GUID text for the architecture this was built for, or
 * NULL when there is none known. */
const char *gpt_root_type_native(void);

/*
 * The DPS root partition of `g` with type `type` (on-disk bytes): the first
 * such entry without the no-auto attribute. Returns its index in g->parts,
 * or -1 with `e` set (none, or only no-auto ones).
 */
int gpt_find_type(const struct gpt *g, const uint8_t type[16], struct err *e);

#endif
