/*
 * dns.h: a small DNS message builder and parser (RFC 1035, RFC 2782 SRV,
 * RFC 6762 mDNS), no I/O. dns_client.h sends and receives.
 *
 * Everything in a received message is hostile: every length is checked
 * against the message, names are at most DNS_NAME_MAX - 1 bytes of text and
 * 255 bytes of wire format, and compression pointers must point strictly
 * backwards (before the label that holds them), which rules out loops; at
 * most DNS_MAX_PTRS pointers are followed per name anyway.
 *
 * Names are handled as text with '.' between labels and no final dot
 * ("sn1._sztp.example.net"). A label byte that is not a letter, digit, '-'
 * or '_' is written as "\DDD" (decimal) by the parser, so that a '.' inside
 * a label can never be confused with a separator; the builder accepts only
 * labels of letters, digits, '-', '_' and the serial characters ":+".
 */
#ifndef SZTP_DNS_H
#define SZTP_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define DNS_HDR       12
#define DNS_NAME_MAX  1024  /* text form, NUL included (escapes make it longer than 255) */
#define DNS_WIRE_NAME 255
#define DNS_MAX_PTRS  32
#define DNS_MAX_RR    64    /* resource records kept from one message */
#define DNS_MSG_MAX   65535 /* largest message (TCP) */
#define DNS_UDP_MAX   9000  /* largest datagram we read (mDNS may use jumbo) */

enum {
	DNS_T_A = 1, DNS_T_CNAME = 5, DNS_T_TXT = 16, DNS_T_AAAA = 28, DNS_T_SRV = 33,
	DNS_T_OPT = 41, DNS_T_ANY = 255,
};
#define DNS_C_IN 1
#define DNS_QU   0x8000 /* mDNS: unicast response wanted (question class bit) */
#define DNS_CACHE_FLUSH 0x8000 /* mDNS: cache-flush bit of a record class */

/* Header flag bits. */
#define DNS_F_QR 0x8000
#define DNS_F_AA 0x0400
#define DNS_F_TC 0x0200
#define DNS_F_RD 0x0100
#define DNS_F_RA 0x0080

enum dns_section { DNS_SEC_ANSWER = 1, DNS_SEC_AUTHORITY = 2, DNS_SEC_ADDITIONAL = 3 };

/* One resource record; rdata stays in the message (offset + length). */
struct dns_rr {
	char name[DNS_NAME_MAX];
	uint16_t type;
	uint16_t rclass;   /* with the mDNS cache-flush bit removed */
	uint32_t ttl;
	size_t rdoff, rdlen;
	int section;       /* enum dns_section */
};

/* A parsed message. */
struct dns_msg {
	uint16_t id, flags;
	int rcode;
	int qdcount;
	char qname[DNS_NAME_MAX]; /* first question, "" when none */
	uint16_t qtype;
	int n_rr;                 /* records kept (at most DNS_MAX_RR) */
	int n_dropped;            /* records beyond DNS_MAX_RR */
	struct dns_rr rr[DNS_MAX_RR];
};

/* An SRV record's data (RFC 2782). */
struct dns_srv {
	uint16_t priority, weight, port;
	char target[DNS_NAME_MAX];
};

/*
 * Encode a text name into wire format at out[cap]. Returns the length, or -1
 * with `e` set when a label is empty, longer than 63 bytes, holds other
 * characters than letters, digits, "-_:+", or the name exceeds 255 bytes.
 */
int dns_name_encode(const char *name, uint8_t *out, size_t cap, struct err *e);

/*
 * Build a query for `name`/`qtype` (class IN, with `qclass_bits` OR-ed into
 * the class, e.g. DNS_QU) into buf[cap]; `flags` goes into the header
 * (DNS_F_RD for a recursive unicast query, 0 for mDNS). Returns the length
 * or -1 with `e` set.
 */
int dns_build_query(uint8_t *buf, size_t cap, uint16_t id, uint16_t flags, const char *name,
		    uint16_t qtype, uint16_t qclass_bits, struct err *e);

/*
 * Read the (possibly compressed) name at msg[*off] into out[cap] as text,
 * advancing *off past it in the original position: what dns_name_encode()
 * accepts in a label (letters, digits, "-_:+") as it is, any other byte as
 * "\DDD" (decimal), so a name reads back as the text it was encoded from.
 * Returns 0 or -1 with `e` set (truncated, bad label type, forward or
 * looping pointer, too long).
 */
int dns_name_read(const uint8_t *msg, size_t len, size_t *off, char *out, size_t cap,
		  struct err *e);

/*
 * Parse a whole message: header, questions (the first one is kept), then the
 * answer, authority and additional records (up to DNS_MAX_RR kept, the rest
 * counted in n_dropped but still checked). It must be a response (QR set).
 * Returns 0 with `out` filled, or -1 with `e` set.
 */
int dns_parse(const uint8_t *msg, size_t len, struct dns_msg *out, struct err *e);

/* Case-insensitive comparison of two text names (ASCII only); 1 when equal. */
int dns_name_eq(const char *a, const char *b);

/* Decode an SRV record's rdata (target may be compressed). 0 or -1 with `e`. */
int dns_rr_srv(const uint8_t *msg, size_t len, const struct dns_rr *rr, struct dns_srv *out,
	       struct err *e);

/*
 * Iterate the character-strings of a TXT record: on each call, sets *s / *n to
 * the next string and returns 1; returns 0 at the end, -1 with `e` set when a
 * string overruns the rdata. `*pos` starts at 0.
 */
int dns_txt_next(const uint8_t *msg, const struct dns_rr *rr, size_t *pos, const uint8_t **s,
		 size_t *n, struct err *e);

/* Name of a record type ("TXT", "SRV", ...) or "TYPE<n>" in a static buffer. */
const char *dns_type_name(uint16_t t);

/* Name of an RCODE ("NXDOMAIN"). */
const char *dns_rcode_name(int rcode);

#endif
