/* verify.c: RFC 8572 sections 5.3/5.4, the whole response (see verify.h). */
#include "trust/verify.h"

#include <string.h>

#include "base/json.h"
#include "base/xml.h"
#include "trust/oid.h"
#include "trust/output.h"

/*
 * Find the certificate of signer `si` among `certs` (DER TLVs). Returns its
 * index or -1.
 */
static int find_signer_cert(const struct cms_signer *si, const struct der_tlv *certs,
                            size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cms_signer_matches(si, certs[i].raw, certs[i].raw_len))
			return (int)i;
	return -1;
}

static size_t pool_of(const struct cms_signed_data *sd, struct x509_der *pool)
{
	for (size_t i = 0; i < sd->n_certs; i++) {
		pool[i].der = sd->certs[i].raw;
		pool[i].len = sd->certs[i].raw_len;
	}
	return sd->n_certs;
}

/* The voucher's CMS: a signer chaining to a voucher anchor, valid signature. */
static int verify_voucher_cms(const struct verify_ctx *ctx, struct cms_signed_data *sd,
                              struct err *e)
{
	struct x509_der pool[CMS_MAX_CERTS];
	size_t n_pool = pool_of(sd, pool);
	struct err first;
	int have_first = 0;
	char ob[64];

	if (sd->etype != CMS_TYPE_VOUCHER && sd->etype != CMS_TYPE_DATA)
		return err_set(e, "ownership-voucher: eContentType %s is not id-ct-animaJSONVoucher or id-data",
		               oid_describe(&sd->econtent_type, ob, sizeof ob));
	if (!sd->has_econtent || sd->econtent_len == 0)
		return err_set(e, "ownership-voucher: no voucher content");
	if (sd->n_signers == 0)
		return err_set(e, "ownership-voucher: not signed (no SignerInfo)");
	if (!ctx->voucher_anchors || ctx->n_voucher_anchors == 0)
		return err_set(e, "ownership-voucher: no voucher trust anchors configured");
	err_clear(&first);
	for (size_t i = 0; i < sd->n_signers; i++) {
		const struct cms_signer *si = &sd->signers[i];
		int j = find_signer_cert(si, sd->certs, sd->n_certs);
		struct err tmp;
		if (j < 0) {
			err_set(&tmp, "ownership-voucher: the signer's certificate is not in the CMS");
		} else if (x509_validate(sd->certs[j].raw, sd->certs[j].raw_len, pool, n_pool,
		                         ctx->voucher_anchors, ctx->n_voucher_anchors, ctx->clock,
		                         X509_REQUIRE_DIGITAL_SIGNATURE, NULL, &tmp) < 0) {
			err_wrap(&tmp, "ownership-voucher: signer not trusted");
		} else if (cms_verify_signer(sd, si, sd->certs[j].raw, sd->certs[j].raw_len,
		                             &tmp) < 0) {
			err_wrap(&tmp, "ownership-voucher");
		} else {
			return 0;
		}
		if (!have_first) {
			first = tmp;
			have_first = 1;
		}
	}
	if (e)
		*e = first;
	return -1;
}

/* A JSON document: first non-blank byte '{'. */
static int sniff_json(const uint8_t *p, size_t n, struct err *e)
{
	size_t i = 0;

	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i < n && p[i] == '{')
		return 0;
	return err_set(e, "conveyed-information: the document is neither JSON nor XML");
}

/*
 * Turn a ContentInfo (outer, or the plaintext of EnvelopedData) into either a
 * parsed SignedData (*is_signed = 1, w->sd_ci) or unsigned document bytes.
 */
static int open_content_info(const struct cms_content_info *ci, struct verify_work *w,
                             int *is_signed, const uint8_t **doc, size_t *doc_len,
                             struct err *e)
{
	char ob[64];

	w->doc_type = ci->type;
	switch (ci->type) {
	case CMS_TYPE_SIGNED:
		if (cms_parse_signed_data(ci->content.raw, ci->content.raw_len, &w->sd_ci, e) < 0)
			return err_wrap(e, "conveyed-information");
		*is_signed = 1;
		return 0;
	case CMS_TYPE_CONVEYED_XML:
	case CMS_TYPE_CONVEYED_JSON:
	case CMS_TYPE_DATA:
		if (cms_unwrap_data(ci, doc, doc_len, e) < 0)
			return err_wrap(e, "conveyed-information");
		*is_signed = 0;
		return 0;
	case CMS_TYPE_ENVELOPED:
	case CMS_TYPE_AUTH_ENVELOPED:
		return err_set(e, "conveyed-information: encrypted twice");
	default:
		return err_set(e, "conveyed-information: unexpected content type %s",
		               oid_describe(&ci->content_type, ob, sizeof ob));
	}
}

/* Step 1: decode, decrypt, and classify the conveyed information. */
static int open_conveyed(const struct verify_ctx *ctx, struct verify_work *w, size_t ci_len,
                         struct verify_result *res, int *is_signed,
                         const uint8_t **doc, size_t *doc_len, struct err *e)
{
	struct cms_content_info ci, inner;
	enum cms_type itype = CMS_TYPE_OTHER;
	size_t plen = 0;
	struct err tmp;

	*doc = NULL;
	*doc_len = 0;
	if (cms_parse_content_info(w->ci, ci_len, &ci, e) < 0)
		return err_wrap(e, "conveyed-information");
	if (ci.type != CMS_TYPE_ENVELOPED && ci.type != CMS_TYPE_AUTH_ENVELOPED)
		return open_content_info(&ci, w, is_signed, doc, doc_len, e);

	/* Decrypt first, then validate (RFC 8572 section 5.3). */
	if (!ctx->recipient)
		return err_set(e, "conveyed-information: encrypted, but no device private key is available");
	if (cms_decrypt(w->ci, ci_len, ctx->recipient, w->plain, sizeof w->plain, &plen,
	                &itype, e) < 0)
		return err_wrap(e, "conveyed-information: cannot decrypt");
	res->encrypted = 1;
	if (plen > 0 && w->plain[0] == 0x30 &&
	    cms_parse_content_info(w->plain, plen, &inner, &tmp) == 0)
		return open_content_info(&inner, w, is_signed, doc, doc_len, e);
	if (itype == CMS_TYPE_SIGNED) {
		if (cms_parse_signed_data(w->plain, plen, &w->sd_ci, e) < 0)
			return err_wrap(e, "conveyed-information: decrypted content");
		*is_signed = 1;
		return 0;
	}
	if (itype == CMS_TYPE_DATA || itype == CMS_TYPE_CONVEYED_JSON ||
	    itype == CMS_TYPE_CONVEYED_XML) {
		/* unsigned + encrypted: the plaintext is the document itself */
		w->doc_type = itype;
		*doc = w->plain;
		*doc_len = plen;
		*is_signed = 0;
		return 0;
	}
	return err_set(e, "conveyed-information: decrypted content of type %s is not usable",
	               cms_type_name(itype));
}

/* Step 2: owner certificate + voucher + signature of the conveyed information. */
static int verify_signed(const struct verify_ctx *ctx, struct verify_work *w,
                         size_t oc_len, size_t ov_len, const uint8_t **doc,
                         size_t *doc_len, struct verify_result *res, struct err *e)
{
	struct voucher_policy pol;
	struct x509_cert dev;
	struct x509_der pool[CMS_MAX_CERTS], pinned;
	size_t n_pool;
	const struct cms_signed_data *sd = &w->sd_ci;
	const struct cms_signer *si;
	char ob[64];
	int j;

	if (!ctx->serial || !ctx->serial[0])
		return err_set(e, "ownership-voucher: the device serial number is needed to verify signed data");

	/* the voucher */
	if (cms_parse_signed(w->ov, ov_len, &w->sd_ov, e) < 0)
		return err_wrap(e, "ownership-voucher");
	if (verify_voucher_cms(ctx, &w->sd_ov, e) < 0)
		return -1;
	if (sniff_json(w->sd_ov.econtent, w->sd_ov.econtent_len, e) < 0)
		return err_set(e, "ownership-voucher: the voucher is not JSON");
	if (voucher_parse(w->sd_ov.econtent, w->sd_ov.econtent_len, &w->voucher, e) < 0)
		return -1;
	memset(&pol, 0, sizeof pol);
	pol.serial = ctx->serial;
	pol.nonce = ctx->nonce;
	pol.nonce_len = ctx->nonce_len;
	pol.clock = ctx->clock;
	pol.assertions = ctx->assertions;
	if (ctx->device_cert && ctx->device_cert_len) {
		if (x509_parse(ctx->device_cert, ctx->device_cert_len, &dev, e) < 0)
			return err_wrap(e, "device certificate");
		pol.idevid_aki_keyid = dev.aki;
		pol.idevid_aki_keyid_len = dev.aki_len;
	}
	if (voucher_check(&w->voucher, &pol, e) < 0)
		return -1;
	voucher_freshness(&w->voucher, &pol, res->freshness, sizeof res->freshness);
	res->signed_time = w->voucher.created_on;

	/* the owner certificate CMS (degenerate or not: only its certificates count) */
	if (cms_parse_signed(w->oc, oc_len, &w->sd_oc, e) < 0)
		return err_wrap(e, "owner-certificate");
	if (w->sd_oc.n_certs == 0)
		return err_set(e, "owner-certificate: the CMS holds no certificate");

	/* the conveyed information signature */
	if (sd->etype != CMS_TYPE_CONVEYED_JSON && sd->etype != CMS_TYPE_CONVEYED_XML &&
	    sd->etype != CMS_TYPE_DATA)
		return err_set(e, "conveyed-information: eContentType %s is not id-ct-sztpConveyedInfoJSON, id-ct-sztpConveyedInfoXML or id-data",
		               oid_describe(&sd->econtent_type, ob, sizeof ob));
	w->doc_type = sd->etype;
	if (!sd->has_econtent || sd->econtent_len == 0)
		return err_set(e, "conveyed-information: the SignedData has no content");
	if (sd->n_signers != 1)
		return err_set(e, "conveyed-information: %zu signers, want exactly one (the owner certificate)",
		               sd->n_signers);
	si = &sd->signers[0];
	j = find_signer_cert(si, w->sd_oc.certs, w->sd_oc.n_certs);
	if (j < 0)
		return err_set(e, "conveyed-information: not signed by a certificate of the owner-certificate CMS");
	n_pool = pool_of(&w->sd_oc, pool);
	pinned.der = w->voucher.pinned_domain_cert;
	pinned.len = w->voucher.pinned_domain_cert_len;
	if (x509_validate(w->sd_oc.certs[j].raw, w->sd_oc.certs[j].raw_len, pool, n_pool,
	                  &pinned, 1, ctx->clock,
	                  X509_REQUIRE_DIGITAL_SIGNATURE | X509_ANCHOR_VALIDITY, NULL, e) < 0)
		return err_wrap(e, "owner-certificate: not valid under the voucher's pinned-domain-cert");
	if (cms_verify_signer(sd, si, w->sd_oc.certs[j].raw, w->sd_oc.certs[j].raw_len, e) < 0)
		return err_wrap(e, "conveyed-information: signature by the owner certificate");
	*doc = sd->econtent;
	*doc_len = sd->econtent_len;
	return 0;
}

/*
 * Step 4: the conveyed-information document, JSON or XML. eContentType .43
 * must carry JSON and .42 XML; id-data (what openssl cms -sign writes by
 * default) is told by its first byte.
 */
static int parse_document(const uint8_t *doc, size_t n, struct verify_work *w,
                          struct verify_result *res, struct err *e)
{
	struct conveyed_arena arena;
	int xml = xml_sniff(doc, n), ns_case = 0;

	if (w->doc_type == CMS_TYPE_CONVEYED_XML && !xml)
		return err_set(e, "conveyed-information: eContentType id-ct-sztpConveyedInfoXML, but the document is not XML");
	if (w->doc_type == CMS_TYPE_CONVEYED_JSON && xml)
		return err_set(e, "conveyed-information: eContentType id-ct-sztpConveyedInfoJSON, but the document is XML");
	conveyed_arena_init(&arena, w->arena, sizeof w->arena);
	if (!xml) {
		if (sniff_json(doc, n, e) < 0)
			return -1;
		return conveyed_parse(doc, n, &res->info, &arena, e);
	}
	xml_doc_init(&w->xml, w->xml_elems, VERIFY_XML_ELEMS, w->xml_store, sizeof w->xml_store);
	if (xml_parse(&w->xml, doc, n, "conveyed-information", e) < 0)
		return -1;
	if (conveyed_parse_xml(&w->xml, &res->info, &arena, &ns_case, e) < 0)
		return -1;
	res->conveyed_xml = 1;
	res->ns_case |= ns_case;
	return 0;
}

int verify_response(const uint8_t *body, size_t len, const struct verify_ctx *ctx,
                    struct verify_work *w, struct verify_result *res, struct err *e)
{
	struct output o;
	size_t ci_len, oc_len, ov_len, doc_len = 0;
	const uint8_t *doc = NULL;
	int is_signed = 0;

	memset(res, 0, sizeof *res);
	memset(&o, 0, sizeof o);
	o.ci.buf = w->ci;
	o.ci.cap = sizeof w->ci;
	o.oc.buf = w->oc;
	o.oc.cap = sizeof w->oc;
	o.ov.buf = w->ov;
	o.ov.cap = sizeof w->ov;
	w->doc_type = CMS_TYPE_OTHER;
	xml_doc_init(&w->xml, w->xml_elems, VERIFY_XML_ELEMS, w->xml_store, sizeof w->xml_store);
	if (output_read(body, len, &o, &w->xml, e) < 0)
		goto fail;
	if (o.oc.present != o.ov.present) {
		err_set(e, "response: owner-certificate and ownership-voucher must come together (got only %s)",
		        o.oc.present ? "owner-certificate" : "ownership-voucher");
		goto fail;
	}
	res->reporting_level = o.verbose ? VERIFY_REPORT_VERBOSE : VERIFY_REPORT_MINIMAL;
	res->output_xml = o.xml;
	res->ns_case = o.ns_case;
	ci_len = o.ci.len;
	oc_len = o.oc.len;
	ov_len = o.ov.len;

	res->ci = w->ci;
	res->ci_len = ci_len;
	if (open_conveyed(ctx, w, ci_len, res, &is_signed, &doc, &doc_len, e) < 0)
		goto fail;
	if (o.oc.present) {
		if (!is_signed) {
			err_set(e, "conveyed-information: not signed, although owner-certificate and ownership-voucher were given");
			goto fail;
		}
		if (verify_signed(ctx, w, oc_len, ov_len, &doc, &doc_len, res, e) < 0)
			goto fail;
		res->signed_data = 1;
		res->ov = w->ov;
		res->ov_len = ov_len;
		res->oc = w->oc;
		res->oc_len = oc_len;
	} else if (is_signed) {
		err_set(e, "conveyed-information: signed, but no owner-certificate and ownership-voucher to verify it with");
		goto fail;
	}

	if (parse_document(doc, doc_len, w, res, e) < 0)
		goto fail;

	if (res->signed_data || ctx->trusted_source) {
		res->trusted = 1;
	} else if (res->info.kind == CONVEYED_REDIRECT) {
		/* RFC 8572 section 5.3: untrusted redirect: discard trust anchors */
		for (int i = 0; i < res->info.redirect.n_servers; i++) {
			struct conveyed_blob *ta = &res->info.redirect.servers[i].trust_anchor;
			if (ta->data)
				res->anchors_discarded = 1;
			ta->data = NULL;
			ta->len = 0;
		}
	} else {
		err_set(e, "conveyed-information: unsigned onboarding information from an untrusted source");
		goto fail;
	}
	res->json = doc;
	res->json_len = doc_len;
	return 0;
fail:
	memset(res, 0, sizeof *res);
	return -1;
}
