/*
 * image.h: stream a boot image to a disk: download, hash, decompress, write,
 * with the first MiB held back (docs/install.md, "Writing the image").
 *
 *   1. Once the image's first MiB has passed the size check (3.), the first
 *      IMAGE_HOLD bytes of the target (and, on a block device, its last
 *      IMAGE_HOLD bytes, where a backup GPT lives) are zeroed and synced: from
 *      then on the disk holds no bootable table. A failure before that point
 *      (no URI works, the image is too big, a refused format) leaves a disk
 *      untouched. A regular file is truncated at the start.
 *   2. Each download-uri is tried in order. Bytes are hashed as downloaded
 *      (the hash is a br_hash_class, by default sha256_class(): SHA-NI when the
 *      CPU has it), the format is
 *      sniffed from the first bytes (decomp.h), the output's first IMAGE_HOLD
 *      bytes are kept in memory, the rest is written with IMAGE_WBUF-sized
 *      writes at MiB-aligned offsets, with O_DIRECT where the target takes
 *      it (no copy into the page cache), buffered where it does not. Three
 *      threads overlap the work: the caller's runs the source (TLS), a
 *      worker hashes, decompresses and fills the write buffers, a writer
 *      writes them (image.c); memory stays bounded (IMAGE_IN_SLOTS and
 *      IMAGE_WSLOTS buffers, nothing allocated per image).
 *   3. The image size is checked against the disk before any byte is
 *      written: a raw image's announced length, a zstd frame's content size,
 *      and the image's own GPT (its backup header LBA) once the first MiB is
 *      decompressed; anything beyond the end of the disk is refused anyway.
 *   4. A broken transfer resumes at the byte where it broke (the source's
 *      fetch(from = bytes so far): an HTTP Range request); the hash and the
 *      decompressor carry on across the resume. After IMAGE_RESUME_MAX
 *      attempts without progress, or a failure not worth retrying (HTTP 4xx,
 *      a corrupt stream, a hash mismatch), the next URI starts from scratch.
 *   5. When the stream ends: the compressed stream must have ended cleanly,
 *      every sha-256 given must match, then the rest is written, fdatasync,
 *      then the held-back first MiB, fdatasync, BLKRRPART.
 *   6. On any failure after step 1 the table is wiped again (first and last
 *      MiB, and the MiB before the highest byte written: the image's own
 *      backup GPT), so a half-written disk can never boot. A regular file is
 *      truncated to 0.
 *   7. With image_opts.hold_table (onboarding: RFC 8572 section 5.6 wants
 *      nothing active until bootstrapping is complete), step 5 writes
 *      everything but the held-back first MiB, and also zeroes the image's
 *      backup GPT header (kept in memory): the disk then holds the whole
 *      image but no partition table, primary or backup, so a power loss
 *      before image_commit() leaves nothing bootable. image_held_head()
 *      gives the table to add the partitions from (BLKPG) meanwhile;
 *      image_commit() writes both headers, image_wipe() abandons.
 */
#ifndef SZTP_IMAGE_H
#define SZTP_IMAGE_H

#include <bearssl.h>
#include <stddef.h>
#include <stdint.h>

#include "install/decomp.h"
#include "base/err.h"

#define IMAGE_HOLD        (1024 * 1024)     /* held back, written last */
#define IMAGE_WBUF        (1024 * 1024)     /* one disk write (a write slot) */
#define IMAGE_WSLOTS      4                 /* write slots queued for the writer thread */
#define IMAGE_IN_SLOT     (128 * 1024)      /* downloaded bytes handed to the worker at once */
#define IMAGE_IN_SLOTS    4
#define IMAGE_DIRECT_ALIGN 4096             /* O_DIRECT writes: address, offset, length */
#define IMAGE_RESUME_MAX  6                 /* attempts per URI without progress */
#define IMAGE_PROGRESS_MS 250               /* at most 4 progress callbacks a second */
#define IMAGE_MAX_URIS    8

/* Source return values */
#define IMAGE_SRC_OK    0  /* the end of the image was reached */
#define IMAGE_SRC_RETRY (-1) /* broken: worth resuming at the current offset */
#define IMAGE_SRC_FATAL (-2) /* this URI will not work: try the next one */

typedef int (*image_sink_fn)(void *ctx, const uint8_t *data, size_t len, struct err *e);

/* Where image bytes come from (file: imgsrc_file.c, https: imgsrc_https.c). */
struct image_source {
	void *ctx;
	/*
	 * Deliver the bytes of `uri` from offset `from` to its end, in order,
	 * to sink(sink_ctx, ...). Before the first byte, set *total to the
	 * image's full length when known (else leave it at -1). If the sink
	 * returns -1, stop and return IMAGE_SRC_FATAL. Returns one of the
	 * IMAGE_SRC_* values, with `e` set on failure.
	 */
	int (*fetch)(void *ctx, const char *uri, uint64_t from, image_sink_fn sink,
		     void *sink_ctx, int64_t *total, struct err *e);
};

struct image_progress {
	uint64_t in;      /* bytes downloaded (of the current URI) */
	int64_t total;    /* download size, -1 when unknown */
	uint64_t out;     /* bytes of image produced */
	int64_t elapsed_ms;
	int done;         /* the final call */
};

struct image_opts {
	const char *const *uris;
	int n_uris;
	const uint8_t (*sha256)[32]; /* expected digests: all must match */
	int n_sha256;
	const struct image_source *src;
	const br_hash_class *hash;   /* NULL: sha256_class() (any 32-byte hash class fits) */
	int resume_max;              /* 0: IMAGE_RESUME_MAX */
	int retry_delay_ms;          /* first delay before a resume, doubling up to 5 s; 0: 500 */
	void (*progress)(void *ctx, const struct image_progress *p); /* or NULL */
	void *progress_ctx;
	int buffered;                /* 1: no O_DIRECT for the bulk writes (tests) */
	int serial;                  /* 1: hash, decompress and write on the caller's
				      * thread, no worker/writer threads (tests) */
	int64_t (*now_ms)(void);     /* NULL: CLOCK_MONOTONIC */
	void (*sleep_ms)(int ms);    /* NULL: nanosleep */
	int hold_table;              /* step 7: keep the partition table back until
				      * image_commit() (block devices only) */
	/* out: each URI that failed before the one that worked, "URI: why; ..."
	 * (for a boot-image-warning), or NULL */
	char *failed;
	size_t failed_cap;
};

struct image_result {
	uint64_t bytes_in;       /* downloaded bytes of the image that was written */
	uint64_t bytes_out;      /* bytes written to the target */
	int uri_index;           /* which URI it came from (0-based), -1 none */
	enum decomp_kind kind;
	int resumes;             /* resumed transfers */
	uint8_t digest[32];      /* hash of the downloaded bytes */
};

/*
 * Write the image described by `o` to the open target `fd` (a block device
 * or a regular file; `name` is for messages). Returns 0 when the image was
 * verified and written in full, or -1 with `e` set (and the target wiped).
 */
int image_write(int fd, const char *name, const struct image_opts *o, struct image_result *r,
		struct err *e);

/*
 * Make the target unbootable: zero its first and last IMAGE_HOLD bytes and
 * the IMAGE_HOLD bytes before `written_end` (a regular file is truncated to
 * 0), sync, re-read the partition table. 0 or -1 with `e` set.
 */
int image_wipe(int fd, uint64_t written_end, struct err *e);

/*
 * After image_write() with hold_table: the held-back first MiB (the image's
 * protective MBR and primary GPT) and its length; NULL when nothing is held.
 */
const uint8_t *image_held_head(size_t *len);

/*
 * Write what image_write() held back (the first MiB, the backup GPT header)
 * to `fd`, the same target, sync, re-read the table: the image becomes
 * bootable. 0 (also when nothing was held) or -1 with `e` set.
 */
int image_commit(int fd, const char *name, struct err *e);

/* Forget what is held back (after image_wipe() or a commit). */
void image_release(void);

/* The size in bytes of the open target: a block device's size, or
 * UINT64_MAX for a regular file (no limit). 0 on error (e set). */
uint64_t image_target_size(int fd, struct err *e);

/* One progress line: "12.0 MiB of 40.0 MiB (30%), 8.1 MiB/s, ETA 0:03". */
void image_progress_line(const struct image_progress *p, char *buf, size_t cap);

#endif
