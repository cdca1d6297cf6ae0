/* output.c: the get-bootstrapping-data output, JSON or XML (see output.h). */
#include "trust/output.h"

#include <string.h>

#include "base/b64.h"
#include "base/json.h"

#define OUT_KEY "ietf-sztp-bootstrap-server:output"
#define W "response"

static const char *const names[3] = { "conveyed-information", "owner-certificate",
	                              "ownership-voucher" };

static struct output_artifact *artifact(struct output *o, int i)
{
	return i == 0 ? &o->ci : i == 1 ? &o->oc : &o->ov;
}

/* Decode the base64 text s[n] of artifact `name` into `a`. */
static int decode(const char *name, const char *s, size_t n, struct output_artifact *a,
                  struct err *e)
{
	if (b64_decode(s, n, a->buf, a->cap, &a->len, e) < 0)
		return err_wrap(e, "%s", name);
	if (a->len == 0)
		return err_set(e, "%s: empty", name);
	a->present = 1;
	return 0;
}

static int level(const char *s, struct output *o, struct err *e)
{
	if (strcmp(s, "minimal") == 0)
		o->verbose = 0;
	else if (strcmp(s, "verbose") == 0)
		o->verbose = 1;
	else
		return err_set(e, W ": reporting-level must be \"minimal\" or \"verbose\", got \"%.40s\"",
		               s);
	return 0;
}

static int read_json(const uint8_t *body, size_t len, struct output *o, struct err *e)
{
	cJSON *root = json_parse(body, len, W, e);
	const cJSON *out;
	const char *s;
	int r, rc = -1;

	if (!root)
		return -1;
	if (json_get_object(root, OUT_KEY, 1, &out, W, e) < 0)
		goto done;
	for (int i = 0; i < 3; i++) {
		r = json_get_string(out, names[i], i == 0, &s, W, e);
		if (r < 0 || (r > 0 && decode(names[i], s, strlen(s), artifact(o, i), e) < 0))
			goto done;
	}
	r = json_get_string(out, "reporting-level", 0, &s, W, e);
	if (r < 0 || (r > 0 && level(s, o, e) < 0))
		goto done;
	rc = 0;
done:
	json_free(root);
	return rc;
}

static int read_xml(const uint8_t *body, size_t len, struct output *o, struct xml_doc *x,
                    struct err *e)
{
	const struct xml_elem *root;
	const char *s;
	size_t n;
	int r, m;

	o->xml = 1;
	if (xml_parse(x, body, len, W, e) < 0)
		return -1;
	root = xml_root(x);
	m = xml_ns_match(root->ns, OUTPUT_XML_NS);
	if (strcmp(root->name, "output") != 0 || !m)
		return err_set(e, W ": the XML root element is <%.64s> in namespace \"%.100s\", "
		               "expected <output> in \"" OUTPUT_XML_NS "\"", root->name, root->ns);
	o->ns_case = m == 2;
	for (int i = 0; i < 3; i++) {
		r = xml_get_text(root, root->ns, names[i], i == 0, &s, &n, W, e);
		if (r < 0 || (r > 0 && decode(names[i], s, n, artifact(o, i), e) < 0))
			return -1;
	}
	r = xml_get_text(root, root->ns, "reporting-level", 0, &s, &n, W, e);
	if (r < 0 || (r > 0 && level(s, o, e) < 0))
		return -1;
	return 0;
}

int output_read(const uint8_t *body, size_t len, struct output *o, struct xml_doc *x,
                struct err *e)
{
	int r;

	for (int i = 0; i < 3; i++) {
		artifact(o, i)->len = 0;
		artifact(o, i)->present = 0;
	}
	o->verbose = o->xml = o->ns_case = 0;
	r = xml_sniff(body, len) ? read_xml(body, len, o, x, e) : read_json(body, len, o, e);
	if (r < 0) {
		for (int i = 0; i < 3; i++) {
			artifact(o, i)->len = 0;
			artifact(o, i)->present = 0;
		}
		o->verbose = o->xml = o->ns_case = 0;
	}
	return r;
}
