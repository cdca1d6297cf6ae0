/* bls.c: Boot Loader Specification entries and loader.conf (bls.h). */
#include "disk/bls.h"

#include <fnmatch.h>
#include <stddef.h>
#include <string.h>

/*
 * Walk txt[len] line by line: for each "KEY VALUE" line call f(ctx, key,
 * value, line number). Returns 0, or -1 with `e` set (f's error or ours).
 */
typedef int (*bls_line_fn)(void *ctx, const char *key, const char *val, int ln,
			   struct err *e);

static int each_line(const char *what, const char *txt, size_t len, bls_line_fn f, void *ctx,
		     struct err *e)
{
	char line[BLS_LINE_MAX];
	size_t i = 0;
	int ln = 0;
	if (len > BLS_FILE_MAX)
		return err_set(e, "%s: %zu bytes, more than %d", what, len, BLS_FILE_MAX);
	if (memchr(txt, 0, len))
		return err_set(e, "%s: a NUL byte", what);
	while (i < len) {
		const char *s = txt + i, *nl = memchr(s, '\n', len - i);
		size_t n = nl ? (size_t)(nl - s) : len - i;
		i += n + (nl ? 1 : 0);
		ln++;
		if (n >= sizeof line)
			return err_set(e, "%s line %d: longer than %d bytes", what, ln, BLS_LINE_MAX - 1);
		memcpy(line, s, n);
		line[n] = 0;
		if (n && line[n - 1] == '\r')
			line[--n] = 0;
		char *k = line;
		while (*k == ' ' || *k == '\t')
			k++;
		if (!*k || *k == '#')
			continue;
		char *v = k;
		while (*v && *v != ' ' && *v != '\t')
			v++;
		if (*v)
			*v++ = 0;
		while (*v == ' ' || *v == '\t')
			v++;
		char *end = v + strlen(v);
		while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = 0;
		if (f(ctx, k, v, ln, e) < 0)
			return -1;
	}
	return 0;
}

static int put(char *dst, size_t cap, const char *id, const char *key, const char *v, int ln,
	       struct err *e)
{
	size_t n = strlen(v);
	if (n >= cap)
		return err_set(e, "%s line %d: %s value of %zu bytes, more than %zu", id, ln, key, n,
			       cap - 1);
	memcpy(dst, v, n + 1);
	return 0;
}

static int entry_line(void *ctx, const char *k, const char *v, int ln, struct err *e)
{
	struct bls_entry *b = ctx;
	static const struct {
		const char *key;
		size_t off;
	} one[] = {
		{ "title", offsetof(struct bls_entry, title) },
		{ "version", offsetof(struct bls_entry, version) },
		{ "sort-key", offsetof(struct bls_entry, sort_key) },
		{ "machine-id", offsetof(struct bls_entry, machine_id) },
		{ "linux", offsetof(struct bls_entry, linux_) },
		{ "efi", offsetof(struct bls_entry, efi) },
	};
	for (size_t i = 0; i < sizeof one / sizeof one[0]; i++)
		if (!strcmp(k, one[i].key))
			return put((char *)b + one[i].off, BLS_VALUE_MAX, b->id, k, v, ln, e);
	if (!strcmp(k, "initrd")) {
		if (b->n_initrd++ == 0)
			return put(b->initrd, sizeof b->initrd, b->id, k, v, ln, e);
		return 0;
	}
	if (!strcmp(k, "options") && *v) {
		size_t have = strlen(b->options), n = strlen(v);
		if (have + (have ? 1 : 0) + n >= sizeof b->options)
			return err_set(e, "%s line %d: options longer than %d bytes in all", b->id, ln,
				       BLS_OPTIONS_MAX - 1);
		if (have)
			b->options[have++] = ' ';
		memcpy(b->options + have, v, n + 1);
	}
	return 0;
}

int bls_parse_entry(const char *id, const char *txt, size_t len, struct bls_entry *b,
		    struct err *e)
{
	memset(b, 0, sizeof *b);
	if (strlen(id) >= sizeof b->id)
		return err_set(e, "entry file name longer than %d bytes", BLS_ID_MAX - 1);
	memcpy(b->id, id, strlen(id) + 1);
	if (each_line(b->id, txt, len, entry_line, b, e) < 0)
		return -1;
	return 0;
}

struct dflt {
	char *out;
	size_t cap;
};

static int loader_line(void *ctx, const char *k, const char *v, int ln, struct err *e)
{
	struct dflt *d = ctx;
	if (strcmp(k, "default") != 0)
		return 0;
	if (v[0] == '@') { /* @saved, @current...: EFI variables */
		d->out[0] = 0;
		return 0;
	}
	return put(d->out, d->cap, "loader.conf", k, v, ln, e);
}

int bls_loader_default(const char *txt, size_t len, char *pattern, size_t cap, struct err *e)
{
	struct dflt d = { pattern, cap };
	if (cap)
		pattern[0] = 0;
	if (each_line("loader.conf", txt, len, loader_line, &d, e) < 0) {
		if (cap)
			pattern[0] = 0;
		return -1;
	}
	return 0;
}

/* Version comparison as strverscmp(3), which musl and glibc both have. */
static int vcmp(const char *a, const char *b)
{
	return strverscmp(a, b);
}

int bls_compare(const struct bls_entry *a, const struct bls_entry *b)
{
	int ka = a->sort_key[0] != 0, kb = b->sort_key[0] != 0, r;
	if (ka != kb)
		return ka ? -1 : 1;
	if (ka) {
		if ((r = strcmp(a->sort_key, b->sort_key)) != 0)
			return r;
		if ((r = strcmp(a->machine_id, b->machine_id)) != 0)
			return r;
		if ((r = vcmp(b->version, a->version)) != 0) /* newest first */
			return r;
	}
	return vcmp(b->id, a->id); /* newest first */
}

int bls_matches(const struct bls_entry *b, const char *pattern)
{
	char stem[BLS_ID_MAX];
	size_t n = strlen(b->id);
	if (!pattern || !pattern[0])
		return 0;
	if (fnmatch(pattern, b->id, 0) == 0)
		return 1;
	if (n > 5 && !strcmp(b->id + n - 5, ".conf")) {
		memcpy(stem, b->id, n - 5);
		stem[n - 5] = 0;
		return fnmatch(pattern, stem, 0) == 0;
	}
	return 0;
}
