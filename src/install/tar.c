/* tar.c: strict bounded tar reader (see tar.h for what and why). */
#include "install/tar.h"

#include <stdio.h>
#include <string.h>

#define BLK 512

void tar_init(struct tar *t, const uint8_t *buf, size_t len)
{
	t->buf = buf;
	t->len = len;
	t->off = 0;
	t->done = 0;
}

static int is_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Octal field: optional leading spaces, digits, then NUL/space to the end. */
static int octal(const uint8_t *f, size_t n, uint64_t max, uint64_t *out)
{
	size_t i = 0;
	uint64_t v = 0;
	int digits = 0;
	if (n && (f[0] & 0x80))
		return -1; /* base-256 */
	while (i < n && f[i] == ' ')
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v > (UINT64_MAX >> 3))
			return -1;
		v = v << 3 | (uint64_t)(f[i] - '0');
		digits++;
	}
	for (; i < n; i++)
		if (f[i] != 0 && f[i] != ' ')
			return -1;
	if (!digits || v > max)
		return -1;
	*out = v;
	return 0;
}

static int ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

int tar_path_normalize(const char *in, size_t len, char *out, size_t cap, struct err *e)
{
	size_t o = 0, i = 0;
	int depth = 0;
	if (len == 0)
		return err_set(e, "empty path");
	if (in[0] == '/')
		return err_set(e, "absolute path refused");
	while (i < len) {
		size_t s = i;
		while (i < len && in[i] != '/')
			i++;
		size_t n = i - s;
		if (i < len)
			i++; /* the '/' */
		if (n == 0 || (n == 1 && in[s] == '.'))
			continue;
		if (n == 2 && in[s] == '.' && in[s + 1] == '.')
			return err_set(e, "\"..\" component refused");
		if (n > TAR_NAME_MAX)
			return err_set(e, "a component longer than %d bytes", TAR_NAME_MAX);
		for (size_t k = s; k < s + n; k++)
			if (ctl((unsigned char)in[k]))
				return err_set(e, "control character in path refused");
		if (++depth > TAR_DEPTH_MAX)
			return err_set(e, "more than %d path components", TAR_DEPTH_MAX);
		if (o + (o ? 1 : 0) + n + 1 > cap || o + (o ? 1 : 0) + n > TAR_PATH_MAX)
			return err_set(e, "path longer than %d bytes", TAR_PATH_MAX);
		if (o)
			out[o++] = '/';
		memcpy(out + o, in + s, n);
		o += n;
	}
	out[o] = 0;
	return o == 0 ? 1 : 0;
}

int tar_link_escapes(const char *path, const char *target)
{
	int depth = 0;
	const char *p;
	if (target[0] == '/')
		return 0;
	/* depth of the link's directory */
	for (p = path; *p; p++)
		if (*p == '/')
			depth++;
	p = target;
	while (*p) {
		const char *s = p;
		while (*p && *p != '/')
			p++;
		size_t n = (size_t)(p - s);
		if (*p)
			p++;
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (--depth < 0)
				return 1;
		} else {
			depth++;
		}
	}
	return 0;
}

/* Extended data (pax records or a GNU long name) of one entry. */
struct ext {
	char path[TAR_PATH_MAX + 1];
	int has_path;
	char link[TAR_PATH_MAX + 1];
	int has_link;
	uint64_t size, uid, gid, mtime;
	int has_size, has_uid, has_gid, has_mtime;
};

static int copy_str(char *dst, const uint8_t *src, size_t n, const char *what, struct err *e)
{
	if (n > TAR_PATH_MAX)
		return err_set(e, "%s longer than %d bytes", what, TAR_PATH_MAX);
	if (memchr(src, 0, n))
		return err_set(e, "%s contains a NUL byte", what);
	memcpy(dst, src, n);
	dst[n] = 0;
	return 0;
}

static int dec(const uint8_t *v, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t x = 0;
	size_t i = 0;
	if (n == 0 || n > 19)
		return -1;
	/* mtime may have a fraction: keep the seconds */
	for (; i < n && v[i] != '.'; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	if (i == 0 || x > max)
		return -1;
	for (i = i < n ? i + 1 : i; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return -1;
	*out = x;
	return 0;
}

static int parse_pax(const uint8_t *p, size_t n, struct ext *x, struct err *e)
{
	size_t i = 0;
	while (i < n) {
		size_t s = i, len = 0;
		while (i < n && p[i] >= '0' && p[i] <= '9' && i - s < 8)
			len = len * 10 + (size_t)(p[i++] - '0');
		if (i == s || i >= n || p[i] != ' ' || len <= i - s + 1 || len > n - s)
			return err_set(e, "malformed pax record at %zu", s);
		const uint8_t *kv = p + i + 1, *end = p + s + len;
		if (end[-1] != '\n')
			return err_set(e, "pax record at %zu does not end with a newline", s);
		const uint8_t *eq = memchr(kv, '=', (size_t)(end - 1 - kv));
		if (!eq)
			return err_set(e, "pax record at %zu has no '='", s);
		size_t kl = (size_t)(eq - kv), vl = (size_t)(end - 1 - (eq + 1));
		const uint8_t *v = eq + 1;
#define KEY(k) (kl == sizeof(k) - 1 && memcmp(kv, k, kl) == 0)
		if (KEY("path")) {
			if (copy_str(x->path, v, vl, "pax path", e) < 0)
				return -1;
			x->has_path = 1;
		} else if (KEY("linkpath")) {
			if (copy_str(x->link, v, vl, "pax linkpath", e) < 0)
				return -1;
			x->has_link = 1;
		} else if (KEY("size")) {
			if (dec(v, vl, UINT64_MAX / 2, &x->size) < 0)
				return err_set(e, "bad pax size");
			x->has_size = 1;
		} else if (KEY("uid")) {
			if (dec(v, vl, 0xfffffffeu, &x->uid) < 0)
				return err_set(e, "bad pax uid");
			x->has_uid = 1;
		} else if (KEY("gid")) {
			if (dec(v, vl, 0xfffffffeu, &x->gid) < 0)
				return err_set(e, "bad pax gid");
			x->has_gid = 1;
		} else if (KEY("mtime")) {
			if (vl && v[0] != '-' && dec(v, vl, INT64_MAX, &x->mtime) == 0)
				x->has_mtime = 1;
		} else if (kl >= 11 && memcmp(kv, "GNU.sparse.", 11) == 0) {
			return err_set(e, "sparse files refused");
		}
#undef KEY
		i = s + len;
	}
	return 0;
}

static int fail(struct tar *t, struct err *e)
{
	t->done = -1;
	return -1;
	(void)e;
}

int tar_next(struct tar *t, struct tar_entry *ent, struct err *e)
{
	static struct ext x;
	struct err pe;
	memset(&x, 0, sizeof x);
	if (t->done)
		return t->done < 0 ? err_set(e, "tar: reader already failed") : 0;
	for (;;) {
		if (t->off == t->len) {
			t->done = 1;
			return 0;
		}
		if (t->len - t->off < BLK)
			return err_set(e, "tar: truncated header at offset %zu", t->off), fail(t, e);
		const uint8_t *h = t->buf + t->off;
		if (is_zero(h, BLK)) {
			/* end: a second zero block, or the end of the data */
			t->done = 1;
			return 0;
		}
		uint64_t sum = 0, want;
		for (int i = 0; i < BLK; i++)
			sum += (i >= 148 && i < 156) ? ' ' : h[i];
		if (octal(h + 148, 8, 0777777, &want) < 0 || want != sum)
			return err_set(e, "tar: bad header checksum at offset %zu", t->off), fail(t, e);
		int gnu = memcmp(h + 257, "ustar  \0", 8) == 0;
		if (!gnu && memcmp(h + 257, "ustar\0" "00", 8) != 0)
			return err_set(e, "tar: header at offset %zu is not ustar, pax or GNU", t->off),
			       fail(t, e);
		uint64_t size, mode, uid, gid, mtime;
		if (octal(h + 124, 12, UINT64_MAX / 2, &size) < 0)
			return err_set(e, "tar: bad size field at offset %zu", t->off), fail(t, e);
		size_t data = t->off + BLK;
		if (size > t->len - data)
			return err_set(e, "tar: entry at offset %zu: %llu bytes of data but only %zu "
				       "left", t->off, (unsigned long long)size, t->len - data),
			       fail(t, e);
		size_t next = data + (size_t)((size + BLK - 1) / BLK * BLK);
		if (next > t->len)
			next = t->len; /* last block not padded: tolerated */
		char type = (char)h[156];
		if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
			if (size > TAR_EXT_MAX)
				return err_set(e, "tar: extended header at offset %zu larger than %d "
					       "bytes", t->off, TAR_EXT_MAX), fail(t, e);
			if (type == 'x' && parse_pax(t->buf + data, (size_t)size, &x, &pe) < 0)
				return err_set(e, "tar: pax header at offset %zu: %s", t->off, pe.msg),
				       fail(t, e);
			if (type == 'L' || type == 'K') {
				size_t n = (size_t)size;
				const uint8_t *s = t->buf + data;
				while (n && s[n - 1] == 0)
					n--;
				if (copy_str(type == 'L' ? x.path : x.link, s, n, "GNU long name", &pe) < 0)
					return err_set(e, "tar: offset %zu: %s", t->off, pe.msg), fail(t, e);
				if (type == 'L')
					x.has_path = 1;
				else
					x.has_link = 1;
			}
			t->off = next;
			continue;
		}
		/* the entry's name */
		char raw[TAR_PATH_MAX + 1];
		size_t rl = 0;
		if (x.has_path) {
			rl = strlen(x.path);
			memcpy(raw, x.path, rl + 1);
		} else {
			size_t pl = gnu ? 0 : strnlen((const char *)h + 345, 155);
			size_t nl = strnlen((const char *)h, 100);
			if (pl) {
				memcpy(raw, h + 345, pl);
				raw[pl] = '/';
				rl = pl + 1;
			}
			memcpy(raw + rl, h, nl);
			rl += nl;
			raw[rl] = 0;
		}
		memset(ent, 0, sizeof *ent);
		ent->offset = t->off;
		int nr = tar_path_normalize(raw, rl, ent->path, sizeof ent->path, &pe);
		if (nr < 0)
			return err_set(e, "tar entry \"%.200s\": %s", raw, pe.msg), fail(t, e);
		if (octal(h + 100, 8, 07777777, &mode) < 0 || octal(h + 108, 8, 07777777, &uid) < 0 ||
		    octal(h + 116, 8, 07777777, &gid) < 0 || octal(h + 136, 12, INT64_MAX, &mtime) < 0)
			return err_set(e, "tar entry \"%s\": bad mode, uid, gid or mtime field", ent->path),
			       fail(t, e);
		if (x.has_size)
			size = x.size;
		if (x.has_uid)
			uid = x.uid;
		if (x.has_gid)
			gid = x.gid;
		if (x.has_mtime)
			mtime = x.mtime;
		if (size > t->len - data)
			return err_set(e, "tar entry \"%s\": size beyond the archive", ent->path),
			       fail(t, e);
		next = data + (size_t)((size + BLK - 1) / BLK * BLK);
		if (next > t->len)
			next = t->len;
		ent->mode = (unsigned)(mode & 07777);
		ent->uid = (uint32_t)uid;
		ent->gid = (uint32_t)gid;
		ent->mtime = (int64_t)mtime;
		switch (type) {
		case '0': case '\0': case '7':
			ent->type = TAR_FILE;
			ent->data = t->buf + data;
			ent->size = size;
			break;
		case '5':
			ent->type = TAR_DIR;
			break;
		case '2':
			ent->type = TAR_SYMLINK;
			if (x.has_link) {
				memcpy(ent->link, x.link, strlen(x.link) + 1);
			} else {
				size_t ll = strnlen((const char *)h + 157, 100);
				memcpy(ent->link, h + 157, ll);
				ent->link[ll] = 0;
			}
			break;
		case '1':
			return err_set(e, "tar entry \"%s\": hard link refused", ent->path), fail(t, e);
		case '3': case '4':
			return err_set(e, "tar entry \"%s\": device node refused", ent->path), fail(t, e);
		case '6':
			return err_set(e, "tar entry \"%s\": FIFO refused", ent->path), fail(t, e);
		default:
			return err_set(e, "tar entry \"%s\": entry type '%c' refused", ent->path,
				       type >= 0x20 && type < 0x7f ? type : '?'), fail(t, e);
		}
		if (nr == 1) {
			if (ent->type != TAR_DIR)
				return err_set(e, "tar entry at offset %zu: a %s named as the root",
					       t->off, ent->type == TAR_FILE ? "file" : "link"), fail(t, e);
			t->off = next;
			memset(&x, 0, sizeof x);
			continue; /* "./" itself */
		}
		if (ent->mode & 04000)
			return err_set(e, "tar entry \"%s\": set-user-ID bit refused", ent->path),
			       fail(t, e);
		if ((ent->mode & 02000) && ent->type != TAR_DIR)
			return err_set(e, "tar entry \"%s\": set-group-ID bit refused", ent->path),
			       fail(t, e);
		if (ent->type == TAR_SYMLINK) {
			if (!ent->link[0])
				return err_set(e, "tar entry \"%s\": empty link target", ent->path),
				       fail(t, e);
			for (const char *c = ent->link; *c; c++)
				if (ctl((unsigned char)*c))
					return err_set(e, "tar entry \"%s\": control character in link "
						       "target", ent->path), fail(t, e);
			if (tar_link_escapes(ent->path, ent->link))
				return err_set(e, "tar entry \"%s\": symbolic link to \"%.200s\" leads "
					       "out of the root", ent->path, ent->link), fail(t, e);
		}
		t->off = next;
		return 1;
	}
}
