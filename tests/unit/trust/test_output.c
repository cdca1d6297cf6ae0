/* test_output.c: the get-bootstrapping-data output, JSON or XML. */
#include "unit.h"

#include "trust/output.h"

static uint8_t ci[1024], oc[1024], ov[1024];
static struct xml_elem elems[64];
static char store[XML_STORE_SIZE(8192, 64)];
static struct xml_doc x;
static struct output o;
static struct err e;

static int R(const char *body)
{
	memset(&o, 0, sizeof o);
	o.ci.buf = ci;
	o.ci.cap = sizeof ci;
	o.oc.buf = oc;
	o.oc.cap = sizeof oc;
	o.ov.buf = ov;
	o.ov.cap = sizeof ov;
	xml_doc_init(&x, elems, 64, store, sizeof store);
	err_clear(&e);
	return output_read((const uint8_t *)body, strlen(body), &o, &x, &e);
}

#define NS "urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server"

/* The shape a vendor's recipe writes, served as a static file: the
 * namespace in another letter case, reporting-level first, base64 wrapped
 * at 76 characters on lines of their own. */
TEST(output_xml_recipe_shape)
{
	CHECK_EQ_INT(R("<output xmlns=\"urn:ietf:params:xml:ns:yang:ietf-SZTP-bootstrap-server\">\n"
	               "\n<reporting-level>verbose</reporting-level>\n"
	               "<conveyed-information>\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEy\n"
	               "MzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9Q\n</conveyed-information>\n"
	               "<owner-certificate>\nb2M=\n</owner-certificate>\n"
	               "<ownership-voucher>\r\nb3Y=\r\n</ownership-voucher>\n</output>\n"), 0);
	CHECK_EQ_INT(o.xml, 1);
	CHECK_EQ_INT(o.ns_case, 1);
	CHECK_EQ_INT(o.verbose, 1);
	CHECK_EQ_INT(o.ci.present, 1);
	CHECK_EQ_INT(o.ci.len, 81);
	for (int i = 0; i < 81; i++)
		CHECK_EQ_INT(ci[i], i);
	CHECK_EQ_INT(o.oc.len, 2);
	CHECK_EQ_MEM(oc, "oc", 2);
	CHECK_EQ_INT(o.ov.len, 2);
	CHECK_EQ_MEM(ov, "ov", 2);
}

TEST(output_xml_rfc_namespace_prefix_and_unknown_elements)
{
	CHECK_EQ_INT(R("<?xml version=\"1.0\"?><s:output xmlns:s=\"" NS "\" xmlns:v=\"urn:vendor\">"
	               "<v:conveyed-information>!!!not base64, other namespace</v:conveyed-information>"
	               "<v:extension><v:x>1</v:x></v:extension>"
	               "<s:conveyed-information>Y2k=</s:conveyed-information></s:output>"), 0);
	CHECK_EQ_INT(o.ns_case, 0);
	CHECK_EQ_INT(o.verbose, 0);
	CHECK_EQ_INT(o.ci.len, 2);
	CHECK_EQ_INT(o.oc.present, 0);
	CHECK_EQ_INT(o.ov.present, 0);
}

TEST(output_xml_errors_name_what_was_wrong)
{
	CHECK_EQ_INT(R("<output xmlns=\"" NS "\"/>"), -1);
	CHECK_EQ_STR(e.msg, "response: <conveyed-information> is missing");
	CHECK_EQ_INT(R("<output xmlns=\"urn:other\"><conveyed-information>Y2k=</conveyed-information></output>"), -1);
	CHECK_EQ_STR(e.msg, "response: the XML root element is <output> in namespace \"urn:other\", expected <output> in \"" NS "\"");
	CHECK_EQ_INT(R("<output><conveyed-information>Y2k=</conveyed-information></output>"), -1);
	CHECK(strstr(e.msg, "in namespace \"\", expected <output>") != NULL);
	CHECK_EQ_INT(R("<input xmlns=\"" NS "\"/>"), -1);
	CHECK(strstr(e.msg, "response: the XML root element is <input>") == e.msg);
	CHECK_EQ_INT(R("<output xmlns=\"" NS "\"><conveyed-information>Y2k=</conveyed-information>"
	               "<conveyed-information>Y2k=</conveyed-information></output>"), -1);
	CHECK_EQ_STR(e.msg, "response: <conveyed-information> appears more than once (line 1)");
	CHECK_EQ_INT(R("<output xmlns=\"" NS "\"><conveyed-information>Y2k*</conveyed-information></output>"), -1);
	CHECK(strstr(e.msg, "conveyed-information: base64: ") == e.msg);
	CHECK_EQ_INT(R("<output xmlns=\"" NS "\"><conveyed-information> </conveyed-information></output>"), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: empty");
	CHECK_EQ_INT(R("<output xmlns=\"" NS "\"><conveyed-information><a/></conveyed-information></output>"), -1);
	CHECK_EQ_STR(e.msg, "response: <conveyed-information> must hold a value, not elements (line 1)");
	CHECK_EQ_INT(R("<output xmlns=\"" NS "\"><conveyed-information>Y2k=</conveyed-information>"
	               "<reporting-level>loud</reporting-level></output>"), -1);
	CHECK_EQ_STR(e.msg, "response: reporting-level must be \"minimal\" or \"verbose\", got \"loud\"");
	CHECK_EQ_INT(R("<!DOCTYPE output [<!ENTITY b \"Y2k=\">]><output xmlns=\"" NS "\">"
	               "<conveyed-information>&b;</conveyed-information></output>"), -1);
	CHECK_EQ_STR(e.msg, "response: line 1: DOCTYPE output refused (no DTD processing, no entities)");
	CHECK_EQ_INT(R("<output xmlns=\"" NS "\"><conveyed-information>Y2k=</conveyed-information>"), -1);
	CHECK(strstr(e.msg, "not well-formed XML") != NULL);
	/* nothing half-read is left behind */
	CHECK_EQ_INT(o.ci.len, 0);
	CHECK_EQ_INT(o.ci.present, 0);
	CHECK_EQ_INT(o.xml, 0);
}

TEST(output_json_unchanged)
{
	CHECK_EQ_INT(R("{\"ietf-sztp-bootstrap-server:output\":{\"conveyed-information\":\"Y2k=\","
	               "\"owner-certificate\":\"b2M=\",\"ownership-voucher\":\"b3Y=\","
	               "\"reporting-level\":\"minimal\"}}"), 0);
	CHECK_EQ_INT(o.xml, 0);
	CHECK_EQ_INT(o.ci.len, 2);
	CHECK_EQ_INT(o.oc.present, 1);
	CHECK_EQ_INT(o.ov.present, 1);
	CHECK_EQ_INT(o.verbose, 0);
	CHECK_EQ_INT(x.n_elems, 0);
	CHECK_EQ_INT(R("{\"ietf-sztp-bootstrap-server:output\":{}}"), -1);
	CHECK_EQ_STR(e.msg, "response: missing mandatory \"conveyed-information\"");
}
