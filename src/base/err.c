/* err.c: one-line error messages. */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void err_setf(struct err *e, const char *fmt, ...)
{
	va_list ap;
	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

void err_wrapf(struct err *e, const char *fmt, ...)
{
	char prefix[ERR_MSG_MAX], old[ERR_MSG_MAX];
	va_list ap;
	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	/* prefix, ": ", old message; cut at the buffer's end */
	size_t p = strnlen(prefix, sizeof e->msg - 1), o = strnlen(old, sizeof old);
	memcpy(e->msg, prefix, p);
	if (p + 2 < sizeof e->msg) {
		memcpy(e->msg + p, ": ", 2);
		p += 2;
	}
	if (o > sizeof e->msg - 1 - p)
		o = sizeof e->msg - 1 - p;
	memcpy(e->msg + p, old, o);
	e->msg[p + o] = '\0';
}

void err_clear(struct err *e)
{
	if (e)
		e->msg[0] = '\0';
}
