/*
 * image.c: download -> hash -> decompress -> disk, first MiB held back (image.h).
 *
 * Three threads share the work (stage.h), each owning its part of struct
 * writer:
 *   the caller's  the source's sink (on_input): copies downloaded bytes into
 *                 input slots; owns `in`, the current input slot, progress;
 *   "worker"      consume_input: hash, sniff, decompress, hold back the head,
 *                 check sizes, zero the table (first_touch), fill write slots
 *                 (on_output); owns the hash, decompressor, head, `out`;
 *   "writer"      consume_output: the disk writes (write_direct); owns `high`.
 * After every return of the source the input stage is drained, so decisions
 * (resume, next URI, complete) are taken on the caller's thread with the
 * worker idle; the writer is drained before the final sync and before any
 * wipe, so no write ever lands after one.
 */
#include "install/image.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "disk/gpt.h"
#include "install/stage.h"
#include "base/log.h"
#include "base/sha256.h"

struct writer {
	int fd;
	const char *name;
	int is_file;
	uint64_t disk_size;
	const struct image_opts *o;
	br_hash_compat_context hc;
	const br_hash_class *hash;
	struct decomp dec;
	int sniffed;
	uint8_t sniff[DECOMP_SNIFF_LEN];
	size_t nsniff;
	int64_t total;         /* from the source, -1 unknown */
	uint64_t in, out;      /* downloaded bytes accepted; image bytes produced */
	uint64_t out_seen;     /* `out` for progress (atomic: another thread) */
	uint64_t high;         /* highest byte offset written to the target */
	uint64_t declared;     /* image size its GPT declares, 0 unknown */
	int size_checked;
	int fatal;             /* the sink failed: this URI is done */
	int fatal_all;         /* the target failed: every URI is done */
	int direct;            /* bulk writes may use O_DIRECT (write_direct) */
	int touched;           /* something was written to the target */
	int in_failed;         /* on_input saw the worker's failure (e says why) */
	struct stage in_st, out_st;
	struct stage_slot *islot, *oslot; /* being filled, or NULL */
	uint64_t woff;         /* target offset of the next write slot */
	int64_t t0, last_progress;
	/* hold_table: what complete() kept back for image_commit() */
	int held;
	size_t held_len;              /* bytes of head held */
	uint64_t backup_off;          /* where the image's backup GPT header goes */
	unsigned backup_len;          /* its sector size, 0: none held */
	uint8_t backup[4096];
	uint8_t head[IMAGE_HOLD];
	uint8_t ibuf[IMAGE_IN_SLOTS * IMAGE_IN_SLOT];
	uint8_t wbuf[IMAGE_WSLOTS * IMAGE_WBUF] __attribute__((aligned(4096)));
};

static struct writer W;
/* in .bss, not .rodata: a const array of zeros would add 1 MiB to the binary */
static uint8_t zeros[IMAGE_HOLD];

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int64_t now(const struct writer *w)
{
	return w->o->now_ms ? w->o->now_ms() : mono_ms();
}

/* Write all of p[0..n) at off; 0, or the errno value (ENOSPC for a write of 0). */
static int pwrite_raw(int fd, const uint8_t *p, size_t n, uint64_t off, uint64_t *at)
{
	while (n > 0) {
		ssize_t r = pwrite(fd, p, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		*at = off;
		if (r < 0)
			return errno;
		if (r == 0)
			return ENOSPC;
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

static int pwrite_all(int fd, const uint8_t *p, size_t n, uint64_t off, const char *name,
		      struct err *e)
{
	uint64_t at = off;
	int r = pwrite_raw(fd, p, n, off, &at);
	if (r == ENOSPC)
		return err_set(e, "%s: write at offset %llu: no space", name, (unsigned long long)at);
	if (r)
		return err_set(e, "%s: write at offset %llu: %s", name, (unsigned long long)at,
			       strerror(r));
	return 0;
}

static int sync_fd(int fd, const char *name, struct err *e)
{
	if (fdatasync(fd) < 0 && errno != EINVAL && errno != EROFS)
		return err_set(e, "%s: fdatasync: %s", name, strerror(errno));
	return 0;
}

static void reread_table(int fd, const char *name)
{
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKRRPART) < 0)
			log_warn("image", "%s: re-reading the partition table: %s", name,
				 strerror(errno));
	}
}

uint64_t image_target_size(int fd, struct err *e)
{
	struct stat st;
	uint64_t sz = 0;
	if (fstat(fd, &st) < 0) {
		err_set(e, "fstat: %s", strerror(errno));
		return 0;
	}
	if (S_ISREG(st.st_mode))
		return UINT64_MAX;
	if (!S_ISBLK(st.st_mode)) {
		err_set(e, "not a block device or a regular file");
		return 0;
	}
	if (ioctl(fd, BLKGETSIZE64, &sz) < 0) {
		err_set(e, "BLKGETSIZE64: %s", strerror(errno));
		return 0;
	}
	if (sz == 0)
		err_set(e, "the disk has size 0");
	return sz;
}

static int zero_range(int fd, uint64_t off, uint64_t len, const char *name, struct err *e)
{
	while (len > 0) {
		size_t k = len > sizeof zeros ? sizeof zeros : (size_t)len;
		if (pwrite_all(fd, zeros, k, off, name, e) < 0)
			return -1;
		off += k;
		len -= k;
	}
	return 0;
}

int image_wipe(int fd, uint64_t written_end, struct err *e)
{
	struct stat st;
	uint64_t size;
	int r = 0;
	if (fstat(fd, &st) < 0)
		return err_set(e, "fstat: %s", strerror(errno));
	if (S_ISREG(st.st_mode)) {
		if (ftruncate(fd, 0) < 0)
			return err_set(e, "truncate: %s", strerror(errno));
		return sync_fd(fd, "target", e);
	}
	size = image_target_size(fd, e);
	if (size == 0)
		return -1;
	uint64_t hold = size < IMAGE_HOLD ? size : IMAGE_HOLD;
	r |= zero_range(fd, 0, hold, "target", e);
	r |= zero_range(fd, size - hold, hold, "target", e);
	if (written_end > size)
		written_end = size;
	if (written_end > hold)
		r |= zero_range(fd, written_end - hold, hold, "target", e);
	r |= sync_fd(fd, "target", e);
	reread_table(fd, "target");
	return r ? -1 : 0;
}

/* Step 1, done just before the first byte of the image goes to the target:
 * from then on the target holds no bootable table. */
static int first_touch(struct writer *w, struct err *e)
{
	if (w->touched)
		return 0;
	w->touched = 1;
	if (w->is_file) {
		if (ftruncate(w->fd, 0) < 0)
			return err_set(e, "%s: truncate: %s", w->name, strerror(errno));
		if (zero_range(w->fd, 0, IMAGE_HOLD, w->name, e) < 0)
			return -1;
	} else {
		uint64_t hold = w->disk_size < IMAGE_HOLD ? w->disk_size : IMAGE_HOLD;
		if (zero_range(w->fd, 0, hold, w->name, e) < 0 ||
		    zero_range(w->fd, w->disk_size - hold, hold, w->name, e) < 0)
			return -1;
	}
	return sync_fd(w->fd, w->name, e);
}

/* O_DIRECT on the target's descriptor on or off; 0, or -1 when refused. */
static int set_direct(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -1;
	if (!!(fl & O_DIRECT) == !!on)
		return 0;
	return fcntl(fd, F_SETFL, on ? fl | O_DIRECT : fl & ~O_DIRECT) < 0 ? -1 : 0;
}

/*
 * The bulk of the image goes to the target with O_DIRECT: no copy into the
 * page cache (the largest CPU cost of a buffered write, docs/performance.md)
 * and no page cache filled with image data. Only the whole IMAGE_DIRECT_ALIGN
 * blocks of the write buffer (aligned, at aligned offsets) go this way; the
 * rest, and every other write (zeroing, the held-back head), is buffered,
 * and O_DIRECT is off again when this returns. A target that refuses
 * O_DIRECT (fcntl or the write says EINVAL) is written buffered from then
 * on. Durability is the same either way: fdatasync before the head, and
 * after it.
 */
static int write_direct(struct writer *w, const uint8_t *p, size_t n, uint64_t off,
			struct err *e)
{
	size_t k = n & ~(size_t)(IMAGE_DIRECT_ALIGN - 1);
	if (w->direct && k && off % IMAGE_DIRECT_ALIGN == 0) {
		uint64_t at = off;
		int r = set_direct(w->fd, 1) < 0 ? EINVAL : pwrite_raw(w->fd, p, k, off, &at);
		if (set_direct(w->fd, 0) < 0)
			return err_set(e, "%s: cannot turn O_DIRECT off: %s", w->name,
				       strerror(errno));
		if (r == EINVAL) {
			/* refused by fcntl or the filesystem: the same bytes, buffered */
			log_info("image", "%s: O_DIRECT refused; writing through the page cache",
				 w->name);
			w->direct = 0;
		} else if (r) {
			return err_set(e, "%s: write at offset %llu: %s", w->name,
				       (unsigned long long)at,
				       r == ENOSPC ? "no space" : strerror(r));
		} else {
			p += k;
			n -= k;
			off += k;
		}
	}
	return n ? pwrite_all(w->fd, p, n, off, w->name, e) : 0;
}

/* The writer thread: one write slot to the target. */
static int consume_output(void *ctx, const struct stage_slot *s, struct err *e)
{
	struct writer *w = ctx;
	if (write_direct(w, s->buf, s->len, s->off, e) < 0) {
		w->fatal_all = 1;
		return -1;
	}
	if (s->off + s->len > w->high)
		w->high = s->off + s->len;
	return 0;
}

/* Hand the write slot being filled to the writer (the table is zeroed
 * first: nothing of the image reaches the target before that). */
static int flush_wbuf(struct writer *w, struct err *e)
{
	if (!w->oslot || w->oslot->len == 0)
		return 0;
	if (first_touch(w, e) < 0) {
		w->fatal_all = 1;
		return -1;
	}
	w->oslot->off = w->woff;
	w->woff += w->oslot->len;
	w->oslot = NULL;
	if (stage_put(&w->out_st, e) < 0) {
		w->fatal_all = 1;
		return -1;
	}
	return 0;
}

static int check_size(struct writer *w, uint64_t need, const char *why, struct err *e)
{
	if (need > w->disk_size) {
		w->fatal_all = 1;
		return err_set(e, "%s: image needs %llu bytes (%s) but the disk has %llu: refused "
			       "before writing", w->name, (unsigned long long)need, why,
			       (unsigned long long)w->disk_size);
	}
	return 0;
}

static int first_touch(struct writer *w, struct err *e);

/* The first MiB is complete (or the image ended): its GPT says how big the image is. */
static int check_head(struct writer *w, struct err *e)
{
	static struct gpt g;
	struct err ge;
	w->size_checked = 1;
	size_t n = w->out < IMAGE_HOLD ? (size_t)w->out : IMAGE_HOLD;
	if (gpt_probe(w->head, n, &g, &ge) == 0) {
		uint64_t need = (g.alternate_lba + 1) * g.sector;
		w->declared = need;
		log_info("image", "image has a GPT with %d partition(s), %llu bytes", g.n,
			 (unsigned long long)need);
		if (check_size(w, need, "its GPT", e) < 0)
			return -1;
	} else {
		log_warn("image", "no GPT in the first MiB of the image (%s)", ge.msg);
	}
	/* the size is acceptable: from now on the target holds no bootable table */
	if (first_touch(w, e) < 0) {
		w->fatal_all = 1;
		return -1;
	}
	return 0;
}

static int on_output(void *ctx, const uint8_t *p, size_t n, struct err *e)
{
	struct writer *w = ctx;
	if (w->out + n > w->disk_size) {
		w->fatal_all = 1;
		return err_set(e, "%s: image is larger than the disk (%llu bytes)", w->name,
			       (unsigned long long)w->disk_size);
	}
	if (w->out < IMAGE_HOLD) {
		size_t k = IMAGE_HOLD - (size_t)w->out;
		if (k > n)
			k = n;
		memcpy(w->head + w->out, p, k);
		w->out += k;
		p += k;
		n -= k;
		if (w->out == IMAGE_HOLD && check_head(w, e) < 0)
			return -1;
	}
	while (n > 0) {
		if (!w->oslot && !(w->oslot = stage_slot(&w->out_st, e))) {
			w->fatal_all = 1; /* the writer failed */
			return -1;
		}
		size_t k = IMAGE_WBUF - w->oslot->len;
		if (k > n)
			k = n;
		memcpy(w->oslot->buf + w->oslot->len, p, k);
		w->oslot->len += k;
		w->out += k;
		p += k;
		n -= k;
		if (w->oslot->len == IMAGE_WBUF && flush_wbuf(w, e) < 0)
			return -1;
	}
	return 0;
}

static int start_stream(struct writer *w, struct err *e)
{
	const char *what = NULL;
	enum decomp_kind k = decomp_sniff(w->sniff, w->nsniff, &what);
	if (k == DECOMP_REFUSED) {
		w->fatal = 1;
		return err_set(e, "image format %s is not supported (raw, gzip, xz or zstd disk "
			       "images only)", what);
	}
	if (k == DECOMP_RAW && w->total >= 0 && check_size(w, (uint64_t)w->total, "its length", e) < 0)
		return -1;
	int64_t ds = decomp_declared_size(k, w->sniff, w->nsniff);
	if (ds >= 0 && check_size(w, (uint64_t)ds, "its zstd content size", e) < 0)
		return -1;
	if (decomp_init(&w->dec, k, e) < 0) {
		w->fatal = 1;
		return -1;
	}
	w->sniffed = 1;
	log_info("image", "image format: %s%s", decomp_name(k),
		 w->total >= 0 ? "" : ", download size unknown");
	if (decomp_push(&w->dec, w->sniff, w->nsniff, on_output, w, e) < 0) {
		w->fatal = 1;
		return -1;
	}
	return 0;
}

static void progress(struct writer *w, int done)
{
	if (!w->o->progress)
		return;
	int64_t t = now(w);
	if (!done && t - w->last_progress < IMAGE_PROGRESS_MS)
		return;
	w->last_progress = t;
	struct image_progress p = { w->in, w->total, __atomic_load_n(&w->out_seen, __ATOMIC_RELAXED),
				    t - w->t0, done };
	w->o->progress(w->o->progress_ctx, &p);
}

/* The worker thread: downloaded bytes, in order. */
static int consume_input(void *ctx, const struct stage_slot *s, struct err *e)
{
	struct writer *w = ctx;
	const uint8_t *p = s->buf;
	size_t n = s->len;
	w->hash->update(&w->hc.vtable, p, n);
	if (!w->sniffed) {
		size_t k = sizeof w->sniff - w->nsniff;
		if (k > n)
			k = n;
		memcpy(w->sniff + w->nsniff, p, k);
		w->nsniff += k;
		p += k;
		n -= k;
		if (w->nsniff < sizeof w->sniff)
			return 0;
		if (start_stream(w, e) < 0)
			return -1;
	}
	if (decomp_push(&w->dec, p, n, on_output, w, e) < 0) {
		w->fatal = 1;
		return -1;
	}
	__atomic_store_n(&w->out_seen, w->out, __ATOMIC_RELAXED);
	return 0;
}

/* The source's sink (the caller's thread): downloaded bytes into input
 * slots for the worker. */
static int on_input(void *ctx, const uint8_t *p, size_t n, struct err *e)
{
	struct writer *w = ctx;
	while (n > 0) {
		if (!w->islot && !(w->islot = stage_slot(&w->in_st, e))) {
			w->in_failed = 1;
			return -1;
		}
		size_t k = IMAGE_IN_SLOT - w->islot->len;
		if (k > n)
			k = n;
		memcpy(w->islot->buf + w->islot->len, p, k);
		w->islot->len += k;
		w->in += k;
		p += k;
		n -= k;
		if (w->islot->len == IMAGE_IN_SLOT) {
			w->islot = NULL;
			if (stage_put(&w->in_st, e) < 0) {
				w->in_failed = 1;
				return -1;
			}
		}
	}
	progress(w, 0);
	return 0;
}

/* The source returned: the worker has everything and is idle after this.
 * 0, or -1 with the worker's error in e (unless on_input reported it). */
static int input_settle(struct writer *w, struct err *e)
{
	struct err de;
	int r = 0;
	if (w->islot && w->islot->len) {
		w->islot = NULL;
		r = stage_put(&w->in_st, &de);
	}
	w->islot = NULL;
	if (r == 0)
		r = stage_drain(&w->in_st, &de);
	if (r < 0 && !w->in_failed)
		*e = de;
	return r;
}

static void hexdig(const uint8_t *d, char *out)
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void reset(struct writer *w)
{
	struct err de;
	/* the previous URI's writes are done before this one's start */
	stage_drain(&w->out_st, &de);
	stage_reset(&w->in_st);
	stage_reset(&w->out_st);
	w->islot = w->oslot = NULL;
	w->in_failed = 0;
	w->out_seen = 0;
	decomp_free(&w->dec);
	memset(&w->dec, 0, sizeof w->dec);
	w->hash->init(&w->hc.vtable);
	w->sniffed = 0;
	w->nsniff = 0;
	w->total = -1;
	w->in = w->out = 0;
	w->size_checked = 0;
	w->fatal = 0;
	w->woff = IMAGE_HOLD;
	memset(w->head, 0, sizeof w->head);
}

/* Step 7: everything is written but the head; the image's backup GPT header
 * is zeroed too (kept), and the kernel forgets the old partitions. */
static int hold(struct writer *w, size_t hn, const uint8_t *dig, struct image_result *r,
		struct err *e)
{
	static struct gpt g;
	struct err ge;

	w->backup_len = 0;
	if (gpt_probe(w->head, hn, &g, &ge) == 0 && g.sector <= sizeof w->backup &&
	    (g.alternate_lba + 1) * g.sector <= w->disk_size) {
		w->backup_off = g.alternate_lba * g.sector;
		if (pread(w->fd, w->backup, g.sector, (off_t)w->backup_off) != (ssize_t)g.sector) {
			w->fatal_all = 1;
			return err_set(e, "%s: reading back the backup GPT header: %s", w->name,
				       strerror(errno));
		}
		w->backup_len = g.sector;
		if (zero_range(w->fd, w->backup_off, g.sector, w->name, e) < 0) {
			w->fatal_all = 1;
			return -1;
		}
	}
	if (sync_fd(w->fd, w->name, e) < 0) {
		w->fatal_all = 1;
		return -1;
	}
	reread_table(w->fd, w->name);
	w->held = 1;
	w->held_len = hn;
	log_info("image", "%s: image written; its partition table is held back until "
		 "bootstrapping is complete (nothing bootable before)", w->name);
	memcpy(r->digest, dig, 32);
	r->bytes_in = w->in;
	r->bytes_out = w->out;
	r->kind = w->dec.kind;
	return 0;
}

const uint8_t *image_held_head(size_t *len)
{
	*len = W.held ? W.held_len : 0;
	return W.held ? W.head : NULL;
}

void image_release(void)
{
	W.held = 0;
	W.held_len = 0;
	W.backup_len = 0;
}

int image_commit(int fd, const char *name, struct err *e)
{
	struct writer *w = &W;
	if (!w->held)
		return 0;
	if ((w->backup_len && pwrite_all(fd, w->backup, w->backup_len, w->backup_off, name, e) < 0) ||
	    sync_fd(fd, name, e) < 0 || pwrite_all(fd, w->head, w->held_len, 0, name, e) < 0 ||
	    sync_fd(fd, name, e) < 0)
		return -1;
	reread_table(fd, name);
	image_release();
	log_info("image", "%s: partition table written: the image is bootable", name);
	return 0;
}

/* The stream ended: finish, verify, write the rest and then the head. */
static int complete(struct writer *w, struct image_result *r, struct err *e)
{
	uint8_t dig[64];
	char got[65], want[65];
	if (!w->sniffed && start_stream(w, e) < 0)
		return -1;
	if (decomp_finish(&w->dec, on_output, w, e) < 0) {
		w->fatal = 1;
		return -1;
	}
	if (!w->size_checked && check_head(w, e) < 0)
		return -1;
	w->hash->out(&w->hc.vtable, dig);
	hexdig(dig, got);
	for (int i = 0; i < w->o->n_sha256; i++) {
		if (memcmp(dig, w->o->sha256[i], 32) != 0) {
			hexdig(w->o->sha256[i], want);
			w->fatal = 1;
			return err_set(e, "sha-256 of the downloaded image is %s, expected %s", got,
				       want);
		}
	}
	log_info("image", "sha-256 %s verified (%llu bytes downloaded, %llu bytes of image)",
		 got, (unsigned long long)w->in, (unsigned long long)w->out);
	__atomic_store_n(&w->out_seen, w->out, __ATOMIC_RELAXED);
	if (flush_wbuf(w, e) < 0 || stage_drain(&w->out_st, e) < 0 ||
	    sync_fd(w->fd, w->name, e) < 0) {
		w->fatal_all = 1;
		return -1;
	}
	size_t hn = w->out < IMAGE_HOLD ? (size_t)w->out : IMAGE_HOLD;
	if (first_touch(w, e) < 0) {
		w->fatal_all = 1;
		return -1;
	}
	if (w->o->hold_table && !w->is_file)
		return hold(w, hn, dig, r, e);
	if (w->is_file && w->out < IMAGE_HOLD && ftruncate(w->fd, (off_t)w->out) < 0) {
		w->fatal_all = 1;
		return err_set(e, "%s: truncate: %s", w->name, strerror(errno));
	}
	if (pwrite_all(w->fd, w->head, hn, 0, w->name, e) < 0 || sync_fd(w->fd, w->name, e) < 0) {
		w->fatal_all = 1;
		return -1;
	}
	reread_table(w->fd, w->name);
	memcpy(r->digest, dig, 32);
	r->bytes_in = w->in;
	r->bytes_out = w->out;
	r->kind = w->dec.kind;
	return 0;
}

/* One URI: fetch, resume as long as it makes progress, complete. */
static int one_uri(struct writer *w, const char *uri, struct image_result *r, struct err *e)
{
	const struct image_opts *o = w->o;
	int tries = 0, max = o->resume_max > 0 ? o->resume_max : IMAGE_RESUME_MAX;
	int delay = o->retry_delay_ms > 0 ? o->retry_delay_ms : 500;
	for (;;) {
		uint64_t before = w->in;
		int rc = o->src->fetch(o->src->ctx, uri, w->in, on_input, w, &w->total, e);
		/* the worker's failure comes with its error through input_settle;
		 * the writer's may have come after the worker's last slot: its
		 * error from the write stage (not w->fatal_all, which the writer
		 * thread sets without a message here) */
		if (input_settle(w, e) < 0 || stage_error(&w->out_st, e) < 0 || w->fatal)
			return -1;
		if (rc == IMAGE_SRC_OK)
			return complete(w, r, e);
		if (rc != IMAGE_SRC_RETRY)
			return -1;
		if (w->in > before)
			tries = 0;
		if (++tries >= max)
			return err_wrap(e, "giving up after %d attempts without progress", tries);
		log_warn("image", "%s: %s; resuming at byte %llu in %d ms", uri, e->msg,
			 (unsigned long long)w->in, delay);
		if (o->sleep_ms)
			o->sleep_ms(delay);
		else
			nap_ms(delay);
		delay = delay * 2 > 5000 ? 5000 : delay * 2;
		r->resumes++;
	}
}

int image_write(int fd, const char *name, const struct image_opts *o, struct image_result *r,
		struct err *e)
{
	struct writer *w = &W;
	struct stat st;
	struct err e1;

	memset(r, 0, sizeof *r);
	r->uri_index = -1;
	if (o->n_sha256 < 1)
		return err_set(e, "no sha-256 image-verification value: refusing an unverifiable image");
	if (o->n_uris < 1)
		return err_set(e, "no download-uri");
	if (fstat(fd, &st) < 0)
		return err_set(e, "%s: fstat: %s", name, strerror(errno));
	memset(w, 0, offsetof(struct writer, head));
	if (o->failed && o->failed_cap)
		o->failed[0] = 0;
	w->fd = fd;
	w->name = name;
	w->o = o;
	w->is_file = S_ISREG(st.st_mode);
	w->direct = !o->buffered;
	w->hash = o->hash ? o->hash : sha256_class();
	if (((w->hash->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK) != 32)
		return err_set(e, "the image hash class does not produce 32 bytes");
	w->disk_size = image_target_size(fd, e);
	if (w->disk_size == 0)
		return err_wrap(e, "%s", name);
	w->t0 = w->last_progress = now(w);
	if (w->is_file && first_touch(w, e) < 0)
		return -1;
	if (stage_start(&w->in_st, w->ibuf, IMAGE_IN_SLOT, IMAGE_IN_SLOTS, consume_input, w,
			o->serial, e) < 0 ||
	    stage_start(&w->out_st, w->wbuf, IMAGE_WBUF, IMAGE_WSLOTS, consume_output, w,
			o->serial, e) < 0) {
		stage_stop(&w->in_st);
		return -1;
	}

	int rc = -1;
	for (int i = 0; i < o->n_uris && i < IMAGE_MAX_URIS; i++) {
		reset(w);
		log_info("image", "downloading %s (%d of %d) to %s", o->uris[i], i + 1, o->n_uris, name);
		err_clear(e);
		if (one_uri(w, o->uris[i], r, e) == 0) {
			r->uri_index = i;
			rc = 0;
			break;
		}
		log_err("image", "%s: %s", o->uris[i], e->msg);
		if (o->failed && o->failed_cap) {
			size_t k = strlen(o->failed);
			snprintf(o->failed + k, o->failed_cap - k, "%s%.100s: %.150s", k ? "; " : "",
				 o->uris[i], e->msg);
		}
		if (w->fatal_all)
			break;
	}
	/* every write has landed (or failed) before anything below */
	stage_stop(&w->in_st);
	stage_stop(&w->out_st);
	progress(w, 1);
	decomp_free(&w->dec);
	if (rc == 0) {
		log_info("image", "%s: image written and verified (%llu bytes)", name,
			 (unsigned long long)r->bytes_out);
		return 0;
	}
	if (!w->touched) {
		log_info("image", "%s: nothing was written to it", name);
		return -1;
	}
	err_clear(&e1);
	/* also where this image's backup GPT goes (an earlier copy may be there) */
	if (!w->is_file && w->declared > IMAGE_HOLD && w->declared <= w->disk_size &&
	    zero_range(fd, w->declared - IMAGE_HOLD, IMAGE_HOLD, name, &e1) < 0)
		log_err("image", "%s", e1.msg);
	if (image_wipe(fd, w->high, &e1) < 0)
		log_err("image", "%s: wiping after the failure: %s", name, e1.msg);
	else
		log_info("image", "%s: partition table wiped: nothing bootable left", name);
	return -1;
}

static void human(double v, char *buf, size_t cap)
{
	static const char *u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int i = 0;
	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	snprintf(buf, cap, i ? "%.1f %s" : "%.0f %s", v, u[i]);
}

void image_progress_line(const struct image_progress *p, char *buf, size_t cap)
{
	char a[32], b[32], c[32];
	double secs = p->elapsed_ms > 0 ? (double)p->elapsed_ms / 1000.0 : 0;
	double rate = secs > 0 ? (double)p->in / secs : 0;
	human((double)p->in, a, sizeof a);
	human(rate, c, sizeof c);
	if (p->total > 0) {
		int pct = (int)((double)p->in * 100.0 / (double)p->total);
		human((double)p->total, b, sizeof b);
		if (p->done || rate <= 0 || p->in >= (uint64_t)p->total) {
			snprintf(buf, cap, "%s of %s (%d%%), %s/s", a, b, pct, c);
		} else {
			long eta = (long)(((double)p->total - (double)p->in) / rate + 0.5);
			snprintf(buf, cap, "%s of %s (%d%%), %s/s, ETA %ld:%02ld", a, b, pct, c,
				 eta / 60, eta % 60);
		}
	} else {
		snprintf(buf, cap, "%s, %s/s", a, c);
	}
}
