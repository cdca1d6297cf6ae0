/*
 * fuzz_image.c: the image path (install/image.h) on a hostile stream: format
 * sniffing, the gzip/xz/zstd decoders, the GPT read from the image's first
 * MiB (its size check), hashing, resuming a broken transfer, trying the next
 * URI, and wiping on failure. The target is a memfd (a regular file, capped
 * at 8 MiB by RLIMIT_FSIZE).
 *
 * Input: 4 control bytes, then the image as served.
 *   [0] piece size seed   [1] where the first transfer breaks (0: never)
 *   [2] flags: 1 announce the length, 2 wrong sha-256, 4 a second (right)
 *       sha-256, 8 a first URI that fails for good after a few bytes,
 *       16 break a second time, 32 the source gives up (fatal) at the break
 *   [3] spare
 * What image_write() promises is checked: success means the digest of the
 * served bytes matched and the file holds exactly the bytes produced (for a
 * raw image: the image itself); failure leaves an empty file.
 */
#include "base/log.h"
#include "install/image.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FILE_CAP (8u * 1024 * 1024)

struct src {
	const uint8_t *img;
	size_t len, piece, brk;
	unsigned flags;
	int breaks;
};

static int fetch(void *ctx, const char *uri, uint64_t from, image_sink_fn sink, void *sink_ctx,
		 int64_t *total, struct err *e)
{
	struct src *s = ctx;
	size_t end = s->len, pos = (size_t)from;

	if (from > s->len)
		abort(); /* asked to resume beyond what was sent */
	if (strcmp(uri, "https://bad.example/img") == 0) {
		end = s->len < 100 ? s->len : 100;
		if (pos < end && sink(sink_ctx, s->img + pos, end - pos, e) < 0)
			return IMAGE_SRC_FATAL;
		return err_set(e, "HTTP 404"), IMAGE_SRC_FATAL;
	}
	if (s->flags & 1)
		*total = (int64_t)s->len;
	if (s->brk && s->breaks < ((s->flags & 16) ? 2 : 1) && pos < s->brk && s->brk <= s->len)
		end = s->brk;
	while (pos < end) {
		size_t n = end - pos < s->piece ? end - pos : s->piece;
		if (sink(sink_ctx, s->img + pos, n, e) < 0)
			return IMAGE_SRC_FATAL;
		pos += n;
	}
	if (end < s->len) {
		s->breaks++;
		s->brk += s->len / 3 + 1;
		err_set(e, "connection reset");
		return (s->flags & 32) ? IMAGE_SRC_FATAL : IMAGE_SRC_RETRY;
	}
	return IMAGE_SRC_OK;
}

static int64_t fake_now(void)
{
	static int64_t t;
	return t += 100;
}

static void no_sleep(int ms)
{
	(void)ms;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static uint8_t back[256 * 1024];
	static const char *const uris[] = { "https://bad.example/img", "https://good.example/img" };
	uint8_t sha[2][32];
	struct image_opts o;
	struct image_result r;
	struct image_source is;
	struct src s;
	struct stat st;
	br_sha256_context h;
	struct err e;
	int rc;

	if (fd < 0) {
		struct rlimit rl = { FILE_CAP, FILE_CAP };
		signal(SIGXFSZ, SIG_IGN); /* past the cap: EFBIG, a write error */
		setrlimit(RLIMIT_FSIZE, &rl);
		log_set_level(LOG_ERR);
		fd = memfd_create("fuzz-image", 0);
		if (fd < 0)
			abort();
	}
	if (size < 4 || size > 4 + 256 * 1024)
		return 0;
	memset(&s, 0, sizeof s);
	s.img = data + 4;
	s.len = size - 4;
	s.piece = (size_t)data[0] * 97 + 1;
	s.brk = data[1] ? (s.len * data[1]) / 256 + 1 : 0;
	s.flags = data[2];
	br_sha256_init(&h);
	br_sha256_update(&h, s.img, s.len);
	br_sha256_out(&h, sha[0]);
	memcpy(sha[1], sha[0], 32);
	if (s.flags & 2)
		sha[(s.flags & 4) ? 1 : 0][7] ^= 1;

	memset(&o, 0, sizeof o);
	o.uris = (s.flags & 8) ? uris : uris + 1;
	o.n_uris = (s.flags & 8) ? 2 : 1;
	o.sha256 = (const uint8_t(*)[32])sha;
	o.n_sha256 = (s.flags & 4) ? 2 : 1;
	is.ctx = &s;
	is.fetch = fetch;
	o.src = &is;
	o.resume_max = 3;
	o.now_ms = fake_now;
	o.sleep_ms = no_sleep;
	if (ftruncate(fd, 0) < 0)
		abort();
	rc = image_write(fd, "fuzz-target", &o, &r, &e);
	if (fstat(fd, &st) < 0)
		abort();
	if (rc < 0) {
		if (st.st_size != 0 || !e.msg[0])
			abort(); /* a failure must leave nothing behind */
		return 0;
	}
	if (s.flags & 2)
		abort(); /* a wrong digest was accepted */
	if (memcmp(r.digest, sha[0], 32) != 0 || r.bytes_in != s.len ||
	    (uint64_t)st.st_size != r.bytes_out || r.uri_index != o.n_uris - 1)
		abort();
	if (r.kind == DECOMP_RAW) {
		if (r.bytes_out != s.len || s.len > sizeof back ||
		    pread(fd, back, s.len, 0) != (ssize_t)s.len || memcmp(back, s.img, s.len) != 0)
			abort();
	}
	return 0;
}
