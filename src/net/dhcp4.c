/* dhcp4.c: DHCPv4 packets and the client state machine, no I/O. */
#include "base/bytes.h"
#include "net/dhcp4.h"

#include "base/log.h"

#include <arpa/inet.h>
#include <string.h>

/* BOOTP header offsets (RFC 2131 figure 1). */
#define OFF_OP     0
#define OFF_HTYPE  1
#define OFF_HLEN   2
#define OFF_XID    4
#define OFF_SECS   8
#define OFF_FLAGS  10
#define OFF_CIADDR 12
#define OFF_YIADDR 16
#define OFF_SIADDR 20
#define OFF_CHADDR 28
#define OFF_SNAME  44
#define OFF_FILE   108
#define OFF_COOKIE 236
#define OFF_OPTS   240
#define SNAME_LEN  64
#define FILE_LEN   128

static const uint8_t cookie[4] = { 99, 130, 83, 99 };

/* Parameters we ask for (option 55). */
static const uint8_t param_list[] = {
	DHCP4_OPT_NETMASK, DHCP4_OPT_ROUTER, DHCP4_OPT_DNS, DHCP4_OPT_HOSTNAME,
	DHCP4_OPT_DOMAIN, DHCP4_OPT_MTU, DHCP4_OPT_BROADCAST, DHCP4_OPT_NTP,
	DHCP4_OPT_LEASE_TIME, DHCP4_OPT_SERVER_ID, DHCP4_OPT_T1, DHCP4_OPT_T2,
	DHCP4_OPT_SZTP_REDIRECT,
};

const char *dhcp4_msg_name(int type)
{
	static const char *const names[] = { "?", "DISCOVER", "OFFER", "REQUEST", "DECLINE",
					     "ACK", "NAK", "RELEASE", "INFORM" };
	return (type >= 1 && type <= 8) ? names[type] : "unknown";
}

const char *dhcp4_state_name(enum dhcp4_state s)
{
	switch (s) {
	case DHCP4_STATE_INIT: return "INIT";
	case DHCP4_STATE_SELECTING: return "SELECTING";
	case DHCP4_STATE_REQUESTING: return "REQUESTING";
	case DHCP4_STATE_BOUND: return "BOUND";
	}
	return "?";
}

int dhcp4_mask_to_prefix(struct in_addr mask)
{
	uint32_t m = ntohl(mask.s_addr);
	int n = 0;
	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	if (n < 32 && (m << n) != 0)
		return -1;
	return n;
}

/* ------------------------------------------------------------ building */

struct out {
	uint8_t *p;
	size_t cap, n;
	int bad;
};

static void opt(struct out *o, uint8_t code, const void *v, size_t n)
{
	if (n > 255 || o->n + 2 + n + 1 > o->cap) { /* keep room for END */
		o->bad = 1;
		return;
	}
	o->p[o->n++] = code;
	o->p[o->n++] = (uint8_t)n;
	memcpy(o->p + o->n, v, n);
	o->n += n;
}

static int header(struct out *o, uint8_t *buf, size_t cap, const struct dhcp4_id *id,
		  uint32_t xid, uint16_t secs, int type, int broadcast)
{
	uint8_t v[1 + 6];
	if (cap < DHCP4_MIN_LEN)
		return -1;
	memset(buf, 0, DHCP4_MIN_LEN);
	buf[OFF_OP] = 1; /* BOOTREQUEST */
	buf[OFF_HTYPE] = 1;
	buf[OFF_HLEN] = 6;
	be32_put(buf + OFF_XID, xid);
	buf[OFF_SECS] = (uint8_t)(secs >> 8);
	buf[OFF_SECS + 1] = (uint8_t)secs;
	if (broadcast)
		buf[OFF_FLAGS] = 0x80;
	memcpy(buf + OFF_CHADDR, id->mac, 6);
	memcpy(buf + OFF_COOKIE, cookie, 4);
	o->p = buf;
	o->cap = cap;
	o->n = OFF_OPTS;
	o->bad = 0;
	v[0] = (uint8_t)type;
	opt(o, DHCP4_OPT_MSG_TYPE, v, 1);
	v[0] = 1; /* client identifier: hardware type Ethernet + MAC */
	memcpy(v + 1, id->mac, 6);
	opt(o, DHCP4_OPT_CLIENT_ID, v, 7);
	return 0;
}

static void common_tail(struct out *o, const struct dhcp4_id *id)
{
	uint8_t sz[2] = { DHCP4_MAX_MSG_SIZE >> 8, DHCP4_MAX_MSG_SIZE & 0xff };
	size_t hn = strnlen(id->hostname, sizeof id->hostname);
	opt(o, DHCP4_OPT_PARAM_LIST, param_list, sizeof param_list);
	opt(o, DHCP4_OPT_MAX_SIZE, sz, 2);
	if (hn > 0)
		opt(o, DHCP4_OPT_HOSTNAME, id->hostname, hn);
}

static int finish(struct out *o)
{
	if (o->bad || o->n + 1 > o->cap)
		return -1;
	o->p[o->n++] = DHCP4_OPT_END;
	if (o->n < DHCP4_MIN_LEN) /* header() zeroed up to DHCP4_MIN_LEN */
		o->n = DHCP4_MIN_LEN;
	return (int)o->n;
}

int dhcp4_build_discover(uint8_t *buf, size_t cap, const struct dhcp4_id *id, uint32_t xid,
			 uint16_t secs)
{
	struct out o;
	if (header(&o, buf, cap, id, xid, secs, DHCP4_DISCOVER, 1) < 0)
		return -1;
	common_tail(&o, id);
	return finish(&o);
}

int dhcp4_build_request(uint8_t *buf, size_t cap, const struct dhcp4_id *id, uint32_t xid,
			uint16_t secs, const struct dhcp4_lease *offer, int renew)
{
	struct out o;
	if (header(&o, buf, cap, id, xid, secs, DHCP4_REQUEST, !renew) < 0)
		return -1;
	if (renew) {
		memcpy(buf + OFF_CIADDR, &offer->addr.s_addr, 4);
	} else {
		opt(&o, DHCP4_OPT_REQUESTED_IP, &offer->addr.s_addr, 4);
		opt(&o, DHCP4_OPT_SERVER_ID, &offer->server_id.s_addr, 4);
	}
	common_tail(&o, id);
	return finish(&o);
}

int dhcp4_build_release(uint8_t *buf, size_t cap, const struct dhcp4_id *id, uint32_t xid,
			const struct dhcp4_lease *lease)
{
	struct out o;
	if (header(&o, buf, cap, id, xid, 0, DHCP4_RELEASE, 0) < 0)
		return -1;
	memcpy(buf + OFF_CIADDR, &lease->addr.s_addr, 4);
	opt(&o, DHCP4_OPT_SERVER_ID, &lease->server_id.s_addr, 4);
	return finish(&o);
}

/* ------------------------------------------------------------ parsing */

struct area {
	const uint8_t *p;
	size_t n;
	const char *name;
};

/* What a walk does with each option. */
struct gather {
	uint8_t code;
	uint8_t *val;
	size_t cap, n;
	int found, overflow;
};

/*
 * Walk the options in one area. Every option must fit inside the area; END
 * stops the walk (what follows is padding). An area without END is accepted
 * when it ends exactly on an option boundary.
 */
static int walk(const struct area *a, struct gather *g, struct err *e)
{
	size_t i = 0;
	while (i < a->n) {
		uint8_t code = a->p[i], len;
		if (code == DHCP4_OPT_PAD) {
			i++;
			continue;
		}
		if (code == DHCP4_OPT_END)
			return 0;
		if (i + 1 >= a->n)
			return err_set(e, "option %u at offset %zu of %s has no length byte", code,
				       i, a->name);
		len = a->p[i + 1];
		if ((size_t)len > a->n - i - 2)
			return err_set(e, "option %u at offset %zu of %s: length %u runs past the "
				       "end (%zu bytes left)", code, i, a->name, len,
				       a->n - i - 2);
		if (g && code == g->code) {
			g->found = 1;
			if (g->n + len > g->cap)
				g->overflow = 1;
			else
				memcpy(g->val + g->n, a->p + i + 2, len);
			g->n += len;
		}
		i += 2 + (size_t)len;
	}
	return 0;
}

/* The option areas of a message, in RFC 3396 order: options, file, sname. */
static int areas(const uint8_t *pkt, size_t len, struct area a[3], int *na, struct err *e)
{
	uint8_t ov[4];
	struct gather g = { DHCP4_OPT_OVERLOAD, ov, sizeof ov, 0, 0, 0 };

	a[0].p = pkt + OFF_OPTS;
	a[0].n = len - OFF_OPTS;
	a[0].name = "options";
	*na = 1;
	if (walk(&a[0], &g, e) < 0)
		return -1;
	if (!g.found)
		return 0;
	if (g.n != 1 || g.overflow || ov[0] < 1 || ov[0] > 3)
		return err_set(e, "option 52 (overload): bad value");
	if (ov[0] & 1) {
		a[*na].p = pkt + OFF_FILE;
		a[*na].n = FILE_LEN;
		a[*na].name = "file";
		(*na)++;
	}
	if (ov[0] & 2) {
		a[*na].p = pkt + OFF_SNAME;
		a[*na].n = SNAME_LEN;
		a[*na].name = "sname";
		(*na)++;
	}
	for (int i = 1; i < *na; i++)
		if (walk(&a[i], NULL, e) < 0)
			return -1;
	return 0;
}

static int header_ok(const uint8_t *pkt, size_t len, struct err *e)
{
	if (len < OFF_OPTS)
		return err_set(e, "message of %zu bytes is shorter than the %d-byte header",
			       len, OFF_OPTS);
	if (len > DHCP4_PKT_MAX)
		return err_set(e, "message of %zu bytes is longer than %d", len, DHCP4_PKT_MAX);
	if (memcmp(pkt + OFF_COOKIE, cookie, 4) != 0)
		return err_set(e, "bad magic cookie %02x%02x%02x%02x", pkt[OFF_COOKIE],
			       pkt[OFF_COOKIE + 1], pkt[OFF_COOKIE + 2], pkt[OFF_COOKIE + 3]);
	return 0;
}

int dhcp4_get_option(const uint8_t *pkt, size_t len, uint8_t code, uint8_t *val, size_t cap,
		     struct err *e)
{
	struct area a[3];
	struct gather g = { code, val, cap, 0, 0, 0 };
	int na;
	if (header_ok(pkt, len, e) < 0 || areas(pkt, len, a, &na, e) < 0)
		return -1;
	for (int i = 0; i < na; i++)
		if (walk(&a[i], &g, e) < 0)
			return -1;
	if (g.overflow)
		return err_set(e, "option %u: %zu bytes, more than %zu", code, g.n, cap);
	return (int)g.n;
}

/* Get an option that must hold `unit`-sized items (min `min` items, or 0 items
 * when absent). Returns the number of items, 0 when absent, -1 when malformed. */
static int get_fixed(const uint8_t *pkt, size_t len, uint8_t code, const char *what,
		     uint8_t *val, size_t cap, size_t unit, struct err *e)
{
	int n = dhcp4_get_option(pkt, len, code, val, cap, e);
	if (n < 0)
		return -1;
	if (n == 0)
		return 0;
	if ((size_t)n % unit != 0)
		return err_set(e, "option %u (%s): length %d is not a multiple of %zu", code,
			       what, n, unit);
	return n / (int)unit;
}

/* A host or domain name: strip trailing NULs; letters, digits, '-', '_', '.'
 * only (it ends up in resolv.conf). Returns 0 or -1. */
static int get_name(const uint8_t *pkt, size_t len, uint8_t code, const char *what,
		    char *out, size_t cap, struct err *e)
{
	uint8_t v[DHCP4_OPT_MAX];
	struct err why;
	int n = dhcp4_get_option(pkt, len, code, v, sizeof v, &why);
	(void)e;
	out[0] = '\0';
	if (n < 0) {
		log_warn("dhcp4", "option %u (%s) ignored: %s", code, what, why.msg);
		return 0;
	}
	while (n > 0 && v[n - 1] == 0)
		n--;
	if (n == 0)
		return 0;
	if ((size_t)n >= cap) {
		log_warn("dhcp4", "option %u (%s) of %d bytes is too long, ignored", code, what, n);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		uint8_t c = v[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.')) {
			log_warn("dhcp4", "option %u (%s): byte 0x%02x not allowed in a name, "
				 "ignored", code, what, c);
			return 0;
		}
	}
	memcpy(out, v, (size_t)n);
	out[n] = '\0';
	return 0;
}

static void get_message(const uint8_t *pkt, size_t len, char *out, size_t cap)
{
	uint8_t v[DHCP4_OPT_MAX];
	int n = dhcp4_get_option(pkt, len, DHCP4_OPT_MESSAGE, v, sizeof v, NULL);
	size_t k = 0;
	for (int i = 0; i < n && k + 1 < cap; i++)
		out[k++] = (v[i] >= 0x20 && v[i] < 0x7f) ? (char)v[i] : '?';
	out[k] = '\0';
}

/* Classful default netmask when the server sends none. */
static uint32_t classful(uint32_t a)
{
	if (a < 0x80000000u)
		return 0xff000000u;
	if (a < 0xc0000000u)
		return 0xffff0000u;
	return 0xffffff00u;
}

int dhcp4_parse(const uint8_t *pkt, size_t len, uint32_t xid, const uint8_t mac[6],
		struct dhcp4_lease *out, struct err *e)
{
	uint8_t v[DHCP4_OPT_MAX];
	struct area a[3];
	int na, n;

	memset(out, 0, sizeof *out);
	if (header_ok(pkt, len, e) < 0)
		return -1;
	if (pkt[OFF_OP] != 2)
		return err_set(e, "op %u is not BOOTREPLY", pkt[OFF_OP]);
	if (pkt[OFF_HTYPE] != 1 || pkt[OFF_HLEN] != 6)
		return err_set(e, "htype %u hlen %u is not Ethernet", pkt[OFF_HTYPE],
			       pkt[OFF_HLEN]);
	if (be32_get(pkt + OFF_XID) != xid)
		return err_set(e, "xid 0x%08x is not ours (0x%08x)", be32_get(pkt + OFF_XID), xid);
	if (memcmp(pkt + OFF_CHADDR, mac, 6) != 0)
		return err_set(e, "chaddr is not our MAC address");
	if (areas(pkt, len, a, &na, e) < 0)
		return -1;

	/* message type */
	n = dhcp4_get_option(pkt, len, DHCP4_OPT_MSG_TYPE, v, sizeof v, e);
	if (n < 0)
		return -1;
	if (n != 1)
		return err_set(e, n == 0 ? "no message type (option 53)"
				 : "option 53 (message type): length is not 1");
	out->msg_type = v[0];
	if (v[0] != DHCP4_OFFER && v[0] != DHCP4_ACK && v[0] != DHCP4_NAK)
		return err_set(e, "message type %u (%s) is not OFFER, ACK or NAK", v[0],
			       dhcp4_msg_name(v[0]));

	/* server identifier */
	n = get_fixed(pkt, len, DHCP4_OPT_SERVER_ID, "server identifier", v, sizeof v, 4, e);
	if (n < 0)
		return -1;
	if (n != 1)
		return err_set(e, n == 0 ? "%s without server identifier (option 54)"
				 : "%s: option 54 (server identifier) is not 4 bytes",
			       dhcp4_msg_name(out->msg_type));
	memcpy(&out->server_id.s_addr, v, 4);
	memcpy(&out->siaddr.s_addr, pkt + OFF_SIADDR, 4);

	if (out->msg_type == DHCP4_NAK) {
		get_message(pkt, len, out->message, sizeof out->message);
		return 0;
	}

	memcpy(&out->addr.s_addr, pkt + OFF_YIADDR, 4);
	{
		uint32_t ya = ntohl(out->addr.s_addr);
		if (ya == 0 || ya == 0xffffffffu || (ya >> 24) == 127 || (ya >> 28) >= 14)
			return err_set(e, "%s: yiaddr %s is not a usable address",
				       dhcp4_msg_name(out->msg_type), inet_ntoa(out->addr));
	}

	/* lease time */
	n = get_fixed(pkt, len, DHCP4_OPT_LEASE_TIME, "lease time", v, sizeof v, 4, e);
	if (n < 0)
		return -1;
	if (n != 1)
		return err_set(e, n == 0 ? "%s without lease time (option 51)"
				 : "%s: option 51 (lease time) is not 4 bytes",
			       dhcp4_msg_name(out->msg_type));
	out->lease_time = be32_get(v);
	if (out->lease_time == 0)
		return err_set(e, "lease time 0");
	out->t1 = out->lease_time == 0xffffffffu ? 0xffffffffu : out->lease_time / 2;
	out->t2 = out->lease_time == 0xffffffffu ? 0xffffffffu
						 : (uint32_t)((uint64_t)out->lease_time * 7 / 8);
	n = get_fixed(pkt, len, DHCP4_OPT_T1, "T1", v, sizeof v, 4, e);
	if (n < 0)
		return -1;
	if (n == 1)
		out->t1 = be32_get(v);
	n = get_fixed(pkt, len, DHCP4_OPT_T2, "T2", v, sizeof v, 4, e);
	if (n < 0)
		return -1;
	if (n == 1)
		out->t2 = be32_get(v);

	/* netmask */
	n = get_fixed(pkt, len, DHCP4_OPT_NETMASK, "netmask", v, sizeof v, 4, e);
	if (n < 0)
		return -1;
	if (n > 1)
		return err_set(e, "option 1 (netmask) is not 4 bytes");
	if (n == 1) {
		memcpy(&out->netmask.s_addr, v, 4);
		out->prefix = dhcp4_mask_to_prefix(out->netmask);
		if (out->prefix < 1 || out->prefix > 32)
			return err_set(e, "netmask %s is not a usable prefix", inet_ntoa(out->netmask));
	} else {
		out->netmask.s_addr = htonl(classful(ntohl(out->addr.s_addr)));
		out->prefix = dhcp4_mask_to_prefix(out->netmask);
	}
	out->broadcast.s_addr = out->addr.s_addr | ~out->netmask.s_addr;
	n = get_fixed(pkt, len, DHCP4_OPT_BROADCAST, "broadcast", v, sizeof v, 4, e);
	if (n < 0)
		return -1;
	if (n > 1)
		return err_set(e, "option 28 (broadcast) is not 4 bytes");
	if (n == 1)
		memcpy(&out->broadcast.s_addr, v, 4);

	/* router: the first one */
	n = get_fixed(pkt, len, DHCP4_OPT_ROUTER, "router", v, sizeof v, 4, e);
	if (n < 0)
		return -1;
	if (n >= 1)
		memcpy(&out->router.s_addr, v, 4);

	n = get_fixed(pkt, len, DHCP4_OPT_DNS, "DNS servers", v, sizeof v, 4, e);
	if (n < 0)
		return -1;
	for (int i = 0; i < n && out->n_dns < DHCP4_MAX_DNS; i++)
		memcpy(&out->dns[out->n_dns++].s_addr, v + 4 * i, 4);
	n = get_fixed(pkt, len, DHCP4_OPT_NTP, "NTP servers", v, sizeof v, 4, e);
	if (n < 0)
		return -1;
	for (int i = 0; i < n && out->n_ntp < DHCP4_MAX_NTP; i++)
		memcpy(&out->ntp[out->n_ntp++].s_addr, v + 4 * i, 4);

	n = get_fixed(pkt, len, DHCP4_OPT_MTU, "MTU", v, sizeof v, 2, e);
	if (n < 0)
		return -1;
	if (n > 1)
		return err_set(e, "option 26 (MTU) is not 2 bytes");
	if (n == 1) {
		int mtu = v[0] << 8 | v[1];
		if (mtu < 68)
			log_warn("dhcp4", "option 26 (MTU) %d is below 68, ignored", mtu);
		else
			out->mtu = mtu;
	}

	if (get_name(pkt, len, DHCP4_OPT_DOMAIN, "domain name", out->domain,
		     sizeof out->domain, e) < 0 ||
	    get_name(pkt, len, DHCP4_OPT_HOSTNAME, "host name", out->hostname,
		     sizeof out->hostname, e) < 0)
		return -1;

	{
		struct err why;
		n = dhcp4_get_option(pkt, len, DHCP4_OPT_SZTP_REDIRECT, v, sizeof v, &why);
		if (n > 0 && sztp_uri_decode(v, (size_t)n, "dhcp4", &out->sztp, &why) > 0)
			out->has_sztp = 1;
		else if (n != 0) /* unreadable option, or a list that did not decode */
			log_warn("dhcp4", "option 143 dropped: %s", why.msg);
	}
	return 0;
}

/* ------------------------------------------------------------ state machine */

static uint32_t next_rnd(struct dhcp4_client *c)
{
	uint32_t x = c->rnd;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	c->rnd = x;
	return x;
}

int64_t dhcp4_backoff_ms(int attempt, uint32_t rnd)
{
	int64_t base = 64000;
	if (attempt >= 0 && attempt < 4)
		base = (int64_t)4000 << attempt;
	return base + (int64_t)(rnd % 2001) - 1000;
}

void dhcp4_client_init(struct dhcp4_client *c, const struct dhcp4_id *id, uint32_t seed,
		       int64_t now_ms)
{
	memset(c, 0, sizeof *c);
	c->id = *id;
	c->rnd = seed ? seed : 0x9e3779b9u;
	c->state = DHCP4_STATE_INIT;
	c->next_ms = now_ms;
	c->start_ms = now_ms;
}

static uint16_t secs(const struct dhcp4_client *c, int64_t now_ms)
{
	int64_t s = (now_ms - c->start_ms) / 1000;
	return (uint16_t)(s < 0 ? 0 : s > 0xffff ? 0xffff : s);
}

int dhcp4_client_tick(struct dhcp4_client *c, int64_t now_ms, uint8_t *buf, size_t cap,
		      int64_t *next_ms)
{
	int n;
	if (c->state == DHCP4_STATE_BOUND)
		return 0;
	if (now_ms < c->next_ms) {
		*next_ms = c->next_ms;
		return 0;
	}
	if (c->state == DHCP4_STATE_REQUESTING && c->attempt >= DHCP4_REQUEST_TRIES) {
		log_info("dhcp4", "no answer to %d REQUESTs for %s, starting over",
			 c->attempt, inet_ntoa(c->offer.addr));
		c->state = DHCP4_STATE_INIT;
	}
	if (c->state == DHCP4_STATE_INIT) {
		c->xid = next_rnd(c);
		c->start_ms = now_ms;
		c->attempt = 0;
		c->state = DHCP4_STATE_SELECTING;
	}
	if (c->state == DHCP4_STATE_SELECTING)
		n = dhcp4_build_discover(buf, cap, &c->id, c->xid, secs(c, now_ms));
	else
		n = dhcp4_build_request(buf, cap, &c->id, c->xid, secs(c, now_ms), &c->offer, 0);
	if (n < 0)
		return -1;
	c->next_ms = now_ms + dhcp4_backoff_ms(c->attempt, next_rnd(c));
	c->attempt++;
	*next_ms = c->next_ms;
	return n;
}

enum dhcp4_event dhcp4_client_input(struct dhcp4_client *c, int64_t now_ms,
				    const uint8_t *pkt, size_t len, struct err *e)
{
	struct dhcp4_lease l;

	if (c->state != DHCP4_STATE_SELECTING && c->state != DHCP4_STATE_REQUESTING) {
		err_set(e, "not waiting for a reply in state %s", dhcp4_state_name(c->state));
		return DHCP4_EV_IGNORED;
	}
	if (dhcp4_parse(pkt, len, c->xid, c->id.mac, &l, e) < 0)
		return DHCP4_EV_IGNORED;

	if (c->state == DHCP4_STATE_SELECTING) {
		if (l.msg_type != DHCP4_OFFER) {
			err_set(e, "%s while selecting", dhcp4_msg_name(l.msg_type));
			return DHCP4_EV_IGNORED;
		}
		c->offer = l;
		c->state = DHCP4_STATE_REQUESTING;
		c->attempt = 0;
		c->next_ms = now_ms;
		return DHCP4_EV_OFFER;
	}

	/* REQUESTING: only the server we asked may answer */
	if (l.server_id.s_addr != c->offer.server_id.s_addr) {
		err_set(e, "%s from server %s, not the one requested",
			dhcp4_msg_name(l.msg_type), inet_ntoa(l.server_id));
		return DHCP4_EV_IGNORED;
	}
	if (l.msg_type == DHCP4_NAK) {
		c->state = DHCP4_STATE_INIT;
		c->next_ms = now_ms + 1000; /* do not spin on a NAK-happy server */
		c->lease = l;
		return DHCP4_EV_NAK;
	}
	if (l.msg_type != DHCP4_ACK) {
		err_set(e, "%s while requesting", dhcp4_msg_name(l.msg_type));
		return DHCP4_EV_IGNORED;
	}
	if (l.addr.s_addr != c->offer.addr.s_addr) {
		err_set(e, "ACK for %s, not the requested address", inet_ntoa(l.addr));
		return DHCP4_EV_IGNORED;
	}
	c->lease = l;
	c->state = DHCP4_STATE_BOUND;
	return DHCP4_EV_ACK;
}
