/*
 * decomp.h: boot-image formats, sniffed by magic bytes, and streaming
 * decompression of gzip (zlib), xz (liblzma) and zstd (libzstd).
 *
 * Formats (first bytes of the downloaded stream):
 *   gzip  1f 8b 08                 concatenated members accepted
 *   xz    fd 37 7a 58 5a 00        concatenated streams accepted
 *   zstd  28 b5 2f fd              several frames accepted (skippable too)
 *   raw   anything else not refused below: written as it is
 * Refused (an image must be a raw disk image, possibly compressed):
 *   qcow/qcow2 "QFI\xfb", VMDK "KDMV" / "# Disk DescriptorFile", VDI
 *   (signature 0xbeda107f at offset 64), VHDX "vhdxfile", bzip2 "BZh[1-9]",
 *   lz4 04 22 4d 18, lzip "LZIP", ZIP "PK\3\4", 7z "7z\xbc\xaf\x27\x1c".
 *
 * Memory is bounded by documented decoder limits, never by a size the stream
 * announces: xz streams needing more than DECOMP_XZ_MEMLIMIT are refused, zstd
 * frames with a window above 2^DECOMP_ZSTD_WINDOWLOG are refused.
 *
 * Decompression is push-style: decomp_push() consumes all input and calls
 * `out` with each piece of output (at most DECOMP_OUT_CHUNK bytes at a time);
 * decomp_finish() checks that the compressed stream ended cleanly, so that a
 * truncated image is an error, never a short write.
 */
#ifndef SZTP_DECOMP_H
#define SZTP_DECOMP_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define DECOMP_SNIFF_LEN    72                  /* bytes decomp_sniff() wants to see */
#define DECOMP_OUT_CHUNK    (256 * 1024)        /* output buffer inside struct decomp */
#define DECOMP_XZ_MEMLIMIT  (160u * 1024 * 1024) /* xz -9e needs ~65 MiB; leave room */
#define DECOMP_ZSTD_WINDOWLOG 27                /* 128 MiB, libzstd's default limit */

enum decomp_kind {
	DECOMP_RAW = 0,
	DECOMP_GZIP,
	DECOMP_XZ,
	DECOMP_ZSTD,
	DECOMP_REFUSED, /* a known format that is not a raw disk image */
};

/*
 * Identify the format from the first bytes buf[len] of the stream (len may be
 * short; a stream shorter than a magic is raw). For DECOMP_REFUSED, *what (may
 * be NULL) names the format ("qcow2", ...); otherwise the name of the kind.
 */
enum decomp_kind decomp_sniff(const uint8_t *buf, size_t len, const char **what);

/* The decompressed size the stream's first bytes announce (a zstd frame's
 * content size), or -1 when unknown. */
int64_t decomp_declared_size(enum decomp_kind k, const uint8_t *buf, size_t len);

/* Name of a kind: "raw", "gzip", "xz", "zstd". */
const char *decomp_name(enum decomp_kind k);

/* Receives output: return 0 to go on, -1 (with `e` set) to stop. */
typedef int (*decomp_out_fn)(void *ctx, const uint8_t *data, size_t len, struct err *e);

struct decomp {
	enum decomp_kind kind;
	int state;          /* 0 idle, 1 in a member/stream/frame, 2 at a clean end */
	void *lib;          /* the library's stream object */
	uint64_t in, out;   /* bytes consumed / produced */
	uint8_t buf[DECOMP_OUT_CHUNK];
};

/* Start decompressing `kind` (DECOMP_RAW passes bytes through). 0 or -1. */
int decomp_init(struct decomp *d, enum decomp_kind kind, struct err *e);

/* Feed in[len]; output goes to out(ctx, ...). 0, or -1 with `e` set on
 * corrupt input, a limit exceeded, or an error from `out`. */
int decomp_push(struct decomp *d, const uint8_t *in, size_t len, decomp_out_fn out,
		void *ctx, struct err *e);

/* The input has ended: flush the last output to `out`; 0 when the stream
 * ended cleanly, -1 ("... truncated", or an error from `out`). */
int decomp_finish(struct decomp *d, decomp_out_fn out, void *ctx, struct err *e);

/* Release the library state (always call, also after errors). */
void decomp_free(struct decomp *d);

#endif
