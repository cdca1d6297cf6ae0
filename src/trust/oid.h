/*
 * oid.h: DER encodings of the object identifiers sztpboot uses.
 *
 * Each `struct oid` holds the complete DER encoding (0x06, length, contents)
 * so a parsed OID TLV is compared byte for byte with oid_is(). The table is
 * in oid.c; names are the ASN.1 module names, for messages.
 */
#ifndef SZTP_OID_H
#define SZTP_OID_H

#include <stddef.h>
#include <stdint.h>

#include "trust/der.h"

struct oid {
	const char *name;     /* "id-signedData" */
	const uint8_t *der;   /* 06 LL ... */
	size_t len;           /* of der */
};

/* CMS content types (RFC 5652, RFC 5083, RFC 8366, RFC 8572) */
extern const struct oid OID_DATA;                 /* 1.2.840.113549.1.7.1 */
extern const struct oid OID_SIGNED_DATA;          /* 1.2.840.113549.1.7.2 */
extern const struct oid OID_ENVELOPED_DATA;       /* 1.2.840.113549.1.7.3 */
extern const struct oid OID_AUTH_ENVELOPED_DATA;  /* 1.2.840.113549.1.9.16.1.23 */
extern const struct oid OID_VOUCHER;              /* 1.2.840.113549.1.9.16.1.40 */
extern const struct oid OID_CONVEYED_XML;         /* 1.2.840.113549.1.9.16.1.42 */
extern const struct oid OID_CONVEYED_JSON;        /* 1.2.840.113549.1.9.16.1.43 */

/* CMS signed attributes */
extern const struct oid OID_ATTR_CONTENT_TYPE;    /* 1.2.840.113549.1.9.3 */
extern const struct oid OID_ATTR_MESSAGE_DIGEST;  /* 1.2.840.113549.1.9.4 */
extern const struct oid OID_ATTR_SIGNING_TIME;    /* 1.2.840.113549.1.9.5 */

/* Hashes */
extern const struct oid OID_SHA1;                 /* 1.3.14.3.2.26 */
extern const struct oid OID_SHA256;               /* 2.16.840.1.101.3.4.2.1 */
extern const struct oid OID_SHA384;               /* 2.16.840.1.101.3.4.2.2 */
extern const struct oid OID_SHA512;               /* 2.16.840.1.101.3.4.2.3 */

/* RSA (RFC 8017) */
extern const struct oid OID_RSA_ENCRYPTION;       /* 1.2.840.113549.1.1.1 */
extern const struct oid OID_RSAES_OAEP;           /* 1.2.840.113549.1.1.7 */
extern const struct oid OID_MGF1;                 /* 1.2.840.113549.1.1.8 */
extern const struct oid OID_P_SPECIFIED;          /* 1.2.840.113549.1.1.9 */
extern const struct oid OID_SHA1_WITH_RSA;        /* 1.2.840.113549.1.1.5 (names only: rejected) */
extern const struct oid OID_SHA256_WITH_RSA;      /* 1.2.840.113549.1.1.11 */
extern const struct oid OID_SHA384_WITH_RSA;      /* 1.2.840.113549.1.1.12 */
extern const struct oid OID_SHA512_WITH_RSA;      /* 1.2.840.113549.1.1.13 */

/* EC (RFC 5480, RFC 5758, RFC 5753, SEC 1) */
extern const struct oid OID_EC_PUBLIC_KEY;        /* 1.2.840.10045.2.1 */
extern const struct oid OID_ECDSA_SHA256;         /* 1.2.840.10045.4.3.2 */
extern const struct oid OID_ECDSA_SHA384;         /* 1.2.840.10045.4.3.3 */
extern const struct oid OID_ECDSA_SHA512;         /* 1.2.840.10045.4.3.4 */
extern const struct oid OID_P256;                 /* 1.2.840.10045.3.1.7 */
extern const struct oid OID_P384;                 /* 1.3.132.0.34 */
extern const struct oid OID_P521;                 /* 1.3.132.0.35 */
extern const struct oid OID_ECDH_STD_SHA1KDF;     /* 1.3.133.16.840.63.0.2 */
extern const struct oid OID_ECDH_STD_SHA256KDF;   /* 1.3.132.1.11.1 */
extern const struct oid OID_ECDH_STD_SHA384KDF;   /* 1.3.132.1.11.2 */
extern const struct oid OID_ECDH_STD_SHA512KDF;   /* 1.3.132.1.11.3 */

/* AES (NIST CSOR; RFC 3565, RFC 5084) */
extern const struct oid OID_AES128_CBC;           /* 2.16.840.1.101.3.4.1.2 */
extern const struct oid OID_AES192_CBC;           /* 2.16.840.1.101.3.4.1.22 */
extern const struct oid OID_AES256_CBC;           /* 2.16.840.1.101.3.4.1.42 */
extern const struct oid OID_AES128_GCM;           /* 2.16.840.1.101.3.4.1.6 */
extern const struct oid OID_AES192_GCM;           /* 2.16.840.1.101.3.4.1.26 */
extern const struct oid OID_AES256_GCM;           /* 2.16.840.1.101.3.4.1.46 */
extern const struct oid OID_AES128_WRAP;          /* 2.16.840.1.101.3.4.1.5 */
extern const struct oid OID_AES192_WRAP;          /* 2.16.840.1.101.3.4.1.25 */
extern const struct oid OID_AES256_WRAP;          /* 2.16.840.1.101.3.4.1.45 */

/* X.509 (RFC 5280) */
extern const struct oid OID_SUBJECT_KEY_ID;       /* 2.5.29.14 */
extern const struct oid OID_KEY_USAGE;            /* 2.5.29.15 */
extern const struct oid OID_BASIC_CONSTRAINTS;    /* 2.5.29.19 */
extern const struct oid OID_AUTHORITY_KEY_ID;     /* 2.5.29.35 */
extern const struct oid OID_AT_SERIAL_NUMBER;     /* 2.5.4.5 */
extern const struct oid OID_AT_COMMON_NAME;       /* 2.5.4.3 */

/* 1 if the OID TLV `t` is `o`, else 0. */
int oid_is(const struct der_tlv *t, const struct oid *o);

/* The name of a known OID TLV, or NULL. */
const char *oid_name(const struct der_tlv *t);

/* For messages: the name of a known OID, else its dotted form written into
 * buf (NUL-terminated). Returns a string valid while buf is. */
const char *oid_describe(const struct der_tlv *t, char *buf, size_t cap);

#endif
