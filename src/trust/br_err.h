/*
 * br_err.h: names for BearSSL error codes and TLS alerts.
 */
#ifndef SZTP_BR_ERR_H
#define SZTP_BR_ERR_H

#include <stddef.h>

/* The C name of a BearSSL error code ("BR_ERR_X509_NOT_TRUSTED"), or NULL. */
const char *br_err_name(int code);

/* A short description ("certificate not trusted"), never NULL. */
const char *br_err_text(int code);

/* The name of a TLS alert description ("handshake_failure"), or "unknown". */
const char *tls_alert_name(int alert);

/*
 * Write a one-line description of a BearSSL error code into `buf`:
 *   certificate not trusted (BearSSL error 62: BR_ERR_X509_NOT_TRUSTED)
 *   server sent fatal alert 40 handshake_failure (BearSSL error 296: BR_ERR_RECV_FATAL_ALERT+40)
 * Returns `buf`.
 */
const char *br_err_format(int code, char *buf, size_t cap);

#endif
