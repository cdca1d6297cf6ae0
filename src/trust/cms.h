/*
 * cms.h: Cryptographic Message Syntax (RFC 5652) for SZTP artifacts.
 *
 * Parsing is zero-copy: every structure points into the caller's buffer, which
 * must outlive it. Only DER is accepted (constructed / indefinite-length BER
 * forms are rejected by name).
 *
 *   ContentInfo      cms_parse_content_info(); cms_unwrap_data() for the
 *                    unsigned form `[0] EXPLICIT OCTET STRING`
 *   SignedData       cms_parse_signed_data(); cms_verify_signer() checks one
 *                    SignerInfo against a certificate (sid, messageDigest,
 *                    contentType, signature with RSA PKCS#1 v1.5 or ECDSA)
 *   EnvelopedData    cms_decrypt(): KeyTransRecipientInfo (RSA PKCS#1 v1.5,
 *   AuthEnveloped-   RSAES-OAEP SHA-1/256/384/512), KeyAgreeRecipientInfo
 *   Data             (ECDH P-256/P-384, dhSinglePass-stdDH-sha*kdf, X9.63 KDF,
 *                    AES key wrap); content AES-CBC or AES-GCM. The private
 *                    key operation is behind struct cms_recipient.
 *
 * Errors are one line starting "cms: ". Functions return 0 or -1.
 */
#ifndef SZTP_CMS_H
#define SZTP_CMS_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "trust/der.h"
#include "base/err.h"

#define CMS_MAX_CERTS       16  /* certificates in one SignedData */
#define CMS_MAX_CRLS        8   /* CRLs kept (pointers only) */
#define CMS_MAX_SIGNERS     4   /* SignerInfos in one SignedData */
#define CMS_MAX_RECIPIENTS  8   /* RecipientInfos (and keys per KARI) */

/* Content types we know. */
enum cms_type {
	CMS_TYPE_OTHER = 0,
	CMS_TYPE_DATA,            /* id-data */
	CMS_TYPE_SIGNED,          /* id-signedData */
	CMS_TYPE_ENVELOPED,       /* id-envelopedData */
	CMS_TYPE_AUTH_ENVELOPED,  /* id-ct-authEnvelopedData */
	CMS_TYPE_VOUCHER,         /* id-ct-animaJSONVoucher */
	CMS_TYPE_CONVEYED_XML,    /* id-ct-sztpConveyedInfoXML */
	CMS_TYPE_CONVEYED_JSON,   /* id-ct-sztpConveyedInfoJSON */
};

/* Classify an OID TLV. */
enum cms_type cms_type_of(const struct der_tlv *oid);

/* A short name for a type ("id-signedData"); "unknown" for CMS_TYPE_OTHER. */
const char *cms_type_name(enum cms_type t);

/* ContentInfo ::= SEQUENCE { contentType, content [0] EXPLICIT ANY } */
struct cms_content_info {
	struct der_tlv content_type;   /* the OID TLV */
	enum cms_type type;            /* cms_type_of(content_type) */
	struct der_tlv content;        /* the TLV inside [0] (e.g. SignedData SEQUENCE) */
};

/* Parse a ContentInfo occupying all of buf[0..len) (trailing bytes are an
 * error). `content` is mandatory here (SZTP never sends it absent). */
int cms_parse_content_info(const uint8_t *buf, size_t len,
	struct cms_content_info *ci, struct err *e);

/* For an unsigned artifact (id-data, .42, .43, .40): the content must be a
 * primitive OCTET STRING; return its contents. */
int cms_unwrap_data(const struct cms_content_info *ci, const uint8_t **data,
	size_t *len, struct err *e);

/* SignerInfo */
struct cms_signer {
	uint32_t version;            /* 1 (issuerAndSerialNumber) or 3 (SKI) */
	int sid_is_ski;
	const uint8_t *issuer;       /* sid issuer Name, full TLV (when !sid_is_ski) */
	size_t issuer_len;
	const uint8_t *serial;       /* sid serialNumber INTEGER contents */
	size_t serial_len;
	const uint8_t *ski;          /* sid subjectKeyIdentifier (when sid_is_ski) */
	size_t ski_len;
	struct der_tlv digest_alg;   /* OID TLV */
	const uint8_t *signed_attrs; /* [0] IMPLICIT SET OF Attribute, full TLV, or NULL */
	size_t signed_attrs_len;
	struct der_tlv sig_alg;      /* OID TLV */
	const uint8_t *sig;          /* signature OCTET STRING contents */
	size_t sig_len;
};

/* SignedData */
struct cms_signed_data {
	uint32_t version;
	struct der_tlv econtent_type;      /* OID TLV */
	enum cms_type etype;               /* cms_type_of(econtent_type) */
	int has_econtent;                  /* eContent present (0: detached/empty) */
	const uint8_t *econtent;           /* eContent OCTET STRING contents */
	size_t econtent_len;
	size_t n_certs;
	struct der_tlv certs[CMS_MAX_CERTS];   /* each Certificate, in order (raw = DER) */
	size_t n_crls;
	struct der_tlv crls[CMS_MAX_CRLS];     /* each CRL, in order (not interpreted) */
	size_t n_signers;
	struct cms_signer signers[CMS_MAX_SIGNERS];
};

/* Parse a SignedData SEQUENCE occupying all of buf[0..len). More than
 * CMS_MAX_CERTS certificates, CMS_MAX_CRLS CRLs or CMS_MAX_SIGNERS signers is
 * an error. Certificates field entries other than Certificate (attribute
 * certificates, [n] choices) are an error. Zero signers is fine (degenerate). */
int cms_parse_signed_data(const uint8_t *buf, size_t len,
	struct cms_signed_data *sd, struct err *e);

/* ContentInfo + SignedData in one go (content type must be id-signedData). */
int cms_parse_signed(const uint8_t *buf, size_t len, struct cms_signed_data *sd,
	struct err *e);

/* 1 if the signer's sid names the certificate (issuer Name and serial equal,
 * or SKI equal to the certificate's subjectKeyIdentifier), else 0. A
 * certificate that does not parse never matches. */
int cms_signer_matches(const struct cms_signer *si, const uint8_t *cert,
	size_t cert_len);

/*
 * Verify signer `si` of `sd` against `cert` (DER):
 *   - the sid names the certificate;
 *   - digestAlgorithm is SHA-256/384/512 and signatureAlgorithm is
 *     consistent with it and with the key (rsaEncryption,
 *     sha*WithRSAEncryption for RSA keys; ecdsa-with-SHA* or id-ecPublicKey
 *     for EC keys);
 *   - with signedAttrs: contentType attribute == eContentType, messageDigest
 *     attribute == hash(eContent) (eContent must be present); the signature
 *     is over the DER of signedAttrs re-tagged as SET (0x31);
 *   - without signedAttrs: the signature is over eContent itself.
 * The certificate's validity/chain is NOT checked here (see x509_validate).
 */
int cms_verify_signer(const struct cms_signed_data *sd, const struct cms_signer *si,
	const uint8_t *cert, size_t cert_len, struct err *e);

/*
 * The recipient's private-key operations, so that a TPM can do them.
 * Both return 0 or -1 (with e set).
 */
struct cms_recipient {
	const uint8_t *cert;  /* the device's certificate (to match rid) */
	size_t cert_len;
	void *ctx;
	/* RSA: decrypt `in` (PKCS#1 v1.5 if oaep_hash == NULL, else OAEP with
	 * that hash for both the label hash and MGF1, empty label); write the
	 * plaintext (the CEK) to out, whose capacity is *out_len on entry;
	 * *out_len receives its length. May be NULL if the key is not RSA. */
	int (*rsa_decrypt)(void *ctx, const br_hash_class *oaep_hash,
		const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len,
		struct err *e);
	/* ECDH: with `curve` a BearSSL curve id (BR_EC_secp256r1 ...), multiply
	 * the peer's uncompressed point peer_point[0..peer_len) by the private
	 * key and write the X coordinate to z (capacity *z_len on entry, length
	 * on return). May be NULL if the key is not EC. */
	int (*ecdh)(void *ctx, int curve, const uint8_t *peer_point, size_t peer_len,
		uint8_t *z, size_t *z_len, struct err *e);
};

/* One RecipientInfo as parsed (for cms_parse_enveloped / fuzzing / logs). */
struct cms_recip_info {
	int kind;                    /* CMS_RI_KTRI or CMS_RI_KARI */
	int rid_is_ski;
	const uint8_t *issuer;       /* rid issuer Name, full TLV */
	size_t issuer_len;
	const uint8_t *serial;       /* rid serial INTEGER contents */
	size_t serial_len;
	const uint8_t *ski;          /* rid subjectKeyIdentifier */
	size_t ski_len;
	struct der_tlv key_alg;      /* keyEncryptionAlgorithm, full AlgorithmIdentifier SEQUENCE */
	const uint8_t *enc_key;      /* encryptedKey contents */
	size_t enc_key_len;
	/* KARI only */
	struct der_tlv orig_alg;     /* originatorKey algorithm, full AlgorithmIdentifier */
	const uint8_t *orig_point;   /* originatorKey public key (BIT STRING bits) */
	size_t orig_point_len;
	const uint8_t *ukm;          /* ukm OCTET STRING contents, or NULL */
	size_t ukm_len;
};
#define CMS_RI_KTRI 1
#define CMS_RI_KARI 2

/* (Auth)EnvelopedData as parsed. */
struct cms_enveloped {
	int auth;                    /* 1 for AuthEnvelopedData */
	uint32_t version;
	size_t n_recips;             /* one entry per recipient key (KARI keys flattened) */
	struct cms_recip_info recips[CMS_MAX_RECIPIENTS];
	size_t n_skipped;            /* RecipientInfos of kinds we do not support */
	struct der_tlv content_type; /* encryptedContentInfo contentType OID TLV */
	struct der_tlv enc_alg;      /* contentEncryptionAlgorithm, full AlgorithmIdentifier */
	const uint8_t *enc_content;  /* encryptedContent contents, NULL if absent */
	size_t enc_content_len;
	const uint8_t *auth_attrs;   /* AuthEnvelopedData authAttrs, full TLV, or NULL */
	size_t auth_attrs_len;
	const uint8_t *mac;          /* AuthEnvelopedData mac contents */
	size_t mac_len;
};

/* Parse an EnvelopedData or AuthEnvelopedData SEQUENCE (auth selects
 * which) occupying buf[0..len). No keys are needed. */
int cms_parse_enveloped(const uint8_t *buf, size_t len, int auth,
	struct cms_enveloped *env, struct err *e);

/*
 * Decrypt a ContentInfo holding EnvelopedData or AuthEnvelopedData for
 * recipient `r`: find the RecipientInfo whose rid names r->cert, recover the
 * content-encryption key, decrypt (AES-128/192/256-CBC with PKCS#7 padding
 * check, or AES-GCM with tag check) into out (capacity cap; cap must be at
 * least the ciphertext length). *out_len receives the plaintext length and
 * *inner_type (may be NULL) the encryptedContentInfo contentType. On failure
 * out is wiped.
 */
int cms_decrypt(const uint8_t *buf, size_t len, const struct cms_recipient *r,
	uint8_t *out, size_t cap, size_t *out_len, enum cms_type *inner_type,
	struct err *e);

/* RFC 3394 AES key unwrap (default IV A6A6A6A6A6A6A6A6) of in[0..in_len)
 * (a multiple of 8, at least 24) with kek (16, 24 or 32 bytes) into out
 * (in_len - 8 bytes). Exposed for tests. */
int cms_aes_unwrap(const uint8_t *kek, size_t kek_len, const uint8_t *in,
	size_t in_len, uint8_t *out, struct err *e);

/* ANSI X9.63 KDF (as RFC 5753 uses it): out = H(Z || counter || info) ...
 * for counter = 1, 2, ... Exposed for tests. */
void cms_x963_kdf(const br_hash_class *h, const uint8_t *z, size_t z_len,
	const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len);

#endif
