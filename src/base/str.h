/*
 * str.h: bounded string copies (the code has no strcpy: make lint's
 * analyser refuses it).
 */
#ifndef SZTP_STR_H
#define SZTP_STR_H

#include <stddef.h>
#include <string.h>

/*
 * Copy the string src, with its NUL, into dst of cap bytes. Returns 0, or
 * -1 with dst untouched when it does not fit. Callers that checked the
 * length already may ignore the result.
 */
static inline int str_copy(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap);
	if (n >= cap)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

#endif
