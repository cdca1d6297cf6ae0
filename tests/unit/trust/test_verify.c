/*
 * test_verify.c: verify_response() on responses built in memory: the unsigned
 * paths and the response-level checks. The signed paths need a PKI and are
 * covered end to end by tests/verify/verify.sh.
 */
#include "unit.h"

#include <stdlib.h>

#include "base/b64.h"
#include "trust/verify.h"

static const uint8_t OID_CI_JSON_DER[] = { 0x06, 0x0B, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D,
	0x01, 0x09, 0x10, 0x01, 0x2B };
static const uint8_t OID_CI_XML_DER[] = { 0x06, 0x0B, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D,
	0x01, 0x09, 0x10, 0x01, 0x2A };
static const uint8_t OID_DATA_DER[] = { 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D,
	0x01, 0x07, 0x01 };
static const uint8_t OID_ENV_DER[] = { 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D,
	0x01, 0x07, 0x03 };

static struct verify_work work;
static struct verify_result res;
static struct err e;

/* Append a TLV (definite, minimal length) to out; returns the new length. */
static size_t tlv(uint8_t *out, size_t at, uint8_t tag, const uint8_t *v, size_t n)
{
	out[at++] = tag;
	if (n < 0x80) {
		out[at++] = (uint8_t)n;
	} else if (n < 0x100) {
		out[at++] = 0x81;
		out[at++] = (uint8_t)n;
	} else {
		out[at++] = 0x82;
		out[at++] = (uint8_t)(n >> 8);
		out[at++] = (uint8_t)n;
	}
	if (n)
		memmove(out + at, v, n);
	return at + n;
}

/* ContentInfo { oid, [0] EXPLICIT OCTET STRING doc } into out. */
static size_t content_info(uint8_t *out, const uint8_t *oid, size_t oid_len,
                           const char *doc, size_t doc_len)
{
	static uint8_t a[8192], b[8192];
	size_t n = tlv(a, 0, 0x04, (const uint8_t *)doc, doc_len);
	n = tlv(b, 0, 0xA0, a, n);
	memcpy(a, oid, oid_len);
	memcpy(a + oid_len, b, n);
	return tlv(out, 0, 0x30, a, oid_len + n);
}

/* The response body around a conveyed-information DER. */
static size_t response(char *out, size_t cap, const uint8_t *ci, size_t ci_len,
                       const char *extra)
{
	static char b64[16384];
	CHECK(b64_encode(ci, ci_len, b64, sizeof b64) > 0);
	int n = snprintf(out, cap, "{\"ietf-sztp-bootstrap-server:output\":{\"conveyed-information\":\"%s\"%s}}",
	                 b64, extra ? extra : "");
	CHECK(n > 0 && (size_t)n < cap);
	return (size_t)n;
}

static int run(const char *body, size_t len, int trusted)
{
	static struct clock_policy clock;
	struct verify_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.trusted_source = trusted;
	clock_policy_exact(&clock, 1800000000);
	ctx.clock = &clock;
	err_clear(&e);
	return verify_response((const uint8_t *)body, len, &ctx, &work, &res, &e);
}

static const char ONB[] =
	"{\"ietf-sztp-conveyed-info:onboarding-information\":{\"configuration-handling\":\"merge\","
	"\"configuration\":\"Y2Zn\"}}";
static const char RED[] =
	"{\"ietf-sztp-conveyed-info:redirect-information\":{\"bootstrap-server\":"
	"[{\"address\":\"192.0.2.7\",\"trust-anchor\":\"MAA=\"},{\"address\":\"198.51.100.1\",\"port\":9443}]}}";

static uint8_t der[16384];
static char body[32768];

TEST(verify_unsigned_onboarding_trusted)
{
	size_t n = content_info(der, OID_CI_JSON_DER, sizeof OID_CI_JSON_DER, ONB, strlen(ONB));
	size_t len = response(body, sizeof body, der, n, ",\"reporting-level\":\"verbose\"");
	CHECK_EQ_INT(run(body, len, 1), 0);
	CHECK_EQ_INT(res.trusted, 1);
	CHECK_EQ_INT(res.signed_data, 0);
	CHECK_EQ_INT(res.encrypted, 0);
	CHECK_EQ_INT(res.reporting_level, VERIFY_REPORT_VERBOSE);
	CHECK_EQ_INT(res.json_len, strlen(ONB));
	CHECK_EQ_MEM(res.json, ONB, strlen(ONB));
	CHECK_EQ_INT(res.info.kind, CONVEYED_ONBOARDING);
	CHECK_EQ_INT(res.info.onboarding.configuration.len, 3);
}

TEST(verify_unsigned_onboarding_untrusted_rejected)
{
	size_t n = content_info(der, OID_CI_JSON_DER, sizeof OID_CI_JSON_DER, ONB, strlen(ONB));
	size_t len = response(body, sizeof body, der, n, NULL);
	CHECK_EQ_INT(run(body, len, 0), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: unsigned onboarding information from an untrusted source");
	CHECK(res.json == NULL);
	CHECK_EQ_INT(res.info.kind, CONVEYED_NONE);
}

TEST(verify_unsigned_redirect_untrusted_drops_anchors)
{
	size_t n = content_info(der, OID_DATA_DER, sizeof OID_DATA_DER, RED, strlen(RED));
	size_t len = response(body, sizeof body, der, n, NULL);
	CHECK_EQ_INT(run(body, len, 0), 0);
	CHECK_EQ_INT(res.trusted, 0);
	CHECK_EQ_INT(res.anchors_discarded, 1);
	CHECK_EQ_INT(res.reporting_level, VERIFY_REPORT_MINIMAL);
	CHECK_EQ_INT(res.info.kind, CONVEYED_REDIRECT);
	CHECK_EQ_INT(res.info.redirect.n_servers, 2);
	CHECK(res.info.redirect.servers[0].trust_anchor.data == NULL);
	CHECK_EQ_INT(res.info.redirect.servers[0].trust_anchor.len, 0);
	CHECK_EQ_INT(res.info.redirect.servers[1].port, 9443);
	/* trusted: the anchors stay */
	CHECK_EQ_INT(run(body, len, 1), 0);
	CHECK_EQ_INT(res.trusted, 1);
	CHECK_EQ_INT(res.anchors_discarded, 0);
	CHECK_EQ_INT(res.info.redirect.servers[0].trust_anchor.len, 2);
}

static const char ONB_XML[] =
	"<onboarding-information xmlns=\"urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info\">"
	"<configuration-handling>merge</configuration-handling><configuration>Y2Zn</configuration>"
	"</onboarding-information>";

TEST(verify_content_type_rules)
{
	size_t n, len;
	/* .42 carries XML, id-data either */
	n = content_info(der, OID_CI_XML_DER, sizeof OID_CI_XML_DER, ONB_XML, strlen(ONB_XML));
	len = response(body, sizeof body, der, n, NULL);
	CHECK_EQ_INT(run(body, len, 1), 0);
	CHECK_EQ_INT(res.conveyed_xml, 1);
	CHECK_EQ_INT(res.output_xml, 0);
	CHECK_EQ_INT(res.info.kind, CONVEYED_ONBOARDING);
	CHECK_EQ_INT(res.info.onboarding.configuration.len, 3);
	CHECK_EQ_INT(res.json_len, strlen(ONB_XML));
	n = content_info(der, OID_DATA_DER, sizeof OID_DATA_DER, ONB_XML, strlen(ONB_XML));
	len = response(body, sizeof body, der, n, NULL);
	CHECK_EQ_INT(run(body, len, 1), 0);
	CHECK_EQ_INT(res.conveyed_xml, 1);
	/* but never the other way round */
	n = content_info(der, OID_CI_XML_DER, sizeof OID_CI_XML_DER, ONB, strlen(ONB));
	len = response(body, sizeof body, der, n, NULL);
	CHECK_EQ_INT(run(body, len, 1), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: eContentType id-ct-sztpConveyedInfoXML, but the document is not XML");
	n = content_info(der, OID_CI_JSON_DER, sizeof OID_CI_JSON_DER, ONB_XML, strlen(ONB_XML));
	len = response(body, sizeof body, der, n, NULL);
	CHECK_EQ_INT(run(body, len, 1), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: eContentType id-ct-sztpConveyedInfoJSON, but the document is XML");
	n = content_info(der, OID_DATA_DER, sizeof OID_DATA_DER, "  <x/>", 6);
	len = response(body, sizeof body, der, n, NULL);
	CHECK_EQ_INT(run(body, len, 1), -1);
	CHECK(strstr(e.msg, "conveyed-information: the XML root element is <x>") == e.msg);
	n = content_info(der, OID_DATA_DER, sizeof OID_DATA_DER, "hello", 5);
	len = response(body, sizeof body, der, n, NULL);
	CHECK_EQ_INT(run(body, len, 1), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: the document is neither JSON nor XML");
	/* JSON but not conveyed information */
	n = content_info(der, OID_DATA_DER, sizeof OID_DATA_DER, "{}", 2);
	len = response(body, sizeof body, der, n, NULL);
	CHECK_EQ_INT(run(body, len, 1), -1);
	CHECK(strstr(e.msg, "conveyed-information: neither") == e.msg);
	/* XML conveyed information with a DOCTYPE */
	static const char dt[] = "<!DOCTYPE o [<!ENTITY a 'b'>]><onboarding-information/>";
	n = content_info(der, OID_CI_XML_DER, sizeof OID_CI_XML_DER, dt, strlen(dt));
	len = response(body, sizeof body, der, n, NULL);
	CHECK_EQ_INT(run(body, len, 1), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: line 1: DOCTYPE o refused (no DTD processing, no entities)");
}

/* The output in XML: the same verdicts as in JSON. */
TEST(verify_xml_output)
{
	static char b64[16384], xml[32768];
	size_t n = content_info(der, OID_CI_JSON_DER, sizeof OID_CI_JSON_DER, ONB, strlen(ONB));
	CHECK(b64_encode(der, n, b64, sizeof b64) > 0);
	snprintf(xml, sizeof xml, "<?xml version=\"1.0\"?>\n<output xmlns=\"urn:ietf:params:xml:ns:yang:ietf-SZTP-bootstrap-server\">\n"
	         "<reporting-level>verbose</reporting-level>\n<conveyed-information>\n%s\n</conveyed-information>\n</output>\n", b64);
	CHECK_EQ_INT(run(xml, strlen(xml), 1), 0);
	CHECK_EQ_INT(res.output_xml, 1);
	CHECK_EQ_INT(res.ns_case, 1);
	CHECK_EQ_INT(res.conveyed_xml, 0);
	CHECK_EQ_INT(res.reporting_level, VERIFY_REPORT_VERBOSE);
	CHECK_EQ_INT(res.info.kind, CONVEYED_ONBOARDING);
	CHECK_EQ_MEM(res.json, ONB, strlen(ONB));
	/* unsigned onboarding from an untrusted source: refused in XML too */
	CHECK_EQ_INT(run(xml, strlen(xml), 0), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: unsigned onboarding information from an untrusted source");
	/* owner-certificate alone */
	snprintf(xml, sizeof xml, "<output xmlns=\"urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server\">"
	         "<conveyed-information>%s</conveyed-information><owner-certificate>MAA=</owner-certificate></output>", b64);
	CHECK_EQ_INT(run(xml, strlen(xml), 1), -1);
	CHECK_EQ_STR(e.msg, "response: owner-certificate and ownership-voucher must come together (got only owner-certificate)");
	/* XML in, XML out: both encodings at once */
	n = content_info(der, OID_CI_XML_DER, sizeof OID_CI_XML_DER, ONB_XML, strlen(ONB_XML));
	CHECK(b64_encode(der, n, b64, sizeof b64) > 0);
	snprintf(xml, sizeof xml, "<output xmlns=\"urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server\">"
	         "<conveyed-information>%s</conveyed-information></output>", b64);
	CHECK_EQ_INT(run(xml, strlen(xml), 1), 0);
	CHECK_EQ_INT(res.output_xml, 1);
	CHECK_EQ_INT(res.ns_case, 0);
	CHECK_EQ_INT(res.conveyed_xml, 1);
	CHECK_EQ_INT(res.info.onboarding.handling, CONVEYED_HANDLING_MERGE);
}

TEST(verify_encrypted_needs_a_key)
{
	/* ContentInfo { id-envelopedData, [0] SEQUENCE {} }: refused before parsing */
	uint8_t inner[32], x[64];
	size_t n = tlv(inner, 0, 0x30, NULL, 0);
	n = tlv(x, 0, 0xA0, inner, n);
	memmove(x + sizeof OID_ENV_DER, x, n);
	memcpy(x, OID_ENV_DER, sizeof OID_ENV_DER);
	n = tlv(der, 0, 0x30, x, n + sizeof OID_ENV_DER);
	size_t len = response(body, sizeof body, der, n, NULL);
	CHECK_EQ_INT(run(body, len, 1), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: encrypted, but no device private key is available");
}

TEST(verify_response_level_checks)
{
	size_t n = content_info(der, OID_CI_JSON_DER, sizeof OID_CI_JSON_DER, ONB, strlen(ONB));
	size_t len = response(body, sizeof body, der, n, ",\"owner-certificate\":\"MAA=\"");
	CHECK_EQ_INT(run(body, len, 1), -1);
	CHECK_EQ_STR(e.msg, "response: owner-certificate and ownership-voucher must come together (got only owner-certificate)");
	len = response(body, sizeof body, der, n, ",\"ownership-voucher\":\"MAA=\"");
	CHECK_EQ_INT(run(body, len, 1), -1);
	CHECK(strstr(e.msg, "(got only ownership-voucher)") != NULL);
	len = response(body, sizeof body, der, n, ",\"reporting-level\":3");
	CHECK_EQ_INT(run(body, len, 1), -1);
	CHECK_EQ_STR(e.msg, "response: \"reporting-level\" must be a string, got number");
	len = response(body, sizeof body, der, n, ",\"conveyed-information\":\"MAA=\"");
	CHECK_EQ_INT(run(body, len, 1), -1);
	CHECK(strstr(e.msg, "more than once") != NULL);
	len = response(body, sizeof body, der, n, ",\"owner-certificate\":\"\",\"ownership-voucher\":\"\"");
	CHECK_EQ_INT(run(body, len, 1), -1);
	CHECK_EQ_STR(e.msg, "owner-certificate: empty");
	/* unknown members are ignored */
	len = response(body, sizeof body, der, n, ",\"x-vendor\":{\"a\":[1,2]}");
	CHECK_EQ_INT(run(body, len, 1), 0);
	static const char *bad[] = { "", "[]", "{}", "{\"ietf-sztp-bootstrap-server:output\":[]}",
		"{\"ietf-sztp-bootstrap-server:output\":{}}" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_EQ_INT(run(bad[i], strlen(bad[i]), 1), -1);
		CHECK(strstr(e.msg, "response: ") == e.msg);
	}
}

TEST(verify_der_damage)
{
	size_t n = content_info(der, OID_CI_JSON_DER, sizeof OID_CI_JSON_DER, ONB, strlen(ONB));
	size_t len;
	/* truncated */
	len = response(body, sizeof body, der, n - 1, NULL);
	CHECK_EQ_INT(run(body, len, 1), -1);
	CHECK(strstr(e.msg, "conveyed-information: cms: ") == e.msg);
	/* trailing byte */
	der[n] = 0;
	len = response(body, sizeof body, der, n + 1, NULL);
	CHECK_EQ_INT(run(body, len, 1), -1);
	CHECK(strstr(e.msg, "trailing") != NULL);
	/* indefinite outer length */
	uint8_t *p = malloc(n + 2);
	CHECK(p != NULL);
	size_t hdr = der[1] & 0x80 ? 2 + (der[1] & 0x7F) : 2;
	p[0] = 0x30;
	p[1] = 0x80;
	memcpy(p + 2, der + hdr, n - hdr);
	p[2 + n - hdr] = 0;
	p[3 + n - hdr] = 0;
	len = response(body, sizeof body, p, n - hdr + 4, NULL);
	free(p);
	CHECK_EQ_INT(run(body, len, 1), -1);
	CHECK(strstr(e.msg, "indefinite length") != NULL);
}

/* The SZTPD vector, unsigned, as received from a trusted server. */
TEST(verify_sztpd_vector)
{
	const char *paths[] = { "../shared/vectors/sztpd-unsigned/conveyed-L488.cms",
		"/work/shared/vectors/sztpd-unsigned/conveyed-L488.cms" };
	FILE *f = NULL;
	for (size_t i = 0; i < 2 && !f; i++)
		f = fopen(paths[i], "rb");
	if (!f) {
		printf("  (vector not found, skipped)\n");
		return;
	}
	size_t n = fread(der, 1, sizeof der, f);
	fclose(f);
	size_t len = response(body, sizeof body, der, n, NULL);
	CHECK_EQ_INT(run(body, len, 1), 0);
	CHECK_EQ_INT(res.info.kind, CONVEYED_ONBOARDING);
	CHECK_EQ_INT(res.info.onboarding.boot_image.n_uris, 2);
	CHECK_EQ_INT(run(body, len, 0), -1);
}
