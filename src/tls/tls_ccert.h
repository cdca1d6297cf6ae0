/*
 * tls_ccert.h: the TLS client certificate (device authentication, RFC 8572
 * section 5.3) through BearSSL's br_ssl_client_certificate_class.
 *
 * BearSSL's own handlers (br_ssl_client_set_single_ec / _rsa) need the
 * private key in memory. This one sends the configured chain (IDevID first,
 * then its intermediates) and computes the CertificateVerify signature with a
 * struct signer, so the key may live in a TPM. Static ECDH client
 * authentication is never offered: only ECDSA or RSA signatures, TLS 1.2.
 *
 * Usage (tls_conn does this when tls_opts.client is set):
 *   tls_ccert_init(&cc, &id);
 *   br_ssl_client_set_client_certificate(&ssl, &cc.vtable);
 */
#ifndef SZTP_TLS_CCERT_H
#define SZTP_TLS_CCERT_H

#include <bearssl.h>
#include <stddef.h>

#include "base/err.h"
#include "trust/signer.h"

/* The device identity presented to TLS servers. */
struct tls_client_id {
	const br_x509_certificate *chain; /* chain[0] is the device certificate */
	size_t chain_len;                 /* >= 1 */
	const struct signer *signer;      /* the matching private key */
};

struct tls_ccert {
	const br_ssl_client_certificate_class *vtable; /* must be first */
	const struct tls_client_id *id;
	const br_multihash_context *mhash; /* the engine's hashes, for do_sign */
	int requested;   /* the server sent a CertificateRequest */
	int sent;        /* we answered with our chain */
	int sign_failed; /* the signer failed: the reason is in `err` */
	struct err err;
};

/*
 * Prepare `cc` to present `id` (kept by pointer; must outlive the
 * connection). `eng` is the engine of the client context that will use it.
 */
void tls_ccert_init(struct tls_ccert *cc, const struct tls_client_id *id,
		    const br_ssl_engine_context *eng);

#endif
