/* test_xml.c: the bounded XML reader over expat. */
#include "unit.h"

#include <stdlib.h>

#include "base/xml.h"

static struct xml_elem elems[64];
static char store[XML_STORE_SIZE(4096, 64)];
static struct xml_doc doc;
static struct err e;

static int P(const char *s)
{
	xml_doc_init(&doc, elems, sizeof elems / sizeof elems[0], store, sizeof store);
	err_clear(&e);
	return xml_parse(&doc, (const uint8_t *)s, strlen(s), "doc", &e);
}

/* Parse a large document with storage sized for it. */
static int P_big(const char *s, size_t n, size_t max_elems)
{
	static struct xml_elem big_elems[4096];
	static char big_store[XML_STORE_SIZE(XML_MAX_SIZE + 1024, 4096)];
	CHECK(max_elems <= 4096);
	xml_doc_init(&doc, big_elems, max_elems, big_store, sizeof big_store);
	err_clear(&e);
	return xml_parse(&doc, (const uint8_t *)s, n, "doc", &e);
}

#define NS "urn:example:a"

TEST(xml_tree_names_text_namespaces)
{
	const struct xml_elem *r, *c;
	const char *t;
	size_t n;

	CHECK_EQ_INT(P("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	               "<!-- a comment -->\n"
	               "<top xmlns=\"" NS "\" xmlns:b=\"urn:example:b\">\n"
	               "  <leaf>  value &amp; &lt;more&gt; &#x41;&#66;\n</leaf>\n"
	               "  <?pi ignored?>\n"
	               "  <b:other>x</b:other>\n"
	               "  <box>text before<leaf>inner</leaf>text after</box>\n"
	               "  <empty/>\n"
	               "  <cdata><![CDATA[<not-an-element/>]]></cdata>\n"
	               "</top>\n"), 0);
	r = xml_root(&doc);
	CHECK(r != NULL);
	CHECK_EQ_STR(r->name, "top");
	CHECK_EQ_STR(r->ns, NS);
	CHECK(r->parent == NULL);
	CHECK_EQ_STR(r->text, "");
	CHECK_EQ_INT(r->line, 3);
	CHECK_EQ_INT(xml_get_text(r, NS, "leaf", 1, &t, &n, "top", &e), 1);
	CHECK_EQ_STR(t, "value & <more> AB");
	CHECK_EQ_INT(n, strlen("value & <more> AB"));
	/* an element in another namespace is not found under NS */
	CHECK_EQ_INT(xml_child(r, NS, "other", 0, &c, "top", &e), 0);
	CHECK_EQ_INT(xml_child(r, "urn:example:b", "other", 1, &c, "top", &e), 1);
	CHECK_EQ_STR(c->text, "x");
	CHECK(c->parent == r);
	/* mixed content: the container's text is dropped, its leaf kept */
	CHECK_EQ_INT(xml_child(r, NS, "box", 1, &c, "top", &e), 1);
	CHECK_EQ_STR(c->text, "");
	CHECK(c->child != NULL);
	CHECK_EQ_STR(c->child->text, "inner");
	CHECK_EQ_INT(xml_get_text(r, NS, "box", 1, &t, &n, "top", &e), -1);
	CHECK_EQ_STR(e.msg, "top: <box> must hold a value, not elements (line 8)");
	CHECK_EQ_INT(xml_get_text(r, NS, "empty", 1, &t, &n, "top", &e), 1);
	CHECK_EQ_STR(t, "");
	CHECK_EQ_INT(xml_get_text(r, NS, "cdata", 1, &t, &n, "top", &e), 1);
	CHECK_EQ_STR(t, "<not-an-element/>");
	CHECK_EQ_INT(xml_get_text(r, NS, "missing", 1, &t, &n, "top", &e), -1);
	CHECK_EQ_STR(e.msg, "top: <missing> is missing");
	CHECK_EQ_INT(xml_get_text(r, NS, "missing", 0, &t, &n, "top", &e), 0);
	CHECK_EQ_INT(doc.n_elems, 7);
}

TEST(xml_prefixed_root_and_no_namespace)
{
	const struct xml_elem *r;

	CHECK_EQ_INT(P("<p:out xmlns:p=\"" NS "\"><p:a>1</p:a><a>2</a></p:out>"), 0);
	r = xml_root(&doc);
	CHECK_EQ_STR(r->ns, NS);
	CHECK_EQ_STR(r->name, "out");
	CHECK_EQ_STR(r->child->ns, NS);
	CHECK_EQ_STR(r->child->next->ns, "");
	CHECK_EQ_STR(r->child->next->text, "2");
	/* the default namespace undeclared again */
	CHECK_EQ_INT(P("<a xmlns=\"" NS "\"><b xmlns=\"\"><c/></b><d/></a>"), 0);
	r = xml_root(&doc);
	CHECK_EQ_STR(r->child->ns, "");
	CHECK_EQ_STR(r->child->child->ns, "");
	CHECK_EQ_STR(r->child->next->ns, NS);
}

TEST(xml_namespace_case_and_lists)
{
	const struct xml_elem *r, *c;
	int k = 0;

	CHECK_EQ_INT(xml_ns_match(NS, NS), 1);
	CHECK_EQ_INT(xml_ns_match("URN:Example:A", NS), 2);
	CHECK_EQ_INT(xml_ns_match("urn:example:ab", NS), 0);
	CHECK_EQ_INT(P("<l xmlns=\"URN:EXAMPLE:A\"><i>1</i><j/><i>2</i><i>3</i></l>"), 0);
	r = xml_root(&doc);
	for (c = xml_next(r, NULL, NS, "i"); c; c = xml_next(r, c, NS, "i"))
		CHECK_EQ_INT(c->text[0], '1' + k++);
	CHECK_EQ_INT(k, 3);
	CHECK_EQ_INT(xml_child(r, NS, "i", 0, &c, "l", &e), -1);
	CHECK_EQ_STR(e.msg, "l: <i> appears more than once (line 1)");
	CHECK_EQ_INT(xml_child(r, NS, "j", 1, &c, "l", &e), 1);
}

TEST(xml_prefix_scope_for_qname_values)
{
	const struct xml_elem *r, *a, *b;

	CHECK_EQ_INT(P("<r xmlns=\"urn:d\" xmlns:x=\"urn:x1\">"
	               "<a xmlns:x=\"urn:x2\">x:v</a><b>x:v</b></r>"), 0);
	r = xml_root(&doc);
	a = r->child;
	b = a->next;
	CHECK_EQ_STR(xml_prefix_ns(&doc, a, "x", 1), "urn:x2");
	/* a's declaration ended with a */
	CHECK_EQ_STR(xml_prefix_ns(&doc, b, "x", 1), "urn:x1");
	CHECK_EQ_STR(xml_prefix_ns(&doc, b, "", 0), "urn:d");
	CHECK(xml_prefix_ns(&doc, b, "y", 1) == NULL);
	/* n counts: "xy" of "xyz" is not "x" */
	CHECK_EQ_STR(xml_prefix_ns(&doc, r, "xyz", 1), "urn:x1");
	CHECK(xml_prefix_ns(&doc, r, "xyz", 2) == NULL);
}

TEST(xml_refuses_doctype_and_entities)
{
	/* the billion laughs: refused at the DOCTYPE, nothing is expanded */
	CHECK_EQ_INT(P("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
	               " <!ENTITY lol \"lol\">\n"
	               " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	               " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	               "]>\n<lolz>&lol2;</lolz>"), -1);
	CHECK_EQ_STR(e.msg, "doc: line 2: DOCTYPE lolz refused (no DTD processing, no entities)");
	CHECK_EQ_INT(doc.n_elems, 0);
	CHECK(xml_root(&doc) == NULL);
	/* an external DTD or entity */
	CHECK_EQ_INT(P("<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><r/>"), -1);
	CHECK(strstr(e.msg, "DOCTYPE r refused") != NULL);
	CHECK_EQ_INT(P("<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>"), -1);
	CHECK(strstr(e.msg, "DOCTYPE r refused") != NULL);
	/* an entity never declared */
	CHECK_EQ_INT(P("<r>&x;</r>"), -1);
	CHECK(strstr(e.msg, "doc: line 1, column 4: not well-formed XML: undefined entity") == e.msg);
}

TEST(xml_refuses_malformed)
{
	static const char *bad[] = {
		"", "   ", "<a>", "<a></b>", "<a/><b/>", "<a/>trailing", "text", "<a x='1' x='2'/>",
		"<a>\x01</a>", "<a>&#0;</a>", "<a:b/>", "<:a xmlns:=\"u\"/>", "<a xmlns:p=\"\"/>",
		"<p:a:b xmlns:p=\"u\"/>", "<a>\xff</a>", "<a>\xc0\x80</a>",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_EQ_INT(P(bad[i]), -1);
		CHECK(strstr(e.msg, "doc: ") == e.msg);
	}
	CHECK_EQ_INT(P("<a:b/>"), -1);
	CHECK_EQ_STR(e.msg, "doc: line 1: <a:b>: namespace prefix not declared");
	/* NUL inside the given length */
	xml_doc_init(&doc, elems, 64, store, sizeof store);
	CHECK_EQ_INT(xml_parse(&doc, (const uint8_t *)"<a>\0</a>", 8, "doc", &e), -1);
	CHECK_EQ_INT(xml_parse(&doc, NULL, 3, "doc", &e), -1);
	CHECK_EQ_STR(e.msg, "doc: empty document");
}

TEST(xml_encodings)
{
	CHECK_EQ_INT(P("<?xml version='1.0' encoding='utf-8'?><a>\xc3\xa9</a>"), 0);
	CHECK_EQ_STR(xml_root(&doc)->text, "\xc3\xa9");
	CHECK_EQ_INT(P("<?xml version='1.0' encoding='US-ASCII'?><a/>"), 0);
	CHECK_EQ_INT(P("<?xml version='1.0' encoding='ISO-8859-1'?><a/>"), -1);
	CHECK_EQ_STR(e.msg, "doc: line 1: encoding \"ISO-8859-1\" refused (UTF-8 only)");
	CHECK_EQ_INT(P("\xef\xbb\xbf<a/>"), 0);
	/* UTF-16 never reaches expat (its XML_MIN_SIZE build crashed on this one) */
	static const uint8_t utf16[] = "\xff\xfe\xdb\xdb\xdb\xdb\xdb\xdb\xdb\xdb\xdb\xdb\xdb\xdb\xdb\xdb" "f";
	xml_doc_init(&doc, elems, 64, store, sizeof store);
	CHECK_EQ_INT(xml_parse(&doc, utf16, sizeof utf16 - 1, "doc", &e), -1);
	CHECK_EQ_STR(e.msg, "doc: UTF-16 refused (UTF-8 only)");
	CHECK_EQ_INT(xml_parse(&doc, (const uint8_t *)"\xfe\xff\0<\0a\0/\0>", 10, "doc", &e), -1);
	CHECK_EQ_STR(e.msg, "doc: UTF-16 refused (UTF-8 only)");
	CHECK_EQ_INT(xml_parse(&doc, (const uint8_t *)"<\0a\0/\0>\0", 8, "doc", &e), -1);
	CHECK_EQ_STR(e.msg, "doc: NUL byte at offset 1");
}

TEST(xml_sniff_first_byte)
{
	CHECK_EQ_INT(xml_sniff((const uint8_t *)" \r\n\t<a/>", 8), 1);
	CHECK_EQ_INT(xml_sniff((const uint8_t *)"\xef\xbb\xbf<?xml", 8), 1);
	CHECK_EQ_INT(xml_sniff((const uint8_t *)"{\"a\":1}", 7), 0);
	CHECK_EQ_INT(xml_sniff((const uint8_t *)"   ", 3), 0);
	CHECK_EQ_INT(xml_sniff(NULL, 0), 0);
	CHECK_EQ_INT(xml_sniff((const uint8_t *)"x<a/>", 5), 0);
}

TEST(xml_depth_limit)
{
	char buf[1024];
	size_t n = 0;
	int i;

	for (i = 0; i < XML_MAX_DEPTH; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "<a>");
	for (i = 0; i < XML_MAX_DEPTH; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "</a>");
	CHECK_EQ_INT(P(buf), 0);
	n = 0;
	for (i = 0; i <= XML_MAX_DEPTH; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "<a>");
	for (i = 0; i <= XML_MAX_DEPTH; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "</a>");
	CHECK_EQ_INT(P(buf), -1);
	CHECK_EQ_STR(e.msg, "doc: line 1: elements nested deeper than 32 levels");
}

TEST(xml_element_attribute_and_namespace_limits)
{
	char buf[8192];
	size_t n = 0;
	int i;

	/* 64 elements fit, 65 do not */
	n = (size_t)snprintf(buf, sizeof buf, "<r>");
	for (i = 0; i < 63; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "<i/>");
	snprintf(buf + n, sizeof buf - n, "</r>");
	CHECK_EQ_INT(P(buf), 0);
	CHECK_EQ_INT(doc.n_elems, 64);
	snprintf(buf + n, sizeof buf - n, "<i/></r>");
	CHECK_EQ_INT(P(buf), -1);
	CHECK_EQ_STR(e.msg, "doc: line 1: more than 64 elements");
	/* attributes are ignored, but counted */
	n = (size_t)snprintf(buf, sizeof buf, "<r>");
	for (i = 0; i < 9; i++) {
		n += (size_t)snprintf(buf + n, sizeof buf - n, "<i");
		for (int k = 0; k < 30; k++)
			n += (size_t)snprintf(buf + n, sizeof buf - n, " a%d='%d'", k, k);
		n += (size_t)snprintf(buf + n, sizeof buf - n, "/>");
	}
	snprintf(buf + n, sizeof buf - n, "</r>");
	CHECK_EQ_INT(P(buf), -1);
	CHECK_EQ_STR(e.msg, "doc: line 1: more than 256 attributes");
	/* distinct namespaces */
	n = (size_t)snprintf(buf, sizeof buf, "<r>");
	for (i = 0; i <= XML_MAX_NS; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "<i xmlns='urn:n%d'/>", i);
	snprintf(buf + n, sizeof buf - n, "</r>");
	CHECK_EQ_INT(P(buf), -1);
	CHECK_EQ_STR(e.msg, "doc: line 1: more than 16 distinct namespaces");
	/* the same namespace declared often is interned once, but every
	 * declaration counts */
	n = (size_t)snprintf(buf, sizeof buf, "<r>");
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "<i xmlns='urn:n' xmlns:p='urn:n'/>");
	snprintf(buf + n, sizeof buf - n, "</r>");
	CHECK_EQ_INT(P(buf), -1);
	CHECK_EQ_STR(e.msg, "doc: line 1: more than 64 namespace declarations");
}

TEST(xml_size_and_storage_limits)
{
	static char big[XML_MAX_SIZE + 64];
	size_t n;

	/* a text of almost XML_MAX_SIZE bytes: expat does not copy it */
	n = (size_t)snprintf(big, sizeof big, "<o xmlns='urn:x'><t>");
	memset(big + n, 'A', XML_MAX_SIZE - 100 - n);
	n = XML_MAX_SIZE - 100;
	n += (size_t)snprintf(big + n, sizeof big - n, "</t></o>");
	CHECK_EQ_INT(P_big(big, n, 4096), 0);
	CHECK_EQ_INT(xml_root(&doc)->child->text_len, XML_MAX_SIZE - 100 - strlen("<o xmlns='urn:x'><t>"));
	/* one byte over the size limit */
	memset(big, ' ', XML_MAX_SIZE + 1);
	memcpy(big, "<a/>", 4);
	CHECK_EQ_INT(P_big(big, XML_MAX_SIZE + 1, 4096), -1);
	CHECK_EQ_STR(e.msg, "doc: document of 1048577 bytes exceeds the limit of 1048576");
	/* a store too small for the text */
	char tiny[16];
	xml_doc_init(&doc, elems, 64, tiny, sizeof tiny);
	CHECK_EQ_INT(xml_parse(&doc, (const uint8_t *)"<a>0123456789abcdef</a>", 23, "doc", &e), -1);
	CHECK_EQ_STR(e.msg, "doc: line 1: document too large for the reader's storage");
	/* no storage at all */
	xml_doc_init(&doc, NULL, 0, NULL, 0);
	CHECK_EQ_INT(xml_parse(&doc, (const uint8_t *)"<a/>", 4, "doc", &e), -1);
	CHECK_EQ_STR(e.msg, "doc: no storage for the XML reader");
}

TEST(xml_expat_memory_is_capped)
{
	static char big[XML_MAX_SIZE];
	size_t n;

	/* an attribute value is copied by expat: 600 KB of it is more than it
	 * may allocate */
	n = (size_t)snprintf(big, sizeof big, "<a v='");
	memset(big + n, 'x', 600 * 1024);
	n += 600 * 1024;
	n += (size_t)snprintf(big + n, sizeof big - n, "'/>");
	CHECK_EQ_INT(P_big(big, n, 16), -1);
	CHECK_EQ_STR(e.msg, "doc: the XML parser needs more than 262144 bytes of memory");
}

TEST(xml_store_bound_holds)
{
	/* XML_STORE_SIZE(len, n) is enough for any document of len bytes: the
	 * worst case is many tiny elements with namespace declarations */
	static char buf[4096];
	static char st[XML_STORE_SIZE(4096, 1024)];
	static struct xml_elem el[1024];
	size_t n = 0;
	int i;

	n += (size_t)snprintf(buf + n, sizeof buf - n, "<r xmlns='u' xmlns:p='v'>");
	for (i = 0; i < 600 && n < sizeof buf - 16; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "<a/>");
	n += (size_t)snprintf(buf + n, sizeof buf - n, "</r>");
	xml_doc_init(&doc, el, 1024, st, XML_STORE_SIZE(n, 1024));
	CHECK_EQ_INT(xml_parse(&doc, (const uint8_t *)buf, n, "doc", &e), 0);
	CHECK(doc.store_used <= XML_STORE_SIZE(n, 1024));
}
