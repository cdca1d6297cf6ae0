/* cel.c: CEL-JSON event records and their replay (see cel.h). */
#include "tpm/cel.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/sha256.h"

static const char *const alg_names[CEL_NALGS] = { "sha1", "sha256", "sha384", "sha512" };
static const size_t alg_sizes[CEL_NALGS] = { 20, 32, 48, 64 };

static const char *const types[] = {
	"voucher", "owner-certificate", "conveyed-information", "boot-image",
	"configuration", "pre-configuration-script", "post-configuration-script",
	"module", "trust-anchor", "separator", "emergency", "other",
};

const char *cel_alg_name(int alg)
{
	return alg >= 0 && alg < CEL_NALGS ? alg_names[alg] : "unknown";
}

int cel_alg_from_name(const char *name)
{
	for (int i = 0; i < CEL_NALGS; i++)
		if (name && strcmp(name, alg_names[i]) == 0)
			return i;
	return -1;
}

size_t cel_alg_size(int alg)
{
	return alg >= 0 && alg < CEL_NALGS ? alg_sizes[alg] : 0;
}

const br_hash_class *cel_alg_hash(int alg)
{
	switch (alg) {
	case CEL_SHA1: return &br_sha1_vtable;
	case CEL_SHA256: return sha256_class();
	case CEL_SHA384: return &br_sha384_vtable;
	case CEL_SHA512: return &br_sha512_vtable;
	default: return NULL;
	}
}

int cel_type_ok(const char *type)
{
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(type, types[i]) == 0)
			return 1;
	return 0;
}

void cel_hash(struct cel_event *ev, unsigned banks, const uint8_t *data, size_t len)
{
	br_hash_compat_context hc;
	ev->banks = banks & CEL_ALL_BANKS;
	for (int a = 0; a < CEL_NALGS; a++) {
		if (!(ev->banks & CEL_BANK(a)))
			continue;
		const br_hash_class *h = cel_alg_hash(a);
		h->init(&hc.vtable);
		h->update(&hc.vtable, data, len);
		h->out(&hc.vtable, ev->digest[a]);
	}
}

void cel_extend(int alg, uint8_t *pcr, const uint8_t *digest)
{
	br_hash_compat_context hc;
	const br_hash_class *h = cel_alg_hash(alg);
	size_t n = cel_alg_size(alg);
	h->init(&hc.vtable);
	h->update(&hc.vtable, pcr, n);
	h->update(&hc.vtable, digest, n);
	h->out(&hc.vtable, pcr);
}

/* Output with a bound; sets bad on overflow. */
struct out {
	char *p;
	size_t cap, len;
	int bad;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->bad || n > o->cap - o->len) {
		o->bad = 1;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_json_string(struct out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	put(o, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			char b[2] = { '\\', (char)c };
			put(o, b, 2);
		} else if (c < 0x20 || c == 0x7f) {
			char b[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			put(o, b, 6);
		} else {
			put(o, (const char *)&c, 1);
		}
	}
	put(o, "\"", 1);
}

int cel_format(const struct cel_event *ev, char *out, size_t cap, size_t *len, struct err *e)
{
	static const char hex[] = "0123456789abcdef";
	struct out o = { out, cap, 0, 0 };
	char num[64];
	int first = 1;
	if (!cel_type_ok(ev->type))
		return err_set(e, "cel: unknown event type \"%.32s\"", ev->type);
	if (!(ev->banks & CEL_ALL_BANKS))
		return err_set(e, "cel: event without digests");
	if (memchr(ev->name, '\0', sizeof ev->name) == NULL)
		return err_set(e, "cel: event name not terminated");
	snprintf(num, sizeof num, "\x1e{\"recnum\":%llu,\"pcr\":%u,\"digests\":[",
		 (unsigned long long)ev->recnum, (unsigned)ev->pcr);
	puts_(&o, num);
	for (int a = 0; a < CEL_NALGS; a++) {
		if (!(ev->banks & CEL_BANK(a)))
			continue;
		if (!first)
			puts_(&o, ",");
		first = 0;
		puts_(&o, "{\"hashAlg\":\"");
		puts_(&o, alg_names[a]);
		puts_(&o, "\",\"digest\":\"");
		for (size_t i = 0; i < alg_sizes[a]; i++) {
			char b[2] = { hex[ev->digest[a][i] >> 4], hex[ev->digest[a][i] & 15] };
			put(&o, b, 2);
		}
		puts_(&o, "\"}");
	}
	puts_(&o, "],\"content_type\":\"sztp\",\"content\":{\"eventType\":\"");
	puts_(&o, ev->type);
	puts_(&o, "\",\"string\":");
	put_json_string(&o, ev->name);
	snprintf(num, sizeof num, ",\"size\":%llu}}\n", (unsigned long long)ev->size);
	puts_(&o, num);
	if (o.bad)
		return err_set(e, "cel: record longer than %zu bytes", cap);
	*len = o.len;
	return 0;
}

static int unhex(const char *s, uint8_t *out, size_t n)
{
	if (strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < 2 * n; i++) {
		int v;
		char c = s[i];
		if (c >= '0' && c <= '9') v = c - '0';
		else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
		else return -1;
		if (i & 1)
			out[i / 2] = (uint8_t)(out[i / 2] | v);
		else
			out[i / 2] = (uint8_t)(v << 4);
	}
	return 0;
}

int cel_parse(const uint8_t *json, size_t len, struct cel_event *ev, struct err *e)
{
	const char *what = "cel";
	const cJSON *digests, *content, *d;
	const char *s;
	unsigned long v;
	int n, rc = -1;
	memset(ev, 0, sizeof *ev);
	if (len > CEL_RECORD_MAX)
		return err_set(e, "cel: record longer than %u bytes", CEL_RECORD_MAX);
	cJSON *root = json_parse(json, len, "cel record", e);
	if (!root)
		return -1;
	if (!cJSON_IsObject(root)) {
		err_set(e, "cel: record is a JSON %s, not an object", json_type_name(root));
		goto out;
	}
	if (json_get_uint(root, "recnum", 1, 0, 0xFFFFFFFFul, &v, what, e) < 0)
		goto out;
	ev->recnum = v;
	if (json_get_uint(root, "pcr", 1, 0, 23, &v, what, e) < 0)
		goto out;
	ev->pcr = (uint32_t)v;
	if (json_get_array(root, "digests", 1, &digests, &n, what, e) < 0)
		goto out;
	if (n < 1 || n > CEL_NALGS) {
		err_set(e, "cel: digests has %d entries (1..%d allowed)", n, CEL_NALGS);
		goto out;
	}
	cJSON_ArrayForEach(d, digests) {
		const char *alg, *hex;
		if (!cJSON_IsObject(d)) {
			err_set(e, "cel: digests entry is a JSON %s, not an object", json_type_name(d));
			goto out;
		}
		if (json_get_string(d, "hashAlg", 1, &alg, "cel: digests", e) < 0 ||
		    json_get_string(d, "digest", 1, &hex, "cel: digests", e) < 0)
			goto out;
		int a = cel_alg_from_name(alg);
		if (a < 0) {
			err_set(e, "cel: unknown hashAlg \"%.16s\"", alg);
			goto out;
		}
		if (ev->banks & CEL_BANK(a)) {
			err_set(e, "cel: hashAlg %s twice", alg);
			goto out;
		}
		if (unhex(hex, ev->digest[a], alg_sizes[a]) < 0) {
			err_set(e, "cel: %s digest is not %zu hex bytes", alg, alg_sizes[a]);
			goto out;
		}
		ev->banks |= CEL_BANK(a);
	}
	if (json_get_string(root, "content_type", 1, &s, what, e) < 0)
		goto out;
	if (strcmp(s, "sztp") != 0) {
		err_set(e, "cel: content_type \"%.32s\" is not \"sztp\"", s);
		goto out;
	}
	if (json_get_object(root, "content", 1, &content, what, e) < 0 ||
	    json_get_strcpy(content, "eventType", 1, 1, ev->type, sizeof ev->type, "cel: content", e) < 0 ||
	    json_get_strcpy(content, "string", 1, 0, ev->name, sizeof ev->name, "cel: content", e) < 0 ||
	    json_get_uint(content, "size", 1, 0, 0xFFFFFFFFul, &v, "cel: content", e) < 0)
		goto out;
	ev->size = v;
	if (!cel_type_ok(ev->type)) {
		err_set(e, "cel: unknown eventType \"%s\"", ev->type);
		goto out;
	}
	rc = 0;
out:
	json_free(root);
	return rc;
}

void cel_reader_init(struct cel_reader *r, const uint8_t *log, size_t len)
{
	r->p = log;
	r->left = len;
	r->index = 0;
}

int cel_next(struct cel_reader *r, struct cel_event *ev, struct err *e)
{
	while (r->left > 0 && (*r->p == '\n' || *r->p == '\r' || *r->p == ' '))
		r->p++, r->left--;
	if (r->left == 0)
		return 0;
	if (*r->p != 0x1e)
		return err_set(e, "cel: record %zu does not start with RS (0x1e)", r->index);
	const uint8_t *start = r->p + 1;
	const uint8_t *end = memchr(start, 0x1e, r->left - 1);
	size_t len = end ? (size_t)(end - start) : r->left - 1;
	if (cel_parse(start, len, ev, e) < 0)
		return err_wrap(e, "cel: record %zu", r->index);
	if (ev->recnum != r->index)
		return err_set(e, "cel: record %zu has recnum %llu", r->index,
			       (unsigned long long)ev->recnum);
	r->index++;
	r->p = start + len;
	r->left -= len + 1;
	return 1;
}

int cel_replay(const uint8_t *log, size_t len, uint32_t pcr, int alg,
	const uint8_t *initial, uint8_t *out, size_t *n_events, struct err *e)
{
	struct cel_reader r;
	struct cel_event ev;
	size_t n = 0, sz = cel_alg_size(alg);
	int rc;
	if (sz == 0)
		return err_set(e, "cel: unknown bank %d", alg);
	if (len > CEL_LOG_MAX)
		return err_set(e, "cel: log larger than %u bytes", CEL_LOG_MAX);
	if (initial)
		memcpy(out, initial, sz);
	else
		memset(out, 0, sz);
	cel_reader_init(&r, log, len);
	while ((rc = cel_next(&r, &ev, e)) > 0) {
		if (ev.pcr != pcr)
			continue;
		if (!(ev.banks & CEL_BANK(alg)))
			return err_set(e, "cel: record %llu (PCR %u) has no %s digest",
				       (unsigned long long)ev.recnum, (unsigned)pcr, alg_names[alg]);
		cel_extend(alg, out, ev.digest[alg]);
		n++;
	}
	if (rc < 0)
		return -1;
	if (n_events)
		*n_events = n;
	return 0;
}
