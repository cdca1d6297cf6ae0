/* test_conveyed.c: conveyed-information JSON parsing. */
#include "unit.h"

#include <stdlib.h>

#include "trust/conveyed.h"

static uint8_t arena_buf[64 * 1024];
static struct conveyed_info info;
static struct err e;

static int parse(const char *s)
{
	struct conveyed_arena a;
	conveyed_arena_init(&a, arena_buf, sizeof arena_buf);
	err_clear(&e);
	return conveyed_parse((const uint8_t *)s, strlen(s), &info, &a, &e);
}

#define RI "{\"ietf-sztp-conveyed-info:redirect-information\":"
#define OI "{\"ietf-sztp-conveyed-info:onboarding-information\":"
#define H32 "e3:b0:c4:42:98:fc:1c:14:9a:fb:f4:c8:99:6f:b9:24:27:ae:41:e4:64:9b:93:4c:a4:95:99:1b:78:52:b8:55"

TEST(conveyed_redirect_basic)
{
	CHECK_EQ_INT(parse(RI "{\"bootstrap-server\":[{\"address\":\"192.0.2.1\",\"port\":8443,"
	                   "\"trust-anchor\":\"AQID\"},{\"address\":\"bootstrap.example\"}]}}"), 0);
	CHECK_EQ_INT(info.kind, CONVEYED_REDIRECT);
	CHECK_EQ_INT(info.redirect.n_servers, 2);
	CHECK_EQ_STR(info.redirect.servers[0].address, "192.0.2.1");
	CHECK_EQ_INT(info.redirect.servers[0].port, 8443);
	CHECK_EQ_INT(info.redirect.servers[0].trust_anchor.len, 3);
	CHECK_EQ_MEM(info.redirect.servers[0].trust_anchor.data, "\x01\x02\x03", 3);
	CHECK_EQ_STR(info.redirect.servers[1].address, "bootstrap.example");
	CHECK_EQ_INT(info.redirect.servers[1].port, 443);
	CHECK(info.redirect.servers[1].trust_anchor.data == NULL);
}

TEST(conveyed_redirect_port_as_string_and_errors)
{
	CHECK_EQ_INT(parse(RI "{\"bootstrap-server\":[{\"address\":\"h\",\"port\":\"8080\"}]}}"), 0);
	CHECK_EQ_INT(info.redirect.servers[0].port, 8080);
	CHECK_EQ_INT(parse(RI "{\"bootstrap-server\":[{\"address\":\"h\",\"port\":[1]}]}}"), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: bootstrap-server[1]: \"port\" must be a number or string, got array");
	CHECK_EQ_INT(parse(RI "{\"bootstrap-server\":[{\"address\":\"h\",\"port\":0}]}}"), -1);
	CHECK(strstr(e.msg, "out of range") != NULL);
	CHECK_EQ_INT(parse(RI "{\"bootstrap-server\":[{\"address\":\"h\",\"port\":65536}]}}"), -1);
	CHECK_EQ_INT(parse(RI "{\"bootstrap-server\":[{\"port\":1}]}}"), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: bootstrap-server[1]: missing mandatory \"address\"");
	CHECK_EQ_INT(parse(RI "{\"bootstrap-server\":[{\"address\":\"\"}]}}"), -1);
	CHECK(strstr(e.msg, "must not be empty") != NULL);
	CHECK_EQ_INT(parse(RI "{\"bootstrap-server\":[]}}"), -1);
	CHECK(strstr(e.msg, "is empty") != NULL);
	CHECK_EQ_INT(parse(RI "{}}"), -1);
	CHECK(strstr(e.msg, "missing mandatory \"bootstrap-server\"") != NULL);
	CHECK_EQ_INT(parse(RI "{\"bootstrap-server\":[{\"address\":\"h\",\"trust-anchor\":\"!!\"}]}}"), -1);
	CHECK(strstr(e.msg, "conveyed-information: bootstrap-server[1]: \"trust-anchor\": base64") == e.msg);
	CHECK_EQ_INT(parse(RI "{\"bootstrap-server\":[\"h\"]}}"), -1);
	CHECK(strstr(e.msg, "must be an object, got string") != NULL);
	CHECK_EQ_INT(info.kind, CONVEYED_NONE);
	/* addresses end up in URLs: only host characters */
	CHECK_EQ_INT(parse(RI "{\"bootstrap-server\":[{\"address\":\"2001:db8::1%eth0\"}]}}"), 0);
	CHECK_EQ_INT(parse(RI "{\"bootstrap-server\":[{\"address\":\"evil.example/x@y\"}]}}"), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: bootstrap-server[1]: \"address\" \"evil.example/x@y\" is not a valid inet:host");
	CHECK_EQ_INT(parse(RI "{\"bootstrap-server\":[{\"address\":\"a b\"}]}}"), -1);
	CHECK_EQ_INT(parse(RI "{\"bootstrap-server\":[{\"address\":\"[2001:db8::1]\"}]}}"), -1);
}

TEST(conveyed_redirect_server_limit)
{
	char buf[4096];
	size_t n = (size_t)snprintf(buf, sizeof buf, RI "{\"bootstrap-server\":[");
	for (int i = 0; i <= CONVEYED_MAX_SERVERS; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s{\"address\":\"h%d\"}",
		                      i ? "," : "", i);
	snprintf(buf + n, sizeof buf - n, "]}}");
	CHECK_EQ_INT(parse(buf), -1);
	CHECK(strstr(e.msg, "limit") != NULL);
}

TEST(conveyed_onboarding_full)
{
	CHECK_EQ_INT(parse(OI "{\"boot-image\":{\"os-name\":\"Debian\",\"os-version\":\"12\","
	                   "\"download-uri\":[\"https://a/x.img\",\"ftps://b/x.img\"],"
	                   "\"image-verification\":[{\"hash-algorithm\":\"ietf-sztp-conveyed-info:sha-256\","
	                   "\"hash-value\":\"" H32 "\"}]},"
	                   "\"configuration-handling\":\"replace\",\"pre-configuration-script\":\"cHJl\","
	                   "\"configuration\":\"Y2Zn\",\"post-configuration-script\":\"cG9zdA==\","
	                   "\"unknown-member\":{\"x\":[1]}}}"), 0);
	CHECK_EQ_INT(info.kind, CONVEYED_ONBOARDING);
	const struct conveyed_onboarding *o = &info.onboarding;
	CHECK_EQ_INT(o->boot_image.present, 1);
	CHECK_EQ_STR(o->boot_image.os_name, "Debian");
	CHECK_EQ_STR(o->boot_image.os_version, "12");
	CHECK_EQ_INT(o->boot_image.n_uris, 2);
	CHECK_EQ_STR(o->boot_image.uris[1], "ftps://b/x.img");
	CHECK_EQ_INT(o->boot_image.n_sha256, 1);
	CHECK_EQ_MEM(o->boot_image.sha256[0], "\xe3\xb0\xc4\x42", 4);
	CHECK_EQ_INT(o->boot_image.sha256[0][31], 0x55);
	CHECK_EQ_INT(o->handling, CONVEYED_HANDLING_REPLACE);
	CHECK_EQ_INT(o->pre_script.len, 3);
	CHECK_EQ_MEM(o->pre_script.data, "pre", 3);
	CHECK_EQ_MEM(o->configuration.data, "cfg", 3);
	CHECK_EQ_INT(o->post_script.len, 4);
	CHECK_EQ_MEM(o->post_script.data, "post", 4);
}

TEST(conveyed_onboarding_empty_is_fine)
{
	CHECK_EQ_INT(parse(OI "{}}"), 0);
	CHECK_EQ_INT(info.kind, CONVEYED_ONBOARDING);
	CHECK_EQ_INT(info.onboarding.boot_image.present, 0);
	CHECK_EQ_INT(info.onboarding.handling, CONVEYED_HANDLING_NONE);
}

TEST(conveyed_hash_rules)
{
	/* unqualified identity is fine (RFC 7951) */
	CHECK_EQ_INT(parse(OI "{\"boot-image\":{\"download-uri\":[\"https://a\"],\"image-verification\":"
	                   "[{\"hash-algorithm\":\"sha-256\",\"hash-value\":\"" H32 "\"}]}}}"), 0);
	/* unknown algorithm skipped, sha-256 kept */
	CHECK_EQ_INT(parse(OI "{\"boot-image\":{\"download-uri\":[\"https://a\"],\"image-verification\":"
	                   "[{\"hash-algorithm\":\"x:sha3\",\"hash-value\":\"zz\"},"
	                   "{\"hash-algorithm\":\"ietf-sztp-conveyed-info:sha-256\",\"hash-value\":\"" H32 "\"}]}}}"), 0);
	CHECK_EQ_INT(info.onboarding.boot_image.n_sha256, 1);
	CHECK_EQ_INT(info.onboarding.boot_image.n_skipped_hashes, 1);
	/* only unknown algorithms and URIs: refused */
	CHECK_EQ_INT(parse(OI "{\"boot-image\":{\"download-uri\":[\"https://a\"],\"image-verification\":"
	                   "[{\"hash-algorithm\":\"x:sha3\",\"hash-value\":\"00\"}]}}}"), -1);
	CHECK(strstr(e.msg, "no ietf-sztp-conveyed-info:sha-256 image-verification") != NULL);
	/* URIs without any image-verification: refused */
	CHECK_EQ_INT(parse(OI "{\"boot-image\":{\"download-uri\":[\"https://a\"]}}}"), -1);
	/* unknown algorithm without URIs: fine */
	CHECK_EQ_INT(parse(OI "{\"boot-image\":{\"os-name\":\"x\",\"image-verification\":"
	                   "[{\"hash-algorithm\":\"x:sha3\",\"hash-value\":\"00\"}]}}}"), 0);
	/* bad hex-string */
	CHECK_EQ_INT(parse(OI "{\"boot-image\":{\"download-uri\":[\"https://a\"],\"image-verification\":"
	                   "[{\"hash-algorithm\":\"sha-256\",\"hash-value\":\"e3b0c442\"}]}}}"), -1);
	CHECK(strstr(e.msg, "conveyed-information: image-verification[1]: \"hash-value\": hex-string") == e.msg);
	/* wrong length */
	CHECK_EQ_INT(parse(OI "{\"boot-image\":{\"download-uri\":[\"https://a\"],\"image-verification\":"
	                   "[{\"hash-algorithm\":\"sha-256\",\"hash-value\":\"e3:b0\"}]}}}"), -1);
	CHECK(strstr(e.msg, "has 2 bytes, want 32") != NULL);
	/* missing hash-value */
	CHECK_EQ_INT(parse(OI "{\"boot-image\":{\"image-verification\":[{\"hash-algorithm\":\"sha-256\"}]}}}"), -1);
	CHECK(strstr(e.msg, "missing mandatory \"hash-value\"") != NULL);
}

TEST(conveyed_onboarding_errors)
{
	CHECK_EQ_INT(parse(OI "{\"configuration\":\"Y2Zn\"}}"), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: onboarding-information: \"configuration\" given without \"configuration-handling\"");
	CHECK_EQ_INT(parse(OI "{\"configuration-handling\":\"append\"}}"), -1);
	CHECK(strstr(e.msg, "must be \"merge\" or \"replace\"") != NULL);
	CHECK_EQ_INT(parse(OI "{\"configuration-handling\":\"merge\",\"configuration\":\"Y2Z\"}}"), -1);
	CHECK(strstr(e.msg, "\"configuration\": base64") != NULL);
	CHECK_EQ_INT(parse(OI "{\"pre-configuration-script\":5}}"), -1);
	CHECK(strstr(e.msg, "\"pre-configuration-script\" must be a string, got number") != NULL);
	CHECK_EQ_INT(parse(OI "{\"boot-image\":[]}}"), -1);
	CHECK(strstr(e.msg, "\"boot-image\" must be an object, got array") != NULL);
	CHECK_EQ_INT(parse(OI "{\"boot-image\":{\"download-uri\":[1]}}}"), -1);
	CHECK(strstr(e.msg, "download-uri[1] must be a string, got number") != NULL);
	CHECK_EQ_INT(parse(OI "{\"boot-image\":{\"download-uri\":\"https://a\"}}}"), -1);
	CHECK_EQ_INT(parse(OI "[]}"), -1);
	CHECK_EQ_INT(parse(OI "{\"boot-image\":{\"download-uri\":[\"https://a/b c\"],\"image-verification\":"
	                   "[{\"hash-algorithm\":\"sha-256\",\"hash-value\":\"" H32 "\"}]}}}"), -1);
	CHECK(strstr(e.msg, "download-uri[1] contains whitespace or control characters") != NULL);
}

TEST(conveyed_top_level)
{
	CHECK_EQ_INT(parse("{}"), -1);
	CHECK(strstr(e.msg, "neither") != NULL);
	CHECK_EQ_INT(parse("[]"), -1);
	CHECK(strstr(e.msg, "must be a JSON object") != NULL);
	CHECK_EQ_INT(parse("{\"ietf-sztp-conveyed-info:redirect-information\":{\"bootstrap-server\":"
	                   "[{\"address\":\"h\"}]},\"ietf-sztp-conveyed-info:onboarding-information\":{}}"), -1);
	CHECK(strstr(e.msg, "both") != NULL);
	/* unqualified top-level names are not the YANG JSON encoding */
	CHECK_EQ_INT(parse("{\"onboarding-information\":{}}"), -1);
	CHECK_EQ_INT(parse("{\"ietf-sztp-conveyed-info:onboarding-information\":{}} x"), -1);
	CHECK(strstr(e.msg, "trailing data") != NULL);
}

TEST(conveyed_arena_too_small)
{
	struct conveyed_arena a;
	uint8_t small[2];
	const char *s = OI "{\"pre-configuration-script\":\"cHJl\"}}";
	conveyed_arena_init(&a, small, sizeof small);
	CHECK_EQ_INT(conveyed_parse((const uint8_t *)s, strlen(s), &info, &a, &e), -1);
	CHECK(strstr(e.msg, "pre-configuration-script") != NULL);
	CHECK_EQ_INT(a.used, 0);
}

/* The SZTPD vectors: each conveyed-*.json parses. */
static int parse_file(const char *name, char *buf, size_t cap)
{
	char path[512];
	const char *dirs[] = { "../shared/vectors/sztpd-unsigned", "/work/shared/vectors/sztpd-unsigned" };
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s", dirs[i], name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		size_t n = fread(buf, 1, cap - 1, f);
		fclose(f);
		buf[n] = 0;
		return parse(buf);
	}
	return -2;
}

TEST(conveyed_sztpd_vectors)
{
	static char buf[65536];
	static const char *names[] = { "conveyed-L253.json", "conveyed-L453.json",
		"conveyed-L460.json", "conveyed-L481.json", "conveyed-L488.json" };
	int r = parse_file("conveyed-L260.json", buf, sizeof buf);
	if (r == -2) {
		printf("  (vectors not found, skipped)\n");
		return;
	}
	CHECK_EQ_INT(r, 0);
	CHECK_EQ_INT(info.kind, CONVEYED_REDIRECT);
	CHECK_EQ_INT(info.redirect.servers[0].port, 38443);
	CHECK(info.redirect.servers[0].trust_anchor.len > 100);
	CHECK_EQ_INT(info.redirect.servers[0].trust_anchor.data[0], 0x30);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		CHECK_EQ_INT(parse_file(names[i], buf, sizeof buf), 0);
		CHECK_EQ_INT(info.kind, CONVEYED_ONBOARDING);
	}
	CHECK_EQ_INT(info.onboarding.boot_image.n_uris, 2);
	CHECK_EQ_STR(info.onboarding.boot_image.uris[1], "ftps://web:990/test.img");
	CHECK_EQ_INT(info.onboarding.handling, CONVEYED_HANDLING_MERGE);
}
