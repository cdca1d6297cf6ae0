/* test_voucher.c: RFC 3339 dates, voucher JSON, and each voucher check. */
#include "unit.h"

#include "trust/voucher.h"

static struct err e;

static time_t T(const char *s)
{
	time_t t = 0;
	if (rfc3339_parse(s, &t, &e) < 0)
		unit_fail(__FILE__, __LINE__, "rfc3339_parse(\"%s\"): %s", s, e.msg);
	return t;
}

TEST(rfc3339_basic_forms)
{
	CHECK_EQ_INT(T("1970-01-01T00:00:00Z"), 0);
	CHECK_EQ_INT(T("2000-01-01T00:00:00Z"), 946684800);
	CHECK_EQ_INT(T("2024-02-29T12:34:56Z"), 1709210096);
	CHECK_EQ_INT(T("2024-02-29t12:34:56z"), 1709210096);
	/* fractional seconds are truncated */
	CHECK_EQ_INT(T("2024-02-29T12:34:56.999999Z"), 1709210096);
	CHECK_EQ_INT(T("2024-02-29T12:34:56.1+00:00"), 1709210096);
	/* offsets: local time minus offset */
	CHECK_EQ_INT(T("2024-02-29T14:34:56+02:00"), 1709210096);
	CHECK_EQ_INT(T("2024-02-29T07:04:56-05:30"), 1709210096);
	CHECK_EQ_INT(T("2024-03-01T00:00:00+23:59"), T("2024-02-29T00:01:00Z"));
	/* leap second */
	CHECK_EQ_INT(T("2016-12-31T23:59:60Z"), T("2017-01-01T00:00:00Z"));
	/* far future: 64-bit time_t */
	CHECK(T("9999-12-31T23:59:59Z") > 0);
}

TEST(rfc3339_rejects)
{
	static const char *bad[] = {
		"", "2024-02-29", "2024-02-29T12:34:56", "2024-02-29 12:34:56Z",
		"2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
		"2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z", "2024-01-00T00:00:00Z",
		"2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z", "2024-01-01T00:00:61Z",
		"2024-01-01T00:00:00.Z", "2024-01-01T00:00:00+2:00", "2024-01-01T00:00:00+02",
		"2024-01-01T00:00:00+24:00", "2024-01-01T00:00:00+02:60",
		"2024-01-01T00:00:00Zjunk", "2024-1-01T00:00:00Z", "+024-01-01T00:00:00Z",
		"2024-01-01T00:00:00ZZ", "2024-01-01T00:00:00 Z",
	};
	time_t t;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (rfc3339_parse(bad[i], &t, &e) == 0)
			unit_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
		CHECK(strstr(e.msg, "RFC 3339") != NULL);
	}
	CHECK_EQ_INT(rfc3339_parse(NULL, &t, &e), -1);
	/* 2000 is a leap year, 2100 is not */
	CHECK_EQ_INT(rfc3339_parse("2000-02-29T00:00:00Z", &t, &e), 0);
	CHECK_EQ_INT(rfc3339_parse("2100-02-29T00:00:00Z", &t, &e), -1);
}

/* A voucher document with the given members (inserted into the object). */
static struct voucher v;
static int vparse(const char *members)
{
	char buf[2048];
	snprintf(buf, sizeof buf, "{\"ietf-voucher:voucher\":{%s}}", members);
	err_clear(&e);
	return voucher_parse((const uint8_t *)buf, strlen(buf), &v, &e);
}

#define BASE "\"created-on\":\"2024-01-01T00:00:00Z\",\"assertion\":\"verified\"," \
             "\"serial-number\":\"SN1\",\"pinned-domain-cert\":\"MAMCAQE=\""

TEST(voucher_parse_fields)
{
	CHECK_EQ_INT(vparse(BASE ",\"nonce\":\"AAECAwQFBgcICQoLDA0ODw==\","
	                    "\"idevid-issuer\":\"BBQ=\",\"domain-cert-revocation-checks\":false,"
	                    "\"last-renewal-date\":\"2024-06-01T00:00:00Z\",\"x-other\":[1]"), 0);
	CHECK_EQ_INT(v.created_on, 1704067200);
	CHECK_EQ_INT(v.assertion, VOUCHER_ASSERT_VERIFIED);
	CHECK_EQ_STR(v.serial, "SN1");
	CHECK_EQ_INT(v.pinned_domain_cert_len, 5);
	CHECK_EQ_INT(v.has_nonce, 1);
	CHECK_EQ_INT(v.nonce_len, 16);
	CHECK_EQ_INT(v.nonce[15], 15);
	CHECK_EQ_INT(v.has_idevid_issuer, 1);
	CHECK_EQ_INT(v.idevid_issuer_len, 2);
	CHECK_EQ_INT(v.has_revocation_checks, 1);
	CHECK_EQ_INT(v.revocation_checks, 0);
	CHECK_EQ_INT(v.has_last_renewal, 1);
	CHECK_EQ_INT(v.has_expires_on, 0);
}

TEST(voucher_parse_rejects)
{
	CHECK_EQ_INT(vparse("\"assertion\":\"verified\",\"serial-number\":\"SN1\",\"pinned-domain-cert\":\"MAMCAQE=\""), -1);
	CHECK_EQ_STR(e.msg, "voucher: missing mandatory \"created-on\"");
	CHECK_EQ_INT(vparse("\"created-on\":\"2024-01-01T00:00:00Z\",\"assertion\":\"verified\",\"pinned-domain-cert\":\"MAMCAQE=\""), -1);
	CHECK_EQ_STR(e.msg, "voucher: missing mandatory \"serial-number\"");
	CHECK_EQ_INT(vparse("\"created-on\":\"2024-01-01T00:00:00Z\",\"assertion\":\"verified\",\"serial-number\":\"SN1\""), -1);
	CHECK_EQ_STR(e.msg, "voucher: missing mandatory \"pinned-domain-cert\"");
	CHECK_EQ_INT(vparse(BASE ",\"expires-on\":\"tomorrow\""), -1);
	CHECK(strstr(e.msg, "voucher: \"expires-on\": bad RFC 3339") == e.msg);
	CHECK_EQ_INT(vparse(BASE ",\"nonce\":\"@@@\""), -1);
	CHECK(strstr(e.msg, "voucher: \"nonce\": base64") == e.msg);
	CHECK_EQ_INT(vparse(BASE ",\"domain-cert-revocation-checks\":\"false\""), -1);
	CHECK_EQ_STR(e.msg, "voucher: \"domain-cert-revocation-checks\" must be a boolean, got string");
	CHECK_EQ_INT(vparse(BASE ",\"serial-number\":\"SN2\""), -1);
	CHECK(strstr(e.msg, "more than once") != NULL);
	CHECK_EQ_INT(vparse(BASE ",\"nonce\":\"\""), -1);
	CHECK_EQ_STR(e.msg, "voucher: \"nonce\" is empty");
	CHECK_EQ_INT(voucher_parse((const uint8_t *)"{}", 2, &v, &e), -1);
	CHECK_EQ_STR(e.msg, "voucher: missing mandatory \"ietf-voucher:voucher\"");
	CHECK_EQ_INT(voucher_parse((const uint8_t *)"\xef\xbf\xbd", 3, &v, &e), -1);
	CHECK(strstr(e.msg, "voucher: malformed JSON") == e.msg);
}

static const uint8_t nonce16[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
static struct voucher_policy pol;
static struct clock_policy clk;

/* BASE's created-on is 2024-01-01T00:00:00Z (1704067200). */
#define CREATED ((time_t)1704067200)

/* A trusted clock reading exactly `t`. */
static void at(time_t t)
{
	clock_policy_exact(&clk, t);
}

/* sztp.clock=floor: no RTC, the bound is `bound` (build time). */
static void bound_only(time_t bound)
{
	clock_policy_init(&clk, SZTP_CLOCK_FLOOR, bound, 0, NULL);
}

static void policy(void)
{
	memset(&pol, 0, sizeof pol);
	pol.serial = "SN1";
	at(CREATED + 3600); /* an hour after created-on */
	pol.clock = &clk;
}

TEST(voucher_check_accepts_plain)
{
	CHECK_EQ_INT(vparse(BASE), 0);
	policy();
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
	/* created-on == now is fine */
	at(v.created_on);
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
	/* no clock policy: refused, never "not checked" */
	pol.clock = NULL;
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
	CHECK_EQ_STR(e.msg, "voucher: no clock policy to judge it with");
}

TEST(voucher_check_serial)
{
	CHECK_EQ_INT(vparse(BASE), 0);
	policy();
	pol.serial = "SN2";
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
	CHECK_EQ_STR(e.msg, "voucher: serial-number \"SN1\" does not match device \"SN2\"");
	pol.serial = "sn1"; /* case matters */
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
	pol.serial = NULL;
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
	CHECK(strstr(e.msg, "serial number is not known") != NULL);
}

TEST(voucher_check_dates_trusted_rtc)
{
	CHECK_EQ_INT(vparse(BASE ",\"expires-on\":\"2024-01-02T00:00:00Z\""), 0);
	policy();
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
	/* a clock slightly behind the server is tolerated ... */
	at(v.created_on - CLOCK_MAX_SKEW);
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
	/* ... but not more */
	at(v.created_on - CLOCK_MAX_SKEW - 1);
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
	CHECK_EQ_STR(e.msg, "voucher: created-on 2024-01-01T00:00:00Z is in the future (RTC 2023-12-31T23:54:59Z)");
	/* expires-on is the last valid second */
	at(v.expires_on);
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
	at(v.expires_on + 1);
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
	CHECK_EQ_STR(e.msg, "voucher: expired (expires-on 2024-01-02T00:00:00Z, before the bound 2024-01-02T00:00:01Z (RTC))");
}

TEST(voucher_check_dates_bound_only)
{
	/* without a trusted RTC (RFC 8572 section 9.1): created-on is not
	 * checked, expires-on still is, against the bound */
	CHECK_EQ_INT(vparse(BASE ",\"expires-on\":\"2024-01-02T00:00:00Z\""), 0);
	policy();
	bound_only(CREATED - 86400 * 365);  /* created-on a year after the bound: fine */
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
	bound_only(v.expires_on);
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
	bound_only(v.expires_on + 1);     /* expired before the build time */
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
	CHECK_EQ_STR(e.msg, "voucher: expired (expires-on 2024-01-02T00:00:00Z, before the bound 2024-01-02T00:00:01Z (build time))");
	/* a TPM floor later than expires-on refuses it too, whatever the RTC */
	{
		time_t floor = v.expires_on + 60;
		clock_policy_init(&clk, SZTP_CLOCK_AUTO, CREATED - 86400, CREATED, &floor);
		CHECK(!clk.rtc_trusted);
		CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
		CHECK(strstr(e.msg, "(TPM floor))") != NULL);
	}
}

TEST(voucher_check_nonce)
{
	CHECK_EQ_INT(vparse(BASE ",\"nonce\":\"AAECAwQFBgcICQoLDA0ODw==\""), 0);
	policy();
	pol.nonce = nonce16;
	pol.nonce_len = sizeof nonce16;
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
	/* with a nonce, an untrusted clock is fine */
	bound_only(0);
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
	/* ... and nonce-required is satisfied */
	clk.nonce_required = 1;
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
	pol.nonce_len = 15;
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
	CHECK_EQ_STR(e.msg, "voucher: nonce does not match the nonce sent");
	uint8_t other[16];
	memcpy(other, nonce16, 16);
	other[7] ^= 1;
	pol.nonce = other;
	pol.nonce_len = 16;
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
	CHECK_EQ_STR(e.msg, "voucher: nonce does not match the nonce sent");
	pol.nonce = NULL;
	pol.nonce_len = 0;
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
	CHECK_EQ_STR(e.msg, "voucher: carries a nonce but no nonce was sent");
}

TEST(voucher_check_nonce_and_expires_exclusive)
{
	CHECK_EQ_INT(vparse(BASE ",\"nonce\":\"AAECAwQFBgcICQoLDA0ODw==\",\"expires-on\":\"2030-01-01T00:00:00Z\""), 0);
	policy();
	pol.nonce = nonce16;
	pol.nonce_len = sizeof nonce16;
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
	CHECK_EQ_STR(e.msg, "voucher: nonce and expires-on are both present (they are mutually exclusive)");
}

TEST(voucher_check_nonce_sent_but_voucher_has_none)
{
	char f[128];
	policy();
	pol.nonce = nonce16;
	pol.nonce_len = sizeof nonce16;
	/* neither nonce nor expires-on (a stored long-lived voucher from a
	 * server that ignores nonces): accepted, with or without a trusted RTC */
	CHECK_EQ_INT(vparse(BASE), 0);
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
	CHECK_EQ_STR(voucher_freshness(&v, &pol, f, sizeof f),
		     "long-lived (neither nonce nor expires-on); no nonce although one was sent");
	bound_only(CREATED + 86400 * 3650);
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
	/* ... unless sztp.voucher=nonce-required */
	clk.nonce_required = 1;
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
	CHECK_EQ_STR(e.msg, "voucher: has no nonce, and sztp.voucher=nonce-required (the server did not echo the nonce sent)");
	/* expires-on: freshness by expiry, against the bound */
	CHECK_EQ_INT(vparse(BASE ",\"expires-on\":\"2030-01-01T00:00:00Z\""), 0);
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);   /* still nonce-required */
	clk.nonce_required = 0;
	bound_only(CREATED);
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
	CHECK_EQ_STR(voucher_freshness(&v, &pol, f, sizeof f),
		     "expires-on 2030-01-01T00:00:00Z; no nonce although one was sent");
	bound_only(T("2030-01-01T00:00:01Z"));
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
	CHECK(strstr(e.msg, "voucher: expired (expires-on 2030-01-01T00:00:00Z") == e.msg);
}

TEST(voucher_check_no_nonce_sent)
{
	char f[128];
	/* removable media, DNS: no nonce can be sent */
	CHECK_EQ_INT(vparse(BASE), 0);
	policy();
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
	CHECK_EQ_STR(voucher_freshness(&v, &pol, f, sizeof f),
		     "long-lived (neither nonce nor expires-on)");
	clk.nonce_required = 1;
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
	CHECK_EQ_STR(e.msg, "voucher: has no nonce, and sztp.voucher=nonce-required (this source cannot be sent a nonce)");
}

TEST(voucher_check_assertion)
{
	policy();
	CHECK_EQ_INT(vparse("\"created-on\":\"2024-01-01T00:00:00Z\",\"assertion\":\"logged\","
	                    "\"serial-number\":\"SN1\",\"pinned-domain-cert\":\"MAMCAQE=\""), 0);
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
	pol.assertions = VOUCHER_ASSERT_VERIFIED;
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
	CHECK_EQ_STR(e.msg, "voucher: assertion \"logged\" is not acceptable");
	pol.assertions = 0;
	CHECK_EQ_INT(vparse("\"created-on\":\"2024-01-01T00:00:00Z\",\"assertion\":\"trust-me\","
	                    "\"serial-number\":\"SN1\",\"pinned-domain-cert\":\"MAMCAQE=\""), 0);
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
	CHECK_EQ_STR(e.msg, "voucher: assertion \"trust-me\" is not acceptable");
}

TEST(voucher_check_idevid_issuer)
{
	static const uint8_t keyid[2] = { 0x04, 0x14 };
	static const uint8_t other[2] = { 0x04, 0x15 };
	CHECK_EQ_INT(vparse(BASE ",\"idevid-issuer\":\"BBQ=\""), 0);
	policy();
	/* unknown device certificate: not checked */
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
	pol.idevid_aki_keyid = keyid;
	pol.idevid_aki_keyid_len = 2;
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
	pol.idevid_aki_keyid = other;
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
	CHECK_EQ_STR(e.msg, "voucher: idevid-issuer does not match the device certificate's authority key identifier");
	/* the whole extension value form is accepted too */
	pol.idevid_aki_ext = keyid;
	pol.idevid_aki_ext_len = 2;
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
}

TEST(voucher_check_revocation_policy)
{
	policy();
	CHECK_EQ_INT(vparse(BASE ",\"domain-cert-revocation-checks\":true"), 0);
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), -1);
	CHECK_EQ_STR(e.msg, "voucher: revocation checks required but no revocation status available");
	CHECK_EQ_INT(vparse(BASE ",\"domain-cert-revocation-checks\":false"), 0);
	CHECK_EQ_INT(voucher_check(&v, &pol, &e), 0);
}
