/* test_sztp_uri.c: option 143 / 136 decoding (RFC 8572 section 8.3). */
#include "unit.h"

#include "net/sztp_uri.h"

/* Append one length-prefixed record. */
static size_t rec(uint8_t *buf, size_t off, const char *uri)
{
	size_t n = strlen(uri);
	buf[off] = (uint8_t)(n >> 8);
	buf[off + 1] = (uint8_t)n;
	memcpy(buf + off + 2, uri, n);
	return off + 2 + n;
}

TEST(sztp_uri_one)
{
	/* the RFC's example: 00 15 + "https://10.1.1.3:8080" */
	static const uint8_t v[] = { 0x00, 0x15, 'h', 't', 't', 'p', 's', ':', '/', '/', '1', '0',
				     '.', '1', '.', '1', '.', '3', ':', '8', '0', '8', '0' };
	struct sztp_uri_list l;
	struct err e;
	CHECK_EQ_INT(sztp_uri_decode(v, sizeof v, "test", &l, &e), 1);
	CHECK_EQ_INT(l.n, 1);
	CHECK_EQ_INT(l.plain_text, 0);
	CHECK_EQ_STR(l.uri[0], "https://10.1.1.3:8080");
}

TEST(sztp_uri_several)
{
	uint8_t b[512];
	size_t n = 0;
	struct sztp_uri_list l;
	struct err e;
	n = rec(b, n, "https://bootstrap.example:8443");
	n = rec(b, n, "https://[2001:db8::1]:443");
	n = rec(b, n, "HTTPS://b2.example");
	CHECK_EQ_INT(sztp_uri_decode(b, n, "test", &l, &e), 3);
	CHECK_EQ_STR(l.uri[0], "https://bootstrap.example:8443");
	CHECK_EQ_STR(l.uri[1], "https://[2001:db8::1]:443");
	CHECK_EQ_STR(l.uri[2], "HTTPS://b2.example");
}

TEST(sztp_uri_invalid_mixed_with_valid)
{
	uint8_t b[512];
	size_t n = 0;
	struct sztp_uri_list l;
	struct err e;
	n = rec(b, n, "http://plain.example");               /* not https */
	n = rec(b, n, "https://a.example:8443/restconf");    /* path */
	n = rec(b, n, "");                                   /* zero length */
	n = rec(b, n, "https://good.example:8443");
	n = rec(b, n, "https://user@evil.example");          /* user info */
	n = rec(b, n, "https://a.example:99999");            /* port */
	n = rec(b, n, "https://a.example:");                 /* empty port */
	n = rec(b, n, "https://a b.example");                /* space */
	n = rec(b, n, "https://a.example?x=1");              /* query */
	n = rec(b, n, "https://");                           /* no host */
	n = rec(b, n, "https://a..example");                 /* empty label */
	n = rec(b, n, "https://[2001:db8::1");               /* unterminated */
	n = rec(b, n, "https://b.example/");                 /* trailing slash: tolerated */
	CHECK_EQ_INT(sztp_uri_decode(b, n, "test", &l, &e), 2);
	CHECK_EQ_STR(l.uri[0], "https://good.example:8443");
	CHECK_EQ_STR(l.uri[1], "https://b.example");
}

TEST(sztp_uri_length_past_end)
{
	uint8_t b[64];
	size_t n = rec(b, 0, "https://ok.example");
	struct sztp_uri_list l;
	struct err e;
	/* a second record that claims 200 bytes but has 5 */
	b[n] = 0;
	b[n + 1] = 200;
	memcpy(b + n + 2, "https", 5);
	CHECK_EQ_INT(sztp_uri_decode(b, n + 7, "test", &l, &e), 1);
	CHECK_EQ_STR(l.uri[0], "https://ok.example");
	/* alone, it drops the option */
	CHECK_EQ_INT(sztp_uri_decode(b + n, 7, "test", &l, &e), -1);
	CHECK(strstr(e.msg, "no valid URI") != NULL);
	CHECK_EQ_INT(l.n, 0);
}

TEST(sztp_uri_stray_byte)
{
	uint8_t b[64];
	size_t n = rec(b, 0, "https://ok.example");
	struct sztp_uri_list l;
	struct err e;
	b[n] = 0;
	CHECK_EQ_INT(sztp_uri_decode(b, n + 1, "test", &l, &e), 1);
	CHECK_EQ_INT(sztp_uri_decode(b + n, 1, "test", &l, &e), -1);
}

TEST(sztp_uri_none_valid)
{
	uint8_t b[128];
	size_t n = 0;
	struct sztp_uri_list l;
	struct err e;
	n = rec(b, n, "http://a.example");
	n = rec(b, n, "");
	CHECK_EQ_INT(sztp_uri_decode(b, n, "test", &l, &e), -1);
	CHECK_EQ_STR(e.msg, "sztp-redirect: no valid URI (2 invalid entries)");
}

TEST(sztp_uri_empty)
{
	struct sztp_uri_list l;
	struct err e;
	CHECK_EQ_INT(sztp_uri_decode((const uint8_t *)"", 0, "test", &l, &e), -1);
	CHECK_EQ_STR(e.msg, "sztp-redirect: empty option");
}

TEST(sztp_uri_plain_text)
{
	static const char v[] = "https://bootstrap.example:8443/restconf/operations\0";
	struct sztp_uri_list l;
	struct err e;
	CHECK_EQ_INT(sztp_uri_decode((const uint8_t *)v, sizeof v, "test", &l, &e), 1);
	CHECK_EQ_INT(l.plain_text, 1);
	CHECK_EQ_STR(l.uri[0], "https://bootstrap.example:8443/restconf/operations");
	/* bare host, trailing newline */
	CHECK_EQ_INT(sztp_uri_decode((const uint8_t *)"https://10.0.0.1\n", 17, "test", &l, &e), 1);
	CHECK_EQ_STR(l.uri[0], "https://10.0.0.1");
}

TEST(sztp_uri_plain_text_bad)
{
	struct sztp_uri_list l;
	struct err e;
	static const char v[] = "https://a.example/x y";
	CHECK_EQ_INT(sztp_uri_decode((const uint8_t *)v, sizeof v - 1, "test", &l, &e), -1);
	CHECK(strstr(e.msg, "plain-text URI") != NULL);
	/* http:// plain text is neither form */
	CHECK_EQ_INT(sztp_uri_decode((const uint8_t *)"http://a.example", 16, "test", &l, &e), -1);
}

TEST(sztp_uri_too_long)
{
	uint8_t b[600];
	char uri[400];
	struct sztp_uri_list l;
	struct err e;
	size_t n;
	memcpy(uri, "https://", 8);
	for (int i = 8; i < 300; i++)
		uri[i] = (i % 60 == 0) ? '.' : 'a';
	uri[300] = '\0';
	n = rec(b, 0, uri);
	CHECK_EQ_INT(sztp_uri_decode(b, n, "test", &l, &e), -1);
	n = rec(b, n, "https://short.example");
	CHECK_EQ_INT(sztp_uri_decode(b, n, "test", &l, &e), 1);
	CHECK_EQ_STR(l.uri[0], "https://short.example");
}

TEST(sztp_uri_max_kept)
{
	uint8_t b[1024];
	size_t n = 0;
	struct sztp_uri_list l;
	struct err e;
	for (int i = 0; i < SZTP_URI_MAX + 3; i++) {
		char u[64];
		snprintf(u, sizeof u, "https://s%d.example", i);
		n = rec(b, n, u);
	}
	CHECK_EQ_INT(sztp_uri_decode(b, n, "test", &l, &e), SZTP_URI_MAX);
	CHECK_EQ_STR(l.uri[SZTP_URI_MAX - 1], "https://s7.example");
}

TEST(sztp_uri_check_forms)
{
	struct err e;
	CHECK_EQ_INT(sztp_uri_check("https://a.example", 17, 0, &e), 0);
	CHECK_EQ_INT(sztp_uri_check("https://a.example:1", 19, 0, &e), 0);
	CHECK_EQ_INT(sztp_uri_check("https://a.example:0", 19, 0, &e), -1);
	CHECK_EQ_STR(e.msg, "bad port");
	CHECK_EQ_INT(sztp_uri_check("https://a.example/p", 19, 0, &e), -1);
	CHECK_EQ_STR(e.msg, "path not allowed");
	CHECK_EQ_INT(sztp_uri_check("https://a.example/p", 19, 1, &e), 0);
	CHECK_EQ_INT(sztp_uri_check("https://a.example/p#f", 21, 1, &e), -1);
	CHECK_EQ_INT(sztp_uri_check("ftps://a.example", 16, 0, &e), -1);
	CHECK_EQ_STR(e.msg, "not an https:// URI");
	CHECK_EQ_INT(sztp_uri_check("https://[::1]", 13, 0, &e), 0);
	CHECK_EQ_INT(sztp_uri_check("https://[zz::1]", 15, 0, &e), -1);
	CHECK_EQ_INT(sztp_uri_check("https://a\x01", 10, 0, &e), -1);
}
