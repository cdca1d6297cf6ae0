/*
 * test_verify_signed.c: verify_response() on signed bootstrapping data
 * (RFC 8572 section 5.4): the voucher's signer chains to a voucher anchor,
 * the owner certificate path-validates to the voucher's pinned-domain-cert,
 * the owner signed the conveyed information, and each artifact carries the
 * eContentType it must. tests/verify/verify.sh runs the same checks through
 * `sztpboot verify`; these make the fast unit suite catch them too.
 *
 * The artifacts (v-*) come from tests/verify/gen-crypto-fixtures.sh
 * ($SZTP_FIXTURES, see crypto_fixtures.h): voucher anchor root, voucher
 * signer ec384, serial SZTP-FIX-0001, owner certificate ec, pinned-domain-cert
 * inter. Each negative case is signed by the right key and differs from the
 * good response in one thing only, so only the check under test can refuse it.
 */
#include "unit.h"

#include <time.h>

#include "base/b64.h"
#include "crypto_fixtures.h"
#include "trust/clock.h"
#include "trust/verify.h"

#define FX_SERIAL "SZTP-FIX-0001"

static struct verify_work work;
static struct verify_result res;
static struct clock_policy clk;
static struct err e;
static uint8_t anchor_der[4096], ci[16384], oc[16384], ov[16384];
static size_t anchor_len, ci_len, oc_len, ov_len;
static char body[65536], b64[3][24576];

/* Load the three artifacts (file names in $SZTP_FIXTURES). */
static void load(const char *ci_name, const char *oc_name, const char *ov_name)
{
	anchor_len = fx_read("root.der", anchor_der, sizeof anchor_der);
	ci_len = fx_read(ci_name, ci, sizeof ci);
	oc_len = fx_read(oc_name, oc, sizeof oc);
	ov_len = fx_read(ov_name, ov, sizeof ov);
}

/* Replace the first occurrence of pat[n] in buf[len] with rep[n] (same
 * length): a DER patch that keeps every length intact. */
static void patch_first(uint8_t *buf, size_t len, const uint8_t *pat, const uint8_t *rep,
                        size_t n)
{
	for (size_t i = 0; i + n <= len; i++) {
		if (memcmp(buf + i, pat, n) == 0) {
			memcpy(buf + i, rep, n);
			return;
		}
	}
	unit_fail(__FILE__, __LINE__, "patch: pattern not found");
}

/* Verify the loaded artifacts as a response from an untrusted server. */
static int run(void)
{
	struct verify_ctx ctx;
	struct x509_der anchor = { anchor_der, anchor_len };
	const uint8_t *art[3] = { ci, oc, ov };
	size_t lens[3] = { ci_len, oc_len, ov_len };

	for (int i = 0; i < 3; i++)
		CHECK(b64_encode(art[i], lens[i], b64[i], sizeof b64[i]) > 0);
	int n = snprintf(body, sizeof body, "{\"ietf-sztp-bootstrap-server:output\":{"
	                 "\"conveyed-information\":\"%s\",\"owner-certificate\":\"%s\","
	                 "\"ownership-voucher\":\"%s\"}}", b64[0], b64[1], b64[2]);
	CHECK(n > 0 && (size_t)n < sizeof body);
	memset(&ctx, 0, sizeof ctx);
	ctx.serial = FX_SERIAL;
	ctx.voucher_anchors = &anchor;
	ctx.n_voucher_anchors = 1;
	clock_policy_exact(&clk, time(NULL));
	ctx.clock = &clk;
	err_clear(&e);
	return verify_response((const uint8_t *)body, (size_t)n, &ctx, &work, &res, &e);
}

/* The eContentType OIDs in DER, and the same-length ones signed in their place. */
static const uint8_t OID_40[] = { 0x06, 0x0B, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09,
	0x10, 0x01, 0x28 };
static const uint8_t OID_41[] = { 0x06, 0x0B, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09,
	0x10, 0x01, 0x29 };
static const uint8_t OID_42[] = { 0x06, 0x0B, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09,
	0x10, 0x01, 0x2A };
static const uint8_t OID_43[] = { 0x06, 0x0B, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09,
	0x10, 0x01, 0x2B };

TEST(verify_signed_good)
{
	load("v-ci.cms", "v-owner.cms", "v-voucher.cms");
	if (run() < 0)
		unit_fail(__FILE__, __LINE__, "good response refused: %s", e.msg);
	CHECK_EQ_INT(res.signed_data, 1);
	CHECK_EQ_INT(res.trusted, 1);
	CHECK_EQ_INT(res.info.kind, CONVEYED_ONBOARDING);
	CHECK_EQ_INT(res.info.onboarding.configuration.len, 3);
}

/* The voucher signer must chain to a voucher anchor: rogue's issuer has
 * root's name but another key. */
TEST(verify_signed_voucher_signer_not_from_anchor)
{
	load("v-ci.cms", "v-owner.cms", "v-voucher-rogue.cms");
	CHECK_EQ_INT(run(), -1);
	CHECK_EQ_STR(e.msg, "ownership-voucher: signer not trusted: x509: no issuer found for "
	             "certificate 0 of the chain (O=Fixture, CN=rogue-leaf)");
	CHECK(res.json == NULL);
}

/* The voucher's own signature. */
TEST(verify_signed_voucher_signature)
{
	load("v-ci.cms", "v-owner.cms", "v-voucher.cms");
	ov[ov_len - 1] ^= 0x01;
	CHECK_EQ_INT(run(), -1);
	CHECK_EQ_STR(e.msg, "ownership-voucher: cms: SignerInfo: ECDSA signature does not verify");
}

/* The owner certificate must path-validate to the pinned-domain-cert: this
 * voucher pins `self`, which did not issue the owner certificate. */
TEST(verify_signed_owner_not_under_pinned_cert)
{
	load("v-ci.cms", "v-owner.cms", "v-voucher-pin-self.cms");
	CHECK_EQ_INT(run(), -1);
	CHECK_EQ_STR(e.msg, "owner-certificate: not valid under the voucher's pinned-domain-cert: "
	             "x509: no issuer found for certificate 0 of the chain "
	             "(O=Fixture, CN=ec-leaf, serialNumber=SZTP-FIX-0001)");
}

/* The owner's signature on the conveyed information. */
TEST(verify_signed_owner_signature)
{
	load("v-ci.cms", "v-owner.cms", "v-voucher.cms");
	ci[ci_len - 1] ^= 0x01;
	CHECK_EQ_INT(run(), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: signature by the owner certificate: cms: "
	             "SignerInfo: ECDSA signature does not verify");
	CHECK(res.json == NULL);
}

/* Conveyed information signed by a key the owner-certificate CMS does not hold. */
TEST(verify_signed_by_other_than_owner)
{
	load("v-ci-by-self.cms", "v-owner.cms", "v-voucher.cms");
	CHECK_EQ_INT(run(), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: not signed by a certificate of the "
	             "owner-certificate CMS");
}

/* Conveyed information signed by the owner, but typed as a voucher. */
TEST(verify_signed_conveyed_econtent_type)
{
	load("v-ci-ect-voucher.cms", "v-owner.cms", "v-voucher.cms");
	CHECK_EQ_INT(run(), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: eContentType id-ct-animaJSONVoucher is not "
	             "id-ct-sztpConveyedInfoJSON, id-ct-sztpConveyedInfoXML or id-data");
}

/* A voucher signed by the voucher signer, but typed as conveyed information. */
TEST(verify_signed_voucher_econtent_type)
{
	load("v-ci.cms", "v-owner.cms", "v-voucher-ect-ci.cms");
	CHECK_EQ_INT(run(), -1);
	CHECK_EQ_STR(e.msg, "ownership-voucher: eContentType id-ct-sztpConveyedInfoJSON is not "
	             "id-ct-animaJSONVoucher or id-data");
}

/*
 * eContentType rewritten after signing (the signed contentType attribute
 * still names the signed type): without the contentType check a signed
 * object's type could be changed without re-signing. The first occurrence
 * of the OID is the eContentType; the attribute comes after it.
 */
TEST(verify_signed_content_type_attribute)
{
	load("v-ci-ect-xml.cms", "v-owner.cms", "v-voucher.cms");
	patch_first(ci, ci_len, OID_42, OID_43, sizeof OID_43);
	CHECK_EQ_INT(run(), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: signature by the owner certificate: cms: "
	             "contentType attribute does not match eContentType");
	load("v-ci.cms", "v-owner.cms", "v-voucher-ect-41.cms");
	patch_first(ov, ov_len, OID_41, OID_40, sizeof OID_40);
	CHECK_EQ_INT(run(), -1);
	CHECK_EQ_STR(e.msg, "ownership-voucher: cms: contentType attribute does not match "
	             "eContentType");
}
