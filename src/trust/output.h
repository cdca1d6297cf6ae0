/*
 * output.h: the get-bootstrapping-data output (RFC 8572 section 7.2, module
 * ietf-sztp-bootstrap-server) in either RESTCONF encoding, read into its
 * decoded artifacts.
 *
 *   JSON (RFC 7951):
 *     {"ietf-sztp-bootstrap-server:output": {"conveyed-information": "<b64>",
 *        "owner-certificate": "<b64>", "ownership-voucher": "<b64>",
 *        "reporting-level": "minimal" | "verbose"}}
 *   XML (RFC 7950):
 *     <output xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server">
 *       <conveyed-information>b64</conveyed-information> ...
 *     </output>
 *
 * The encoding is told by the first byte that is not white space ('<' is
 * XML), never by a Content-Type. In both: conveyed-information is mandatory,
 * each member at most once, unknown members (or elements in other
 * namespaces) ignored, base64 may be line-wrapped. In XML the namespace is
 * compared case-insensitively (a vendor's recipe writes
 * "ietf-SZTP-bootstrap-server"); `ns_case` then says it differed, so the
 * caller can warn. A DOCTYPE, entities and the limits of base/xml.h apply.
 *
 * It only reads: whether owner-certificate and ownership-voucher come
 * together, and what the artifacts hold, is verify.c's to judge.
 */
#ifndef SZTP_OUTPUT_H
#define SZTP_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/xml.h"

#define OUTPUT_XML_NS "urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server"

/* One artifact: the caller's buffer, and what was decoded into it. */
struct output_artifact {
	uint8_t *buf;
	size_t cap;
	size_t len;     /* decoded bytes */
	int present;    /* the member was there (then len > 0) */
};

struct output {
	struct output_artifact ci, oc, ov; /* conveyed-information, owner-certificate,
	                                      ownership-voucher */
	int verbose;    /* reporting-level "verbose" ("minimal" or absent: 0) */
	int xml;        /* the output was XML */
	int ns_case;    /* XML: the namespace differed from OUTPUT_XML_NS in letter case */
};

/*
 * Read the output body[len] into `o` (whose artifact buffers the caller
 * set). An XML body is parsed into `x` (set up with xml_doc_init()); a JSON
 * one does not touch it. Returns 0, or -1 with `e` set to a message that
 * starts with "response: " or names the artifact ("owner-certificate:
 * base64: ..."). On failure the lengths and flags of `o` are zero.
 */
int output_read(const uint8_t *body, size_t len, struct output *o, struct xml_doc *x,
                struct err *e);

#endif
