/* json.c: defensive parsing and typed getters over cJSON (see json.h). */
#include "base/json.h"

#include <stdlib.h>
#include <string.h>

/*
 * Linear pre-scan: size, NUL bytes, \u0000 escapes and nesting depth, counted
 * over brackets outside strings. Only an upper bound for malformed text;
 * cJSON rejects what is not JSON.
 */
static int prescan(const uint8_t *buf, size_t len, const char *what, struct err *e)
{
	int depth = 0, in_str = 0;
	size_t i;

	if (len == 0)
		return err_set(e, "%s: empty document", what);
	if (len > JSON_MAX_SIZE)
		return err_set(e, "%s: document of %zu bytes exceeds the limit of %u",
		               what, len, JSON_MAX_SIZE);
	for (i = 0; i < len; i++) {
		uint8_t c = buf[i];
		if (c == 0)
			return err_set(e, "%s: NUL byte at offset %zu", what, i);
		if (in_str) {
			if (c == '\\') {
				if (i + 1 >= len)
					break;
				if (buf[i + 1] == 'u' && i + 5 < len &&
				    memcmp(buf + i + 2, "0000", 4) == 0)
					return err_set(e, "%s: \\u0000 in a string at offset %zu",
					               what, i);
				i++;
			} else if (c == '"') {
				in_str = 0;
			}
			continue;
		}
		if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > JSON_MAX_DEPTH)
				return err_set(e, "%s: nesting deeper than %d levels", what,
				               JSON_MAX_DEPTH);
		} else if (c == '}' || c == ']') {
			if (depth > 0)
				depth--;
		}
	}
	return 0;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

cJSON *json_parse(const uint8_t *buf, size_t len, const char *what, struct err *e)
{
	const char *end = NULL;
	char *copy;
	cJSON *root;

	if (!buf)
		len = 0;
	if (prescan(buf, len, what, e) < 0)
		return NULL;
	/* A NUL-terminated copy (bounded by JSON_MAX_SIZE): cJSON is then never
	 * relied upon to respect the length. */
	copy = malloc(len + 1);
	if (!copy) {
		err_set(e, "%s: out of memory", what);
		return NULL;
	}
	memcpy(copy, buf, len);
	copy[len] = '\0';
	root = cJSON_ParseWithLengthOpts(copy, len, &end, 0);
	if (!root) {
		size_t off = end && end >= copy && end <= copy + len ? (size_t)(end - copy) : 0;
		free(copy);
		err_set(e, "%s: malformed JSON at offset %zu", what, off);
		return NULL;
	}
	while (end && end < copy + len && is_ws(*end))
		end++;
	if (!end || end != copy + len) {
		size_t off = end ? (size_t)(end - copy) : 0;
		free(copy);
		cJSON_Delete(root);
		err_set(e, "%s: trailing data after the JSON value at offset %zu", what, off);
		return NULL;
	}
	free(copy);
	return root;
}

void json_free(cJSON *root)
{
	if (root)
		cJSON_Delete(root);
}

const char *json_type_name(const cJSON *item)
{
	if (!item)
		return "nothing";
	if (cJSON_IsObject(item))
		return "object";
	if (cJSON_IsArray(item))
		return "array";
	if (cJSON_IsString(item))
		return "string";
	if (cJSON_IsNumber(item))
		return "number";
	if (cJSON_IsBool(item))
		return "boolean";
	if (cJSON_IsNull(item))
		return "null";
	return "invalid";
}

int json_member(const cJSON *obj, const char *name, int mandatory,
                const cJSON **out, const char *what, struct err *e)
{
	const cJSON *c, *found = NULL;

	*out = NULL;
	if (!cJSON_IsObject(obj))
		return err_set(e, "%s: must be an object, got %s", what, json_type_name(obj));
	for (c = obj->child; c; c = c->next) {
		if (!c->string || strcmp(c->string, name) != 0)
			continue;
		if (found)
			return err_set(e, "%s: member \"%s\" appears more than once", what, name);
		found = c;
	}
	if (!found) {
		if (mandatory)
			return err_set(e, "%s: missing mandatory \"%s\"", what, name);
		return 0;
	}
	*out = found;
	return 1;
}

int json_get_object(const cJSON *obj, const char *name, int mandatory,
                    const cJSON **out, const char *what, struct err *e)
{
	const cJSON *m;
	int r = json_member(obj, name, mandatory, &m, what, e);

	*out = NULL;
	if (r <= 0)
		return r;
	if (!cJSON_IsObject(m))
		return err_set(e, "%s: \"%s\" must be an object, got %s", what, name,
		               json_type_name(m));
	*out = m;
	return 1;
}

int json_get_array(const cJSON *obj, const char *name, int mandatory,
                   const cJSON **out, int *count, const char *what, struct err *e)
{
	const cJSON *m;
	int r = json_member(obj, name, mandatory, &m, what, e);

	*out = NULL;
	*count = 0;
	if (r <= 0)
		return r;
	if (!cJSON_IsArray(m))
		return err_set(e, "%s: \"%s\" must be an array, got %s", what, name,
		               json_type_name(m));
	*out = m;
	*count = cJSON_GetArraySize(m);
	return 1;
}

int json_get_string(const cJSON *obj, const char *name, int mandatory,
                    const char **out, const char *what, struct err *e)
{
	const cJSON *m;
	int r = json_member(obj, name, mandatory, &m, what, e);

	*out = NULL;
	if (r <= 0)
		return r;
	if (!cJSON_IsString(m) || !m->valuestring)
		return err_set(e, "%s: \"%s\" must be a string, got %s", what, name,
		               json_type_name(m));
	*out = m->valuestring;
	return 1;
}

int json_get_strcpy(const cJSON *obj, const char *name, int mandatory, int nonempty,
                    char *dst, size_t dstsz, const char *what, struct err *e)
{
	const char *s;
	size_t n;
	int r = json_get_string(obj, name, mandatory, &s, what, e);

	if (dstsz)
		dst[0] = '\0';
	if (r <= 0)
		return r;
	n = strlen(s);
	if (nonempty && n == 0)
		return err_set(e, "%s: \"%s\" must not be empty", what, name);
	if (n >= dstsz)
		return err_set(e, "%s: \"%s\" is too long (%zu bytes, limit %zu)", what, name,
		               n, dstsz ? dstsz - 1 : 0);
	memcpy(dst, s, n + 1);
	return 1;
}

int json_get_bool(const cJSON *obj, const char *name, int mandatory,
                  int *out, const char *what, struct err *e)
{
	const cJSON *m;
	int r = json_member(obj, name, mandatory, &m, what, e);

	*out = 0;
	if (r <= 0)
		return r;
	if (!cJSON_IsBool(m))
		return err_set(e, "%s: \"%s\" must be a boolean, got %s", what, name,
		               json_type_name(m));
	*out = cJSON_IsTrue(m) ? 1 : 0;
	return 1;
}

int json_get_uint(const cJSON *obj, const char *name, int mandatory,
                  unsigned long min, unsigned long max, unsigned long *out,
                  const char *what, struct err *e)
{
	const cJSON *m;
	unsigned long v = 0;
	int r = json_member(obj, name, mandatory, &m, what, e);

	*out = 0;
	if (r <= 0)
		return r;
	if (cJSON_IsNumber(m)) {
		double d = m->valuedouble;
		/* d != d: NaN; the range test keeps the cast defined */
		if (d != d || d < 0 || d > 4294967295.0 ||
		    (double)(unsigned long)d != d)
			return err_set(e, "%s: \"%s\" must be an integer in %lu..%lu", what,
			               name, min, max);
		v = (unsigned long)d;
	} else if (cJSON_IsString(m) && m->valuestring) {
		const char *s = m->valuestring;
		if (!*s)
			return err_set(e, "%s: \"%s\" is an empty string, not a number", what,
			               name);
		for (; *s; s++) {
			if (*s < '0' || *s > '9')
				return err_set(e, "%s: \"%s\" must be a decimal number, got \"%.40s\"",
				               what, name, m->valuestring);
			if (v > 429496729ul)
				return err_set(e, "%s: \"%s\" is out of range %lu..%lu", what,
				               name, min, max);
			v = v * 10 + (unsigned long)(*s - '0');
		}
	} else {
		return err_set(e, "%s: \"%s\" must be a number or string, got %s", what, name,
		               json_type_name(m));
	}
	if (v < min || v > max)
		return err_set(e, "%s: \"%s\" is %lu, out of range %lu..%lu", what, name, v,
		               min, max);
	*out = v;
	return 1;
}
