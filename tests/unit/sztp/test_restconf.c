/* test_restconf.c: RESTCONF bodies/paths/errors, host-meta, progress types, backoff. */
#include <string.h>

#include "sztp/backoff.h"
#include "sztp/hostmeta.h"
#include "sztp/progress.h"
#include "sztp/restconf.h"
#include "unit.h"

TEST(restconf_gbd_untrusted_body)
{
	uint8_t nonce[16];
	char out[512];
	struct err e;
	struct restconf_gbd_input in = { 1, nonce, sizeof nonce, NULL, NULL, NULL };

	memset(nonce, 0xab, sizeof nonce);
	CHECK(restconf_gbd_body(&in, out, sizeof out, &e) > 0);
	CHECK_EQ_STR(out, "{\"ietf-sztp-bootstrap-server:input\":{\"signed-data-preferred\":[null],"
		     "\"nonce\":\"q6urq6urq6urq6urq6urqw==\"}}");
}

TEST(restconf_gbd_trusted_body)
{
	char out[512];
	struct err e;
	struct restconf_gbd_input in = { 0, NULL, 0, "Model \"X\"", "Linux", "6.1" };

	CHECK(restconf_gbd_body(&in, out, sizeof out, &e) > 0);
	CHECK_EQ_STR(out, "{\"ietf-sztp-bootstrap-server:input\":{\"hw-model\":\"Model \\\"X\\\"\","
		     "\"os-name\":\"Linux\",\"os-version\":\"6.1\"}}");
	in.hw_model = NULL;
	in.os_name = NULL;
	in.os_version = NULL;
	CHECK(restconf_gbd_body(&in, out, sizeof out, &e) > 0);
	CHECK_EQ_STR(out, "{\"ietf-sztp-bootstrap-server:input\":{}}");
}

TEST(restconf_gbd_rejects)
{
	uint8_t nonce[33] = { 0 };
	char out[512];
	struct err e;
	struct restconf_gbd_input in = { 1, nonce, 15, NULL, NULL, NULL };

	CHECK_EQ_INT(restconf_gbd_body(&in, out, sizeof out, &e), -1); /* nonce too short */
	CHECK(strstr(e.msg, "nonce of 15 bytes") != NULL);
	in.nonce_len = 33;
	CHECK_EQ_INT(restconf_gbd_body(&in, out, sizeof out, &e), -1);
	in.nonce_len = 32;
	CHECK(restconf_gbd_body(&in, out, sizeof out, &e) > 0);
	in.hw_model = "bad\nmodel";
	CHECK_EQ_INT(restconf_gbd_body(&in, out, sizeof out, &e), -1);
	CHECK(strstr(e.msg, "hw-model") != NULL);
	in.hw_model = "";
	CHECK_EQ_INT(restconf_gbd_body(&in, out, sizeof out, &e), -1);
	in.hw_model = NULL;
	CHECK_EQ_INT(restconf_gbd_body(&in, out, 20, &e), -1); /* no room */
	CHECK_EQ_STR(out, "");
}

TEST(restconf_report_body)
{
	char out[256];
	struct err e;

	CHECK(restconf_report_body("bootstrap-initiated", NULL, out, sizeof out, &e) > 0);
	CHECK_EQ_STR(out, "{\"ietf-sztp-bootstrap-server:input\":{\"progress-type\":\"bootstrap-initiated\"}}");
	CHECK(restconf_report_body("boot-image-error", "a \"b\"\n\\c", out, sizeof out, &e) > 0);
	CHECK_EQ_STR(out, "{\"ietf-sztp-bootstrap-server:input\":{\"progress-type\":\"boot-image-error\","
		     "\"message\":\"a \\\"b\\\" \\\\c\"}}");
	CHECK_EQ_INT(restconf_report_body("", NULL, out, sizeof out, &e), -1);
	CHECK_EQ_INT(restconf_report_body("x", NULL, out, 10, &e), -1);
}

TEST(restconf_paths_and_media)
{
	char out[300], root[RESTCONF_ROOT_MAX + 1];
	struct err e;

	CHECK(restconf_op_path("/restconf", RESTCONF_OP_GBD, out, sizeof out, &e) > 0);
	CHECK_EQ_STR(out, "/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data");
	CHECK_EQ_INT(restconf_op_path("/restconf/", RESTCONF_OP_GBD, out, sizeof out, &e), -1);
	CHECK_EQ_INT(restconf_op_path("restconf", RESTCONF_OP_GBD, out, sizeof out, &e), -1);
	CHECK_EQ_INT(restconf_op_path("", RESTCONF_OP_GBD, out, sizeof out, &e), -1);
	CHECK_EQ_INT(restconf_op_path("/restconf", RESTCONF_OP_GBD, out, 20, &e), -1);

	CHECK(restconf_media_ok("application/yang-data+json"));
	CHECK(restconf_media_ok("Application/YANG-Data+JSON; charset=utf-8"));
	CHECK(!restconf_media_ok("application/json"));
	CHECK(!restconf_media_ok("application/yang-data+jsonx"));
	CHECK(!restconf_media_ok("application/yang-data+xml"));
	CHECK(!restconf_media_ok(""));
	CHECK(!restconf_media_ok(NULL));

	CHECK_EQ_INT(restconf_root_from_path("", root, sizeof root, &e), 0);
	CHECK_EQ_STR(root, "/restconf");
	CHECK_EQ_INT(restconf_root_from_path("/", root, sizeof root, &e), 0);
	CHECK_EQ_STR(root, "/restconf");
	CHECK_EQ_INT(restconf_root_from_path("/top/restconf/", root, sizeof root, &e), 0);
	CHECK_EQ_STR(root, "/top/restconf");
	CHECK_EQ_INT(restconf_root_from_path(
		"/rc/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data", root,
		sizeof root, &e), 0);
	CHECK_EQ_STR(root, "/rc");
	CHECK_EQ_INT(restconf_root_from_path("/restconf", root, 5, &e), -1);
}

TEST(restconf_errors_summary)
{
	const char *ok = "{\"ietf-restconf:errors\":{\"error\":[{\"error-type\":\"protocol\","
			 "\"error-tag\":\"access-denied\",\"error-message\":\"unknown\\ndevice\"},"
			 "{\"error-tag\":\"x\"}]}}";
	static const char *const bad[] = {
		"", "{", "[]", "{\"ietf-restconf:errors\":{}}", "{\"ietf-restconf:errors\":{\"error\":[]}}",
		"{\"ietf-restconf:errors\":{\"error\":[1]}}",
		"{\"ietf-restconf:errors\":{\"error\":[{\"error-message\":\"m\"}]}}",
		"<errors/>", "<errors xmlns=\"urn:ietf:params:xml:ns:yang:ietf-restconf\"/>",
		"<errors xmlns=\"urn:ietf:params:xml:ns:yang:ietf-restconf\"><error><error-message>m"
		"</error-message></error></errors>",
		"<errors xmlns=\"urn:other\"><error><error-tag>t</error-tag></error></errors>",
		"<!DOCTYPE errors><errors xmlns=\"urn:ietf:params:xml:ns:yang:ietf-restconf\"><error>"
		"<error-tag>t</error-tag></error></errors>",
		"<html><body>Internal error</body></html>",
	};
	char out[300];
	struct err e;

	CHECK_EQ_INT(restconf_errors_summary((const uint8_t *)ok, strlen(ok), out, sizeof out, &e), 0);
	CHECK_EQ_STR(out, "error-tag \"access-denied\": unknown device (and 1 more)");
	/* the XML encoding (RFC 8040 section 7.1) */
	ok = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	     "<errors xmlns=\"urn:ietf:params:xml:ns:yang:ietf-restconf\">\n"
	     "  <error>\n    <error-type>protocol</error-type>\n"
	     "    <error-tag>access-denied</error-tag>\n"
	     "    <error-app-tag>x:unknown</error-app-tag>\n"
	     "    <error-message>unknown\ndevice &amp; more</error-message>\n  </error>\n"
	     "  <error><error-tag>x</error-tag></error>\n</errors>\n";
	CHECK_EQ_INT(restconf_errors_summary((const uint8_t *)ok, strlen(ok), out, sizeof out, &e), 0);
	CHECK_EQ_STR(out, "error-tag \"access-denied\" app-tag \"x:unknown\": unknown device & more (and 1 more)");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (restconf_errors_summary((const uint8_t *)bad[i], strlen(bad[i]), out, sizeof out,
					    &e) != -1)
			unit_fail(__FILE__, __LINE__, "accepted error body %s", bad[i]);
		CHECK_EQ_STR(out, "");
	}
}

static int root_of(const char *xml, char *root, struct err *e)
{
	return hostmeta_restconf_root((const uint8_t *)xml, strlen(xml), root, RESTCONF_ROOT_MAX + 1, e);
}

TEST(hostmeta_finds_root)
{
	char root[RESTCONF_ROOT_MAX + 1];
	struct err e;

	CHECK_EQ_INT(root_of("<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>"
			     "<Link rel='restconf' href='/restconf'/></XRD>", root, &e), 0);
	CHECK_EQ_STR(root, "/restconf");
	CHECK_EQ_INT(root_of("<?xml version=\"1.0\"?>\n<XRD>\n <Link rel=\"author\" href=\"/x\"/>\n"
			     " <Link href = \"/top/rc/\"\n rel = \"restconf\" >\n</Link></XRD>",
			     root, &e), 0);
	CHECK_EQ_STR(root, "/top/rc");
	CHECK_EQ_INT(root_of("<x:XRD><x:Link rel='restconf' href='/a'/></x:XRD>", root, &e), 0);
	CHECK_EQ_STR(root, "/a");
	CHECK_EQ_INT(root_of("<XRD><Linkage rel='restconf' href='/no'/>"
			     "<Link rel='restconf' href='/yes'/></XRD>", root, &e), 0);
	CHECK_EQ_STR(root, "/yes");
}

TEST(hostmeta_rejects)
{
	static const char *const bad[] = {
		"", "<XRD></XRD>", "<XRD><Link rel='author' href='/a'/></XRD>",
		"<Link rel='restconf'/>", "<Link rel='restconf' href=''/>",
		"<Link rel='restconf' href='https://evil.example/restconf'/>",
		"<Link rel='restconf' href='//evil.example/restconf'/>",
		"<Link rel='restconf' href='restconf'/>",
		"<Link rel='restconf' href='/a&amp;b'/>", "<Link rel='restconf' href='/a b'/>",
		"<Link rel='restconf' href='/a", "<Link rel=restconf href='/a'/>",
		"<Link rel='restconf'href='/a'/>",
	};
	char root[RESTCONF_ROOT_MAX + 1];
	struct err e;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err_clear(&e);
		if (root_of(bad[i], root, &e) != -1)
			unit_fail(__FILE__, __LINE__, "accepted host-meta %s", bad[i]);
		CHECK(strncmp(e.msg, "host-meta: ", 11) == 0);
	}
}

TEST(progress_types)
{
	CHECK_EQ_INT(PROGRESS_N, 27);
	CHECK_EQ_STR(progress_name(PROGRESS_BOOTSTRAP_INITIATED), "bootstrap-initiated");
	CHECK_EQ_STR(progress_name(PROGRESS_BOOT_IMAGE_INSTALLED_REBOOTING),
		     "boot-image-installed-rebooting");
	CHECK_EQ_STR(progress_name(PROGRESS_INFORMATIONAL), "informational");
	CHECK(progress_name(PROGRESS_N) == NULL);
	for (int i = 0; i < PROGRESS_N; i++)
		CHECK_EQ_INT(progress_from_name(progress_name((enum progress_type)i)), i);
	CHECK_EQ_INT(progress_from_name("bootstrap"), -1);
	/* minimal: initiated + terminating reports only */
	CHECK(progress_wanted(PROGRESS_BOOTSTRAP_INITIATED, 0));
	CHECK(progress_wanted(PROGRESS_BOOTSTRAP_COMPLETE, 0));
	CHECK(progress_wanted(PROGRESS_BOOT_IMAGE_ERROR, 0));
	CHECK(!progress_wanted(PROGRESS_PARSING_INITIATED, 0));
	CHECK(!progress_wanted(PROGRESS_PARSING_COMPLETE, 0));
	CHECK(!progress_wanted(PROGRESS_CONFIG_WARNING, 0));
	CHECK(!progress_wanted(PROGRESS_INFORMATIONAL, 0));
	for (int i = 0; i < PROGRESS_N; i++)
		CHECK(progress_wanted((enum progress_type)i, 1));
	CHECK(!progress_wanted(PROGRESS_N, 1));
	CHECK(progress_must_ack(PROGRESS_BOOTSTRAP_INITIATED));
	CHECK(progress_must_ack(PROGRESS_BOOTSTRAP_COMPLETE));
	CHECK(!progress_must_ack(PROGRESS_PARSING_COMPLETE));
}

TEST(backoff_caps_and_jitters)
{
	struct backoff b;
	int d;

	backoff_init(&b, 1000, 5000);
	CHECK_EQ_INT(backoff_next(&b, 0), 500);          /* [500, 1000] */
	CHECK_EQ_INT(backoff_next(&b, 0xffffffffu), 2000 - 1000 + (int)(0xffffffffu % 1001));
	d = backoff_next(&b, 12345);                     /* nominal 4000 */
	CHECK(d >= 2000 && d <= 4000);
	for (int i = 0; i < 10; i++) {
		d = backoff_next(&b, (uint32_t)i * 7919u);
		CHECK(d >= 2500 && d <= 5000);           /* capped at 5000 */
	}
	backoff_init(&b, 0, -5);                          /* clamped */
	CHECK_EQ_INT(b.min_ms, 1);
	CHECK_EQ_INT(b.max_ms, 1);
	CHECK(backoff_next(&b, 3) >= 1);
}

TEST(restconf_media_tolerated_and_body_line)
{
	char out[64];
	static const uint8_t long_body[200] = { 'a' };

	CHECK_EQ_INT(restconf_media_tolerated(""), 1);
	CHECK_EQ_INT(restconf_media_tolerated("Text/Plain; charset=utf-8"), 1);
	CHECK_EQ_INT(restconf_media_tolerated("application/json"), 1);
	CHECK_EQ_INT(restconf_media_tolerated("application/jsonx"), 0);
	CHECK_EQ_INT(restconf_media_tolerated("text/html"), 0);
	CHECK_EQ_INT(restconf_media_tolerated(NULL), 0);
	CHECK_EQ_INT(restconf_body_line((const uint8_t *)"no \"serial\"\r\nmore", 17, out,
					sizeof out), 13);
	CHECK_EQ_STR(out, "no \\\"serial\\\"");
	restconf_body_line((const uint8_t *)"a\x01\xff\\b", 5, out, sizeof out);
	CHECK_EQ_STR(out, "a\\x01\\xff\\\\b");
	/* bounded by the output, marked as cut */
	restconf_body_line(long_body, sizeof long_body, out, sizeof out);
	CHECK(strlen(out) < sizeof out);
	CHECK(strstr(out, "...") != NULL);
	restconf_body_line(long_body, 0, out, sizeof out);
	CHECK_EQ_STR(out, "");
}

/* fuzz_restconf crash-1c124904...: an augmentation value with braces at both
 * ends but not one JSON object was copied into the report as is, and the
 * report was no longer JSON. */
TEST(restconf_report_write_augmentation_must_be_one_object)
{
	static const char *const bad[] = {
		"{\"ietf-restconf:errors\":{\"error\":[{\"errorty-pdenied\",\"error-message\"g\":"
		"\"access-denied\",\"error-message\":\"unknown device\"}]}}",
		"{}}", "{\"a\":\"}", "{} {}", "{\"a\":1,}", "{\"a\":1}\n}",
	};
	static char out[1024];
	struct restconf_report r;
	struct err e;

	memset(&r, 0, sizeof r);
	r.type = "bootstrap-complete";
	r.aug_name = "sztp-initrd:tpm-attestation";
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r.aug_json = bad[i];
		CHECK_EQ_INT(restconf_report_write(&r, out, sizeof out, &e), -1);
		CHECK(strstr(e.msg, "not a JSON object") != NULL);
		CHECK_EQ_STR(out, "");
	}
	r.aug_json = "{\"a\":{\"b\":[1,\"}\"]}}\n";
	CHECK(restconf_report_write(&r, out, sizeof out, &e) > 0);
	CHECK(strstr(out, "\"sztp-initrd:tpm-attestation\":{\"a\":{\"b\":[1,\"}\"]}}\n}}") != NULL);
}
