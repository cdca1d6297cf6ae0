/*
 * install_fixtures.h: helpers for the install unit tests: temporary
 * directories, running the gzip/xz/zstd/sfdisk command-line tools, files,
 * and building tar archives in memory (ustar headers written here, so that
 * each refusal can be tested with exactly the bad field).
 */
#ifndef SZTP_INSTALL_FIXTURES_H
#define SZTP_INSTALL_FIXTURES_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh directory under /tmp; the path stays valid until the next call. */
static inline const char *fx_tmpdir(void)
{
	static char d[64];
	snprintf(d, sizeof d, "/tmp/sztp-unit-XXXXXX");
	return mkdtemp(d);
}

static inline int fx_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int fx_sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	return system(cmd);
}

static inline int fx_write(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = fwrite(p, 1, n, f);
	return fclose(f) == 0 && w == n ? 0 : -1;
}

/* Read at most cap bytes of a file; returns the length or -1. */
static inline long fx_read(const char *path, void *p, size_t cap)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t n = fread(p, 1, cap, f);
	fclose(f);
	return (long)n;
}

/* In-memory tar builder. */
struct fx_tar {
	uint8_t buf[256 * 1024];
	size_t len;
};

static inline void fx_oct(char *f, size_t n, unsigned long long v)
{
	/* n-1 octal digits, then NUL */
	f[n - 1] = 0;
	for (size_t i = n - 1; i-- > 0; v >>= 3)
		f[i] = (char)('0' + (v & 7));
}

/* Append one ustar entry; `type` '0', '5', '2', '1', '3', ...; data for '0'. */
static inline void fx_tar_add(struct fx_tar *t, const char *name, char type, unsigned mode,
			      const char *link, const void *data, size_t n)
{
	uint8_t *h = t->buf + t->len;
	memset(h, 0, 512);
	memcpy(h, name, strlen(name) < 100 ? strlen(name) : 100);
	fx_oct((char *)h + 100, 8, mode);
	fx_oct((char *)h + 108, 8, 0);
	fx_oct((char *)h + 116, 8, 0);
	int has_data = type == '0' || type == 'x' || type == 'g' || type == 'L' || type == 'K';
	fx_oct((char *)h + 124, 12, has_data ? n : 0);
	fx_oct((char *)h + 136, 12, 1700000000);
	h[156] = (uint8_t)type;
	if (link)
		memcpy(h + 157, link, strlen(link) < 100 ? strlen(link) : 100);
	memcpy(h + 257, "ustar\0" "00", 8);
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	t->len += 512;
	if (has_data && n) {
		memset(t->buf + t->len, 0, (n + 511) / 512 * 512);
		memcpy(t->buf + t->len, data, n);
		t->len += (n + 511) / 512 * 512;
	}
}

static inline void fx_tar_end(struct fx_tar *t)
{
	memset(t->buf + t->len, 0, 1024);
	t->len += 1024;
}

static inline void fx_tar_file(struct fx_tar *t, const char *name, const char *text)
{
	fx_tar_add(t, name, '0', 0644, NULL, text, strlen(text));
}

#endif
