/* conveyed_xml.c: RFC 8572 conveyed information, XML, into the structures of
 * conveyed.h (the JSON reader is conveyed.c; both share its checks). */
#include "trust/conveyed.h"

#include <stdio.h>
#include <string.h>

#define W  "conveyed-information"
#define NS CONVEYED_XML_NS

/* A leaf's text copied into dst[cap] (too long is an error, not a cut). */
static int get_str(const struct xml_elem *p, const char *name, int mandatory, int nonempty,
                   char *dst, size_t cap, const char *what, struct err *e)
{
	const char *s;
	size_t n;
	int r = xml_get_text(p, NS, name, mandatory, &s, &n, what, e);

	dst[0] = 0;
	if (r <= 0)
		return r;
	if (nonempty && n == 0)
		return err_set(e, "%s: \"%s\" must not be empty", what, name);
	if (n >= cap)
		return err_set(e, "%s: \"%s\" is too long (%zu bytes, limit %zu)", what, name, n,
		               cap - 1);
	memcpy(dst, s, n + 1);
	return 1;
}

/* A base64 leaf decoded into the arena: 1, 0 when absent, -1. */
static int get_binary(const struct xml_elem *p, const char *name, struct conveyed_blob *out,
                      struct conveyed_arena *a, const char *what, struct err *e)
{
	const char *s;
	size_t n;
	int r = xml_get_text(p, NS, name, 0, &s, &n, what, e);

	out->data = NULL;
	out->len = 0;
	if (r <= 0)
		return r;
	return conveyed_decode_binary(a, s, n, out, what, name, e) < 0 ? -1 : 1;
}

/* inet:port-number: decimal digits, 1..65535. */
static int get_port(const struct xml_elem *p, uint16_t *port, const char *what, struct err *e)
{
	const char *s;
	size_t n;
	unsigned long v = 0;
	int r = xml_get_text(p, NS, "port", 0, &s, &n, what, e);

	*port = 443;
	if (r <= 0)
		return r;
	if (n == 0 || strspn(s, "0123456789") != n)
		return err_set(e, "%s: \"port\" must be a decimal number, got \"%.40s\"", what, s);
	for (size_t i = 0; i < n && v <= 65535; i++)
		v = v * 10 + (unsigned long)(s[i] - '0');
	if (v < 1 || v > 65535)
		return err_set(e, "%s: \"port\" is %lu, out of range 1..65535", what, v);
	*port = (uint16_t)v;
	return 1;
}

static int parse_redirect(const struct xml_elem *ri, struct conveyed_redirect *r,
                          struct conveyed_arena *a, struct err *e)
{
	const struct xml_elem *bs = NULL;
	char what[64];

	while ((bs = xml_next(ri, bs, NS, "bootstrap-server")) != NULL) {
		struct conveyed_server *s;
		if (r->n_servers >= CONVEYED_MAX_SERVERS)
			return err_set(e, W ": redirect-information: more than %d bootstrap servers",
			               CONVEYED_MAX_SERVERS);
		s = &r->servers[r->n_servers];
		snprintf(what, sizeof what, W ": bootstrap-server[%d]", r->n_servers + 1);
		if (get_str(bs, "address", 1, 1, s->address, sizeof s->address, what, e) < 0)
			return -1;
		if (!conveyed_host_ok(s->address))
			return err_set(e, "%s: \"address\" \"%.80s\" is not a valid inet:host", what,
			               s->address);
		if (get_port(bs, &s->port, what, e) < 0 ||
		    get_binary(bs, "trust-anchor", &s->trust_anchor, a, what, e) < 0)
			return -1;
		if (s->trust_anchor.data && s->trust_anchor.len == 0)
			return err_set(e, "%s: \"trust-anchor\" is empty", what);
		r->n_servers++;
	}
	if (r->n_servers == 0)
		return err_set(e, W ": redirect-information: no \"bootstrap-server\"");
	return 0;
}

/*
 * hash-algorithm is an identityref: in XML a QName whose prefix names a
 * namespace declared in scope (none: the default namespace). sha-256 is the
 * identity of this module. The module name as a prefix (the JSON form) is
 * taken too when no such prefix is declared.
 */
static int is_sha256(const struct xml_doc *d, const struct xml_elem *alg)
{
	const char *colon = strchr(alg->text, ':');
	const char *local = colon ? colon + 1 : alg->text;
	size_t plen = colon ? (size_t)(colon - alg->text) : 0;
	const char *ns;

	if (strcmp(local, "sha-256") != 0)
		return 0;
	ns = xml_prefix_ns(d, alg, alg->text, plen);
	if (ns)
		return xml_ns_match(ns, NS) != 0;
	return plen == strlen("ietf-sztp-conveyed-info") &&
	       memcmp(alg->text, "ietf-sztp-conveyed-info", plen) == 0;
}

static int parse_boot_image(const struct xml_doc *d, const struct xml_elem *bi,
                            struct conveyed_boot_image *b, struct err *e)
{
	const char *what = W ": boot-image";
	const struct xml_elem *el = NULL;
	char iv[64];
	int i = 0;

	b->present = 1;
	if (get_str(bi, "os-name", 0, 0, b->os_name, sizeof b->os_name, what, e) < 0 ||
	    get_str(bi, "os-version", 0, 0, b->os_version, sizeof b->os_version, what, e) < 0)
		return -1;
	while ((el = xml_next(bi, el, NS, "download-uri")) != NULL) {
		if (b->n_uris >= CONVEYED_MAX_URIS)
			return err_set(e, "%s: more than %d download URIs", what, CONVEYED_MAX_URIS);
		i = b->n_uris + 1;
		if (el->child)
			return err_set(e, "%s: download-uri[%d] must be a string, not elements", what, i);
		if (el->text_len == 0)
			return err_set(e, "%s: download-uri[%d] is empty", what, i);
		if (el->text_len >= CONVEYED_URI_MAX)
			return err_set(e, "%s: download-uri[%d] is too long (%zu bytes, limit %d)", what,
			               i, el->text_len, CONVEYED_URI_MAX - 1);
		if (!conveyed_uri_ok(el->text))
			return err_set(e, "%s: download-uri[%d] contains whitespace or control characters",
			               what, i);
		memcpy(b->uris[b->n_uris++], el->text, el->text_len + 1);
	}
	i = 0;
	el = NULL;
	while ((el = xml_next(bi, el, NS, "image-verification")) != NULL) {
		const struct xml_elem *alg;
		const char *val;
		size_t n;
		snprintf(iv, sizeof iv, W ": image-verification[%d]", ++i);
		if (xml_child(el, NS, "hash-algorithm", 1, &alg, iv, e) < 0 ||
		    xml_get_text(el, NS, "hash-value", 1, &val, &n, iv, e) < 0)
			return -1;
		if (alg->child)
			return err_set(e, "%s: \"hash-algorithm\" must be a value, not elements", iv);
		if (conveyed_add_hash(b, is_sha256(d, alg), val, n, iv, e) < 0)
			return -1;
	}
	return 0;
}

static int parse_onboarding(const struct xml_doc *d, const struct xml_elem *oi,
                            struct conveyed_onboarding *o, struct conveyed_arena *a,
                            struct err *e)
{
	const char *what = W ": onboarding-information";
	const struct xml_elem *bi;
	char h[16];
	int r;

	if (xml_child(oi, NS, "boot-image", 0, &bi, what, e) < 0)
		return -1;
	if (bi && parse_boot_image(d, bi, &o->boot_image, e) < 0)
		return -1;
	r = get_str(oi, "configuration-handling", 0, 0, h, sizeof h, what, e);
	if (r < 0 || (r > 0 && conveyed_set_handling(o, h, what, e) < 0))
		return -1;
	if (get_binary(oi, "pre-configuration-script", &o->pre_script, a, what, e) < 0 ||
	    get_binary(oi, "configuration", &o->configuration, a, what, e) < 0 ||
	    get_binary(oi, "post-configuration-script", &o->post_script, a, what, e) < 0)
		return -1;
	return conveyed_check_onboarding(o, e);
}

int conveyed_parse_xml(const struct xml_doc *doc, struct conveyed_info *out,
                       struct conveyed_arena *a, int *ns_case, struct err *e)
{
	const struct xml_elem *root = xml_root(doc);
	size_t used0 = a->used;
	int m, r;

	memset(out, 0, sizeof *out);
	*ns_case = 0;
	if (!root)
		return err_set(e, W ": no XML document");
	m = xml_ns_match(root->ns, NS);
	if (m && strcmp(root->name, "redirect-information") == 0) {
		out->kind = CONVEYED_REDIRECT;
		r = parse_redirect(root, &out->redirect, a, e);
	} else if (m && strcmp(root->name, "onboarding-information") == 0) {
		out->kind = CONVEYED_ONBOARDING;
		r = parse_onboarding(doc, root, &out->onboarding, a, e);
	} else {
		return err_set(e, W ": the XML root element is <%.64s> in namespace \"%.100s\", expected "
		               "<redirect-information> or <onboarding-information> in \"" NS "\"",
		               root->name, root->ns);
	}
	if (r == 0) {
		*ns_case = m == 2;
		return 0;
	}
	memset(out, 0, sizeof *out);
	a->used = used0;
	return -1;
}
