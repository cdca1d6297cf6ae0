/* conveyed.c: RFC 8572 conveyed information, JSON, into typed structures;
 * the checks the XML reader (conveyed_xml.c) shares. */
#include "trust/conveyed.h"

#include <stdio.h>
#include <string.h>

#include "base/b64.h"
#include "base/hexstr.h"

#define W "conveyed-information"

void conveyed_arena_init(struct conveyed_arena *a, uint8_t *buf, size_t cap)
{
	a->buf = buf;
	a->cap = buf ? cap : 0;
	a->used = 0;
}

int conveyed_decode_binary(struct conveyed_arena *a, const char *b64, size_t n,
                           struct conveyed_blob *out, const char *what, const char *name,
                           struct err *e)
{
	size_t len = 0, room = a->cap - a->used;

	out->data = NULL;
	out->len = 0;
	if (b64_decode(b64, n, a->buf ? a->buf + a->used : NULL, room, &len, e) < 0)
		return err_wrap(e, "%s: \"%s\"", what, name);
	out->data = a->buf ? a->buf + a->used : NULL;
	out->len = len;
	a->used += len;
	return 0;
}

/* Decode the base64 leaf `name` of `obj` into the arena. Returns 1, 0 when
 * absent, -1 on error. */
static int get_binary(const cJSON *obj, const char *name, struct conveyed_blob *out,
                      struct conveyed_arena *a, const char *what, struct err *e)
{
	const char *s;
	int r = json_get_string(obj, name, 0, &s, what, e);

	out->data = NULL;
	out->len = 0;
	if (r <= 0)
		return r;
	if (conveyed_decode_binary(a, s, strlen(s), out, what, name, e) < 0)
		return -1;
	return 1;
}

/*
 * inet:host is an IP address (IPv6 possibly with a %zone) or a domain name.
 * The address ends up in a URL, so only the characters those forms use are
 * accepted (no '/', '@', '[', whitespace ...).
 */
int conveyed_host_ok(const char *h)
{
	for (; *h; h++) {
		char c = *h;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_' || c == ':' || c == '%'))
			return 0;
	}
	return 1;
}

/* A URI without whitespace or control characters. */
int conveyed_uri_ok(const char *u)
{
	for (; *u; u++)
		if ((unsigned char)*u <= 0x20 || (unsigned char)*u == 0x7F)
			return 0;
	return 1;
}

int conveyed_add_hash(struct conveyed_boot_image *b, int sha256, const char *hex, size_t n,
                      const char *what, struct err *e)
{
	size_t len = 0;
	uint8_t tmp[64];

	if (!sha256) {
		b->n_skipped_hashes++;
		return 0;
	}
	if (hexstr_decode(hex, n, tmp, sizeof tmp, &len, e) < 0)
		return err_wrap(e, "%s: \"hash-value\"", what);
	if (len != 32)
		return err_set(e, "%s: sha-256 \"hash-value\" has %zu bytes, want 32", what, len);
	if (b->n_sha256 >= CONVEYED_MAX_HASHES)
		return err_set(e, "%s: more than %d sha-256 hashes", what, CONVEYED_MAX_HASHES);
	memcpy(b->sha256[b->n_sha256++], tmp, 32);
	return 0;
}

int conveyed_set_handling(struct conveyed_onboarding *o, const char *s, const char *what,
                          struct err *e)
{
	if (strcmp(s, "merge") == 0)
		o->handling = CONVEYED_HANDLING_MERGE;
	else if (strcmp(s, "replace") == 0)
		o->handling = CONVEYED_HANDLING_REPLACE;
	else
		return err_set(e, "%s: \"configuration-handling\" must be \"merge\" or \"replace\", got \"%.40s\"",
		               what, s);
	return 0;
}

int conveyed_check_onboarding(const struct conveyed_onboarding *o, struct err *e)
{
	const struct conveyed_boot_image *b = &o->boot_image;

	if (b->n_uris > 0 && b->n_sha256 == 0)
		return err_set(e, W ": boot-image: download-uri given but no %s image-verification to check the image with",
		               CONVEYED_SHA256_ALG);
	if (o->configuration.data && o->handling == CONVEYED_HANDLING_NONE)
		return err_set(e, W ": onboarding-information: \"configuration\" given without \"configuration-handling\"");
	return 0;
}

static int parse_server(const cJSON *item, int idx, struct conveyed_server *s,
                        struct conveyed_arena *a, struct err *e)
{
	char what[64];
	unsigned long port = 443;

	snprintf(what, sizeof what, W ": bootstrap-server[%d]", idx);
	if (!cJSON_IsObject(item))
		return err_set(e, "%s: must be an object, got %s", what, json_type_name(item));
	if (json_get_strcpy(item, "address", 1, 1, s->address, sizeof s->address, what, e) < 0)
		return -1;
	if (!conveyed_host_ok(s->address))
		return err_set(e, "%s: \"address\" \"%.80s\" is not a valid inet:host", what,
		               s->address);
	if (json_get_uint(item, "port", 0, 1, 65535, &port, what, e) < 0)
		return -1;
	if (port == 0)
		port = 443;
	s->port = (uint16_t)port;
	if (get_binary(item, "trust-anchor", &s->trust_anchor, a, what, e) < 0)
		return -1;
	if (s->trust_anchor.data && s->trust_anchor.len == 0)
		return err_set(e, "%s: \"trust-anchor\" is empty", what);
	return 0;
}

static int parse_redirect(const cJSON *ri, struct conveyed_redirect *r,
                          struct conveyed_arena *a, struct err *e)
{
	const cJSON *list, *item;
	int n, i = 0;

	if (json_get_array(ri, "bootstrap-server", 1, &list, &n, W ": redirect-information", e) < 0)
		return -1;
	if (n < 1)
		return err_set(e, W ": redirect-information: \"bootstrap-server\" is empty");
	if (n > CONVEYED_MAX_SERVERS)
		return err_set(e, W ": redirect-information: %d bootstrap servers, limit %d",
		               n, CONVEYED_MAX_SERVERS);
	cJSON_ArrayForEach(item, list) {
		if (parse_server(item, i + 1, &r->servers[i], a, e) < 0)
			return -1;
		i++;
	}
	r->n_servers = i;
	return 0;
}

static int parse_hash(const cJSON *item, int idx, struct conveyed_boot_image *b, struct err *e)
{
	char what[80];
	const char *alg, *val;

	snprintf(what, sizeof what, W ": image-verification[%d]", idx);
	if (!cJSON_IsObject(item))
		return err_set(e, "%s: must be an object, got %s", what, json_type_name(item));
	if (json_get_string(item, "hash-algorithm", 1, &alg, what, e) < 0 ||
	    json_get_string(item, "hash-value", 1, &val, what, e) < 0)
		return -1;
	/* identityref: RFC 7951 lets the prefix be omitted in the leaf's own module */
	return conveyed_add_hash(b, strcmp(alg, CONVEYED_SHA256_ALG) == 0 || strcmp(alg, "sha-256") == 0,
	                         val, strlen(val), what, e);
}

static int parse_boot_image(const cJSON *bi, struct conveyed_boot_image *b, struct err *e)
{
	const char *what = W ": boot-image";
	const cJSON *list, *item;
	int n, i;

	b->present = 1;
	if (json_get_strcpy(bi, "os-name", 0, 0, b->os_name, sizeof b->os_name, what, e) < 0 ||
	    json_get_strcpy(bi, "os-version", 0, 0, b->os_version, sizeof b->os_version, what, e) < 0)
		return -1;
	if (json_get_array(bi, "download-uri", 0, &list, &n, what, e) < 0)
		return -1;
	if (n > CONVEYED_MAX_URIS)
		return err_set(e, "%s: %d download URIs, limit %d", what, n, CONVEYED_MAX_URIS);
	i = 0;
	if (list) {
		cJSON_ArrayForEach(item, list) {
			size_t len;
			if (!cJSON_IsString(item) || !item->valuestring)
				return err_set(e, "%s: download-uri[%d] must be a string, got %s",
				               what, i + 1, json_type_name(item));
			len = strlen(item->valuestring);
			if (len == 0)
				return err_set(e, "%s: download-uri[%d] is empty", what, i + 1);
			if (len >= CONVEYED_URI_MAX)
				return err_set(e, "%s: download-uri[%d] is too long (%zu bytes, limit %d)",
				               what, i + 1, len, CONVEYED_URI_MAX - 1);
			if (!conveyed_uri_ok(item->valuestring))
				return err_set(e, "%s: download-uri[%d] contains whitespace or control characters",
				               what, i + 1);
			memcpy(b->uris[i], item->valuestring, len + 1);
			i++;
		}
	}
	b->n_uris = i;
	if (json_get_array(bi, "image-verification", 0, &list, &n, what, e) < 0)
		return -1;
	i = 0;
	if (list) {
		cJSON_ArrayForEach(item, list) {
			if (parse_hash(item, ++i, b, e) < 0)
				return -1;
		}
	}
	return 0;
}

static int parse_onboarding(const cJSON *oi, struct conveyed_onboarding *o,
                            struct conveyed_arena *a, struct err *e)
{
	const char *what = W ": onboarding-information";
	const cJSON *bi;
	const char *h;
	int r;

	if (json_get_object(oi, "boot-image", 0, &bi, what, e) < 0)
		return -1;
	if (bi && parse_boot_image(bi, &o->boot_image, e) < 0)
		return -1;
	r = json_get_string(oi, "configuration-handling", 0, &h, what, e);
	if (r < 0)
		return -1;
	if (r > 0 && conveyed_set_handling(o, h, what, e) < 0)
		return -1;
	if (get_binary(oi, "pre-configuration-script", &o->pre_script, a, what, e) < 0 ||
	    get_binary(oi, "configuration", &o->configuration, a, what, e) < 0 ||
	    get_binary(oi, "post-configuration-script", &o->post_script, a, what, e) < 0)
		return -1;
	return conveyed_check_onboarding(o, e);
}

int conveyed_parse_tree(const cJSON *root, struct conveyed_info *out,
                        struct conveyed_arena *a, struct err *e)
{
	const cJSON *ri, *oi;
	size_t used0 = a->used;
	int r;

	memset(out, 0, sizeof *out);
	if (!cJSON_IsObject(root))
		return err_set(e, W ": the document must be a JSON object, got %s",
		               json_type_name(root));
	if (json_get_object(root, "ietf-sztp-conveyed-info:redirect-information", 0, &ri, W, e) < 0 ||
	    json_get_object(root, "ietf-sztp-conveyed-info:onboarding-information", 0, &oi, W, e) < 0)
		goto fail;
	if (ri && oi) {
		err_set(e, W ": both redirect-information and onboarding-information are present");
		goto fail;
	}
	if (!ri && !oi) {
		err_set(e, W ": neither \"ietf-sztp-conveyed-info:redirect-information\" nor "
		        "\"ietf-sztp-conveyed-info:onboarding-information\" is present");
		goto fail;
	}
	if (ri) {
		out->kind = CONVEYED_REDIRECT;
		r = parse_redirect(ri, &out->redirect, a, e);
	} else {
		out->kind = CONVEYED_ONBOARDING;
		r = parse_onboarding(oi, &out->onboarding, a, e);
	}
	if (r == 0)
		return 0;
fail:
	memset(out, 0, sizeof *out);
	a->used = used0;
	return -1;
}

int conveyed_parse(const uint8_t *json, size_t len, struct conveyed_info *out,
                   struct conveyed_arena *arena, struct err *e)
{
	cJSON *root = json_parse(json, len, W, e);
	int r;

	if (!root) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	r = conveyed_parse_tree(root, out, arena, e);
	json_free(root);
	return r;
}
