/* cms.c: CMS (RFC 5652) ContentInfo, SignedData and (Auth)EnvelopedData. */
#include "trust/cms.h"

#include <string.h>

#include "base/sha256.h"
#include "trust/oid.h"
#include "trust/x509.h"

static size_t hash_len_of(const br_hash_class *h)
{
	return (h->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
}

static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

/* AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } */
struct alg_id {
	struct der_tlv all;     /* the SEQUENCE */
	struct der_tlv oid;
	int has_params;
	struct der_tlv params;
};

static int read_alg(struct der *d, struct alg_id *a, struct err *e)
{
	struct der in;
	memset(a, 0, sizeof *a);
	if (der_enter(d, DER_SEQUENCE, &in, &a->all, e) < 0 ||
			der_read_oid(&in, &a->oid, e) < 0)
		return -1;
	if (!der_at_end(&in)) {
		if (der_read(&in, &a->params, e) < 0)
			return -1;
		a->has_params = 1;
	}
	return der_end(&in, "AlgorithmIdentifier", e);
}

static int params_absent_or_null(const struct alg_id *a)
{
	return !a->has_params || (a->params.tag == DER_NULL && a->params.len == 0);
}

/* ------------------------------------------------------------ types */

enum cms_type cms_type_of(const struct der_tlv *oid)
{
	if (oid_is(oid, &OID_DATA)) return CMS_TYPE_DATA;
	if (oid_is(oid, &OID_SIGNED_DATA)) return CMS_TYPE_SIGNED;
	if (oid_is(oid, &OID_ENVELOPED_DATA)) return CMS_TYPE_ENVELOPED;
	if (oid_is(oid, &OID_AUTH_ENVELOPED_DATA)) return CMS_TYPE_AUTH_ENVELOPED;
	if (oid_is(oid, &OID_VOUCHER)) return CMS_TYPE_VOUCHER;
	if (oid_is(oid, &OID_CONVEYED_XML)) return CMS_TYPE_CONVEYED_XML;
	if (oid_is(oid, &OID_CONVEYED_JSON)) return CMS_TYPE_CONVEYED_JSON;
	return CMS_TYPE_OTHER;
}

const char *cms_type_name(enum cms_type t)
{
	switch (t) {
	case CMS_TYPE_DATA: return OID_DATA.name;
	case CMS_TYPE_SIGNED: return OID_SIGNED_DATA.name;
	case CMS_TYPE_ENVELOPED: return OID_ENVELOPED_DATA.name;
	case CMS_TYPE_AUTH_ENVELOPED: return OID_AUTH_ENVELOPED_DATA.name;
	case CMS_TYPE_VOUCHER: return OID_VOUCHER.name;
	case CMS_TYPE_CONVEYED_XML: return OID_CONVEYED_XML.name;
	case CMS_TYPE_CONVEYED_JSON: return OID_CONVEYED_JSON.name;
	default: return "unknown";
	}
}

/* ------------------------------------------------------------ ContentInfo */

int cms_parse_content_info(const uint8_t *buf, size_t len,
	struct cms_content_info *ci, struct err *e)
{
	struct der top, seq, exp;

	memset(ci, 0, sizeof *ci);
	der_init(&top, buf, len);
	if (der_enter(&top, DER_SEQUENCE, &seq, NULL, e) < 0)
		return err_wrap(e, "cms: ContentInfo");
	if (der_end(&top, "ContentInfo", e) < 0)
		return err_wrap(e, "cms");
	if (der_read_oid(&seq, &ci->content_type, e) < 0)
		return err_wrap(e, "cms: ContentInfo contentType");
	ci->type = cms_type_of(&ci->content_type);
	if (der_at_end(&seq))
		return err_set(e, "cms: ContentInfo has no content");
	if (der_enter(&seq, DER_CTX_CONS(0), &exp, NULL, e) < 0 ||
			der_read(&exp, &ci->content, e) < 0 ||
			der_end(&exp, "ContentInfo content", e) < 0 ||
			der_end(&seq, "ContentInfo", e) < 0)
		return err_wrap(e, "cms: ContentInfo content");
	return 0;
}

int cms_unwrap_data(const struct cms_content_info *ci, const uint8_t **data,
	size_t *len, struct err *e)
{
	struct der d;
	struct der_tlv t;

	der_init(&d, ci->content.raw, ci->content.raw_len);
	if (der_read_octets(&d, DER_OCTET_STRING, &t, e) < 0)
		return err_wrap(e, "cms: unsigned %s content", cms_type_name(ci->type));
	*data = t.val;
	*len = t.len;
	return 0;
}

/* ------------------------------------------------------------ SignedData */

static int read_sid(struct der *d, const uint8_t **issuer, size_t *issuer_len,
	const uint8_t **serial, size_t *serial_len, int *is_ski,
	const uint8_t **ski, size_t *ski_len, uint32_t ski_tag, struct err *e)
{
	struct der ias;
	struct der_tlv t;

	if (der_next_is(d, ski_tag)) {
		if (der_read_octets(d, ski_tag, &t, e) < 0)
			return -1;
		*is_ski = 1;
		*ski = t.val;
		*ski_len = t.len;
		return 0;
	}
	*is_ski = 0;
	if (der_enter(d, DER_SEQUENCE, &ias, NULL, e) < 0 ||
			der_expect(&ias, DER_SEQUENCE, &t, e) < 0)
		return -1;
	*issuer = t.raw;
	*issuer_len = t.raw_len;
	if (der_read_integer(&ias, DER_INTEGER, serial, serial_len, e) < 0 ||
			der_end(&ias, "IssuerAndSerialNumber", e) < 0)
		return -1;
	return 0;
}

static int parse_signer(struct der *d, struct cms_signer *si, struct err *e)
{
	struct der s, tmp;
	struct der_tlv t;
	struct alg_id a;

	memset(si, 0, sizeof *si);
	if (der_enter(d, DER_SEQUENCE, &s, NULL, e) < 0 ||
			der_read_uint(&s, &si->version, e) < 0)
		return -1;
	if (read_sid(&s, &si->issuer, &si->issuer_len, &si->serial, &si->serial_len,
			&si->sid_is_ski, &si->ski, &si->ski_len, DER_CTX(0), e) < 0)
		return err_wrap(e, "sid");
	if (read_alg(&s, &a, e) < 0)
		return err_wrap(e, "digestAlgorithm");
	si->digest_alg = a.oid;
	if (der_next_is(&s, DER_CTX_CONS(0))) {
		if (der_read(&s, &t, e) < 0)
			return err_wrap(e, "signedAttrs");
		si->signed_attrs = t.raw;
		si->signed_attrs_len = t.raw_len;
	}
	if (read_alg(&s, &a, e) < 0)
		return err_wrap(e, "signatureAlgorithm");
	si->sig_alg = a.oid;
	if (der_read_octets(&s, DER_OCTET_STRING, &t, e) < 0)
		return err_wrap(e, "signature");
	si->sig = t.val;
	si->sig_len = t.len;
	if (der_next_is(&s, DER_CTX_CONS(1)) && der_enter(&s, DER_CTX_CONS(1), &tmp, NULL, e) < 0)
		return err_wrap(e, "unsignedAttrs");
	return der_end(&s, "SignerInfo", e);
}

int cms_parse_signed_data(const uint8_t *buf, size_t len,
	struct cms_signed_data *sd, struct err *e)
{
	struct der top, s, set, eci, exp;
	struct der_tlv t;
	struct alg_id a;

	memset(sd, 0, sizeof *sd);
	der_init(&top, buf, len);
	if (der_enter(&top, DER_SEQUENCE, &s, NULL, e) < 0 ||
			der_end(&top, "SignedData", e) < 0)
		return err_wrap(e, "cms: SignedData");
	if (der_read_uint(&s, &sd->version, e) < 0)
		return err_wrap(e, "cms: SignedData version");
	if (sd->version > 5)
		return err_set(e, "cms: SignedData version %u is unknown", (unsigned)sd->version);
	if (der_enter(&s, DER_SET, &set, NULL, e) < 0)
		return err_wrap(e, "cms: SignedData digestAlgorithms");
	while (!der_at_end(&set))
		if (read_alg(&set, &a, e) < 0)
			return err_wrap(e, "cms: SignedData digestAlgorithms");

	if (der_enter(&s, DER_SEQUENCE, &eci, NULL, e) < 0 ||
			der_read_oid(&eci, &sd->econtent_type, e) < 0)
		return err_wrap(e, "cms: encapContentInfo");
	sd->etype = cms_type_of(&sd->econtent_type);
	if (!der_at_end(&eci)) {
		if (der_enter(&eci, DER_CTX_CONS(0), &exp, NULL, e) < 0 ||
				der_read_octets(&exp, DER_OCTET_STRING, &t, e) < 0 ||
				der_end(&exp, "eContent", e) < 0)
			return err_wrap(e, "cms: encapContentInfo eContent");
		sd->has_econtent = 1;
		sd->econtent = t.val;
		sd->econtent_len = t.len;
	}
	if (der_end(&eci, "encapContentInfo", e) < 0)
		return err_wrap(e, "cms");

	if (der_next_is(&s, DER_CTX_CONS(0))) {
		char name[40];
		if (der_enter(&s, DER_CTX_CONS(0), &set, NULL, e) < 0)
			return err_wrap(e, "cms: certificates");
		while (!der_at_end(&set)) {
			if (der_read(&set, &t, e) < 0)
				return err_wrap(e, "cms: certificates");
			if (t.tag != DER_SEQUENCE)
				return err_set(e, "cms: certificates: unsupported entry %s "
					"(only X.509 certificates)", der_tag_str(t.tag, name, sizeof name));
			if (sd->n_certs >= CMS_MAX_CERTS)
				return err_set(e, "cms: more than %d certificates", CMS_MAX_CERTS);
			sd->certs[sd->n_certs++] = t;
		}
	}
	if (der_next_is(&s, DER_CTX_CONS(1))) {
		if (der_enter(&s, DER_CTX_CONS(1), &set, NULL, e) < 0)
			return err_wrap(e, "cms: crls");
		while (!der_at_end(&set)) {
			if (der_read(&set, &t, e) < 0)
				return err_wrap(e, "cms: crls");
			if (sd->n_crls >= CMS_MAX_CRLS)
				return err_set(e, "cms: more than %d CRLs", CMS_MAX_CRLS);
			sd->crls[sd->n_crls++] = t;
		}
	}
	if (der_enter(&s, DER_SET, &set, NULL, e) < 0)
		return err_wrap(e, "cms: signerInfos");
	while (!der_at_end(&set)) {
		if (sd->n_signers >= CMS_MAX_SIGNERS)
			return err_set(e, "cms: more than %d signers", CMS_MAX_SIGNERS);
		if (parse_signer(&set, &sd->signers[sd->n_signers], e) < 0)
			return err_wrap(e, "cms: SignerInfo %zu", sd->n_signers);
		sd->n_signers++;
	}
	if (der_end(&s, "SignedData", e) < 0)
		return err_wrap(e, "cms");
	return 0;
}

int cms_parse_signed(const uint8_t *buf, size_t len, struct cms_signed_data *sd,
	struct err *e)
{
	struct cms_content_info ci;

	if (cms_parse_content_info(buf, len, &ci, e) < 0)
		return -1;
	if (ci.type != CMS_TYPE_SIGNED) {
		char b[64];
		return err_set(e, "cms: expected id-signedData, found content type %s",
			oid_describe(&ci.content_type, b, sizeof b));
	}
	return cms_parse_signed_data(ci.content.raw, ci.content.raw_len, sd, e);
}

static int rid_matches(int is_ski, const uint8_t *issuer, size_t issuer_len,
	const uint8_t *serial, size_t serial_len, const uint8_t *ski, size_t ski_len,
	const struct x509_cert *c)
{
	if (is_ski)
		return c->ski && c->ski_len == ski_len && memcmp(c->ski, ski, ski_len) == 0;
	return issuer_len == c->issuer_len && memcmp(issuer, c->issuer, issuer_len) == 0 &&
		serial_len == c->serial_len && memcmp(serial, c->serial, serial_len) == 0;
}

int cms_signer_matches(const struct cms_signer *si, const uint8_t *cert,
	size_t cert_len)
{
	struct x509_cert c;
	if (x509_parse(cert, cert_len, &c, NULL) < 0)
		return 0;
	return rid_matches(si->sid_is_ski, si->issuer, si->issuer_len, si->serial,
		si->serial_len, si->ski, si->ski_len, &c);
}

/* Check contentType and messageDigest in signedAttrs. */
static int check_signed_attrs(const struct cms_signed_data *sd,
	const struct cms_signer *si, const uint8_t *digest, size_t dlen, struct err *e)
{
	struct der top, attrs, attr, vals;
	struct der_tlv oid, v;
	int have_ct = 0, have_md = 0;

	der_init(&top, si->signed_attrs, si->signed_attrs_len);
	if (der_enter(&top, DER_CTX_CONS(0), &attrs, NULL, e) < 0)
		return err_wrap(e, "cms: signedAttrs");
	if (der_at_end(&attrs))
		return err_set(e, "cms: signedAttrs is empty");
	while (!der_at_end(&attrs)) {
		int is_ct, is_md;
		if (der_enter(&attrs, DER_SEQUENCE, &attr, NULL, e) < 0 ||
				der_read_oid(&attr, &oid, e) < 0 ||
				der_enter(&attr, DER_SET, &vals, NULL, e) < 0 ||
				der_end(&attr, "Attribute", e) < 0)
			return err_wrap(e, "cms: signedAttrs");
		is_ct = oid_is(&oid, &OID_ATTR_CONTENT_TYPE);
		is_md = oid_is(&oid, &OID_ATTR_MESSAGE_DIGEST);
		if (!is_ct && !is_md)
			continue;
		if ((is_ct && have_ct) || (is_md && have_md))
			return err_set(e, "cms: signedAttrs has more than one %s attribute",
				is_ct ? "contentType" : "messageDigest");
		if (is_ct) {
			have_ct = 1;
			if (der_read_oid(&vals, &v, e) < 0 ||
					der_end(&vals, "contentType attribute", e) < 0)
				return err_wrap(e, "cms: contentType attribute");
			if (v.raw_len != sd->econtent_type.raw_len ||
					memcmp(v.raw, sd->econtent_type.raw, v.raw_len) != 0)
				return err_set(e, "cms: contentType attribute does not match eContentType");
		} else {
			have_md = 1;
			if (der_read_octets(&vals, DER_OCTET_STRING, &v, e) < 0 ||
					der_end(&vals, "messageDigest attribute", e) < 0)
				return err_wrap(e, "cms: messageDigest attribute");
			if (v.len != dlen || memcmp(v.val, digest, dlen) != 0)
				return err_set(e, "cms: messageDigest does not match the content "
					"(content modified?)");
		}
	}
	if (!have_ct)
		return err_set(e, "cms: signedAttrs lacks the contentType attribute");
	if (!have_md)
		return err_set(e, "cms: signedAttrs lacks the messageDigest attribute");
	return 0;
}

int cms_verify_signer(const struct cms_signed_data *sd, const struct cms_signer *si,
	const uint8_t *cert, size_t cert_len, struct err *e)
{
	struct x509_cert c;
	struct x509_pkey pk;
	const br_hash_class *h, *sh;
	br_hash_compat_context hc;
	uint8_t digest[64], sdig[64];
	int kt;
	char b[64];

	if (x509_parse(cert, cert_len, &c, e) < 0)
		return err_wrap(e, "cms: signer certificate");
	if (!rid_matches(si->sid_is_ski, si->issuer, si->issuer_len, si->serial,
			si->serial_len, si->ski, si->ski_len, &c))
		return err_set(e, "cms: SignerInfo sid (%s) does not match the certificate",
			si->sid_is_ski ? "subjectKeyIdentifier" : "issuer and serial number");
	if (x509_hash_alg(&si->digest_alg, 0, &h, e) < 0)
		return err_wrap(e, "cms");
	if (x509_get_pkey(cert, cert_len, &pk, e) < 0)
		return err_wrap(e, "cms: signer certificate");

	/* signatureAlgorithm: consistent with the key and the digest */
	if (oid_is(&si->sig_alg, &OID_RSA_ENCRYPTION)) {
		kt = BR_KEYTYPE_RSA;
		sh = h;
	} else if (oid_is(&si->sig_alg, &OID_EC_PUBLIC_KEY)) {
		kt = BR_KEYTYPE_EC;
		sh = h;
	} else if (x509_sig_alg(&si->sig_alg, &sh, &kt, e) < 0) {
		return err_wrap(e, "cms");
	}
	if (sh != h)
		return err_set(e, "cms: signatureAlgorithm %s does not match digestAlgorithm %s",
			oid_describe(&si->sig_alg, b, sizeof b), oid_name(&si->digest_alg));
	if (kt != pk.key.key_type)
		return err_set(e, "cms: signatureAlgorithm %s does not match the certificate's %s key",
			oid_describe(&si->sig_alg, b, sizeof b),
			pk.key.key_type == BR_KEYTYPE_RSA ? "RSA" : "EC");

	if (si->signed_attrs) {
		if (!sd->has_econtent)
			return err_set(e, "cms: no eContent to check the messageDigest against");
		h->init(&hc.vtable);
		h->update(&hc.vtable, sd->econtent, sd->econtent_len);
		h->out(&hc.vtable, digest);
		if (check_signed_attrs(sd, si, digest, hash_len_of(h), e) < 0)
			return -1;
		/* signature over the DER SET OF: re-tag [0] IMPLICIT as SET */
		static const uint8_t set_tag = 0x31;
		h->init(&hc.vtable);
		h->update(&hc.vtable, &set_tag, 1);
		h->update(&hc.vtable, si->signed_attrs + 1, si->signed_attrs_len - 1);
		h->out(&hc.vtable, sdig);
	} else {
		if (!sd->has_econtent)
			return err_set(e, "cms: no eContent and no signedAttrs: nothing was signed");
		h->init(&hc.vtable);
		h->update(&hc.vtable, sd->econtent, sd->econtent_len);
		h->out(&hc.vtable, sdig);
	}
	if (x509_verify_hash(&pk.key, h, sdig, hash_len_of(h), si->sig, si->sig_len, e) < 0)
		return err_wrap(e, "cms: SignerInfo");
	return 0;
}

/* ------------------------------------------------------------ EnvelopedData */

static int parse_ktri(struct der *d, struct cms_enveloped *env, struct err *e)
{
	struct der s;
	struct der_tlv t;
	struct alg_id a;
	struct cms_recip_info *ri;
	uint32_t v;

	if (env->n_recips >= CMS_MAX_RECIPIENTS)
		return err_set(e, "cms: more than %d recipients", CMS_MAX_RECIPIENTS);
	ri = &env->recips[env->n_recips];
	memset(ri, 0, sizeof *ri);
	ri->kind = CMS_RI_KTRI;
	if (der_enter(d, DER_SEQUENCE, &s, NULL, e) < 0 ||
			der_read_uint(&s, &v, e) < 0 ||
			read_sid(&s, &ri->issuer, &ri->issuer_len, &ri->serial, &ri->serial_len,
				&ri->rid_is_ski, &ri->ski, &ri->ski_len, DER_CTX(0), e) < 0 ||
			read_alg(&s, &a, e) < 0 ||
			der_read_octets(&s, DER_OCTET_STRING, &t, e) < 0 ||
			der_end(&s, "KeyTransRecipientInfo", e) < 0)
		return err_wrap(e, "cms: KeyTransRecipientInfo");
	ri->key_alg = a.all;
	ri->enc_key = t.val;
	ri->enc_key_len = t.len;
	env->n_recips++;
	return 0;
}

static int parse_kari(struct der *d, struct cms_enveloped *env, struct err *e)
{
	struct der s, orig, ok, keys, rek, rkid, exp;
	struct der_tlv t;
	struct alg_id key_alg, orig_alg;
	const uint8_t *point = NULL, *ukm = NULL;
	size_t point_len = 0, ukm_len = 0;
	unsigned unused;
	uint32_t v;

	memset(&orig_alg, 0, sizeof orig_alg);
	if (der_enter(d, DER_CTX_CONS(1), &s, NULL, e) < 0 ||
			der_read_uint(&s, &v, e) < 0 ||
			der_enter(&s, DER_CTX_CONS(0), &orig, NULL, e) < 0)
		return err_wrap(e, "cms: KeyAgreeRecipientInfo");
	if (der_next_is(&orig, DER_CTX_CONS(1))) {
		if (der_enter(&orig, DER_CTX_CONS(1), &ok, NULL, e) < 0 ||
				read_alg(&ok, &orig_alg, e) < 0 ||
				der_read_bit_string(&ok, &point, &point_len, &unused, e) < 0 ||
				der_end(&ok, "OriginatorPublicKey", e) < 0)
			return err_wrap(e, "cms: KeyAgreeRecipientInfo originatorKey");
		if (unused)
			return err_set(e, "cms: originatorKey is not a whole number of octets");
	} else {
		/* issuerAndSerialNumber or subjectKeyIdentifier: static-static ECDH,
		 * not supported; keep parsing so that other recipients work */
		if (der_read(&orig, &t, e) < 0)
			return err_wrap(e, "cms: KeyAgreeRecipientInfo originator");
	}
	if (der_end(&orig, "originator", e) < 0)
		return err_wrap(e, "cms: KeyAgreeRecipientInfo");
	if (der_next_is(&s, DER_CTX_CONS(1))) {
		if (der_enter(&s, DER_CTX_CONS(1), &exp, NULL, e) < 0 ||
				der_read_octets(&exp, DER_OCTET_STRING, &t, e) < 0 ||
				der_end(&exp, "ukm", e) < 0)
			return err_wrap(e, "cms: KeyAgreeRecipientInfo ukm");
		ukm = t.val;
		ukm_len = t.len;
	}
	if (read_alg(&s, &key_alg, e) < 0 ||
			der_enter(&s, DER_SEQUENCE, &keys, NULL, e) < 0 ||
			der_end(&s, "KeyAgreeRecipientInfo", e) < 0)
		return err_wrap(e, "cms: KeyAgreeRecipientInfo");
	while (!der_at_end(&keys)) {
		struct cms_recip_info *ri;
		if (env->n_recips >= CMS_MAX_RECIPIENTS)
			return err_set(e, "cms: more than %d recipients", CMS_MAX_RECIPIENTS);
		ri = &env->recips[env->n_recips];
		memset(ri, 0, sizeof *ri);
		ri->kind = CMS_RI_KARI;
		if (der_enter(&keys, DER_SEQUENCE, &rek, NULL, e) < 0)
			return err_wrap(e, "cms: RecipientEncryptedKey");
		if (der_next_is(&rek, DER_CTX_CONS(0))) {
			if (der_enter(&rek, DER_CTX_CONS(0), &rkid, NULL, e) < 0 ||
					der_read_octets(&rkid, DER_OCTET_STRING, &t, e) < 0)
				return err_wrap(e, "cms: RecipientKeyIdentifier");
			/* date and other: ignored */
			ri->rid_is_ski = 1;
			ri->ski = t.val;
			ri->ski_len = t.len;
		} else {
			if (read_sid(&rek, &ri->issuer, &ri->issuer_len, &ri->serial,
					&ri->serial_len, &ri->rid_is_ski, &ri->ski, &ri->ski_len,
					DER_TAG(3, 0, 0x0FFFFFFF), e) < 0)
				return err_wrap(e, "cms: RecipientEncryptedKey rid");
		}
		if (der_read_octets(&rek, DER_OCTET_STRING, &t, e) < 0 ||
				der_end(&rek, "RecipientEncryptedKey", e) < 0)
			return err_wrap(e, "cms: RecipientEncryptedKey");
		ri->enc_key = t.val;
		ri->enc_key_len = t.len;
		ri->key_alg = key_alg.all;
		ri->orig_alg = orig_alg.all;
		ri->orig_point = point;
		ri->orig_point_len = point_len;
		ri->ukm = ukm;
		ri->ukm_len = ukm_len;
		env->n_recips++;
	}
	return 0;
}

int cms_parse_enveloped(const uint8_t *buf, size_t len, int auth,
	struct cms_enveloped *env, struct err *e)
{
	const char *what = auth ? "AuthEnvelopedData" : "EnvelopedData";
	struct der top, s, set, eci;
	struct der_tlv t;
	struct alg_id a;

	memset(env, 0, sizeof *env);
	env->auth = auth;
	der_init(&top, buf, len);
	if (der_enter(&top, DER_SEQUENCE, &s, NULL, e) < 0 ||
			der_end(&top, what, e) < 0 ||
			der_read_uint(&s, &env->version, e) < 0)
		return err_wrap(e, "cms: %s", what);
	if (der_next_is(&s, DER_CTX_CONS(0)) && der_read(&s, &t, e) < 0)
		return err_wrap(e, "cms: %s originatorInfo", what);
	if (der_enter(&s, DER_SET, &set, NULL, e) < 0)
		return err_wrap(e, "cms: %s recipientInfos", what);
	while (!der_at_end(&set)) {
		if (der_next_is(&set, DER_SEQUENCE)) {
			if (parse_ktri(&set, env, e) < 0)
				return -1;
		} else if (der_next_is(&set, DER_CTX_CONS(1))) {
			if (parse_kari(&set, env, e) < 0)
				return -1;
		} else {
			/* kekri [2], pwri [3], ori [4]: not for us */
			if (der_read(&set, &t, e) < 0)
				return err_wrap(e, "cms: %s recipientInfos", what);
			env->n_skipped++;
		}
	}
	if (der_enter(&s, DER_SEQUENCE, &eci, NULL, e) < 0 ||
			der_read_oid(&eci, &env->content_type, e) < 0 ||
			read_alg(&eci, &a, e) < 0)
		return err_wrap(e, "cms: encryptedContentInfo");
	env->enc_alg = a.all;
	if (!der_at_end(&eci)) {
		if (der_read_octets(&eci, DER_CTX(0), &t, e) < 0)
			return err_wrap(e, "cms: encryptedContent");
		env->enc_content = t.val;
		env->enc_content_len = t.len;
	}
	if (der_end(&eci, "encryptedContentInfo", e) < 0)
		return err_wrap(e, "cms");
	if (auth) {
		if (der_next_is(&s, DER_CTX_CONS(1))) {
			if (der_read(&s, &t, e) < 0)
				return err_wrap(e, "cms: authAttrs");
			env->auth_attrs = t.raw;
			env->auth_attrs_len = t.raw_len;
		}
		if (der_read_octets(&s, DER_OCTET_STRING, &t, e) < 0)
			return err_wrap(e, "cms: AuthEnvelopedData mac");
		env->mac = t.val;
		env->mac_len = t.len;
		if (der_next_is(&s, DER_CTX_CONS(2)) && der_read(&s, &t, e) < 0)
			return err_wrap(e, "cms: unauthAttrs");
	} else {
		if (der_next_is(&s, DER_CTX_CONS(1)) && der_read(&s, &t, e) < 0)
			return err_wrap(e, "cms: unprotectedAttrs");
	}
	return der_end(&s, what, e) < 0 ? err_wrap(e, "cms") : 0;
}

/* ------------------------------------------------------------ key recovery */

void cms_x963_kdf(const br_hash_class *h, const uint8_t *z, size_t z_len,
	const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len)
{
	br_hash_compat_context hc;
	uint8_t block[64];
	uint32_t counter = 1;
	size_t hl = hash_len_of(h);

	while (out_len) {
		uint8_t c[4] = { (uint8_t)(counter >> 24), (uint8_t)(counter >> 16),
			(uint8_t)(counter >> 8), (uint8_t)counter };
		size_t n = out_len < hl ? out_len : hl;
		h->init(&hc.vtable);
		h->update(&hc.vtable, z, z_len);
		h->update(&hc.vtable, c, 4);
		h->update(&hc.vtable, info, info_len);
		h->out(&hc.vtable, block);
		memcpy(out, block, n);
		out += n;
		out_len -= n;
		counter++;
	}
	wipe(block, sizeof block);
}

/* One AES block decryption: CBC decryption of one block with a zero IV. */
static void aes_dec_block(const br_aes_ct64_cbcdec_keys *k, uint8_t b[16])
{
	uint8_t iv[16] = { 0 };
	br_aes_ct64_cbcdec_run(k, iv, b, 16);
}

int cms_aes_unwrap(const uint8_t *kek, size_t kek_len, const uint8_t *in,
	size_t in_len, uint8_t *out, struct err *e)
{
	br_aes_ct64_cbcdec_keys k;
	uint8_t a[8], b[16];
	size_t n, i;
	int j;
	static const uint8_t iv[8] = { 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6 };
	unsigned diff = 0;

	if (kek_len != 16 && kek_len != 24 && kek_len != 32)
		return err_set(e, "cms: key wrap: bad KEK length %zu", kek_len);
	if (in_len < 24 || in_len % 8 || in_len > 8 + 64)
		return err_set(e, "cms: key wrap: bad wrapped key length %zu", in_len);
	n = in_len / 8 - 1;
	br_aes_ct64_cbcdec_init(&k, kek, kek_len);
	memcpy(a, in, 8);
	memcpy(out, in + 8, in_len - 8);
	for (j = 5; j >= 0; j--) {
		for (i = n; i >= 1; i--) {
			uint64_t t = (uint64_t)n * (uint64_t)j + i;
			int q;
			memcpy(b, a, 8);
			for (q = 7; q >= 0; q--) {
				b[q] ^= (uint8_t)t;
				t >>= 8;
			}
			memcpy(b + 8, out + (i - 1) * 8, 8);
			aes_dec_block(&k, b);
			memcpy(a, b, 8);
			memcpy(out + (i - 1) * 8, b + 8, 8);
		}
	}
	for (i = 0; i < 8; i++)
		diff |= a[i] ^ iv[i];
	wipe(&k, sizeof k);
	wipe(b, sizeof b);
	if (diff) {
		wipe(out, in_len - 8);
		return err_set(e, "cms: key unwrap failed (integrity check)");
	}
	return 0;
}

static int cek_from_ktri(const struct cms_recip_info *ri, const struct cms_recipient *r,
	uint8_t *cek, size_t *cek_len, struct err *e)
{
	struct der d, p, x;
	struct alg_id a, inner;
	const br_hash_class *oaep = NULL, *mgf = NULL;
	char b[64];

	if (!r->rsa_decrypt)
		return err_set(e, "cms: key transport needs an RSA key, the device key is not RSA");
	der_init(&d, ri->key_alg.raw, ri->key_alg.raw_len);
	if (read_alg(&d, &a, e) < 0)
		return err_wrap(e, "cms: keyEncryptionAlgorithm");
	if (oid_is(&a.oid, &OID_RSA_ENCRYPTION)) {
		if (!params_absent_or_null(&a))
			return err_set(e, "cms: rsaEncryption with parameters");
	} else if (oid_is(&a.oid, &OID_RSAES_OAEP)) {
		oaep = mgf = &br_sha1_vtable;
		if (a.has_params && !(a.params.tag == DER_NULL && a.params.len == 0)) {
			if (a.params.tag != DER_SEQUENCE)
				return err_set(e, "cms: RSAES-OAEP parameters are not a SEQUENCE");
			der_init_tlv(&p, &a.params);
			if (der_next_is(&p, DER_CTX_CONS(0))) {
				if (der_enter(&p, DER_CTX_CONS(0), &x, NULL, e) < 0 ||
						read_alg(&x, &inner, e) < 0 || der_end(&x, "hashFunc", e) < 0 ||
						x509_hash_alg(&inner.oid, 1, &oaep, e) < 0)
					return err_wrap(e, "cms: RSAES-OAEP hashFunc");
			}
			if (der_next_is(&p, DER_CTX_CONS(1))) {
				struct der mp;
				struct alg_id mh;
				if (der_enter(&p, DER_CTX_CONS(1), &x, NULL, e) < 0 ||
						read_alg(&x, &inner, e) < 0 || der_end(&x, "maskGenFunc", e) < 0)
					return err_wrap(e, "cms: RSAES-OAEP maskGenFunc");
				if (!oid_is(&inner.oid, &OID_MGF1) || !inner.has_params)
					return err_set(e, "cms: RSAES-OAEP mask generation %s is not MGF1",
						oid_describe(&inner.oid, b, sizeof b));
				der_init(&mp, inner.params.raw, inner.params.raw_len);
				if (read_alg(&mp, &mh, e) < 0 || x509_hash_alg(&mh.oid, 1, &mgf, e) < 0)
					return err_wrap(e, "cms: RSAES-OAEP MGF1 hash");
			}
			if (der_next_is(&p, DER_CTX_CONS(2))) {
				struct der lp;
				struct der_tlv label;
				if (der_enter(&p, DER_CTX_CONS(2), &x, NULL, e) < 0 ||
						read_alg(&x, &inner, e) < 0 || der_end(&x, "pSourceFunc", e) < 0)
					return err_wrap(e, "cms: RSAES-OAEP pSourceFunc");
				if (!oid_is(&inner.oid, &OID_P_SPECIFIED) || !inner.has_params)
					return err_set(e, "cms: RSAES-OAEP pSourceFunc is not id-pSpecified");
				der_init(&lp, inner.params.raw, inner.params.raw_len);
				if (der_read_octets(&lp, DER_OCTET_STRING, &label, e) < 0)
					return err_wrap(e, "cms: RSAES-OAEP label");
				if (label.len)
					return err_set(e, "cms: RSAES-OAEP with a non-empty label is not supported");
			}
			if (der_end(&p, "RSAES-OAEP-params", e) < 0)
				return err_wrap(e, "cms");
		}
		if (oaep != mgf)
			return err_set(e, "cms: RSAES-OAEP with different OAEP and MGF1 hashes "
				"is not supported");
	} else {
		return err_set(e, "cms: unsupported key transport algorithm %s",
			oid_describe(&a.oid, b, sizeof b));
	}
	if (r->rsa_decrypt(r->ctx, oaep, ri->enc_key, ri->enc_key_len, cek, cek_len, e) < 0)
		return err_wrap(e, "cms: decrypting the content-encryption key");
	return 0;
}

static int cek_from_kari(const struct cms_recip_info *ri, const struct cms_recipient *r,
	uint8_t *cek, size_t *cek_len, struct err *e)
{
	struct der d;
	struct alg_id a, wrap, oalg;
	const br_hash_class *h;
	struct x509_pkey pk;
	size_t kek_len, z_len, info_len = 0, klen;
	uint8_t z[80], kek[32], info[256];
	char b[64];
	int rc;

	if (!r->ecdh)
		return err_set(e, "cms: key agreement needs an EC key, the device key is not EC");
	if (!ri->orig_point)
		return err_set(e, "cms: key agreement without an ephemeral originator key "
			"is not supported");
	der_init(&d, ri->key_alg.raw, ri->key_alg.raw_len);
	if (read_alg(&d, &a, e) < 0)
		return err_wrap(e, "cms: keyEncryptionAlgorithm");
	if (oid_is(&a.oid, &OID_ECDH_STD_SHA256KDF))
		h = sha256_class();
	else if (oid_is(&a.oid, &OID_ECDH_STD_SHA384KDF))
		h = &br_sha384_vtable;
	else if (oid_is(&a.oid, &OID_ECDH_STD_SHA512KDF))
		h = &br_sha512_vtable;
	else if (oid_is(&a.oid, &OID_ECDH_STD_SHA1KDF))
		h = &br_sha1_vtable;
	else
		return err_set(e, "cms: unsupported key agreement algorithm %s",
			oid_describe(&a.oid, b, sizeof b));
	if (!a.has_params || a.params.tag != DER_SEQUENCE)
		return err_set(e, "cms: key agreement algorithm lacks the key wrap algorithm");
	der_init(&d, a.params.raw, a.params.raw_len);
	if (read_alg(&d, &wrap, e) < 0)
		return err_wrap(e, "cms: key wrap algorithm");
	if (oid_is(&wrap.oid, &OID_AES128_WRAP))
		kek_len = 16;
	else if (oid_is(&wrap.oid, &OID_AES192_WRAP))
		kek_len = 24;
	else if (oid_is(&wrap.oid, &OID_AES256_WRAP))
		kek_len = 32;
	else
		return err_set(e, "cms: unsupported key wrap algorithm %s",
			oid_describe(&wrap.oid, b, sizeof b));

	/* the curve is the device key's; the originator key must be on it */
	if (x509_get_pkey(r->cert, r->cert_len, &pk, e) < 0)
		return err_wrap(e, "cms: recipient certificate");
	if (pk.key.key_type != BR_KEYTYPE_EC)
		return err_set(e, "cms: key agreement recipient certificate has no EC key");
	der_init(&d, ri->orig_alg.raw, ri->orig_alg.raw_len);
	if (read_alg(&d, &oalg, e) < 0)
		return err_wrap(e, "cms: originatorKey algorithm");
	if (!oid_is(&oalg.oid, &OID_EC_PUBLIC_KEY))
		return err_set(e, "cms: originatorKey is not an EC key");
	if (oalg.has_params && oalg.params.tag == DER_OID) {
		int curve = oid_is(&oalg.params, &OID_P256) ? BR_EC_secp256r1 :
			oid_is(&oalg.params, &OID_P384) ? BR_EC_secp384r1 :
			oid_is(&oalg.params, &OID_P521) ? BR_EC_secp521r1 : -1;
		if (curve != pk.key.key.ec.curve)
			return err_set(e, "cms: originatorKey curve differs from the device key's");
	}
	if (ri->orig_point_len != pk.key.key.ec.qlen || ri->orig_point[0] != 0x04)
		return err_set(e, "cms: originatorKey is not an uncompressed point on the curve");

	z_len = sizeof z;
	if (r->ecdh(r->ctx, pk.key.key.ec.curve, ri->orig_point, ri->orig_point_len,
			z, &z_len, e) < 0)
		return err_wrap(e, "cms: key agreement");

	/* ECC-CMS-SharedInfo ::= SEQUENCE { keyInfo AlgorithmIdentifier (wrap OID,
	 * no parameters), entityUInfo [0] EXPLICIT OCTET STRING OPTIONAL,
	 * suppPubInfo [2] EXPLICIT OCTET STRING (KEK length in bits) } */
	{
		size_t ki = 2 + wrap.oid.raw_len, eu = 0, body;
		if (ri->ukm) {
			if (ri->ukm_len > 128)
				return err_set(e, "cms: ukm longer than 128 bytes");
			eu = 2 + 2 + ri->ukm_len;   /* A0 L 04 L ukm (short lengths) */
		}
		body = ki + eu + 8;             /* A2 06 04 04 xx xx xx xx */
		if (body > 127 || wrap.oid.raw_len > 60)
			return err_set(e, "cms: SharedInfo too large");
		info[info_len++] = 0x30;
		info[info_len++] = (uint8_t)body;
		info[info_len++] = 0x30;
		info[info_len++] = (uint8_t)wrap.oid.raw_len;
		memcpy(info + info_len, wrap.oid.raw, wrap.oid.raw_len);
		info_len += wrap.oid.raw_len;
		if (ri->ukm) {
			info[info_len++] = 0xA0;
			info[info_len++] = (uint8_t)(2 + ri->ukm_len);
			info[info_len++] = 0x04;
			info[info_len++] = (uint8_t)ri->ukm_len;
			memcpy(info + info_len, ri->ukm, ri->ukm_len);
			info_len += ri->ukm_len;
		}
		uint32_t bits = (uint32_t)kek_len * 8;
		info[info_len++] = 0xA2;
		info[info_len++] = 0x06;
		info[info_len++] = 0x04;
		info[info_len++] = 0x04;
		info[info_len++] = (uint8_t)(bits >> 24);
		info[info_len++] = (uint8_t)(bits >> 16);
		info[info_len++] = (uint8_t)(bits >> 8);
		info[info_len++] = (uint8_t)bits;
	}
	cms_x963_kdf(h, z, z_len, info, info_len, kek, kek_len);
	wipe(z, sizeof z);

	klen = ri->enc_key_len;
	if (klen < 24 || klen % 8 || klen - 8 > *cek_len) {
		wipe(kek, sizeof kek);
		return err_set(e, "cms: wrapped key has a bad length (%zu)", klen);
	}
	rc = cms_aes_unwrap(kek, kek_len, ri->enc_key, klen, cek, e);
	wipe(kek, sizeof kek);
	if (rc < 0)
		return -1;
	*cek_len = klen - 8;
	return 0;
}

/* ------------------------------------------------------------ content decryption */

static int decrypt_cbc(const uint8_t *key, size_t key_len, const struct alg_id *a,
	uint8_t *buf, size_t len, size_t *out_len, struct err *e)
{
	br_aes_ct64_cbcdec_keys k;
	struct der d;
	struct der_tlv ivt;
	uint8_t iv[16];
	unsigned pad, bad = 0;
	size_t i;

	der_init(&d, a->params.raw, a->has_params ? a->params.raw_len : 0);
	if (der_read_octets(&d, DER_OCTET_STRING, &ivt, e) < 0 || der_end(&d, "IV", e) < 0)
		return err_wrap(e, "cms: AES-CBC parameters");
	if (ivt.len != 16)
		return err_set(e, "cms: AES-CBC IV of %zu bytes (must be 16)", ivt.len);
	if (len == 0 || len % 16)
		return err_set(e, "cms: AES-CBC ciphertext length %zu is not a positive "
			"multiple of 16", len);
	memcpy(iv, ivt.val, 16);
	br_aes_ct64_cbcdec_init(&k, key, key_len);
	br_aes_ct64_cbcdec_run(&k, iv, buf, len);
	wipe(&k, sizeof k);
	/* PKCS#7 padding, checked over the whole last block without early exit */
	pad = buf[len - 1];
	bad |= (pad == 0) | (pad > 16);
	for (i = 0; i < 16; i++) {
		unsigned in_pad = (unsigned)(i < pad);
		bad |= in_pad & (unsigned)(buf[len - 1 - i] != pad);
	}
	if (bad)
		return err_set(e, "cms: decryption failed (bad padding: wrong key or corrupted data)");
	*out_len = len - pad;
	return 0;
}

static int decrypt_gcm(const uint8_t *key, size_t key_len, const struct alg_id *a,
	const struct cms_enveloped *env, uint8_t *buf, size_t len, size_t *out_len,
	struct err *e)
{
	br_aes_ct64_ctr_keys k;
	br_gcm_context g;
	struct der d, p;
	struct der_tlv nonce;
	uint32_t icv = 12;

	if (!env->auth)
		return err_set(e, "cms: AES-GCM needs AuthEnvelopedData (RFC 5083)");
	if (!a->has_params || a->params.tag != DER_SEQUENCE)
		return err_set(e, "cms: AES-GCM parameters missing");
	der_init(&d, a->params.raw, a->params.raw_len);
	if (der_enter(&d, DER_SEQUENCE, &p, NULL, e) < 0 ||
			der_read_octets(&p, DER_OCTET_STRING, &nonce, e) < 0)
		return err_wrap(e, "cms: AES-GCM parameters");
	if (!der_at_end(&p) && der_read_uint(&p, &icv, e) < 0)
		return err_wrap(e, "cms: AES-GCM ICV length");
	if (der_end(&p, "GCMParameters", e) < 0)
		return err_wrap(e, "cms");
	if (nonce.len == 0 || nonce.len > 64)
		return err_set(e, "cms: AES-GCM nonce of %zu bytes", nonce.len);
	if (icv < 12 || icv > 16)
		return err_set(e, "cms: AES-GCM ICV length %u (must be 12..16)", (unsigned)icv);
	if (env->mac_len != icv)
		return err_set(e, "cms: AES-GCM tag is %zu bytes, parameters say %u",
			env->mac_len, (unsigned)icv);
	br_aes_ct64_ctr_init(&k, key, key_len);
	br_gcm_init(&g, &k.vtable, br_ghash_ctmul64);
	br_gcm_reset(&g, nonce.val, nonce.len);
	if (env->auth_attrs) {
		static const uint8_t set_tag = 0x31;
		br_gcm_aad_inject(&g, &set_tag, 1);
		br_gcm_aad_inject(&g, env->auth_attrs + 1, env->auth_attrs_len - 1);
	}
	br_gcm_flip(&g);
	br_gcm_run(&g, 0, buf, len);
	int ok = (int)br_gcm_check_tag_trunc(&g, env->mac, env->mac_len);
	wipe(&k, sizeof k);
	wipe(&g, sizeof g);
	if (!ok)
		return err_set(e, "cms: decryption failed (AES-GCM tag mismatch: wrong key or "
			"corrupted data)");
	*out_len = len;
	return 0;
}

int cms_decrypt(const uint8_t *buf, size_t len, const struct cms_recipient *r,
	uint8_t *out, size_t cap, size_t *out_len, enum cms_type *inner_type,
	struct err *e)
{
	struct cms_content_info ci;
	struct cms_enveloped env;
	struct x509_cert c;
	const struct cms_recip_info *ri = NULL;
	struct alg_id a;
	struct der d;
	uint8_t cek[64];
	size_t cek_len = sizeof cek, i, key_len;
	int gcm, rc;
	char b[64];

	*out_len = 0;
	if (cms_parse_content_info(buf, len, &ci, e) < 0)
		return -1;
	if (ci.type != CMS_TYPE_ENVELOPED && ci.type != CMS_TYPE_AUTH_ENVELOPED)
		return err_set(e, "cms: expected EnvelopedData, found content type %s",
			oid_describe(&ci.content_type, b, sizeof b));
	if (cms_parse_enveloped(ci.content.raw, ci.content.raw_len,
			ci.type == CMS_TYPE_AUTH_ENVELOPED, &env, e) < 0)
		return -1;
	if (x509_parse(r->cert, r->cert_len, &c, e) < 0)
		return err_wrap(e, "cms: recipient certificate");
	for (i = 0; i < env.n_recips && !ri; i++)
		if (rid_matches(env.recips[i].rid_is_ski, env.recips[i].issuer,
				env.recips[i].issuer_len, env.recips[i].serial,
				env.recips[i].serial_len, env.recips[i].ski, env.recips[i].ski_len, &c))
			ri = &env.recips[i];
	if (!ri)
		return err_set(e, "cms: no RecipientInfo for this device's certificate "
			"(%zu recipients, %zu of unsupported kinds)", env.n_recips, env.n_skipped);
	if (!env.enc_content)
		return err_set(e, "cms: encryptedContent is absent");

	der_init(&d, env.enc_alg.raw, env.enc_alg.raw_len);
	if (read_alg(&d, &a, e) < 0)
		return err_wrap(e, "cms: contentEncryptionAlgorithm");
	if (oid_is(&a.oid, &OID_AES128_CBC)) {
		key_len = 16; gcm = 0;
	} else if (oid_is(&a.oid, &OID_AES192_CBC)) {
		key_len = 24; gcm = 0;
	} else if (oid_is(&a.oid, &OID_AES256_CBC)) {
		key_len = 32; gcm = 0;
	} else if (oid_is(&a.oid, &OID_AES128_GCM)) {
		key_len = 16; gcm = 1;
	} else if (oid_is(&a.oid, &OID_AES192_GCM)) {
		key_len = 24; gcm = 1;
	} else if (oid_is(&a.oid, &OID_AES256_GCM)) {
		key_len = 32; gcm = 1;
	} else {
		return err_set(e, "cms: unsupported content encryption algorithm %s",
			oid_describe(&a.oid, b, sizeof b));
	}
	if (env.enc_content_len > cap)
		return err_set(e, "cms: encrypted content of %zu bytes exceeds the %zu-byte buffer",
			env.enc_content_len, cap);

	if (ri->kind == CMS_RI_KTRI)
		rc = cek_from_ktri(ri, r, cek, &cek_len, e);
	else
		rc = cek_from_kari(ri, r, cek, &cek_len, e);
	if (rc < 0) {
		wipe(cek, sizeof cek);
		return -1;
	}
	if (cek_len != key_len) {
		wipe(cek, sizeof cek);
		return err_set(e, "cms: content-encryption key is %zu bytes, %s needs %zu",
			cek_len, oid_name(&a.oid), key_len);
	}
	memcpy(out, env.enc_content, env.enc_content_len);
	if (gcm)
		rc = decrypt_gcm(cek, key_len, &a, &env, out, env.enc_content_len, out_len, e);
	else
		rc = decrypt_cbc(cek, key_len, &a, out, env.enc_content_len, out_len, e);
	wipe(cek, sizeof cek);
	if (rc < 0) {
		wipe(out, env.enc_content_len);
		*out_len = 0;
		return -1;
	}
	if (inner_type)
		*inner_type = cms_type_of(&env.content_type);
	return 0;
}
