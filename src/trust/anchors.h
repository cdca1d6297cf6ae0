/*
 * anchors.h: trust anchors and certificate chains from PEM/DER files, in
 * fixed-capacity stores (no allocation).
 *
 * A file holds either PEM ("-----BEGIN CERTIFICATE-----" or
 * "X509 CERTIFICATE" blocks; other PEM blocks are skipped) or exactly one DER
 * certificate (detected by a leading SEQUENCE tag 0x30). A directory is read
 * entry by entry (readdir order); only regular files whose names end in
 * .pem, .crt, .cer or .der are loaded, others are skipped.
 *
 * Limits (each exceeded limit is an error, never a silent truncation):
 *   ANCHORS_MAX     trust anchors in one store
 *   ANCHORS_ARENA   bytes of subject DNs and public keys for one store
 *   CHAIN_MAX       certificates in one chain
 *   CHAIN_ARENA     bytes of DER for one chain
 *   CERT_DER_MAX    bytes of one DER certificate
 *   ANCHORS_FILE_MAX bytes of one file
 */
#ifndef SZTP_ANCHORS_H
#define SZTP_ANCHORS_H

#include <bearssl.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Sized for a system CA store (Debian's ca-certificates: about 145
 * anchors, 62 KiB of names and keys), which the host commands load. */
#define ANCHORS_MAX      256
#define ANCHORS_ARENA    (128 * 1024)
#define CHAIN_MAX        8
#define CHAIN_ARENA      (32 * 1024)
#define CERT_DER_MAX     (16 * 1024)
#define ANCHORS_FILE_MAX (1024 * 1024)

struct anchors {
	br_x509_trust_anchor ta[ANCHORS_MAX]; /* ta[0..n): pointers into arena */
	size_t n;
	size_t used;                          /* bytes of arena in use */
	int skip_duplicates;                  /* set by the caller: an anchor with the
					       * name and key of one already in the
					       * store is not added again (a CA
					       * directory holds each certificate
					       * under two names); anchors_init()
					       * leaves it as it is */
	unsigned char arena[ANCHORS_ARENA];
};

struct cert_chain {
	br_x509_certificate cert[CHAIN_MAX]; /* cert[0] is the end entity */
	size_t n;
	size_t used;
	unsigned char arena[CHAIN_ARENA];
};

/* Empty the store. */
void anchors_init(struct anchors *a);

/*
 * Add the trust anchors found in the file or directory `path`. Returns the
 * number added (>= 1), or -1 with `e` set; on error the store is left as it
 * was before the call. A directory without any certificate file, or a file
 * without any certificate, is an error.
 */
int anchors_load(struct anchors *a, const char *path, struct err *e);

/*
 * Add the trust anchors in the memory buffer `buf` (PEM or DER as described
 * above). `what` names the source in error messages. Returns the number
 * added (>= 1) or -1 with `e` set (store unchanged).
 */
int anchors_add_buf(struct anchors *a, const void *buf, size_t len,
		    const char *what, struct err *e);

/* Empty the chain. */
void chain_init(struct cert_chain *c);

/*
 * Append the certificates of the PEM or DER file `path` (in file order, end
 * entity first) to `c`. Returns the number added (>= 1) or -1 with `e` set
 * (chain unchanged).
 */
int chain_load(struct cert_chain *c, const char *path, struct err *e);

/* Same from a memory buffer; `what` names the source in error messages. */
int chain_add_buf(struct cert_chain *c, const void *buf, size_t len,
		  const char *what, struct err *e);

#endif
