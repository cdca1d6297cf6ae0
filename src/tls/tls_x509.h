/*
 * tls_x509.h: the X.509 engine used for TLS server certificates.
 *
 * BearSSL's br_x509_minimal validates the chain and matches DNS names, but it
 * does not match iPAddress subjectAltNames. tls_x509 wraps it: every call is
 * forwarded to the inner br_x509_minimal_context, the end-entity certificate
 * is captured (at most TLS_EE_MAX bytes), and when the server was named by an
 * IP address, end_chain() additionally requires an iPAddress SAN equal to it
 * (BR_ERR_X509_BAD_SERVER_NAME otherwise). The engine is then given NULL as
 * the server name so that it does not try to match the address as a DNS name.
 *
 * Clock (tls_x509_clock(), trust/clock.h): BearSSL checks a whole chain at
 * one time and knows no "lower bound". With a clock policy the wrapper
 * therefore keeps the chain (at most TLS_CHAIN_CERTS certificates,
 * TLS_CHAIN_BYTES bytes) and judges it in end_chain(): each certificate up
 * to the one a trust anchor issued (those BearSSL validates; any after it it
 * ignores) by clock_check_validity() (expired before the bound: refused;
 * notBefore after the RTC: refused when the RTC is trusted), then feeds the
 * chain to br_x509_minimal at clock_chain_time(), which is never before the
 * bound, so BearSSL's own check enforces notAfter too. A refusal by the
 * clock is BR_ERR_X509_EXPIRED with the reason in time_err. Without a
 * clock policy the engine checks at the time set on `minimal` (the system
 * clock; host tools only).
 *
 * Provisional mode (tls_x509_provisional(), RFC 8572 section 5.4 trust-state
 * FALSE): the chain is NOT validated and the server is not authenticated;
 * the end-entity certificate is only decoded to obtain the public key the
 * handshake needs. Only the bootstrap client uses it, and only where the RFC
 * makes signed data mandatory afterwards.
 *
 * Usage:
 *   br_ssl_client_init_full(&cc, &x.minimal, tas, n);
 *   tls_x509_wrap(&x, ip, ip_len);          // ip_len 0 for a DNS name
 *   br_ssl_engine_set_x509(&cc.eng, &x.vtable);
 */
#ifndef SZTP_TLS_X509_H
#define SZTP_TLS_X509_H

#include <bearssl.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "trust/clock.h"

#define TLS_CHAIN_BYTES 32768 /* captured server chain, bytes */
#define TLS_CHAIN_CERTS 8     /* captured server chain, certificates */

struct tls_x509 {
	const br_x509_class *vtable;   /* must be first */
	br_x509_minimal_context minimal;
	uint8_t ip[16];
	size_t ip_len;                 /* 4, 16, or 0: no IP check */
	unsigned ncert;                /* certificates seen in this chain */
	int ee_over;                   /* end-entity larger than TLS_CHAIN_BYTES */
	int chain_over;                /* the chain did not fit (clock mode: refused) */
	int ip_mismatch;               /* set when the IP check failed */
	int provisional;               /* accept any certificate (see above) */
	br_x509_decoder_context dec;   /* provisional: the end-entity decoder ... */
	const br_x509_pkey *prov_pkey; /* ... and the key it found */
	/* clock mode (tls_x509_clock) */
	const struct clock_policy *clock;
	const br_x509_trust_anchor *tas;
	size_t n_tas;
	const char *server_name;
	char time_err[ERR_MSG_MAX];    /* why the clock refused the chain, or "" */
	/* the chain as received: certificate i is chain[off[i] .. off[i]+len[i]) */
	size_t ee_len;                 /* len[0] once complete */
	size_t used;
	size_t off[TLS_CHAIN_CERTS], len[TLS_CHAIN_CERTS];
	unsigned char chain[TLS_CHAIN_BYTES];
};

/*
 * Install the forwarding vtable on `x` (whose `minimal` member has already
 * been initialised) and set the IP address that the end-entity certificate
 * must carry as an iPAddress SAN (`ip_len` 4 or 16), or none (`ip_len` 0).
 */
void tls_x509_wrap(struct tls_x509 *x, const uint8_t *ip, size_t ip_len);

/*
 * Switch `x` (after tls_x509_wrap()) to provisional mode: end_chain() accepts
 * any well-formed end-entity certificate without validation.
 */
void tls_x509_provisional(struct tls_x509 *x);

/*
 * Judge the chain's times by `clock` (after tls_x509_wrap(); see above).
 * `tas` are the trust anchors `minimal` was given (to find where BearSSL's
 * chain ends). The pointers must outlive the handshake.
 */
void tls_x509_clock(struct tls_x509 *x, const struct clock_policy *clock,
		    const br_x509_trust_anchor *tas, size_t n_tas);

/*
 * Look for an iPAddress subjectAltName equal to ip[0..ip_len) in the DER
 * certificate cert[0..len). Returns 1 when present, 0 when absent (or the
 * certificate has no SAN extension), -1 when the DER is malformed.
 */
int tls_cert_has_ip(const uint8_t *cert, size_t len, const uint8_t *ip, size_t ip_len);

#endif
