/* anchors.c: trust anchors and certificate chains from PEM/DER (see anchors.h). */
#include "trust/anchors.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trust/br_err.h"

/* ------------------------------------------------------------ splitter */

/*
 * The splitter turns a byte stream (PEM or one DER certificate) into DER
 * certificates, handed one by one to `cb`.
 */
typedef int (*cert_cb)(void *ctx, const unsigned char *der, size_t len,
		       int index, const char *what, struct err *e);

struct splitter {
	br_pem_decoder_context pc;
	int mode;      /* 0: not known yet, 1: PEM, 2: DER */
	int inobj;     /* inside a PEM block */
	int iscert;    /* ... that is a certificate */
	int count;     /* certificates handed to cb */
	int failed;
	size_t der_len;
	int der_over;
	cert_cb cb;
	void *ctx;
	const char *what;
	struct err *e;
	unsigned char der[CERT_DER_MAX];
};

static void sp_append(void *ctx, const void *buf, size_t len)
{
	struct splitter *sp = ctx;
	if (sp->der_over || len > sizeof sp->der - sp->der_len) {
		sp->der_over = 1;
		return;
	}
	memcpy(sp->der + sp->der_len, buf, len);
	sp->der_len += len;
}

static void sp_discard(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
}

static void sp_init(struct splitter *sp, cert_cb cb, void *ctx, const char *what,
		    struct err *e)
{
	memset(sp, 0, offsetof(struct splitter, der));
	br_pem_decoder_init(&sp->pc);
	sp->cb = cb;
	sp->ctx = ctx;
	sp->what = what;
	sp->e = e;
}

static int sp_cert(struct splitter *sp)
{
	if (sp->der_over) {
		sp->failed = 1;
		return err_set(sp->e, "%s: certificate %d larger than %d bytes",
			       sp->what, sp->count + 1, CERT_DER_MAX);
	}
	if (sp->cb(sp->ctx, sp->der, sp->der_len, sp->count + 1, sp->what, sp->e) < 0) {
		sp->failed = 1;
		return -1;
	}
	sp->count++;
	return 0;
}

static int sp_push(struct splitter *sp, const unsigned char *buf, size_t len)
{
	if (sp->failed)
		return -1;
	if (len == 0)
		return 0;
	if (sp->mode == 0)
		sp->mode = buf[0] == 0x30 ? 2 : 1;
	if (sp->mode == 2) {
		sp_append(sp, buf, len);
		return 0;
	}
	while (len > 0) {
		size_t n = br_pem_decoder_push(&sp->pc, buf, len);
		buf += n;
		len -= n;
		switch (br_pem_decoder_event(&sp->pc)) {
		case BR_PEM_BEGIN_OBJ: {
			const char *name = br_pem_decoder_name(&sp->pc);
			sp->inobj = 1;
			sp->iscert = strcmp(name, "CERTIFICATE") == 0 ||
				     strcmp(name, "X509 CERTIFICATE") == 0;
			sp->der_len = 0;
			sp->der_over = 0;
			br_pem_decoder_setdest(&sp->pc, sp->iscert ? sp_append : sp_discard, sp);
			break;
		}
		case BR_PEM_END_OBJ:
			sp->inobj = 0;
			if (sp->iscert && sp_cert(sp) < 0)
				return -1;
			break;
		case BR_PEM_ERROR:
			sp->failed = 1;
			return err_set(sp->e, "%s: bad PEM encoding", sp->what);
		default:
			break;
		}
	}
	return 0;
}

/* DER length of the outer TLV at der[0..len), or 0 when malformed. */
static size_t der_outer_len(const unsigned char *der, size_t len)
{
	size_t n, hl;
	if (len < 2 || der[0] != 0x30)
		return 0;
	if (der[1] < 0x80) {
		n = der[1];
		hl = 2;
	} else {
		size_t k = der[1] & 0x7f;
		if (k == 0 || k > 3 || len < 2 + k)
			return 0;
		n = 0;
		for (size_t i = 0; i < k; i++)
			n = (n << 8) | der[2 + i];
		hl = 2 + k;
	}
	return n > SIZE_MAX - hl ? 0 : n + hl;
}

static int sp_finish(struct splitter *sp)
{
	if (sp->failed)
		return -1;
	if (sp->mode == 2) {
		if (sp->der_over)
			return err_set(sp->e, "%s: DER certificate larger than %d bytes",
				       sp->what, CERT_DER_MAX);
		if (der_outer_len(sp->der, sp->der_len) != sp->der_len)
			return err_set(sp->e, "%s: not a certificate (bad DER length)", sp->what);
		return sp_cert(sp) < 0 ? -1 : sp->count;
	}
	if (sp->mode == 1 && sp_push(sp, (const unsigned char *)"\n", 1) < 0)
		return -1;
	if (sp->inobj)
		return err_set(sp->e, "%s: unterminated PEM block", sp->what);
	if (sp->count == 0)
		return err_set(sp->e, "%s: not a certificate (no PEM CERTIFICATE block, not DER)",
			       sp->what);
	return sp->count;
}

/* Run the splitter over a whole file. */
static int sp_file(struct splitter *sp, const char *path, struct err *e)
{
	unsigned char buf[4096];
	size_t total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return err_set(e, "%s: cannot open: %s", path, strerror(errno));
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(e, "%s: read: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		total += (size_t)n;
		if (total > ANCHORS_FILE_MAX) {
			close(fd);
			return err_set(e, "%s: larger than %d bytes", path, ANCHORS_FILE_MAX);
		}
		if (sp_push(sp, buf, (size_t)n) < 0) {
			close(fd);
			return -1;
		}
	}
	close(fd);
	if (total == 0)
		return err_set(e, "%s: empty file", path);
	return sp_finish(sp);
}

/* ------------------------------------------------------------ anchors */

struct dn_sink {
	struct anchors *a;
	int over;
};

static void dn_append(void *ctx, const void *buf, size_t len)
{
	struct dn_sink *d = ctx;
	if (d->over || len > sizeof d->a->arena - d->a->used) {
		d->over = 1;
		return;
	}
	memcpy(d->a->arena + d->a->used, buf, len);
	d->a->used += len;
}

static unsigned char *arena_copy(struct anchors *a, const void *p, size_t n)
{
	unsigned char *r;
	if (n > sizeof a->arena - a->used)
		return NULL;
	r = a->arena + a->used;
	memcpy(r, p, n);
	a->used += n;
	return r;
}

/* The key bytes of `pk` (RSA: n then e; EC: q) compare equal. */
static int same_key(const br_x509_pkey *x, const br_x509_pkey *y)
{
	if (x->key_type != y->key_type)
		return 0;
	if (x->key_type == BR_KEYTYPE_RSA)
		return x->key.rsa.nlen == y->key.rsa.nlen && x->key.rsa.elen == y->key.rsa.elen &&
		       !memcmp(x->key.rsa.n, y->key.rsa.n, x->key.rsa.nlen) &&
		       !memcmp(x->key.rsa.e, y->key.rsa.e, x->key.rsa.elen);
	return x->key.ec.curve == y->key.ec.curve && x->key.ec.qlen == y->key.ec.qlen &&
	       !memcmp(x->key.ec.q, y->key.ec.q, x->key.ec.qlen);
}

/* An anchor with the name and key of `ta` is in the store already. */
static int duplicate(const struct anchors *a, const br_x509_trust_anchor *ta)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->ta[i].dn.len == ta->dn.len && !memcmp(a->ta[i].dn.data, ta->dn.data,
							      ta->dn.len) &&
		    same_key(&a->ta[i].pkey, &ta->pkey))
			return 1;
	return 0;
}

static int anchor_cb(void *ctx, const unsigned char *der, size_t len, int index,
		     const char *what, struct err *e)
{
	struct anchors *a = ctx;
	br_x509_decoder_context dc;
	struct dn_sink dn = { a, 0 };
	br_x509_trust_anchor *ta;
	const br_x509_pkey *pk;
	size_t dn_start = a->used;
	char eb[128];
	int err;

	if (a->n >= ANCHORS_MAX)
		return err_set(e, "%s: too many trust anchors (limit %d)", what, ANCHORS_MAX);
	br_x509_decoder_init(&dc, dn_append, &dn);
	br_x509_decoder_push(&dc, der, len);
	err = br_x509_decoder_last_error(&dc);
	pk = br_x509_decoder_get_pkey(&dc);
	if (err != 0 || pk == NULL)
		return err_set(e, "%s: certificate %d: cannot decode: %s", what, index,
			       br_err_format(err ? err : BR_ERR_X509_UNSUPPORTED, eb, sizeof eb));
	if (dn.over)
		return err_set(e, "%s: certificate %d: trust anchor arena full (%d bytes)",
			       what, index, ANCHORS_ARENA);
	ta = &a->ta[a->n];
	memset(ta, 0, sizeof *ta);
	ta->dn.data = a->arena + dn_start;
	ta->dn.len = a->used - dn_start;
	ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
	ta->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		ta->pkey.key.rsa.n = arena_copy(a, pk->key.rsa.n, pk->key.rsa.nlen);
		ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta->pkey.key.rsa.e = arena_copy(a, pk->key.rsa.e, pk->key.rsa.elen);
		ta->pkey.key.rsa.elen = pk->key.rsa.elen;
		if (!ta->pkey.key.rsa.n || !ta->pkey.key.rsa.e)
			return err_set(e, "%s: certificate %d: trust anchor arena full (%d bytes)",
				       what, index, ANCHORS_ARENA);
	} else if (pk->key_type == BR_KEYTYPE_EC) {
		ta->pkey.key.ec.curve = pk->key.ec.curve;
		ta->pkey.key.ec.q = arena_copy(a, pk->key.ec.q, pk->key.ec.qlen);
		ta->pkey.key.ec.qlen = pk->key.ec.qlen;
		if (!ta->pkey.key.ec.q)
			return err_set(e, "%s: certificate %d: trust anchor arena full (%d bytes)",
				       what, index, ANCHORS_ARENA);
	} else {
		return err_set(e, "%s: certificate %d: unsupported key type %d", what, index,
			       pk->key_type);
	}
	if (a->skip_duplicates && duplicate(a, ta)) {
		a->used = dn_start; /* its name and key are given back */
		return 0;
	}
	a->n++;
	return 0;
}

void anchors_init(struct anchors *a)
{
	a->n = 0;
	a->used = 0;
}

static int add_buf(struct anchors *a, const void *buf, size_t len, const char *what,
		   struct err *e)
{
	struct splitter sp;
	sp_init(&sp, anchor_cb, a, what, e);
	if (len == 0)
		return err_set(e, "%s: empty", what);
	if (sp_push(&sp, buf, len) < 0)
		return -1;
	return sp_finish(&sp);
}

int anchors_add_buf(struct anchors *a, const void *buf, size_t len, const char *what,
		    struct err *e)
{
	size_t n0 = a->n, u0 = a->used;
	int r = add_buf(a, buf, len, what, e);
	if (r < 0) {
		a->n = n0;
		a->used = u0;
		err_wrap(e, "anchors");
	}
	return r;
}

static int has_cert_suffix(const char *name)
{
	static const char *const sfx[] = { ".pem", ".crt", ".cer", ".der" };
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++)
		if (n > 4 && strcasecmp(name + n - 4, sfx[i]) == 0)
			return 1;
	return 0;
}

static int load_file(struct anchors *a, const char *path, struct err *e)
{
	struct splitter sp;
	sp_init(&sp, anchor_cb, a, path, e);
	return sp_file(&sp, path, e);
}

static int load_dir(struct anchors *a, const char *path, struct err *e)
{
	char file[4096];
	struct dirent *de;
	int total = 0;
	DIR *d = opendir(path);

	if (!d)
		return err_set(e, "%s: cannot open directory: %s", path, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		int r;
		if (de->d_name[0] == '.' || !has_cert_suffix(de->d_name))
			continue;
		if ((size_t)snprintf(file, sizeof file, "%s/%s", path, de->d_name) >= sizeof file)
			continue;
		if (stat(file, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		r = load_file(a, file, e);
		if (r < 0) {
			closedir(d);
			return -1;
		}
		total += r;
	}
	closedir(d);
	if (total == 0)
		return err_set(e, "%s: no certificate files (*.pem, *.crt, *.cer, *.der)", path);
	return total;
}

int anchors_load(struct anchors *a, const char *path, struct err *e)
{
	size_t n0 = a->n, u0 = a->used;
	struct stat st;
	int r;

	if (stat(path, &st) < 0)
		r = err_set(e, "%s: cannot open: %s", path, strerror(errno));
	else if (S_ISDIR(st.st_mode))
		r = load_dir(a, path, e);
	else
		r = load_file(a, path, e);
	if (r < 0) {
		a->n = n0;
		a->used = u0;
		err_wrap(e, "anchors");
	}
	return r;
}

/* ------------------------------------------------------------ chains */

static int chain_cb(void *ctx, const unsigned char *der, size_t len, int index,
		    const char *what, struct err *e)
{
	struct cert_chain *c = ctx;
	br_x509_decoder_context dc;
	char eb[128];
	int err;

	br_x509_decoder_init(&dc, 0, NULL);
	br_x509_decoder_push(&dc, der, len);
	err = br_x509_decoder_last_error(&dc);
	if (err != 0 || br_x509_decoder_get_pkey(&dc) == NULL)
		return err_set(e, "%s: certificate %d: cannot decode: %s", what, index,
			       br_err_format(err ? err : BR_ERR_X509_UNSUPPORTED, eb, sizeof eb));
	if (c->n >= CHAIN_MAX)
		return err_set(e, "%s: too many certificates in chain (limit %d)", what, CHAIN_MAX);
	if (len > sizeof c->arena - c->used)
		return err_set(e, "%s: certificate %d: chain arena full (%d bytes)", what, index,
			       CHAIN_ARENA);
	memcpy(c->arena + c->used, der, len);
	c->cert[c->n].data = c->arena + c->used;
	c->cert[c->n].data_len = len;
	c->used += len;
	c->n++;
	return 0;
}

void chain_init(struct cert_chain *c)
{
	c->n = 0;
	c->used = 0;
}

int chain_add_buf(struct cert_chain *c, const void *buf, size_t len, const char *what,
		  struct err *e)
{
	struct splitter sp;
	size_t n0 = c->n, u0 = c->used;
	int r;

	sp_init(&sp, chain_cb, c, what, e);
	if (len == 0)
		r = err_set(e, "%s: empty", what);
	else if (sp_push(&sp, buf, len) < 0)
		r = -1;
	else
		r = sp_finish(&sp);
	if (r < 0) {
		c->n = n0;
		c->used = u0;
		err_wrap(e, "chain");
	}
	return r;
}

int chain_load(struct cert_chain *c, const char *path, struct err *e)
{
	struct splitter sp;
	size_t n0 = c->n, u0 = c->used;
	int r;

	sp_init(&sp, chain_cb, c, path, e);
	r = sp_file(&sp, path, e);
	if (r < 0) {
		c->n = n0;
		c->used = u0;
		err_wrap(e, "chain");
	}
	return r;
}
