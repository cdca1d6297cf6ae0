/* fuzz_clock.c: operator times (--floor, --time: RFC 3339 or Unix seconds)
 * and the policy built from them (trust/clock.h). */
#include "trust/clock.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct clock_policy p;
	struct err e;
	char s[80], line[512];
	time_t t, nb, na, at;

	if (size >= sizeof s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (clock_parse_time(s, &t, &e) < 0)
		return 0;
	if (t < 0 || t > CLOCK_TIME_MAX)
		__builtin_trap();
	for (int m = SZTP_CLOCK_AUTO; m <= SZTP_CLOCK_FLOOR; m++) {
		clock_policy_init(&p, (enum sztp_clock)m, 1796083200, t, &t);
		if (p.bound < p.base || p.base < p.build_time)
			__builtin_trap();
		clock_describe(&p, line, sizeof line);
		nb = t / 2;
		na = t;
		(void)clock_check_validity(&p, nb, na, "c", &e);
		if (clock_chain_time(&p, nb, na, &at, &e) == 0 && at < p.bound)
			__builtin_trap();
		if (clock_floor_next(&p, t) < p.bound)
			__builtin_trap();
	}
	return 0;
}
