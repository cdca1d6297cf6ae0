/* dns.c: DNS wire format, no I/O (see dns.h). */
#include "base/bytes.h"
#include "net/dns.h"

#include <stdio.h>
#include <string.h>

static int label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* What a label may hold in text: label_char() and the ':' and '+' of
 * serial numbers (trust/serial.h). dns_name_encode() accepts exactly these
 * and dns_name_read() writes them as they are, so that the owner name of an
 * answer reads back as the name that was asked for. */
static int text_char(char c)
{
	return label_char(c) || c == ':' || c == '+';
}

int dns_name_encode(const char *name, uint8_t *out, size_t cap, struct err *e)
{
	size_t o = 0;
	const char *p = name;

	if (!*name)
		return err_set(e, "dns: empty name");
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (n == 0)
			return err_set(e, "dns: empty label in \"%.64s\"", name);
		if (n > 63)
			return err_set(e, "dns: label of %zu bytes in \"%.64s\" (at most 63)", n,
				       name);
		for (size_t i = 0; i < n; i++)
			if (!text_char(p[i]))
				return err_set(e, "dns: character 0x%02x not allowed in \"%.64s\"",
					       (unsigned char)p[i], name);
		if (o + 1 + n + 1 > cap || o + 1 + n + 1 > DNS_WIRE_NAME)
			return err_set(e, "dns: name \"%.64s\" too long", name);
		out[o++] = (uint8_t)n;
		memcpy(out + o, p, n);
		o += n;
		p += n;
		if (*p == '.') {
			p++;
			if (!*p) /* a final dot is fine */
				break;
		}
	}
	out[o++] = 0;
	return (int)o;
}

int dns_build_query(uint8_t *buf, size_t cap, uint16_t id, uint16_t flags, const char *name,
		    uint16_t qtype, uint16_t qclass_bits, struct err *e)
{
	int n;
	if (cap < DNS_HDR + 4 + 2)
		return err_set(e, "dns: query buffer too small");
	memset(buf, 0, DNS_HDR);
	be16_put(buf, id);
	be16_put(buf + 2, flags);
	be16_put(buf + 4, 1); /* QDCOUNT */
	n = dns_name_encode(name, buf + DNS_HDR, cap - DNS_HDR - 4, e);
	if (n < 0)
		return -1;
	be16_put(buf + DNS_HDR + n, qtype);
	be16_put(buf + DNS_HDR + n + 2, (uint16_t)(DNS_C_IN | qclass_bits));
	return DNS_HDR + n + 4;
}

int dns_name_read(const uint8_t *msg, size_t len, size_t *off, char *out, size_t cap,
		  struct err *e)
{
	size_t pos = *off, o = 0, wire = 0, end = 0;
	int jumped = 0, ptrs = 0;

	if (cap < 2)
		return err_set(e, "dns: name buffer too small");
	out[0] = '\0';
	for (;;) {
		uint8_t c;
		if (pos >= len)
			return err_set(e, "dns: name at offset %zu runs past the message", *off);
		c = msg[pos];
		if ((c & 0xc0) == 0xc0) {
			size_t target;
			if (pos + 1 >= len)
				return err_set(e, "dns: truncated compression pointer at %zu", pos);
			target = ((size_t)(c & 0x3f) << 8) | msg[pos + 1];
			/* strictly backwards: no loops, no pointing into ourselves */
			if (target >= pos)
				return err_set(e, "dns: compression pointer at %zu points forward to %zu",
					       pos, target);
			if (++ptrs > DNS_MAX_PTRS)
				return err_set(e, "dns: more than %d compression pointers in a name",
					       DNS_MAX_PTRS);
			if (!jumped)
				end = pos + 2;
			jumped = 1;
			pos = target;
			continue;
		}
		if (c & 0xc0)
			return err_set(e, "dns: unsupported label type 0x%02x at %zu", c, pos);
		if (c == 0) {
			if (!jumped)
				end = pos + 1;
			break;
		}
		if (pos + 1 + c > len)
			return err_set(e, "dns: label at %zu runs past the message", pos);
		wire += (size_t)c + 1;
		if (wire + 1 > DNS_WIRE_NAME)
			return err_set(e, "dns: name longer than %d bytes", DNS_WIRE_NAME);
		if (o) {
			if (o + 1 >= cap)
				return err_set(e, "dns: name too long");
			out[o++] = '.';
		}
		for (size_t i = 0; i < c; i++) {
			char ch = (char)msg[pos + 1 + i];
			if (text_char(ch)) {
				if (o + 1 >= cap)
					return err_set(e, "dns: name too long");
				out[o++] = ch;
			} else {
				if (o + 4 >= cap)
					return err_set(e, "dns: name too long");
				snprintf(out + o, 5, "\\%03u", (unsigned)(unsigned char)ch);
				o += 4;
			}
		}
		out[o] = '\0';
		pos += 1 + (size_t)c;
	}
	*off = end;
	return 0;
}

int dns_name_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	/* ignore one final dot on either side */
	if (la && a[la - 1] == '.')
		la--;
	if (lb && b[lb - 1] == '.')
		lb--;
	if (la != lb)
		return 0;
	for (size_t i = 0; i < la; i++) {
		char x = a[i], y = b[i];
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return 1;
}

int dns_parse(const uint8_t *msg, size_t len, struct dns_msg *out, struct err *e)
{
	size_t off = DNS_HDR;
	int counts[4];
	static char scratch[DNS_NAME_MAX];

	memset(out, 0, offsetof(struct dns_msg, rr));
	if (len < DNS_HDR)
		return err_set(e, "dns: message of %zu bytes is shorter than a header", len);
	if (len > DNS_MSG_MAX)
		return err_set(e, "dns: message of %zu bytes is too large", len);
	out->id = be16_get(msg);
	out->flags = be16_get(msg + 2);
	out->rcode = out->flags & 0x0f;
	for (int i = 0; i < 4; i++)
		counts[i] = be16_get(msg + 4 + 2 * i);
	out->qdcount = counts[0];
	if (!(out->flags & DNS_F_QR))
		return err_set(e, "dns: not a response (QR clear)");
	if ((out->flags >> 11) & 0x0f)
		return err_set(e, "dns: opcode %d, want QUERY", (out->flags >> 11) & 0x0f);
	for (int q = 0; q < counts[0]; q++) {
		char *dst = q == 0 ? out->qname : scratch;
		if (dns_name_read(msg, len, &off, dst, DNS_NAME_MAX, e) < 0)
			return err_wrap(e, "question %d", q + 1);
		if (off + 4 > len)
			return err_set(e, "dns: question %d truncated", q + 1);
		if (q == 0)
			out->qtype = be16_get(msg + off);
		off += 4;
	}
	for (int sec = 1; sec <= 3; sec++) {
		for (int i = 0; i < counts[sec]; i++) {
			/* records past DNS_MAX_RR are read into tmp and dropped */
			// cppcheck-suppress uninitvar ; tmp is written before it is read
			struct dns_rr tmp, *rr = out->n_rr < DNS_MAX_RR ? &out->rr[out->n_rr] : &tmp;
			if (dns_name_read(msg, len, &off, rr->name, sizeof rr->name, e) < 0)
				return err_wrap(e, "record %d of section %d", i + 1, sec);
			if (off + 10 > len)
				return err_set(e, "dns: record %d of section %d truncated", i + 1, sec);
			rr->type = be16_get(msg + off);
			rr->rclass = be16_get(msg + off + 2) & 0x7fff;
			rr->ttl = be32_get(msg + off + 4);
			rr->rdlen = be16_get(msg + off + 8);
			rr->rdoff = off + 10;
			rr->section = sec;
			if (rr->rdoff + rr->rdlen > len)
				return err_set(e, "dns: %s record \"%.80s\" data runs past the message",
					       dns_type_name(rr->type), rr->name);
			off = rr->rdoff + rr->rdlen;
			if (rr == &tmp)
				out->n_dropped++;
			else
				out->n_rr++;
		}
	}
	/* trailing bytes are tolerated (some responders pad), not parsed */
	return 0;
}

int dns_rr_srv(const uint8_t *msg, size_t len, const struct dns_rr *rr, struct dns_srv *out,
	       struct err *e)
{
	size_t off = rr->rdoff + 6;
	if (rr->type != DNS_T_SRV)
		return err_set(e, "dns: not an SRV record");
	if (rr->rdlen < 7 || rr->rdoff + rr->rdlen > len)
		return err_set(e, "dns: SRV record of %zu bytes is too short", rr->rdlen);
	out->priority = be16_get(msg + rr->rdoff);
	out->weight = be16_get(msg + rr->rdoff + 2);
	out->port = be16_get(msg + rr->rdoff + 4);
	/* the target must lie within the rdata (pointers may leave it) */
	if (dns_name_read(msg, rr->rdoff + rr->rdlen, &off, out->target, sizeof out->target, e) < 0)
		return err_wrap(e, "SRV target");
	if (off != rr->rdoff + rr->rdlen)
		return err_set(e, "dns: SRV record has %zu bytes after the target",
			       rr->rdoff + rr->rdlen - off);
	return 0;
}

int dns_txt_next(const uint8_t *msg, const struct dns_rr *rr, size_t *pos, const uint8_t **s,
		 size_t *n, struct err *e)
{
	size_t p = *pos, l;
	if (p >= rr->rdlen)
		return 0;
	l = msg[rr->rdoff + p];
	if (p + 1 + l > rr->rdlen)
		return err_set(e, "dns: TXT string of %zu bytes runs past its record", l);
	*s = msg + rr->rdoff + p + 1;
	*n = l;
	*pos = p + 1 + l;
	return 1;
}

const char *dns_type_name(uint16_t t)
{
	static char buf[16];
	switch (t) {
	case DNS_T_A: return "A";
	case DNS_T_CNAME: return "CNAME";
	case DNS_T_TXT: return "TXT";
	case DNS_T_AAAA: return "AAAA";
	case DNS_T_SRV: return "SRV";
	case DNS_T_OPT: return "OPT";
	default:
		snprintf(buf, sizeof buf, "TYPE%u", (unsigned)t);
		return buf;
	}
}

const char *dns_rcode_name(int rcode)
{
	static const char *names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
				       "REFUSED" };
	if (rcode >= 0 && rcode < 6)
		return names[rcode];
	return "RCODE?";
}
