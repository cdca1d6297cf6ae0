/*
 * fuzz_xml.c: the bounded XML reader (base/xml.c over expat): parse, then
 * walk the tree with every getter and check what the reader promises:
 * bounded storage, NUL-ended trimmed leaf texts, a consistent tree.
 */
#include "base/xml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ELEMS 256
#define STORAGE   ": document too large for the reader's storage"

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xml_elem elems[MAX_ELEMS];
	static char store[XML_STORE_SIZE(64 * 1024, MAX_ELEMS)];
	static struct xml_doc d;
	const struct xml_elem *c;
	const char *t;
	size_t n;
	struct err e;

	if (size > 64 * 1024)
		return 0;
	/* the bound of xml.h: this much store always suffices */
	xml_doc_init(&d, elems, MAX_ELEMS, store, XML_STORE_SIZE(size, MAX_ELEMS));
	(void)xml_sniff(data, size);
	if (xml_parse(&d, data, size, "fuzz", &e) < 0) {
		if (d.n_elems || xml_root(&d) || strncmp(e.msg, "fuzz: ", 6) != 0)
			abort();
		/* every message ends in fixed text: XML_STORE_SIZE was not enough? */
		if (strlen(e.msg) >= sizeof STORAGE - 1 &&
		    strcmp(e.msg + strlen(e.msg) - (sizeof STORAGE - 1), STORAGE) == 0)
			abort();
		return 0;
	}
	if (d.n_elems == 0 || d.n_elems > MAX_ELEMS || d.store_used > d.store_cap)
		abort();
	if (xml_root(&d) != &elems[0] || elems[0].parent)
		abort();
	for (size_t i = 0; i < d.n_elems; i++) {
		const struct xml_elem *el = &elems[i];
		int depth = 0;
		if (strlen(el->text) != el->text_len || (el->child && el->text_len))
			abort();
		if (el->text_len && (is_ws(el->text[0]) || is_ws(el->text[el->text_len - 1])))
			abort();
		if (!el->name[0] || strchr(el->name, ':'))
			abort();
		for (const struct xml_elem *p = el->parent; p; p = p->parent)
			if (++depth > XML_MAX_DEPTH)
				abort();
		for (c = el->child; c; c = c->next)
			if (c->parent != el)
				abort();
		(void)xml_child(el, el->ns, el->name, 0, &c, "fuzz", &e);
		if (el->child) {
			(void)xml_get_text(el, el->child->ns, el->child->name, 1, &t, &n, "fuzz", &e);
			for (c = xml_next(el, NULL, el->child->ns, el->child->name); c;
			     c = xml_next(el, c, el->child->ns, el->child->name))
				if (strcmp(c->name, el->child->name) != 0)
					abort();
		}
		(void)xml_prefix_ns(&d, el, el->text, strcspn(el->text, ":"));
		(void)xml_prefix_ns(&d, el, "", 0);
		(void)xml_ns_match(el->ns, "urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server");
	}
	return 0;
}
