/* test_tls_x509.c: iPAddress SAN matching and BearSSL error names. */
#include <string.h>

#include <bearssl.h>

#include "trust/br_err.h"
#include "tls_fixtures.h"
#include "tls/tls_x509.h"
#include "trust/x509.h"
#include "unit.h"

static const uint8_t ip_lo[4] = { 127, 0, 0, 1 };
static const uint8_t ip_other[4] = { 127, 0, 0, 2 };
static const uint8_t ip6_doc[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t ip6_lo[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

TEST(tls_san_ip_match)
{
	CHECK_EQ_INT(tls_cert_has_ip(fix_ee_der, sizeof fix_ee_der, ip_lo, 4), 1);
	CHECK_EQ_INT(tls_cert_has_ip(fix_ee_der, sizeof fix_ee_der, ip6_doc, 16), 1);
	CHECK_EQ_INT(tls_cert_has_ip(fix_ee_der, sizeof fix_ee_der, ip_other, 4), 0);
	CHECK_EQ_INT(tls_cert_has_ip(fix_ee_der, sizeof fix_ee_der, ip6_lo, 16), 0);
	/* the first 4 bytes of an IPv6 SAN never match an IPv4 address */
	CHECK_EQ_INT(tls_cert_has_ip(fix_ee_der, sizeof fix_ee_der, ip6_doc, 4), 0);
	/* no SAN at all, and a CA without SAN */
	CHECK_EQ_INT(tls_cert_has_ip(fix_nosan_der, sizeof fix_nosan_der, ip_lo, 4), 0);
	CHECK_EQ_INT(tls_cert_has_ip(fix_ec_ca_der, sizeof fix_ec_ca_der, ip_lo, 4), 0);
	CHECK_EQ_INT(tls_cert_has_ip(fix_ee_der, sizeof fix_ee_der, ip_lo, 0), 0);
}

TEST(tls_san_malformed)
{
	uint8_t d[sizeof fix_ee_der];
	CHECK_EQ_INT(tls_cert_has_ip(fix_ee_der, 0, ip_lo, 4), -1);
	CHECK_EQ_INT(tls_cert_has_ip(fix_ee_der, 10, ip_lo, 4), -1);
	CHECK_EQ_INT(tls_cert_has_ip(fix_ee_der, sizeof fix_ee_der - 1, ip_lo, 4), -1);
	memcpy(d, fix_ee_der, sizeof d);
	d[0] = 0x31; /* SET instead of SEQUENCE */
	CHECK_EQ_INT(tls_cert_has_ip(d, sizeof d, ip_lo, 4), -1);
	memcpy(d, fix_ee_der, sizeof d);
	d[1] = 0x80; /* indefinite length */
	CHECK_EQ_INT(tls_cert_has_ip(d, sizeof d, ip_lo, 4), -1);
	/* every truncation is refused or not-found, never a crash or a match */
	for (size_t n = 0; n < sizeof fix_ee_der; n++)
		CHECK(tls_cert_has_ip(fix_ee_der, n, ip_lo, 4) != 1);
}

TEST(tls_san_ip_in_value_is_not_fooled)
{
	/* a SAN whose dNSName holds the 4 address bytes must not match */
	static const uint8_t cert[] = {
		0x30, 0x1c,                         /* Certificate */
		0x30, 0x1a,                         /* tbsCertificate */
		0xa3, 0x18, 0x30, 0x16,             /* [3] Extensions */
		0x30, 0x14, 0x06, 0x03, 0x55, 0x1d, 0x11, /* Extension SAN */
		0x04, 0x0d, 0x30, 0x0b,
		0x82, 0x04, 127, 0, 0, 1,           /* dNSName */
		0x87, 0x03, 127, 0, 0,              /* iPAddress of 3 bytes */
	};
	static const uint8_t good[] = {
		0x30, 0x17, 0x30, 0x15, 0xa3, 0x13, 0x30, 0x11,
		0x30, 0x0f, 0x06, 0x03, 0x55, 0x1d, 0x11, 0x01, 0x01, 0xff,
		0x04, 0x05, 0x30, 0x03, 0x87, 0x01, 0x00,
	};
	static const uint8_t ip1[1] = { 0 };
	CHECK_EQ_INT(tls_cert_has_ip(cert, sizeof cert, ip_lo, 4), 0);
	CHECK_EQ_INT(tls_cert_has_ip(good, sizeof good, ip1, 1), 1); /* critical flag skipped */
}

TEST(br_err_names)
{
	char b[200];
	CHECK_EQ_STR(br_err_name(BR_ERR_X509_NOT_TRUSTED), "BR_ERR_X509_NOT_TRUSTED");
	CHECK_EQ_STR(br_err_name(BR_ERR_BAD_MAC), "BR_ERR_BAD_MAC");
	CHECK(br_err_name(9999) == NULL);
	CHECK_EQ_STR(br_err_format(62, b, sizeof b),
		     "certificate not trusted (BearSSL error 62: BR_ERR_X509_NOT_TRUSTED)");
	CHECK_EQ_STR(br_err_format(BR_ERR_RECV_FATAL_ALERT + 40, b, sizeof b),
		     "server sent fatal alert 40 handshake_failure (BearSSL error 296: BR_ERR_RECV_FATAL_ALERT+40)");
	CHECK_EQ_STR(br_err_format(BR_ERR_SEND_FATAL_ALERT + 42, b, sizeof b),
		     "we sent fatal alert 42 bad_certificate (BearSSL error 554: BR_ERR_SEND_FATAL_ALERT+42)");
	CHECK_EQ_STR(br_err_format(77, b, sizeof b), "unknown error (BearSSL error 77)");
	CHECK_EQ_STR(tls_alert_name(200), "unknown");
}

/* ---------------------------------------------------------------- clock */

static br_ssl_client_context cc;
static struct tls_x509 xw;
static struct x509_anchor anchor;

/* Run fix_ee_der (IP 127.0.0.1, issued by the EC CA) through the wrapper
 * judged by `clock` (NULL: BearSSL at the time `t`). */
static unsigned run_chain(const struct clock_policy *clock, time_t t)
{
	const br_x509_class **vt = &xw.vtable;
	struct err e;
	uint32_t days, secs;
	CHECK_EQ_INT(x509_anchor_from_der(fix_ec_ca_der, sizeof fix_ec_ca_der, 1, &anchor, &e), 0);
	br_ssl_client_init_full(&cc, &xw.minimal, &anchor.ta, 1);
	tls_x509_wrap(&xw, ip_lo, 4);
	if (clock)
		tls_x509_clock(&xw, clock, &anchor.ta, 1);
	x509_time_to_br(t, &days, &secs);
	br_x509_minimal_set_time(&xw.minimal, days, secs);
	(*vt)->start_chain(vt, NULL);
	(*vt)->start_cert(vt, sizeof fix_ee_der);
	(*vt)->append(vt, fix_ee_der, 100);
	(*vt)->append(vt, fix_ee_der + 100, sizeof fix_ee_der - 100);
	(*vt)->end_cert(vt);
	return (*vt)->end_chain(vt);
}

TEST(tls_x509_clock_policy)
{
	struct x509_cert ee;
	struct clock_policy p;
	struct err e;
	CHECK_EQ_INT(x509_parse(fix_ee_der, sizeof fix_ee_der, &ee, &e), 0);
	/* no policy: BearSSL at the given time, both ends */
	CHECK_EQ_INT(run_chain(NULL, ee.not_before + 60), 0);
	CHECK_EQ_INT(run_chain(NULL, ee.not_before - 60), BR_ERR_X509_EXPIRED);
	/* a bound only (no trusted RTC): notBefore is not checked ... */
	clock_policy_init(&p, SZTP_CLOCK_FLOOR, ee.not_before - 86400 * 365, 0, NULL);
	CHECK_EQ_INT(run_chain(&p, 0), 0);
	CHECK_EQ_STR(xw.time_err, "");
	/* ... notAfter is */
	clock_policy_init(&p, SZTP_CLOCK_FLOOR, ee.not_after + 1, 0, NULL);
	CHECK_EQ_INT(run_chain(&p, 0), BR_ERR_X509_EXPIRED);
	CHECK(strstr(xw.time_err, "x509: server certificate 0 (") == xw.time_err);
	CHECK(strstr(xw.time_err, "has expired (notAfter ") != NULL);
	/* a trusted RTC: notBefore against it */
	clock_policy_exact(&p, ee.not_before - 1);
	CHECK_EQ_INT(run_chain(&p, 0), BR_ERR_X509_EXPIRED);
	CHECK(strstr(xw.time_err, "is not yet valid (notBefore ") != NULL);
	clock_policy_exact(&p, ee.not_before);
	CHECK_EQ_INT(run_chain(&p, 0), 0);
	/* the IP check still runs after the replay */
	clock_policy_exact(&p, ee.not_before + 10);
	CHECK_EQ_INT(x509_anchor_from_der(fix_ec_ca_der, sizeof fix_ec_ca_der, 1, &anchor, &e), 0);
	br_ssl_client_init_full(&cc, &xw.minimal, &anchor.ta, 1);
	tls_x509_wrap(&xw, ip_other, 4);
	tls_x509_clock(&xw, &p, &anchor.ta, 1);
	{
		const br_x509_class **vt = &xw.vtable;
		(*vt)->start_chain(vt, NULL);
		(*vt)->start_cert(vt, sizeof fix_ee_der);
		(*vt)->append(vt, fix_ee_der, sizeof fix_ee_der);
		(*vt)->end_cert(vt);
		CHECK_EQ_INT((*vt)->end_chain(vt), BR_ERR_X509_BAD_SERVER_NAME);
	}
}
