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

/* Set the message (printf-style). */
void err_setf(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefix the existing message with "prefix: " (printf-style). */
void err_wrapf(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * err_set(e, fmt, ...) and err_wrap(e, fmt, ...): the same, as expressions
 * whose value is -1, so `return err_set(e, ...)` works. They are macros so
 * that the -1 is visible where they are used: the static analysers of
 * make lint then know that a failure path returns a negative value and do
 * not follow it as if it had succeeded.
 */
#define err_set(e, ...) __extension__ ({ err_setf((e), __VA_ARGS__); -1; })
#define err_wrap(e, ...) __extension__ ({ err_wrapf((e), __VA_ARGS__); -1; })

/* Clear the message. */
void err_clear(struct err *e);

#endif
