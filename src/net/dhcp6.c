/* dhcp6.c: the DHCPv6 engine, no sockets (see dhcp6.h). */
#include "base/bytes.h"
#include "net/dhcp6.h"

#include "base/log.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define IRT_MS 1000
#define MRT_MS 30000

void dhcp6_id_from_mac(struct dhcp6_id *id, const uint8_t mac[6])
{
	memset(id, 0, sizeof *id);
	be16_put(id->duid, 3); /* DUID-LL */
	be16_put(id->duid + 2, 1); /* Ethernet */
	memcpy(id->duid + 4, mac, 6);
	id->duid_len = 10;
	id->iaid = be32_get(mac + 2);
}

struct out {
	uint8_t *p;
	size_t n, cap;
	int bad;
};

static uint8_t *opt(struct out *o, uint16_t code, const void *v, size_t n)
{
	uint8_t *start;
	if (o->bad || n > 0xffff || o->n + 4 + n > o->cap) {
		o->bad = 1;
		return NULL;
	}
	start = o->p + o->n;
	be16_put(start, code);
	be16_put(start + 2, (uint16_t)n);
	if (v && n)
		memcpy(start + 4, v, n);
	o->n += 4 + n;
	return start + 4;
}

int dhcp6_build(uint8_t *buf, size_t cap, int type, const struct dhcp6_id *id, uint32_t xid,
		uint16_t elapsed_cs, const struct dhcp6_reply *srv)
{
	struct out o = { buf, 4, cap, 0 };
	uint8_t v[40];
	static const uint8_t oro[] = { 0, DHCP6_OPT_DNS_SERVERS, 0, DHCP6_OPT_DOMAIN_LIST,
				       0, DHCP6_OPT_SZTP_REDIRECT };
	int with_ia = type == DHCP6_SOLICIT || type == DHCP6_REQUEST || type == DHCP6_RELEASE;

	if (cap < 4)
		return -1;
	if ((type == DHCP6_REQUEST || type == DHCP6_RELEASE) && (!srv || !srv->server_id_len))
		return -1;
	buf[0] = (uint8_t)type;
	buf[1] = (uint8_t)(xid >> 16);
	buf[2] = (uint8_t)(xid >> 8);
	buf[3] = (uint8_t)xid;
	opt(&o, DHCP6_OPT_CLIENTID, id->duid, id->duid_len);
	if (type == DHCP6_REQUEST || type == DHCP6_RELEASE)
		opt(&o, DHCP6_OPT_SERVERID, srv->server_id, srv->server_id_len);
	be16_put(v, elapsed_cs);
	opt(&o, DHCP6_OPT_ELAPSED_TIME, v, 2);
	if (type != DHCP6_RELEASE)
		opt(&o, DHCP6_OPT_ORO, oro, sizeof oro);
	if (with_ia) {
		int addr = type != DHCP6_SOLICIT && srv && srv->has_addr;
		be32_put(v, id->iaid);
		be32_put(v + 4, 0); /* T1, T2: the server's choice */
		be32_put(v + 8, 0);
		if (addr) {
			be16_put(v + 12, DHCP6_OPT_IAADDR);
			be16_put(v + 14, 24);
			memcpy(v + 16, &srv->addr, 16);
			be32_put(v + 32, 0);
			be32_put(v + 36, 0);
		}
		opt(&o, DHCP6_OPT_IA_NA, v, addr ? 40 : 12);
	}
	return o.bad ? -1 : (int)o.n;
}

int dhcp6_domain_list(const uint8_t *p, size_t len, char (*out)[DHCP6_NAME_MAX], int max,
		      struct err *e)
{
	size_t off = 0;
	int n = 0;
	while (off < len) {
		char name[DHCP6_NAME_MAX];
		size_t o = 0;
		for (;;) {
			uint8_t l;
			if (off >= len)
				return err_set(e, "domain list: name not terminated");
			l = p[off++];
			if (l == 0)
				break;
			if (l > 63)
				return err_set(e, "domain list: label length %u", l);
			if (off + l > len)
				return err_set(e, "domain list: label runs past the option");
			if (o + l + 2 > sizeof name)
				return err_set(e, "domain list: name too long");
			if (o)
				name[o++] = '.';
			for (size_t i = 0; i < l; i++) {
				char c = (char)p[off + i];
				if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				      (c >= '0' && c <= '9') || c == '-' || c == '_'))
					return err_set(e, "domain list: byte 0x%02x in a label",
						       (unsigned char)c);
				name[o++] = c;
			}
			off += l;
		}
		if (o == 0)
			continue; /* the root: nothing to search */
		name[o] = '\0';
		if (n < max)
			memcpy(out[n++], name, o + 1);
	}
	return n;
}

static int parse_status(const uint8_t *v, size_t n, struct err *e)
{
	if (n < 2)
		return err_set(e, "status code option of %zu bytes", n);
	return be16_get(v);
}

/* IA_NA contents after IAID/T1/T2. */
static int parse_ia(const uint8_t *p, size_t len, struct dhcp6_reply *out, struct err *e)
{
	size_t off = 0;
	while (off < len) {
		uint16_t code, n;
		const uint8_t *v;
		if (off + 4 > len)
			return err_set(e, "IA_NA: truncated option header");
		code = be16_get(p + off);
		n = be16_get(p + off + 2);
		v = p + off + 4;
		if (off + 4 + n > len)
			return err_set(e, "IA_NA: option %u of %u bytes runs past the IA", code, n);
		if (code == DHCP6_OPT_STATUS_CODE) {
			int s = parse_status(v, n, e);
			if (s < 0)
				return err_wrap(e, "IA_NA");
			out->ia_status = s;
		} else if (code == DHCP6_OPT_IAADDR) {
			uint32_t pref, valid;
			int st = 0;
			if (n < 24)
				return err_set(e, "IA_NA: address option of %u bytes", n);
			pref = be32_get(v + 16);
			valid = be32_get(v + 20);
			/* a status inside the address */
			if (n > 24) {
				size_t so = 24;
				while (so + 4 <= n) {
					uint16_t c2 = be16_get(v + so), l2 = be16_get(v + so + 2);
					if (so + 4 + l2 > n)
						return err_set(e, "IA address: option runs past it");
					if (c2 == DHCP6_OPT_STATUS_CODE && l2 >= 2)
						st = be16_get(v + so + 4);
					so += 4 + (size_t)l2;
				}
				if (so != n)
					return err_set(e, "IA address: trailing bytes");
			}
			if (!out->has_addr && st == 0 && valid > 0 && pref <= valid) {
				memcpy(&out->addr, v, 16);
				out->preferred = pref;
				out->valid = valid;
				out->has_addr = 1;
			}
		}
		off += 4 + (size_t)n;
	}
	return 0;
}

int dhcp6_parse(const uint8_t *pkt, size_t len, uint32_t xid, const struct dhcp6_id *id,
		struct dhcp6_reply *out, struct err *e)
{
	size_t off = 4;
	int have_client = 0, have_ia = 0, have_dns = 0, have_dom = 0, have_sztp = 0;
	int have_pref = 0, have_status = 0;

	memset(out, 0, sizeof *out);
	if (len < 4)
		return err_set(e, "dhcp6: message of %zu bytes", len);
	if (len > DHCP6_PKT_MAX)
		return err_set(e, "dhcp6: message of %zu bytes (at most %d)", len, DHCP6_PKT_MAX);
	out->msg_type = pkt[0];
	if (out->msg_type != DHCP6_ADVERTISE && out->msg_type != DHCP6_REPLY)
		return err_set(e, "dhcp6: message type %d (%s) is not for a client", pkt[0],
			       dhcp6_msg_name(pkt[0]));
	if ((((uint32_t)pkt[1] << 16) | ((uint32_t)pkt[2] << 8) | pkt[3]) != (xid & 0xffffff))
		return err_set(e, "dhcp6: transaction id mismatch");
	while (off < len) {
		uint16_t code, n;
		const uint8_t *v;
		struct err why;
		if (off + 4 > len)
			return err_set(e, "dhcp6: truncated option header at %zu", off);
		code = be16_get(pkt + off);
		n = be16_get(pkt + off + 2);
		v = pkt + off + 4;
		if (off + 4 + n > len)
			return err_set(e, "dhcp6: option %u of %u bytes runs past the message", code,
				       n);
		switch (code) {
		case DHCP6_OPT_CLIENTID:
			if (have_client++)
				break;
			if (n != id->duid_len || memcmp(v, id->duid, n) != 0)
				return err_set(e, "dhcp6: client identifier is not ours");
			break;
		case DHCP6_OPT_SERVERID:
			if (out->server_id_len)
				break;
			if (n < 1 || n > DHCP6_DUID_MAX)
				return err_set(e, "dhcp6: server identifier of %u bytes", n);
			memcpy(out->server_id, v, n);
			out->server_id_len = n;
			break;
		case DHCP6_OPT_PREFERENCE:
			if (have_pref++)
				break;
			if (n != 1)
				return err_set(e, "dhcp6: preference option of %u bytes", n);
			out->preference = v[0];
			break;
		case DHCP6_OPT_STATUS_CODE: {
			int s;
			if (have_status++)
				break;
			s = parse_status(v, n, e);
			if (s < 0)
				return err_wrap(e, "dhcp6");
			out->status = s;
			break;
		}
		case DHCP6_OPT_IA_NA:
			if (n < 12)
				return err_set(e, "dhcp6: IA_NA of %u bytes", n);
			if (be32_get(v) != id->iaid || have_ia)
				break; /* not our IA (or a second copy) */
			have_ia = 1;
			out->t1 = be32_get(v + 4);
			out->t2 = be32_get(v + 8);
			if (parse_ia(v + 12, n - 12, out, e) < 0)
				return err_wrap(e, "dhcp6");
			break;
		case DHCP6_OPT_DNS_SERVERS:
			if (have_dns++)
				break;
			if (n % 16) {
				log_warn("dhcp6", "DNS servers option of %u bytes ignored", n);
				break;
			}
			for (size_t i = 0; i < n / 16u && out->n_dns < DHCP6_MAX_DNS; i++)
				memcpy(&out->dns[out->n_dns++], v + 16 * i, 16);
			break;
		case DHCP6_OPT_DOMAIN_LIST: {
			int k;
			if (have_dom++)
				break;
			k = dhcp6_domain_list(v, n, out->domains, DHCP6_MAX_DOMAINS, &why);
			if (k < 0)
				log_warn("dhcp6", "%s: ignored", why.msg);
			else
				out->n_domains = k;
			break;
		}
		case DHCP6_OPT_SZTP_REDIRECT:
			if (have_sztp++)
				break;
			if (sztp_uri_decode(v, n, "dhcp6", &out->sztp, &why) > 0)
				out->has_sztp = 1;
			else
				log_warn("dhcp6", "option 136 ignored: %s", why.msg);
			break;
		default:
			break;
		}
		off += 4 + (size_t)n;
	}
	if (!have_client)
		return err_set(e, "dhcp6: no client identifier");
	if (!out->server_id_len)
		return err_set(e, "dhcp6: no server identifier");
	return 0;
}

int dhcp6_parse_ra(const uint8_t *p, size_t len, int *flags, int *autoconf, struct err *e)
{
	size_t off = 16;
	*flags = 0;
	*autoconf = 0;
	if (len < 16)
		return err_set(e, "ra: message of %zu bytes", len);
	if (p[0] != 134 || p[1] != 0)
		return err_set(e, "ra: ICMPv6 type %u code %u is not a router advertisement", p[0],
			       p[1]);
	*flags = p[5] & (DHCP6_RA_MANAGED | DHCP6_RA_OTHER);
	while (off < len) {
		size_t n;
		if (off + 2 > len)
			return err_set(e, "ra: truncated option");
		n = (size_t)p[off + 1] * 8;
		if (n == 0)
			return err_set(e, "ra: option of length 0");
		if (off + n > len)
			return err_set(e, "ra: option runs past the message");
		/* prefix information: A flag, and a /64 for SLAAC */
		if (p[off] == 3 && n == 32 && (p[off + 3] & 0x40) && p[off + 2] == 64)
			*autoconf = 1;
		off += n;
	}
	return 0;
}

/* ------------------------------------------------------------ state machine */

static uint32_t xs(struct dhcp6_client *c)
{
	uint32_t x = c->rnd ? c->rnd : 0x2545f491u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return c->rnd = x;
}

/* RT with +-10% jitter (RFC 8415 section 15). */
static int64_t jitter(struct dhcp6_client *c, int64_t rt)
{
	int64_t span = rt / 5; /* 20% */
	if (span <= 0)
		return rt;
	return rt - rt / 10 + (int64_t)(xs(c) % (uint32_t)(span + 1));
}

static void begin(struct dhcp6_client *c, enum dhcp6_state s, int64_t now)
{
	c->state = s;
	c->xid = xs(c) & 0xffffff;
	c->start_ms = now;
	c->next_ms = now;
	c->attempt = 0;
	c->rt_ms = 0;
	if (s == DHCP6_STATE_SOLICIT)
		c->have_adv = 0;
}

void dhcp6_client_init(struct dhcp6_client *c, const struct dhcp6_id *id, uint32_t seed,
		       int64_t now_ms)
{
	memset(c, 0, sizeof *c);
	c->id = *id;
	c->rnd = seed ? seed : 0x2545f491u;
	c->state = DHCP6_STATE_WAIT_RA;
	c->next_ms = now_ms + DHCP6_RA_WAIT_MS;
}

void dhcp6_client_ra(struct dhcp6_client *c, int flags, int64_t now_ms)
{
	if (c->state != DHCP6_STATE_WAIT_RA)
		return;
	if (flags & DHCP6_RA_MANAGED)
		begin(c, DHCP6_STATE_SOLICIT, now_ms);
	else if (flags & DHCP6_RA_OTHER)
		begin(c, DHCP6_STATE_INFORM, now_ms);
	else
		c->state = DHCP6_STATE_OFF;
}

int dhcp6_client_tick(struct dhcp6_client *c, int64_t now_ms, uint8_t *buf, size_t cap,
		      int64_t *next_ms)
{
	int type, len;
	uint16_t elapsed;

	switch (c->state) {
	case DHCP6_STATE_WAIT_RA:
		if (now_ms < c->next_ms) {
			*next_ms = c->next_ms;
			return 0;
		}
		begin(c, DHCP6_STATE_SOLICIT, now_ms); /* no RA: try stateful anyway */
		break;
	case DHCP6_STATE_SOLICIT:
		if (c->have_adv && now_ms >= c->collect_until) {
			begin(c, DHCP6_STATE_REQUEST, now_ms);
			break;
		}
		/* fall through */
	case DHCP6_STATE_REQUEST:
	case DHCP6_STATE_INFORM:
		if (now_ms < c->next_ms) {
			*next_ms = c->next_ms;
			if (c->state == DHCP6_STATE_SOLICIT && c->have_adv &&
			    c->collect_until < *next_ms)
				*next_ms = c->collect_until;
			return 0;
		}
		if (c->state == DHCP6_STATE_REQUEST && c->attempt >= DHCP6_REQUEST_MRC)
			begin(c, DHCP6_STATE_SOLICIT, now_ms);
		break;
	default:
		return 0;
	}
	type = c->state == DHCP6_STATE_SOLICIT ? DHCP6_SOLICIT
	     : c->state == DHCP6_STATE_REQUEST ? DHCP6_REQUEST : DHCP6_INFORMATION_REQUEST;
	elapsed = (uint16_t)((now_ms - c->start_ms) / 10 > 0xffff ? 0xffff
								   : (now_ms - c->start_ms) / 10);
	if (c->attempt == 0)
		elapsed = 0;
	len = dhcp6_build(buf, cap, type, &c->id, c->xid, elapsed, &c->adv);
	if (len < 0)
		return -1;
	c->rt_ms = c->rt_ms == 0 ? jitter(c, IRT_MS) : jitter(c, 2 * c->rt_ms);
	if (c->rt_ms > MRT_MS)
		c->rt_ms = jitter(c, MRT_MS);
	if (c->state == DHCP6_STATE_SOLICIT && c->attempt == 0)
		c->collect_until = now_ms + c->rt_ms;
	c->attempt++;
	c->next_ms = now_ms + c->rt_ms;
	*next_ms = c->next_ms;
	return len;
}

enum dhcp6_event dhcp6_client_input(struct dhcp6_client *c, int64_t now_ms, const uint8_t *pkt,
				    size_t len, struct err *e)
{
	static struct dhcp6_reply r;

	if (c->state != DHCP6_STATE_SOLICIT && c->state != DHCP6_STATE_REQUEST &&
	    c->state != DHCP6_STATE_INFORM) {
		err_set(e, "dhcp6: not waiting for anything (%s)", dhcp6_state_name(c->state));
		return DHCP6_EV_IGNORED;
	}
	if (dhcp6_parse(pkt, len, c->xid, &c->id, &r, e) < 0)
		return DHCP6_EV_IGNORED;
	switch (c->state) {
	case DHCP6_STATE_SOLICIT:
		if (r.msg_type != DHCP6_ADVERTISE) {
			err_set(e, "dhcp6: %s while soliciting", dhcp6_msg_name(r.msg_type));
			return DHCP6_EV_IGNORED;
		}
		if (!r.has_addr || r.status == DHCP6_STATUS_NO_ADDRS ||
		    r.ia_status == DHCP6_STATUS_NO_ADDRS) {
			/* a server without addresses for us: stateless configuration */
			begin(c, DHCP6_STATE_INFORM, now_ms);
			return DHCP6_EV_STATELESS;
		}
		if (r.status != 0) {
			err_set(e, "dhcp6: ADVERTISE with status %d", r.status);
			return DHCP6_EV_IGNORED;
		}
		if (!c->have_adv || r.preference > c->adv.preference) {
			c->adv = r;
			c->have_adv = 1;
		}
		/* preference 255, or the collection window is over: request now */
		if (r.preference == 255 || now_ms >= c->collect_until)
			c->collect_until = now_ms;
		return DHCP6_EV_ADVERTISE;
	case DHCP6_STATE_REQUEST:
		if (r.msg_type != DHCP6_REPLY || r.server_id_len != c->adv.server_id_len ||
		    memcmp(r.server_id, c->adv.server_id, r.server_id_len) != 0) {
			err_set(e, "dhcp6: %s not from the server we asked",
				dhcp6_msg_name(r.msg_type));
			return DHCP6_EV_IGNORED;
		}
		if (r.has_addr && r.status == 0) {
			c->reply = r;
			c->state = DHCP6_STATE_DONE;
			return DHCP6_EV_REPLY;
		}
		if (r.ia_status == DHCP6_STATUS_NO_ADDRS || r.status == DHCP6_STATUS_NO_ADDRS) {
			begin(c, DHCP6_STATE_INFORM, now_ms);
			return DHCP6_EV_STATELESS;
		}
		err_set(e, "dhcp6: REPLY with status %d / %d and no address, soliciting again",
			r.status, r.ia_status);
		begin(c, DHCP6_STATE_SOLICIT, now_ms);
		return DHCP6_EV_IGNORED;
	default: /* INFORM */
		if (r.msg_type != DHCP6_REPLY) {
			err_set(e, "dhcp6: %s while waiting for a REPLY", dhcp6_msg_name(r.msg_type));
			return DHCP6_EV_IGNORED;
		}
		if (r.status != 0) {
			err_set(e, "dhcp6: REPLY with status %d", r.status);
			return DHCP6_EV_IGNORED;
		}
		r.has_addr = 0;
		c->reply = r;
		c->state = DHCP6_STATE_DONE;
		return DHCP6_EV_REPLY;
	}
}

const char *dhcp6_msg_name(int type)
{
	static const char *names[] = { "?", "SOLICIT", "ADVERTISE", "REQUEST", "CONFIRM",
				       "RENEW", "REBIND", "REPLY", "RELEASE", "DECLINE",
				       "RECONFIGURE", "INFORMATION-REQUEST" };
	if (type >= 1 && type <= 11)
		return names[type];
	return "UNKNOWN";
}

const char *dhcp6_state_name(enum dhcp6_state s)
{
	switch (s) {
	case DHCP6_STATE_WAIT_RA: return "WAIT-RA";
	case DHCP6_STATE_SOLICIT: return "SOLICIT";
	case DHCP6_STATE_REQUEST: return "REQUEST";
	case DHCP6_STATE_INFORM: return "INFORM";
	case DHCP6_STATE_DONE: return "DONE";
	case DHCP6_STATE_OFF: return "OFF";
	}
	return "?";
}
