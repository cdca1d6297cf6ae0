/* test_der.c: the strict DER reader and the OID table. */
#include "unit.h"

#include <stdint.h>

#include "trust/der.h"
#include "trust/oid.h"

#define B(...) ((const uint8_t[]){ __VA_ARGS__ })
#define N(...) sizeof((const uint8_t[]){ __VA_ARGS__ })
#define INIT(d, ...) der_init(&(d), B(__VA_ARGS__), N(__VA_ARGS__))

TEST(der_reads_sequence_and_raw_pointers)
{
	struct der d, in;
	struct der_tlv t, i;
	struct err e;
	static const uint8_t buf[] = { 0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xAA };

	der_init(&d, buf, sizeof buf);
	CHECK_EQ_INT(der_enter(&d, DER_SEQUENCE, &in, &t, &e), 0);
	CHECK(t.raw == buf);
	CHECK_EQ_INT(t.raw_len, 8);
	CHECK(t.val == buf + 2);
	CHECK_EQ_INT(t.len, 6);
	CHECK(der_at_end(&d));
	CHECK(der_next_is(&in, DER_INTEGER));
	CHECK(!der_next_is(&in, DER_OCTET_STRING));
	uint32_t v;
	CHECK_EQ_INT(der_read_uint(&in, &v, &e), 0);
	CHECK_EQ_INT(v, 5);
	CHECK_EQ_INT(der_read_octets(&in, DER_OCTET_STRING, &i, &e), 0);
	CHECK_EQ_INT(i.len, 1);
	CHECK_EQ_INT(i.val[0], 0xAA);
	CHECK_EQ_INT(der_end(&in, "x", &e), 0);
}

TEST(der_rejects_indefinite_length)
{
	struct der d;
	struct der_tlv t;
	struct err e;
	INIT(d, 0x30, 0x80, 0x02, 0x01, 0x00, 0x00, 0x00);
	CHECK_EQ_INT(der_read(&d, &t, &e), -1);
	CHECK(strstr(e.msg, "indefinite length"));
}

TEST(der_rejects_non_minimal_length)
{
	struct der d;
	struct der_tlv t;
	struct err e;
	INIT(d, 0x04, 0x81, 0x01, 0xAA);
	CHECK_EQ_INT(der_read(&d, &t, &e), -1);
	CHECK(strstr(e.msg, "non-minimal length"));
	INIT(d, 0x04, 0x82, 0x00, 0x81, 0xAA);
	CHECK_EQ_INT(der_read(&d, &t, &e), -1);
	CHECK(strstr(e.msg, "non-minimal length"));
	INIT(d, 0x04, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00);
	CHECK_EQ_INT(der_read(&d, &t, &e), -1);
	CHECK(strstr(e.msg, "too long"));
}

TEST(der_long_form_length_ok)
{
	static uint8_t buf[3 + 200];
	struct der d;
	struct der_tlv t;
	struct err e;
	buf[0] = 0x04;
	buf[1] = 0x81;
	buf[2] = 200;
	der_init(&d, buf, sizeof buf);
	CHECK_EQ_INT(der_read(&d, &t, &e), 0);
	CHECK_EQ_INT(t.len, 200);
	CHECK(der_at_end(&d));
}

TEST(der_rejects_length_past_end)
{
	struct der d;
	struct der_tlv t;
	struct err e;
	INIT(d, 0x04, 0x05, 0x01, 0x02);
	CHECK_EQ_INT(der_read(&d, &t, &e), -1);
	CHECK_EQ_STR(e.msg, "der: length 5 runs past end of buffer (2 bytes left)");
	INIT(d, 0x04, 0x82, 0x04);
	CHECK_EQ_INT(der_read(&d, &t, &e), -1);
	CHECK(strstr(e.msg, "run past end"));
	INIT(d, 0x04);
	CHECK_EQ_INT(der_read(&d, &t, &e), -1);
	CHECK(strstr(e.msg, "missing length"));
	der_init(&d, NULL, 0);
	CHECK_EQ_INT(der_read(&d, &t, &e), -1);
	CHECK(strstr(e.msg, "unexpected end"));
}

TEST(der_inner_length_bounded_by_outer)
{
	struct der d, in;
	struct der_tlv t;
	struct err e;
	/* SEQUENCE of 3 bytes whose inner OCTET STRING claims 4 */
	INIT(d, 0x30, 0x03, 0x04, 0x04, 0x00, 0x00, 0x00);
	CHECK_EQ_INT(der_enter(&d, DER_SEQUENCE, &in, NULL, &e), 0);
	CHECK_EQ_INT(der_read(&in, &t, &e), -1);
	CHECK(strstr(e.msg, "runs past end"));
}

TEST(der_trailing_garbage)
{
	struct der d, in;
	struct err e;
	INIT(d, 0x30, 0x00, 0xFF);
	CHECK_EQ_INT(der_enter(&d, DER_SEQUENCE, &in, NULL, &e), 0);
	CHECK_EQ_INT(der_end(&d, "ContentInfo", &e), -1);
	CHECK_EQ_STR(e.msg, "der: 1 bytes of trailing data after ContentInfo");
}

TEST(der_expect_names_tags)
{
	struct der d;
	struct err e;
	INIT(d, 0xA0, 0x00);
	CHECK_EQ_INT(der_expect(&d, DER_SEQUENCE, NULL, &e), -1);
	CHECK_EQ_STR(e.msg, "der: expected SEQUENCE, found [0] constructed");
	/* the cursor did not move */
	CHECK(der_next_is(&d, DER_CTX_CONS(0)));
}

TEST(der_multibyte_tags)
{
	struct der d;
	struct der_tlv t;
	struct err e;
	INIT(d, 0x9F, 0x81, 0x00, 0x00);  /* [128] primitive */
	CHECK_EQ_INT(der_read(&d, &t, &e), 0);
	CHECK_EQ_INT(DER_TAG_NUM(t.tag), 128);
	CHECK_EQ_INT(DER_TAG_CLASS(t.tag), DER_CLASS_CONTEXT);
	INIT(d, 0x9F, 0x1E, 0x00);  /* 30 in the long form */
	CHECK_EQ_INT(der_read(&d, &t, &e), -1);
	CHECK(strstr(e.msg, "multi-byte form"));
	INIT(d, 0x9F, 0x80, 0x81, 0x00, 0x00);  /* leading 0x80 */
	CHECK_EQ_INT(der_read(&d, &t, &e), -1);
	CHECK(strstr(e.msg, "non-minimal multi-byte tag"));
	INIT(d, 0x9F, 0x81);
	CHECK_EQ_INT(der_read(&d, &t, &e), -1);
	CHECK(strstr(e.msg, "tag runs past end"));
	INIT(d, 0x1F, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x00);
	CHECK_EQ_INT(der_read(&d, &t, &e), -1);
	CHECK(strstr(e.msg, "too large"));
}

TEST(der_boolean_strict)
{
	struct der d;
	struct err e;
	int v;
	INIT(d, 0x01, 0x01, 0xFF);
	CHECK_EQ_INT(der_read_bool(&d, &v, &e), 0);
	CHECK_EQ_INT(v, 1);
	INIT(d, 0x01, 0x01, 0x00);
	CHECK_EQ_INT(der_read_bool(&d, &v, &e), 0);
	CHECK_EQ_INT(v, 0);
	INIT(d, 0x01, 0x01, 0x01);
	CHECK_EQ_INT(der_read_bool(&d, &v, &e), -1);
	CHECK(strstr(e.msg, "0x01"));
	INIT(d, 0x01, 0x02, 0xFF, 0xFF);
	CHECK_EQ_INT(der_read_bool(&d, &v, &e), -1);
	CHECK(strstr(e.msg, "length 2"));
}

TEST(der_integer_minimal)
{
	struct der d;
	struct err e;
	const uint8_t *p;
	size_t n;
	uint32_t v;
	INIT(d, 0x02, 0x02, 0x00, 0x80);
	CHECK_EQ_INT(der_read_integer(&d, DER_INTEGER, &p, &n, &e), 0);
	CHECK_EQ_INT(n, 2);
	INIT(d, 0x02, 0x02, 0x00, 0x7F);
	CHECK_EQ_INT(der_read_integer(&d, DER_INTEGER, &p, &n, &e), -1);
	CHECK(strstr(e.msg, "non-minimal INTEGER"));
	INIT(d, 0x02, 0x02, 0xFF, 0x80);
	CHECK_EQ_INT(der_read_integer(&d, DER_INTEGER, &p, &n, &e), -1);
	INIT(d, 0x02, 0x00);
	CHECK_EQ_INT(der_read_integer(&d, DER_INTEGER, &p, &n, &e), -1);
	CHECK(strstr(e.msg, "empty INTEGER"));
	INIT(d, 0x02, 0x01, 0xFF);
	CHECK_EQ_INT(der_read_uint(&d, &v, &e), -1);
	CHECK(strstr(e.msg, "negative"));
	INIT(d, 0x02, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00);
	CHECK_EQ_INT(der_read_uint(&d, &v, &e), -1);
	INIT(d, 0x02, 0x04, 0x7F, 0xFF, 0xFF, 0xFF);
	CHECK_EQ_INT(der_read_uint(&d, &v, &e), 0);
	CHECK_EQ_INT(v, 0x7FFFFFFF);
}

TEST(der_constructed_octet_string_rejected)
{
	struct der d;
	struct der_tlv t;
	struct err e;
	INIT(d, 0x24, 0x03, 0x04, 0x01, 0x41);
	CHECK_EQ_INT(der_read_octets(&d, DER_OCTET_STRING, &t, &e), -1);
	CHECK_EQ_STR(e.msg, "der: constructed (BER) OCTET STRING is not allowed in DER");
}

TEST(der_bit_string)
{
	struct der d;
	struct err e;
	const uint8_t *b;
	size_t n;
	unsigned u;
	INIT(d, 0x03, 0x02, 0x07, 0x80);
	CHECK_EQ_INT(der_read_bit_string(&d, &b, &n, &u, &e), 0);
	CHECK_EQ_INT(u, 7);
	CHECK_EQ_INT(n, 1);
	INIT(d, 0x03, 0x02, 0x07, 0x81);   /* unused bit set */
	CHECK_EQ_INT(der_read_bit_string(&d, &b, &n, &u, &e), -1);
	INIT(d, 0x03, 0x02, 0x08, 0x00);
	CHECK_EQ_INT(der_read_bit_string(&d, &b, &n, &u, &e), -1);
	INIT(d, 0x03, 0x00);
	CHECK_EQ_INT(der_read_bit_string(&d, &b, &n, &u, &e), -1);
}

TEST(der_times)
{
	struct der d;
	struct err e;
	time_t t;
	INIT(d, 0x17, 0x0D, '7', '0', '0', '1', '0', '1', '0', '0', '0', '0', '0', '0', 'Z');
	CHECK_EQ_INT(der_read_time(&d, &t, &e), 0);
	CHECK_EQ_INT(t, 0);
	INIT(d, 0x17, 0x0D, '4', '9', '1', '2', '3', '1', '2', '3', '5', '9', '5', '9', 'Z');
	CHECK_EQ_INT(der_read_time(&d, &t, &e), 0);
	CHECK_EQ_INT(t, 2524607999LL);
	INIT(d, 0x18, 0x0F, '9', '9', '9', '9', '1', '2', '3', '1', '2', '3', '5', '9', '5', '9', 'Z');
	CHECK_EQ_INT(der_read_time(&d, &t, &e), 0);
	CHECK_EQ_INT(t, 253402300799LL);
	INIT(d, 0x18, 0x0F, '2', '0', '2', '4', '0', '2', '2', '9', '0', '0', '0', '0', '0', '0', 'Z');
	CHECK_EQ_INT(der_read_time(&d, &t, &e), 0);
	CHECK_EQ_INT(t, 1709164800LL);
	/* 2023 is not a leap year */
	INIT(d, 0x18, 0x0F, '2', '0', '2', '3', '0', '2', '2', '9', '0', '0', '0', '0', '0', '0', 'Z');
	CHECK_EQ_INT(der_read_time(&d, &t, &e), -1);
	CHECK(strstr(e.msg, "invalid date"));
	/* no seconds */
	INIT(d, 0x17, 0x0B, '7', '0', '0', '1', '0', '1', '0', '0', '0', '0', 'Z');
	CHECK_EQ_INT(der_read_time(&d, &t, &e), -1);
	/* local time offset instead of Z */
	INIT(d, 0x17, 0x11, '7', '0', '0', '1', '0', '1', '0', '0', '0', '0', '0', '0',
		'+', '0', '1', '0', '0');
	CHECK_EQ_INT(der_read_time(&d, &t, &e), -1);
	/* fractional seconds */
	INIT(d, 0x18, 0x11, '2', '0', '2', '4', '0', '1', '0', '1', '0', '0', '0', '0', '0', '0',
		'.', '5', 'Z');
	CHECK_EQ_INT(der_read_time(&d, &t, &e), -1);
	/* non-digit */
	INIT(d, 0x17, 0x0D, '7', '0', '0', '1', '0', '1', '0', '0', '0', ' ', '0', '0', 'Z');
	CHECK_EQ_INT(der_read_time(&d, &t, &e), -1);
	CHECK(strstr(e.msg, "malformed UTCTime"));
	/* month 13, hour 24 */
	INIT(d, 0x17, 0x0D, '7', '0', '1', '3', '0', '1', '0', '0', '0', '0', '0', '0', 'Z');
	CHECK_EQ_INT(der_read_time(&d, &t, &e), -1);
	INIT(d, 0x17, 0x0D, '7', '0', '0', '1', '0', '1', '2', '4', '0', '0', '0', '0', 'Z');
	CHECK_EQ_INT(der_read_time(&d, &t, &e), -1);
	/* wrong tag */
	INIT(d, 0x04, 0x00);
	CHECK_EQ_INT(der_read_time(&d, &t, &e), -1);
	CHECK(strstr(e.msg, "expected UTCTime or GeneralizedTime"));
}

TEST(der_oid_table_matches_dotted_names)
{
	/* every constant must render to the dotted form written beside it */
	static const struct { const struct oid *o; const char *dotted; } tab[] = {
		{ &OID_DATA, "1.2.840.113549.1.7.1" },
		{ &OID_SIGNED_DATA, "1.2.840.113549.1.7.2" },
		{ &OID_ENVELOPED_DATA, "1.2.840.113549.1.7.3" },
		{ &OID_AUTH_ENVELOPED_DATA, "1.2.840.113549.1.9.16.1.23" },
		{ &OID_VOUCHER, "1.2.840.113549.1.9.16.1.40" },
		{ &OID_CONVEYED_XML, "1.2.840.113549.1.9.16.1.42" },
		{ &OID_CONVEYED_JSON, "1.2.840.113549.1.9.16.1.43" },
		{ &OID_ATTR_MESSAGE_DIGEST, "1.2.840.113549.1.9.4" },
		{ &OID_SHA384, "2.16.840.1.101.3.4.2.2" },
		{ &OID_ECDSA_SHA256, "1.2.840.10045.4.3.2" },
		{ &OID_P384, "1.3.132.0.34" },
		{ &OID_ECDH_STD_SHA1KDF, "1.3.133.16.840.63.0.2" },
		{ &OID_ECDH_STD_SHA256KDF, "1.3.132.1.11.1" },
		{ &OID_AES256_WRAP, "2.16.840.1.101.3.4.1.45" },
		{ &OID_AES128_GCM, "2.16.840.1.101.3.4.1.6" },
		{ &OID_AT_SERIAL_NUMBER, "2.5.4.5" },
		{ &OID_AUTHORITY_KEY_ID, "2.5.29.35" },
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
		struct der d;
		struct der_tlv t;
		struct err e;
		char buf[64];
		der_init(&d, tab[i].o->der, tab[i].o->len);
		CHECK_EQ_INT(der_read_oid(&d, &t, &e), 0);
		CHECK(der_at_end(&d));
		CHECK_EQ_STR(der_oid_str(&t, buf, sizeof buf), tab[i].dotted);
		CHECK(oid_is(&t, tab[i].o));
		CHECK_EQ_STR(oid_name(&t), tab[i].o->name);
	}
	/* the id-data bytes from the protocol notes */
	static const uint8_t id_data[] = { 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D,
		0x01, 0x07, 0x01 };
	CHECK_EQ_INT(OID_DATA.len, sizeof id_data);
	CHECK_EQ_MEM(OID_DATA.der, id_data, sizeof id_data);
}

TEST(der_oid_malformed)
{
	struct der d;
	struct der_tlv t;
	struct err e;
	char buf[32];
	INIT(d, 0x06, 0x02, 0x2A, 0x86);      /* ends mid-arc */
	CHECK_EQ_INT(der_read_oid(&d, &t, &e), -1);
	INIT(d, 0x06, 0x02, 0x80, 0x01);      /* leading 0x80 */
	CHECK_EQ_INT(der_read_oid(&d, &t, &e), -1);
	INIT(d, 0x06, 0x00);
	CHECK_EQ_INT(der_read_oid(&d, &t, &e), -1);
	INIT(d, 0x06, 0x03, 0x2A, 0x03, 0x04);
	CHECK_EQ_INT(der_read_oid(&d, &t, &e), 0);
	CHECK_EQ_STR(der_oid_str(&t, buf, sizeof buf), "1.2.3.4");
	CHECK(oid_name(&t) == NULL);
	CHECK_EQ_STR(oid_describe(&t, buf, sizeof buf), "1.2.3.4");
	CHECK_EQ_STR(der_oid_str(&t, buf, 6), "1....");
}

TEST(der_constructed_implicit_string_rejected)
{
	struct der d;
	struct der_tlv t;
	struct err e;
	INIT(d, 0xA0, 0x03, 0x04, 0x01, 0x41);
	CHECK_EQ_INT(der_read_octets(&d, DER_CTX(0), &t, &e), -1);
	CHECK_EQ_STR(e.msg, "der: constructed (BER) [0] string is not allowed in DER");
	INIT(d, 0x80, 0x01, 0x41);
	CHECK_EQ_INT(der_read_octets(&d, DER_CTX(0), &t, &e), 0);
	CHECK_EQ_INT(t.len, 1);
}
