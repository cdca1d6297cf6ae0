/*
 * fuzz_restconf.c: the RESTCONF error-reply summariser (JSON and XML), the
 * first-line excerpt of other replies, the RESTCONF root derivation from a
 * URI path, and the request writers fed with the input as the strings they
 * carry (progress messages quote what servers and disks said): whatever
 * they accept must come out as valid JSON holding the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "sztp/restconf.h"

static char body[16384];

/* out[0..n) must be a JSON object; returns its parse (json_free it). */
static cJSON *must_parse(long n)
{
	struct err e;
	cJSON *j;
	if (n <= 0 || (size_t)n >= sizeof body || strlen(body) != (size_t)n)
		abort();
	j = json_parse((const uint8_t *)body, (size_t)n, "fuzz", &e);
	if (!j)
		abort();
	return j;
}

static void writers(const char *s)
{
	struct err e;
	struct restconf_gbd_input in;
	struct restconf_report r;
	struct restconf_ssh_key k;
	const cJSON *o, *m;
	cJSON *j;
	long n;

	/* a progress message: always accepted (sanitised, cut) */
	n = restconf_report_body("bootstrap-error", s, body, sizeof body, &e);
	j = must_parse(n);
	o = cJSON_GetObjectItemCaseSensitive(j, "ietf-sztp-bootstrap-server:input");
	m = cJSON_GetObjectItemCaseSensitive(o, "message");
	if (s[0] ? !cJSON_IsString(m) || strlen(m->valuestring) > RESTCONF_MSG_MAX : m != NULL)
		abort();
	json_free(j);
	/* hardware model and OS strings, a host key, an augmentation */
	memset(&in, 0, sizeof in);
	in.hw_model = s;
	in.os_name = "x";
	if ((n = restconf_gbd_body(&in, body, sizeof body, &e)) >= 0)
		json_free(must_parse(n));
	memset(&r, 0, sizeof r);
	r.type = "bootstrap-complete";
	k.algorithm = s;
	k.key_data = "AAAAC3NzaC1lZDI1NTE5AAAAIA==";
	r.keys = &k;
	r.n_keys = 1;
	if ((n = restconf_report_write(&r, body, sizeof body, &e)) >= 0)
		json_free(must_parse(n));
	k.algorithm = "ssh-ed25519";
	k.key_data = s;
	if ((n = restconf_report_write(&r, body, sizeof body, &e)) >= 0)
		json_free(must_parse(n));
	r.n_keys = 0;
	r.aug_name = "example-module:extra";
	r.aug_json = s;
	if ((n = restconf_report_write(&r, body, sizeof body, &e)) >= 0)
		json_free(must_parse(n));
	r.aug_name = s;
	r.aug_json = "{}";
	if ((n = restconf_report_write(&r, body, sizeof body, &e)) >= 0)
		json_free(must_parse(n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[300], root[RESTCONF_ROOT_MAX + 1], path[1100];
	struct err e;

	if (restconf_errors_summary(data, size, out, sizeof out, &e) == 0) {
		if (strlen(out) >= sizeof out || strncmp(out, "error-tag \"", 11) != 0)
			abort();
	} else if (out[0]) {
		abort();
	}
	if (size < sizeof path) {
		memcpy(path, data, size);
		path[size] = 0;
		writers(path);
		if (restconf_root_from_path(path, root, sizeof root, &e) == 0 &&
		    (root[0] != '/' || strlen(root) > RESTCONF_ROOT_MAX))
			abort();
	}
	(void)restconf_media_ok(size < sizeof path ? path : "");
	(void)restconf_media_tolerated(size < sizeof path ? path : "");
	for (size_t cap = 1; cap <= sizeof out; cap += 149) {
		size_t n = restconf_body_line(data, size, out, cap);
		if (n >= cap || strlen(out) != n)
			abort();
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] >= 0x7f)
				abort();
	}
	return 0;
}
