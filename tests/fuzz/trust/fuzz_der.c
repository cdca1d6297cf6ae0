/* fuzz_der.c: the strict DER reader on arbitrary input, walked recursively. */
#include <stddef.h>
#include <stdint.h>

#include "trust/der.h"
#include "trust/oid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(struct der *d, int depth)
{
	struct der_tlv t;
	struct err e;
	char buf[64];

	while (!der_at_end(d)) {
		struct der c = *d;
		if (der_read(d, &t, &e) < 0)
			return;
		if (t.raw != c.p || t.raw_len > c.left || t.val + t.len != t.raw + t.raw_len)
			__builtin_trap();
		der_tag_str(t.tag, buf, sizeof buf);
		switch (t.tag) {
		case DER_OID: {
			struct der_tlv o;
			if (der_read_oid(&c, &o, &e) == 0) {
				der_oid_str(&o, buf, sizeof buf);
				der_oid_str(&o, buf, 8);
				oid_describe(&o, buf, sizeof buf);
			}
			break;
		}
		case DER_INTEGER: {
			const uint8_t *p;
			size_t n;
			uint32_t v;
			struct der c2 = c;
			(void)der_read_integer(&c, DER_INTEGER, &p, &n, &e);
			(void)der_read_uint(&c2, &v, &e);
			break;
		}
		case DER_BOOLEAN: {
			int v;
			(void)der_read_bool(&c, &v, &e);
			break;
		}
		case DER_NULL:
			(void)der_read_null(&c, &e);
			break;
		case DER_BIT_STRING: {
			const uint8_t *p;
			size_t n;
			unsigned u;
			(void)der_read_bit_string(&c, &p, &n, &u, &e);
			break;
		}
		case DER_UTC_TIME:
		case DER_GENERALIZED_TIME: {
			time_t tt;
			(void)der_read_time(&c, &tt, &e);
			break;
		}
		case DER_OCTET_STRING: {
			struct der_tlv o;
			struct der in;
			(void)der_read_octets(&c, DER_OCTET_STRING, &o, &e);
			/* OCTET STRINGs often wrap DER (extensions) */
			if (depth < 16) {
				der_init_tlv(&in, &t);
				walk(&in, depth + 1);
			}
			break;
		}
		default:
			break;
		}
		if (DER_TAG_CONS(t.tag) && depth < 32) {
			struct der in;
			der_init_tlv(&in, &t);
			walk(&in, depth + 1);
		}
	}
	(void)der_end(d, "input", &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct der d;
	der_init(&d, data, size);
	(void)der_next_is(&d, DER_SEQUENCE);
	walk(&d, 0);
	return 0;
}
