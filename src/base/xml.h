/*
 * xml.h: a bounded reader over expat for hostile XML documents (RESTCONF
 * replies in the XML encoding of YANG data, RFC 8040 and RFC 7950).
 *
 * Why expat: it is the small, widely used and well-kept XML parser Debian
 * carries with its security fixes; it is built here from the Debian source
 * package without DTD support (initrd/deps.sh). On top of it this layer
 * adds what a device reading data from the network needs:
 *
 *  - UTF-8 only (as NETCONF and RESTCONF use): a declaration naming another
 *    encoding than UTF-8 or US-ASCII, a UTF-16 byte order mark and NUL bytes
 *    are refused before expat could switch to UTF-16;
 *  - no DTD at all: a DOCTYPE is refused as soon as expat sees it, before its
 *    internal subset is read, so no entity is ever declared and none is
 *    expanded (an undeclared entity reference is a well-formedness error);
 *    only the five predefined entities and character references remain;
 *  - a maximum document size (XML_MAX_SIZE), nesting depth (XML_MAX_DEPTH),
 *    element count (the caller's array), attribute count (XML_MAX_ATTRS,
 *    all ignored), distinct namespaces and namespace declarations, and the
 *    memory expat itself may allocate (XML_MEM_MAX);
 *  - the document becomes a tree of elements in caller-owned storage:
 *    namespace URI, local name and, for an element without child elements
 *    (a leaf), its character data with leading and trailing white space
 *    removed (the values read from it are never white-space significant).
 *    Text beside child elements (mixed content) is ignored. Comments and
 *    processing instructions are ignored.
 *
 * Names are compared exactly; namespace URIs case-insensitively by the
 * lookup helpers (servers in the field change their letter case), with
 * xml_ns_match() telling the caller when they differed so it can warn.
 *
 * Messages name the document (`what`) and the line: "response: line 3:
 * DOCTYPE refused (no DTD processing)".
 */
#ifndef SZTP_XML_H
#define SZTP_XML_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define XML_MAX_SIZE    (1024u * 1024u) /* bytes of XML text */
#define XML_MAX_DEPTH   32              /* nested elements */
#define XML_MAX_ATTRS   256             /* attributes in a document (ignored) */
#define XML_MAX_NS      16              /* distinct namespace URIs */
#define XML_MAX_NSDECLS 64              /* namespace declarations */
#define XML_MEM_MAX     (256u * 1024u)  /* bytes expat may allocate */

/* Storage a document of `len` bytes with up to `n` elements can need. */
#define XML_STORE_SIZE(len, n) ((len) + 2 * (n) + 2 * XML_MAX_NSDECLS + 16)

struct xml_elem {
	const char *ns;       /* namespace URI, "" when none */
	const char *name;     /* local name */
	const char *text;     /* a leaf's text, trimmed, NUL-ended; "" otherwise */
	size_t text_len;
	const struct xml_elem *parent, *child, *next; /* tree links, NULL when none */
	unsigned long line;   /* line of the start tag */
	int scope;            /* namespace declarations in scope (internal) */
};

/* A namespace declaration (internal: for xml_prefix_ns()). */
struct xml_nsdecl {
	const char *prefix;   /* NULL: the default namespace */
	const char *uri;      /* "" when the default namespace is undeclared */
	int prev;             /* the declaration in scope before it, -1 none */
};

/* A parsed document. Everything points into the caller's arrays. */
struct xml_doc {
	struct xml_elem *elems; /* elems[0] is the root element */
	size_t max_elems, n_elems;
	char *store;            /* names and text */
	size_t store_cap, store_used;
	const char *ns[XML_MAX_NS]; /* distinct namespace URIs, in the store */
	int n_ns;
	struct xml_nsdecl decls[XML_MAX_NSDECLS];
	int n_decls;
};

/* Set `d` up over elems[max_elems] and store[store_cap]. A document of len
 * bytes always fits in XML_STORE_SIZE(len, max_elems) bytes of store. */
void xml_doc_init(struct xml_doc *d, struct xml_elem *elems, size_t max_elems, char *store,
                  size_t store_cap);

/* 1 when buf[len] looks like XML: its first byte that is not white space
 * (after an optional UTF-8 byte order mark) is '<'; else 0. */
int xml_sniff(const uint8_t *buf, size_t len);

/*
 * Parse buf[len] into `d` (which xml_doc_init() set up; any earlier tree is
 * dropped). `what` names the document in messages. Returns 0, or -1 with `e`
 * set: not well-formed (expat's reason and the line), a DOCTYPE, or a limit
 * exceeded (which one). The root element is xml_root(d).
 */
int xml_parse(struct xml_doc *d, const uint8_t *buf, size_t len, const char *what,
              struct err *e);

/* The root element of a parsed document (NULL before a successful parse). */
const struct xml_elem *xml_root(const struct xml_doc *d);

/* Compare namespace URIs: 1 equal, 2 equal but for letter case, 0 not equal. */
int xml_ns_match(const char *ns, const char *want);

/*
 * The child element of `parent` named `name` whose namespace matches `ns`
 * (xml_ns_match() non-zero). Returns 1 and sets *out when there is exactly
 * one, 0 when there is none and it is not mandatory, -1 with `e` set when
 * it is mandatory and absent, or present more than once. `what` names the
 * parent in messages.
 */
int xml_child(const struct xml_elem *parent, const char *ns, const char *name, int mandatory,
              const struct xml_elem **out, const char *what, struct err *e);

/* The next child of `parent` after `after` (NULL: the first) named `name`
 * in namespace `ns`, or NULL: for lists and leaf-lists. */
const struct xml_elem *xml_next(const struct xml_elem *parent, const struct xml_elem *after,
                                const char *ns, const char *name);

/*
 * A leaf child's text: as xml_child(), then *text and *len are its (trimmed)
 * text; an element with child elements where text is expected is an error
 * ("<what>: <name> must hold a value, not elements").
 */
int xml_get_text(const struct xml_elem *parent, const char *ns, const char *name,
                 int mandatory, const char **text, size_t *len, const char *what,
                 struct err *e);

/*
 * The namespace URI bound to prefix[0..n) in the scope of element `el`
 * (n == 0: the default namespace), for values that are QNames (YANG
 * identityref, RFC 7950 section 9.10.3). NULL when it is not bound.
 */
const char *xml_prefix_ns(const struct xml_doc *d, const struct xml_elem *el,
                          const char *prefix, size_t n);

#endif
