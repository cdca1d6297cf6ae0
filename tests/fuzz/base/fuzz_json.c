/* fuzz_json.c: the defensive JSON layer (pre-scan, cJSON, typed getters). */
#include "base/json.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;
	const cJSON *o;
	const char *s;
	unsigned long u;
	char buf[16];
	int n, b;
	cJSON *root = json_parse(data, size, "fuzz", &e);

	if (!root)
		return 0;
	(void)json_get_object(root, "a", 0, &o, "fuzz", &e);
	(void)json_get_array(root, "b", 0, &o, &n, "fuzz", &e);
	(void)json_get_string(root, "c", 0, &s, "fuzz", &e);
	(void)json_get_strcpy(root, "d", 0, 1, buf, sizeof buf, "fuzz", &e);
	(void)json_get_bool(root, "e", 0, &b, "fuzz", &e);
	(void)json_get_uint(root, "f", 0, 1, 65535, &u, "fuzz", &e);
	(void)json_type_name(root);
	json_free(root);
	return 0;
}
