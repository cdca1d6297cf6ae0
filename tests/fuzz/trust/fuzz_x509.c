/* fuzz_x509.c: certificate parsing helpers and path validation on arbitrary
 * input (as the leaf, as a pool member and as an anchor). */
#include <stddef.h>
#include <stdint.h>

#include "trust/x509.h"

#include "crypto_testkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct x509_cert c;
	struct x509_pkey pk;
	static struct x509_anchor a;
	struct x509_der self = { data, size };
	struct x509_der fixed = { fuzz_cert, sizeof fuzz_cert };
	struct x509_path path;
	struct err e;
	struct clock_policy at, bound;
	char buf[256];

	if (x509_parse(data, size, &c, &e) == 0) {
		(void)x509_subject_serial(&c, buf, sizeof buf, &e);
		(void)x509_subject_serial(&c, buf, 4, &e);
		x509_name_str(c.subject, c.subject_len, buf, sizeof buf);
		x509_name_str(c.issuer, c.issuer_len, buf, 16);
		if (x509_get_pkey(fixed.der, fixed.len, &pk, &e) == 0)
			(void)x509_verify_issued_by(&c, &pk.key, &e);
	}
	(void)x509_get_pkey(data, size, &pk, &e);
	(void)x509_anchor_from_der(data, size, 1, &a, &e);
	/* input as leaf issued by the fixed certificate, with itself in the pool */
	clock_policy_exact(&at, 1700000000);
	clock_policy_init(&bound, SZTP_CLOCK_FLOOR, 0, 0, NULL);
	(void)x509_validate(data, size, &self, 1, &fixed, 1, &at, 0, &path, &e);
	(void)x509_validate(data, size, &self, 1, &fixed, 1, &bound,
		X509_REQUIRE_DIGITAL_SIGNATURE | X509_ANCHOR_VALIDITY, &path, &e);
	/* input as anchor for the fixed certificate, and as its own anchor */
	(void)x509_validate(fixed.der, fixed.len, NULL, 0, &self, 1, &at, X509_ANCHOR_VALIDITY,
		&path, &e);
	(void)x509_validate(data, size, NULL, 0, &self, 1, &at,
		X509_REQUIRE_DIGITAL_SIGNATURE, &path, &e);
	return 0;
}
