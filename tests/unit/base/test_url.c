/* test_url.c: the strict https URL parser. */
#include <string.h>

#include "unit.h"
#include "base/url.h"

static int parse(struct url *u, const char *s, struct err *e)
{
	err_clear(e);
	return url_parse(u, s, strlen(s), e);
}

TEST(url_dns_default_port)
{
	struct url u;
	struct err e;
	CHECK_EQ_INT(parse(&u, "https://Bootstrap.Example", &e), 0);
	CHECK_EQ_INT(u.host_type, URL_HOST_DNS);
	CHECK_EQ_STR(u.host, "bootstrap.example");
	CHECK_EQ_INT(u.port, 443);
	CHECK_EQ_INT(u.has_port, 0);
	CHECK_EQ_STR(u.path, "");
}

TEST(url_dns_port_path)
{
	struct url u;
	struct err e;
	char b[300];
	CHECK_EQ_INT(parse(&u, "HTTPS://bootstrap.example:8443/restconf/data?x=1&y=%2F", &e), 0);
	CHECK_EQ_STR(u.host, "bootstrap.example");
	CHECK_EQ_INT(u.port, 8443);
	CHECK_EQ_INT(u.has_port, 1);
	CHECK_EQ_STR(u.path, "/restconf/data?x=1&y=%2F");
	CHECK_EQ_INT(url_hostport(&u, b, sizeof b), 22);
	CHECK_EQ_STR(b, "bootstrap.example:8443");
	url_host_header(&u, b, sizeof b);
	CHECK_EQ_STR(b, "bootstrap.example:8443");
	CHECK_EQ_INT(url_hostport(&u, b, 10), -1);
	CHECK_EQ_STR(b, "");
}

TEST(url_ipv4)
{
	struct url u;
	struct err e;
	static const unsigned char want[4] = { 192, 0, 2, 1 };
	char b[64];
	CHECK_EQ_INT(parse(&u, "https://192.0.2.1:8443", &e), 0);
	CHECK_EQ_INT(u.host_type, URL_HOST_IPV4);
	CHECK_EQ_STR(u.host, "192.0.2.1");
	CHECK_EQ_MEM(u.ip, want, 4);
	CHECK_EQ_INT(u.port, 8443);
	CHECK_EQ_INT(parse(&u, "https://0.0.0.0", &e), 0);
	CHECK_EQ_INT(parse(&u, "https://255.255.255.255:443/", &e), 0);
	CHECK_EQ_STR(u.path, "/");
	url_host_header(&u, b, sizeof b);
	CHECK_EQ_STR(b, "255.255.255.255");
}

TEST(url_ipv6)
{
	struct url u;
	struct err e;
	static const unsigned char want[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
						 0, 0, 0, 0, 0, 0, 0, 1 };
	char b[80];
	CHECK_EQ_INT(parse(&u, "https://[2001:DB8::1]:8443/x", &e), 0);
	CHECK_EQ_INT(u.host_type, URL_HOST_IPV6);
	CHECK_EQ_STR(u.host, "2001:db8::1");
	CHECK_EQ_MEM(u.ip, want, 16);
	CHECK_EQ_INT(u.port, 8443);
	CHECK_EQ_STR(u.path, "/x");
	url_hostport(&u, b, sizeof b);
	CHECK_EQ_STR(b, "[2001:db8::1]:8443");
	CHECK_EQ_INT(parse(&u, "https://[::ffff:192.0.2.1]", &e), 0);
	url_host_header(&u, b, sizeof b);
	CHECK_EQ_STR(b, "[::ffff:192.0.2.1]");
}

TEST(url_query_without_path)
{
	struct url u;
	struct err e;
	CHECK_EQ_INT(parse(&u, "https://h.example?a=b", &e), 0);
	CHECK_EQ_STR(u.path, "/?a=b");
}

/* Each must be refused with a message containing the given text. */
static const struct {
	const char *url;
	const char *msg;
} bad[] = {
	{ "http://bootstrap.example", "scheme must be https" },
	{ "https:/bootstrap.example", "scheme must be https" },
	{ "ftp://x", "scheme" },
	{ "", "scheme" },
	{ "https://", "missing host" },
	{ "https:///path", "missing host" },
	{ "https://:443", "missing host" },
	{ "https://user@bootstrap.example", "userinfo" },
	{ "https://user:pw@192.0.2.1/", "userinfo" },
	{ "https://bootstrap.example:", "empty port" },
	{ "https://bootstrap.example:0", "out of range" },
	{ "https://bootstrap.example:65536", "out of range" },
	{ "https://bootstrap.example:123456", "out of range" },
	{ "https://bootstrap.example:8o", "decimal" },
	{ "https://bootstrap.example:-1", "decimal" },
	{ "https://boot strap.example", "space" },
	{ "https://bootstrap.example/a b", "space" },
	{ "https://bootstrap.example/\x7f", "0x7f" },
	{ "https://bootstrap.example/\x01", "0x01" },
	{ "https://bootstrap.example/\xc3\xa9", "0xc3" },
	{ "https://bootstrap.example/#frag", "fragment" },
	{ "https://bootstrap.example#frag", "fragment" },
	{ "https://bootstrap.example/a%2", "escape" },
	{ "https://bootstrap.example/a%zz", "escape" },
	{ "https://bootstrap.example/a\\b", "not allowed in path" },
	{ "https://bootstrap.example/<x>", "not allowed in path" },
	{ "https://bootstrap..example", "empty label" },
	{ "https://.example", "empty label" },
	{ "https://bootstrap.example.", "empty label" },
	{ "https://-boot.example", "starts with '-'" },
	{ "https://boot-.example", "ends with '-'" },
	{ "https://boot_strap.example", "not allowed in host" },
	{ "https://256.1.1.1", "neither" },
	{ "https://1.2.3", "neither" },
	{ "https://01.2.3.4", "neither" },
	{ "https://1.2.3.4.5", "neither" },
	{ "https://[2001:db8::1", "missing ']'" },
	{ "https://[2001:db8::1]x", "after ']'" },
	{ "https://[2001:db8::g]", "bad character" },
	{ "https://[fe80::1%eth0]", "bad character" },
	{ "https://[1:2:3:4:5:6:7:8:9]", "bad IPv6" },
	{ "https://[]", "IPv6" },
	{ "https://[::1]:99999", "out of range" },
};

TEST(url_rejects)
{
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct url u;
		struct err e;
		if (parse(&u, bad[i].url, &e) != -1)
			unit_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i].url);
		if (!strstr(e.msg, bad[i].msg))
			unit_fail(__FILE__, __LINE__, "\"%s\": message \"%s\" lacks \"%s\"",
				  bad[i].url, e.msg, bad[i].msg);
		CHECK(strncmp(e.msg, "url: ", 5) == 0);
	}
}

TEST(url_rejects_embedded_nul)
{
	struct url u;
	struct err e;
	CHECK_EQ_INT(url_parse(&u, "https://a.example\0.evil", 23, &e), -1);
	CHECK(strstr(e.msg, "0x00") != NULL);
}

TEST(url_length_limits)
{
	static char s[URL_MAX + 64];
	struct url u;
	struct err e;
	size_t n;

	/* label of 63 ok, 64 refused */
	strcpy(s, "https://");
	n = strlen(s);
	memset(s + n, 'a', 63);
	strcpy(s + n + 63, ".example");
	CHECK_EQ_INT(parse(&u, s, &e), 0);
	memset(s + n, 'a', 64);
	strcpy(s + n + 64, ".example");
	CHECK_EQ_INT(parse(&u, s, &e), -1);
	CHECK(strstr(e.msg, "63") != NULL);

	/* host of 254 bytes refused */
	strcpy(s, "https://");
	for (int i = 0; i < 4; i++)
		strcat(s, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.");
	strcat(s, "aa"); /* 4 * 63 + 2 = 254 */
	CHECK_EQ_INT(parse(&u, s, &e), -1);
	CHECK(strstr(e.msg, "253") != NULL);

	/* path of URL_PATH_MAX ok, one more refused */
	strcpy(s, "https://h.example/");
	n = strlen(s);
	memset(s + n, 'p', URL_PATH_MAX - 1);
	s[n + URL_PATH_MAX - 1] = '\0';
	CHECK_EQ_INT(parse(&u, s, &e), 0);
	CHECK_EQ_INT(strlen(u.path), URL_PATH_MAX);
	strcat(s, "p");
	CHECK_EQ_INT(parse(&u, s, &e), -1);
	/* query-only form at the limit */
	strcpy(s, "https://h.example?");
	n = strlen(s);
	memset(s + n, 'q', URL_PATH_MAX - 2);
	s[n + URL_PATH_MAX - 2] = '\0';
	CHECK_EQ_INT(parse(&u, s, &e), 0);
	CHECK_EQ_INT(strlen(u.path), URL_PATH_MAX);
	strcat(s, "q");
	CHECK_EQ_INT(parse(&u, s, &e), -1);

	/* whole URL too long */
	memset(s, 'a', sizeof s - 1);
	s[sizeof s - 1] = '\0';
	CHECK_EQ_INT(parse(&u, s, &e), -1);
	CHECK(strstr(e.msg, "longer than") != NULL);
}

TEST(url_check_path)
{
	struct err e;
	CHECK_EQ_INT(url_check_path("/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data", &e), 0);
	CHECK_EQ_INT(url_check_path("/", &e), 0);
	CHECK_EQ_INT(url_check_path("", &e), -1);
	CHECK_EQ_INT(url_check_path("relative", &e), -1);
	CHECK_EQ_INT(url_check_path("/a\r\nHost: x", &e), -1);
	CHECK_EQ_INT(url_check_path("/a b", &e), -1);
	CHECK_EQ_INT(url_check_path("/%", &e), -1);
	CHECK_EQ_INT(url_check_path("/%4", &e), -1);
	CHECK_EQ_INT(url_check_path("/%41", &e), 0);
}
