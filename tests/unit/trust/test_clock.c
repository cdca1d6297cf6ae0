/* test_clock.c: the clock and freshness policy (trust/clock.h). */
#include "unit.h"

#include <time.h>

#include "trust/clock.h"

#define BUILD  ((time_t)1796000000) /* 2026-11-30T00:53:20Z */
#define FLOOR  ((time_t)1796100000) /* a day later */
#define LATER  ((time_t)1796200000) /* another day later */
#define EARLY  ((time_t)946684800)  /* 2000-01-01T00:00:00Z: a reset RTC */

TEST(clock_build_time_has_a_floor)
{
	/* the Makefile's value or the compiled-in minimum, never earlier */
	CHECK(clock_build_time() >= CLOCK_BUILD_TIME_MIN);
}

TEST(clock_auto_trusts_a_sane_rtc)
{
	struct clock_policy p;
	clock_policy_init(&p, SZTP_CLOCK_AUTO, BUILD, LATER, NULL);
	CHECK(p.rtc_trusted);
	CHECK_EQ_INT(p.bound, LATER);
	CHECK_EQ_INT(p.base, BUILD);
	CHECK_EQ_INT(p.source, CLOCK_SRC_RTC);
	/* an RTC equal to the build time is not earlier: trusted */
	clock_policy_init(&p, SZTP_CLOCK_AUTO, BUILD, BUILD, NULL);
	CHECK(p.rtc_trusted);
	CHECK_EQ_INT(p.bound, BUILD);
}

TEST(clock_auto_ignores_an_rtc_before_the_bound)
{
	struct clock_policy p;
	time_t floor = FLOOR;
	clock_policy_init(&p, SZTP_CLOCK_AUTO, BUILD, EARLY, NULL);
	CHECK(!p.rtc_trusted);
	CHECK_EQ_INT(p.bound, BUILD);
	CHECK_EQ_INT(p.source, CLOCK_SRC_BUILD);
	/* later than the build time but earlier than the TPM floor: not trusted */
	clock_policy_init(&p, SZTP_CLOCK_AUTO, BUILD, FLOOR - 1, &floor);
	CHECK(!p.rtc_trusted);
	CHECK_EQ_INT(p.bound, FLOOR);
	CHECK_EQ_INT(p.source, CLOCK_SRC_FLOOR);
	CHECK(p.have_floor);
}

TEST(clock_floor_mode_ignores_the_rtc)
{
	struct clock_policy p;
	time_t floor = FLOOR;
	clock_policy_init(&p, SZTP_CLOCK_FLOOR, BUILD, LATER, &floor);
	CHECK(!p.rtc_trusted);
	CHECK_EQ_INT(p.bound, FLOOR);
	/* a floor older than the build time does not lower the bound */
	floor = BUILD - 10;
	clock_policy_init(&p, SZTP_CLOCK_FLOOR, BUILD, LATER, &floor);
	CHECK_EQ_INT(p.bound, BUILD);
	CHECK_EQ_INT(p.source, CLOCK_SRC_BUILD);
}

TEST(clock_rtc_mode_trusts_even_an_early_rtc)
{
	struct clock_policy p;
	clock_policy_init(&p, SZTP_CLOCK_RTC, BUILD, LATER, NULL);
	CHECK(p.rtc_trusted);
	CHECK_EQ_INT(p.bound, LATER);
	/* an RTC before the build time is still used for not-yet-valid, but
	 * expiry stays judged at the build time */
	clock_policy_init(&p, SZTP_CLOCK_RTC, BUILD, EARLY, NULL);
	CHECK(p.rtc_trusted);
	CHECK_EQ_INT(p.bound, BUILD);
	CHECK(clock_not_yet(&p, EARLY + 1, 0));
	CHECK(!clock_not_yet(&p, EARLY, 0));
	CHECK(clock_expired(&p, BUILD - 1));
}

TEST(clock_expiry_always_checked)
{
	struct clock_policy p;
	struct err e;
	clock_policy_init(&p, SZTP_CLOCK_FLOOR, BUILD, 0, NULL);
	CHECK(clock_expired(&p, BUILD - 1));
	CHECK(!clock_expired(&p, BUILD));      /* notAfter is inclusive */
	CHECK_EQ_INT(clock_check_validity(&p, 0, BUILD - 1, "certificate X", &e), -1);
	CHECK_EQ_STR(e.msg, "certificate X has expired (notAfter 2026-11-30T00:53:19Z, before "
		     "the bound 2026-11-30T00:53:20Z (build time))");
	/* not-yet-valid is not checked without a trusted RTC */
	CHECK_EQ_INT(clock_check_validity(&p, CLOCK_TIME_MAX - 1, CLOCK_TIME_MAX, "c", &e), 0);
	CHECK(!clock_not_yet(&p, CLOCK_TIME_MAX, 0));
}

TEST(clock_not_yet_valid_with_trusted_rtc)
{
	struct clock_policy p;
	struct err e;
	clock_policy_init(&p, SZTP_CLOCK_AUTO, BUILD, LATER, NULL);
	CHECK_EQ_INT(clock_check_validity(&p, LATER, LATER + 10, "c", &e), 0);
	CHECK_EQ_INT(clock_check_validity(&p, LATER + 1, LATER + 10, "certificate Y", &e), -1);
	CHECK_EQ_STR(e.msg, "certificate Y is not yet valid (notBefore 2026-12-02T08:26:41Z, "
		     "after the RTC 2026-12-02T08:26:40Z)");
	CHECK_EQ_INT(clock_check_validity(&p, 0, LATER - 1, "c", &e), -1);
	CHECK(strstr(e.msg, "(RTC))"));
	/* the voucher skew */
	CHECK(!clock_not_yet(&p, LATER + CLOCK_MAX_SKEW, CLOCK_MAX_SKEW));
	CHECK(clock_not_yet(&p, LATER + CLOCK_MAX_SKEW + 1, CLOCK_MAX_SKEW));
}

TEST(clock_chain_time)
{
	struct clock_policy p;
	struct err e;
	time_t t;
	clock_policy_init(&p, SZTP_CLOCK_FLOOR, BUILD, 0, NULL);
	/* untrusted RTC: the latest notBefore when after the bound ... */
	CHECK_EQ_INT(clock_chain_time(&p, LATER, LATER + 100, &t, &e), 0);
	CHECK_EQ_INT(t, LATER);
	/* ... else the bound */
	CHECK_EQ_INT(clock_chain_time(&p, EARLY, LATER, &t, &e), 0);
	CHECK_EQ_INT(t, BUILD);
	/* periods that do not overlap */
	CHECK_EQ_INT(clock_chain_time(&p, LATER + 1, LATER, &t, &e), -1);
	CHECK(strstr(e.msg, "do not overlap"));
	/* trusted RTC: the RTC (every notBefore was checked to be before it) */
	clock_policy_init(&p, SZTP_CLOCK_AUTO, BUILD, LATER, NULL);
	CHECK_EQ_INT(clock_chain_time(&p, BUILD, LATER + 5, &t, &e), 0);
	CHECK_EQ_INT(t, LATER);
}

TEST(clock_exact)
{
	struct clock_policy p;
	clock_policy_exact(&p, EARLY);
	CHECK(p.rtc_trusted);
	CHECK_EQ_INT(p.bound, EARLY);
	CHECK(clock_expired(&p, EARLY - 1));
	CHECK(clock_not_yet(&p, EARLY + 1, 0));
	clock_policy_exact(&p, 0);
	CHECK_EQ_INT(p.bound, 0);
	CHECK(!clock_expired(&p, 0));
}

TEST(clock_floor_next_never_goes_back)
{
	struct clock_policy p;
	time_t floor = LATER;
	/* the floor is later than the bound (a trusted RTC behind it is not
	 * trusted in auto; in rtc mode it still cannot pull the floor back) */
	clock_policy_init(&p, SZTP_CLOCK_RTC, BUILD, FLOOR, &floor);
	CHECK_EQ_INT(clock_floor_next(&p, 0), LATER);
	CHECK_EQ_INT(clock_floor_next(&p, FLOOR), LATER);
	/* evidence later than everything moves it forward */
	CHECK_EQ_INT(clock_floor_next(&p, LATER + 60), LATER + 60);
	/* without a floor: the bound */
	clock_policy_init(&p, SZTP_CLOCK_AUTO, BUILD, FLOOR, NULL);
	CHECK_EQ_INT(clock_floor_next(&p, 0), FLOOR);
	CHECK_EQ_INT(clock_floor_next(&p, BUILD), FLOOR);
	/* absurd evidence is ignored */
	CHECK_EQ_INT(clock_floor_next(&p, CLOCK_TIME_MAX + 1), FLOOR);
}

TEST(clock_parse_time)
{
	struct err e;
	time_t t;
	CHECK_EQ_INT(clock_parse_time("1796000000", &t, &e), 0);
	CHECK_EQ_INT(t, BUILD);
	CHECK_EQ_INT(clock_parse_time("2026-11-30T00:53:20Z", &t, &e), 0);
	CHECK_EQ_INT(t, BUILD);
	CHECK_EQ_INT(clock_parse_time("2026-11-30T01:53:20.999+01:00", &t, &e), 0);
	CHECK_EQ_INT(t, BUILD);
	CHECK_EQ_INT(clock_parse_time("0", &t, &e), 0);
	CHECK_EQ_INT(t, 0);
	CHECK_EQ_INT(clock_parse_time("253402300799", &t, &e), 0);
	CHECK_EQ_INT(clock_parse_time("253402300800", &t, &e), -1);
	CHECK_EQ_INT(clock_parse_time("99999999999999999999999", &t, &e), -1);
	CHECK_EQ_INT(clock_parse_time("-5", &t, &e), -1);
	CHECK_EQ_INT(clock_parse_time("17e9", &t, &e), -1);
	CHECK_EQ_INT(clock_parse_time("", &t, &e), -1);
	CHECK_EQ_INT(clock_parse_time("yesterday", &t, &e), -1);
	CHECK_EQ_STR(e.msg, "bad time \"yesterday\": want RFC 3339 (2026-01-31T12:00:00Z) or Unix seconds");
	CHECK_EQ_INT(clock_parse_time("1969-12-31T23:59:59Z", &t, &e), -1);
	CHECK_EQ_INT(clock_parse_time(NULL, &t, &e), -1);
}

TEST(clock_describe)
{
	struct clock_policy p;
	char b[400];
	clock_policy_init(&p, SZTP_CLOCK_AUTO, BUILD, EARLY, NULL);
	CHECK_EQ_STR(clock_describe(&p, b, sizeof b),
		     "bound 2026-11-30T00:53:20Z (build time); RTC 2000-01-01T00:00:00Z not trusted "
		     "(earlier than the build time or the TPM floor): notBefore and created-on are "
		     "not checked; build time 2026-11-30T00:53:20Z, TPM floor none; sztp.clock=auto");
	time_t floor = FLOOR;
	clock_policy_init(&p, SZTP_CLOCK_AUTO, BUILD, LATER, &floor);
	p.nonce_required = 1;
	CHECK_EQ_STR(clock_describe(&p, b, sizeof b),
		     "bound 2026-12-02T08:26:40Z (RTC); RTC 2026-12-02T08:26:40Z trusted; build time "
		     "2026-11-30T00:53:20Z, TPM floor 2026-12-01T04:40:00Z; sztp.clock=auto, "
		     "sztp.voucher=nonce-required");
	clock_policy_init(&p, SZTP_CLOCK_FLOOR, BUILD, LATER, &floor);
	CHECK(strstr(clock_describe(&p, b, sizeof b), "bound 2026-12-01T04:40:00Z (TPM floor); "
		     "RTC 2026-12-02T08:26:40Z ignored"));
	clock_policy_init(&p, SZTP_CLOCK_RTC, BUILD, EARLY, NULL);
	CHECK(strstr(clock_describe(&p, b, sizeof b), "trusted, but earlier than the build time"));
}

TEST(clock_mode_words)
{
	enum sztp_clock m = SZTP_CLOCK_AUTO;
	CHECK_EQ_INT(config_clock_parse("rtc", &m), 0);
	CHECK_EQ_INT(m, SZTP_CLOCK_RTC);
	CHECK_EQ_INT(config_clock_parse("floor", &m), 0);
	CHECK_EQ_INT(m, SZTP_CLOCK_FLOOR);
	CHECK_EQ_INT(config_clock_parse("auto", &m), 0);
	CHECK_EQ_INT(m, SZTP_CLOCK_AUTO);
	CHECK_EQ_INT(config_clock_parse("RTC", &m), -1);
	CHECK_EQ_INT(config_clock_parse("", &m), -1);
	CHECK_EQ_INT(config_clock_parse(NULL, &m), -1);
	CHECK_EQ_STR(config_clock_name(SZTP_CLOCK_FLOOR), "floor");
}
