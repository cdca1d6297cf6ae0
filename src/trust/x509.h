/*
 * x509.h: X.509 certificate helpers and path validation (RFC 5280).
 *
 * x509_parse() is a strict DER parser of one certificate that records where
 * the interesting parts are (pointers into the caller's buffer): serial,
 * issuer, subject, validity, SubjectPublicKeyInfo, subjectKeyIdentifier,
 * authorityKeyIdentifier, keyUsage, basicConstraints, signature.
 *
 * x509_validate() builds a chain from a leaf through a pool of candidate
 * intermediates to one of a set of trust anchors (all DER certificates). Each
 * link is chosen by authorityKeyIdentifier -> subjectKeyIdentifier (or by
 * issuer/subject name when the child has no AKI) AND a verified signature,
 * never by names alone, since real PKIs reuse DNs. The chain found is then
 * run through BearSSL's br_x509_minimal engine with only the matching anchor
 * (name chaining, signatures, validity, basicConstraints, path length,
 * unknown critical extensions). A leaf that is byte-for-byte one of the
 * anchors is accepted directly (owner certificate == pinned-domain-cert),
 * after the validity and keyUsage checks.
 *
 * Time (trust/clock.h, the one policy): every certificate of the chain is
 * refused when its notAfter is before the clock's bound, and, only when the
 * RTC is trusted, when its notBefore is after the RTC; BearSSL then checks
 * the chain at clock_chain_time(). Trust anchors are not certificates to
 * validate (RFC 5280 section 6.1), except with X509_ANCHOR_VALIDITY, for an
 * anchor that arrived with the data being judged (a voucher's
 * pinned-domain-cert): then nothing expired is accepted there either.
 *
 * Limits: chains of at most X509_MAX_CHAIN certificates (anchor excluded),
 * names of at most X509_MAX_DN bytes, public keys up to RSA-4096 / P-521.
 */
#ifndef SZTP_X509_H
#define SZTP_X509_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <bearssl.h>

#include "base/err.h"
#include "trust/clock.h"
#include "trust/der.h"

#define X509_MAX_CHAIN 8
#define X509_MAX_DN    1024
#define X509_PKEY_MAX  1100

/* keyUsage bits, numbered as in RFC 5280 (bit 0 = digitalSignature). */
#define X509_KU_DIGITAL_SIGNATURE 0x001
#define X509_KU_NON_REPUDIATION   0x002
#define X509_KU_KEY_ENCIPHERMENT  0x004
#define X509_KU_DATA_ENCIPHERMENT 0x008
#define X509_KU_KEY_AGREEMENT     0x010
#define X509_KU_KEY_CERT_SIGN     0x020
#define X509_KU_CRL_SIGN          0x040
#define X509_KU_ENCIPHER_ONLY     0x080
#define X509_KU_DECIPHER_ONLY     0x100

/* A DER certificate in a caller buffer. */
struct x509_der {
	const uint8_t *der;
	size_t len;
};

/* What x509_parse() found. Pointers point into the certificate buffer. */
struct x509_cert {
	const uint8_t *der;            /* the whole Certificate */
	size_t der_len;
	const uint8_t *tbs;            /* TBSCertificate, full TLV (signed bytes) */
	size_t tbs_len;
	unsigned version;              /* 1, 2 or 3 */
	const uint8_t *serial;         /* serialNumber INTEGER contents */
	size_t serial_len;
	const uint8_t *issuer;         /* issuer Name, full TLV */
	size_t issuer_len;
	const uint8_t *subject;        /* subject Name, full TLV */
	size_t subject_len;
	time_t not_before, not_after;
	const uint8_t *spki;           /* SubjectPublicKeyInfo, full TLV */
	size_t spki_len;
	const uint8_t *ski;            /* subjectKeyIdentifier value, or NULL */
	size_t ski_len;
	const uint8_t *aki;            /* authorityKeyIdentifier keyIdentifier, or NULL */
	size_t aki_len;
	int has_key_usage;             /* keyUsage extension present */
	unsigned key_usage;            /* X509_KU_* */
	int has_basic_constraints;
	int is_ca;                     /* basicConstraints cA */
	struct der_tlv sig_alg;        /* signatureAlgorithm OID TLV */
	const uint8_t *sig;            /* signatureValue bits */
	size_t sig_len;
};

/* A public key with its own storage (br_x509_pkey points into buf). */
struct x509_pkey {
	br_x509_pkey key;
	unsigned char buf[X509_PKEY_MAX];
};

/* A trust anchor built from a DER certificate, with its own storage. */
struct x509_anchor {
	br_x509_trust_anchor ta;
	unsigned char dn[X509_MAX_DN];
	struct x509_pkey pk;
};

/* Flags for x509_validate(). */
#define X509_REQUIRE_DIGITAL_SIGNATURE 0x01  /* leaf keyUsage absent or has digitalSignature */
#define X509_ANCHOR_VALIDITY           0x02  /* judge the anchor's validity too */

/* The chain x509_validate() built: certs[0] is the leaf, certs[n-1] the last
 * certificate below the anchor; anchor is the index into the anchors array
 * (when the leaf is itself an anchor, n == 1 and direct == 1). */
struct x509_path {
	size_t n;
	struct x509_der certs[X509_MAX_CHAIN];
	size_t anchor;
	int direct;
};

/* Parse one DER certificate (nothing may follow it). Unknown extensions are
 * skipped here (br_x509_minimal rejects unknown critical ones on validation).
 * Errors: "x509: ...". */
int x509_parse(const uint8_t *der, size_t len, struct x509_cert *c, struct err *e);

/* Copy the subject's serialNumber attribute (2.5.4.5; PrintableString,
 * UTF8String or IA5String) into out, NUL-terminated. Fails when absent,
 * present twice, longer than cap-1, or containing NUL/control characters. */
int x509_subject_serial(const struct x509_cert *c, char *out, size_t cap,
	struct err *e);

/* Decode a certificate's public key with br_x509_decoder into pk. */
int x509_get_pkey(const uint8_t *der, size_t len, struct x509_pkey *pk,
	struct err *e);

/* Build a BearSSL trust anchor (subject DN + public key, flags
 * BR_X509_TA_CA if `ca`) from a DER certificate. */
int x509_anchor_from_der(const uint8_t *der, size_t len, int ca,
	struct x509_anchor *a, struct err *e);

/* Verify a signature over a precomputed hash with a public key: RSA PKCS#1
 * v1.5 (DigestInfo with h's OID) for RSA keys, DER (ASN.1) ECDSA for EC keys
 * (P-256, P-384, P-521). `h` is the hash that produced hash[0..hash_len). */
int x509_verify_hash(const br_x509_pkey *pk, const br_hash_class *h,
	const uint8_t *hash, size_t hash_len, const uint8_t *sig, size_t sig_len,
	struct err *e);

/* Map a signature-algorithm OID TLV (sha{256,384,512}WithRSAEncryption,
 * ecdsa-with-SHA{256,384,512}) to its hash and key type (BR_KEYTYPE_RSA or
 * BR_KEYTYPE_EC). Fails for anything else (e.g. RSA-PSS, SHA-1). */
int x509_sig_alg(const struct der_tlv *oid, const br_hash_class **h,
	int *key_type, struct err *e);

/* Map a digest-algorithm OID TLV (sha256/384/512; sha1 only when allow_sha1)
 * to a BearSSL hash class. */
int x509_hash_alg(const struct der_tlv *oid, int allow_sha1,
	const br_hash_class **h, struct err *e);

/* 1 if `child` carries a valid signature by the key `issuer`, else 0 (the
 * reason goes to e). */
int x509_verify_issued_by(const struct x509_cert *child, const br_x509_pkey *issuer,
	struct err *e);

/* Convert a Unix time to BearSSL's (days since 0000-01-01, seconds of day). */
void x509_time_to_br(time_t t, uint32_t *days, uint32_t *seconds);

/*
 * Validate `leaf` against `anchors`, using certificates of `pool` (in any
 * order; may contain the leaf, anchors and unrelated certificates) as
 * intermediates, judging times by `clock` (mandatory). `path` (may be NULL)
 * receives the chain. Errors name the failing step:
 * "x509: no issuer found for certificate 2 of the chain (subject CN=...)",
 * "x509: certificate 1 (CN=...) has expired (notAfter 2024-01-01T00:00:00Z,
 * before the bound 2026-12-01T00:00:00Z (build time))" etc.
 */
int x509_validate(const uint8_t *leaf, size_t leaf_len,
	const struct x509_der *pool, size_t n_pool,
	const struct x509_der *anchors, size_t n_anchors,
	const struct clock_policy *clock, unsigned flags, struct x509_path *path,
	struct err *e);

/* Write a short printable rendition of a Name TLV ("CN=foo, O=bar"; CN, O,
 * OU, C, L, ST and serialNumber by name, others as dotted OIDs; values cut at
 * 64 bytes, non-ASCII shown as '?') into buf. Returns buf. */
const char *x509_name_str(const uint8_t *name, size_t len, char *buf, size_t cap);

#endif
