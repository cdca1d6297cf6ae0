/* test_conveyed_xml.c: conveyed information in the XML encoding
 * (id-ct-sztpConveyedInfoXML) into the same structures as JSON. */
#include "unit.h"

#include "trust/conveyed.h"

static uint8_t arena_buf[64 * 1024];
static struct xml_elem elems[256];
static char store[XML_STORE_SIZE(16384, 256)];
static struct xml_doc doc;
static struct conveyed_info info;
static struct conveyed_arena arena;
static struct err e;
static int ns_case;

static int parse(const char *s)
{
	conveyed_arena_init(&arena, arena_buf, sizeof arena_buf);
	xml_doc_init(&doc, elems, 256, store, sizeof store);
	err_clear(&e);
	if (xml_parse(&doc, (const uint8_t *)s, strlen(s), "conveyed-information", &e) < 0)
		return -2;
	return conveyed_parse_xml(&doc, &info, &arena, &ns_case, &e);
}

#define NS  "urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info"
#define RI  "<redirect-information xmlns=\"" NS "\">"
#define RIE "</redirect-information>"
#define OI  "<onboarding-information xmlns=\"" NS "\">"
#define OIE "</onboarding-information>"
#define H32 "e3:b0:c4:42:98:fc:1c:14:9a:fb:f4:c8:99:6f:b9:24:27:ae:41:e4:64:9b:93:4c:a4:95:99:1b:78:52:b8:55"

TEST(conveyed_xml_redirect)
{
	CHECK_EQ_INT(parse(RI "<bootstrap-server><address>192.0.2.1</address><port>8443</port>"
	                   "<trust-anchor>\n  AQID\n</trust-anchor></bootstrap-server>"
	                   "<bootstrap-server><address> bootstrap.example </address></bootstrap-server>"
	                   "<vendor-extension xmlns=\"urn:vendor\"><bootstrap-server/></vendor-extension>"
	                   RIE), 0);
	CHECK_EQ_INT(ns_case, 0);
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

TEST(conveyed_xml_redirect_errors)
{
	CHECK_EQ_INT(parse(RI RIE), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: redirect-information: no \"bootstrap-server\"");
	CHECK_EQ_INT(parse(RI "<bootstrap-server><port>1</port></bootstrap-server>" RIE), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: bootstrap-server[1]: <address> is missing");
	CHECK_EQ_INT(parse(RI "<bootstrap-server><address/></bootstrap-server>" RIE), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: bootstrap-server[1]: \"address\" must not be empty");
	CHECK_EQ_INT(parse(RI "<bootstrap-server><address>a/b</address></bootstrap-server>" RIE), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: bootstrap-server[1]: \"address\" \"a/b\" is not a valid inet:host");
	CHECK_EQ_INT(parse(RI "<bootstrap-server><address>h</address><port>0</port></bootstrap-server>" RIE), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: bootstrap-server[1]: \"port\" is 0, out of range 1..65535");
	CHECK_EQ_INT(parse(RI "<bootstrap-server><address>h</address><port>99999999999999999999</port></bootstrap-server>" RIE), -1);
	CHECK(strstr(e.msg, "out of range 1..65535") != NULL);
	CHECK_EQ_INT(parse(RI "<bootstrap-server><address>h</address><port>-1</port></bootstrap-server>" RIE), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: bootstrap-server[1]: \"port\" must be a decimal number, got \"-1\"");
	CHECK_EQ_INT(parse(RI "<bootstrap-server><address>h</address><address>i</address></bootstrap-server>" RIE), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: bootstrap-server[1]: <address> appears more than once (line 1)");
	CHECK_EQ_INT(parse(RI "<bootstrap-server><address>h</address><trust-anchor>!!</trust-anchor></bootstrap-server>" RIE), -1);
	CHECK(strstr(e.msg, "conveyed-information: bootstrap-server[1]: \"trust-anchor\": base64") == e.msg);
	CHECK_EQ_INT(parse(RI "<bootstrap-server><address>h</address><trust-anchor> </trust-anchor></bootstrap-server>" RIE), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: bootstrap-server[1]: \"trust-anchor\" is empty");
	char buf[4096];
	size_t n = (size_t)snprintf(buf, sizeof buf, RI);
	for (int i = 0; i <= CONVEYED_MAX_SERVERS; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "<bootstrap-server><address>h%d</address></bootstrap-server>", i);
	snprintf(buf + n, sizeof buf - n, RIE);
	CHECK_EQ_INT(parse(buf), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: redirect-information: more than 16 bootstrap servers");
	CHECK_EQ_INT(info.kind, CONVEYED_NONE);
	CHECK_EQ_INT(arena.used, 0);
}

TEST(conveyed_xml_onboarding_full)
{
	CHECK_EQ_INT(parse("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	                   "<onboarding-information xmlns=\"urn:ietf:params:xml:ns:yang:IETF-SZTP-CONVEYED-INFO\"\n"
	                   "    xmlns:sztp=\"urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info\">\n"
	                   "  <boot-image>\n"
	                   "    <os-name>Demo OS</os-name>\n"
	                   "    <os-version>1.2</os-version>\n"
	                   "    <download-uri>https://192.0.2.9/a.img</download-uri>\n"
	                   "    <download-uri>https://198.51.100.9/a.img?x=1&amp;y=2</download-uri>\n"
	                   "    <image-verification>\n"
	                   "      <hash-algorithm>sztp:sha-256</hash-algorithm>\n"
	                   "      <hash-value>" H32 "</hash-value>\n"
	                   "    </image-verification>\n"
	                   "    <image-verification>\n"
	                   "      <hash-algorithm xmlns:x=\"urn:example:other\">x:sha-256</hash-algorithm>\n"
	                   "      <hash-value>00</hash-value>\n"
	                   "    </image-verification>\n"
	                   "  </boot-image>\n"
	                   "  <configuration-handling>replace</configuration-handling>\n"
	                   "  <pre-configuration-script>cHJl</pre-configuration-script>\n"
	                   "  <configuration>\n    Y2Zn\n  </configuration>\n"
	                   "  <post-configuration-script>cG9zdA==</post-configuration-script>\n"
	                   "</onboarding-information>\n"), 0);
	CHECK_EQ_INT(ns_case, 1);
	CHECK_EQ_INT(info.kind, CONVEYED_ONBOARDING);
	const struct conveyed_onboarding *o = &info.onboarding;
	CHECK_EQ_INT(o->boot_image.present, 1);
	CHECK_EQ_STR(o->boot_image.os_name, "Demo OS");
	CHECK_EQ_STR(o->boot_image.os_version, "1.2");
	CHECK_EQ_INT(o->boot_image.n_uris, 2);
	CHECK_EQ_STR(o->boot_image.uris[1], "https://198.51.100.9/a.img?x=1&y=2");
	CHECK_EQ_INT(o->boot_image.n_sha256, 1);
	CHECK_EQ_INT(o->boot_image.sha256[0][0], 0xe3);
	CHECK_EQ_INT(o->boot_image.sha256[0][31], 0x55);
	/* x:sha-256 is another module's identity: skipped */
	CHECK_EQ_INT(o->boot_image.n_skipped_hashes, 1);
	CHECK_EQ_INT(o->handling, CONVEYED_HANDLING_REPLACE);
	CHECK_EQ_INT(o->pre_script.len, 3);
	CHECK_EQ_MEM(o->configuration.data, "cfg", 3);
	CHECK_EQ_MEM(o->post_script.data, "post", 4);
}

TEST(conveyed_xml_hash_algorithm_qnames)
{
	/* the default namespace, and the module name as JSON writes it */
	CHECK_EQ_INT(parse(OI "<boot-image><download-uri>u</download-uri><image-verification>"
	                   "<hash-algorithm>sha-256</hash-algorithm><hash-value>" H32 "</hash-value>"
	                   "</image-verification><image-verification>"
	                   "<hash-algorithm>ietf-sztp-conveyed-info:sha-256</hash-algorithm>"
	                   "<hash-value>" H32 "</hash-value></image-verification></boot-image>" OIE), 0);
	CHECK_EQ_INT(info.onboarding.boot_image.n_sha256, 2);
	/* only hashes of other algorithms: the image could not be checked */
	CHECK_EQ_INT(parse(OI "<boot-image><download-uri>u</download-uri><image-verification>"
	                   "<hash-algorithm>sha-512</hash-algorithm><hash-value>00</hash-value>"
	                   "</image-verification></boot-image>" OIE), -1);
	CHECK(strstr(e.msg, "download-uri given but no ietf-sztp-conveyed-info:sha-256 image-verification") != NULL);
	/* a prefix bound to nothing, other than the module name, is no sha-256 */
	CHECK_EQ_INT(parse(OI "<boot-image><download-uri>u</download-uri><image-verification>"
	                   "<hash-algorithm>nope:sha-256</hash-algorithm><hash-value>" H32 "</hash-value>"
	                   "</image-verification></boot-image>" OIE), -1);
	CHECK_EQ_INT(parse(OI "<boot-image><image-verification><hash-algorithm>sha-256</hash-algorithm>"
	                   "<hash-value>00:01</hash-value></image-verification></boot-image>" OIE), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: image-verification[1]: sha-256 \"hash-value\" has 2 bytes, want 32");
	CHECK_EQ_INT(parse(OI "<boot-image><image-verification><hash-value>00</hash-value>"
	                   "</image-verification></boot-image>" OIE), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: image-verification[1]: <hash-algorithm> is missing");
}

TEST(conveyed_xml_onboarding_errors)
{
	CHECK_EQ_INT(parse(OI OIE), 0);
	CHECK_EQ_INT(info.kind, CONVEYED_ONBOARDING);
	CHECK_EQ_INT(info.onboarding.boot_image.present, 0);
	CHECK_EQ_INT(parse(OI "<configuration>Y2Zn</configuration>" OIE), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: onboarding-information: \"configuration\" given without \"configuration-handling\"");
	CHECK_EQ_INT(parse(OI "<configuration-handling>append</configuration-handling>" OIE), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: onboarding-information: \"configuration-handling\" must be \"merge\" or \"replace\", got \"append\"");
	CHECK_EQ_INT(parse(OI "<boot-image><download-uri>a b</download-uri></boot-image>" OIE), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: boot-image: download-uri[1] contains whitespace or control characters");
	CHECK_EQ_INT(parse(OI "<boot-image><download-uri/></boot-image>" OIE), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: boot-image: download-uri[1] is empty");
	CHECK_EQ_INT(parse(OI "<boot-image><download-uri><x/></download-uri></boot-image>" OIE), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: boot-image: download-uri[1] must be a string, not elements");
	CHECK_EQ_INT(parse(OI "<boot-image/><boot-image/>" OIE), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: onboarding-information: <boot-image> appears more than once (line 1)");
	char big[2048];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = 0;
	char buf[4096];
	snprintf(buf, sizeof buf, OI "<boot-image><os-name>%.300s</os-name></boot-image>" OIE, big);
	CHECK_EQ_INT(parse(buf), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: boot-image: \"os-name\" is too long (300 bytes, limit 255)");
	snprintf(buf, sizeof buf, OI "<boot-image><download-uri>%s</download-uri></boot-image>" OIE, big);
	CHECK_EQ_INT(parse(buf), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: boot-image: download-uri[1] is too long (2047 bytes, limit 1023)");
	size_t n = (size_t)snprintf(buf, sizeof buf, OI "<boot-image>");
	for (int i = 0; i <= CONVEYED_MAX_URIS; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "<download-uri>u%d</download-uri>", i);
	snprintf(buf + n, sizeof buf - n, "</boot-image>" OIE);
	CHECK_EQ_INT(parse(buf), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: boot-image: more than 8 download URIs");
	CHECK_EQ_INT(parse(OI "<pre-configuration-script>***</pre-configuration-script>" OIE), -1);
	CHECK(strstr(e.msg, "conveyed-information: onboarding-information: \"pre-configuration-script\": base64") == e.msg);
	CHECK_EQ_INT(info.kind, CONVEYED_NONE);
}

TEST(conveyed_xml_wrong_root)
{
	CHECK_EQ_INT(parse("<onboarding-information/>"), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: the XML root element is <onboarding-information> in namespace \"\", "
	             "expected <redirect-information> or <onboarding-information> in \"" NS "\"");
	CHECK_EQ_INT(parse("<conveyed-information xmlns=\"" NS "\"/>"), -1);
	CHECK(strstr(e.msg, "root element is <conveyed-information>") != NULL);
	/* a JSON-ish XML: the module-qualified name as an element name */
	CHECK_EQ_INT(parse("<ietf-sztp-conveyed-info:onboarding-information/>"), -2);
	CHECK(strstr(e.msg, "namespace prefix not declared") != NULL);
}

/* The same information, in both encodings, gives the same structures. */
TEST(conveyed_xml_equals_json)
{
	static struct conveyed_info from_json;
	static uint8_t arena2[64 * 1024];
	struct conveyed_arena a2;
	const char *json = "{\"ietf-sztp-conveyed-info:onboarding-information\":{\"boot-image\":{"
		"\"os-name\":\"X\",\"download-uri\":[\"https://192.0.2.1/i\"],\"image-verification\":[{"
		"\"hash-algorithm\":\"ietf-sztp-conveyed-info:sha-256\",\"hash-value\":\"" H32 "\"}]},"
		"\"configuration-handling\":\"merge\",\"configuration\":\"Y2Zn\"}}";
	conveyed_arena_init(&a2, arena2, sizeof arena2);
	CHECK_EQ_INT(conveyed_parse((const uint8_t *)json, strlen(json), &from_json, &a2, &e), 0);
	CHECK_EQ_INT(parse(OI "<boot-image><os-name>X</os-name><download-uri>https://192.0.2.1/i</download-uri>"
	                   "<image-verification><hash-algorithm>sha-256</hash-algorithm><hash-value>" H32
	                   "</hash-value></image-verification></boot-image>"
	                   "<configuration-handling>merge</configuration-handling>"
	                   "<configuration>Y2Zn</configuration>" OIE), 0);
	CHECK_EQ_INT(info.onboarding.configuration.len, from_json.onboarding.configuration.len);
	CHECK_EQ_MEM(info.onboarding.configuration.data, from_json.onboarding.configuration.data, 3);
	info.onboarding.configuration.data = NULL;
	from_json.onboarding.configuration.data = NULL;
	CHECK_EQ_MEM(&info, &from_json, sizeof info);
}
