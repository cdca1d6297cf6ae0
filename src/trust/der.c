/* der.c: a strict DER reader. */
#include "trust/der.h"

#include <stdio.h>
#include <string.h>

void der_init(struct der *d, const uint8_t *buf, size_t len)
{
	d->p = buf;
	d->left = buf ? len : 0;
}

void der_init_tlv(struct der *d, const struct der_tlv *t)
{
	der_init(d, t->val, t->len);
}

int der_at_end(const struct der *d)
{
	return d->left == 0;
}

int der_end(const struct der *d, const char *what, struct err *e)
{
	if (d->left)
		return err_set(e, "der: %zu bytes of trailing data after %s", d->left, what);
	return 0;
}

const char *der_tag_str(uint32_t tag, char *buf, size_t cap)
{
	static const char *const uni[] = {
		[1] = "BOOLEAN", [2] = "INTEGER", [3] = "BIT STRING",
		[4] = "OCTET STRING", [5] = "NULL", [6] = "OBJECT IDENTIFIER",
		[12] = "UTF8String", [16] = "SEQUENCE", [17] = "SET",
		[19] = "PrintableString", [20] = "T61String", [22] = "IA5String",
		[23] = "UTCTime", [24] = "GeneralizedTime", [30] = "BMPString",
	};
	static const char *const cls[] = { "universal", "application", "context", "private" };
	unsigned c = DER_TAG_CLASS(tag);
	uint32_t n = DER_TAG_NUM(tag);
	int cons = DER_TAG_CONS(tag);

	if (!cap)
		return buf;
	if (c == DER_CLASS_UNIVERSAL && n < sizeof uni / sizeof uni[0] && uni[n]) {
		if ((n == 16 || n == 17) != cons)
			snprintf(buf, cap, "%s (%s)", uni[n], cons ? "constructed" : "primitive");
		else
			snprintf(buf, cap, "%s", uni[n]);
	} else if (c == DER_CLASS_CONTEXT) {
		snprintf(buf, cap, "[%u] %s", (unsigned)n, cons ? "constructed" : "primitive");
	} else {
		snprintf(buf, cap, "%s %u%s", cls[c], (unsigned)n, cons ? " constructed" : "");
	}
	return buf;
}

/* Decode the TLV at the cursor into t; does not advance. */
static int decode(const struct der *d, struct der_tlv *t, struct err *e)
{
	const uint8_t *p = d->p;
	size_t left = d->left, i, len;
	uint32_t num;
	uint8_t id;

	if (left == 0)
		return err_set(e, "der: unexpected end of data (expected a TLV)");
	id = p[0];
	i = 1;
	num = id & 0x1F;
	if (num == 0x1F) {
		/* high tag number form: base-128, minimal, >= 31 */
		num = 0;
		for (;;) {
			if (i >= left)
				return err_set(e, "der: tag runs past end of buffer");
			if (num == 0 && p[i] == 0x80)
				return err_set(e, "der: non-minimal multi-byte tag");
			if (num > (0x0FFFFFFFu >> 7))
				return err_set(e, "der: tag number too large");
			num = (num << 7) | (p[i] & 0x7F);
			if (!(p[i++] & 0x80))
				break;
		}
		if (num < 31)
			return err_set(e, "der: tag number %u uses the multi-byte form", (unsigned)num);
	}
	if (i >= left)
		return err_set(e, "der: missing length after tag");
	if (p[i] < 0x80) {
		len = p[i++];
	} else if (p[i] == 0x80) {
		return err_set(e, "der: indefinite length is not allowed in DER");
	} else {
		size_t n = p[i++] & 0x7F, k;
		if (n > 4)
			return err_set(e, "der: length of %zu octets is too long", n);
		if (n > left - i)
			return err_set(e, "der: length octets run past end of buffer");
		if (p[i] == 0)
			return err_set(e, "der: non-minimal length encoding (leading zero)");
		len = 0;
		for (k = 0; k < n; k++)
			len = (len << 8) | p[i++];
		if (len < 0x80)
			return err_set(e, "der: non-minimal length encoding (%zu in long form)", len);
	}
	if (len > left - i)
		return err_set(e, "der: length %zu runs past end of buffer (%zu bytes left)",
			len, left - i);
	t->tag = DER_TAG(id >> 6, (id >> 5) & 1, num);
	t->raw = p;
	t->raw_len = i + len;
	t->val = p + i;
	t->len = len;
	return 0;
}

int der_peek(const struct der *d, struct der_tlv *t, struct err *e)
{
	return decode(d, t, e);
}

int der_read(struct der *d, struct der_tlv *t, struct err *e)
{
	if (decode(d, t, e) < 0)
		return -1;
	d->p += t->raw_len;
	d->left -= t->raw_len;
	return 0;
}

int der_next_is(const struct der *d, uint32_t tag)
{
	struct der_tlv t;
	if (decode(d, &t, NULL) < 0)
		return 0;
	return t.tag == tag;
}

int der_expect(struct der *d, uint32_t tag, struct der_tlv *t, struct err *e)
{
	struct der_tlv tmp;
	char want[40], got[40];

	if (!t)
		t = &tmp;
	if (decode(d, t, e) < 0)
		return -1;
	if (t->tag != tag)
		return err_set(e, "der: expected %s, found %s",
			der_tag_str(tag, want, sizeof want),
			der_tag_str(t->tag, got, sizeof got));
	d->p += t->raw_len;
	d->left -= t->raw_len;
	return 0;
}

int der_enter(struct der *d, uint32_t tag, struct der *inner, struct der_tlv *t,
	struct err *e)
{
	struct der_tlv tmp;
	if (!t)
		t = &tmp;
	if (der_expect(d, tag, t, e) < 0)
		return -1;
	der_init_tlv(inner, t);
	return 0;
}

int der_read_integer(struct der *d, uint32_t tag, const uint8_t **val,
	size_t *len, struct err *e)
{
	struct der_tlv t;
	if (der_expect(d, tag, &t, e) < 0)
		return -1;
	if (t.len == 0)
		return err_set(e, "der: empty INTEGER");
	if (t.len > 1 && ((t.val[0] == 0x00 && !(t.val[1] & 0x80)) ||
			(t.val[0] == 0xFF && (t.val[1] & 0x80))))
		return err_set(e, "der: non-minimal INTEGER encoding");
	*val = t.val;
	*len = t.len;
	return 0;
}

int der_read_uint(struct der *d, uint32_t *v, struct err *e)
{
	const uint8_t *p;
	size_t n, i;
	uint32_t x = 0;

	if (der_read_integer(d, DER_INTEGER, &p, &n, e) < 0)
		return -1;
	if (p[0] & 0x80)
		return err_set(e, "der: negative INTEGER where a small number was expected");
	if (n > 4) /* not negative (above): four octets hold it */
		return err_set(e, "der: INTEGER too large (%zu octets)", n);
	for (i = 0; i < n; i++)
		x = (x << 8) | p[i];
	*v = x;
	return 0;
}

static int oid_valid(const uint8_t *v, size_t len)
{
	size_t i;
	if (len == 0 || (v[len - 1] & 0x80))
		return 0;
	for (i = 0; i < len; i++) {
		/* a subidentifier must not start with 0x80 */
		if (v[i] == 0x80 && (i == 0 || !(v[i - 1] & 0x80)))
			return 0;
	}
	return 1;
}

int der_read_oid(struct der *d, struct der_tlv *t, struct err *e)
{
	if (der_expect(d, DER_OID, t, e) < 0)
		return -1;
	if (!oid_valid(t->val, t->len))
		return err_set(e, "der: malformed OBJECT IDENTIFIER");
	return 0;
}

int der_oid_eq(const struct der_tlv *t, const uint8_t *oid_der, size_t oid_len)
{
	return t->raw && t->raw_len == oid_len && memcmp(t->raw, oid_der, oid_len) == 0;
}

const char *der_oid_str(const struct der_tlv *t, char *buf, size_t cap)
{
	size_t i, pos = 0;
	uint64_t arc = 0;
	int first = 1;

	if (!cap)
		return buf;
	buf[0] = '\0';
	if (t->tag != DER_OID || !oid_valid(t->val, t->len)) {
		snprintf(buf, cap, "(bad oid)");
		return buf;
	}
	for (i = 0; i < t->len; i++) {
		if (arc > (UINT64_MAX >> 8)) {
			snprintf(buf, cap, "(oid arc too large)");
			return buf;
		}
		arc = (arc << 7) | (t->val[i] & 0x7F);
		if (t->val[i] & 0x80)
			continue;
		char part[48];
		if (first) {
			unsigned a = arc < 40 ? 0 : arc < 80 ? 1 : 2;
			snprintf(part, sizeof part, "%u.%llu", a,
				(unsigned long long)(arc - 40u * a));
			first = 0;
		} else {
			snprintf(part, sizeof part, ".%llu", (unsigned long long)arc);
		}
		size_t pl = strlen(part);
		if (pos + pl + 1 > cap) {
			if (cap >= 4)
				memcpy(buf + cap - 4, "...", 4);
			return buf;
		}
		memcpy(buf + pos, part, pl + 1);
		pos += pl;
		arc = 0;
	}
	return buf;
}

int der_read_octets(struct der *d, uint32_t tag, struct der_tlv *t, struct err *e)
{
	struct der_tlv tmp;
	char name[40];

	if (!t)
		t = &tmp;
	if (der_peek(d, t, e) < 0)
		return -1;
	if (t->tag == (tag | DER_TAG(0, 1, 0))) {
		if (DER_TAG_CLASS(tag) == DER_CLASS_CONTEXT)
			snprintf(name, sizeof name, "[%u] string", (unsigned)DER_TAG_NUM(tag));
		else
			der_tag_str(tag, name, sizeof name);
		return err_set(e, "der: constructed (BER) %s is not allowed in DER", name);
	}
	return der_expect(d, tag, t, e);
}

int der_read_bit_string(struct der *d, const uint8_t **bits, size_t *len,
	unsigned *unused, struct err *e)
{
	struct der_tlv t;
	unsigned u;

	if (der_read_octets(d, DER_BIT_STRING, &t, e) < 0)
		return -1;
	if (t.len == 0)
		return err_set(e, "der: empty BIT STRING (missing unused-bits octet)");
	u = t.val[0];
	if (u > 7)
		return err_set(e, "der: BIT STRING with %u unused bits", u);
	if (t.len == 1 && u != 0)
		return err_set(e, "der: empty BIT STRING with unused bits");
	if (u && (t.val[t.len - 1] & ((1u << u) - 1)))
		return err_set(e, "der: BIT STRING unused bits are not zero");
	*bits = t.val + 1;
	*len = t.len - 1;
	if (unused)
		*unused = u;
	else if (u)
		return err_set(e, "der: BIT STRING has %u unused bits, expected whole octets", u);
	return 0;
}

int der_read_bool(struct der *d, int *v, struct err *e)
{
	struct der_tlv t;
	if (der_expect(d, DER_BOOLEAN, &t, e) < 0)
		return -1;
	if (t.len != 1)
		return err_set(e, "der: BOOLEAN of length %zu (must be 1)", t.len);
	if (t.val[0] != 0x00 && t.val[0] != 0xFF)
		return err_set(e, "der: BOOLEAN value 0x%02x (DER allows only 0x00 and 0xFF)",
			t.val[0]);
	*v = t.val[0] == 0xFF;
	return 0;
}

int der_read_null(struct der *d, struct err *e)
{
	struct der_tlv t;
	if (der_expect(d, DER_NULL, &t, e) < 0)
		return -1;
	if (t.len != 0)
		return err_set(e, "der: NULL with %zu bytes of contents", t.len);
	return 0;
}

int64_t der_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's days_from_civil */
	int64_t era, yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int digits(const uint8_t *p, size_t n, unsigned *v)
{
	size_t i;
	unsigned x = 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		x = x * 10 + (unsigned)(p[i] - '0');
	}
	*v = x;
	return 0;
}

int der_parse_time(const struct der_tlv *t, time_t *out, struct err *e)
{
	const uint8_t *p = t->val;
	unsigned y, mo, d, h, mi, s;
	size_t yl;
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (t->tag == DER_UTC_TIME) {
		yl = 2;
		if (t->len != 13)
			return err_set(e, "der: UTCTime must be YYMMDDHHMMSSZ (got %zu bytes)", t->len);
	} else if (t->tag == DER_GENERALIZED_TIME) {
		yl = 4;
		if (t->len != 15)
			return err_set(e, "der: GeneralizedTime must be YYYYMMDDHHMMSSZ (got %zu bytes)",
				t->len);
	} else {
		char name[40];
		return err_set(e, "der: expected UTCTime or GeneralizedTime, found %s",
			der_tag_str(t->tag, name, sizeof name));
	}
	if (digits(p, yl, &y) || digits(p + yl, 2, &mo) || digits(p + yl + 2, 2, &d) ||
			digits(p + yl + 4, 2, &h) || digits(p + yl + 6, 2, &mi) ||
			digits(p + yl + 8, 2, &s) || p[yl + 10] != 'Z')
		return err_set(e, "der: malformed %s \"%.*s\"",
			yl == 2 ? "UTCTime" : "GeneralizedTime", (int)t->len, (const char *)p);
	if (yl == 2)
		y += y < 50 ? 2000 : 1900;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
			(mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) ||
			h > 23 || mi > 59 || s > 59)
		return err_set(e, "der: invalid date/time \"%.*s\"", (int)t->len, (const char *)p);
	int64_t secs = der_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	if (sizeof(time_t) < 8 && (secs > INT32_MAX || secs < INT32_MIN))
		return err_set(e, "der: time \"%.*s\" does not fit in time_t", (int)t->len,
			(const char *)p);
	*out = (time_t)secs;
	return 0;
}

int der_read_time(struct der *d, time_t *out, struct err *e)
{
	struct der_tlv t;
	if (der_peek(d, &t, e) < 0)
		return -1;
	if (der_parse_time(&t, out, e) < 0)
		return -1;
	d->p += t.raw_len;
	d->left -= t.raw_len;
	return 0;
}
