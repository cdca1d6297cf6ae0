/* test_dhcp4.c: DHCPv4 packets, parser, state machine, IP/UDP framing. */
#include "unit.h"

#include "net/dhcp4.h"
#include "net/dhcp4_ip.h"
#include "net/netcfg.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <unistd.h>

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
#define XID 0x11223344u

/* A server reply under construction. */
struct srv {
	uint8_t p[DHCP4_PKT_MAX];
	size_t n;
};

static void srv_opt(struct srv *s, uint8_t code, const void *v, size_t n)
{
	s->p[s->n++] = code;
	s->p[s->n++] = (uint8_t)n;
	memcpy(s->p + s->n, v, n);
	s->n += n;
}

static void srv_ip(struct srv *s, uint8_t code, const char *a)
{
	struct in_addr x;
	inet_pton(AF_INET, a, &x);
	srv_opt(s, code, &x.s_addr, 4);
}

static void srv_u32(struct srv *s, uint8_t code, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	srv_opt(s, code, b, 4);
}

/* BOOTREPLY header + option 53 only. */
static void srv_head(struct srv *s, uint32_t xid, int type)
{
	uint8_t t = (uint8_t)type;
	memset(s, 0, sizeof *s);
	s->p[0] = 2;
	s->p[1] = 1;
	s->p[2] = 6;
	s->p[4] = (uint8_t)(xid >> 24);
	s->p[5] = (uint8_t)(xid >> 16);
	s->p[6] = (uint8_t)(xid >> 8);
	s->p[7] = (uint8_t)xid;
	inet_pton(AF_INET, "192.0.2.123", s->p + 16);
	memcpy(s->p + 28, mac, 6);
	s->p[236] = 99;
	s->p[237] = 130;
	s->p[238] = 83;
	s->p[239] = 99;
	s->n = 240;
	srv_opt(s, DHCP4_OPT_MSG_TYPE, &t, 1);
}

static void srv_end(struct srv *s)
{
	s->p[s->n++] = DHCP4_OPT_END;
	if (s->n < 300)
		s->n = 300;
}

/* The usual OFFER/ACK without option 143 or END. */
static void srv_lease(struct srv *s, uint32_t xid, int type)
{
	srv_head(s, xid, type);
	srv_ip(s, DHCP4_OPT_SERVER_ID, "192.0.2.1");
	srv_u32(s, DHCP4_OPT_LEASE_TIME, 3600);
	srv_ip(s, DHCP4_OPT_NETMASK, "255.255.255.0");
	srv_ip(s, DHCP4_OPT_ROUTER, "192.0.2.1");
	{
		uint8_t dns[8];
		inet_pton(AF_INET, "192.0.2.1", dns);
		inet_pton(AF_INET, "192.0.2.2", dns + 4);
		srv_opt(s, DHCP4_OPT_DNS, dns, 8);
	}
	srv_opt(s, DHCP4_OPT_DOMAIN, "example.net", 11);
}

static size_t rec(uint8_t *buf, size_t off, const char *uri)
{
	size_t n = strlen(uri);
	buf[off] = (uint8_t)(n >> 8);
	buf[off + 1] = (uint8_t)n;
	memcpy(buf + off + 2, uri, n);
	return off + 2 + n;
}

static const char *ip(struct in_addr a)
{
	static char s[4][INET_ADDRSTRLEN];
	static int k;
	k = (k + 1) % 4;
	return inet_ntop(AF_INET, &a, s[k], sizeof s[k]);
}

/* ------------------------------------------------------------ building */

TEST(dhcp4_build_discover)
{
	uint8_t b[DHCP4_PKT_MAX], v[256];
	struct dhcp4_id id = { { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, "node1" };
	int n = dhcp4_build_discover(b, sizeof b, &id, XID, 7), k;
	struct err e;
	CHECK(n >= DHCP4_MIN_LEN);
	CHECK_EQ_INT(b[0], 1);
	CHECK_EQ_INT(b[1], 1);
	CHECK_EQ_INT(b[2], 6);
	CHECK_EQ_INT(b[4] << 24 | b[5] << 16 | b[6] << 8 | b[7], (long long)XID);
	CHECK_EQ_INT(b[8] << 8 | b[9], 7);
	CHECK_EQ_INT(b[10], 0x80); /* broadcast flag */
	CHECK_EQ_MEM(b + 28, mac, 6);
	CHECK_EQ_INT(dhcp4_get_option(b, (size_t)n, DHCP4_OPT_MSG_TYPE, v, sizeof v, &e), 1);
	CHECK_EQ_INT(v[0], DHCP4_DISCOVER);
	CHECK_EQ_INT(dhcp4_get_option(b, (size_t)n, DHCP4_OPT_CLIENT_ID, v, sizeof v, &e), 7);
	CHECK_EQ_INT(v[0], 1);
	CHECK_EQ_MEM(v + 1, mac, 6);
	k = dhcp4_get_option(b, (size_t)n, DHCP4_OPT_PARAM_LIST, v, sizeof v, &e);
	CHECK(k > 0);
	{
		static const uint8_t want[] = { 1, 3, 6, 12, 15, 26, 42, 143 };
		for (size_t i = 0; i < sizeof want; i++)
			CHECK(memchr(v, want[i], (size_t)k) != NULL);
	}
	CHECK_EQ_INT(dhcp4_get_option(b, (size_t)n, DHCP4_OPT_MAX_SIZE, v, sizeof v, &e), 2);
	CHECK_EQ_INT(v[0] << 8 | v[1], DHCP4_MAX_MSG_SIZE);
	CHECK_EQ_INT(dhcp4_get_option(b, (size_t)n, DHCP4_OPT_HOSTNAME, v, sizeof v, &e), 5);
	CHECK_EQ_MEM(v, "node1", 5);
	/* no requested address in a DISCOVER */
	CHECK_EQ_INT(dhcp4_get_option(b, (size_t)n, DHCP4_OPT_REQUESTED_IP, v, sizeof v, &e), 0);
	/* it is a request: the reply parser refuses it, naming why */
	{
		struct dhcp4_lease l;
		CHECK_EQ_INT(dhcp4_parse(b, (size_t)n, XID, mac, &l, &e), -1);
		CHECK_EQ_STR(e.msg, "op 1 is not BOOTREPLY");
		b[0] = 2;
		CHECK_EQ_INT(dhcp4_parse(b, (size_t)n, XID, mac, &l, &e), -1);
		CHECK_EQ_STR(e.msg, "message type 1 (DISCOVER) is not OFFER, ACK or NAK");
	}
	/* too small a buffer */
	CHECK_EQ_INT(dhcp4_build_discover(b, 100, &id, XID, 0), -1);
	CHECK_EQ_INT(dhcp4_build_discover(b, 299, &id, XID, 0), -1);
	CHECK_EQ_INT(dhcp4_build_discover(b, 300, &id, XID, 0), 300);
	/* a 63-byte host name does not fit in 300 bytes, but does in 576 */
	memset(id.hostname, 'h', 63);
	id.hostname[63] = '\0';
	CHECK_EQ_INT(dhcp4_build_discover(b, 300, &id, XID, 0), -1);
	n = dhcp4_build_discover(b, 576, &id, XID, 0);
	CHECK(n > 300);
	CHECK_EQ_INT(b[n - 1], DHCP4_OPT_END);
	CHECK_EQ_INT(dhcp4_get_option(b, (size_t)n, DHCP4_OPT_HOSTNAME, v, sizeof v, &e), 63);
}

TEST(dhcp4_build_request_selecting_and_renewing)
{
	uint8_t b[DHCP4_PKT_MAX], v[64];
	struct dhcp4_id id;
	struct dhcp4_lease offer;
	struct err e;
	int n;
	memset(&id, 0, sizeof id);
	memcpy(id.mac, mac, 6);
	memset(&offer, 0, sizeof offer);
	inet_pton(AF_INET, "192.0.2.123", &offer.addr);
	inet_pton(AF_INET, "192.0.2.1", &offer.server_id);

	n = dhcp4_build_request(b, sizeof b, &id, XID, 0, &offer, 0);
	CHECK(n >= DHCP4_MIN_LEN);
	CHECK_EQ_INT(dhcp4_get_option(b, (size_t)n, DHCP4_OPT_MSG_TYPE, v, sizeof v, &e), 1);
	CHECK_EQ_INT(v[0], DHCP4_REQUEST);
	CHECK_EQ_INT(dhcp4_get_option(b, (size_t)n, DHCP4_OPT_REQUESTED_IP, v, sizeof v, &e), 4);
	CHECK_EQ_MEM(v, &offer.addr.s_addr, 4);
	CHECK_EQ_INT(dhcp4_get_option(b, (size_t)n, DHCP4_OPT_SERVER_ID, v, sizeof v, &e), 4);
	CHECK_EQ_MEM(v, &offer.server_id.s_addr, 4);
	CHECK_EQ_INT(b[12] | b[13] | b[14] | b[15], 0); /* ciaddr 0 */
	CHECK_EQ_INT(dhcp4_get_option(b, (size_t)n, DHCP4_OPT_HOSTNAME, v, sizeof v, &e), 0);

	n = dhcp4_build_request(b, sizeof b, &id, XID, 0, &offer, 1);
	CHECK(n >= DHCP4_MIN_LEN);
	CHECK_EQ_MEM(b + 12, &offer.addr.s_addr, 4); /* ciaddr */
	CHECK_EQ_INT(b[10], 0);                      /* unicast reply */
	CHECK_EQ_INT(dhcp4_get_option(b, (size_t)n, DHCP4_OPT_REQUESTED_IP, v, sizeof v, &e), 0);
	CHECK_EQ_INT(dhcp4_get_option(b, (size_t)n, DHCP4_OPT_SERVER_ID, v, sizeof v, &e), 0);
}

TEST(dhcp4_build_release)
{
	uint8_t b[DHCP4_PKT_MAX], v[64];
	struct dhcp4_id id;
	struct dhcp4_lease l;
	struct err e;
	int n;
	memset(&id, 0, sizeof id);
	memcpy(id.mac, mac, 6);
	memset(&l, 0, sizeof l);
	inet_pton(AF_INET, "192.0.2.123", &l.addr);
	inet_pton(AF_INET, "192.0.2.1", &l.server_id);
	n = dhcp4_build_release(b, sizeof b, &id, XID, &l);
	CHECK(n >= DHCP4_MIN_LEN);
	CHECK_EQ_INT(dhcp4_get_option(b, (size_t)n, DHCP4_OPT_MSG_TYPE, v, sizeof v, &e), 1);
	CHECK_EQ_INT(v[0], DHCP4_RELEASE);
	CHECK_EQ_MEM(b + 12, &l.addr.s_addr, 4);
	CHECK_EQ_INT(dhcp4_get_option(b, (size_t)n, DHCP4_OPT_SERVER_ID, v, sizeof v, &e), 4);
	CHECK_EQ_MEM(v, &l.server_id.s_addr, 4);
}

/* ------------------------------------------------------------ parsing */

TEST(dhcp4_parse_offer)
{
	struct srv s;
	struct dhcp4_lease l;
	struct err e;
	uint8_t v[128];
	size_t n = rec(v, 0, "https://bootstrap.example:8443");
	srv_lease(&s, XID, DHCP4_OFFER);
	srv_opt(&s, DHCP4_OPT_SZTP_REDIRECT, v, n);
	srv_opt(&s, DHCP4_OPT_MTU, "\x05\xdc", 2);
	srv_opt(&s, DHCP4_OPT_HOSTNAME, "node1\0", 6);
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), 0);
	CHECK_EQ_INT(l.msg_type, DHCP4_OFFER);
	CHECK_EQ_STR(ip(l.addr), "192.0.2.123");
	CHECK_EQ_STR(ip(l.server_id), "192.0.2.1");
	CHECK_EQ_STR(ip(l.netmask), "255.255.255.0");
	CHECK_EQ_INT(l.prefix, 24);
	CHECK_EQ_STR(ip(l.broadcast), "192.0.2.255");
	CHECK_EQ_STR(ip(l.router), "192.0.2.1");
	CHECK_EQ_INT(l.n_dns, 2);
	CHECK_EQ_STR(ip(l.dns[1]), "192.0.2.2");
	CHECK_EQ_STR(l.domain, "example.net");
	CHECK_EQ_STR(l.hostname, "node1");
	CHECK_EQ_INT(l.mtu, 1500);
	CHECK_EQ_INT(l.lease_time, 3600);
	CHECK_EQ_INT(l.t1, 1800);
	CHECK_EQ_INT(l.t2, 3150);
	CHECK_EQ_INT(l.has_sztp, 1);
	CHECK_EQ_INT(l.sztp.n, 1);
	CHECK_EQ_STR(l.sztp.uri[0], "https://bootstrap.example:8443");
}

TEST(dhcp4_parse_no_option_143_and_defaults)
{
	struct srv s;
	struct dhcp4_lease l;
	struct err e;
	srv_head(&s, XID, DHCP4_ACK);
	srv_ip(&s, DHCP4_OPT_SERVER_ID, "192.0.2.1");
	srv_u32(&s, DHCP4_OPT_LEASE_TIME, 0xffffffffu);
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), 0);
	CHECK_EQ_INT(l.has_sztp, 0);
	CHECK_EQ_INT(l.prefix, 24); /* classful default for 192.0.2.x */
	CHECK_EQ_INT(l.router.s_addr, 0);
	CHECK_EQ_INT(l.n_dns, 0);
	CHECK_EQ_INT(l.t1, 0xffffffffu);
}

TEST(dhcp4_parse_overload_file_and_sname)
{
	struct srv s;
	struct dhcp4_lease l;
	struct err e;
	uint8_t v[128], ov = 3;
	size_t n = rec(v, 0, "https://over.example");
	srv_head(&s, XID, DHCP4_ACK);
	srv_ip(&s, DHCP4_OPT_SERVER_ID, "192.0.2.1");
	srv_opt(&s, DHCP4_OPT_OVERLOAD, &ov, 1);
	srv_end(&s);
	/* file (offset 108, 128 bytes): lease time and option 143, END */
	{
		uint8_t *f = s.p + 108;
		f[0] = 51; f[1] = 4; f[2] = 0; f[3] = 0; f[4] = 0x0e; f[5] = 0x10;
		f[6] = 143; f[7] = (uint8_t)n;
		memcpy(f + 8, v, n);
		f[8 + n] = 255;
	}
	/* sname (offset 44, 64 bytes): domain, END */
	{
		uint8_t *sn = s.p + 44;
		sn[0] = 0; /* a pad first */
		sn[1] = 15; sn[2] = 7;
		memcpy(sn + 3, "ovr.net", 7);
		sn[10] = 255;
	}
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), 0);
	CHECK_EQ_INT(l.lease_time, 3600);
	CHECK_EQ_STR(l.domain, "ovr.net");
	CHECK_EQ_INT(l.has_sztp, 1);
	CHECK_EQ_STR(l.sztp.uri[0], "https://over.example");

	/* without the overload option, file/sname are not options */
	{
		struct srv t = s;
		/* replace option 52 by pads */
		for (size_t i = 240; i < t.n; i++)
			if (t.p[i] == 52) {
				t.p[i] = t.p[i + 1] = t.p[i + 2] = 0;
				break;
			}
		CHECK_EQ_INT(dhcp4_parse(t.p, t.n, XID, mac, &l, &e), -1);
		CHECK_EQ_STR(e.msg, "ACK without lease time (option 51)");
	}
	/* an overloaded field whose option runs past its end */
	s.p[108 + 7] = 200;
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), -1);
	CHECK(strstr(e.msg, "option 143 at offset 6 of file: length 200 runs past the end") != NULL);
}

TEST(dhcp4_parse_overload_bad_value)
{
	struct srv s;
	struct dhcp4_lease l;
	struct err e;
	uint8_t ov = 4;
	srv_lease(&s, XID, DHCP4_ACK);
	srv_opt(&s, DHCP4_OPT_OVERLOAD, &ov, 1);
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), -1);
	CHECK_EQ_STR(e.msg, "option 52 (overload): bad value");
}

TEST(dhcp4_parse_rfc3396_split_option_143)
{
	struct srv s;
	struct dhcp4_lease l;
	struct err e;
	uint8_t v[600], ov = 1;
	size_t n = 0, first, second;
	n = rec(v, n, "https://bootstrap.example:8443");
	for (int i = 0; i < 6; i++) {
		char u[80];
		snprintf(u, sizeof u, "https://bootstrap-%d.a-rather-long-domain.example:84%02d", i, i);
		n = rec(v, n, u);
	}
	CHECK(n > 300);
	/* 255 bytes in one instance, 40 in a second one, the rest in file */
	first = 255;
	second = 40;
	srv_lease(&s, XID, DHCP4_ACK);
	srv_opt(&s, DHCP4_OPT_SZTP_REDIRECT, v, first);
	srv_opt(&s, DHCP4_OPT_OVERLOAD, &ov, 1);
	srv_opt(&s, DHCP4_OPT_SZTP_REDIRECT, v + first, second);
	srv_end(&s);
	CHECK(n - first - second + 3 <= 128);
	s.p[108] = 143;
	s.p[109] = (uint8_t)(n - first - second);
	memcpy(s.p + 110, v + first + second, n - first - second);
	s.p[110 + n - first - second] = 255;
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), 0);
	CHECK_EQ_INT(l.has_sztp, 1);
	CHECK_EQ_INT(l.sztp.n, 7);
	CHECK_EQ_STR(l.sztp.uri[0], "https://bootstrap.example:8443");
	CHECK_EQ_STR(l.sztp.uri[6], "https://bootstrap-5.a-rather-long-domain.example:8405");
	{
		uint8_t got[DHCP4_OPT_MAX];
		CHECK_EQ_INT(dhcp4_get_option(s.p, s.n, 143, got, sizeof got, &e), (long long)n);
		CHECK_EQ_MEM(got, v, n);
		/* a value larger than the caller's buffer is refused, not truncated */
		CHECK_EQ_INT(dhcp4_get_option(s.p, s.n, 143, got, 100, &e), -1);
	}
}

TEST(dhcp4_parse_bad_143_keeps_lease)
{
	struct srv s;
	struct dhcp4_lease l;
	struct err e;
	uint8_t v[64];
	size_t n = rec(v, 0, "http://insecure.example");
	srv_lease(&s, XID, DHCP4_ACK);
	srv_opt(&s, DHCP4_OPT_SZTP_REDIRECT, v, n);
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), 0);
	CHECK_EQ_INT(l.has_sztp, 0);
	CHECK_EQ_INT(l.sztp.n, 0);
}

TEST(dhcp4_parse_hostile_domain_dropped)
{
	struct srv s;
	struct dhcp4_lease l;
	struct err e;
	srv_head(&s, XID, DHCP4_ACK);
	srv_ip(&s, DHCP4_OPT_SERVER_ID, "192.0.2.1");
	srv_u32(&s, DHCP4_OPT_LEASE_TIME, 60);
	srv_opt(&s, DHCP4_OPT_DOMAIN, "a.net\nnameserver 6.6.6.6", 24);
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), 0);
	CHECK_EQ_STR(l.domain, "");
}

TEST(dhcp4_parse_nak)
{
	struct srv s;
	struct dhcp4_lease l;
	struct err e;
	srv_head(&s, XID, DHCP4_NAK);
	memset(s.p + 16, 0, 4);
	srv_ip(&s, DHCP4_OPT_SERVER_ID, "192.0.2.1");
	srv_opt(&s, DHCP4_OPT_MESSAGE, "wrong\x01net", 9);
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), 0);
	CHECK_EQ_INT(l.msg_type, DHCP4_NAK);
	CHECK_EQ_STR(l.message, "wrong?net");
}

TEST(dhcp4_parse_rejects_malformed)
{
	struct srv s, t;
	struct dhcp4_lease l;
	struct err e;
	uint8_t other[6] = { 1, 2, 3, 4, 5, 6 };

	srv_lease(&s, XID, DHCP4_OFFER);
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), 0);

	/* truncated */
	CHECK_EQ_INT(dhcp4_parse(s.p, 239, XID, mac, &l, &e), -1);
	CHECK_EQ_STR(e.msg, "message of 239 bytes is shorter than the 240-byte header");
	CHECK_EQ_INT(dhcp4_parse(s.p, 0, XID, mac, &l, &e), -1);
	/* too long */
	CHECK_EQ_INT(dhcp4_parse(s.p, DHCP4_PKT_MAX + 1, XID, mac, &l, &e), -1);
	CHECK_EQ_STR(e.msg, "message of 2049 bytes is longer than 2048");
	/* bad cookie */
	t = s;
	t.p[239] = 98;
	CHECK_EQ_INT(dhcp4_parse(t.p, t.n, XID, mac, &l, &e), -1);
	CHECK_EQ_STR(e.msg, "bad magic cookie 63825362");
	/* wrong xid */
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID + 1, mac, &l, &e), -1);
	CHECK_EQ_STR(e.msg, "xid 0x11223344 is not ours (0x11223345)");
	/* wrong chaddr */
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, other, &l, &e), -1);
	CHECK_EQ_STR(e.msg, "chaddr is not our MAC address");
	/* htype */
	t = s;
	t.p[1] = 6;
	CHECK_EQ_INT(dhcp4_parse(t.p, t.n, XID, mac, &l, &e), -1);
	CHECK_EQ_STR(e.msg, "htype 6 hlen 6 is not Ethernet");
	/* option length past end: cut the message right inside the domain option */
	t = s;
	{
		size_t i = 240;
		while (t.p[i] != DHCP4_OPT_DOMAIN)
			i += 2 + t.p[i + 1];
		CHECK_EQ_INT(dhcp4_parse(t.p, i + 5, XID, mac, &l, &e), -1);
		CHECK(strstr(e.msg, "option 15 at offset") != NULL);
		CHECK(strstr(e.msg, "of options: length 11 runs past the end (3 bytes left)") != NULL);
		/* a code without its length byte */
		CHECK_EQ_INT(dhcp4_parse(t.p, i + 1, XID, mac, &l, &e), -1);
		CHECK(strstr(e.msg, "has no length byte") != NULL);
	}
}

TEST(dhcp4_parse_rejects_missing_or_bad_options)
{
	struct srv s;
	struct dhcp4_lease l;
	struct err e;
	uint8_t t;

	/* no message type */
	srv_head(&s, XID, DHCP4_OFFER);
	s.p[240] = 0, s.p[241] = 0, s.p[242] = 0;
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), -1);
	CHECK_EQ_STR(e.msg, "no message type (option 53)");
	/* message type of 2 bytes */
	srv_head(&s, XID, DHCP4_OFFER);
	t = 2;
	srv_opt(&s, DHCP4_OPT_MSG_TYPE, &t, 1);
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), -1);
	CHECK_EQ_STR(e.msg, "option 53 (message type): length is not 1");
	/* no server id */
	srv_head(&s, XID, DHCP4_OFFER);
	srv_u32(&s, DHCP4_OPT_LEASE_TIME, 60);
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), -1);
	CHECK_EQ_STR(e.msg, "OFFER without server identifier (option 54)");
	/* server id of 3 bytes */
	srv_head(&s, XID, DHCP4_OFFER);
	srv_opt(&s, DHCP4_OPT_SERVER_ID, "\xc0\x00\x02", 3);
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), -1);
	CHECK_EQ_STR(e.msg, "option 54 (server identifier): length 3 is not a multiple of 4");
	/* no lease time */
	srv_head(&s, XID, DHCP4_ACK);
	srv_ip(&s, DHCP4_OPT_SERVER_ID, "192.0.2.1");
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), -1);
	CHECK_EQ_STR(e.msg, "ACK without lease time (option 51)");
	/* yiaddr 0 */
	srv_head(&s, XID, DHCP4_ACK);
	memset(s.p + 16, 0, 4);
	srv_ip(&s, DHCP4_OPT_SERVER_ID, "192.0.2.1");
	srv_u32(&s, DHCP4_OPT_LEASE_TIME, 60);
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), -1);
	CHECK_EQ_STR(e.msg, "ACK: yiaddr 0.0.0.0 is not a usable address");
	/* non-contiguous netmask */
	srv_head(&s, XID, DHCP4_ACK);
	srv_ip(&s, DHCP4_OPT_SERVER_ID, "192.0.2.1");
	srv_u32(&s, DHCP4_OPT_LEASE_TIME, 60);
	srv_ip(&s, DHCP4_OPT_NETMASK, "255.0.255.0");
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), -1);
	CHECK_EQ_STR(e.msg, "netmask 255.0.255.0 is not a usable prefix");
	/* DNS list of 6 bytes */
	srv_head(&s, XID, DHCP4_ACK);
	srv_ip(&s, DHCP4_OPT_SERVER_ID, "192.0.2.1");
	srv_u32(&s, DHCP4_OPT_LEASE_TIME, 60);
	srv_opt(&s, DHCP4_OPT_DNS, "\xc0\x00\x02\x01\xc0\x00", 6);
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), -1);
	CHECK_EQ_STR(e.msg, "option 6 (DNS servers): length 6 is not a multiple of 4");
	/* a REQUEST type from a server */
	srv_head(&s, XID, DHCP4_REQUEST);
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_parse(s.p, s.n, XID, mac, &l, &e), -1);
	CHECK_EQ_STR(e.msg, "message type 3 (REQUEST) is not OFFER, ACK or NAK");
}

TEST(dhcp4_mask_to_prefix)
{
	struct in_addr m;
	m.s_addr = htonl(0xffffff00u);
	CHECK_EQ_INT(dhcp4_mask_to_prefix(m), 24);
	m.s_addr = htonl(0xffffffffu);
	CHECK_EQ_INT(dhcp4_mask_to_prefix(m), 32);
	m.s_addr = 0;
	CHECK_EQ_INT(dhcp4_mask_to_prefix(m), 0);
	m.s_addr = htonl(0xfffffe00u);
	CHECK_EQ_INT(dhcp4_mask_to_prefix(m), 23);
	m.s_addr = htonl(0xff00ff00u);
	CHECK_EQ_INT(dhcp4_mask_to_prefix(m), -1);
}

/* ------------------------------------------------------------ state machine */

TEST(dhcp4_backoff)
{
	CHECK_EQ_INT(dhcp4_backoff_ms(0, 1000), 4000);
	CHECK_EQ_INT(dhcp4_backoff_ms(0, 0), 3000);
	CHECK_EQ_INT(dhcp4_backoff_ms(0, 2000), 5000);
	CHECK_EQ_INT(dhcp4_backoff_ms(1, 1000), 8000);
	CHECK_EQ_INT(dhcp4_backoff_ms(2, 1000), 16000);
	CHECK_EQ_INT(dhcp4_backoff_ms(3, 1000), 32000);
	CHECK_EQ_INT(dhcp4_backoff_ms(4, 1000), 64000);
	CHECK_EQ_INT(dhcp4_backoff_ms(40, 2001 + 1000), 64000);
	CHECK_EQ_INT(dhcp4_backoff_ms(40, 0xffffffffu), 64000 + (int)(0xffffffffu % 2001) - 1000);
}

static uint32_t xid_of(const uint8_t *b)
{
	return (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
}

static int type_of(const uint8_t *b, int n)
{
	uint8_t v[4];
	if (dhcp4_get_option(b, (size_t)n, DHCP4_OPT_MSG_TYPE, v, sizeof v, NULL) != 1)
		return -1;
	return v[0];
}

TEST(dhcp4_client_happy_path)
{
	struct dhcp4_client c;
	struct dhcp4_id id;
	struct srv s;
	struct err e;
	uint8_t b[DHCP4_PKT_MAX], v[8];
	int64_t next = 0, first_next;
	uint32_t xid;
	int n;

	memset(&id, 0, sizeof id);
	memcpy(id.mac, mac, 6);
	dhcp4_client_init(&c, &id, 42, 1000);
	CHECK_EQ_INT(c.state, DHCP4_STATE_INIT);
	n = dhcp4_client_tick(&c, 1000, b, sizeof b, &next);
	CHECK(n >= DHCP4_MIN_LEN);
	CHECK_EQ_INT(type_of(b, n), DHCP4_DISCOVER);
	CHECK_EQ_INT(c.state, DHCP4_STATE_SELECTING);
	CHECK(next >= 1000 + 3000 && next <= 1000 + 5000);
	xid = xid_of(b);
	first_next = next;
	/* nothing due before then */
	CHECK_EQ_INT(dhcp4_client_tick(&c, first_next - 1, b, sizeof b, &next), 0);
	CHECK_EQ_INT(next, first_next);
	/* retransmission: same xid, secs counts, doubled delay */
	n = dhcp4_client_tick(&c, first_next, b, sizeof b, &next);
	CHECK(n > 0);
	CHECK_EQ_INT(xid_of(b), xid);
	CHECK_EQ_INT(b[8] << 8 | b[9], (first_next - 1000) / 1000);
	CHECK(next >= first_next + 7000 && next <= first_next + 9000);

	/* an OFFER for someone else is ignored */
	srv_lease(&s, xid + 1, DHCP4_OFFER);
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_client_input(&c, 9000, s.p, s.n, &e), DHCP4_EV_IGNORED);
	CHECK(strstr(e.msg, "is not ours") != NULL);
	/* an ACK while selecting is ignored */
	srv_lease(&s, xid, DHCP4_ACK);
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_client_input(&c, 9000, s.p, s.n, &e), DHCP4_EV_IGNORED);
	CHECK_EQ_STR(e.msg, "ACK while selecting");
	/* our OFFER */
	srv_lease(&s, xid, DHCP4_OFFER);
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_client_input(&c, 9000, s.p, s.n, &e), DHCP4_EV_OFFER);
	CHECK_EQ_INT(c.state, DHCP4_STATE_REQUESTING);
	/* the REQUEST is due at once and names the offer */
	n = dhcp4_client_tick(&c, 9000, b, sizeof b, &next);
	CHECK(n > 0);
	CHECK_EQ_INT(type_of(b, n), DHCP4_REQUEST);
	CHECK_EQ_INT(xid_of(b), xid);
	CHECK_EQ_INT(dhcp4_get_option(b, (size_t)n, DHCP4_OPT_REQUESTED_IP, v, sizeof v, &e), 4);
	CHECK_EQ_MEM(v, &c.offer.addr.s_addr, 4);
	CHECK(next >= 9000 + 3000 && next <= 9000 + 5000);
	/* an ACK from another server is ignored */
	srv_lease(&s, xid, DHCP4_ACK);
	s.p[240 + 3 + 2 + 3] = 9; /* server id 192.0.2.1 -> 192.0.2.9 */
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_client_input(&c, 9100, s.p, s.n, &e), DHCP4_EV_IGNORED);
	CHECK_EQ_STR(e.msg, "ACK from server 192.0.2.9, not the one requested");
	/* an ACK for another address is ignored */
	srv_lease(&s, xid, DHCP4_ACK);
	s.p[19] = 124;
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_client_input(&c, 9100, s.p, s.n, &e), DHCP4_EV_IGNORED);
	/* the ACK */
	srv_lease(&s, xid, DHCP4_ACK);
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_client_input(&c, 9100, s.p, s.n, &e), DHCP4_EV_ACK);
	CHECK_EQ_INT(c.state, DHCP4_STATE_BOUND);
	CHECK_EQ_STR(ip(c.lease.addr), "192.0.2.123");
	/* bound: nothing more to send, input ignored */
	CHECK_EQ_INT(dhcp4_client_tick(&c, 100000, b, sizeof b, &next), 0);
	CHECK_EQ_INT(dhcp4_client_input(&c, 9200, s.p, s.n, &e), DHCP4_EV_IGNORED);
}

TEST(dhcp4_client_nak_and_request_timeout)
{
	struct dhcp4_client c;
	struct dhcp4_id id;
	struct srv s;
	struct err e;
	uint8_t b[DHCP4_PKT_MAX];
	int64_t next = 0, now = 0;
	uint32_t xid;
	int n;

	memset(&id, 0, sizeof id);
	memcpy(id.mac, mac, 6);
	dhcp4_client_init(&c, &id, 7, 0);
	n = dhcp4_client_tick(&c, 0, b, sizeof b, &next);
	CHECK(n > 0);
	xid = xid_of(b);
	srv_lease(&s, xid, DHCP4_OFFER);
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_client_input(&c, 100, s.p, s.n, &e), DHCP4_EV_OFFER);
	CHECK(dhcp4_client_tick(&c, 100, b, sizeof b, &next) > 0);
	/* NAK -> INIT, a new DISCOVER with a new xid after a short pause */
	srv_head(&s, xid, DHCP4_NAK);
	srv_ip(&s, DHCP4_OPT_SERVER_ID, "192.0.2.1");
	srv_end(&s);
	CHECK_EQ_INT(dhcp4_client_input(&c, 200, s.p, s.n, &e), DHCP4_EV_NAK);
	CHECK_EQ_INT(c.state, DHCP4_STATE_INIT);
	CHECK_EQ_INT(dhcp4_client_tick(&c, 300, b, sizeof b, &next), 0);
	CHECK_EQ_INT(next, 1200);
	n = dhcp4_client_tick(&c, 1200, b, sizeof b, &next);
	CHECK(n > 0);
	CHECK_EQ_INT(type_of(b, n), DHCP4_DISCOVER);
	CHECK(xid_of(b) != xid);
	xid = xid_of(b);

	/* OFFER, then REQUESTs that are never answered */
	srv_lease(&s, xid, DHCP4_OFFER);
	srv_end(&s);
	now = 1300;
	CHECK_EQ_INT(dhcp4_client_input(&c, now, s.p, s.n, &e), DHCP4_EV_OFFER);
	for (int i = 0; i < DHCP4_REQUEST_TRIES; i++) {
		n = dhcp4_client_tick(&c, now, b, sizeof b, &next);
		CHECK(n > 0);
		CHECK_EQ_INT(type_of(b, n), DHCP4_REQUEST);
		now = next;
	}
	n = dhcp4_client_tick(&c, now, b, sizeof b, &next);
	CHECK(n > 0);
	CHECK_EQ_INT(type_of(b, n), DHCP4_DISCOVER);
	CHECK_EQ_INT(c.state, DHCP4_STATE_SELECTING);
}

/* ------------------------------------------------------------ IP/UDP */

TEST(dhcp4_ip_round_trip)
{
	uint8_t frame[DHCP4_IP_HDR + DHCP4_UDP_HDR + 400], msg[301];
	struct in_addr src, dst, from;
	const uint8_t *p;
	size_t n;
	struct err e;
	int len;

	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)(i * 7);
	inet_pton(AF_INET, "192.0.2.1", &src);
	inet_pton(AF_INET, "255.255.255.255", &dst);
	len = dhcp4_ip_wrap(frame, sizeof frame, src, 67, dst, 68, msg, sizeof msg);
	CHECK_EQ_INT(len, 28 + 301);
	CHECK_EQ_INT(dhcp4_ip_checksum(frame, 20, 0), 0);
	CHECK_EQ_INT(dhcp4_ip_unwrap(frame, (size_t)len, 68, 1, &p, &n, &from, &e), 0);
	CHECK_EQ_INT(n, sizeof msg);
	CHECK_EQ_MEM(p, msg, sizeof msg);
	CHECK_EQ_STR(inet_ntoa(from), "192.0.2.1");
	/* trailing Ethernet padding is fine */
	CHECK_EQ_INT(dhcp4_ip_unwrap(frame, (size_t)len + 10, 68, 1, &p, &n, &from, &e), 0);
	CHECK_EQ_INT(n, sizeof msg);

	CHECK_EQ_INT(dhcp4_ip_unwrap(frame, (size_t)len, 67, 1, &p, &n, &from, &e), -1);
	CHECK_EQ_STR(e.msg, "UDP port 68 is not 67");
	CHECK_EQ_INT(dhcp4_ip_unwrap(frame, (size_t)len - 1, 68, 1, &p, &n, &from, &e), -1);
	CHECK(strstr(e.msg, "IP total length 329") != NULL);
	CHECK_EQ_INT(dhcp4_ip_unwrap(frame, 19, 68, 1, &p, &n, &from, &e), -1);
	CHECK_EQ_STR(e.msg, "IP packet of 19 bytes is too short");

	frame[28 + 5] ^= 1; /* payload bit flip */
	CHECK_EQ_INT(dhcp4_ip_unwrap(frame, (size_t)len, 68, 1, &p, &n, &from, &e), -1);
	CHECK_EQ_STR(e.msg, "bad UDP checksum");
	/* not verified when the kernel says the checksum is not filled in yet */
	CHECK_EQ_INT(dhcp4_ip_unwrap(frame, (size_t)len, 68, 0, &p, &n, &from, &e), 0);
	frame[28 + 5] ^= 1;

	frame[8] = 63; /* TTL change breaks the header checksum */
	CHECK_EQ_INT(dhcp4_ip_unwrap(frame, (size_t)len, 68, 1, &p, &n, &from, &e), -1);
	CHECK_EQ_STR(e.msg, "bad IP header checksum");
	frame[8] = 64;

	/* a fragment (with a fixed-up checksum) */
	frame[6] = 0x20;
	frame[10] = frame[11] = 0;
	{
		uint16_t c = dhcp4_ip_checksum(frame, 20, 0);
		frame[10] = (uint8_t)(c >> 8);
		frame[11] = (uint8_t)c;
	}
	CHECK_EQ_INT(dhcp4_ip_unwrap(frame, (size_t)len, 68, 1, &p, &n, &from, &e), -1);
	CHECK_EQ_STR(e.msg, "IP fragment");

	frame[0] = 0x65;
	CHECK_EQ_INT(dhcp4_ip_unwrap(frame, (size_t)len, 68, 1, &p, &n, &from, &e), -1);
	CHECK_EQ_STR(e.msg, "IP version 6 is not 4");
	CHECK_EQ_INT(dhcp4_ip_wrap(frame, 100, src, 67, dst, 68, msg, sizeof msg), -1);
}

/* ------------------------------------------------------------ resolv.conf */

TEST(netcfg_resolv_text)
{
	char buf[512];
	struct in_addr d[2];
	inet_pton(AF_INET, "192.0.2.1", &d[0]);
	inet_pton(AF_INET, "198.51.100.53", &d[1]);
	CHECK(netcfg_format_resolv(buf, sizeof buf, d, 2, "example.net") > 0);
	CHECK_EQ_STR(buf, "# written by sztpboot (dhcp4)\nnameserver 192.0.2.1\n"
			  "nameserver 198.51.100.53\nsearch example.net\n");
	CHECK(netcfg_format_resolv(buf, sizeof buf, d, 0, "") > 0);
	CHECK_EQ_STR(buf, "# written by sztpboot (dhcp4)\n");
	CHECK_EQ_INT(netcfg_format_resolv(buf, 40, d, 2, "example.net"), -1);
}

TEST(netcfg_resolv_file_atomic)
{
	char path[] = "/tmp/sztp-resolv-XXXXXX", file[64], text[256];
	struct in_addr d;
	struct err e;
	FILE *f;
	size_t n;
	CHECK(mkdtemp(path) != NULL);
	snprintf(file, sizeof file, "%s/resolv.conf", path);
	inet_pton(AF_INET, "192.0.2.1", &d);
	CHECK_EQ_INT(netcfg_write_resolv(file, &d, 1, "example.net", &e), 0);
	f = fopen(file, "r");
	CHECK(f != NULL);
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	CHECK_EQ_STR(text, "# written by sztpboot (dhcp4)\nnameserver 192.0.2.1\nsearch example.net\n");
	unlink(file);
	rmdir(path);
	/* a directory that does not exist */
	CHECK_EQ_INT(netcfg_write_resolv("/nonexistent-dir/resolv.conf", &d, 1, "", &e), -1);
	CHECK(strstr(e.msg, "resolv.conf: create /nonexistent-dir/resolv.conf.sztp-tmp") != NULL);
}
