/* xml.c: a bounded XML reader over expat (see xml.h). */
#include "base/xml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>

/* ------------------------------------------------------------ expat's memory
 * expat allocates through these: every block carries its size in front so the
 * total in use is known and capped at XML_MEM_MAX. One parse at a time. */

static size_t mem_used;

union mem_head {
	size_t size;
	max_align_t align;
};

static void *mem_malloc(size_t n)
{
	union mem_head *h;

	if (n > XML_MEM_MAX - mem_used)
		return NULL;
	h = malloc(sizeof *h + n);
	if (!h)
		return NULL;
	h->size = n;
	mem_used += n;
	return h + 1;
}

static void mem_free(void *p)
{
	union mem_head *h;

	if (!p)
		return;
	h = (union mem_head *)p - 1;
	mem_used -= h->size;
	free(h);
}

static void *mem_realloc(void *p, size_t n)
{
	union mem_head *h, *nh;
	size_t old;

	if (!p)
		return mem_malloc(n);
	h = (union mem_head *)p - 1;
	old = h->size;
	if (n > old && n - old > XML_MEM_MAX - mem_used)
		return NULL;
	nh = realloc(h, sizeof *nh + n);
	if (!nh)
		return NULL;
	nh->size = n;
	mem_used = mem_used - old + n;
	return nh + 1;
}

static const XML_Memory_Handling_Suite mem_suite = { mem_malloc, mem_realloc, mem_free };

/* ------------------------------------------------------------ the tree */

struct ctx {
	XML_Parser p;
	struct xml_doc *d;
	struct xml_elem *cur;   /* the open element, NULL at the top */
	size_t text_start;      /* where cur's text begins in the store */
	int depth, n_attrs, scope, stopped;
	const char *what;
	struct err *e;
};

/* Stop parsing with a message (the first one wins). */
__attribute__((format(printf, 2, 3)))
static void stop(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (c->stopped)
		return;
	c->stopped = 1;
	err_set(c->e, "%s: line %lu: ", c->what, (unsigned long)XML_GetCurrentLineNumber(c->p));
	if (c->e) {
		n = strlen(c->e->msg);
		va_start(ap, fmt);
		vsnprintf(c->e->msg + n, sizeof c->e->msg - n, fmt, ap);
		va_end(ap);
	}
	XML_StopParser(c->p, XML_FALSE);
}

/* The open element gets a child (or a namespace declaration for one): it is
 * no leaf, so the text it gathered so far is dropped. */
static void not_a_leaf(struct ctx *c)
{
	if (c->cur && !c->cur->child)
		c->d->store_used = c->text_start;
}

/* Copy s[0..n) into the store, NUL-ended; NULL when there is no room. */
static char *store(struct ctx *c, const char *s, size_t n)
{
	struct xml_doc *d = c->d;
	char *out;

	if (n >= d->store_cap - d->store_used) {
		stop(c, "document too large for the reader's storage");
		return NULL;
	}
	out = d->store + d->store_used;
	memcpy(out, s, n);
	out[n] = 0;
	d->store_used += n + 1;
	return out;
}

/* The interned copy of namespace URI s[0..n). */
static const char *intern_ns(struct ctx *c, const char *s, size_t n)
{
	struct xml_doc *d = c->d;
	char *copy;

	if (n == 0)
		return "";
	for (int i = 0; i < d->n_ns; i++)
		if (strlen(d->ns[i]) == n && memcmp(d->ns[i], s, n) == 0)
			return d->ns[i];
	if (d->n_ns >= XML_MAX_NS) {
		stop(c, "more than %d distinct namespaces", XML_MAX_NS);
		return NULL;
	}
	copy = store(c, s, n);
	if (copy)
		d->ns[d->n_ns++] = copy;
	return copy;
}

static int is_ws(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* The URI bound to prefix[0..n) (n == 0: the default namespace) by the
 * declarations in scope from `scope` back; NULL when none (or undeclared). */
static const char *lookup(const struct xml_doc *d, int scope, const char *prefix, size_t n)
{
	for (int i = scope; i >= 0 && i < d->n_decls; i = d->decls[i].prev) {
		const struct xml_nsdecl *x = &d->decls[i];
		if (n == 0 ? x->prefix == NULL :
		    (x->prefix && strlen(x->prefix) == n && memcmp(x->prefix, prefix, n) == 0))
			return x->uri[0] ? x->uri : NULL;
	}
	return NULL;
}

/* Declare `prefix` (NULL: the default namespace) as `uri` ("": undeclared). */
static int declare(struct ctx *c, const char *prefix, const char *uri)
{
	struct xml_doc *d = c->d;
	struct xml_nsdecl *x;

	if (d->n_decls >= XML_MAX_NSDECLS) {
		stop(c, "more than %d namespace declarations", XML_MAX_NSDECLS);
		return -1;
	}
	x = &d->decls[d->n_decls];
	x->prefix = NULL;
	if (prefix) {
		if (!prefix[0] || strchr(prefix, ':') || !uri[0]) {
			stop(c, "bad namespace declaration xmlns:%.64s=\"%.64s\"", prefix, uri);
			return -1;
		}
		if (!(x->prefix = store(c, prefix, strlen(prefix))))
			return -1;
	}
	if (!(x->uri = intern_ns(c, uri, strlen(uri))))
		return -1;
	x->prev = c->scope;
	c->scope = d->n_decls++;
	return 0;
}

/*
 * expat runs without its namespace support (a smaller build): the namespace
 * declarations among the attributes are taken here, in scope for the
 * element and what it contains, and a prefixed name is resolved against
 * them (an unbound prefix is an error, as in XML Namespaces).
 */
static void XMLCALL on_start(void *ud, const XML_Char *qname, const XML_Char **atts)
{
	struct ctx *c = ud;
	struct xml_doc *d = c->d;
	struct xml_elem *el, *parent = c->cur;
	const char *colon = strchr(qname, ':'), *local = colon ? colon + 1 : qname;
	const char *ns;

	if (c->stopped)
		return;
	if (c->depth >= XML_MAX_DEPTH) {
		stop(c, "elements nested deeper than %d levels", XML_MAX_DEPTH);
		return;
	}
	if (d->n_elems >= d->max_elems) {
		stop(c, "more than %zu elements", d->max_elems);
		return;
	}
	not_a_leaf(c);
	for (; atts[0]; atts += 2) {
		if (++c->n_attrs > XML_MAX_ATTRS) {
			stop(c, "more than %d attributes", XML_MAX_ATTRS);
			return;
		}
		if (strcmp(atts[0], "xmlns") == 0 ? declare(c, NULL, atts[1]) < 0 :
		    strncmp(atts[0], "xmlns:", 6) == 0 ? declare(c, atts[0] + 6, atts[1]) < 0 : 0)
			return;
	}
	if (colon && (colon == qname || !local[0] || strchr(local, ':'))) {
		stop(c, "bad element name <%.64s>", qname);
		return;
	}
	ns = lookup(d, c->scope, qname, colon ? (size_t)(colon - qname) : 0);
	if (!ns && colon) {
		stop(c, "<%.64s>: namespace prefix not declared", qname);
		return;
	}
	el = &d->elems[d->n_elems];
	memset(el, 0, sizeof *el);
	el->line = (unsigned long)XML_GetCurrentLineNumber(c->p);
	el->scope = c->scope;
	el->parent = parent;
	el->text = "";
	el->ns = ns ? ns : "";
	if (!(el->name = store(c, local, strlen(local))))
		return;
	if (parent) {
		struct xml_elem *last = (struct xml_elem *)parent->child;
		if (!last) {
			parent->child = el;
		} else {
			while (last->next)
				last = (struct xml_elem *)last->next;
			last->next = el;
		}
	}
	d->n_elems++;
	c->cur = el;
	c->depth++;
	c->text_start = d->store_used;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct ctx *c = ud;
	struct xml_doc *d = c->d;

	if (c->stopped || !c->cur || c->cur->child || len <= 0)
		return;
	/* a leaf's text is contiguous from text_start: nothing else is stored
	 * while it is the open element without children */
	if ((size_t)len >= d->store_cap - d->store_used) {
		stop(c, "document too large for the reader's storage");
		return;
	}
	memcpy(d->store + d->store_used, s, (size_t)len);
	d->store_used += (size_t)len;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct ctx *c = ud;
	struct xml_doc *d = c->d;
	struct xml_elem *el = c->cur;

	(void)name;
	if (c->stopped || !el)
		return;
	if (!el->child) {
		char *t = d->store + c->text_start;
		size_t n = d->store_used - c->text_start;
		if (d->store_used >= d->store_cap) {
			stop(c, "document too large for the reader's storage");
			return;
		}
		while (n && is_ws(t[n - 1]))
			n--;
		while (n && is_ws(*t)) {
			t++;
			n--;
		}
		memmove(d->store + c->text_start, t, n);
		d->store[c->text_start + n] = 0;
		el->text = d->store + c->text_start;
		el->text_len = n;
		d->store_used = c->text_start + n + 1;
	}
	c->cur = (struct xml_elem *)el->parent;
	c->scope = el->parent ? el->parent->scope : -1; /* its declarations end */
	c->depth--;
	/* text after a child element is mixed content: not kept */
	c->text_start = d->store_used;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	stop(ud, "DOCTYPE %.64s refused (no DTD processing, no entities)", name);
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param,
                              const XML_Char *value, int value_len, const XML_Char *base,
                              const XML_Char *sysid, const XML_Char *pubid,
                              const XML_Char *notation)
{
	(void)is_param;
	(void)value;
	(void)value_len;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	stop(ud, "entity declaration %.64s refused", name);
}

static void XMLCALL on_xmldecl(void *ud, const XML_Char *version, const XML_Char *encoding,
                               int standalone)
{
	(void)version;
	(void)standalone;
	if (encoding && strcasecmp(encoding, "UTF-8") != 0 && strcasecmp(encoding, "US-ASCII") != 0)
		stop(ud, "encoding \"%.32s\" refused (UTF-8 only)", encoding);
}

/* ------------------------------------------------------------ API */

void xml_doc_init(struct xml_doc *d, struct xml_elem *elems, size_t max_elems, char *store_buf,
                  size_t store_cap)
{
	memset(d, 0, sizeof *d);
	d->elems = elems;
	d->max_elems = elems ? max_elems : 0;
	d->store = store_buf;
	d->store_cap = store_buf ? store_cap : 0;
}

int xml_sniff(const uint8_t *buf, size_t len)
{
	size_t i = 0;

	if (!buf)
		return 0;
	if (len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
		i = 3;
	while (i < len && is_ws((char)buf[i]))
		i++;
	return i < len && buf[i] == '<';
}

int xml_parse(struct xml_doc *d, const uint8_t *buf, size_t len, const char *what,
              struct err *e)
{
	struct ctx c;
	enum XML_Status st;
	int rc = 0;

	d->n_elems = 0;
	d->store_used = 0;
	d->n_ns = 0;
	d->n_decls = 0;
	if (!buf || len == 0)
		return err_set(e, "%s: empty document", what);
	if (len > XML_MAX_SIZE)
		return err_set(e, "%s: document of %zu bytes exceeds the limit of %u", what, len,
		               XML_MAX_SIZE);
	if (d->max_elems == 0 || d->store_cap == 0)
		return err_set(e, "%s: no storage for the XML reader", what);
	/* expat never leaves UTF-8 (it is told so below, and this keeps it from
	 * detecting UTF-16 by a byte order mark or by NUL bytes): its small
	 * tokenizer (XML_MIN_SIZE) has crashed on UTF-16 (a NULL hook in 2.5.0),
	 * and XML 1.0 has no NUL character anyway */
	if (len >= 2 && ((buf[0] == 0xFE && buf[1] == 0xFF) || (buf[0] == 0xFF && buf[1] == 0xFE)))
		return err_set(e, "%s: UTF-16 refused (UTF-8 only)", what);
	if (memchr(buf, 0, len))
		return err_set(e, "%s: NUL byte at offset %zu", what,
		               (size_t)((const uint8_t *)memchr(buf, 0, len) - buf));
	memset(&c, 0, sizeof c);
	c.d = d;
	c.scope = -1;
	c.what = what;
	c.e = e;
	mem_used = 0;
	/* UTF-8 whatever the document declares (on_xmldecl refuses others) */
	c.p = XML_ParserCreate_MM("UTF-8", &mem_suite, NULL);
	if (!c.p)
		return err_set(e, "%s: out of memory for the XML parser", what);
	XML_SetUserData(c.p, &c);
	XML_SetElementHandler(c.p, on_start, on_end);
	XML_SetCharacterDataHandler(c.p, on_text);
	XML_SetStartDoctypeDeclHandler(c.p, on_doctype);
	XML_SetEntityDeclHandler(c.p, on_entity);
	XML_SetXmlDeclHandler(c.p, on_xmldecl);
	st = XML_Parse(c.p, (const char *)buf, (int)len, 1);
	if (c.stopped) {
		rc = -1;
	} else if (st != XML_STATUS_OK) {
		enum XML_Error code = XML_GetErrorCode(c.p);
		if (code == XML_ERROR_NO_MEMORY)
			err_set(e, "%s: the XML parser needs more than %u bytes of memory", what,
			        XML_MEM_MAX);
		else
			err_set(e, "%s: line %lu, column %lu: not well-formed XML: %s", what,
			        (unsigned long)XML_GetCurrentLineNumber(c.p),
			        (unsigned long)XML_GetCurrentColumnNumber(c.p) + 1,
			        XML_ErrorString(code));
		rc = -1;
	} else if (d->n_elems == 0) {
		err_set(e, "%s: no root element", what);
		rc = -1;
	}
	XML_ParserFree(c.p);
	if (rc < 0) {
		d->n_elems = 0;
		d->store_used = 0;
	}
	return rc;
}

const struct xml_elem *xml_root(const struct xml_doc *d)
{
	return d->n_elems ? &d->elems[0] : NULL;
}

int xml_ns_match(const char *ns, const char *want)
{
	if (strcmp(ns, want) == 0)
		return 1;
	return strcasecmp(ns, want) == 0 ? 2 : 0;
}

const struct xml_elem *xml_next(const struct xml_elem *parent, const struct xml_elem *after,
                                const char *ns, const char *name)
{
	const struct xml_elem *el = after ? after->next : parent->child;

	for (; el; el = el->next)
		if (strcmp(el->name, name) == 0 && xml_ns_match(el->ns, ns))
			return el;
	return NULL;
}

int xml_child(const struct xml_elem *parent, const char *ns, const char *name, int mandatory,
              const struct xml_elem **out, const char *what, struct err *e)
{
	const struct xml_elem *el = xml_next(parent, NULL, ns, name);

	*out = NULL;
	if (!el) {
		if (mandatory)
			return err_set(e, "%s: <%s> is missing", what, name);
		return 0;
	}
	if (xml_next(parent, el, ns, name))
		return err_set(e, "%s: <%s> appears more than once (line %lu)", what, name,
		               xml_next(parent, el, ns, name)->line);
	*out = el;
	return 1;
}

int xml_get_text(const struct xml_elem *parent, const char *ns, const char *name,
                 int mandatory, const char **text, size_t *len, const char *what,
                 struct err *e)
{
	const struct xml_elem *el;
	int r = xml_child(parent, ns, name, mandatory, &el, what, e);

	*text = NULL;
	*len = 0;
	if (r <= 0)
		return r;
	if (el->child)
		return err_set(e, "%s: <%s> must hold a value, not elements (line %lu)", what, name,
		               el->line);
	*text = el->text;
	*len = el->text_len;
	return 1;
}

const char *xml_prefix_ns(const struct xml_doc *d, const struct xml_elem *el,
                          const char *prefix, size_t n)
{
	return lookup(d, el->scope, prefix, n);
}
