/* test_dhcp6.c: the DHCPv6 engine (dhcp6.h). */
#include "unit.h"
#include "wire_fixtures.h"

#include "net/dhcp6.h"

#include <arpa/inet.h>

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t srv_duid[] = { 0, 3, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };

static void opt(struct mb *m, unsigned code, const void *p, size_t n) { u16(m, code); u16(m, (unsigned)n); raw(m, p, n); }

static void start(struct mb *m, int type, uint32_t xid)
{
	m->n = 0;
	u8(m, (unsigned)type);
	u8(m, (xid >> 16) & 0xff);
	u8(m, (xid >> 8) & 0xff);
	u8(m, xid & 0xff);
}

/* IA_NA for `id` with one address (or a status instead when status > 0). */
static void ia_na(struct mb *m, const struct dhcp6_id *id, const char *addr, int status)
{
	struct in6_addr a;
	u16(m, DHCP6_OPT_IA_NA);
	if (status > 0) {
		u16(m, 12 + 4 + 2);
		u32(m, id->iaid);
		u32(m, 1800);
		u32(m, 2880);
		u16(m, DHCP6_OPT_STATUS_CODE);
		u16(m, 2);
		u16(m, (unsigned)status);
		return;
	}
	u16(m, 12 + 4 + 24);
	u32(m, id->iaid);
	u32(m, 1800);
	u32(m, 2880);
	u16(m, DHCP6_OPT_IAADDR);
	u16(m, 24);
	inet_pton(AF_INET6, addr, &a);
	raw(m, &a, 16);
	u32(m, 3600);
	u32(m, 7200);
}

static void reply(struct mb *m, int type, uint32_t xid, const struct dhcp6_id *id, int with_addr,
		  int status, int pref)
{
	static const uint8_t sztp[] = { 0, 25, 'h', 't', 't', 'p', 's', ':', '/', '/', 'b', 'o', 'o',
					't', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', ':', '8', '4',
					'4', '3' };
	static const uint8_t dom[] = { 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0 };
	struct in6_addr dns;
	start(m, type, xid);
	opt(m, DHCP6_OPT_CLIENTID, id->duid, id->duid_len);
	opt(m, DHCP6_OPT_SERVERID, srv_duid, sizeof srv_duid);
	if (pref >= 0) {
		uint8_t p = (uint8_t)pref;
		opt(m, DHCP6_OPT_PREFERENCE, &p, 1);
	}
	if (with_addr || status)
		ia_na(m, id, "2001:db8:1::123", status);
	inet_pton(AF_INET6, "2001:db8:1::1", &dns);
	opt(m, DHCP6_OPT_DNS_SERVERS, &dns, 16);
	opt(m, DHCP6_OPT_DOMAIN_LIST, dom, sizeof dom);
	opt(m, DHCP6_OPT_SZTP_REDIRECT, sztp, sizeof sztp);
}

/* Find option `code` at the top level of a message; returns its value or NULL. */
static const uint8_t *find(const uint8_t *p, size_t n, unsigned code, size_t *len)
{
	size_t off = 4;
	while (off + 4 <= n) {
		unsigned c = (unsigned)(p[off] << 8 | p[off + 1]);
		size_t l = (size_t)(p[off + 2] << 8 | p[off + 3]);
		if (c == code) {
			*len = l;
			return p + off + 4;
		}
		off += 4 + l;
	}
	return NULL;
}

TEST(dhcp6_build_solicit_and_request)
{
	struct dhcp6_id id;
	struct dhcp6_reply srv;
	uint8_t b[512];
	const uint8_t *v;
	size_t l;
	int n;

	dhcp6_id_from_mac(&id, mac);
	CHECK_EQ_INT((int)id.duid_len, 10);
	CHECK(id.duid[1] == 3 && id.duid[3] == 1 && memcmp(id.duid + 4, mac, 6) == 0);
	n = dhcp6_build(b, sizeof b, DHCP6_SOLICIT, &id, 0xabcdef, 0, NULL);
	CHECK(n > 0);
	CHECK(b[0] == DHCP6_SOLICIT && b[1] == 0xab && b[2] == 0xcd && b[3] == 0xef);
	v = find(b, (size_t)n, DHCP6_OPT_CLIENTID, &l);
	CHECK(v && l == 10 && memcmp(v, id.duid, 10) == 0);
	v = find(b, (size_t)n, DHCP6_OPT_ORO, &l);
	CHECK(v && l == 6);
	CHECK(v[1] == 23 && v[3] == 24 && v[5] == 136);
	v = find(b, (size_t)n, DHCP6_OPT_IA_NA, &l);
	CHECK(v && l == 12);
	CHECK(find(b, (size_t)n, DHCP6_OPT_ELAPSED_TIME, &l) && l == 2);
	CHECK(find(b, (size_t)n, DHCP6_OPT_SERVERID, &l) == NULL);
	/* REQUEST needs a server; carries it and the address */
	CHECK(dhcp6_build(b, sizeof b, DHCP6_REQUEST, &id, 1, 0, NULL) < 0);
	memset(&srv, 0, sizeof srv);
	memcpy(srv.server_id, srv_duid, sizeof srv_duid);
	srv.server_id_len = sizeof srv_duid;
	srv.has_addr = 1;
	inet_pton(AF_INET6, "2001:db8:1::123", &srv.addr);
	n = dhcp6_build(b, sizeof b, DHCP6_REQUEST, &id, 1, 100, &srv);
	CHECK(n > 0);
	v = find(b, (size_t)n, DHCP6_OPT_SERVERID, &l);
	CHECK(v && l == sizeof srv_duid);
	v = find(b, (size_t)n, DHCP6_OPT_IA_NA, &l);
	CHECK(v && l == 40 && memcmp(v + 16, &srv.addr, 16) == 0);
	/* INFORMATION-REQUEST: no IA */
	n = dhcp6_build(b, sizeof b, DHCP6_INFORMATION_REQUEST, &id, 1, 0, NULL);
	CHECK(n > 0 && find(b, (size_t)n, DHCP6_OPT_IA_NA, &l) == NULL);
	CHECK(dhcp6_build(b, 20, DHCP6_SOLICIT, &id, 1, 0, NULL) < 0);
}

TEST(dhcp6_parse_reply)
{
	static struct mb m;
	static struct dhcp6_reply r;
	struct dhcp6_id id;
	struct err e;
	char a[INET6_ADDRSTRLEN];

	dhcp6_id_from_mac(&id, mac);
	reply(&m, DHCP6_REPLY, 0x123456, &id, 1, 0, 7);
	CHECK_EQ_INT(dhcp6_parse(m.b, m.n, 0x123456, &id, &r, &e), 0);
	CHECK_EQ_INT(r.msg_type, DHCP6_REPLY);
	CHECK_EQ_INT(r.preference, 7);
	CHECK_EQ_INT(r.has_addr, 1);
	inet_ntop(AF_INET6, &r.addr, a, sizeof a);
	CHECK_EQ_STR(a, "2001:db8:1::123");
	CHECK_EQ_INT((int)r.valid, 7200);
	CHECK_EQ_INT((int)r.t1, 1800);
	CHECK_EQ_INT(r.n_dns, 1);
	CHECK_EQ_INT(r.n_domains, 1);
	CHECK_EQ_STR(r.domains[0], "example.net");
	CHECK_EQ_INT(r.has_sztp, 1);
	CHECK_EQ_STR(r.sztp.uri[0], "https://boot.example:8443");
	CHECK_EQ_INT((int)r.server_id_len, (int)sizeof srv_duid);
}

TEST(dhcp6_parse_rejects)
{
	static struct mb m;
	static struct dhcp6_reply r;
	struct dhcp6_id id, other;
	struct err e;
	uint8_t mac2[6] = { 2, 0, 0, 0, 0, 1 };

	dhcp6_id_from_mac(&id, mac);
	dhcp6_id_from_mac(&other, mac2);
	reply(&m, DHCP6_REPLY, 5, &id, 1, 0, -1);
	CHECK(dhcp6_parse(m.b, m.n, 6, &id, &r, &e) < 0);           /* xid */
	CHECK(strstr(e.msg, "transaction") != NULL);
	CHECK(dhcp6_parse(m.b, m.n, 5, &other, &r, &e) < 0);        /* not our DUID */
	CHECK(dhcp6_parse(m.b, m.n - 3, 5, &id, &r, &e) < 0);       /* truncated option */
	CHECK(strstr(e.msg, "runs past") != NULL);
	CHECK(dhcp6_parse(m.b, 3, 5, &id, &r, &e) < 0);
	m.b[0] = DHCP6_SOLICIT;                                      /* not for a client */
	CHECK(dhcp6_parse(m.b, m.n, 5, &id, &r, &e) < 0);
	/* no server id */
	start(&m, DHCP6_REPLY, 5);
	opt(&m, DHCP6_OPT_CLIENTID, id.duid, id.duid_len);
	CHECK(dhcp6_parse(m.b, m.n, 5, &id, &r, &e) < 0);
	CHECK(strstr(e.msg, "server identifier") != NULL);
	/* no client id */
	start(&m, DHCP6_REPLY, 5);
	opt(&m, DHCP6_OPT_SERVERID, srv_duid, sizeof srv_duid);
	CHECK(dhcp6_parse(m.b, m.n, 5, &id, &r, &e) < 0);
	/* a bad 136 and a bad DNS list are dropped, the message kept */
	start(&m, DHCP6_REPLY, 5);
	opt(&m, DHCP6_OPT_CLIENTID, id.duid, id.duid_len);
	opt(&m, DHCP6_OPT_SERVERID, srv_duid, sizeof srv_duid);
	opt(&m, DHCP6_OPT_SZTP_REDIRECT, "\x00\x05http:", 7);
	opt(&m, DHCP6_OPT_DNS_SERVERS, "0123456789", 10);
	CHECK_EQ_INT(dhcp6_parse(m.b, m.n, 5, &id, &r, &e), 0);
	CHECK_EQ_INT(r.has_sztp, 0);
	CHECK_EQ_INT(r.n_dns, 0);
}

TEST(dhcp6_domain_list_and_ra)
{
	char d[4][DHCP6_NAME_MAX];
	struct err e;
	int flags, ac;
	uint8_t ra[48];
	static const uint8_t two[] = { 1, 'a', 0, 3, 'b', '-', 'c', 2, 'n', 'l', 0 };
	CHECK_EQ_INT(dhcp6_domain_list(two, sizeof two, d, 4, &e), 2);
	CHECK_EQ_STR(d[0], "a");
	CHECK_EQ_STR(d[1], "b-c.nl");
	CHECK(dhcp6_domain_list((const uint8_t *)"\x03" "ab", 3, d, 4, &e) < 0);
	CHECK(dhcp6_domain_list((const uint8_t *)"\x01" "a", 2, d, 4, &e) < 0);
	CHECK(dhcp6_domain_list((const uint8_t *)"\x01" "." "\0", 3, d, 4, &e) < 0);
	memset(ra, 0, sizeof ra);
	ra[0] = 134;
	ra[5] = 0x40; /* O */
	ra[16] = 3;   /* prefix information, 32 bytes */
	ra[17] = 4;
	ra[18] = 64;
	ra[19] = 0xc0; /* L + A */
	CHECK_EQ_INT(dhcp6_parse_ra(ra, sizeof ra, &flags, &ac, &e), 0);
	CHECK_EQ_INT(flags, DHCP6_RA_OTHER);
	CHECK_EQ_INT(ac, 1);
	ra[17] = 0; /* option of length 0 */
	CHECK(dhcp6_parse_ra(ra, sizeof ra, &flags, &ac, &e) < 0);
	ra[17] = 5; /* runs past */
	CHECK(dhcp6_parse_ra(ra, sizeof ra, &flags, &ac, &e) < 0);
	ra[0] = 135;
	CHECK(dhcp6_parse_ra(ra, sizeof ra, &flags, &ac, &e) < 0);
	CHECK(dhcp6_parse_ra(ra, 10, &flags, &ac, &e) < 0);
}

TEST(dhcp6_client_stateful)
{
	static struct dhcp6_client c;
	static struct mb m;
	struct dhcp6_id id;
	struct err e;
	uint8_t b[512];
	int64_t next = 0;
	int n;

	dhcp6_id_from_mac(&id, mac);
	dhcp6_client_init(&c, &id, 42, 1000);
	CHECK_EQ_INT(c.state, DHCP6_STATE_WAIT_RA);
	CHECK_EQ_INT(dhcp6_client_tick(&c, 1000, b, sizeof b, &next), 0);
	CHECK_EQ_INT((int)next, 1000 + DHCP6_RA_WAIT_MS);
	dhcp6_client_ra(&c, DHCP6_RA_MANAGED | DHCP6_RA_OTHER, 1100);
	n = dhcp6_client_tick(&c, 1100, b, sizeof b, &next);
	CHECK(n > 0 && b[0] == DHCP6_SOLICIT);
	/* RT within +-10% of 1 s */
	CHECK(next >= 1100 + 900 && next <= 1100 + 1100);
	/* an ADVERTISE with preference 255: request at once */
	reply(&m, DHCP6_ADVERTISE, c.xid, &id, 1, 0, 255);
	CHECK_EQ_INT(dhcp6_client_input(&c, 1200, m.b, m.n, &e), DHCP6_EV_ADVERTISE);
	n = dhcp6_client_tick(&c, 1200, b, sizeof b, &next);
	CHECK(n > 0 && b[0] == DHCP6_REQUEST);
	CHECK_EQ_INT(c.state, DHCP6_STATE_REQUEST);
	/* a REPLY to the old transaction is ignored */
	reply(&m, DHCP6_REPLY, c.xid ^ 1, &id, 1, 0, -1);
	CHECK_EQ_INT(dhcp6_client_input(&c, 1300, m.b, m.n, &e), DHCP6_EV_IGNORED);
	reply(&m, DHCP6_REPLY, c.xid, &id, 1, 0, -1);
	CHECK_EQ_INT(dhcp6_client_input(&c, 1300, m.b, m.n, &e), DHCP6_EV_REPLY);
	CHECK_EQ_INT(c.state, DHCP6_STATE_DONE);
	CHECK_EQ_INT(c.reply.has_addr, 1);
	CHECK_EQ_INT(dhcp6_client_tick(&c, 99999, b, sizeof b, &next), 0);
}

TEST(dhcp6_client_collects_then_requests_and_retransmits)
{
	static struct dhcp6_client c;
	static struct mb m;
	struct dhcp6_id id;
	struct err e;
	uint8_t b[512];
	int64_t next = 0, t;
	int n;

	dhcp6_id_from_mac(&id, mac);
	dhcp6_client_init(&c, &id, 7, 0);
	/* no RA: solicit after the wait */
	n = dhcp6_client_tick(&c, DHCP6_RA_WAIT_MS, b, sizeof b, &next);
	CHECK(n > 0 && b[0] == DHCP6_SOLICIT);
	/* preference 0 during the first RT: keep collecting */
	reply(&m, DHCP6_ADVERTISE, c.xid, &id, 1, 0, 0);
	CHECK_EQ_INT(dhcp6_client_input(&c, DHCP6_RA_WAIT_MS + 10, m.b, m.n, &e), DHCP6_EV_ADVERTISE);
	CHECK_EQ_INT(dhcp6_client_tick(&c, DHCP6_RA_WAIT_MS + 20, b, sizeof b, &next), 0);
	CHECK(next <= c.collect_until);
	n = dhcp6_client_tick(&c, c.collect_until, b, sizeof b, &next);
	CHECK(n > 0 && b[0] == DHCP6_REQUEST);
	/* retransmissions double */
	t = next;
	n = dhcp6_client_tick(&c, t, b, sizeof b, &next);
	CHECK(n > 0 && b[0] == DHCP6_REQUEST);
	CHECK(next - t >= 1800 && next - t <= 2200);
}

TEST(dhcp6_client_stateless)
{
	static struct dhcp6_client c;
	static struct mb m;
	struct dhcp6_id id;
	struct err e;
	uint8_t b[512];
	int64_t next = 0;
	int n;

	dhcp6_id_from_mac(&id, mac);
	/* O flag: INFORMATION-REQUEST */
	dhcp6_client_init(&c, &id, 9, 0);
	dhcp6_client_ra(&c, DHCP6_RA_OTHER, 5);
	n = dhcp6_client_tick(&c, 5, b, sizeof b, &next);
	CHECK(n > 0 && b[0] == DHCP6_INFORMATION_REQUEST);
	reply(&m, DHCP6_REPLY, c.xid, &id, 0, 0, -1);
	CHECK_EQ_INT(dhcp6_client_input(&c, 10, m.b, m.n, &e), DHCP6_EV_REPLY);
	CHECK_EQ_INT(c.reply.has_addr, 0);
	CHECK_EQ_INT(c.reply.has_sztp, 1);
	/* neither flag: off */
	dhcp6_client_init(&c, &id, 9, 0);
	dhcp6_client_ra(&c, 0, 5);
	CHECK_EQ_INT(c.state, DHCP6_STATE_OFF);
	CHECK_EQ_INT(dhcp6_client_tick(&c, 5000, b, sizeof b, &next), 0);
	/* an ADVERTISE with NoAddrsAvail: switch to INFORMATION-REQUEST */
	dhcp6_client_init(&c, &id, 9, 0);
	dhcp6_client_ra(&c, DHCP6_RA_MANAGED, 0);
	CHECK(dhcp6_client_tick(&c, 0, b, sizeof b, &next) > 0);
	reply(&m, DHCP6_ADVERTISE, c.xid, &id, 0, DHCP6_STATUS_NO_ADDRS, -1);
	CHECK_EQ_INT(dhcp6_client_input(&c, 10, m.b, m.n, &e), DHCP6_EV_STATELESS);
	n = dhcp6_client_tick(&c, 10, b, sizeof b, &next);
	CHECK(n > 0 && b[0] == DHCP6_INFORMATION_REQUEST);
}
