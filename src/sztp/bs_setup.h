/*
 * bs_setup.h: load what the bootstrap client needs from files: the device
 * identity (certificate chain, private key behind a struct signer, serial
 * number), the bootstrap-server trust anchors and the voucher trust
 * anchors, and fill a struct bs_config with them.
 *
 * Default locations in the initramfs (SZTP_DEVICE_DIR, SZTP_ANCHORS_DIR):
 *   /etc/sztp/device/chain.pem      IDevID certificate then its intermediates
 *                                   (idevid.pem when chain.pem is absent)
 *   /etc/sztp/device/idevid.key     its private key (PEM; a TPM later)
 *   /etc/sztp/anchors/bootstrap/    bootstrap-server trust anchors
 *   /etc/sztp/anchors/voucher/      voucher (MASA) trust anchors
 *
 * The serial number is the device certificate's subject serialNumber
 * (2.5.4.5) unless overridden. The key is checked against the certificate
 * (a test signature is verified with the certificate's public key).
 */
#ifndef SZTP_BS_SETUP_H
#define SZTP_BS_SETUP_H

#include "trust/anchors.h"
#include "sztp/bootstrap.h"
#include "trust/cms.h"
#include "base/err.h"
#include "trust/keyfile.h"
#include "trust/signer.h"
#include "tls/tls_ccert.h"
#include "trust/x509.h"

#define SZTP_DEVICE_DIR  "/etc/sztp/device"
#define SZTP_ANCHORS_DIR "/etc/sztp/anchors"
#define BS_SERIAL_MAX    128

struct bs_paths {
	const char *cert;               /* device certificate (PEM/DER, may hold the chain) */
	const char *chain;              /* intermediates (PEM), or NULL */
	const char *key;                /* private key (PEM) */
	const char *serial;             /* serial number override, or NULL */
	const char *bootstrap_anchors;  /* file or directory; NULL: none */
	const char *voucher_anchors;    /* file or directory */
};

struct bs_setup {
	struct cert_chain chain;
	struct keyfile key;
	struct signer signer;
	struct tls_client_id tls;
	struct cms_recipient recipient;
	struct anchors boot_anchors;
	struct cert_chain voucher_chain;
	struct x509_der voucher[CHAIN_MAX];
	size_t n_voucher;
	char serial[BS_SERIAL_MAX];
	char key_what[300];
};

/*
 * Load everything named by `p` into `s` and point the identity and trust
 * fields of `cfg` at it (other fields of cfg are left alone). Returns 0 or
 * -1 with `e` naming the file and the problem. Logs a loud warning that the
 * key is a file, not in a TPM.
 */
int bs_setup_load(struct bs_setup *s, const struct bs_paths *p, struct bs_config *cfg,
		  struct err *e);

/*
 * Load only the trust anchors of `p` (bootstrap and voucher) into `s` and
 * point cfg->anchors / voucher_anchors at them: for a device whose identity
 * is held elsewhere (the TPM). Returns 0 or -1 with `e` set.
 */
int bs_setup_trust(struct bs_setup *s, const struct bs_paths *p, struct bs_config *cfg,
		   struct err *e);

/* Wipe the private key. */
void bs_setup_clear(struct bs_setup *s);

#endif
