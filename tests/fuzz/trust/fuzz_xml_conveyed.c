/*
 * fuzz_xml_conveyed.c: the XML encodings read by trust/: the
 * get-bootstrapping-data output (output.c, JSON or XML) and conveyed
 * information in XML (conveyed_xml.c), on the same input.
 */
#include "trust/conveyed.h"
#include "trust/output.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xml_elem elems[1024];
	static char store[XML_STORE_SIZE(XML_MAX_SIZE, 1024)];
	static uint8_t ci[8192], oc[8192], ov[8192], arena_buf[CONVEYED_ARENA_SIZE];
	static struct xml_doc d;
	static struct conveyed_info info;
	struct conveyed_arena a;
	struct output o;
	struct err e;
	int ns_case;

	memset(&o, 0, sizeof o);
	o.ci.buf = ci;
	o.ci.cap = sizeof ci;
	o.oc.buf = oc;
	o.oc.cap = sizeof oc;
	o.ov.buf = ov;
	o.ov.cap = sizeof ov;
	xml_doc_init(&d, elems, 1024, store, sizeof store);
	if (output_read(data, size, &o, &d, &e) == 0) {
		if (!o.ci.present || o.ci.len == 0 || o.ci.len > o.ci.cap || o.oc.len > o.oc.cap ||
		    o.ov.len > o.ov.cap || (o.oc.present && !o.oc.len))
			abort();
	} else if (o.ci.len || o.oc.len || o.ov.len || o.xml) {
		abort();
	}
	xml_doc_init(&d, elems, 1024, store, sizeof store);
	if (xml_parse(&d, data, size, "conveyed-information", &e) < 0)
		return 0;
	conveyed_arena_init(&a, arena_buf, sizeof arena_buf);
	if (conveyed_parse_xml(&d, &info, &a, &ns_case, &e) == 0) {
		if (a.used > a.cap || info.kind == CONVEYED_NONE)
			abort();
		if (info.kind == CONVEYED_REDIRECT &&
		    (info.redirect.n_servers < 1 || info.redirect.n_servers > CONVEYED_MAX_SERVERS))
			abort();
	} else if (info.kind != CONVEYED_NONE || a.used) {
		abort();
	}
	return 0;
}
