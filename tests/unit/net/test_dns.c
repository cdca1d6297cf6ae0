/* test_dns.c: DNS wire format (dns.h) and SZTP data in DNS (dns_sztp.h). */
#include "unit.h"
#include "wire_fixtures.h"

#include "net/dns.h"
#include "net/dns_sztp.h"

static void name(struct mb *m, const char *s)
{
	struct err e;
	int n = dns_name_encode(s, m->b + m->n, sizeof m->b - m->n, &e);
	if (n > 0)
		m->n += (size_t)n;
}

static void header(struct mb *m, unsigned id, unsigned flags, int qd, int an, int ns, int ar)
{
	m->n = 0;
	u16(m, id);
	u16(m, flags);
	u16(m, (unsigned)qd);
	u16(m, (unsigned)an);
	u16(m, (unsigned)ns);
	u16(m, (unsigned)ar);
}

/* An RR whose owner is a pointer to offset 12 (the question name). */
static void rr_ptr(struct mb *m, unsigned type, const void *rdata, size_t n)
{
	u16(m, 0xc00c);
	u16(m, type);
	u16(m, 1);
	u32(m, 60);
	u16(m, (unsigned)n);
	raw(m, rdata, n);
}

/* The question section: qname, qtype, class IN. */
static void question(struct mb *m, const char *qname, unsigned qtype)
{
	name(m, qname);
	u16(m, qtype);
	u16(m, 1);
}

/* A response (id 1) to one question, with `an` answers to follow. */
static void response(struct mb *m, int an, const char *qname, unsigned qtype)
{
	header(m, 1, DNS_F_QR, 1, an, 0, 0);
	question(m, qname, qtype);
}

TEST(dns_name_encode_and_query)
{
	uint8_t b[512];
	struct err e;
	static const uint8_t want[] = { 12, 'S', 'Z', 'T', 'P', '-', 'D', 'E', 'M', 'O', '-', '0', '1',
					5, '_', 's', 'z', 't', 'p', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
					0 };
	int n = dns_name_encode("SZTP-DEMO-01._sztp.example", b, sizeof b, &e);
	CHECK_EQ_INT(n, (int)sizeof want);
	CHECK_EQ_MEM(b, want, sizeof want);
	/* a final dot is the same name */
	CHECK_EQ_INT(dns_name_encode("SZTP-DEMO-01._sztp.example.", b, sizeof b, &e), n);
	n = dns_build_query(b, sizeof b, 0x1234, DNS_F_RD, "a.example", DNS_T_TXT, 0, &e);
	CHECK_EQ_INT(n, 12 + 11 + 4);
	CHECK(b[0] == 0x12 && b[1] == 0x34 && b[2] == 0x01 && b[5] == 1);
	CHECK(b[23] == 0 && b[24] == 16 && b[25] == 0 && b[26] == 1);
	n = dns_build_query(b, sizeof b, 1, 0, "_sztp._tcp.local", DNS_T_SRV, DNS_QU, &e);
	CHECK(n > 0 && b[n - 2] == 0x80 && b[n - 1] == 1);
}

TEST(dns_name_encode_rejects)
{
	uint8_t b[512];
	struct err e;
	char longl[80], longn[300];
	memset(longl, 'a', 64);
	longl[64] = '\0';
	for (int i = 0; i < 299; i++)
		longn[i] = (i % 10 == 9) ? '.' : 'a';
	longn[299] = '\0';
	CHECK(dns_name_encode("", b, sizeof b, &e) < 0);
	CHECK(dns_name_encode("a..example", b, sizeof b, &e) < 0);
	CHECK(strstr(e.msg, "empty label") != NULL);
	CHECK(dns_name_encode(longl, b, sizeof b, &e) < 0);
	CHECK(strstr(e.msg, "at most 63") != NULL);
	CHECK(dns_name_encode(longn, b, sizeof b, &e) < 0);
	CHECK(dns_name_encode("a b.example", b, sizeof b, &e) < 0);
	CHECK(dns_name_encode("a/b.example", b, sizeof b, &e) < 0);
	CHECK(dns_name_encode("ab.example", b, 5, &e) < 0);
}

TEST(dns_parse_txt_and_srv_with_compression)
{
	static struct mb m;
	static struct dns_msg d;
	struct dns_srv srv;
	struct err e;
	const uint8_t *s;
	size_t n, pos = 0;
	uint8_t rd[64];
	size_t rn = 0;

	header(&m, 7, DNS_F_QR | DNS_F_AA, 1, 2, 0, 0);
	question(&m, "_sztp._tcp.example", DNS_T_SRV);
	/* SRV 10 5 8443 boot.<pointer to "example" at offset 12+6+5=23> */
	rd[rn++] = 0; rd[rn++] = 10; rd[rn++] = 0; rd[rn++] = 5; rd[rn++] = 0x20; rd[rn++] = 0xfb;
	rd[rn++] = 4; memcpy(rd + rn, "boot", 4); rn += 4;
	rd[rn++] = 0xc0; rd[rn++] = 23;
	rr_ptr(&m, DNS_T_SRV, rd, rn);
	/* TXT with two strings */
	rr_ptr(&m, DNS_T_TXT, "\x03" "a=b" "\x02" "cd", 7);
	CHECK_EQ_INT(dns_parse(m.b, m.n, &d, &e), 0);
	CHECK_EQ_INT(d.id, 7);
	CHECK_EQ_STR(d.qname, "_sztp._tcp.example");
	CHECK_EQ_INT(d.qtype, DNS_T_SRV);
	CHECK_EQ_INT(d.n_rr, 2);
	CHECK_EQ_STR(d.rr[0].name, "_sztp._tcp.example");
	CHECK_EQ_INT(dns_rr_srv(m.b, m.n, &d.rr[0], &srv, &e), 0);
	CHECK_EQ_INT(srv.priority, 10);
	CHECK_EQ_INT(srv.weight, 5);
	CHECK_EQ_INT(srv.port, 8443);
	CHECK_EQ_STR(srv.target, "boot.example");
	CHECK_EQ_INT(dns_txt_next(m.b, &d.rr[1], &pos, &s, &n, &e), 1);
	CHECK(n == 3 && memcmp(s, "a=b", 3) == 0);
	CHECK_EQ_INT(dns_txt_next(m.b, &d.rr[1], &pos, &s, &n, &e), 1);
	CHECK(n == 2 && memcmp(s, "cd", 2) == 0);
	CHECK_EQ_INT(dns_txt_next(m.b, &d.rr[1], &pos, &s, &n, &e), 0);
	/* a string longer than what is left of its record (the message goes on) */
	header(&m, 8, DNS_F_QR | DNS_F_AA, 1, 1, 0, 0);
	name(&m, "_sztp._tcp.example");
	u16(&m, DNS_T_TXT);
	u16(&m, 1);
	rr_ptr(&m, DNS_T_TXT, "\x03" "a=b" "\x05" "cd", 6);
	raw(&m, "xyz", 3);
	CHECK_EQ_INT(dns_parse(m.b, m.n, &d, &e), 0);
	pos = 0;
	CHECK_EQ_INT(dns_txt_next(m.b, &d.rr[0], &pos, &s, &n, &e), 1);
	CHECK_EQ_INT(dns_txt_next(m.b, &d.rr[0], &pos, &s, &n, &e), -1);
	CHECK_EQ_STR(e.msg, "dns: TXT string of 5 bytes runs past its record");
	CHECK(dns_name_eq("A.Example.", "a.example"));
	CHECK(!dns_name_eq("a.example", "a.example.net"));
}

TEST(dns_parse_rejects_pointer_loops_and_truncation)
{
	static struct mb m;
	static struct dns_msg d;
	struct err e;
	char out[DNS_NAME_MAX];
	size_t off;

	/* a name that points to itself */
	header(&m, 1, DNS_F_QR, 1, 0, 0, 0);
	u16(&m, 0xc00c);
	u16(&m, 1);
	u16(&m, 1);
	CHECK(dns_parse(m.b, m.n, &d, &e) < 0);
	CHECK(strstr(e.msg, "points forward") != NULL);
	/* a forward pointer */
	header(&m, 1, DNS_F_QR, 1, 0, 0, 0);
	u16(&m, 0xc00e);
	u8(&m, 0);
	u16(&m, 1);
	u16(&m, 1);
	CHECK(dns_parse(m.b, m.n, &d, &e) < 0);
	/* a label past the end (the buffer goes on: only the check stops the read) */
	header(&m, 1, DNS_F_QR, 1, 0, 0, 0);
	u8(&m, 20);
	raw(&m, "abc", 3);
	CHECK(dns_parse(m.b, m.n, &d, &e) < 0);
	CHECK_EQ_STR(e.msg, "question 1: dns: label at 12 runs past the message");
	/* reserved label type 0x40 */
	header(&m, 1, DNS_F_QR, 1, 0, 0, 0);
	u8(&m, 0x41);
	CHECK(dns_parse(m.b, m.n, &d, &e) < 0);
	/* rdata past the end */
	header(&m, 1, DNS_F_QR, 0, 1, 0, 0);
	u8(&m, 0);
	u16(&m, 16);
	u16(&m, 1);
	u32(&m, 0);
	u16(&m, 100);
	CHECK(dns_parse(m.b, m.n, &d, &e) < 0);
	/* a query is not a response; short header */
	header(&m, 1, 0, 0, 0, 0, 0);
	CHECK(dns_parse(m.b, m.n, &d, &e) < 0);
	CHECK(dns_parse(m.b, 5, &d, &e) < 0);
	/* backward pointers are fine, and a pointer chain ends */
	header(&m, 1, DNS_F_QR, 0, 0, 0, 0);
	name(&m, "a.example");     /* offset 12 */
	u8(&m, 1);                 /* 23: "b" + pointer to 12 */
	u8(&m, 'b');
	u16(&m, 0xc00c);
	u16(&m, 0xc017);           /* 27: pointer to 23 */
	off = 27;
	CHECK_EQ_INT(dns_name_read(m.b, m.n, &off, out, sizeof out, &e), 0);
	CHECK_EQ_STR(out, "b.a.example");
	CHECK_EQ_INT((int)off, 29);
	/* odd bytes are escaped, so a dot inside a label is not a separator */
	header(&m, 1, DNS_F_QR, 0, 0, 0, 0);
	u8(&m, 3);
	raw(&m, "a.b", 3);
	u8(&m, 0);
	off = 12;
	CHECK_EQ_INT(dns_name_read(m.b, m.n, &off, out, sizeof out, &e), 0);
	CHECK_EQ_STR(out, "a\\046b");
}

TEST(dns_parse_too_many_records_counted)
{
	static struct mb m;
	static struct dns_msg d;
	struct err e;
	header(&m, 1, DNS_F_QR, 0, DNS_MAX_RR + 3, 0, 0);
	for (int i = 0; i < DNS_MAX_RR + 3; i++) {
		u8(&m, 0);
		u16(&m, DNS_T_A);
		u16(&m, 1);
		u32(&m, 0);
		u16(&m, 4);
		u32(&m, 0xc0000201);
	}
	CHECK_EQ_INT(dns_parse(m.b, m.n, &d, &e), 0);
	CHECK_EQ_INT(d.n_rr, DNS_MAX_RR);
	CHECK_EQ_INT(d.n_dropped, 3);
}

/* TXT rdata: "key=" + first part, then the rest in strings of 255. */
static size_t txt_value(uint8_t *out, const char *key, const uint8_t *v, size_t n)
{
	size_t o = 0, k = strlen(key), first = n < 255 - k - 1 ? n : 255 - k - 1;
	out[o++] = (uint8_t)(k + 1 + first);
	memcpy(out + o, key, k);
	o += k;
	out[o++] = '=';
	memcpy(out + o, v, first);
	o += first;
	v += first;
	n -= first;
	while (n) {
		size_t c = n < 255 ? n : 255;
		out[o++] = (uint8_t)c;
		memcpy(out + o, v, c);
		o += c;
		v += c;
		n -= c;
	}
	return o;
}

static uint8_t ci_b[4096], oc_b[4096], ov_b[4096];

/* Assembly into ci_b, oc_b, ov_b. */
static struct sztp_txt txt_buffers(void)
{
	return (struct sztp_txt){ ci_b, oc_b, ov_b, sizeof ci_b, sizeof oc_b, sizeof ov_b,
				  0, 0, 0, 0 };
}

#define SN1 "SN1._sztp.example"

/* sztp_txt_assemble() for SN1 of a response that parses and holds one TXT
 * record with this rdata. */
static int txt_one(const void *rdata, size_t n, struct sztp_txt *t, struct err *e)
{
	static struct mb m;
	static struct dns_msg d;
	response(&m, 1, SN1, DNS_T_TXT);
	rr_ptr(&m, DNS_T_TXT, rdata, n);
	CHECK_EQ_INT(dns_parse(m.b, m.n, &d, e), 0);
	return sztp_txt_assemble(m.b, m.n, &d, SN1, t, e);
}

TEST(dns_sztp_txt_binary_split)
{
	static struct mb m;
	static struct dns_msg d;
	static uint8_t rdata[3000], ci[700], ov[300];
	struct sztp_txt t = txt_buffers();
	struct err e;
	size_t rn = 0;

	for (size_t i = 0; i < sizeof ci; i++)
		ci[i] = (uint8_t)(i * 7 + 1);
	/* DER SEQUENCE headers with the right lengths */
	ci[0] = 0x30; ci[1] = 0x82; ci[2] = (sizeof ci - 4) >> 8; ci[3] = (sizeof ci - 4) & 0xff;
	ci[300] = 'o'; /* continuation strings may start with anything ... */
	for (size_t i = 0; i < sizeof ov; i++)
		ov[i] = (uint8_t)(255 - i);
	ov[0] = 0x30; ov[1] = 0x82; ov[2] = (sizeof ov - 4) >> 8; ov[3] = (sizeof ov - 4) & 0xff;
	rn += txt_value(rdata + rn, "ci", ci, sizeof ci);
	rn += txt_value(rdata + rn, "txtvers", (const uint8_t *)"1", 1);
	response(&m, 2, SN1, DNS_T_TXT);
	rr_ptr(&m, DNS_T_TXT, rdata, rn);
	/* oc and ov in a second record */
	rn = txt_value(rdata, "oc", (const uint8_t *)"\x30\x03\x02\x01\x05", 5);
	rn += txt_value(rdata + rn, "ov", ov, sizeof ov);
	rr_ptr(&m, DNS_T_TXT, rdata, rn);
	CHECK_EQ_INT(dns_parse(m.b, m.n, &d, &e), 0);
	CHECK_EQ_INT(sztp_txt_assemble(m.b, m.n, &d, "sn1._SZTP.example", &t, &e), 1);
	/* "txtvers=1" is another key: it ends the ci value */
	CHECK_EQ_INT((int)t.ci_len, (int)sizeof ci);
	CHECK_EQ_MEM(ci_b, ci, sizeof ci);
	CHECK_EQ_INT((int)t.oc_len, 5);
	CHECK_EQ_INT((int)t.ov_len, (int)sizeof ov);
	CHECK_EQ_MEM(ov_b, ov, sizeof ov);
	CHECK_EQ_INT(t.base64, 0);
	/* another name: nothing */
	CHECK_EQ_INT(sztp_txt_assemble(m.b, m.n, &d, "other._sztp.example", &t, &e), 0);
	/* bytes after the DER encoding */
	ci[3]--;
	rn = txt_value(rdata, "ci", ci, sizeof ci);
	CHECK(txt_one(rdata, rn, &t, &e) < 0);
	CHECK(strstr(e.msg, "after its DER") != NULL);
	ci[3]++;
	/* a value larger than its buffer */
	rn = txt_value(rdata, "ci", ci, sizeof ci);
	t.ci_cap = 100;
	CHECK(txt_one(rdata, rn, &t, &e) < 0);
	CHECK(strstr(e.msg, "larger than") != NULL);
}

TEST(dns_sztp_txt_base64_and_errors)
{
	struct sztp_txt t = txt_buffers();
	struct err e;
	static const uint8_t der[] = { 0x30, 0x03, 0x02, 0x01, 0x07 };
	uint8_t rd[256];
	size_t rn;

	/* base64 "MAMCAQc=" is 30 03 02 01 07 */
	CHECK_EQ_INT(txt_one("\x0b" "ci=MAMCAQc=", 12, &t, &e), 1);
	CHECK_EQ_INT((int)t.ci_len, 5);
	CHECK_EQ_MEM(ci_b, der, 5);
	CHECK_EQ_INT(t.base64, 1);
	/* oc without ov */
	rn = txt_value(rd, "ci", der, 5);
	rn += txt_value(rd + rn, "oc", der, 5);
	CHECK(txt_one(rd, rn, &t, &e) < 0);
	CHECK(strstr(e.msg, "oc= without ov=") != NULL);
	/* neither DER nor base64 */
	CHECK(txt_one("\x07" "ci=!!!!", 8, &t, &e) < 0);
	/* ov alone */
	rn = txt_value(rd, "ov", der, 5);
	CHECK(txt_one(rd, rn, &t, &e) < 0);
	CHECK(strstr(e.msg, "no ci=") != NULL);
	/* a string overrunning its record */
	CHECK(txt_one("\x09" "ci=0", 5, &t, &e) < 0);
}

static void srv_rr(struct mb *m, unsigned prio, unsigned weight, unsigned port, const char *target)
{
	uint8_t rd[300];
	size_t n = 6;
	struct err e;
	int k;
	rd[0] = (uint8_t)(prio >> 8); rd[1] = (uint8_t)prio;
	rd[2] = (uint8_t)(weight >> 8); rd[3] = (uint8_t)weight;
	rd[4] = (uint8_t)(port >> 8); rd[5] = (uint8_t)port;
	if (strcmp(target, ".") == 0) {
		rd[n++] = 0;
	} else {
		k = dns_name_encode(target, rd + n, sizeof rd - n, &e);
		n += (size_t)k;
	}
	rr_ptr(m, DNS_T_SRV, rd, n);
}

TEST(dns_sztp_srv_order)
{
	static struct mb m;
	static struct dns_msg d;
	static struct sztp_uri_list l;
	struct err e;

	response(&m, 5, "_sztp._tcp.example", DNS_T_SRV);
	srv_rr(&m, 20, 0, 8443, "low.example");
	srv_rr(&m, 10, 0, 443, "high.example");
	srv_rr(&m, 5, 0, 0, "noport.example");  /* port 0: skipped */
	srv_rr(&m, 1, 0, 443, ".");             /* no service: skipped */
	srv_rr(&m, 10, 0, 443, "high.example"); /* duplicate */
	CHECK_EQ_INT(dns_parse(m.b, m.n, &d, &e), 0);
	CHECK_EQ_INT(sztp_srv_uris(m.b, m.n, &d, "_sztp._tcp.example", 12345, &l), 2);
	CHECK_EQ_STR(l.uri[0], "https://high.example:443");
	CHECK_EQ_STR(l.uri[1], "https://low.example:8443");
	CHECK_EQ_INT(sztp_srv_uris(m.b, m.n, &d, "_sztp._tcp.other", 1, &l), 0);
}

TEST(dns_sztp_srv_weights_pick_every_record)
{
	static struct mb m;
	static struct dns_msg d;
	static struct sztp_uri_list l;
	struct err e;
	int first_a = 0, first_b = 0;

	response(&m, 2, "_sztp._tcp.example", DNS_T_SRV);
	srv_rr(&m, 10, 90, 443, "a.example");
	srv_rr(&m, 10, 10, 443, "b.example");
	CHECK_EQ_INT(dns_parse(m.b, m.n, &d, &e), 0);
	for (uint32_t seed = 1; seed <= 200; seed++) {
		CHECK_EQ_INT(sztp_srv_uris(m.b, m.n, &d, "_sztp._tcp.example", seed * 2654435761u, &l), 2);
		if (strcmp(l.uri[0], "https://a.example:443") == 0)
			first_a++;
		else
			first_b++;
	}
	/* weight 90 against 10: a comes first most of the time, b sometimes */
	CHECK(first_a > 140);
	CHECK(first_b > 3);
}

TEST(dns_sztp_names)
{
	char n[DNS_NAME_MAX];
	struct err e;
	CHECK_EQ_INT(sztp_dns_txt_name("SN-1", "example.net", n, sizeof n, &e), 0);
	CHECK_EQ_STR(n, "SN-1._sztp.example.net");
	CHECK_EQ_INT(sztp_dns_srv_name("local", n, sizeof n, &e), 0);
	CHECK_EQ_STR(n, "_sztp._tcp.local");
	CHECK(sztp_dns_txt_name("bad serial", "example.net", n, sizeof n, &e) < 0);
	CHECK(sztp_dns_txt_name("SN", "example.net", n, 8, &e) < 0);
}

/* fuzz_dns crash-1b5786a2...: dns_name_encode() accepts ':' and '+' (serial
 * numbers may hold them) but dns_name_read() wrote them as \058 and \043, so
 * the answers to "<serial>._sztp.<domain>" for such a serial never matched
 * the name asked for and DNS discovery found nothing. */
TEST(dns_names_with_colon_and_plus_read_back_as_asked)
{
	static struct mb m;
	static struct dns_msg d;
	struct sztp_txt t = txt_buffers();
	struct err e;
	char qn[DNS_NAME_MAX];
	uint8_t q[512];
	int n;

	CHECK_EQ_INT(sztp_dns_txt_name("SN:1+2", "+exaln.epmet", qn, sizeof qn, &e), 0);
	CHECK_EQ_STR(qn, "SN:1+2._sztp.+exaln.epmet");
	n = dns_build_query(q, sizeof q, 7, DNS_F_RD, qn, DNS_T_TXT, 0, &e);
	CHECK(n > 0);
	q[2] |= DNS_F_QR >> 8;
	CHECK_EQ_INT(dns_parse(q, (size_t)n, &d, &e), 0);
	CHECK_EQ_STR(d.qname, qn);
	/* an answer at that name is found */
	response(&m, 1, qn, DNS_T_TXT);
	rr_ptr(&m, DNS_T_TXT, "\x0b" "ci=MAMCAQc=", 12);
	CHECK_EQ_INT(dns_parse(m.b, m.n, &d, &e), 0);
	CHECK_EQ_INT(sztp_txt_assemble(m.b, m.n, &d, qn, &t, &e), 1);
	CHECK_EQ_INT((int)t.ci_len, 5);
	/* other bytes are still escaped */
	response(&m, 0, "a", DNS_T_TXT);
	m.b[13] = '.';
	CHECK_EQ_INT(dns_parse(m.b, m.n, &d, &e), 0);
	CHECK_EQ_STR(d.qname, "\\046");
}
