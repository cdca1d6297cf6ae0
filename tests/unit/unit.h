/*
 * unit.h: the unit-test framework.
 *
 *   TEST(dhcp4_parses_offer) {
 *       CHECK(x == 1);
 *       CHECK_EQ_INT(a, b);
 *       CHECK_EQ_STR(s, "abc");
 *       CHECK_EQ_MEM(p, q, n);
 *   }
 *
 * Each TEST registers itself; tests/unit/runner.c runs them all (or those whose
 * name contains argv[1]) and ends with the line "N passed, N failed". A CHECK
 * that fails prints file:line and the expression and ends that test.
 */
#ifndef SZTP_UNIT_H
#define SZTP_UNIT_H

#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);
void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

#define TEST(name)                                                            \
	static void test_##name(void);                                        \
	static struct unit_test unit_##name = { #name, test_##name, 0 };      \
	__attribute__((constructor)) static void reg_##name(void)             \
	{ unit_register(&unit_##name); }                                      \
	static void test_##name(void)

#define CHECK(c)                                                              \
	do { if (!(c)) unit_fail(__FILE__, __LINE__, "CHECK(%s)", #c); } while (0)
#define CHECK_EQ_INT(a, b)                                                    \
	do { long long a_ = (long long)(a), b_ = (long long)(b);              \
	     if (a_ != b_) unit_fail(__FILE__, __LINE__, "%s == %lld, want %s == %lld", \
	                             #a, a_, #b, b_); } while (0)
#define CHECK_EQ_STR(a, b)                                                    \
	do { const char *a_ = (a), *b_ = (b);                                 \
	     if (!a_ || !b_ || strcmp(a_, b_) != 0)                           \
	         unit_fail(__FILE__, __LINE__, "%s == \"%s\", want \"%s\"", #a, \
	                   a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } while (0)
#define CHECK_EQ_MEM(a, b, n)                                                 \
	do { if (memcmp((a), (b), (n)) != 0)                                  \
	         unit_fail(__FILE__, __LINE__, "memory of %s differs from %s", #a, #b); \
	} while (0)

#endif
