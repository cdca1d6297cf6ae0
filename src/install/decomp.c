/* decomp.c: format sniffing and streaming gzip/xz/zstd (see decomp.h). */
#include "install/decomp.h"

#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

static int has(const uint8_t *b, size_t len, size_t off, const void *m, size_t n)
{
	return len >= off + n && memcmp(b + off, m, n) == 0;
}

enum decomp_kind decomp_sniff(const uint8_t *b, size_t len, const char **what)
{
	static const struct {
		size_t off;
		const char *magic;
		size_t n;
		enum decomp_kind kind;
		const char *name;
	} tab[] = {
		{ 0, "\x1f\x8b\x08", 3, DECOMP_GZIP, "gzip" },
		{ 0, "\xfd" "7zXZ\0", 6, DECOMP_XZ, "xz" },
		{ 0, "\x28\xb5\x2f\xfd", 4, DECOMP_ZSTD, "zstd" },
		{ 0, "QFI\xfb", 4, DECOMP_REFUSED, "qcow2" },
		{ 0, "KDMV", 4, DECOMP_REFUSED, "vmdk" },
		{ 0, "# Disk DescriptorFile", 21, DECOMP_REFUSED, "vmdk" },
		{ 64, "\x7f\x10\xda\xbe", 4, DECOMP_REFUSED, "vdi" },
		{ 0, "vhdxfile", 8, DECOMP_REFUSED, "vhdx" },
		{ 0, "\x04\x22\x4d\x18", 4, DECOMP_REFUSED, "lz4" },
		{ 0, "LZIP", 4, DECOMP_REFUSED, "lzip" },
		{ 0, "PK\x03\x04", 4, DECOMP_REFUSED, "zip" },
		{ 0, "7z\xbc\xaf\x27\x1c", 6, DECOMP_REFUSED, "7z" },
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (has(b, len, tab[i].off, tab[i].magic, tab[i].n)) {
			if (what)
				*what = tab[i].name;
			return tab[i].kind;
		}
	if (len >= 4 && b[0] == 'B' && b[1] == 'Z' && b[2] == 'h' && b[3] >= '1' && b[3] <= '9') {
		if (what)
			*what = "bzip2";
		return DECOMP_REFUSED;
	}
	if (what)
		*what = "raw";
	return DECOMP_RAW;
}

int64_t decomp_declared_size(enum decomp_kind k, const uint8_t *buf, size_t len)
{
	if (k != DECOMP_ZSTD)
		return -1;
	unsigned long long n = ZSTD_getFrameContentSize(buf, len);
	if (n == ZSTD_CONTENTSIZE_UNKNOWN || n == ZSTD_CONTENTSIZE_ERROR || n > INT64_MAX)
		return -1;
	return (int64_t)n;
}

const char *decomp_name(enum decomp_kind k)
{
	switch (k) {
	case DECOMP_RAW: return "raw";
	case DECOMP_GZIP: return "gzip";
	case DECOMP_XZ: return "xz";
	case DECOMP_ZSTD: return "zstd";
	default: return "refused";
	}
}

int decomp_init(struct decomp *d, enum decomp_kind kind, struct err *e)
{
	d->kind = kind;
	d->state = 0;
	d->lib = NULL;
	d->in = d->out = 0;
	switch (kind) {
	case DECOMP_RAW:
		return 0;
	case DECOMP_GZIP: {
		z_stream *z = calloc(1, sizeof *z);
		if (!z)
			return err_set(e, "gzip: out of memory");
		if (inflateInit2(z, 16 + MAX_WBITS) != Z_OK) {
			free(z);
			return err_set(e, "gzip: cannot initialise zlib");
		}
		d->lib = z;
		return 0;
	}
	case DECOMP_XZ: {
		lzma_stream *s = calloc(1, sizeof *s);
		lzma_stream init = LZMA_STREAM_INIT;
		if (!s)
			return err_set(e, "xz: out of memory");
		*s = init;
		if (lzma_stream_decoder(s, DECOMP_XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK) {
			free(s);
			return err_set(e, "xz: cannot initialise liblzma");
		}
		d->lib = s;
		return 0;
	}
	case DECOMP_ZSTD: {
		ZSTD_DCtx *z = ZSTD_createDCtx();
		if (!z)
			return err_set(e, "zstd: out of memory");
		if (ZSTD_isError(ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax,
							DECOMP_ZSTD_WINDOWLOG))) {
			ZSTD_freeDCtx(z);
			return err_set(e, "zstd: cannot set the window limit");
		}
		d->lib = z;
		return 0;
	}
	default:
		return err_set(e, "image format is not supported");
	}
}

static int push_gzip(struct decomp *d, const uint8_t *in, size_t len, decomp_out_fn out,
		     void *ctx, struct err *e)
{
	z_stream *z = d->lib;
	while (len > 0) {
		if (d->state == 2) {
			/* another member follows */
			if (inflateReset(z) != Z_OK)
				return err_set(e, "gzip: cannot reset zlib");
		}
		d->state = 1;
		uInt chunk = len > (1u << 30) ? (1u << 30) : (uInt)len;
		z->next_in = (Bytef *)in; /* zlib reads it; its type is not const */
		z->avail_in = chunk;
		int r;
		do {
			z->next_out = d->buf;
			z->avail_out = sizeof d->buf;
			r = inflate(z, Z_NO_FLUSH);
			if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR)
				return err_set(e, "gzip: corrupt data at compressed offset %llu: %s",
					       (unsigned long long)(d->in + (chunk - z->avail_in)),
					       z->msg ? z->msg : "inflate error");
			size_t n = sizeof d->buf - z->avail_out;
			if (n) {
				d->out += n;
				if (out(ctx, d->buf, n, e) < 0)
					return -1;
			}
			if (r == Z_STREAM_END) {
				d->state = 2;
				break;
			}
			if (r == Z_BUF_ERROR && z->avail_in == 0)
				break;
		} while (z->avail_in > 0 || z->avail_out == 0);
		size_t used = chunk - z->avail_in;
		d->in += used;
		in += used;
		len -= used;
	}
	return 0;
}

static int push_xz(struct decomp *d, const uint8_t *in, size_t len, decomp_out_fn out,
		   void *ctx, struct err *e, lzma_action act)
{
	lzma_stream *s = d->lib;
	s->next_in = in;
	s->avail_in = len;
	if (len)
		d->state = 1;
	for (;;) {
		s->next_out = d->buf;
		s->avail_out = sizeof d->buf;
		lzma_ret r = lzma_code(s, act);
		size_t n = sizeof d->buf - s->avail_out;
		if (n) {
			d->out += n;
			if (out(ctx, d->buf, n, e) < 0)
				return -1;
		}
		if (r == LZMA_STREAM_END) {
			d->state = 2;
			break;
		}
		if (r == LZMA_MEMLIMIT_ERROR)
			return err_set(e, "xz: stream needs more than %u MiB to decompress",
				       DECOMP_XZ_MEMLIMIT >> 20);
		if (r == LZMA_BUF_ERROR && act == LZMA_FINISH)
			return err_set(e, "xz: truncated stream");
		if (r != LZMA_OK && r != LZMA_BUF_ERROR)
			return err_set(e, "xz: corrupt data near compressed offset %llu (liblzma error %d)",
				       (unsigned long long)(d->in + (len - s->avail_in)), (int)r);
		if (s->avail_in == 0 && s->avail_out != 0)
			break;
	}
	d->in += len - s->avail_in;
	return 0;
}

static int push_zstd(struct decomp *d, const uint8_t *in, size_t len, decomp_out_fn out,
		     void *ctx, struct err *e)
{
	ZSTD_inBuffer ib = { in, len, 0 };
	while (ib.pos < ib.size) {
		ZSTD_outBuffer ob = { d->buf, sizeof d->buf, 0 };
		size_t r = ZSTD_decompressStream(d->lib, &ob, &ib);
		if (ZSTD_isError(r))
			return err_set(e, "zstd: corrupt data near compressed offset %llu: %s",
				       (unsigned long long)(d->in + ib.pos), ZSTD_getErrorName(r));
		if (ob.pos) {
			d->out += ob.pos;
			if (out(ctx, d->buf, ob.pos, e) < 0)
				return -1;
		}
		d->state = r == 0 ? 2 : 1;
		/* drain what the frame still holds */
		while (r != 0 && ob.pos == ob.size) {
			ob.pos = 0;
			r = ZSTD_decompressStream(d->lib, &ob, &ib);
			if (ZSTD_isError(r))
				return err_set(e, "zstd: corrupt data: %s", ZSTD_getErrorName(r));
			if (ob.pos) {
				d->out += ob.pos;
				if (out(ctx, d->buf, ob.pos, e) < 0)
					return -1;
			}
			d->state = r == 0 ? 2 : 1;
		}
	}
	d->in += len;
	return 0;
}

int decomp_push(struct decomp *d, const uint8_t *in, size_t len, decomp_out_fn out,
		void *ctx, struct err *e)
{
	if (len == 0)
		return 0;
	switch (d->kind) {
	case DECOMP_RAW:
		d->in += len;
		d->out += len;
		d->state = 2;
		return out(ctx, in, len, e);
	case DECOMP_GZIP:
		return push_gzip(d, in, len, out, ctx, e);
	case DECOMP_XZ:
		return push_xz(d, in, len, out, ctx, e, LZMA_RUN);
	case DECOMP_ZSTD:
		return push_zstd(d, in, len, out, ctx, e);
	default:
		return err_set(e, "image format is not supported");
	}
}

int decomp_finish(struct decomp *d, decomp_out_fn out, void *ctx, struct err *e)
{
	if (d->kind == DECOMP_XZ && d->state != 0) {
		/* liblzma reports the end of concatenated streams only on FINISH */
		if (push_xz(d, NULL, 0, out, ctx, e, LZMA_FINISH) < 0)
			return -1;
	}
	if (d->kind != DECOMP_RAW && d->state != 2)
		return err_set(e, "%s: the compressed stream is truncated (%llu bytes read, %llu "
			       "written)", decomp_name(d->kind), (unsigned long long)d->in,
			       (unsigned long long)d->out);
	if (d->kind == DECOMP_RAW && d->in == 0)
		return err_set(e, "the image is empty");
	return 0;
}

void decomp_free(struct decomp *d)
{
	if (!d->lib)
		return;
	if (d->kind == DECOMP_GZIP) {
		inflateEnd(d->lib);
		free(d->lib);
	} else if (d->kind == DECOMP_XZ) {
		lzma_end(d->lib);
		free(d->lib);
	} else if (d->kind == DECOMP_ZSTD) {
		ZSTD_freeDCtx(d->lib);
	}
	d->lib = NULL;
}
