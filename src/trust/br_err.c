/* br_err.c: names for BearSSL error codes and TLS alerts. */
#include "trust/br_err.h"

#include <bearssl.h>
#include <stdio.h>

#define E(c, t) { c, #c, t }
static const struct {
	int code;
	const char *name;
	const char *text;
} errs[] = {
	E(BR_ERR_OK, "no error"),
	E(BR_ERR_BAD_PARAM, "bad parameter"),
	E(BR_ERR_BAD_STATE, "bad engine state"),
	E(BR_ERR_UNSUPPORTED_VERSION, "server chose an unsupported protocol version"),
	E(BR_ERR_BAD_VERSION, "record with wrong protocol version"),
	E(BR_ERR_BAD_LENGTH, "record with bad length"),
	E(BR_ERR_TOO_LARGE, "record too large"),
	E(BR_ERR_BAD_MAC, "record MAC or AEAD tag check failed"),
	E(BR_ERR_NO_RANDOM, "no entropy source for the random generator"),
	E(BR_ERR_UNKNOWN_TYPE, "record with unknown content type"),
	E(BR_ERR_UNEXPECTED, "unexpected message"),
	E(BR_ERR_BAD_CCS, "bad ChangeCipherSpec"),
	E(BR_ERR_BAD_ALERT, "bad alert message"),
	E(BR_ERR_BAD_HANDSHAKE, "bad handshake message"),
	E(BR_ERR_OVERSIZED_ID, "oversized session id"),
	E(BR_ERR_BAD_CIPHER_SUITE, "server chose a cipher suite we did not offer"),
	E(BR_ERR_BAD_COMPRESSION, "server chose an unsupported compression"),
	E(BR_ERR_BAD_FRAGLEN, "bad maximum fragment length"),
	E(BR_ERR_BAD_SECRENEG, "secure renegotiation failure"),
	E(BR_ERR_EXTRA_EXTENSION, "unexpected extension from the server"),
	E(BR_ERR_BAD_SNI, "bad server name indication"),
	E(BR_ERR_BAD_HELLO_DONE, "bad ServerHelloDone"),
	E(BR_ERR_LIMIT_EXCEEDED, "internal limit exceeded"),
	E(BR_ERR_BAD_FINISHED, "bad Finished message"),
	E(BR_ERR_RESUME_MISMATCH, "session resumption mismatch"),
	E(BR_ERR_INVALID_ALGORITHM, "unsupported or invalid algorithm"),
	E(BR_ERR_BAD_SIGNATURE, "bad signature on the key exchange"),
	E(BR_ERR_WRONG_KEY_USAGE, "server key not allowed for this key exchange"),
	E(BR_ERR_NO_CLIENT_AUTH, "no client certificate sent"),
	E(BR_ERR_IO, "I/O error or connection closed"),
	E(BR_ERR_X509_OK, "certificate chain valid"),
	E(BR_ERR_X509_INVALID_VALUE, "invalid value in certificate"),
	E(BR_ERR_X509_TRUNCATED, "truncated certificate"),
	E(BR_ERR_X509_EMPTY_CHAIN, "server sent no certificate"),
	E(BR_ERR_X509_INNER_TRUNC, "certificate element truncated"),
	E(BR_ERR_X509_BAD_TAG_CLASS, "bad DER tag class in certificate"),
	E(BR_ERR_X509_BAD_TAG_VALUE, "bad DER tag in certificate"),
	E(BR_ERR_X509_INDEFINITE_LENGTH, "indefinite length in certificate"),
	E(BR_ERR_X509_EXTRA_ELEMENT, "extra element in certificate"),
	E(BR_ERR_X509_UNEXPECTED, "unexpected element in certificate"),
	E(BR_ERR_X509_NOT_CONSTRUCTED, "expected constructed DER element"),
	E(BR_ERR_X509_NOT_PRIMITIVE, "expected primitive DER element"),
	E(BR_ERR_X509_PARTIAL_BYTE, "BIT STRING with partial byte"),
	E(BR_ERR_X509_BAD_BOOLEAN, "bad BOOLEAN in certificate"),
	E(BR_ERR_X509_OVERFLOW, "value overflow in certificate"),
	E(BR_ERR_X509_BAD_DN, "bad distinguished name"),
	E(BR_ERR_X509_BAD_TIME, "bad time in certificate"),
	E(BR_ERR_X509_UNSUPPORTED, "unsupported certificate feature"),
	E(BR_ERR_X509_LIMIT_EXCEEDED, "certificate limit exceeded"),
	E(BR_ERR_X509_WRONG_KEY_TYPE, "wrong key type"),
	E(BR_ERR_X509_BAD_SIGNATURE, "bad certificate signature"),
	E(BR_ERR_X509_TIME_UNKNOWN, "validation time unknown"),
	E(BR_ERR_X509_EXPIRED, "certificate expired or not yet valid"),
	E(BR_ERR_X509_DN_MISMATCH, "issuer/subject name mismatch in chain"),
	E(BR_ERR_X509_BAD_SERVER_NAME, "certificate does not match the server name"),
	E(BR_ERR_X509_CRITICAL_EXTENSION, "unsupported critical extension"),
	E(BR_ERR_X509_NOT_CA, "issuer is not a CA"),
	E(BR_ERR_X509_FORBIDDEN_KEY_USAGE, "key usage forbids this use"),
	E(BR_ERR_X509_WEAK_PUBLIC_KEY, "public key too weak"),
	E(BR_ERR_X509_NOT_TRUSTED, "certificate not trusted"),
};
#undef E

static const struct {
	int code;
	const char *name;
} alerts[] = {
	{ 0, "close_notify" }, { 10, "unexpected_message" }, { 20, "bad_record_mac" },
	{ 22, "record_overflow" }, { 40, "handshake_failure" }, { 42, "bad_certificate" },
	{ 43, "unsupported_certificate" }, { 44, "certificate_revoked" },
	{ 45, "certificate_expired" }, { 46, "certificate_unknown" },
	{ 47, "illegal_parameter" }, { 48, "unknown_ca" }, { 49, "access_denied" },
	{ 50, "decode_error" }, { 51, "decrypt_error" }, { 70, "protocol_version" },
	{ 71, "insufficient_security" }, { 80, "internal_error" },
	{ 86, "inappropriate_fallback" }, { 90, "user_canceled" },
	{ 100, "no_renegotiation" }, { 109, "missing_extension" },
	{ 110, "unsupported_extension" }, { 112, "unrecognized_name" },
	{ 116, "certificate_required" }, { 120, "no_application_protocol" },
};

const char *br_err_name(int code)
{
	for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++)
		if (errs[i].code == code)
			return errs[i].name;
	return NULL;
}

const char *br_err_text(int code)
{
	if (code >= BR_ERR_SEND_FATAL_ALERT && code < BR_ERR_SEND_FATAL_ALERT + 256)
		return "we sent a fatal alert";
	if (code >= BR_ERR_RECV_FATAL_ALERT && code < BR_ERR_RECV_FATAL_ALERT + 256)
		return "server sent a fatal alert";
	for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++)
		if (errs[i].code == code)
			return errs[i].text;
	return "unknown error";
}

const char *tls_alert_name(int alert)
{
	for (size_t i = 0; i < sizeof alerts / sizeof alerts[0]; i++)
		if (alerts[i].code == alert)
			return alerts[i].name;
	return "unknown";
}

const char *br_err_format(int code, char *buf, size_t cap)
{
	const char *name = br_err_name(code);

	if (code >= BR_ERR_SEND_FATAL_ALERT && code < BR_ERR_SEND_FATAL_ALERT + 256)
		snprintf(buf, cap, "we sent fatal alert %d %s (BearSSL error %d: BR_ERR_SEND_FATAL_ALERT+%d)",
			 code - BR_ERR_SEND_FATAL_ALERT, tls_alert_name(code - BR_ERR_SEND_FATAL_ALERT),
			 code, code - BR_ERR_SEND_FATAL_ALERT);
	else if (code >= BR_ERR_RECV_FATAL_ALERT && code < BR_ERR_RECV_FATAL_ALERT + 256)
		snprintf(buf, cap, "server sent fatal alert %d %s (BearSSL error %d: BR_ERR_RECV_FATAL_ALERT+%d)",
			 code - BR_ERR_RECV_FATAL_ALERT, tls_alert_name(code - BR_ERR_RECV_FATAL_ALERT),
			 code, code - BR_ERR_RECV_FATAL_ALERT);
	else if (name)
		snprintf(buf, cap, "%s (BearSSL error %d: %s)", br_err_text(code), code, name);
	else
		snprintf(buf, cap, "unknown error (BearSSL error %d)", code);
	return buf;
}
