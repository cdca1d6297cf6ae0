/*
 * verify.h: RFC 8572 sections 5.3/5.4: decide whether a get-bootstrapping-data
 * response may be acted upon. One function, shared by the device (boot) and
 * the host command `sztpboot verify`; it touches no files or sockets.
 *
 * Input: the output body, JSON or XML (trust/output.h; told by its first
 * byte, whatever the Content-Type said)
 *   {"ietf-sztp-bootstrap-server:output": {
 *       "conveyed-information": "<base64 CMS>",           (mandatory)
 *       "owner-certificate": "<base64 CMS>",              (both or neither)
 *       "ownership-voucher": "<base64 CMS>",
 *       "reporting-level": "minimal" | "verbose" }}       (default minimal)
 *   <output xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server">
 *     <conveyed-information>base64 CMS</conveyed-information> ...</output>
 * Base64 may be line-wrapped; unknown members are ignored. The encoding that
 * carried the artifacts changes nothing below: the CMS signatures decide.
 *
 * Algorithm (any failure rejects the whole response):
 *  1. Decode the artifacts. If the conveyed information is (Auth)EnvelopedData,
 *     decrypt it first with ctx->recipient (the device key); its plaintext is
 *     a ContentInfo (SignedData or unsigned), a bare SignedData, or the raw
 *     document, depending on the encryptedContentInfo type.
 *  2. With owner-certificate and ownership-voucher (signed data):
 *     - voucher: SignedData, eContentType id-ct-animaJSONVoucher or id-data; a
 *       signer whose certificate (found among the CMS certificates) chains to a
 *       voucher trust anchor, intermediates from the CMS certificates, and
 *       whose signature verifies;
 *     - voucher contents: voucher_check() (serial, dates, nonce, assertion,
 *       idevid-issuer, revocation policy);
 *     - owner certificate: the certificate of the owner-certificate CMS that
 *       signed the conveyed information path-validates to the voucher's
 *       pinned-domain-cert (it may be that certificate), keyUsage absent or
 *       with digitalSignature; a degenerate or non-degenerate CMS is fine;
 *     - every certificate on both paths, and the pinned-domain-cert itself,
 *       is judged by ctx->clock (trust/clock.h): nothing known to have
 *       expired is accepted, notBefore only with a trusted RTC;
 *     - conveyed information: SignedData (eContentType .43, .42 or id-data)
 *       signed by that owner certificate.
 *  3. Without them (unsigned): a ContentInfo of type .43 / .42 / id-data with
 *     [0] EXPLICIT OCTET STRING. Accepted from a trusted source (TLS validated
 *     against a configured anchor). From an untrusted source only redirect
 *     information is accepted, and its trust anchors are discarded; unsigned
 *     onboarding information from an untrusted source is never accepted.
 *  4. The document is JSON (first non-blank byte '{'), parsed with
 *     conveyed_parse(), or XML ('<'), parsed with conveyed_parse_xml();
 *     eContentType .43 must carry JSON and .42 XML, id-data either.
 *
 * Limits: artifacts are bounded by the sizes of struct verify_work; the
 * response body by JSON_MAX_SIZE (XML_MAX_SIZE, the same), an XML document
 * by the limits of base/xml.h and VERIFY_XML_ELEMS elements.
 */
#ifndef SZTP_VERIFY_H
#define SZTP_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "trust/clock.h"
#include "trust/cms.h"
#include "trust/conveyed.h"
#include "base/err.h"
#include "base/xml.h"
#include "trust/voucher.h"
#include "trust/x509.h"

#define VERIFY_CI_MAX   (JSON_MAX_SIZE / 4 * 3) /* decoded conveyed-information */
#define VERIFY_CMS_MAX  (64 * 1024)             /* owner-certificate, ownership-voucher */
#define VERIFY_XML_ELEMS 1024                   /* elements of an XML output or document */

enum verify_reporting {
	VERIFY_REPORT_MINIMAL = 0,
	VERIFY_REPORT_VERBOSE,
};

/* What the caller knows and trusts. */
struct verify_ctx {
	const char *serial;                     /* device serial (needed for signed data) */
	const struct x509_der *voucher_anchors; /* voucher trust anchors (DER) */
	size_t n_voucher_anchors;
	const uint8_t *nonce;                   /* nonce sent in the request, or NULL */
	size_t nonce_len;
	const struct clock_policy *clock;       /* time and voucher policy (clock.h);
	                                           mandatory for signed data */
	int trusted_source;                     /* TLS validated against a configured anchor */
	const uint8_t *device_cert;             /* IDevID DER, or NULL (idevid-issuer check) */
	size_t device_cert_len;
	const struct cms_recipient *recipient;  /* device key for EnvelopedData, or NULL */
	unsigned assertions;                    /* accepted voucher assertions, 0 = all */
};

/* Scratch space: large, so callers keep it static. */
struct verify_work {
	uint8_t ci[VERIFY_CI_MAX];
	uint8_t plain[VERIFY_CI_MAX];
	uint8_t oc[VERIFY_CMS_MAX];
	uint8_t ov[VERIFY_CMS_MAX];
	uint8_t arena[CONVEYED_ARENA_SIZE];
	struct voucher voucher;
	struct cms_signed_data sd_ov, sd_oc, sd_ci;
	enum cms_type doc_type;  /* the content type that carried the document */
	struct xml_doc xml;      /* an XML output, then an XML document */
	struct xml_elem xml_elems[VERIFY_XML_ELEMS];
	char xml_store[XML_STORE_SIZE(JSON_MAX_SIZE, VERIFY_XML_ELEMS)];
};

/* The verdict. Pointers point into the struct verify_work used. */
struct verify_result {
	const uint8_t *json;       /* the conveyed-information document as received
	                              (JSON, or XML when conveyed_xml) */
	size_t json_len;
	struct conveyed_info info; /* parsed; blobs point into work->arena */
	int signed_data;           /* owner certificate + voucher validated the data */
	int encrypted;             /* the conveyed information was encrypted */
	int trusted;               /* signed, or from a trusted source */
	int anchors_discarded;     /* unsigned redirect from an untrusted source:
	                              its trust anchors were removed from `info` */
	enum verify_reporting reporting_level;
	/* Signed data: what made the voucher fresh (voucher_freshness()), and
	 * its created-on, a time its signer vouched had come (the TPM floor
	 * may be advanced to it, clock_floor_next()); "" and 0 otherwise. */
	char freshness[96];
	time_t signed_time;
	int output_xml;            /* the output came in XML */
	int conveyed_xml;          /* the conveyed information was XML */
	int ns_case;               /* an XML namespace differed from the RFC's in letter case */
	/* The decoded artifacts the verdict rests on, for measurement: the
	 * conveyed information as received (maybe encrypted) and, with signed
	 * data, the ownership voucher and owner certificate CMS. */
	const uint8_t *ci, *ov, *oc;
	size_t ci_len, ov_len, oc_len;
};

/*
 * Verify the response body body[len] under `ctx`, using `work`. Returns 0 with
 * `res` filled, or -1 with `e` naming the failed check (the message starts
 * with the artifact: "ownership-voucher: ...", "owner-certificate: ...",
 * "conveyed-information: ...", "voucher: ...", "response: ...").
 */
int verify_response(const uint8_t *body, size_t len, const struct verify_ctx *ctx,
                    struct verify_work *work, struct verify_result *res, struct err *e);

#endif
