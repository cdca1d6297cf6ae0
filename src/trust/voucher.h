/*
 * voucher.h: the RFC 8366 ownership voucher ("ietf-voucher:voucher", JSON),
 * parsed into a fixed structure, and the RFC 8572 section 5.4 checks of its
 * contents. Verifying the CMS signature around it is verify.c's job.
 *
 * Policy decisions (documented in docs/trust-model.md):
 *  - nonce and expires-on together: refused (RFC 8366: mutually exclusive).
 *  - a voucher nonce must equal the nonce we sent; a voucher with a nonce
 *    when we sent none (removable media, DNS) is refused (it cannot be
 *    checked).
 *  - time, by the one clock policy (trust/clock.h, RFC 8572 section 9.1):
 *    expires-on before the clock's bound is refused (the voucher is known
 *    to have expired); created-on more than CLOCK_MAX_SKEW after the RTC is
 *    refused only when the RTC is trusted (RFC 8366 section 5.3 lets a
 *    pledge without an accurate clock skip it).
 *  - freshness: a voucher with neither nonce nor expires-on (RFC 8366 allows
 *    such long-lived vouchers; RFC 8572 section 9.1 expects one per device
 *    lifetime when the clock cannot be trusted), and a voucher without a
 *    nonce answering a request that carried one (the server serves stored
 *    vouchers), are accepted, unless the clock policy says nonce_required
 *    (sztp.voucher=nonce-required): then only a voucher that echoes the
 *    nonce sent is accepted, and a source that cannot be sent a nonce
 *    (media, DNS) cannot onboard the device with a voucher at all.
 *  - assertion must be one of the policy's accepted values (default: all of
 *    verified, logged, proximity).
 *  - idevid-issuer, when present and the device certificate's Authority Key
 *    Identifier is known, must equal its keyIdentifier (or the whole DER
 *    extension value, which some tools put there).
 *  - domain-cert-revocation-checks true is refused: an initramfs has no fresh
 *    revocation status. Absent or false: no revocation checks.
 */
#ifndef SZTP_VOUCHER_H
#define SZTP_VOUCHER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"
#include "base/json.h"
#include "trust/clock.h"

#define VOUCHER_SERIAL_MAX  128  /* serial-number, NUL included */
#define VOUCHER_CERT_MAX    8192 /* pinned-domain-cert DER */
#define VOUCHER_NONCE_MAX   64   /* nonce bytes */
#define VOUCHER_ISSUER_MAX  128  /* idevid-issuer bytes */
#define VOUCHER_DATE_MAX    64   /* date strings kept for messages */

enum voucher_assertion {
	VOUCHER_ASSERT_UNKNOWN = 0,
	VOUCHER_ASSERT_VERIFIED = 1,
	VOUCHER_ASSERT_LOGGED = 2,
	VOUCHER_ASSERT_PROXIMITY = 4,
};

struct voucher {
	time_t created_on;                      /* mandatory */
	char created_on_str[VOUCHER_DATE_MAX];
	int has_expires_on;
	time_t expires_on;
	char expires_on_str[VOUCHER_DATE_MAX];
	int has_last_renewal;
	time_t last_renewal_date;
	enum voucher_assertion assertion;       /* mandatory */
	char assertion_str[32];
	char serial[VOUCHER_SERIAL_MAX];        /* mandatory */
	int has_idevid_issuer;
	uint8_t idevid_issuer[VOUCHER_ISSUER_MAX];
	size_t idevid_issuer_len;
	uint8_t pinned_domain_cert[VOUCHER_CERT_MAX]; /* mandatory, DER */
	size_t pinned_domain_cert_len;
	int has_revocation_checks;
	int revocation_checks;                  /* domain-cert-revocation-checks */
	int has_nonce;
	uint8_t nonce[VOUCHER_NONCE_MAX];
	size_t nonce_len;
};

struct voucher_policy {
	const char *serial;          /* the device serial number (mandatory) */
	const uint8_t *nonce;        /* the nonce sent, or NULL */
	size_t nonce_len;
	const struct clock_policy *clock; /* time and nonce policy (mandatory) */
	unsigned assertions;         /* mask of accepted VOUCHER_ASSERT_*; 0 = all */
	/* The device IDevID's Authority Key Identifier, when known: the
	 * keyIdentifier octets and/or the whole extnValue DER. NULL: unknown,
	 * idevid-issuer is then not checked. */
	const uint8_t *idevid_aki_keyid;
	size_t idevid_aki_keyid_len;
	const uint8_t *idevid_aki_ext;
	size_t idevid_aki_ext_len;
};

/*
 * Parse an RFC 3339 date-time ("2024-01-31T12:00:00Z",
 * "2024-01-31T12:00:00.123+02:00"; T/Z may be lower case; fractional seconds
 * are truncated; seconds 60 are allowed as leap seconds) into seconds since
 * the Unix epoch. Returns 0, or -1 with `e` set ("bad RFC 3339 date-time").
 */
int rfc3339_parse(const char *s, time_t *out, struct err *e);

/*
 * Parse the voucher JSON document json[len] into `v`. Checks types and
 * mandatory leaves only; policy is voucher_check(). Returns 0, or -1 with `e`
 * set to a message starting "voucher: ".
 */
int voucher_parse(const uint8_t *json, size_t len, struct voucher *v, struct err *e);

/*
 * Apply the policy described at the top of this file. Returns 0, or -1 with
 * `e` naming the failed check, e.g.
 *   voucher: serial-number "X" does not match device "Y"
 */
int voucher_check(const struct voucher *v, const struct voucher_policy *p, struct err *e);

/*
 * What makes an accepted voucher fresh, in a few words for the log:
 * "nonce echoed", "expires-on 2027-01-01T00:00:00Z", "long-lived (neither
 * nonce nor expires-on)", with "; no nonce although one was sent" when the
 * server ignored ours. Returns buf.
 */
const char *voucher_freshness(const struct voucher *v, const struct voucher_policy *p,
                              char *buf, size_t cap);

#endif
