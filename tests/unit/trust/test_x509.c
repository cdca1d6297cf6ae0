/*
 * test_x509.c: certificate helpers and path validation.
 *
 * Needs SZTP_FIXTURES=DIR, written by tests/verify/gen-crypto-fixtures.sh DIR
 * (see tests/unit/crypto_fixtures.h); the tests that need it FAIL without it.
 * Interop vectors are read from SZTP_VECTORS (default ../shared/vectors).
 */
#include "unit.h"

#include <stdint.h>
#include <time.h>

#include "trust/cms.h"
#include "crypto_fixtures.h"
#include "trust/x509.h"

enum { ROOT, FAKEROOT, INTER, EC, EC384, RSA, NOKU, SELF, SHORTROOT, LONGLEAF, BYLEAF, NCERTS };
static const char *const names[NCERTS] = {
	"root.der", "fakeroot.der", "inter.der", "ec.der", "ec384.der", "rsa.der",
	"noku.der", "self.der", "shortroot.der", "longleaf.der", "byleaf.der",
};
static uint8_t bufs[NCERTS][4096];
static struct x509_der c[NCERTS];

static void load_all(void)
{
	for (int i = 0; i < NCERTS; i++) {
		c[i].len = fx_read(names[i], bufs[i], sizeof bufs[i]);
		c[i].der = bufs[i];
	}
}

TEST(x509_parse_fields)
{
	struct x509_cert ec, inter, root;
	struct err e = { "" };
	char sn[64];
	load_all();
	CHECK_EQ_INT(x509_parse(c[EC].der, c[EC].len, &ec, &e), 0);
	CHECK_EQ_INT(x509_parse(c[INTER].der, c[INTER].len, &inter, &e), 0);
	CHECK_EQ_INT(x509_parse(c[ROOT].der, c[ROOT].len, &root, &e), 0);
	CHECK_EQ_INT(ec.version, 3);
	CHECK(ec.ski && ec.aki && inter.ski);
	CHECK_EQ_INT(ec.aki_len, inter.ski_len);
	CHECK_EQ_MEM(ec.aki, inter.ski, ec.aki_len);
	CHECK_EQ_INT(ec.issuer_len, inter.subject_len);
	CHECK_EQ_MEM(ec.issuer, inter.subject, ec.issuer_len);
	CHECK(ec.has_key_usage);
	CHECK_EQ_INT(ec.key_usage, X509_KU_DIGITAL_SIGNATURE | X509_KU_KEY_AGREEMENT);
	CHECK(ec.has_basic_constraints && !ec.is_ca);
	CHECK(inter.is_ca);
	CHECK_EQ_INT(inter.key_usage, X509_KU_KEY_CERT_SIGN | X509_KU_CRL_SIGN);
	CHECK(ec.not_before < ec.not_after);
	CHECK(ec.not_after - ec.not_before == 3650L * 86400);
	CHECK_EQ_INT(x509_subject_serial(&ec, sn, sizeof sn, &e), 0);
	CHECK_EQ_STR(sn, "SZTP-FIX-0001");
	CHECK_EQ_INT(x509_subject_serial(&ec, sn, 5, &e), -1);
	CHECK(strstr(e.msg, "too long"));
	CHECK_EQ_INT(x509_subject_serial(&root, sn, sizeof sn, &e), -1);
	CHECK_EQ_STR(e.msg, "x509: subject has no serialNumber attribute");
	CHECK_EQ_STR(x509_name_str(ec.subject, ec.subject_len, sn, sizeof sn),
		"O=Fixture, CN=ec-leaf, serialNumber=SZTP-FIX-0001");
	CHECK(x509_verify_issued_by(&ec, &(struct x509_pkey){ 0 }.key, &e) == 0);
}

TEST(x509_parse_rejects_garbage)
{
	struct x509_cert x;
	struct err e;
	static uint8_t b[4096];
	load_all();
	memcpy(b, c[EC].der, c[EC].len);
	b[c[EC].len] = 0;
	CHECK_EQ_INT(x509_parse(b, c[EC].len + 1, &x, &e), -1);
	CHECK(strstr(e.msg, "trailing data after Certificate"));
	CHECK_EQ_INT(x509_parse(b, c[EC].len - 1, &x, &e), -1);
	CHECK_EQ_INT(x509_parse(b, 0, &x, &e), -1);
	CHECK_EQ_INT(x509_parse((const uint8_t *)"\x30\x00", 2, &x, &e), -1);
	CHECK(strstr(e.msg, "x509: tbsCertificate"));
}

TEST(x509_pkey_and_anchor)
{
	struct x509_pkey pk;
	struct x509_anchor a;
	struct x509_cert root;
	struct err e;
	load_all();
	CHECK_EQ_INT(x509_get_pkey(c[RSA].der, c[RSA].len, &pk, &e), 0);
	CHECK_EQ_INT(pk.key.key_type, BR_KEYTYPE_RSA);
	CHECK_EQ_INT(x509_get_pkey(c[EC384].der, c[EC384].len, &pk, &e), 0);
	CHECK_EQ_INT(pk.key.key_type, BR_KEYTYPE_EC);
	CHECK_EQ_INT(pk.key.key.ec.curve, BR_EC_secp384r1);
	CHECK_EQ_INT(x509_anchor_from_der(c[ROOT].der, c[ROOT].len, 1, &a, &e), 0);
	CHECK_EQ_INT(x509_parse(c[ROOT].der, c[ROOT].len, &root, &e), 0);
	/* BearSSL's DN is the encoded subject Name */
	CHECK_EQ_INT(a.ta.dn.len, root.subject_len);
	CHECK_EQ_MEM(a.ta.dn.data, root.subject, root.subject_len);
	CHECK_EQ_INT(a.ta.flags, BR_X509_TA_CA);
	CHECK_EQ_INT(x509_get_pkey((const uint8_t *)"\x30\x00", 2, &pk, &e), -1);
	CHECK(strstr(e.msg, "cannot decode public key"));
}

/* The clock: a trusted one reading exactly t, or only a bound (clock.h). */
static struct clock_policy clk;
static const struct clock_policy *AT(time_t t)
{
	clock_policy_exact(&clk, t);
	return &clk;
}
static const struct clock_policy *BOUND(time_t b)
{
	clock_policy_init(&clk, SZTP_CLOCK_FLOOR, b, 0, NULL);
	return &clk;
}

static int validate(int leaf, const int *pool, size_t np, const int *anchors, size_t na,
	const struct clock_policy *now, unsigned flags, struct x509_path *path, struct err *e)
{
	struct x509_der p[NCERTS], a[NCERTS];
	for (size_t i = 0; i < np; i++)
		p[i] = c[pool[i]];
	for (size_t i = 0; i < na; i++)
		a[i] = c[anchors[i]];
	return x509_validate(c[leaf].der, c[leaf].len, p, np, a, na, now, flags, path, e);
}

TEST(x509_validate_chain)
{
	struct x509_path path;
	struct err e = { "" };
	load_all();
	if (validate(EC, (int[]){ INTER }, 1, (int[]){ ROOT }, 1, AT(time(NULL)),
			X509_REQUIRE_DIGITAL_SIGNATURE, &path, &e) < 0)
		unit_fail(__FILE__, __LINE__, "%s", e.msg);
	CHECK_EQ_INT(path.n, 2);
	CHECK(path.certs[0].der == c[EC].der);
	CHECK(path.certs[1].der == c[INTER].der);
	CHECK_EQ_INT(path.anchor, 0);
	CHECK(!path.direct);
	/* a noisy pool, in any order, including the leaf and the root */
	if (validate(RSA, (int[]){ SELF, ROOT, EC, RSA, FAKEROOT, INTER }, 6,
			(int[]){ ROOT }, 1, AT(time(NULL)), 0, &path, &e) < 0)
		unit_fail(__FILE__, __LINE__, "%s", e.msg);
	CHECK_EQ_INT(path.n, 2);
	/* issued directly by the root */
	CHECK_EQ_INT(validate(EC384, NULL, 0, (int[]){ ROOT }, 1, AT(time(NULL)), 0, &path, &e), 0);
	CHECK_EQ_INT(path.n, 1);
	/* the intermediate as the anchor */
	CHECK_EQ_INT(validate(EC, NULL, 0, (int[]){ INTER }, 1, AT(time(NULL)), 0, &path, &e), 0);
	CHECK_EQ_INT(path.n, 1);
}

TEST(x509_same_dn_different_key)
{
	struct x509_path path;
	struct err e;
	load_all();
	/* fakeroot has root's DN but another key: names alone must not do */
	CHECK_EQ_INT(validate(EC, (int[]){ INTER }, 1, (int[]){ FAKEROOT }, 1, AT(time(NULL)), 0,
		&path, &e), -1);
	CHECK(strstr(e.msg, "no issuer found for certificate 1"));
	CHECK_EQ_INT(validate(EC, (int[]){ INTER }, 1, (int[]){ FAKEROOT, ROOT }, 2, AT(time(NULL)),
		0, &path, &e), 0);
	CHECK_EQ_INT(path.anchor, 1);
	/* the fake root in the pool does not help either */
	CHECK_EQ_INT(validate(EC384, (int[]){ FAKEROOT }, 1, (int[]){ SELF }, 1, AT(time(NULL)), 0,
		&path, &e), -1);
}

TEST(x509_missing_intermediate)
{
	struct err e;
	load_all();
	CHECK_EQ_INT(validate(EC, NULL, 0, (int[]){ ROOT }, 1, AT(time(NULL)), 0, NULL, &e), -1);
	CHECK_EQ_STR(e.msg, "x509: no issuer found for certificate 0 of the chain "
		"(O=Fixture, CN=ec-leaf, serialNumber=SZTP-FIX-0001)");
	CHECK_EQ_INT(validate(EC, (int[]){ INTER }, 1, NULL, 0, AT(time(NULL)), 0, NULL, &e), -1);
	CHECK(strstr(e.msg, "no trust anchors"));
}

TEST(x509_validity_times)
{
	struct x509_cert ec;
	struct err e;
	load_all();
	CHECK_EQ_INT(x509_parse(c[EC].der, c[EC].len, &ec, &e), 0);
	CHECK_EQ_INT(validate(EC, (int[]){ INTER }, 1, (int[]){ ROOT }, 1, AT(ec.not_after + 1), 0,
		NULL, &e), -1);
	CHECK(strstr(e.msg, "certificate 0 (O=Fixture, CN=ec-leaf, serialNumber=SZTP-FIX-0001) has expired (notAfter "));
	CHECK_EQ_INT(validate(EC, (int[]){ INTER }, 1, (int[]){ ROOT }, 1, AT(ec.not_before - 1), 0,
		NULL, &e), -1);
	CHECK(strstr(e.msg, "is not yet valid"));
	/* exactly at the edge is fine (BearSSL agrees): the chain's earliest
	 * notAfter (the fixtures are made seconds apart, so the intermediate's
	 * may come before the leaf's). The root is a configured trust anchor:
	 * its own dates count only with X509_ANCHOR_VALIDITY (it is made
	 * first, so its notAfter may be a second earlier still). */
	{
		struct x509_cert in, ro;
		time_t edge = ec.not_after, redge;
		CHECK_EQ_INT(x509_parse(c[INTER].der, c[INTER].len, &in, &e), 0);
		CHECK_EQ_INT(x509_parse(c[ROOT].der, c[ROOT].len, &ro, &e), 0);
		if (in.not_after < edge)
			edge = in.not_after;
		redge = ro.not_after < edge ? ro.not_after : edge;
		CHECK_EQ_INT(validate(EC, (int[]){ INTER }, 1, (int[]){ ROOT }, 1, AT(edge), 0,
			NULL, &e), 0);
		CHECK_EQ_INT(validate(EC, (int[]){ INTER }, 1, (int[]){ ROOT }, 1, AT(edge + 1), 0,
			NULL, &e), -1);
		CHECK_EQ_INT(validate(EC, (int[]){ INTER }, 1, (int[]){ ROOT }, 1, AT(redge),
			X509_ANCHOR_VALIDITY, NULL, &e), 0);
		CHECK_EQ_INT(validate(EC, (int[]){ INTER }, 1, (int[]){ ROOT }, 1, AT(redge + 1),
			X509_ANCHOR_VALIDITY, NULL, &e), -1);
	}
	/* no clock policy: refused, never "not checked" */
	CHECK_EQ_INT(validate(EC, (int[]){ INTER }, 1, (int[]){ ROOT }, 1, NULL, 0, NULL, &e), -1);
	CHECK_EQ_STR(e.msg, "x509: no clock policy to judge validity with");
}

TEST(x509_validity_bound_only)
{
	struct x509_cert ec, in;
	struct clock_policy p;
	struct err e;
	time_t edge;
	load_all();
	CHECK_EQ_INT(x509_parse(c[EC].der, c[EC].len, &ec, &e), 0);
	CHECK_EQ_INT(x509_parse(c[INTER].der, c[INTER].len, &in, &e), 0);
	edge = ec.not_after < in.not_after ? ec.not_after : in.not_after;
	/* without a trusted RTC (RFC 8572 section 9.1): notBefore is not
	 * checked, however far ahead of the bound ... */
	CHECK_EQ_INT(validate(EC, (int[]){ INTER }, 1, (int[]){ ROOT }, 1, BOUND(0), 0,
		NULL, &e), 0);
	CHECK_EQ_INT(validate(EC, (int[]){ INTER }, 1, (int[]){ ROOT }, 1,
		BOUND(ec.not_before - 86400 * 365), 0, NULL, &e), 0);
	/* ... but what expired before the bound is refused */
	CHECK_EQ_INT(validate(EC, (int[]){ INTER }, 1, (int[]){ ROOT }, 1, BOUND(edge), 0,
		NULL, &e), 0);
	CHECK_EQ_INT(validate(EC, (int[]){ INTER }, 1, (int[]){ ROOT }, 1, BOUND(edge + 1), 0,
		NULL, &e), -1);
	CHECK(strstr(e.msg, "has expired (notAfter ") != NULL);
	CHECK(strstr(e.msg, "(build time))") != NULL);
	/* direct trust too */
	CHECK_EQ_INT(validate(SELF, NULL, 0, (int[]){ SELF }, 1, BOUND(ec.not_after + 86400 * 400),
		0, NULL, &e), -1);
	CHECK(strstr(e.msg, "x509: certificate 0 (O=Fixture, CN=self-leaf) has expired") == e.msg);
	/* sztp.clock=rtc with an RTC before the build time: notBefore against
	 * the RTC, expiry against the build time */
	clock_policy_init(&p, SZTP_CLOCK_RTC, edge + 1, ec.not_before, NULL);
	CHECK_EQ_INT(validate(EC, (int[]){ INTER }, 1, (int[]){ ROOT }, 1, &p, 0, NULL, &e), -1);
	CHECK(strstr(e.msg, "has expired") != NULL);
	clock_policy_init(&p, SZTP_CLOCK_RTC, ec.not_before, ec.not_before - 1, NULL);
	CHECK_EQ_INT(validate(EC, (int[]){ INTER }, 1, (int[]){ ROOT }, 1, &p, 0, NULL, &e), -1);
	CHECK(strstr(e.msg, "is not yet valid (notBefore ") != NULL);
	CHECK(strstr(e.msg, "after the RTC ") != NULL);
}

TEST(x509_anchor_validity)
{
	struct x509_cert sr;
	struct err e;
	load_all();
	CHECK_EQ_INT(x509_parse(c[SHORTROOT].der, c[SHORTROOT].len, &sr, &e), 0);
	/* a configured anchor is not validated (RFC 5280 section 6.1) ... */
	CHECK_EQ_INT(validate(LONGLEAF, NULL, 0, (int[]){ SHORTROOT }, 1, BOUND(sr.not_after + 1),
		0, NULL, &e), 0);
	/* ... one that came with the data (a pinned-domain-cert) is */
	CHECK_EQ_INT(validate(LONGLEAF, NULL, 0, (int[]){ SHORTROOT }, 1, BOUND(sr.not_after),
		X509_ANCHOR_VALIDITY, NULL, &e), 0);
	CHECK_EQ_INT(validate(LONGLEAF, NULL, 0, (int[]){ SHORTROOT }, 1, BOUND(sr.not_after + 1),
		X509_ANCHOR_VALIDITY, NULL, &e), -1);
	CHECK(strstr(e.msg, "x509: the trust anchor (O=Fixture, CN=Fixture Short Root) has expired "
		"(notAfter ") == e.msg);
}

TEST(x509_key_usage)
{
	struct err e;
	load_all();
	CHECK_EQ_INT(validate(NOKU, (int[]){ INTER }, 1, (int[]){ ROOT }, 1, AT(time(NULL)),
		X509_REQUIRE_DIGITAL_SIGNATURE, NULL, &e), -1);
	CHECK_EQ_STR(e.msg, "x509: certificate keyUsage lacks digitalSignature");
	CHECK_EQ_INT(validate(NOKU, (int[]){ INTER }, 1, (int[]){ ROOT }, 1, AT(time(NULL)), 0,
		NULL, &e), 0);
}

TEST(x509_direct_trust)
{
	struct x509_path path;
	struct err e;
	load_all();
	CHECK_EQ_INT(validate(SELF, NULL, 0, (int[]){ ROOT, SELF }, 2, AT(time(NULL)),
		X509_REQUIRE_DIGITAL_SIGNATURE, &path, &e), 0);
	CHECK(path.direct);
	CHECK_EQ_INT(path.anchor, 1);
	/* a leaf that is itself pinned, though issued by a CA */
	CHECK_EQ_INT(validate(EC, NULL, 0, (int[]){ EC }, 1, AT(time(NULL)), 0, &path, &e), 0);
	CHECK(path.direct);
	CHECK_EQ_INT(validate(NOKU, NULL, 0, (int[]){ NOKU }, 1, AT(time(NULL)),
		X509_REQUIRE_DIGITAL_SIGNATURE, &path, &e), -1);
	CHECK(strstr(e.msg, "lacks digitalSignature"));
	/* self-signed but not an anchor */
	CHECK_EQ_INT(validate(SELF, NULL, 0, (int[]){ ROOT }, 1, AT(time(NULL)), 0, &path, &e), -1);
	CHECK(strstr(e.msg, "chain ends at self-signed certificate 0"));
}

TEST(x509_tampered_certificate)
{
	struct err e;
	static uint8_t b[4096];
	struct x509_cert x;
	struct x509_der pool[1], anchor[1];
	load_all();
	CHECK_EQ_INT(x509_parse(c[EC].der, c[EC].len, &x, &e), 0);
	memcpy(b, c[EC].der, c[EC].len);
	/* change one byte of the subject: the signature no longer matches */
	b[x.subject - c[EC].der + x.subject_len - 1] ^= 0x01;
	pool[0] = c[INTER];
	anchor[0] = c[ROOT];
	CHECK_EQ_INT(x509_validate(b, c[EC].len, pool, 1, anchor, 1, AT(time(NULL)), 0, NULL, &e), -1);
	CHECK(strstr(e.msg, "no issuer found for certificate 0"));
}

/* ---------------------------------------------------------------- vectors */

static uint8_t vbuf[65536];
static struct cms_signed_data sd;

static void load_bundle(const char *name)
{
	struct err e = { "" };
	size_t n = fx_read_vector(name, vbuf, sizeof vbuf);
	if (cms_parse_signed(vbuf, n, &sd, &e) < 0)
		unit_fail(__FILE__, __LINE__, "%s: %s", name, e.msg);
}

TEST(x509_vectors_owner_chain)
{
	struct x509_der pool[CMS_MAX_CERTS], anchor;
	struct x509_path path;
	struct err e = { "" };
	load_bundle("cert-bundles/owner_cert_chain.cms");
	CHECK_EQ_INT(sd.n_certs, 2);
	for (size_t i = 0; i < sd.n_certs; i++) {
		pool[i].der = sd.certs[i].raw;
		pool[i].len = sd.certs[i].raw_len;
	}
	anchor = pool[1];   /* SZTP-Pinned-Domain-Cert */
	if (x509_validate(pool[0].der, pool[0].len, pool, 2, &anchor, 1, BOUND(0),
			X509_REQUIRE_DIGITAL_SIGNATURE, &path, &e) < 0)
		unit_fail(__FILE__, __LINE__, "%s", e.msg);
	CHECK_EQ_INT(path.n, 1);
	/* the pinned cert must not validate against the owner cert */
	anchor = pool[0];
	CHECK_EQ_INT(x509_validate(pool[1].der, pool[1].len, pool, 2, &anchor, 1, BOUND(0),
		0, &path, &e), -1);
}

TEST(x509_vectors_redirect_trust_anchor)
{
	struct x509_der ca, anchor;
	struct x509_cert root;
	struct err e = { "" };
	load_bundle("sztpd-unsigned/redirect-trust-anchor.cms");
	anchor.der = sd.certs[0].raw;
	anchor.len = sd.certs[0].raw_len;
	ca.der = sd.certs[1].raw;
	ca.len = sd.certs[1].raw_len;
	CHECK_EQ_INT(x509_parse(anchor.der, anchor.len, &root, &e), 0);
	CHECK_EQ_INT(root.not_after, 253402300799LL);   /* 9999-12-31T23:59:59Z */
	if (x509_validate(ca.der, ca.len, NULL, 0, &anchor, 1, AT(time(NULL)), 0, NULL, &e) < 0)
		unit_fail(__FILE__, __LINE__, "%s", e.msg);
}

TEST(x509_vectors_cisco_sudi)
{
	struct x509_der pool[CMS_MAX_CERTS], anchors[2];
	struct x509_path path;
	struct err e = { "" };
	load_bundle("cert-bundles/cisco_sudi_ta_chain.cms");
	CHECK_EQ_INT(sd.n_certs, 4);
	for (size_t i = 0; i < sd.n_certs; i++) {
		pool[i].der = sd.certs[i].raw;
		pool[i].len = sd.certs[i].raw_len;
	}
	anchors[0] = pool[0];   /* Cisco Root CA 2099 */
	anchors[1] = pool[2];   /* Cisco Root CA 2048 */
	/* ACT2 SUDI CA is signed by Root CA 2048 with SHA-1: refused, by name */
	CHECK_EQ_INT(x509_validate(pool[3].der, pool[3].len, pool, 4, anchors, 2, BOUND(0),
		0, &path, &e), -1);
	CHECK(strstr(e.msg, "a candidate issuer failed: unsupported signature algorithm "
		"sha1WithRSAEncryption"));
	/* HA SUDI CA chains to Root CA 2099 (RSA, SHA-256) */
	if (x509_validate(pool[1].der, pool[1].len, pool, 4, anchors, 2, BOUND(0), 0,
			&path, &e) < 0)
		unit_fail(__FILE__, __LINE__, "HA: %s", e.msg);
	CHECK_EQ_INT(path.anchor, 0);
	CHECK_EQ_INT(x509_validate(pool[1].der, pool[1].len, pool, 4, &anchors[1], 1, BOUND(0),
		0, &path, &e), -1);
}

/* byleaf is signed by ec, a leaf (CA:false, no keyCertSign): the names, key
 * identifiers and signatures chain up to root, but only a CA may issue. */
TEST(x509_issuer_must_be_a_ca)
{
	struct x509_path path;
	struct err e;
	load_all();
	CHECK_EQ_INT(validate(BYLEAF, (int[]){ EC, INTER }, 2, (int[]){ ROOT }, 1, AT(time(NULL)), 0,
		&path, &e), -1);
	CHECK_EQ_STR(e.msg, "x509: chain validation failed: issuer is not a CA (BearSSL error 58)");
}
