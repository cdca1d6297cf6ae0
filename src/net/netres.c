/* netres.c: the source list of struct net_result (see net.h, "sources"). */
#include "net/net.h"

#include "base/b64.h"
#include "base/log.h"

#include <stdio.h>
#include <string.h>

/* The artifact bytes: one slot per artifact set, ci then oc then ov. */
static uint8_t store[NET_MAX_ARTIFACTS][NET_CI_MAX + 2 * NET_CMS_MAX];

static void add_order(struct net_result *out, int kind, int index)
{
	if (out->n_order < (int)(sizeof out->order / sizeof out->order[0])) {
		out->order[out->n_order].kind = kind;
		out->order[out->n_order].index = index;
		out->n_order++;
	}
}

void net_add_uri(struct net_result *out, const char *uri, const char *source)
{
	for (int i = 0; i < out->n_uris; i++)
		if (strcmp(out->uris[i].uri, uri) == 0)
			return;
	if (out->n_uris >= NET_MAX_URIS || strlen(uri) >= sizeof out->uris[0].uri) {
		log_warn("net", "bootstrap URI \"%s\" (%s) dropped: list full", uri, source);
		return;
	}
	snprintf(out->uris[out->n_uris].uri, sizeof out->uris[0].uri, "%s", uri);
	snprintf(out->uris[out->n_uris].source, sizeof out->uris[0].source, "%s", source);
	add_order(out, NET_SRC_URI, out->n_uris);
	out->n_uris++;
}

static int same(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

int net_add_artifacts(struct net_result *out, const char *source, const char *where,
		      const uint8_t *ci, size_t ci_len, const uint8_t *oc, size_t oc_len,
		      const uint8_t *ov, size_t ov_len)
{
	struct net_artifacts *a;
	uint8_t *s;

	if (out->n_artifacts >= NET_MAX_ARTIFACTS) {
		log_warn("net", "artifacts at %s (%s) dropped: list full", where, source);
		return -1;
	}
	if (!ci || ci_len == 0 || ci_len > NET_CI_MAX || oc_len > NET_CMS_MAX ||
	    ov_len > NET_CMS_MAX || (oc_len && !oc) || (ov_len && !ov)) {
		log_warn("net", "artifacts at %s (%s) dropped: sizes %zu/%zu/%zu out of bounds", where,
			 source, ci_len, oc_len, ov_len);
		return -1;
	}
	for (int i = 0; i < out->n_artifacts; i++) {
		const struct net_artifacts *o = &out->artifacts[i];
		/* the same set means the same bytes, all three of them: a spoofed
		 * answer with equal lengths must not hide a genuine one */
		if (same(o->ci, o->ci_len, ci, ci_len) && same(o->oc, o->oc_len, oc, oc_len) &&
		    same(o->ov, o->ov_len, ov, ov_len)) {
			log_info("net", "artifacts at %s (%s) are the same as at %s, skipped", where,
				 source, o->where);
			return 0;
		}
	}
	s = store[out->n_artifacts];
	a = &out->artifacts[out->n_artifacts];
	memset(a, 0, sizeof *a);
	snprintf(a->source, sizeof a->source, "%s", source);
	snprintf(a->where, sizeof a->where, "%s", where);
	memcpy(s, ci, ci_len);
	a->ci = s;
	a->ci_len = ci_len;
	if (oc_len) {
		memcpy(s + NET_CI_MAX, oc, oc_len);
		a->oc = s + NET_CI_MAX;
		a->oc_len = oc_len;
	}
	if (ov_len) {
		memcpy(s + NET_CI_MAX + NET_CMS_MAX, ov, ov_len);
		a->ov = s + NET_CI_MAX + NET_CMS_MAX;
		a->ov_len = ov_len;
	}
	add_order(out, NET_SRC_ARTIFACTS, out->n_artifacts);
	out->n_artifacts++;
	return 0;
}

static const char head[] = "{\"ietf-sztp-bootstrap-server:output\":{";

size_t net_artifacts_response_size(const struct net_artifacts *a)
{
	return sizeof head + 3 * 32 + B64_ENCODED_LEN(a->ci_len) + B64_ENCODED_LEN(a->oc_len) +
	       B64_ENCODED_LEN(a->ov_len) + 8;
}

static int member(char *buf, size_t cap, size_t *off, const char *name, const uint8_t *p,
		  size_t n, int first)
{
	int r = snprintf(buf + *off, cap - *off, "%s\"%s\":\"", first ? "" : ",", name);
	long b;
	if (r < 0 || (size_t)r >= cap - *off)
		return -1;
	*off += (size_t)r;
	b = b64_encode(p, n, buf + *off, cap - *off);
	if (b < 0)
		return -1;
	*off += (size_t)b;
	if (*off + 2 > cap)
		return -1;
	buf[(*off)++] = '"';
	buf[*off] = '\0';
	return 0;
}

long net_artifacts_response(const struct net_artifacts *a, char *buf, size_t cap)
{
	size_t off = 0;
	if (cap < sizeof head)
		return -1;
	memcpy(buf, head, sizeof head);
	off = sizeof head - 1;
	if (member(buf, cap, &off, "conveyed-information", a->ci, a->ci_len, 1) < 0)
		return -1;
	if (a->oc && a->ov &&
	    (member(buf, cap, &off, "owner-certificate", a->oc, a->oc_len, 0) < 0 ||
	     member(buf, cap, &off, "ownership-voucher", a->ov, a->ov_len, 0) < 0))
		return -1;
	if (off + 3 > cap)
		return -1;
	buf[off++] = '}';
	buf[off++] = '}';
	buf[off] = '\0';
	return (long)off;
}

void net_log_sources(const struct net_result *r)
{
	if (r->n_order == 0) {
		log_info("net", "no bootstrap source found (built-in servers only)");
		return;
	}
	for (int i = 0; i < r->n_order; i++) {
		const struct net_source *s = &r->order[i];
		if (s->kind == NET_SRC_URI) {
			const struct net_uri *u = &r->uris[s->index];
			log_info("net", "source %d: %s %s", i + 1, u->source, u->uri);
		} else {
			const struct net_artifacts *a = &r->artifacts[s->index];
			log_info("net", "source %d: %s %s (%s: conveyed-information %zu bytes%s)",
				 i + 1, a->source, a->where, a->oc ? "signed" : "unsigned",
				 a->ci_len, a->oc ? ", owner-certificate, ownership-voucher" : "");
		}
	}
}
