/* dns_sztp.c: SZTP data in DNS messages (see dns_sztp.h). */
#include "net/dns_sztp.h"

#include "base/b64.h"
#include "base/log.h"

#include <stdio.h>
#include <string.h>

enum { K_NONE = -1, K_CI = 0, K_OC = 1, K_OV = 2 };

static int key_of(const uint8_t *s, size_t n)
{
	if (n < 3 || s[2] != '=')
		return K_NONE;
	if ((s[0] == 'c' || s[0] == 'C') && (s[1] == 'i' || s[1] == 'I'))
		return K_CI;
	if ((s[0] == 'o' || s[0] == 'O') && (s[1] == 'c' || s[1] == 'C'))
		return K_OC;
	if ((s[0] == 'o' || s[0] == 'O') && (s[1] == 'v' || s[1] == 'V'))
		return K_OV;
	return K_NONE;
}

static const char *key_name[] = { "ci", "oc", "ov" };

/* Total length of the DER element starting at p[0..n) (tag 0x30), or 0
 * while the header is incomplete or not DER. */
static size_t der_total(const uint8_t *p, size_t n)
{
	size_t len = 0, k;
	if (n < 2 || p[0] != 0x30)
		return 0;
	if (p[1] < 0x80)
		return 2 + (size_t)p[1];
	k = p[1] & 0x7f;
	if (k == 0 || k > 3 || n < 2 + k)
		return 0;
	for (size_t i = 0; i < k; i++)
		len = (len << 8) | p[2 + i];
	return 2 + k + len;
}

/* Decode a base64 value in place when it is not DER already. */
static int fix_value(uint8_t *buf, size_t *len, size_t cap, const char *key, int *b64,
		     struct err *e)
{
	size_t out;
	struct err be;
	if (*len == 0)
		return err_set(e, "dns: TXT %s= value is empty", key);
	if (buf[0] == 0x30)
		return 0;
	/* in place is safe: the decoder writes 3 bytes per 4 read */
	if (b64_decode((const char *)buf, *len, buf, cap, &out, &be) < 0)
		return err_set(e, "dns: TXT %s= value is neither DER nor base64 (%s)", key,
			       be.msg);
	if (out == 0 || buf[0] != 0x30)
		return err_set(e, "dns: TXT %s= value is base64 of something else than DER", key);
	*len = out;
	*b64 = 1;
	return 0;
}

int sztp_txt_assemble(const uint8_t *msg, size_t len, const struct dns_msg *m,
		      const char *qname, struct sztp_txt *t, struct err *e)
{
	uint8_t *buf[3] = { t->ci, t->oc, t->ov };
	size_t cap[3] = { t->ci_cap, t->oc_cap, t->ov_cap };
	size_t got[3] = { 0, 0, 0 };
	int seen[3] = { 0, 0, 0 };
	(void)len;

	t->ci_len = t->oc_len = t->ov_len = 0;
	t->base64 = 0;
	for (int i = 0; i < m->n_rr; i++) {
		const struct dns_rr *rr = &m->rr[i];
		size_t pos = 0;
		const uint8_t *s;
		size_t n;
		int cur = K_NONE, r;
		if (rr->type != DNS_T_TXT || rr->rclass != DNS_C_IN || !dns_name_eq(rr->name, qname))
			continue;
		while ((r = dns_txt_next(msg, rr, &pos, &s, &n, e)) == 1) {
			int k = key_of(s, n);
			if (k != K_NONE && !seen[k]) {
				cur = k;
				seen[k] = 1;
				s += 3;
				n -= 3;
			} else if (k != K_NONE && cur != k) {
				/* a repeated key outside its own value: ignored */
				log_debug("dns", "%s: duplicate TXT key %s= ignored", qname,
					  key_name[k]);
				cur = K_NONE;
				continue;
			}
			if (cur == K_NONE)
				continue; /* some other key/value pair */
			if (got[cur] + n > cap[cur])
				return err_set(e, "dns: TXT %s= value larger than %zu bytes",
					       key_name[cur], cap[cur]);
			memcpy(buf[cur] + got[cur], s, n);
			got[cur] += n;
			/* a DER value ends where its encoding says */
			{
				size_t total = der_total(buf[cur], got[cur]);
				if (total && got[cur] > total)
					return err_set(e, "dns: TXT %s= value has %zu bytes after its DER "
						       "encoding", key_name[cur], got[cur] - total);
				if (total && got[cur] == total)
					cur = K_NONE;
			}
		}
		if (r < 0)
			return -1;
	}
	if (!seen[K_CI] && !seen[K_OC] && !seen[K_OV])
		return 0;
	if (!seen[K_CI])
		return err_set(e, "dns: TXT records at %s have no ci= value", qname);
	if (seen[K_OC] != seen[K_OV])
		return err_set(e, "dns: TXT records at %s have %s= without %s=", qname,
			       seen[K_OC] ? "oc" : "ov", seen[K_OC] ? "ov" : "oc");
	for (int k = 0; k < 3; k++)
		if (seen[k] && fix_value(buf[k], &got[k], cap[k], key_name[k], &t->base64, e) < 0)
			return -1;
	t->ci_len = got[K_CI];
	t->oc_len = got[K_OC];
	t->ov_len = got[K_OV];
	return 1;
}

struct srv_ent {
	uint16_t prio, weight;
	char uri[SZTP_URI_LEN];
};

static uint32_t xs(uint32_t *s)
{
	uint32_t x = *s ? *s : 0x9e3779b9u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

int sztp_srv_uris(const uint8_t *msg, size_t len, const struct dns_msg *m, const char *qname,
		  uint32_t rnd, struct sztp_uri_list *out)
{
	static struct srv_ent ent[DNS_MAX_RR];
	int n = 0, used[DNS_MAX_RR];

	memset(out, 0, sizeof *out);
	for (int i = 0; i < m->n_rr; i++) {
		const struct dns_rr *rr = &m->rr[i];
		struct dns_srv srv;
		struct err e;
		int dup = 0;
		if (rr->type != DNS_T_SRV || rr->rclass != DNS_C_IN || !dns_name_eq(rr->name, qname))
			continue;
		if (dns_rr_srv(msg, len, rr, &srv, &e) < 0) {
			log_warn("dns", "%s: SRV record ignored: %s", qname, e.msg);
			continue;
		}
		if (!srv.target[0] || srv.port == 0) {
			log_info("dns", "%s: SRV record says no service here", qname);
			continue;
		}
		{
			size_t tl = strlen(srv.target);
			if (tl && srv.target[tl - 1] == '.')
				srv.target[tl - 1] = '\0';
		}
		if (snprintf(ent[n].uri, sizeof ent[n].uri, "https://%s:%u", srv.target,
			     (unsigned)srv.port) >= (int)sizeof ent[n].uri ||
		    sztp_uri_check(ent[n].uri, strlen(ent[n].uri), 0, &e) < 0) {
			log_warn("dns", "%s: SRV target \"%.80s\" port %u ignored: %s", qname,
				 srv.target, (unsigned)srv.port, e.msg);
			continue;
		}
		for (int k = 0; k < n; k++)
			if (strcmp(ent[k].uri, ent[n].uri) == 0)
				dup = 1;
		if (dup)
			continue;
		ent[n].prio = srv.priority;
		ent[n].weight = srv.weight;
		used[n] = 0;
		n++;
	}
	/* RFC 2782: lowest priority first; within one, pick by weight at random */
	for (int taken = 0; taken < n && out->n < SZTP_URI_MAX; taken++) {
		int best = -1;
		uint32_t total = 0, pick;
		for (int i = 0; i < n; i++)
			if (!used[i] && (best < 0 || ent[i].prio < ent[best].prio))
				best = i;
		for (int i = 0; i < n; i++)
			if (!used[i] && ent[i].prio == ent[best].prio)
				total += ent[i].weight;
		pick = total ? xs(&rnd) % (total + 1) : 0;
		/* zero-weight records first among equals only when the draw is 0 */
		for (int i = 0, acc = 0; i < n; i++) {
			if (used[i] || ent[i].prio != ent[best].prio)
				continue;
			acc += ent[i].weight;
			if ((uint32_t)acc >= pick) {
				best = i;
				break;
			}
		}
		used[best] = 1;
		snprintf(out->uri[out->n++], SZTP_URI_LEN, "%s", ent[best].uri);
	}
	if (n > SZTP_URI_MAX)
		log_warn("dns", "%s: %d SRV records, only the first %d kept", qname, n, SZTP_URI_MAX);
	return out->n;
}

static int valid_name(const char *s, struct err *e)
{
	uint8_t wire[DNS_WIRE_NAME + 1];
	return dns_name_encode(s, wire, sizeof wire, e) < 0 ? -1 : 0;
}

int sztp_dns_txt_name(const char *serial, const char *domain, char *out, size_t cap,
		      struct err *e)
{
	if (snprintf(out, cap, "%s._sztp.%s", serial, domain) >= (int)cap)
		return err_set(e, "dns: name for serial \"%.64s\" too long", serial);
	return valid_name(out, e);
}

int sztp_dns_srv_name(const char *domain, char *out, size_t cap, struct err *e)
{
	if (snprintf(out, cap, "_sztp._tcp.%s", domain) >= (int)cap)
		return err_set(e, "dns: name for domain \"%.64s\" too long", domain);
	return valid_name(out, e);
}
