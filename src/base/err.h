/*
 * err.h: one-line error messages that name what was wrong.
 *
 * Functions that can fail on hostile input take a `struct err *` and, on
 * failure, fill it with a single line such as
 *   voucher: serial-number "X" does not match device "Y"
 * and return a negative value. Callers may prefix context with err_wrap().
 * An err may be NULL when the caller does not want the message.
 */
#ifndef SZTP_ERR_H
#define SZTP_ERR_H

#include <stddef.h>

#define ERR_MSG_MAX 512

struct err {
	char msg[ERR_MSG_MAX];
};

/* Set the message (printf-style) and return -1, so `return err_set(e, ...)` works. */
int err_set(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefix the existing message with "prefix: " and return -1. */
int err_wrap(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clear the message. */
void err_clear(struct err *e);

#endif
