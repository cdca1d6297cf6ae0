/* x509.c: certificate helpers and path validation on top of BearSSL. */
#include "trust/x509.h"
#include "base/sha256.h"
#include "base/sink.h"

#include <stdio.h>
#include <string.h>

#include "trust/oid.h"

/* ------------------------------------------------------------ parsing */

static int parse_extension(struct x509_cert *c, struct der *exts, unsigned *seen,
	struct err *e)
{
	struct der ext, v;
	struct der_tlv id, val;
	int critical = 0;
	char buf[64];

	if (der_enter(exts, DER_SEQUENCE, &ext, NULL, e) < 0 ||
			der_read_oid(&ext, &id, e) < 0)
		return -1;
	if (der_next_is(&ext, DER_BOOLEAN) && der_read_bool(&ext, &critical, e) < 0)
		return -1;
	if (der_read_octets(&ext, DER_OCTET_STRING, &val, e) < 0 ||
			der_end(&ext, "Extension", e) < 0)
		return -1;
	der_init_tlv(&v, &val);

	unsigned bit = 0;
	if (oid_is(&id, &OID_SUBJECT_KEY_ID)) {
		struct der_tlv ski;
		bit = 1;
		if (der_read_octets(&v, DER_OCTET_STRING, &ski, e) < 0 ||
				der_end(&v, "subjectKeyIdentifier", e) < 0)
			return err_wrap(e, "subjectKeyIdentifier");
		if (ski.len == 0)
			return err_set(e, "empty subjectKeyIdentifier");
		c->ski = ski.val;
		c->ski_len = ski.len;
	} else if (oid_is(&id, &OID_AUTHORITY_KEY_ID)) {
		struct der aki;
		bit = 2;
		if (der_enter(&v, DER_SEQUENCE, &aki, NULL, e) < 0 ||
				der_end(&v, "authorityKeyIdentifier", e) < 0)
			return err_wrap(e, "authorityKeyIdentifier");
		if (der_next_is(&aki, DER_CTX(0))) {
			struct der_tlv kid;
			if (der_read_octets(&aki, DER_CTX(0), &kid, e) < 0)
				return err_wrap(e, "authorityKeyIdentifier");
			if (kid.len == 0)
				return err_set(e, "empty authorityKeyIdentifier keyIdentifier");
			c->aki = kid.val;
			c->aki_len = kid.len;
		}
		/* authorityCertIssuer [1], authorityCertSerialNumber [2]: not used */
	} else if (oid_is(&id, &OID_KEY_USAGE)) {
		const uint8_t *bits;
		size_t n, i;
		unsigned unused;
		bit = 4;
		if (der_read_bit_string(&v, &bits, &n, &unused, e) < 0 ||
				der_end(&v, "keyUsage", e) < 0)
			return err_wrap(e, "keyUsage");
		c->has_key_usage = 1;
		c->key_usage = 0;
		for (i = 0; i < n * 8 && i < 9; i++)
			if (bits[i / 8] & (0x80 >> (i % 8)))
				c->key_usage |= 1u << i;
	} else if (oid_is(&id, &OID_BASIC_CONSTRAINTS)) {
		struct der bc;
		int ca = 0;
		bit = 8;
		if (der_enter(&v, DER_SEQUENCE, &bc, NULL, e) < 0 ||
				der_end(&v, "basicConstraints", e) < 0)
			return err_wrap(e, "basicConstraints");
		if (der_next_is(&bc, DER_BOOLEAN) && der_read_bool(&bc, &ca, e) < 0)
			return err_wrap(e, "basicConstraints");
		c->has_basic_constraints = 1;
		c->is_ca = ca;
		/* pathLenConstraint is enforced by br_x509_minimal */
	}
	if (bit) {
		if (*seen & bit)
			return err_set(e, "duplicate extension %s",
				oid_describe(&id, buf, sizeof buf));
		*seen |= bit;
	}
	return 0;
}

int x509_parse(const uint8_t *der, size_t len, struct x509_cert *c, struct err *e)
{
	struct der top, cert, tbs, alg, val, exts, tmp;
	struct der_tlv t, tbs_tlv, tbs_alg, sig_alg_tlv, n;
	unsigned unused, seen = 0;

	memset(c, 0, sizeof *c);
	der_init(&top, der, len);
	if (der_enter(&top, DER_SEQUENCE, &cert, &t, e) < 0 ||
			der_end(&top, "Certificate", e) < 0)
		return err_wrap(e, "x509");
	c->der = t.raw;
	c->der_len = t.raw_len;
	if (der_enter(&cert, DER_SEQUENCE, &tbs, &tbs_tlv, e) < 0)
		return err_wrap(e, "x509: tbsCertificate");
	c->tbs = tbs_tlv.raw;
	c->tbs_len = tbs_tlv.raw_len;

	c->version = 1;
	if (der_next_is(&tbs, DER_CTX_CONS(0))) {
		struct der ver;
		uint32_t v;
		if (der_enter(&tbs, DER_CTX_CONS(0), &ver, NULL, e) < 0 ||
				der_read_uint(&ver, &v, e) < 0 ||
				der_end(&ver, "version", e) < 0)
			return err_wrap(e, "x509: version");
		if (v > 2)
			return err_set(e, "x509: unknown certificate version %u", (unsigned)v + 1);
		c->version = v + 1;
	}
	if (der_read_integer(&tbs, DER_INTEGER, &c->serial, &c->serial_len, e) < 0)
		return err_wrap(e, "x509: serialNumber");
	if (der_expect(&tbs, DER_SEQUENCE, &tbs_alg, e) < 0)
		return err_wrap(e, "x509: signature");
	if (der_expect(&tbs, DER_SEQUENCE, &n, e) < 0)
		return err_wrap(e, "x509: issuer");
	c->issuer = n.raw;
	c->issuer_len = n.raw_len;
	if (der_enter(&tbs, DER_SEQUENCE, &val, NULL, e) < 0 ||
			der_read_time(&val, &c->not_before, e) < 0 ||
			der_read_time(&val, &c->not_after, e) < 0 ||
			der_end(&val, "validity", e) < 0)
		return err_wrap(e, "x509: validity");
	if (der_expect(&tbs, DER_SEQUENCE, &n, e) < 0)
		return err_wrap(e, "x509: subject");
	c->subject = n.raw;
	c->subject_len = n.raw_len;
	if (der_expect(&tbs, DER_SEQUENCE, &n, e) < 0)
		return err_wrap(e, "x509: subjectPublicKeyInfo");
	c->spki = n.raw;
	c->spki_len = n.raw_len;
	if (der_next_is(&tbs, DER_CTX(1)) && der_read(&tbs, &n, e) < 0)
		return err_wrap(e, "x509: issuerUniqueID");
	if (der_next_is(&tbs, DER_CTX(2)) && der_read(&tbs, &n, e) < 0)
		return err_wrap(e, "x509: subjectUniqueID");
	if (der_next_is(&tbs, DER_CTX_CONS(3))) {
		if (c->version != 3)
			return err_set(e, "x509: extensions in a version %u certificate", c->version);
		if (der_enter(&tbs, DER_CTX_CONS(3), &tmp, NULL, e) < 0 ||
				der_enter(&tmp, DER_SEQUENCE, &exts, NULL, e) < 0 ||
				der_end(&tmp, "extensions", e) < 0)
			return err_wrap(e, "x509: extensions");
		while (!der_at_end(&exts))
			if (parse_extension(c, &exts, &seen, e) < 0)
				return err_wrap(e, "x509: extension");
	}
	if (der_end(&tbs, "tbsCertificate", e) < 0)
		return err_wrap(e, "x509");

	if (der_enter(&cert, DER_SEQUENCE, &alg, &sig_alg_tlv, e) < 0 ||
			der_read_oid(&alg, &c->sig_alg, e) < 0)
		return err_wrap(e, "x509: signatureAlgorithm");
	if (sig_alg_tlv.raw_len != tbs_alg.raw_len ||
			memcmp(sig_alg_tlv.raw, tbs_alg.raw, tbs_alg.raw_len) != 0)
		return err_set(e, "x509: signatureAlgorithm differs from tbsCertificate signature");
	if (der_read_bit_string(&cert, &c->sig, &c->sig_len, &unused, e) < 0)
		return err_wrap(e, "x509: signatureValue");
	if (unused)
		return err_set(e, "x509: signatureValue is not a whole number of octets");
	if (der_end(&cert, "Certificate", e) < 0)
		return err_wrap(e, "x509");
	return 0;
}

int x509_subject_serial(const struct x509_cert *c, char *out, size_t cap,
	struct err *e)
{
	struct der name, rdn, atv;
	struct der_tlv t, id, v;
	int found = 0;

	if (cap)
		out[0] = '\0';
	der_init(&name, c->subject, c->subject_len);
	if (der_enter(&name, DER_SEQUENCE, &rdn, NULL, e) < 0)
		return err_wrap(e, "x509: subject");
	name = rdn;
	while (!der_at_end(&name)) {
		if (der_enter(&name, DER_SET, &rdn, NULL, e) < 0)
			return err_wrap(e, "x509: subject");
		while (!der_at_end(&rdn)) {
			if (der_enter(&rdn, DER_SEQUENCE, &atv, &t, e) < 0 ||
					der_read_oid(&atv, &id, e) < 0 ||
					der_read(&atv, &v, e) < 0 ||
					der_end(&atv, "AttributeTypeAndValue", e) < 0)
				return err_wrap(e, "x509: subject");
			if (!oid_is(&id, &OID_AT_SERIAL_NUMBER))
				continue;
			if (found)
				return err_set(e, "x509: subject has more than one serialNumber");
			found = 1;
			if (v.tag != DER_PRINTABLE_STRING && v.tag != DER_UTF8_STRING &&
					v.tag != DER_IA5_STRING)
				return err_set(e, "x509: subject serialNumber has an unexpected string type");
			if (v.len + 1 > cap)
				return err_set(e, "x509: subject serialNumber is too long (%zu bytes)", v.len);
			for (size_t i = 0; i < v.len; i++)
				if (v.val[i] < 0x20 || v.val[i] == 0x7f)
					return err_set(e, "x509: subject serialNumber contains control characters");
			memcpy(out, v.val, v.len);
			out[v.len] = '\0';
		}
	}
	if (!found)
		return err_set(e, "x509: subject has no serialNumber attribute");
	return 0;
}

const char *x509_name_str(const uint8_t *nm, size_t len, char *buf, size_t cap)
{
	struct der name, rdn, atv;
	struct der_tlv id, v;
	size_t pos = 0;
	static const struct { const uint8_t der[5]; const char *s; } short_names[] = {
		{ { 0x06, 0x03, 0x55, 0x04, 0x03 }, "CN" },
		{ { 0x06, 0x03, 0x55, 0x04, 0x05 }, "serialNumber" },
		{ { 0x06, 0x03, 0x55, 0x04, 0x06 }, "C" },
		{ { 0x06, 0x03, 0x55, 0x04, 0x07 }, "L" },
		{ { 0x06, 0x03, 0x55, 0x04, 0x08 }, "ST" },
		{ { 0x06, 0x03, 0x55, 0x04, 0x0a }, "O" },
		{ { 0x06, 0x03, 0x55, 0x04, 0x0b }, "OU" },
	};

	if (!cap)
		return buf;
	buf[0] = '\0';
	der_init(&name, nm, len);
	if (der_enter(&name, DER_SEQUENCE, &rdn, NULL, NULL) < 0)
		goto bad;
	name = rdn;
	while (!der_at_end(&name)) {
		if (der_enter(&name, DER_SET, &rdn, NULL, NULL) < 0)
			goto bad;
		while (!der_at_end(&rdn)) {
			char key[48], piece[160];
			const char *k = NULL;
			size_t i, pl;
			if (der_enter(&rdn, DER_SEQUENCE, &atv, NULL, NULL) < 0 ||
					der_read_oid(&atv, &id, NULL) < 0 ||
					der_read(&atv, &v, NULL) < 0)
				goto bad;
			for (i = 0; i < sizeof short_names / sizeof short_names[0]; i++)
				if (der_oid_eq(&id, short_names[i].der, 5))
					k = short_names[i].s;
			if (!k)
				k = der_oid_str(&id, key, sizeof key);
			snprintf(piece, sizeof piece, "%s%s=", pos ? ", " : "", k);
			pl = strlen(piece);
			for (i = 0; i < v.len && pl + 1 < sizeof piece && i < 64; i++)
				piece[pl++] = (v.val[i] >= 0x20 && v.val[i] < 0x7f) ? (char)v.val[i] : '?';
			piece[pl] = '\0';
			if (pos + pl + 1 > cap)
				return buf;
			memcpy(buf + pos, piece, pl + 1);
			pos += pl;
		}
	}
	return buf;
bad:
	snprintf(buf, cap, "(unparsable name)");
	return buf;
}

/* ------------------------------------------------------------ keys */

static int copy_pkey(const br_x509_pkey *src, struct x509_pkey *pk, struct err *e)
{
	memset(pk, 0, sizeof *pk);
	pk->key.key_type = src->key_type;
	if (src->key_type == BR_KEYTYPE_RSA) {
		const br_rsa_public_key *r = &src->key.rsa;
		if (r->nlen + r->elen > sizeof pk->buf)
			return err_set(e, "x509: RSA key too large");
		memcpy(pk->buf, r->n, r->nlen);
		memcpy(pk->buf + r->nlen, r->e, r->elen);
		pk->key.key.rsa.n = pk->buf;
		pk->key.key.rsa.nlen = r->nlen;
		pk->key.key.rsa.e = pk->buf + r->nlen;
		pk->key.key.rsa.elen = r->elen;
	} else if (src->key_type == BR_KEYTYPE_EC) {
		const br_ec_public_key *k = &src->key.ec;
		if (k->qlen > sizeof pk->buf)
			return err_set(e, "x509: EC key too large");
		memcpy(pk->buf, k->q, k->qlen);
		pk->key.key.ec.curve = k->curve;
		pk->key.key.ec.q = pk->buf;
		pk->key.key.ec.qlen = k->qlen;
	} else {
		return err_set(e, "x509: unsupported public key type");
	}
	return 0;
}

static const char *br_x509_err_str(int err)
{
	switch (err) {
	case BR_ERR_X509_TRUNCATED: return "truncated certificate";
	case BR_ERR_X509_EMPTY_CHAIN: return "empty chain";
	case BR_ERR_X509_INDEFINITE_LENGTH: return "indefinite length";
	case BR_ERR_X509_BAD_DN: return "bad distinguished name";
	case BR_ERR_X509_BAD_TIME: return "bad time encoding";
	case BR_ERR_X509_UNSUPPORTED: return "unsupported algorithm or key";
	case BR_ERR_X509_LIMIT_EXCEEDED: return "implementation limit exceeded";
	case BR_ERR_X509_WRONG_KEY_TYPE: return "wrong key type";
	case BR_ERR_X509_BAD_SIGNATURE: return "bad certificate signature";
	case BR_ERR_X509_TIME_UNKNOWN: return "validation time unknown";
	case BR_ERR_X509_EXPIRED: return "certificate expired or not yet valid";
	case BR_ERR_X509_DN_MISMATCH: return "issuer/subject name mismatch";
	case BR_ERR_X509_CRITICAL_EXTENSION: return "unsupported critical extension";
	case BR_ERR_X509_NOT_CA: return "issuer is not a CA";
	case BR_ERR_X509_FORBIDDEN_KEY_USAGE: return "key usage forbids signing certificates";
	case BR_ERR_X509_WEAK_PUBLIC_KEY: return "weak public key";
	case BR_ERR_X509_NOT_TRUSTED: return "chain does not end at the trust anchor";
	default: return "malformed certificate";
	}
}

int x509_get_pkey(const uint8_t *der, size_t len, struct x509_pkey *pk,
	struct err *e)
{
	br_x509_decoder_context dc;
	const br_x509_pkey *k;
	int err;

	br_x509_decoder_init(&dc, 0, 0);
	br_x509_decoder_push(&dc, der, len);
	k = br_x509_decoder_get_pkey(&dc);
	if (!k) {
		err = br_x509_decoder_last_error(&dc);
		return err_set(e, "x509: cannot decode public key: %s (BearSSL error %d)",
			br_x509_err_str(err), err);
	}
	return copy_pkey(k, pk, e);
}

int x509_anchor_from_der(const uint8_t *der, size_t len, int ca,
	struct x509_anchor *a, struct err *e)
{
	br_x509_decoder_context dc;
	const br_x509_pkey *k;
	struct sink d = { a->dn, 0, sizeof a->dn, 0 };
	int err;

	br_x509_decoder_init(&dc, sink_append, &d);
	br_x509_decoder_push(&dc, der, len);
	k = br_x509_decoder_get_pkey(&dc);
	if (!k) {
		err = br_x509_decoder_last_error(&dc);
		return err_set(e, "x509: cannot decode trust anchor: %s (BearSSL error %d)",
			br_x509_err_str(err), err);
	}
	if (d.overflow)
		return err_set(e, "x509: trust anchor subject name longer than %d bytes",
			X509_MAX_DN);
	if (copy_pkey(k, &a->pk, e) < 0)
		return -1;
	a->ta.dn.data = a->dn;
	a->ta.dn.len = d.len;
	a->ta.flags = ca ? BR_X509_TA_CA : 0;
	a->ta.pkey = a->pk.key;
	return 0;
}

/* ------------------------------------------------------------ signatures */

int x509_hash_alg(const struct der_tlv *oid, int allow_sha1,
	const br_hash_class **h, struct err *e)
{
	char buf[64];
	if (oid_is(oid, &OID_SHA256))
		*h = sha256_class();
	else if (oid_is(oid, &OID_SHA384))
		*h = &br_sha384_vtable;
	else if (oid_is(oid, &OID_SHA512))
		*h = &br_sha512_vtable;
	else if (allow_sha1 && oid_is(oid, &OID_SHA1))
		*h = &br_sha1_vtable;
	else
		return err_set(e, "unsupported digest algorithm %s",
			oid_describe(oid, buf, sizeof buf));
	return 0;
}

int x509_sig_alg(const struct der_tlv *oid, const br_hash_class **h,
	int *key_type, struct err *e)
{
	char buf[64];
	if (oid_is(oid, &OID_SHA256_WITH_RSA)) {
		*h = sha256_class(); *key_type = BR_KEYTYPE_RSA;
	} else if (oid_is(oid, &OID_SHA384_WITH_RSA)) {
		*h = &br_sha384_vtable; *key_type = BR_KEYTYPE_RSA;
	} else if (oid_is(oid, &OID_SHA512_WITH_RSA)) {
		*h = &br_sha512_vtable; *key_type = BR_KEYTYPE_RSA;
	} else if (oid_is(oid, &OID_ECDSA_SHA256)) {
		*h = sha256_class(); *key_type = BR_KEYTYPE_EC;
	} else if (oid_is(oid, &OID_ECDSA_SHA384)) {
		*h = &br_sha384_vtable; *key_type = BR_KEYTYPE_EC;
	} else if (oid_is(oid, &OID_ECDSA_SHA512)) {
		*h = &br_sha512_vtable; *key_type = BR_KEYTYPE_EC;
	} else {
		return err_set(e, "unsupported signature algorithm %s",
			oid_describe(oid, buf, sizeof buf));
	}
	return 0;
}

static const unsigned char *rsa_hash_oid(const br_hash_class *h)
{
	switch ((h->desc >> BR_HASHDESC_ID_OFF) & BR_HASHDESC_ID_MASK) {
	case br_sha1_ID: return BR_HASH_OID_SHA1;
	case br_sha256_ID: return BR_HASH_OID_SHA256;
	case br_sha384_ID: return BR_HASH_OID_SHA384;
	case br_sha512_ID: return BR_HASH_OID_SHA512;
	default: return NULL;
	}
}

int x509_verify_hash(const br_x509_pkey *pk, const br_hash_class *h,
	const uint8_t *hash, size_t hash_len, const uint8_t *sig, size_t sig_len,
	struct err *e)
{
	if (pk->key_type == BR_KEYTYPE_RSA) {
		unsigned char out[64];
		const unsigned char *hoid = rsa_hash_oid(h);
		if (!hoid || hash_len > sizeof out)
			return err_set(e, "unsupported hash for RSA");
		if (!br_rsa_pkcs1_vrfy_get_default()(sig, sig_len, hoid, hash_len,
				&pk->key.rsa, out) || memcmp(out, hash, hash_len) != 0)
			return err_set(e, "RSA signature does not verify");
		return 0;
	}
	if (pk->key_type == BR_KEYTYPE_EC) {
		if (!br_ecdsa_vrfy_asn1_get_default()(br_ec_get_default(), hash, hash_len,
				&pk->key.ec, sig, sig_len))
			return err_set(e, "ECDSA signature does not verify");
		return 0;
	}
	return err_set(e, "unsupported public key type");
}

static void hash_data(const br_hash_class *h, const void *data, size_t len,
	uint8_t *out)
{
	br_hash_compat_context hc;
	h->init(&hc.vtable);
	h->update(&hc.vtable, data, len);
	h->out(&hc.vtable, out);
}

int x509_verify_issued_by(const struct x509_cert *child, const br_x509_pkey *issuer,
	struct err *e)
{
	const br_hash_class *h;
	int kt;
	uint8_t hash[64];

	if (x509_sig_alg(&child->sig_alg, &h, &kt, e) < 0)
		return 0;
	if (kt != issuer->key_type) {
		err_set(e, "signature algorithm does not match the issuer's key type");
		return 0;
	}
	hash_data(h, child->tbs, child->tbs_len, hash);
	return x509_verify_hash(issuer, h, hash,
		(h->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK,
		child->sig, child->sig_len, e) == 0;
}

/* ------------------------------------------------------------ validation */

void x509_time_to_br(time_t t, uint32_t *days, uint32_t *seconds)
{
	int64_t s = (int64_t)t;
	int64_t d = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
	int64_t r = s - d * 86400;
	d += 719528;  /* days from 0000-01-01 to 1970-01-01 */
	if (d < 0)
		d = 0;
	if (d > UINT32_MAX)
		d = UINT32_MAX;
	*days = (uint32_t)d;
	*seconds = (uint32_t)r;
}

/* Could `parent` have issued `child`? Key identifiers when both have them,
 * names otherwise; the signature decides. */
static int may_issue(const struct x509_cert *child, const struct x509_cert *parent)
{
	if (child->aki && parent->ski)
		return child->aki_len == parent->ski_len &&
			memcmp(child->aki, parent->ski, child->aki_len) == 0;
	return child->issuer_len == parent->subject_len &&
		memcmp(child->issuer, parent->subject, child->issuer_len) == 0;
}

/* 1 if parent issued child. When parent looks like the issuer but the
 * signature does not check out, the reason goes to e and *tried is set. */
static int signed_by(const struct x509_cert *child, const struct x509_cert *parent,
	int *tried, struct err *e)
{
	struct x509_pkey pk;
	if (!may_issue(child, parent))
		return 0;
	*tried = 1;
	if (x509_get_pkey(parent->der, parent->der_len, &pk, e) < 0)
		return 0;
	return x509_verify_issued_by(child, &pk.key, e);
}

static int same_der(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* The clock policy on one certificate; `idx` < 0 names the trust anchor. */
static int check_validity(const struct x509_cert *c, long idx,
	const struct clock_policy *clock, struct err *e)
{
	char what[200], nm[160];
	x509_name_str(c->subject, c->subject_len, nm, sizeof nm);
	if (idx < 0)
		snprintf(what, sizeof what, "x509: the trust anchor (%s)", nm);
	else
		snprintf(what, sizeof what, "x509: certificate %ld (%s)", idx, nm);
	return clock_check_validity(clock, c->not_before, c->not_after, what, e);
}

struct chain_state {
	struct x509_cert certs[X509_MAX_CHAIN];
	size_t n;
};

int x509_validate(const uint8_t *leaf, size_t leaf_len,
	const struct x509_der *pool, size_t n_pool,
	const struct x509_der *anchors, size_t n_anchors,
	const struct clock_policy *clock, unsigned flags, struct x509_path *path,
	struct err *e)
{
	struct chain_state st;
	struct x509_cert cand;
	struct err why;
	size_t i, j, anchor = 0;
	int found_anchor = 0, tried;
	char nm[160];
	time_t now, nb_max, na_min;

	if (path)
		memset(path, 0, sizeof *path);
	if (!clock)
		return err_set(e, "x509: no clock policy to judge validity with");
	if (n_anchors == 0)
		return err_set(e, "x509: no trust anchors");
	st.n = 0;
	if (x509_parse(leaf, leaf_len, &st.certs[0], e) < 0)
		return err_wrap(e, "leaf certificate");
	st.n = 1;

	/* Direct trust: the leaf is one of the anchors. */
	for (j = 0; j < n_anchors; j++) {
		if (!same_der(leaf, leaf_len, anchors[j].der, anchors[j].len))
			continue;
		if (check_validity(&st.certs[0], 0, clock, e) < 0)
			return -1;
		if ((flags & X509_REQUIRE_DIGITAL_SIGNATURE) && st.certs[0].has_key_usage &&
				!(st.certs[0].key_usage & X509_KU_DIGITAL_SIGNATURE))
			return err_set(e, "x509: certificate keyUsage lacks digitalSignature");
		if (path) {
			path->n = 1;
			path->certs[0].der = leaf;
			path->certs[0].len = leaf_len;
			path->anchor = j;
			path->direct = 1;
		}
		return 0;
	}

	/* Build the chain upwards. */
	for (;;) {
		const struct x509_cert *cur = &st.certs[st.n - 1];
		tried = 0;
		err_clear(&why);
		for (j = 0; j < n_anchors && !found_anchor; j++) {
			if (x509_parse(anchors[j].der, anchors[j].len, &cand, NULL) < 0)
				continue;
			if (signed_by(cur, &cand, &tried, &why)) {
				found_anchor = 1;
				anchor = j;
			}
		}
		if (found_anchor)
			break;
		int next = 0;
		for (i = 0; i < n_pool && !next; i++) {
			int dup = 0;
			for (j = 0; j < st.n; j++)
				if (same_der(pool[i].der, pool[i].len, st.certs[j].der, st.certs[j].der_len))
					dup = 1;
			if (dup || x509_parse(pool[i].der, pool[i].len, &cand, NULL) < 0)
				continue;
			if (!signed_by(cur, &cand, &tried, &why))
				continue;
			if (st.n >= X509_MAX_CHAIN)
				return err_set(e, "x509: chain longer than %d certificates",
					X509_MAX_CHAIN);
			st.certs[st.n++] = cand;
			next = 1;
		}
		if (!next) {
			int self_tried = 0;
			if (signed_by(cur, cur, &self_tried, NULL))
				return err_set(e, "x509: chain ends at self-signed certificate %zu (%s), "
					"which is not a trust anchor", st.n - 1,
					x509_name_str(cur->subject, cur->subject_len, nm, sizeof nm));
			if (tried && why.msg[0])
				return err_set(e, "x509: no issuer found for certificate %zu of the chain "
					"(%s; a candidate issuer failed: %s)", st.n - 1,
					x509_name_str(cur->subject, cur->subject_len, nm, sizeof nm), why.msg);
			return err_set(e, "x509: no issuer found for certificate %zu of the chain (%s)",
				st.n - 1, x509_name_str(cur->subject, cur->subject_len, nm, sizeof nm));
		}
	}

	/* Validity (clock.h): each certificate, the anchor when it came with
	 * the data, then the one time BearSSL checks the chain at. */
	nb_max = st.certs[0].not_before;
	na_min = st.certs[0].not_after;
	for (i = 0; i < st.n; i++) {
		if (check_validity(&st.certs[i], (long)i, clock, e) < 0)
			return -1;
		if (st.certs[i].not_before > nb_max)
			nb_max = st.certs[i].not_before;
		if (st.certs[i].not_after < na_min)
			na_min = st.certs[i].not_after;
	}
	if (flags & X509_ANCHOR_VALIDITY) {
		if (x509_parse(anchors[anchor].der, anchors[anchor].len, &cand, e) < 0)
			return err_wrap(e, "trust anchor");
		if (check_validity(&cand, -1, clock, e) < 0)
			return -1;
	}
	if (clock_chain_time(clock, nb_max, na_min, &now, e) < 0)
		return err_wrap(e, "x509");

	/* Run the chain through BearSSL with only the anchor we found. */
	{
		struct x509_anchor ta;
		br_x509_minimal_context xc;
		const br_x509_class **vt = &xc.vtable;
		uint32_t days, secs;
		unsigned usages = 0;
		int err;

		if (x509_anchor_from_der(anchors[anchor].der, anchors[anchor].len, 1, &ta, e) < 0)
			return -1;
		br_x509_minimal_init_full(&xc, &ta.ta, 1);
		br_x509_minimal_set_hash(&xc, br_sha256_ID, sha256_class());
		x509_time_to_br(now, &days, &secs);
		br_x509_minimal_set_time(&xc, days, secs);
		(*vt)->start_chain(vt, NULL);
		for (i = 0; i < st.n; i++) {
			(*vt)->start_cert(vt, (uint32_t)st.certs[i].der_len);
			(*vt)->append(vt, st.certs[i].der, st.certs[i].der_len);
			(*vt)->end_cert(vt);
		}
		err = (*vt)->end_chain(vt);
		if (err)
			return err_set(e, "x509: chain validation failed: %s (BearSSL error %d)",
				br_x509_err_str(err), err);
		if ((flags & X509_REQUIRE_DIGITAL_SIGNATURE)) {
			(void)(*vt)->get_pkey(vt, &usages);
			if (!(usages & BR_KEYTYPE_SIGN))
				return err_set(e, "x509: certificate keyUsage lacks digitalSignature");
		}
	}

	if (path) {
		path->n = st.n;
		for (i = 0; i < st.n; i++) {
			path->certs[i].der = st.certs[i].der;
			path->certs[i].len = st.certs[i].der_len;
		}
		path->anchor = anchor;
		path->direct = 0;
	}
	return 0;
}
