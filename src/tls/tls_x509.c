/* tls_x509.c: X.509 engine wrapper with iPAddress SAN matching (see tls_x509.h). */
#include "tls/tls_x509.h"

#include <string.h>

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
	x->ip_mismatch = 0;
	x->prov_pkey = NULL;
	if (x->provisional)
		return;
	x->minimal.vtable->start_chain(INNER(x), server_name);
}

static void xw_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;
	if (x->ncert == 0 && length > sizeof x->ee)
		x->ee_over = 1;
	if (x->provisional)
		return;
	x->minimal.vtable->start_cert(INNER(x), length);
}

static void xw_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;
	if (x->ncert == 0 && !x->ee_over) {
		if (len > sizeof x->ee - x->ee_len)
			x->ee_over = 1;
		else {
			memcpy(x->ee + x->ee_len, buf, len);
			x->ee_len += len;
		}
	}
	if (x->provisional)
		return;
	x->minimal.vtable->append(INNER(x), buf, len);
}

static void xw_end_cert(const br_x509_class **ctx)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;
	x->ncert++;
	if (x->provisional)
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
	br_x509_decoder_push(&x->dec, x->ee, x->ee_len);
	err = br_x509_decoder_last_error(&x->dec);
	if (err != 0)
		return (unsigned)err;
	x->prov_pkey = br_x509_decoder_get_pkey(&x->dec);
	if (!x->prov_pkey)
		return BR_ERR_X509_UNSUPPORTED;
	return 0;
}

static unsigned xw_end_chain(const br_x509_class **ctx)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;
	unsigned err;

	if (x->provisional)
		return provisional_end_chain(x);
	err = x->minimal.vtable->end_chain(INNER(x));

	if (err != 0 || x->ip_len == 0)
		return err;
	/* IP-literal server: the engine did no name check; do ours. */
	if (x->ee_over)
		return BR_ERR_X509_LIMIT_EXCEEDED;
	if (x->ncert == 0)
		return BR_ERR_X509_EMPTY_CHAIN;
	switch (tls_cert_has_ip(x->ee, x->ee_len, x->ip, x->ip_len)) {
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
	x->ip_mismatch = 0;
	x->provisional = 0;
	x->prov_pkey = NULL;
}

void tls_x509_provisional(struct tls_x509 *x)
{
	x->provisional = 1;
}
