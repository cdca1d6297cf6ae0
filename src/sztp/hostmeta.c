/* hostmeta.c: RESTCONF root from an XRD host-meta document (see hostmeta.h). */
#include "sztp/hostmeta.h"

#include <string.h>

#include "base/url.h"

static int is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_name(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == ':';
}

/*
 * Parse the attributes of the element whose name ends at p (inside
 * xml[..end)). Sets rel/href spans (NULL when absent). Returns the position
 * after the element's '>' or NULL when malformed/unterminated.
 */
static const uint8_t *attrs(const uint8_t *p, const uint8_t *end, const uint8_t **rel,
			    size_t *rel_len, const uint8_t **href, size_t *href_len)
{
	*rel = *href = NULL;
	*rel_len = *href_len = 0;
	for (;;) {
		const uint8_t *name, *val;
		size_t nl;
		uint8_t q;

		while (p < end && is_ws(*p))
			p++;
		if (p >= end)
			return NULL;
		if (*p == '>')
			return p + 1;
		if (*p == '/') {
			if (p + 1 < end && p[1] == '>')
				return p + 2;
			return NULL;
		}
		name = p;
		while (p < end && is_name(*p))
			p++;
		nl = (size_t)(p - name);
		if (nl == 0)
			return NULL;
		while (p < end && is_ws(*p))
			p++;
		if (p >= end || *p != '=')
			return NULL;
		p++;
		while (p < end && is_ws(*p))
			p++;
		if (p >= end || (*p != '"' && *p != '\''))
			return NULL;
		q = *p++;
		val = p;
		while (p < end && *p != q) {
			if (*p == '<')
				return NULL;
			p++;
		}
		if (p >= end)
			return NULL;
		if (nl == 3 && memcmp(name, "rel", 3) == 0 && !*rel) {
			*rel = val;
			*rel_len = (size_t)(p - val);
		} else if (nl == 4 && memcmp(name, "href", 4) == 0 && !*href) {
			*href = val;
			*href_len = (size_t)(p - val);
		}
		p++; /* closing quote */
		if (p < end && !is_ws(*p) && *p != '/' && *p != '>')
			return NULL;
	}
}

int hostmeta_restconf_root(const uint8_t *xml, size_t len, char *root, size_t cap,
			   struct err *e)
{
	const uint8_t *p = xml, *end;
	char path[URL_PATH_MAX + 1];

	if (cap)
		root[0] = 0;
	if (len > HOSTMETA_MAX)
		return err_set(e, "host-meta: document larger than %d bytes", HOSTMETA_MAX);
	end = xml + len;
	while (p < end) {
		const uint8_t *lt = memchr(p, '<', (size_t)(end - p)), *name, *rel, *href;
		size_t nl, rl, hl;

		if (!lt)
			break;
		p = lt + 1;
		name = p;
		while (p < end && is_name(*p))
			p++;
		nl = (size_t)(p - name);
		/* "Link" or "prefix:Link" */
		if (nl < 4 || memcmp(name + nl - 4, "Link", 4) != 0 ||
		    (nl > 4 && name[nl - 5] != ':'))
			continue;
		if (p < end && !is_ws(*p) && *p != '/' && *p != '>')
			continue;
		p = attrs(p, end, &rel, &rl, &href, &hl);
		if (!p)
			return err_set(e, "host-meta: malformed <Link> element");
		if (!rel || rl != 8 || memcmp(rel, "restconf", 8) != 0)
			continue;
		if (!href || hl == 0)
			return err_set(e, "host-meta: <Link rel=\"restconf\"> without href");
		if (href[0] != '/' || (hl > 1 && href[1] == '/'))
			return err_set(e, "host-meta: restconf href \"%.*s\" is not a path",
				       (int)(hl > 64 ? 64 : hl), (const char *)href);
		if (hl > URL_PATH_MAX || memchr(href, '&', hl) || memchr(href, 0, hl))
			return err_set(e, "host-meta: restconf href is too long or has '&' or NUL");
		memcpy(path, href, hl);
		path[hl] = 0;
		if (url_check_path(path, e) < 0)
			return err_wrap(e, "host-meta: restconf href");
		while (hl > 1 && path[hl - 1] == '/')
			path[--hl] = 0;
		if (hl >= cap)
			return err_set(e, "host-meta: restconf href longer than %zu bytes", cap - 1);
		memcpy(root, path, hl + 1);
		return 0;
	}
	return err_set(e, "host-meta: no <Link rel=\"restconf\"> element");
}
