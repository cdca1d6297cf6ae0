/* fuzz_voucher.c: voucher JSON, RFC 3339 dates and the voucher checks. */
#include "trust/voucher.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct voucher v;
	static const uint8_t nonce[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct voucher_policy p;
	struct clock_policy c;
	struct err e;
	char date[64];
	time_t t;

	/* the first bytes also go to the date parser on their own */
	if (size < sizeof date) {
		memcpy(date, data, size);
		date[size] = '\0';
		(void)rfc3339_parse(date, &t, &e);
	}
	if (voucher_parse(data, size, &v, &e) < 0)
		return 0;
	memset(&p, 0, sizeof p);
	p.serial = "SZTP-DEMO-0001";
	clock_policy_exact(&c, 1800000000);
	p.clock = &c;
	(void)voucher_check(&v, &p, &e);
	(void)voucher_freshness(&v, &p, date, sizeof date);
	p.nonce = nonce;
	p.nonce_len = sizeof nonce;
	clock_policy_init(&c, SZTP_CLOCK_FLOOR, 1796083200, 0, NULL);
	(void)voucher_check(&v, &p, &e);
	c.nonce_required = 1;
	(void)voucher_check(&v, &p, &e);
	(void)voucher_freshness(&v, &p, date, sizeof date);
	return 0;
}
