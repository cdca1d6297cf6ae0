/*
 * der.h: a strict DER reader (X.690 Distinguished Encoding Rules).
 *
 * A `struct der` is a cursor over a caller-owned buffer; nothing is copied
 * and nothing is allocated. Each read returns a `struct der_tlv` that points
 * into the buffer, both at the value (`val`, `len`) and at the whole encoding
 * (`raw`, `raw_len`: identifier + length + value), so that signed regions can
 * be hashed exactly as they were received.
 *
 * Strictness (anything else is an error with a one-line message):
 *   - definite lengths only (no indefinite length 0x80),
 *   - minimal length encodings (no 0x81 for lengths < 128, no leading zero
 *     length octets, at most 4 length octets),
 *   - multi-byte tag numbers must be minimal and >= 31, at most 28 bits,
 *   - a length must fit in what is left of the enclosing value,
 *   - INTEGER minimal (no redundant leading 0x00/0xFF), BOOLEAN 0x00 or 0xFF,
 *     OCTET STRING / BIT STRING / OID / times primitive,
 *   - UTCTime "YYMMDDHHMMSSZ", GeneralizedTime "YYYYMMDDHHMMSSZ" (RFC 5280
 *     forms: seconds present, 'Z', no fraction).
 *
 * Every function that can fail takes a `struct err *` (may be NULL), fills it
 * with a message starting "der: " and returns -1; success returns 0.
 */
#ifndef SZTP_DER_H
#define SZTP_DER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"

/*
 * A tag packs class, constructed bit and number into one value:
 * bits 31-30 class (0 universal, 1 application, 2 context, 3 private),
 * bit 29 constructed, bits 27-0 the tag number.
 */
#define DER_TAG(cls, cons, num) \
	((uint32_t)(cls) << 30 | (uint32_t)(cons) << 29 | (uint32_t)(num))
#define DER_TAG_CLASS(t)  ((unsigned)((t) >> 30))
#define DER_TAG_CONS(t)   ((int)(((t) >> 29) & 1u))
#define DER_TAG_NUM(t)    ((uint32_t)((t) & 0x0FFFFFFFu))

#define DER_CLASS_UNIVERSAL   0
#define DER_CLASS_APPLICATION 1
#define DER_CLASS_CONTEXT     2
#define DER_CLASS_PRIVATE     3

#define DER_BOOLEAN           DER_TAG(0, 0, 1)
#define DER_INTEGER           DER_TAG(0, 0, 2)
#define DER_BIT_STRING        DER_TAG(0, 0, 3)
#define DER_OCTET_STRING      DER_TAG(0, 0, 4)
#define DER_NULL              DER_TAG(0, 0, 5)
#define DER_OID               DER_TAG(0, 0, 6)
#define DER_UTF8_STRING       DER_TAG(0, 0, 12)
#define DER_PRINTABLE_STRING  DER_TAG(0, 0, 19)
#define DER_IA5_STRING        DER_TAG(0, 0, 22)
#define DER_UTC_TIME          DER_TAG(0, 0, 23)
#define DER_GENERALIZED_TIME  DER_TAG(0, 0, 24)
#define DER_SEQUENCE          DER_TAG(0, 1, 16)
#define DER_SET               DER_TAG(0, 1, 17)
/* [n] IMPLICIT primitive, and [n] constructed (EXPLICIT, or IMPLICIT SEQUENCE/SET) */
#define DER_CTX(n)            DER_TAG(2, 0, (n))
#define DER_CTX_CONS(n)       DER_TAG(2, 1, (n))

/* Cursor: the bytes not yet read. */
struct der {
	const uint8_t *p;
	size_t left;
};

/* One TLV as read. All pointers point into the caller's buffer. */
struct der_tlv {
	uint32_t tag;          /* packed, see DER_TAG */
	const uint8_t *raw;    /* identifier octet(s) ... end of value */
	size_t raw_len;
	const uint8_t *val;    /* contents octets */
	size_t len;
};

/* Start a cursor over buf[0..len). */
void der_init(struct der *d, const uint8_t *buf, size_t len);

/* Start a cursor over the contents of an already read TLV. */
void der_init_tlv(struct der *d, const struct der_tlv *t);

/* 1 if nothing is left, else 0. */
int der_at_end(const struct der *d);

/* Fail with "der: N bytes of trailing data after WHAT" unless at end.
 * `what` names the enclosing structure for the message. */
int der_end(const struct der *d, const char *what, struct err *e);

/* Read the next TLV (any tag) and advance past it. */
int der_read(struct der *d, struct der_tlv *t, struct err *e);

/* Decode the next TLV without advancing. */
int der_peek(const struct der *d, struct der_tlv *t, struct err *e);

/* 1 if the next TLV exists and its identifier is `tag`, else 0 (also on
 * malformed or missing data; the following read reports that). For OPTIONAL
 * and DEFAULT fields. */
int der_next_is(const struct der *d, uint32_t tag);

/* Read the next TLV and fail unless its tag is `tag`:
 * "der: expected SEQUENCE, found [0] constructed". `t` may be NULL. */
int der_expect(struct der *d, uint32_t tag, struct der_tlv *t, struct err *e);

/* Read a constructed TLV with tag `tag` and start `inner` over its contents.
 * `t` (may be NULL) receives the TLV itself, e.g. to hash its raw bytes. */
int der_enter(struct der *d, uint32_t tag, struct der *inner, struct der_tlv *t,
	struct err *e);

/* Read an INTEGER (tag `tag`, normally DER_INTEGER; pass DER_CTX(n) for an
 * IMPLICIT one). Checks minimal encoding; returns the contents octets
 * (two's complement, big endian, including a leading 0x00 when present). */
int der_read_integer(struct der *d, uint32_t tag, const uint8_t **val,
	size_t *len, struct err *e);

/* Read an INTEGER that must be a small non-negative value (0..INT32_MAX),
 * such as a version number. */
int der_read_uint(struct der *d, uint32_t *v, struct err *e);

/* Read an OBJECT IDENTIFIER (validates the subidentifier encoding). */
int der_read_oid(struct der *d, struct der_tlv *t, struct err *e);

/* 1 if `t` (an OID TLV) equals the complete DER encoding `oid_der` (tag and
 * length included, as in oid.h), else 0. */
int der_oid_eq(const struct der_tlv *t, const uint8_t *oid_der, size_t oid_len);

/* Write the dotted form of an OID TLV ("1.2.840.113549.1.7.1") into buf
 * (always NUL-terminated, truncated with "..." if cap is too small; writes
 * "(bad oid)" when the encoding is invalid). Returns buf, for messages. */
const char *der_oid_str(const struct der_tlv *t, char *buf, size_t cap);

/* Read a primitive OCTET STRING with tag `tag` (DER_OCTET_STRING or an
 * IMPLICIT DER_CTX(n)); a constructed (BER) encoding is rejected by name. */
int der_read_octets(struct der *d, uint32_t tag, struct der_tlv *t, struct err *e);

/* Read a BIT STRING; *unused receives the number of unused bits (0..7, the
 * unused bits must be zero, and must be 0 for an empty string). `bits`
 * points after the unused-bits octet; `len` is the count of octets there. */
int der_read_bit_string(struct der *d, const uint8_t **bits, size_t *len,
	unsigned *unused, struct err *e);

/* Read a BOOLEAN: contents exactly one octet, 0x00 (false) or 0xFF (true). */
int der_read_bool(struct der *d, int *v, struct err *e);

/* Read a NULL (empty contents). */
int der_read_null(struct der *d, struct err *e);

/* Read a UTCTime or GeneralizedTime and convert to seconds since the Unix
 * epoch (UTC). UTCTime years 50..99 are 19xx, 00..49 are 20xx (RFC 5280). */
int der_read_time(struct der *d, time_t *out, struct err *e);

/* The same conversion for a TLV already read (tag must be one of the two). */
int der_parse_time(const struct der_tlv *t, time_t *out, struct err *e);

/* Write a short name of a tag ("SEQUENCE", "[0] constructed",
 * "universal 30") into buf, NUL-terminated. Returns buf. */
const char *der_tag_str(uint32_t tag, char *buf, size_t cap);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
int64_t der_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
