/* restconf.c: RESTCONF bodies, paths and error replies (see restconf.h). */
#include "sztp/restconf.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/b64.h"
#include "base/json.h"
#include "base/xml.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	uint32_t cp;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/* Append a JSON string literal for s (already checked) to out[*n..cap).
 * lossy: control characters become spaces and bytes that are not UTF-8 '?'
 * (a message may hold a script's output); otherwise they are refused. */
static int put_str(char *out, size_t cap, size_t *n, const char *s, int lossy)
{
	if (*n + 1 >= cap)
		return -1;
	out[(*n)++] = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		const char *p = esc;
		size_t k;
		if (c >= 0x80) {
			size_t u = utf8_len((const unsigned char *)s);
			if (!u && !lossy)
				return -1;
			if (!u) {
				esc[0] = '?';
				esc[1] = 0;
			} else {
				memcpy(esc, s, u);
				esc[u] = 0;
				s += u - 1;
			}
		} else if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			esc[2] = 0;
		} else if (c < 0x20 || c == 0x7f) {
			if (!lossy)
				return -1;
			esc[0] = ' ';
			esc[1] = 0;
		} else {
			esc[0] = (char)c;
			esc[1] = 0;
		}
		k = strlen(p);
		if (*n + k + 1 >= cap)
			return -1;
		memcpy(out + *n, p, k);
		*n += k;
	}
	if (*n + 2 > cap)
		return -1;
	out[(*n)++] = '"';
	out[*n] = 0;
	return 0;
}

static int put_raw(char *out, size_t cap, size_t *n, const char *s)
{
	size_t k = strlen(s);
	if (*n + k + 1 > cap)
		return -1;
	memcpy(out + *n, s, k + 1);
	*n += k;
	return 0;
}

static int str_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= RESTCONF_STR_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

int restconf_gbd_body(const struct restconf_gbd_input *in, char *out, size_t cap,
		      struct err *e)
{
	const char *names[3] = { "hw-model", "os-name", "os-version" };
	const char *vals[3] = { in->hw_model, in->os_name, in->os_version };
	char nonce[B64_ENCODED_LEN(RESTCONF_NONCE_MAX) + 1];
	size_t n = 0;
	int first = 1;

	if (cap == 0)
		return err_set(e, "restconf: no room for the request");
	out[0] = 0;
	if (put_raw(out, cap, &n, "{\"ietf-sztp-bootstrap-server:input\":{") < 0)
		goto room;
	if (in->signed_data_preferred) {
		if (put_raw(out, cap, &n, "\"signed-data-preferred\":[null]") < 0)
			goto room;
		first = 0;
	}
	for (int i = 0; i < 3; i++) {
		if (!vals[i])
			continue;
		if (!str_ok(vals[i]))
			return err_set(e, "restconf: %s is empty, too long or has control characters",
				       names[i]);
		if ((!first && put_raw(out, cap, &n, ",") < 0) ||
		    put_str(out, cap, &n, names[i], 0) < 0 || put_raw(out, cap, &n, ":") < 0 ||
		    put_str(out, cap, &n, vals[i], 0) < 0)
			goto room;
		first = 0;
	}
	if (in->nonce) {
		if (in->nonce_len < RESTCONF_NONCE_MIN || in->nonce_len > RESTCONF_NONCE_MAX)
			return err_set(e, "restconf: nonce of %zu bytes (must be %d..%d)",
				       in->nonce_len, RESTCONF_NONCE_MIN, RESTCONF_NONCE_MAX);
		if (b64_encode(in->nonce, in->nonce_len, nonce, sizeof nonce) < 0)
			goto room;
		if ((!first && put_raw(out, cap, &n, ",") < 0) ||
		    put_raw(out, cap, &n, "\"nonce\":") < 0 || put_str(out, cap, &n, nonce, 0) < 0)
			goto room;
	}
	if (put_raw(out, cap, &n, "}}") < 0)
		goto room;
	return (int)n;
room:
	out[0] = 0;
	return err_set(e, "restconf: request larger than %zu bytes", cap);
}

static int b64_ok(const char *s)
{
	size_t n = 0, pad = 0;
	for (; *s; s++, n++) {
		unsigned char c = (unsigned char)*s;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			     (c >= '0' && c <= '9') || c == '+' || c == '/'))
			return 0;
	}
	return n > 0 && n % 4 == 0 && pad <= 2;
}

static int aug_name_ok(const char *s)
{
	const char *colon = strchr(s, ':');
	size_t n = strlen(s);
	if (!colon || colon == s || !colon[1] || strchr(colon + 1, ':') || n > 128)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.' || *s == ':'))
			return 0;
	return 1;
}

static int aug_json_ok(const char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n < 2 || s[0] != '{' || s[n - 1] != '}')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f)
			return 0;
	}
	/* braces at both ends are not enough ("{}}", "{\"a\":\"}"): it is copied
	 * into the report as is, so it must be exactly one JSON object */
	struct err ignored;
	cJSON *j = json_parse((const uint8_t *)s, n, "augmentation", &ignored);
	int ok = cJSON_IsObject(j);
	json_free(j);
	return ok;
}

int restconf_report_write(const struct restconf_report *r, char *out, size_t cap,
			  struct err *e)
{
	char msg[RESTCONF_MSG_MAX + 1];
	size_t n = 0;

	if (cap == 0)
		return err_set(e, "restconf: no room for the report");
	out[0] = 0;
	if (!r->type || !str_ok(r->type))
		return err_set(e, "restconf: bad progress type");
	if (r->n_keys && strcmp(r->type, "bootstrap-complete") != 0)
		return err_set(e, "restconf: ssh-host-keys only go with bootstrap-complete");
	for (size_t i = 0; i < r->n_keys; i++) {
		if (!r->keys[i].algorithm || !str_ok(r->keys[i].algorithm))
			return err_set(e, "restconf: ssh-host-key %zu: bad algorithm", i + 1);
		if (!r->keys[i].key_data || !b64_ok(r->keys[i].key_data))
			return err_set(e, "restconf: ssh-host-key %zu (%.64s): key-data is not base64",
				       i + 1, r->keys[i].algorithm);
	}
	if (r->aug_json && (!r->aug_name || !aug_name_ok(r->aug_name)))
		return err_set(e, "restconf: bad augmentation name");
	if (r->aug_json && !aug_json_ok(r->aug_json))
		return err_set(e, "restconf: %s: not a JSON object", r->aug_name);
	if (put_raw(out, cap, &n, "{\"ietf-sztp-bootstrap-server:input\":{\"progress-type\":") < 0 ||
	    put_str(out, cap, &n, r->type, 0) < 0)
		goto room;
	if (r->message && r->message[0]) {
		snprintf(msg, sizeof msg, "%s", r->message);
		if (put_raw(out, cap, &n, ",\"message\":") < 0 || put_str(out, cap, &n, msg, 1) < 0)
			goto room;
	}
	if (r->n_keys) {
		if (put_raw(out, cap, &n, ",\"ssh-host-keys\":{\"ssh-host-key\":[") < 0)
			goto room;
		for (size_t i = 0; i < r->n_keys; i++)
			if (put_raw(out, cap, &n, i ? ",{\"algorithm\":" : "{\"algorithm\":") < 0 ||
			    put_str(out, cap, &n, r->keys[i].algorithm, 0) < 0 ||
			    put_raw(out, cap, &n, ",\"key-data\":") < 0 ||
			    put_str(out, cap, &n, r->keys[i].key_data, 0) < 0 ||
			    put_raw(out, cap, &n, "}") < 0)
				goto room;
		if (put_raw(out, cap, &n, "]}") < 0)
			goto room;
	}
	if (r->aug_json) {
		if (put_raw(out, cap, &n, ",") < 0 || put_str(out, cap, &n, r->aug_name, 0) < 0 ||
		    put_raw(out, cap, &n, ":") < 0 || put_raw(out, cap, &n, r->aug_json) < 0)
			goto room;
	}
	if (put_raw(out, cap, &n, "}}") < 0)
		goto room;
	return (int)n;
room:
	out[0] = 0;
	return err_set(e, "restconf: report larger than %zu bytes", cap);
}

int restconf_report_body(const char *type, const char *message, char *out, size_t cap,
			 struct err *e)
{
	struct restconf_report r;
	memset(&r, 0, sizeof r);
	r.type = type;
	r.message = message;
	return restconf_report_write(&r, out, cap, e);
}

int restconf_op_path(const char *root, const char *op, char *out, size_t cap, struct err *e)
{
	size_t rl = strlen(root);
	int n;

	if (rl == 0 || root[0] != '/' || root[rl - 1] == '/' || rl > RESTCONF_ROOT_MAX)
		return err_set(e, "restconf: bad root \"%.64s\"", root);
	n = snprintf(out, cap, "%s/operations/%s", root, op);
	if (n < 0 || (size_t)n >= cap)
		return err_set(e, "restconf: operation path too long");
	return n;
}

int restconf_media_ok(const char *ct)
{
	size_t n = strlen(RESTCONF_MEDIA);

	if (!ct || strncasecmp(ct, RESTCONF_MEDIA, n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == 0 || *ct == ';';
}

/* `ct` is `type` (case-insensitive), possibly followed by parameters. */
static int media_is(const char *ct, const char *type)
{
	size_t n = strlen(type);
	if (strncasecmp(ct, type, n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == 0 || *ct == ';';
}

int restconf_media_tolerated(const char *ct)
{
	return ct && (ct[0] == 0 || media_is(ct, "text/plain") || media_is(ct, "application/json"));
}

size_t restconf_body_line(const uint8_t *body, size_t len, char *out, size_t cap)
{
	size_t k = 0, i;

	if (cap == 0)
		return 0;
	for (i = 0; i < len && i < RESTCONF_LINE_MAX; i++) {
		uint8_t c = body[i];
		char t[8];
		if (c == '\r' || c == '\n')
			break;
		if (c == '"' || c == '\\')
			snprintf(t, sizeof t, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			snprintf(t, sizeof t, "%c", c);
		else
			snprintf(t, sizeof t, "\\x%02x", c);
		if (k + strlen(t) + 4 > cap)
			break;
		memcpy(out + k, t, strlen(t));
		k += strlen(t);
	}
	if (i < len && body[i] != '\r' && body[i] != '\n' && k + 4 <= cap) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = 0;
	return k;
}

int restconf_root_from_path(const char *path, char *root, size_t cap, struct err *e)
{
	static const char ops[] = "/operations/";
	size_t n = strlen(path);
	const char *o;

	if (n && path[0] != '/')
		return err_set(e, "restconf: path \"%.64s\" does not start with '/'", path);
	if (n == 0 || strcmp(path, "/") == 0) {
		path = RESTCONF_ROOT;
		n = strlen(path);
	} else if ((o = strstr(path, ops)) != NULL) {
		n = (size_t)(o - path);
	}
	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n == 0 || (n == 1 && path[0] == '/')) {
		path = RESTCONF_ROOT;
		n = strlen(path);
	}
	if (n >= cap || n > RESTCONF_ROOT_MAX)
		return err_set(e, "restconf: root path longer than %d bytes", RESTCONF_ROOT_MAX);
	memcpy(root, path, n);
	root[n] = 0;
	return 0;
}


/* Copy text s[n] into dst[cap] (cut, sanitised). */
static void copy_str(const char *s, size_t n, char *dst, size_t cap)
{
	size_t i;

	for (i = 0; i + 1 < cap && i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[i] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	dst[i] = 0;
}

/* Write the summary of one error (of n) into out[cap]. */
static int summary(const char *tag, const char *app, const char *msg, int n, char *out,
		   size_t cap, struct err *e)
{
	if (!tag[0])
		return err_set(e, "restconf: error without error-tag");
	snprintf(out, cap, "error-tag \"%s\"%s%s%s%s%s", tag, app[0] ? " app-tag \"" : "", app,
		 app[0] ? "\"" : "", msg[0] ? ": " : "", msg);
	if (n > 1) {
		size_t l = strlen(out);
		snprintf(out + l, cap > l ? cap - l : 0, " (and %d more)", n - 1);
	}
	return 0;
}

/* Copy a string member of `o` named `name` into dst[cap] (cut, sanitised). */
static void member_str(const cJSON *o, const char *name, char *dst, size_t cap)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);

	dst[0] = 0;
	if (cJSON_IsString(m) && m->valuestring)
		copy_str(m->valuestring, strlen(m->valuestring), dst, cap);
}

/* The leaf `name` of XML element `el` (RESTCONF namespace) into dst[cap]. */
static void xml_str(const struct xml_elem *el, const char *name, char *dst, size_t cap)
{
	const char *s;
	size_t n;
	struct err ignored;

	dst[0] = 0;
	if (xml_get_text(el, RESTCONF_XML_NS, name, 0, &s, &n, "error", &ignored) > 0)
		copy_str(s, n, dst, cap);
}

/* The XML encoding of the same document (RFC 8040 section 7.1):
 * <errors xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf"><error>... */
static int errors_xml(const uint8_t *body, size_t len, char *out, size_t cap, struct err *e)
{
	static struct xml_elem elems[256];
	static char store[XML_STORE_SIZE(RESTCONF_ERRORS_MAX, 256)];
	static struct xml_doc doc;
	char tag[64], msg[200], app[64];
	const struct xml_elem *root, *first, *el;
	int n = 0;

	xml_doc_init(&doc, elems, sizeof elems / sizeof elems[0], store, sizeof store);
	if (xml_parse(&doc, body, len, "error reply", e) < 0)
		return -1;
	root = xml_root(&doc);
	first = xml_next(root, NULL, RESTCONF_XML_NS, "error");
	if (strcmp(root->name, "errors") != 0 || !xml_ns_match(root->ns, RESTCONF_XML_NS) || !first)
		return err_set(e, "restconf: not an ietf-restconf errors document");
	for (el = first; el; el = xml_next(root, el, RESTCONF_XML_NS, "error"))
		n++;
	xml_str(first, "error-tag", tag, sizeof tag);
	xml_str(first, "error-message", msg, sizeof msg);
	xml_str(first, "error-app-tag", app, sizeof app);
	return summary(tag, app, msg, n, out, cap, e);
}

int restconf_errors_summary(const uint8_t *body, size_t len, char *out, size_t cap,
			    struct err *e)
{
	char tag[64], msg[200], app[64];
	const cJSON *errs, *list, *first;
	cJSON *root;
	int n;

	if (cap)
		out[0] = 0;
	if (len > RESTCONF_ERRORS_MAX)
		return err_set(e, "restconf: error reply larger than %d bytes", RESTCONF_ERRORS_MAX);
	if (xml_sniff(body, len))
		return errors_xml(body, len, out, cap, e);
	root = json_parse(body, len, "error reply", e);
	if (!root)
		return -1;
	errs = cJSON_GetObjectItemCaseSensitive(root, "ietf-restconf:errors");
	list = cJSON_IsObject(errs) ? cJSON_GetObjectItemCaseSensitive(errs, "error") : NULL;
	if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) < 1 ||
	    !cJSON_IsObject(first = cJSON_GetArrayItem(list, 0))) {
		json_free(root);
		return err_set(e, "restconf: not an ietf-restconf:errors document");
	}
	n = cJSON_GetArraySize(list);
	member_str(first, "error-tag", tag, sizeof tag);
	member_str(first, "error-message", msg, sizeof msg);
	member_str(first, "error-app-tag", app, sizeof app);
	json_free(root);
	return summary(tag, app, msg, n, out, cap, e);
}
