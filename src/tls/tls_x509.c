/* tls_x509.c: X.509 engine wrapper with iPAddress SAN matching (see tls_x509.h). */
#include "tls/tls_x509.h"

#include <stdio.h>
#include <string.h>

#include "trust/x509.h"

/* ------------------------------------------------------------ DER walk */

/*
 * Read one TLV at *p (not past end): single-byte tags, definite lengths of at
 * most 4 length bytes. Sets *tag, *val, *vlen and advances *p. Returns 0/-1.
 */
static int tlv(const uint8_t **p, const uint8_t *end, int *tag, const uint8_t **val,
	       size_t *vlen)
{
	const uint8_t *q = *p;
	size_t n;

	if (end - q < 2)
		return -1;
	*tag = *q++;
	if ((*tag & 0x1f) == 0x1f)
		return -1;
	n = *q++;
	if (n & 0x80) {
		size_t k = n & 0x7f;
		if (k == 0 || k > 4 || (size_t)(end - q) < k)
			return -1;
		n = 0;
		while (k--)
			n = (n << 8) | *q++;
	}
	if (n > (size_t)(end - q))
		return -1;
	*val = q;
	*vlen = n;
	*p = q + n;
	return 0;
}

static const uint8_t oid_san[] = { 0x55, 0x1d, 0x11 }; /* 2.5.29.17 */

/* GeneralNames value: 1 if an iPAddress equals ip, 0 if not, -1 malformed. */
static int san_has_ip(const uint8_t *p, size_t len, const uint8_t *ip, size_t ip_len)
{
	const uint8_t *end = p + len, *v, *seqend;
	size_t vl;
	int tag, found = 0;

	if (tlv(&p, end, &tag, &v, &vl) < 0 || tag != 0x30 || p != end)
		return -1;
	p = v;
	seqend = v + vl;
	while (p < seqend) {
		if (tlv(&p, seqend, &tag, &v, &vl) < 0)
			return -1;
		if (tag == 0x87 && vl == ip_len && memcmp(v, ip, ip_len) == 0)
			found = 1;
	}
	return found;
}

int tls_cert_has_ip(const uint8_t *cert, size_t len, const uint8_t *ip, size_t ip_len)
{
	const uint8_t *p = cert, *end = cert + len, *v, *tend;
	size_t vl;
	int tag;

	if (ip_len == 0)
		return 0;
	/* Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, ... } */
	if (tlv(&p, end, &tag, &v, &vl) < 0 || tag != 0x30)
		return -1;
	p = v;
	end = v + vl;
	if (tlv(&p, end, &tag, &v, &vl) < 0 || tag != 0x30)
		return -1;
	p = v;
	tend = v + vl;
	/* tbsCertificate fields; the extensions are [3] EXPLICIT. */
	while (p < tend) {
		const uint8_t *ev, *xend;
		size_t evl;
		if (tlv(&p, tend, &tag, &v, &vl) < 0)
			return -1;
		if (tag != 0xa3)
			continue;
		p = v;
		if (tlv(&p, v + vl, &tag, &ev, &evl) < 0 || tag != 0x30)
			return -1;
		p = ev;
		xend = ev + evl;
		while (p < xend) {
			/* Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue } */
			const uint8_t *xp, *xe, *ov, *val;
			size_t ol, vlen;
			int r;
			if (tlv(&p, xend, &tag, &xp, &vl) < 0 || tag != 0x30)
				return -1;
			xe = xp + vl;
			if (tlv(&xp, xe, &tag, &ov, &ol) < 0 || tag != 0x06)
				return -1;
			if (tlv(&xp, xe, &tag, &val, &vlen) < 0)
				return -1;
			if (tag == 0x01 && tlv(&xp, xe, &tag, &val, &vlen) < 0)
				return -1;
			if (tag != 0x04 || xp != xe)
				return -1;
			if (ol != sizeof oid_san || memcmp(ov, oid_san, ol) != 0)
				continue;
			r = san_has_ip(val, vlen, ip, ip_len);
			return r;
		}
		return 0;
	}
	return 0;
}

/* ------------------------------------------------------------ engine */

#define INNER(x) (&(x)->minimal.vtable)

static void xw_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;
	x->ncert = 0;
	x->ee_len = 0;
	x->ee_over = 0;
	x->chain_over = 0;
	x->used = 0;
	x->ip_mismatch = 0;
	x->prov_pkey = NULL;
	x->time_err[0] = 0;
	x->server_name = server_name;
	if (x->provisional || x->clock)
		return; /* clock mode: replayed in end_chain() */
	x->minimal.vtable->start_chain(INNER(x), server_name);
}

static void xw_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;
	if (x->ncert < TLS_CHAIN_CERTS) {
		x->off[x->ncert] = x->used;
		x->len[x->ncert] = 0;
	} else {
		x->chain_over = 1;
	}
	if (length > sizeof x->chain - x->used) {
		x->chain_over = 1;
		if (x->ncert == 0)
			x->ee_over = 1;
	}
	if (x->provisional || x->clock)
		return;
	x->minimal.vtable->start_cert(INNER(x), length);
}

static void xw_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;
	if (!x->chain_over && x->ncert < TLS_CHAIN_CERTS) {
		if (len > sizeof x->chain - x->used) {
			x->chain_over = 1;
			if (x->ncert == 0)
				x->ee_over = 1;
		} else {
			memcpy(x->chain + x->used, buf, len);
			x->used += len;
			x->len[x->ncert] += len;
		}
	}
	if (x->provisional || x->clock)
		return;
	x->minimal.vtable->append(INNER(x), buf, len);
}

static void xw_end_cert(const br_x509_class **ctx)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;
	if (x->ncert == 0 && !x->ee_over)
		x->ee_len = x->len[0];
	x->ncert++;
	if (x->provisional || x->clock)
		return;
	x->minimal.vtable->end_cert(INNER(x));
}

/* Provisional: decode the end-entity certificate for its key, nothing more. */
static unsigned provisional_end_chain(struct tls_x509 *x)
{
	int err;

	if (x->ee_over)
		return BR_ERR_X509_LIMIT_EXCEEDED;
	if (x->ncert == 0 || x->ee_len == 0)
		return BR_ERR_X509_EMPTY_CHAIN;
	br_x509_decoder_init(&x->dec, NULL, NULL);
	br_x509_decoder_push(&x->dec, x->chain, x->ee_len);
	err = br_x509_decoder_last_error(&x->dec);
	if (err != 0)
		return (unsigned)err;
	x->prov_pkey = br_x509_decoder_get_pkey(&x->dec);
	if (!x->prov_pkey)
		return BR_ERR_X509_UNSUPPORTED;
	return 0;
}

/* Is `name` (an encoded Name) the DN of one of the anchors with CA flag `ca`? */
static int anchor_dn(const struct tls_x509 *x, const uint8_t *name, size_t len, int ca)
{
	for (size_t i = 0; i < x->n_tas; i++) {
		const br_x509_trust_anchor *ta = &x->tas[i];
		if (!!(ta->flags & BR_X509_TA_CA) == ca && ta->dn.len == len &&
		    memcmp(ta->dn.data, name, len) == 0)
			return 1;
	}
	return 0;
}

/*
 * Clock mode: judge the certificates BearSSL will validate (up to the one
 * an anchor issued, or the end entity alone under direct trust), then replay
 * the chain into the engine at clock_chain_time().
 */
static unsigned clock_end_chain(struct tls_x509 *x)
{
	const struct clock_policy *c = x->clock;
	struct x509_cert cert;
	struct err e;
	time_t nb_max = 0, na_min = 0, t;
	uint32_t days, secs;
	size_t n = x->ncert;
	int any = 0;
	char what[200], nm[160];

	if (x->chain_over)
		return BR_ERR_X509_LIMIT_EXCEEDED;
	if (x->ncert == 0)
		return BR_ERR_X509_EMPTY_CHAIN;
	for (size_t i = 0; i < x->ncert; i++) {
		if (x509_parse(x->chain + x->off[i], x->len[i], &cert, NULL) < 0)
			continue;
		if ((i == 0 && anchor_dn(x, cert.subject, cert.subject_len, 0)) ||
		    anchor_dn(x, cert.issuer, cert.issuer_len, 1)) {
			n = i + 1;
			break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (x509_parse(x->chain + x->off[i], x->len[i], &cert, NULL) < 0)
			continue; /* BearSSL judges it, at a time not before the bound */
		snprintf(what, sizeof what, "x509: server certificate %zu (%s)", i,
			 x509_name_str(cert.subject, cert.subject_len, nm, sizeof nm));
		if (clock_check_validity(c, cert.not_before, cert.not_after, what, &e) < 0) {
			snprintf(x->time_err, sizeof x->time_err, "%s", e.msg);
			return BR_ERR_X509_EXPIRED;
		}
		if (!any || cert.not_before > nb_max)
			nb_max = cert.not_before;
		if (!any || cert.not_after < na_min)
			na_min = cert.not_after;
		any = 1;
	}
	if (!any)
		t = c->bound;
	else if (clock_chain_time(c, nb_max, na_min, &t, &e) < 0) {
		snprintf(x->time_err, sizeof x->time_err, "x509: server chain: %.450s", e.msg);
		return BR_ERR_X509_EXPIRED;
	}
	x509_time_to_br(t, &days, &secs);
	br_x509_minimal_set_time(&x->minimal, days, secs);
	x->minimal.vtable->start_chain(INNER(x), x->server_name);
	for (size_t i = 0; i < x->ncert; i++) {
		x->minimal.vtable->start_cert(INNER(x), (uint32_t)x->len[i]);
		x->minimal.vtable->append(INNER(x), x->chain + x->off[i], x->len[i]);
		x->minimal.vtable->end_cert(INNER(x));
	}
	return x->minimal.vtable->end_chain(INNER(x));
}

static unsigned xw_end_chain(const br_x509_class **ctx)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;
	unsigned err;

	if (x->provisional)
		return provisional_end_chain(x);
	if (x->clock)
		err = clock_end_chain(x);
	else
		err = x->minimal.vtable->end_chain(INNER(x));

	if (err != 0 || x->ip_len == 0)
		return err;
	/* IP-literal server: the engine did no name check; do ours. */
	if (x->ee_over)
		return BR_ERR_X509_LIMIT_EXCEEDED;
	if (x->ncert == 0)
		return BR_ERR_X509_EMPTY_CHAIN;
	switch (tls_cert_has_ip(x->chain, x->ee_len, x->ip, x->ip_len)) {
	case 1:
		return 0;
	case 0:
		x->ip_mismatch = 1;
		return BR_ERR_X509_BAD_SERVER_NAME;
	default:
		return BR_ERR_X509_INVALID_VALUE;
	}
}

static const br_x509_pkey *xw_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	const struct tls_x509 *x = (const struct tls_x509 *)(const void *)ctx;
	if (x->provisional) {
		if (usages)
			*usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
		return x->prov_pkey;
	}
	return x->minimal.vtable->get_pkey(&x->minimal.vtable, usages);
}

static const br_x509_class xw_vtable = {
	sizeof(struct tls_x509),
	xw_start_chain,
	xw_start_cert,
	xw_append,
	xw_end_cert,
	xw_end_chain,
	xw_get_pkey,
};

void tls_x509_wrap(struct tls_x509 *x, const uint8_t *ip, size_t ip_len)
{
	x->vtable = &xw_vtable;
	x->ip_len = (ip_len == 4 || ip_len == 16) ? ip_len : 0;
	if (x->ip_len)
		memcpy(x->ip, ip, x->ip_len);
	x->ncert = 0;
	x->ee_len = 0;
	x->ee_over = 0;
	x->chain_over = 0;
	x->used = 0;
	x->ip_mismatch = 0;
	x->provisional = 0;
	x->prov_pkey = NULL;
	x->clock = NULL;
	x->tas = NULL;
	x->n_tas = 0;
	x->server_name = NULL;
	x->time_err[0] = 0;
}

void tls_x509_provisional(struct tls_x509 *x)
{
	x->provisional = 1;
}

void tls_x509_clock(struct tls_x509 *x, const struct clock_policy *clock,
		    const br_x509_trust_anchor *tas, size_t n_tas)
{
	x->clock = clock;
	x->tas = tas;
	x->n_tas = n_tas;
}
