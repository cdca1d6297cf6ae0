/* test_json.c: the defensive JSON layer. */
#include "unit.h"

#include <stdlib.h>

#include "base/json.h"

static cJSON *P(const char *s, struct err *e)
{
	return json_parse((const uint8_t *)s, strlen(s), "doc", e);
}

TEST(json_parses_object_and_trailing_whitespace)
{
	struct err e;
	cJSON *r = P(" {\"a\": 1}\n\t ", &e);
	CHECK(r != NULL);
	json_free(r);
}

TEST(json_rejects_trailing_garbage)
{
	struct err e;
	CHECK(P("{\"a\":1} x", &e) == NULL);
	CHECK(strstr(e.msg, "trailing data") != NULL);
	CHECK(P("{\"a\":1}{}", &e) == NULL);
	CHECK(strstr(e.msg, "doc: ") == e.msg);
}

TEST(json_rejects_malformed_and_empty)
{
	struct err e;
	CHECK(P("{\"a\":", &e) == NULL);
	CHECK(strstr(e.msg, "malformed JSON") != NULL);
	CHECK(json_parse((const uint8_t *)"", 0, "doc", &e) == NULL);
	CHECK_EQ_STR(e.msg, "doc: empty document");
	CHECK(json_parse(NULL, 5, "doc", &e) == NULL);
}

TEST(json_rejects_nul_and_u0000)
{
	struct err e;
	static const uint8_t withnul[] = "{\"a\":\"x\0y\"}";
	CHECK(json_parse(withnul, sizeof withnul - 1, "doc", &e) == NULL);
	CHECK(strstr(e.msg, "NUL byte") != NULL);
	CHECK(P("{\"a\":\"SN\\u0000x\"}", &e) == NULL);
	CHECK(strstr(e.msg, "\\u0000") != NULL);
	/* an escaped backslash followed by u0000 text is fine */
	cJSON *r = P("{\"a\":\"\\\\u0000\"}", &e);
	CHECK(r != NULL);
	json_free(r);
}

TEST(json_depth_limit)
{
	struct err e;
	char buf[256];
	size_t n = 0;
	int i;

	/* exactly JSON_MAX_DEPTH levels: fine */
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		buf[n++] = '[';
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		buf[n++] = ']';
	cJSON *r = json_parse((const uint8_t *)buf, n, "doc", &e);
	CHECK(r != NULL);
	json_free(r);
	/* one more: refused before cJSON sees it */
	n = 0;
	for (i = 0; i <= JSON_MAX_DEPTH; i++)
		buf[n++] = '[';
	for (i = 0; i <= JSON_MAX_DEPTH; i++)
		buf[n++] = ']';
	CHECK(json_parse((const uint8_t *)buf, n, "doc", &e) == NULL);
	CHECK(strstr(e.msg, "nesting deeper") != NULL);
	/* brackets inside strings do not count */
	n = (size_t)snprintf(buf, sizeof buf, "{\"a\":\"%s\"}",
	                     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
	r = json_parse((const uint8_t *)buf, n, "doc", &e);
	CHECK(r != NULL);
	json_free(r);
}

TEST(json_size_limit)
{
	struct err e;
	size_t n = JSON_MAX_SIZE + 1;
	uint8_t *b = malloc(n);
	CHECK(b != NULL);
	memset(b, ' ', n);
	b[0] = '1';
	CHECK(json_parse(b, n, "doc", &e) == NULL);
	free(b);
	CHECK(strstr(e.msg, "exceeds the limit") != NULL);
}

TEST(json_duplicate_member_rejected)
{
	struct err e;
	const char *s;
	cJSON *r = P("{\"a\":\"x\",\"a\":\"y\"}", &e);
	CHECK(r != NULL);
	CHECK_EQ_INT(json_get_string(r, "a", 1, &s, "doc", &e), -1);
	CHECK_EQ_STR(e.msg, "doc: member \"a\" appears more than once");
	json_free(r);
}

TEST(json_member_is_case_sensitive)
{
	struct err e;
	const char *s;
	cJSON *r = P("{\"Address\":\"x\"}", &e);
	CHECK(r != NULL);
	CHECK_EQ_INT(json_get_string(r, "address", 0, &s, "doc", &e), 0);
	CHECK_EQ_INT(json_get_string(r, "address", 1, &s, "doc", &e), -1);
	CHECK_EQ_STR(e.msg, "doc: missing mandatory \"address\"");
	json_free(r);
}

TEST(json_typed_getters_report_types)
{
	struct err e;
	const cJSON *o;
	int n, b;
	unsigned long u;
	char buf[4];
	cJSON *r = P("{\"arr\":[1,2],\"s\":\"abc\",\"t\":true,\"n\":5,\"o\":{}}", &e);
	CHECK(r != NULL);
	CHECK_EQ_INT(json_get_uint(r, "arr", 1, 1, 65535, &u, "conveyed-information", &e), -1);
	CHECK_EQ_STR(e.msg, "conveyed-information: \"arr\" must be a number or string, got array");
	CHECK_EQ_INT(json_get_bool(r, "s", 1, &b, "doc", &e), -1);
	CHECK_EQ_STR(e.msg, "doc: \"s\" must be a boolean, got string");
	CHECK_EQ_INT(json_get_bool(r, "t", 1, &b, "doc", &e), 1);
	CHECK_EQ_INT(b, 1);
	CHECK_EQ_INT(json_get_object(r, "n", 1, &o, "doc", &e), -1);
	CHECK_EQ_STR(e.msg, "doc: \"n\" must be an object, got number");
	CHECK_EQ_INT(json_get_array(r, "arr", 1, &o, &n, "doc", &e), 1);
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_INT(json_get_array(r, "o", 1, &o, &n, "doc", &e), -1);
	CHECK_EQ_STR(e.msg, "doc: \"o\" must be an array, got object");
	CHECK_EQ_INT(json_get_strcpy(r, "s", 1, 0, buf, sizeof buf, "doc", &e), 1);
	CHECK_EQ_STR(buf, "abc");
	CHECK_EQ_INT(json_get_strcpy(r, "s", 1, 0, buf, 3, "doc", &e), -1);
	CHECK(strstr(e.msg, "too long") != NULL);
	CHECK_EQ_INT(json_get_string(r, "t", 1, (const char **)&o, "doc", &e), -1);
	CHECK_EQ_STR(e.msg, "doc: \"t\" must be a string, got boolean");
	json_free(r);
}

TEST(json_uint_number_and_string)
{
	struct err e;
	unsigned long u;
	cJSON *r = P("{\"a\":443,\"b\":\"8443\",\"c\":0,\"d\":70000,\"e\":1.5,\"f\":\"12x\","
	             "\"g\":\"\",\"h\":-1,\"i\":\"99999999999999999999\"}", &e);
	CHECK(r != NULL);
	CHECK_EQ_INT(json_get_uint(r, "a", 1, 1, 65535, &u, "d", &e), 1);
	CHECK_EQ_INT(u, 443);
	CHECK_EQ_INT(json_get_uint(r, "b", 1, 1, 65535, &u, "d", &e), 1);
	CHECK_EQ_INT(u, 8443);
	CHECK_EQ_INT(json_get_uint(r, "c", 1, 1, 65535, &u, "d", &e), -1);
	CHECK(strstr(e.msg, "out of range") != NULL);
	CHECK_EQ_INT(json_get_uint(r, "d", 1, 1, 65535, &u, "d", &e), -1);
	CHECK_EQ_INT(json_get_uint(r, "e", 1, 1, 65535, &u, "d", &e), -1);
	CHECK(strstr(e.msg, "integer") != NULL);
	CHECK_EQ_INT(json_get_uint(r, "f", 1, 1, 65535, &u, "d", &e), -1);
	CHECK(strstr(e.msg, "decimal") != NULL);
	CHECK_EQ_INT(json_get_uint(r, "g", 1, 1, 65535, &u, "d", &e), -1);
	CHECK_EQ_INT(json_get_uint(r, "h", 1, 1, 65535, &u, "d", &e), -1);
	CHECK_EQ_INT(json_get_uint(r, "i", 1, 1, 65535, &u, "d", &e), -1);
	CHECK_EQ_INT(json_get_uint(r, "zz", 0, 1, 65535, &u, "d", &e), 0);
	json_free(r);
}

TEST(json_type_names)
{
	CHECK_EQ_STR(json_type_name(NULL), "nothing");
	struct err e;
	cJSON *r = P("[null,false,\"x\",1,[],{}]", &e);
	CHECK(r != NULL);
	CHECK_EQ_STR(json_type_name(cJSON_GetArrayItem(r, 0)), "null");
	CHECK_EQ_STR(json_type_name(cJSON_GetArrayItem(r, 1)), "boolean");
	CHECK_EQ_STR(json_type_name(cJSON_GetArrayItem(r, 2)), "string");
	CHECK_EQ_STR(json_type_name(cJSON_GetArrayItem(r, 3)), "number");
	CHECK_EQ_STR(json_type_name(cJSON_GetArrayItem(r, 4)), "array");
	CHECK_EQ_STR(json_type_name(cJSON_GetArrayItem(r, 5)), "object");
	json_free(r);
}
