/*
 * fuzz_verify_struct.c: verify_response() (trust/verify.h) with a
 * structure-aware mutator, so that mutations reach the checks behind the
 * signatures.
 *
 * The input is a get-bootstrapping-data response, JSON or XML, as for
 * fuzz_verify. The trusted configuration is fixed and complete
 * (verify_struct_pki.h, made with the seeds by gen-verify-struct.sh): the
 * MASA root as voucher anchor, serial SZTP-DEMO-0001, the nonce 00 01 .. 0f,
 * the time FUZZ_TIME (trusted), the device certificate (idevid-issuer) and
 * key (encrypted conveyed information). Each input is verified as from an
 * untrusted and from a trusted source.
 *
 * LLVMFuzzerCustomMutator picks one of:
 *  - a field of the output (conveyed-information, owner-certificate,
 *    ownership-voucher): base64-decode it, parse the DER into a tree, and
 *    change one node (its value through LLVMFuzzerMutate, its tag, delete,
 *    duplicate, swap siblings, an interesting INTEGER/time/OID, or a
 *    subtree taken from another artifact or a known certificate), then
 *    usually re-sign: the messageDigest attribute and the signature of
 *    every SignerInfo are made right again with the owner's or the MASA
 *    signer's key, so the change reaches the checks after the signature;
 *  - the signed document inside (voucher JSON, conveyed information JSON or
 *    XML): a JSON leaf changed (LLVMFuzzerMutate, or a value that matters:
 *    serials, dates, nonces, assertions, certificates), a member deleted,
 *    duplicated or renamed, or raw bytes; then re-signed;
 *  - the response itself: a field removed, duplicated, swapped with
 *    another, the reporting level changed, base64 line-wrapped;
 *  - one time in five, plain LLVMFuzzerMutate on the bytes.
 * Encrypted conveyed information is mutated as DER only (it is not
 * re-encrypted). FUZZ_VS_DEBUG=1 prints each verdict (run it on one input
 * to see where it stops). FUZZ_VS_RAW=1 in the environment turns the custom
 * mutator into plain LLVMFuzzerMutate: the same target with a byte mutator,
 * for comparing coverage (docs/development.md).
 *
 * Checked on every accepted response: unsigned onboarding information is
 * never accepted from an untrusted source, and an unsigned redirect from
 * one keeps no trust anchor; signed data names this device's serial, and
 * its voucher was created by FUZZ_TIME, expires after it if it expires,
 * and carries the nonce sent if it carries one; what an untrusted
 * source gets accepted a trusted one gets accepted too.
 */
#include "base/b64.h"
#include "base/json.h"
#include "trust/keyfile.h"
#include "trust/verify.h"

#include <bearssl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify_struct_pki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2,
				 uint8_t *out, size_t max, unsigned seed);

#define FUZZ_TIME 1798761600 /* 2027-01-01T00:00:00Z */
#define SERIAL    "SZTP-DEMO-0001"
#define NOCOV     __attribute__((no_sanitize("coverage")))

static struct keyfile device_key, masa_key, owner_key;
static struct cms_recipient recipient;
static int raw_only, debug;

/* ================================================================ the target */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct err e;
	const char *r = getenv("FUZZ_VS_RAW");
	(void)argc;
	(void)argv;
	raw_only = r && *r == '1';
	debug = getenv("FUZZ_VS_DEBUG") != NULL;
	if (keyfile_load_pem(&device_key, (const uint8_t *)vs_device_key, sizeof vs_device_key - 1,
			     &e) < 0 ||
	    keyfile_load_pem(&masa_key, (const uint8_t *)vs_masa_signer_key,
			     sizeof vs_masa_signer_key - 1, &e) < 0 ||
	    keyfile_load_pem(&owner_key, (const uint8_t *)vs_owner_key, sizeof vs_owner_key - 1,
			     &e) < 0)
		abort();
	keyfile_recipient(&device_key, vs_device_cert, sizeof vs_device_cert, &recipient);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct verify_work work;
	static struct verify_result res;
	static const uint8_t nonce[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	struct x509_der anchor = { vs_masa_ca, sizeof vs_masa_ca };
	struct verify_ctx ctx;
	struct clock_policy clock;
	struct err e;
	int ok[2];

	memset(&ctx, 0, sizeof ctx);
	ctx.serial = SERIAL;
	ctx.voucher_anchors = &anchor;
	ctx.n_voucher_anchors = 1;
	ctx.nonce = nonce;
	ctx.nonce_len = sizeof nonce;
	clock_policy_exact(&clock, FUZZ_TIME);
	ctx.clock = &clock;
	ctx.device_cert = vs_device_cert;
	ctx.device_cert_len = sizeof vs_device_cert;
	ctx.recipient = &recipient;
	for (int trusted = 0; trusted < 2; trusted++) {
		ctx.trusted_source = trusted;
		ok[trusted] = verify_response(data, size, &ctx, &work, &res, &e) == 0;
		if (debug)
			fprintf(stderr, "%s source: %s\n", trusted ? "trusted" : "untrusted",
				ok[trusted] ? (res.signed_data ? "accepted, signed" : "accepted") : e.msg);
		if (!ok[trusted])
			continue;
		if (res.json_len == 0 || res.info.kind == CONVEYED_NONE ||
		    res.trusted != (res.signed_data || trusted))
			abort();
		if (!res.signed_data && !trusted) {
			if (res.info.kind != CONVEYED_REDIRECT)
				abort(); /* unsigned onboarding from an untrusted source */
			for (int i = 0; i < res.info.redirect.n_servers; i++)
				if (res.info.redirect.servers[i].trust_anchor.len)
					abort(); /* a trust anchor kept from an untrusted source */
		}
		if (res.signed_data) {
			const struct voucher *v = &work.voucher;
			if (strcmp(v->serial, SERIAL) != 0)
				abort(); /* a voucher for another device */
			/* a nonce must be the one sent, an expiry in the future; a
			 * long-lived voucher (neither) is acceptable by policy */
			if ((v->has_nonce && (v->nonce_len != sizeof nonce ||
					      memcmp(v->nonce, nonce, sizeof nonce) != 0)) ||
			    (v->has_expires_on && v->expires_on <= FUZZ_TIME) ||
			    v->created_on > FUZZ_TIME)
				abort(); /* a stale or replayed voucher */
		}
	}
	if (ok[0] && !ok[1])
		abort(); /* trusting the source lost something */
	return 0;
}

/* ================================================================ randomness */

static uint32_t rng;

NOCOV static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return n ? rng % n : 0;
}

/* ================================================================ scratch */

static uint8_t arena[4 << 20];
static size_t arena_used;

NOCOV static uint8_t *take(size_t n)
{
	if (n > sizeof arena - arena_used)
		return NULL;
	arena_used += n;
	return arena + arena_used - n;
}

/* ================================================================ DER trees */

#define MAXN 4096

struct dn {
	uint8_t tag;
	const uint8_t *val; /* primitive: the value */
	size_t len;
	int child;          /* constructed (or an OCTET STRING holding DER): first child */
	int next;
	int parent;         /* -1: a root */
	int tree;           /* which tree (artifact) it belongs to */
};

static struct dn N[MAXN];
static int nn;

NOCOV static int new_node(void)
{
	if (nn >= MAXN)
		return -1;
	memset(&N[nn], 0, sizeof N[nn]);
	N[nn].child = N[nn].next = N[nn].parent = -1;
	return nn++;
}

/* Parse p[len] as a list of TLVs; *first gets the first node (-1: empty).
 * 0, or -1 when it is not DER as far as we care. */
NOCOV static int parse_list(const uint8_t *p, size_t len, int depth, int tree, int parent,
			   int *first)
{
	int prev = -1;
	*first = -1;
	while (len > 0) {
		uint8_t tag = p[0];
		size_t l, h = 2;
		if ((tag & 0x1f) == 0x1f || len < 2)
			return -1;
		if (p[1] < 0x80) {
			l = p[1];
		} else {
			size_t k = p[1] & 0x7f;
			if (k == 0 || k > 3 || len < 2 + k)
				return -1;
			l = 0;
			for (size_t i = 0; i < k; i++)
				l = l << 8 | p[2 + i];
			h += k;
		}
		if (l > len - h)
			return -1;
		int n = new_node();
		if (n < 0)
			return -1;
		N[n].tag = tag;
		N[n].val = p + h;
		N[n].len = l;
		N[n].tree = tree;
		N[n].parent = parent;
		if (depth < 24 && l > 0 && ((tag & 0x20) || (tag == 0x04 && p[h] == 0x30))) {
			int c, save = nn;
			if (parse_list(p + h, l, depth + 1, tree, n, &c) == 0) {
				N[n].child = c;
			} else {
				nn = save; /* keep it as bytes */
				if (tag & 0x20)
					N[n].child = -1;
			}
		}
		if (prev >= 0)
			N[prev].next = n;
		else
			*first = n;
		prev = n;
		p += l + h;
		len -= l + h;
	}
	return 0;
}

NOCOV static size_t content_len(int n);

NOCOV static size_t hdr_len(size_t l)
{
	return l < 0x80 ? 2 : l < 0x100 ? 3 : l < 0x10000 ? 4 : 5;
}

NOCOV static size_t list_len(int first)
{
	size_t t = 0;
	for (int c = first; c >= 0; c = N[c].next) {
		size_t l = content_len(c);
		t += hdr_len(l) + l;
	}
	return t;
}

NOCOV static size_t content_len(int n)
{
	return N[n].child >= 0 ? list_len(N[n].child) : N[n].len;
}

NOCOV static size_t write_list(int first, uint8_t *out);

NOCOV static size_t write_node(int n, uint8_t tag, uint8_t *out)
{
	size_t l = content_len(n), h = hdr_len(l), o = 0;
	out[o++] = tag;
	if (h == 2) {
		out[o++] = (uint8_t)l;
	} else {
		out[o++] = (uint8_t)(0x80 | (h - 2));
		for (size_t i = h - 2; i > 0; i--)
			out[o++] = (uint8_t)(l >> (8 * (i - 1)));
	}
	if (N[n].child >= 0)
		o += write_list(N[n].child, out + o);
	else if (l)
		memcpy(out + o, N[n].val, l);
	return h + l;
}

NOCOV static size_t write_list(int first, uint8_t *out)
{
	size_t o = 0;
	for (int c = first; c >= 0; c = N[c].next)
		o += write_node(c, N[c].tag, out + o);
	return o;
}

/* The DER of node n (with tag `tag`) in the arena; NULL when no room. */
NOCOV static uint8_t *encode(int n, uint8_t tag, size_t *len)
{
	size_t l = content_len(n);
	uint8_t *b = take(hdr_len(l) + l);
	if (!b)
		return NULL;
	*len = write_node(n, tag, b);
	return b;
}

NOCOV static int nth_child(int n, int k)
{
	int c = n >= 0 ? N[n].child : -1;
	while (c >= 0 && k-- > 0)
		c = N[c].next;
	return c;
}

NOCOV static int last_child(int n)
{
	int c = n >= 0 ? N[n].child : -1, l = -1;
	for (; c >= 0; c = N[c].next)
		l = c;
	return l;
}

/* Make node n primitive with value v[len]. */
NOCOV static void set_value(int n, const uint8_t *v, size_t len)
{
	N[n].child = -1;
	N[n].val = v;
	N[n].len = len;
}

/* ================================================================ the response */

enum { F_CI, F_OC, F_OV, F_LEVEL, F_N };
static const char *const fname[F_N] = { "conveyed-information", "owner-certificate",
	"ownership-voucher", "reporting-level" };

struct doc {
	const uint8_t *b;
	size_t len;
	int xml;
	size_t s[F_N], e[F_N]; /* value text of each field, s == e == 0: absent */
};

NOCOV static int is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Find the value text of each field, textually (JSON or XML). */
NOCOV static void locate(struct doc *d, const uint8_t *b, size_t len)
{
	size_t i = 0;
	memset(d, 0, sizeof *d);
	d->b = b;
	d->len = len;
	while (i < len && is_ws(b[i]))
		i++;
	d->xml = i < len && b[i] == '<';
	for (int f = 0; f < F_N; f++) {
		size_t nl = strlen(fname[f]);
		for (size_t p = 1; p + nl + 2 < len; p++) {
			if (memcmp(b + p, fname[f], nl) != 0)
				continue;
			size_t q = p + nl, v;
			if (d->xml) {
				if (b[q] != '>' || (b[p - 1] != '<' && b[p - 1] != ':') ||
				    (p >= 2 && b[p - 2] == '/'))
					continue;
				v = q + 1;
				size_t w = v;
				while (w < len && b[w] != '<')
					w++;
				d->s[f] = v;
				d->e[f] = w;
				break;
			}
			if (b[p - 1] != '"' || b[q] != '"')
				continue;
			q++;
			while (q < len && is_ws(b[q]))
				q++;
			if (q >= len || b[q] != ':')
				continue;
			q++;
			while (q < len && is_ws(b[q]))
				q++;
			if (q >= len || b[q] != '"')
				continue;
			v = ++q;
			while (q < len && b[q] != '"')
				q += b[q] == '\\' ? 2 : 1;
			if (q > len)
				continue;
			d->s[f] = v;
			d->e[f] = q;
			break;
		}
	}
}

/* Decode a field's base64 (JSON escapes \n \r \t \/ and white space
 * removed) into the arena. NULL when absent or not base64. */
NOCOV static uint8_t *field_der(const struct doc *d, int f, size_t *len)
{
	size_t n = d->e[f] - d->s[f], k = 0;
	char *t;
	uint8_t *out;
	struct err e;
	if (!d->e[f] || !(t = (char *)take(n + 1)))
		return NULL;
	for (size_t i = d->s[f]; i < d->e[f]; i++) {
		if (d->b[i] == '\\' && i + 1 < d->e[f]) {
			i++;
			if (d->b[i] == '/')
				t[k++] = '/';
			continue;
		}
		t[k++] = (char)d->b[i];
	}
	out = take(k / 4 * 3 + 3);
	if (!out || b64_decode(t, k, out, k / 4 * 3 + 3, len, &e) < 0)
		return NULL;
	return out;
}

/* The response with field f's value text replaced by v[vl], into out[max]. */
NOCOV static size_t splice(const struct doc *d, int f, const char *v, size_t vl, uint8_t *out,
			   size_t max)
{
	size_t a = d->s[f], b = d->e[f];
	if (!b || a + vl + (d->len - b) > max)
		return 0;
	memmove(out, d->b, a);
	memmove(out + a + vl, d->b + b, d->len - b); /* the tail first: out may be d->b */
	memcpy(out + a, v, vl);
	return a + vl + d->len - b;
}

/* base64 of der[len], sometimes line-wrapped the way servers do. */
NOCOV static char *to_b64(const struct doc *d, const uint8_t *der, size_t len, size_t *out_len)
{
	size_t n = B64_ENCODED_LEN(len);
	char *t = (char *)take(n + 1), *w;
	size_t every = rnd(8) == 0 ? 64 : 0, k = 0;
	if (!t || b64_encode(der, len, t, n + 1) < 0)
		return NULL;
	if (!every) {
		*out_len = n;
		return t;
	}
	w = (char *)take(n + n / every * 2 + 2);
	if (!w)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (i && i % every == 0) {
			if (d->xml) {
				w[k++] = '\n';
			} else {
				w[k++] = '\\';
				w[k++] = 'n';
			}
		}
		w[k++] = t[i];
	}
	*out_len = k;
	return w;
}

/* ================================================================ signing */

static const uint8_t OID_MD[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04 };
static const uint8_t OID_SHA384[] = { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02 };
static const uint8_t OID_SHA512[] = { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03 };

NOCOV static int oid_eq(int n, const uint8_t *oid, size_t len)
{
	return n >= 0 && N[n].tag == 0x06 && N[n].child < 0 && N[n].len == len &&
	       memcmp(N[n].val, oid, len) == 0;
}

/* SignedData of a ContentInfo tree, or -1. */
NOCOV static int signed_data(int root)
{
	int sd = nth_child(nth_child(root, 1), 0);
	return sd >= 0 && N[sd].tag == 0x30 ? sd : -1;
}

/* The eContent OCTET STRING node of a SignedData, or -1. */
NOCOV static int econtent(int sd)
{
	int ec = nth_child(nth_child(nth_child(sd, 2), 1), 0);
	return ec >= 0 && N[ec].tag == 0x04 ? ec : -1;
}

/* Make every SignerInfo of the SignedData under `root` right again for its
 * eContent, signed with `k`. */
NOCOV static void resign(int root, const struct keyfile *k)
{
	int sd = signed_data(root), ec, si;
	const uint8_t *content;
	size_t clen;
	if (sd < 0 || (ec = econtent(sd)) < 0)
		return;
	if (N[ec].child >= 0) {
		uint8_t *b = take(list_len(N[ec].child));
		if (!b)
			return;
		clen = write_list(N[ec].child, b);
		content = b;
	} else {
		content = N[ec].val;
		clen = N[ec].len;
	}
	si = last_child(sd);
	if (si < 0 || N[si].tag != 0x31)
		return;
	for (int s = N[si].child; s >= 0; s = N[s].next) {
		int dalg = nth_child(nth_child(s, 2), 0), attrs = nth_child(s, 3), sig;
		const br_hash_class *h = &br_sha256_vtable;
		br_hash_compat_context hc;
		uint8_t dig[64], *sigbuf;
		size_t siglen, dlen;
		struct err e;
		if (oid_eq(dalg, OID_SHA384, sizeof OID_SHA384))
			h = &br_sha384_vtable;
		else if (oid_eq(dalg, OID_SHA512, sizeof OID_SHA512))
			h = &br_sha512_vtable;
		dlen = (h->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
		h->init(&hc.vtable);
		h->update(&hc.vtable, content, clen);
		h->out(&hc.vtable, dig);
		if (attrs >= 0 && N[attrs].tag == 0xa0) {
			uint8_t *enc, *d2;
			size_t elen;
			for (int a = N[attrs].child; a >= 0; a = N[a].next) {
				int v = nth_child(nth_child(a, 1), 0);
				if (oid_eq(nth_child(a, 0), OID_MD, sizeof OID_MD) && v >= 0 &&
				    (d2 = take(dlen)) != NULL) {
					memcpy(d2, dig, dlen);
					set_value(v, d2, dlen);
				}
			}
			enc = encode(attrs, 0x31, &elen);
			if (!enc)
				return;
			h->init(&hc.vtable);
			h->update(&hc.vtable, enc, elen);
			h->out(&hc.vtable, dig);
			sig = nth_child(s, 5);
		} else {
			sig = nth_child(s, 4);
		}
		if (sig < 0 || N[sig].tag != 0x04 || !(sigbuf = take(600)) ||
		    keyfile_sign(k, h, dig, dlen, sigbuf, 600, &siglen, &e) < 0)
			continue;
		set_value(sig, sigbuf, siglen);
	}
}

/* ================================================================ JSON documents */

static const char *const strs[] = {
	SERIAL, "SZTP-DEMO-0002", "sztp-demo-0001", "", "AAECAwQFBgcICQoLDA0ODw==",
	"AAECAwQFBgcICQoLDA0ODg==", "AA==", "2026-11-01T00:00:00Z", "2027-01-01T00:00:00Z",
	"2026-12-31T23:59:59.999Z", "2027-01-01T00:00:01+00:00", "9999-12-31T23:59:59Z",
	"1970-01-01T00:00:00Z", "2027-02-30T00:00:00Z", "2026-11-01T00:00:00-23:59",
	"verified", "logged", "proximity", "agent-proximity", "unknown", "true", "false",
	"ietf-sztp-conveyed-info:sha-256", "merge", "replace", "192.0.2.1", "[2001:db8::1]",
	"https://192.0.2.1/i.img", "file:///i.img", "0", "65536",
};

NOCOV static int count_items(const cJSON *j)
{
	int n = 1;
	for (const cJSON *c = j->child; c; c = c->next)
		n += count_items(c);
	return n;
}

NOCOV static cJSON *nth_item(cJSON *j, int *k)
{
	if ((*k)-- == 0)
		return j;
	for (cJSON *c = j->child; c; c = c->next) {
		cJSON *r = nth_item(c, k);
		if (r)
			return r;
	}
	return NULL;
}

NOCOV static cJSON *parent_of(cJSON *j, const cJSON *it)
{
	for (cJSON *c = j->child; c; c = c->next) {
		cJSON *r;
		if (c == it)
			return j;
		if ((r = parent_of(c, it)) != NULL)
			return r;
	}
	return NULL;
}

/* A certificate as base64, for pinned-domain-cert and such. */
NOCOV static char *cert_b64(void)
{
	static const struct {
		const uint8_t *d;
		size_t n;
	} certs[] = { { vs_owner_ca, sizeof vs_owner_ca }, { vs_masa_ca, sizeof vs_masa_ca },
		      { vs_device_cert, sizeof vs_device_cert } };
	int i = (int)rnd(3);
	char *t = (char *)take(B64_ENCODED_LEN(certs[i].n) + 1);
	if (t)
		b64_encode(certs[i].d, certs[i].n, t, B64_ENCODED_LEN(certs[i].n) + 1);
	return t;
}

/* Mutate JSON text j[len] structurally into the arena; NULL: could not. */
NOCOV static uint8_t *mutate_json(const uint8_t *j, size_t len, size_t *out_len)
{
	struct err e;
	cJSON *root = json_parse(j, len, "m", &e), *it, *parent;
	char *txt;
	uint8_t *out = NULL;
	int k, n;
	if (!root)
		return NULL;
	n = count_items(root);
	k = 1 + (int)rnd((uint32_t)(n > 1 ? n - 1 : 1));
	it = nth_item(root, &k);
	if (!it || it == root)
		goto done;
	parent = parent_of(root, it);
	if (!parent)
		goto done;
	switch (rnd(8)) {
	case 0: /* delete */
		cJSON_DetachItemViaPointer(parent, it);
		cJSON_Delete(it);
		break;
	case 1: /* duplicate (a duplicate name is an error to find) */
		if (it->string)
			cJSON_AddItemToObject(parent, it->string, cJSON_Duplicate(it, 1));
		else
			cJSON_AddItemToArray(parent, cJSON_Duplicate(it, 1));
		break;
	case 2: /* rename */
		if (it->string) {
			char nm[64];
			size_t l = strlen(it->string);
			if (l >= sizeof nm)
				l = sizeof nm - 1;
			memcpy(nm, it->string, l);
			l = LLVMFuzzerMutate((uint8_t *)nm, l, sizeof nm - 1);
			nm[l] = 0;
			cJSON *c = cJSON_Duplicate(it, 1);
			cJSON_DetachItemViaPointer(parent, it);
			cJSON_Delete(it);
			if (memchr(nm, 0, l))
				nm[0] = 'x';
			cJSON_AddItemToObject(parent, nm, c);
		}
		break;
	case 3: /* a value that matters */
	case 4: {
		cJSON *v;
		int which = (int)rnd(10);
		if (which == 0) {
			v = cJSON_CreateNumber((double)(int)rnd(70000) - 2);
		} else if (which == 1) {
			v = cJSON_CreateBool((cJSON_bool)rnd(2));
		} else if (which == 2) {
			char *c = cert_b64();
			v = cJSON_CreateString(c ? c : "");
		} else {
			v = cJSON_CreateString(strs[rnd(sizeof strs / sizeof strs[0])]);
		}
		cJSON_ReplaceItemViaPointer(parent, it, v);
		break;
	}
	default: /* the string or number itself, through the byte mutator */
		if (cJSON_IsString(it) && it->valuestring) {
			size_t l = strlen(it->valuestring), cap = l * 2 + 16;
			char *s = (char *)take(cap + 1);
			if (!s)
				break;
			memcpy(s, it->valuestring, l);
			l = LLVMFuzzerMutate((uint8_t *)s, l, cap);
			s[l] = 0;
			cJSON_SetValuestring(it, s);
		} else if (cJSON_IsNumber(it)) {
			cJSON_SetNumberValue(it, it->valuedouble + (double)((int)rnd(5) - 2));
		}
		break;
	}
done:
	txt = cJSON_PrintUnformatted(root);
	if (txt) {
		size_t l = strlen(txt);
		if ((out = take(l)) != NULL) {
			memcpy(out, txt, l);
			*out_len = l;
		}
		free(txt);
	}
	json_free(root);
	return out;
}

/* ================================================================ DER mutations */

/* Parse the ContentInfo artifacts of d and a few known certificates into
 * trees; roots[] gets each tree's root (-1: absent or unparsable). */
#define T_CERTS F_LEVEL /* tree numbers past the fields: known certificates */
static int roots[F_N + 3];

NOCOV static void parse_trees(const struct doc *d)
{
	static const struct {
		const uint8_t *d;
		size_t n;
	} certs[] = { { vs_owner_ca, sizeof vs_owner_ca }, { vs_masa_ca, sizeof vs_masa_ca },
		      { vs_device_cert, sizeof vs_device_cert } };
	nn = 0;
	for (int f = 0; f < F_LEVEL; f++) {
		size_t l;
		uint8_t *der = field_der(d, f, &l);
		roots[f] = -1;
		if (der && parse_list(der, l, 0, f, -1, &roots[f]) < 0)
			roots[f] = -1;
	}
	for (int c = 0; c < 3; c++)
		if (parse_list(certs[c].d, certs[c].n, 0, T_CERTS + c, -1, &roots[T_CERTS + c]) < 0)
			roots[T_CERTS + c] = -1;
}

/* A random node of tree t, or -1. */
NOCOV static int node_in(int t)
{
	int k = 0, pick;
	for (int i = 0; i < nn; i++)
		k += N[i].tree == t;
	if (!k)
		return -1;
	pick = (int)rnd((uint32_t)k);
	for (int i = 0; i < nn; i++)
		if (N[i].tree == t && pick-- == 0)
			return i;
	return -1;
}

/* Take n out of its parent's list of children. */
NOCOV static void unlink_node(int n)
{
	int p = N[n].parent;
	if (p < 0)
		return;
	if (N[p].child == n) {
		N[p].child = N[n].next;
		return;
	}
	for (int c = N[p].child; c >= 0; c = N[c].next)
		if (N[c].next == n) {
			N[c].next = N[n].next;
			return;
		}
}

static const uint8_t *const ints[] = { (const uint8_t *)"\x00", (const uint8_t *)"\x80",
	(const uint8_t *)"\x00\x80", (const uint8_t *)"\xff", (const uint8_t *)"\x7f\xff\xff\xff",
	(const uint8_t *)"\x01\x00\x00\x00\x00" };
static const size_t int_len[] = { 1, 1, 2, 1, 4, 5 };
static const char *const times[] = { "500101000000Z", "491231235959Z", "270101000000Z",
	"261231235959Z", "20270101000000Z", "99991231235959Z", "20261201000000Z", "270101000000+0100" };
static const uint8_t tags[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x16, 0x17,
	0x18, 0x30, 0x31, 0x80, 0x81, 0x82, 0xa0, 0xa1, 0xa3 };

/* Change one node of tree t. */
NOCOV static void mutate_tree(int t)
{
	int n = node_in(t);
	if (n < 0)
		return;
	switch (rnd(10)) {
	case 0:
	case 1:
	case 2: { /* the value through the byte mutator */
		size_t l = content_len(n), cap = l * 2 + 32;
		uint8_t *b = take(cap);
		if (!b)
			return;
		if (N[n].child >= 0)
			write_list(N[n].child, b);
		else if (l)
			memcpy(b, N[n].val, l);
		l = LLVMFuzzerMutate(b, l, cap);
		set_value(n, b, l);
		break;
	}
	case 3: /* delete */
		unlink_node(n);
		break;
	case 4: { /* duplicate */
		int c = new_node();
		if (c < 0)
			return;
		N[c] = N[n];
		N[n].next = c;
		break;
	}
	case 5: { /* swap with the next sibling */
		int s = N[n].next;
		if (s >= 0) {
			struct dn tmp = N[n];
			int nx = N[s].next;
			N[n] = N[s];
			N[n].next = s;
			N[s] = tmp;
			N[s].next = nx;
		}
		break;
	}
	case 6: /* another tag */
		N[n].tag = tags[rnd(sizeof tags)];
		if (!(N[n].tag & 0x20) && N[n].child >= 0 && N[n].tag != 0x04) {
			size_t l;
			uint8_t *b = take(list_len(N[n].child));
			if (!b)
				return;
			l = write_list(N[n].child, b);
			set_value(n, b, l);
		}
		break;
	case 7: /* an interesting INTEGER or time, or another node's OID */
		if (N[n].tag == 0x02) {
			int i = (int)rnd(6);
			set_value(n, ints[i], int_len[i]);
		} else if (N[n].tag == 0x17 || N[n].tag == 0x18) {
			const char *s = times[rnd(sizeof times / sizeof times[0])];
			N[n].tag = strlen(s) == 15 || strlen(s) == 19 ? 0x18 : 0x17;
			set_value(n, (const uint8_t *)s, strlen(s));
		} else if (N[n].tag == 0x06) {
			for (int tries = 0; tries < 8; tries++) {
				int o = (int)rnd((uint32_t)nn);
				if (N[o].tag == 0x06 && N[o].child < 0) {
					set_value(n, N[o].val, N[o].len);
					break;
				}
			}
		}
		break;
	default: { /* a subtree from another tree: another artifact, a known certificate */
		int other = (int)rnd(F_LEVEL + 3), o;
		if (other == t)
			other = T_CERTS + (int)rnd(3);
		o = node_in(other);
		if (o >= 0) {
			int nx = N[n].next, tr = N[n].tree, pa = N[n].parent;
			N[n] = N[o];
			N[n].next = nx;
			N[n].tree = tr;
			N[n].parent = pa;
		}
		break;
	}
	}
}

/* ================================================================ the mutator */

NOCOV static size_t doc_level(const struct doc *d, uint8_t *data, size_t size, size_t max)
{
	static const char *const levels[] = { "minimal", "verbose", "Verbose", "", "full" };
	int f = (int)rnd(F_N), g = (int)rnd(F_N);
	uint8_t *copy = take(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	struct doc c = *d;
	c.b = copy;
	switch (rnd(4)) {
	case 0: /* a field's value from another field */
		if (!d->e[f] || !d->e[g])
			return 0;
		return splice(&c, f, (const char *)copy + d->s[g], d->e[g] - d->s[g], data, max);
	case 1: /* empty */
		return splice(&c, f, "", 0, data, max);
	case 2: { /* reporting level */
		const char *l = levels[rnd(5)];
		return splice(&c, F_LEVEL, l, strlen(l), data, max);
	}
	default: { /* a field removed: its name too, textually */
		size_t a, b;
		if (!d->e[f])
			return 0;
		a = d->s[f];
		b = d->e[f];
		while (a > 0 && copy[a - 1] != (d->xml ? '<' : ','))
			a--;
		if (d->xml) {
			while (b < size && copy[b] != '>')
				b++;
			b += b < size;
		} else if (a == 0) {
			return 0;
		} else {
			a--; /* the comma before */
			b += b < size;
		}
		if (a == 0 && d->xml)
			return 0;
		if (d->xml)
			a--;
		memmove(data, copy, a);
		memmove(data + a, copy + b, size - b);
		return a + size - b;
	}
	}
}

NOCOV size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed)
{
	struct doc d;
	int f, tries = 0;
	size_t r = 0;

	rng = seed | 1;
	if (raw_only || rnd(5) == 0)
		return LLVMFuzzerMutate(data, size, max);
	arena_used = 0;
	locate(&d, data, size);
	if (rnd(6) == 0 && (r = doc_level(&d, data, size, max)) > 0)
		return r;
	do
		f = (int)rnd(F_LEVEL);
	while (!d.e[f] && ++tries < 8);
	parse_trees(&d);
	if (roots[f] < 0)
		return LLVMFuzzerMutate(data, size, max);
	{
		const struct keyfile *k = f == F_OV ? &masa_key : &owner_key;
		int sd = signed_data(roots[f]), ec = sd >= 0 ? econtent(sd) : -1;
		int content = ec >= 0 && N[ec].child < 0 && N[ec].len && rnd(2);
		uint8_t *der;
		size_t dl, bl;
		char *b64;
		if (content) { /* the signed document */
			size_t l;
			uint8_t *m = NULL;
			if (N[ec].val[0] == '{' && rnd(4))
				m = mutate_json(N[ec].val, N[ec].len, &l);
			if (!m) {
				size_t cap = N[ec].len * 2 + 64;
				if ((m = take(cap)) == NULL)
					return LLVMFuzzerMutate(data, size, max);
				memcpy(m, N[ec].val, N[ec].len);
				l = LLVMFuzzerMutate(m, N[ec].len, cap);
			}
			set_value(ec, m, l);
			if (rnd(16))
				resign(roots[f], k);
		} else {
			int rounds = 1 + (int)rnd(3);
			for (int i = 0; i < rounds; i++)
				mutate_tree(f);
			if (sd >= 0 && rnd(4))
				resign(roots[f], k);
		}
		der = encode(roots[f], N[roots[f]].tag, &dl);
		if (!der || !(b64 = to_b64(&d, der, dl, &bl)) || !(r = splice(&d, f, b64, bl, data, max)))
			return LLVMFuzzerMutate(data, size, max);
		return r;
	}
}

NOCOV size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2,
				       uint8_t *out, size_t max, unsigned seed)
{
	struct doc a, b;
	int f;
	rng = seed | 1;
	locate(&a, d1, s1);
	locate(&b, d2, s2);
	f = (int)rnd(F_N);
	if (raw_only || !a.e[f] || !b.e[f]) {
		size_t h1 = s1 / 2, h2 = s2 / 2;
		if (h1 + (s2 - h2) > max)
			return 0;
		memcpy(out, d1, h1);
		memcpy(out + h1, d2 + h2, s2 - h2);
		return h1 + s2 - h2;
	}
	/* d1 with field f taken from d2 */
	return splice(&a, f, (const char *)d2 + b.s[f], b.e[f] - b.s[f], out, max);
}
