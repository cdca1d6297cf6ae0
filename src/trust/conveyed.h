/*
 * conveyed.h: RFC 8572 conveyed information (ietf-sztp-conveyed-info@2019-04-30),
 * JSON encoding (conveyed.c) and XML encoding (conveyed_xml.c), parsed into
 * the same fixed-capacity structures.
 *
 * The document's single top-level member is module-qualified:
 *   "ietf-sztp-conveyed-info:redirect-information" or
 *   "ietf-sztp-conveyed-info:onboarding-information"
 * and inner members are unqualified (RFC 7951). Unknown members are ignored;
 * wrong types, missing mandatory leaves, bad base64 and bad hash values are
 * refused with a one-line message naming the member.
 *
 * Binary leaves (trust anchors, scripts, configuration) are base64-decoded
 * into a caller-provided arena; the structure points into it. An arena of
 * CONVEYED_ARENA_SIZE bytes always suffices for any document json_parse()
 * accepts (decoded base64 is at most 3/4 of the JSON text); a smaller arena
 * makes large documents fail with "... exceeds the space left".
 */
#ifndef SZTP_CONVEYED_H
#define SZTP_CONVEYED_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/json.h"
#include "base/xml.h"

#define CONVEYED_MAX_SERVERS 16   /* redirect-information/bootstrap-server entries */
#define CONVEYED_HOST_MAX    256  /* inet:host, NUL included */
#define CONVEYED_MAX_URIS    8    /* boot-image/download-uri entries */
#define CONVEYED_URI_MAX     1024 /* one URI, NUL included */
#define CONVEYED_MAX_HASHES  4    /* usable (sha-256) image-verification entries */
#define CONVEYED_STR_MAX     256  /* os-name, os-version, NUL included */
#define CONVEYED_ARENA_SIZE  (JSON_MAX_SIZE / 4 * 3 + 64)

#define CONVEYED_SHA256_ALG "ietf-sztp-conveyed-info:sha-256"
#define CONVEYED_XML_NS     "urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info"

enum conveyed_kind {
	CONVEYED_NONE = 0,
	CONVEYED_REDIRECT,
	CONVEYED_ONBOARDING,
};

enum conveyed_handling {
	CONVEYED_HANDLING_NONE = 0, /* configuration-handling absent */
	CONVEYED_HANDLING_MERGE,
	CONVEYED_HANDLING_REPLACE,
};

/* Bytes inside the caller's arena; len 0 / data NULL when absent. */
struct conveyed_blob {
	const uint8_t *data;
	size_t len;
};

/* An arena for decoded binary leaves: buf[cap], `used` bytes taken. */
struct conveyed_arena {
	uint8_t *buf;
	size_t cap;
	size_t used;
};

struct conveyed_server {
	char address[CONVEYED_HOST_MAX]; /* inet:host, mandatory */
	uint16_t port;                   /* 1..65535, default 443 */
	struct conveyed_blob trust_anchor; /* DER of a degenerate CMS, or empty */
};

struct conveyed_redirect {
	struct conveyed_server servers[CONVEYED_MAX_SERVERS];
	int n_servers; /* at least 1 */
};

struct conveyed_boot_image {
	int present;                    /* boot-image container present */
	char os_name[CONVEYED_STR_MAX]; /* empty when absent */
	char os_version[CONVEYED_STR_MAX];
	char uris[CONVEYED_MAX_URIS][CONVEYED_URI_MAX];
	int n_uris;
	uint8_t sha256[CONVEYED_MAX_HASHES][32]; /* usable hashes, in order */
	int n_sha256;
	int n_skipped_hashes; /* entries with an unknown hash-algorithm */
};

struct conveyed_onboarding {
	struct conveyed_boot_image boot_image;
	enum conveyed_handling handling;
	struct conveyed_blob pre_script;    /* pre-configuration-script */
	struct conveyed_blob configuration;
	struct conveyed_blob post_script;   /* post-configuration-script */
};

struct conveyed_info {
	enum conveyed_kind kind;
	struct conveyed_redirect redirect;     /* valid when kind == CONVEYED_REDIRECT */
	struct conveyed_onboarding onboarding; /* valid when kind == CONVEYED_ONBOARDING */
};

/* Initialise an arena over buf[cap]. */
void conveyed_arena_init(struct conveyed_arena *a, uint8_t *buf, size_t cap);

/*
 * Parse the conveyed-information JSON document json[len] into `out`, decoding
 * binary leaves into `arena`. Returns 0, or -1 with `e` set to a message that
 * starts with "conveyed-information: ". On failure `out` is zeroed.
 *
 * Rules beyond the YANG types:
 *  - redirect-information needs at least one bootstrap-server; port is a JSON
 *    number or a decimal string, 1..65535, default 443.
 *  - image-verification entries whose hash-algorithm is not sha-256 are
 *    skipped; if download-uri is non-empty and no sha-256 hash remains, the
 *    document is refused (the image could not be verified).
 *  - hash-value is a yang:hex-string and must be exactly 32 bytes.
 *  - configuration-handling is mandatory when configuration is present.
 */
int conveyed_parse(const uint8_t *json, size_t len, struct conveyed_info *out,
                   struct conveyed_arena *arena, struct err *e);

/* The same, from a tree already parsed with json_parse(). */
int conveyed_parse_tree(const cJSON *root, struct conveyed_info *out,
                        struct conveyed_arena *arena, struct err *e);

/*
 * The XML encoding (eContentType id-ct-sztpConveyedInfoXML), from a document
 * parsed with xml_parse(): the root element is <redirect-information> or
 * <onboarding-information> in namespace CONVEYED_XML_NS (compared without
 * regard to letter case: *ns_case is set to 1 when it differed, else 0),
 * its children in the same namespace, lists as repeated elements. The same
 * rules and messages as conveyed_parse(); elements in other namespaces are
 * ignored; hash-algorithm is a QName whose prefix is resolved against the
 * namespace declarations in scope (the module name itself, as JSON writes
 * it, is accepted too).
 */
int conveyed_parse_xml(const struct xml_doc *doc, struct conveyed_info *out,
                       struct conveyed_arena *arena, int *ns_case, struct err *e);

/* ---- checks shared by the JSON and XML readers ---- */

/* 1 when `host` holds only inet:host characters (letters, digits, . - _ : %). */
int conveyed_host_ok(const char *host);

/* 1 when `uri` has no white space or control characters. */
int conveyed_uri_ok(const char *uri);

/* Decode base64 b64[n] (leaf `name` of `what`) into the arena: *out points
 * at the bytes. 0, or -1 with `e` set ("<what>: \"<name>\": base64: ..."). */
int conveyed_decode_binary(struct conveyed_arena *a, const char *b64, size_t n,
                           struct conveyed_blob *out, const char *what, const char *name,
                           struct err *e);

/* One image-verification entry: a sha-256 one (sha256 = 1) has its hex-string
 * hash-value hex[n] decoded and kept (32 bytes, at most CONVEYED_MAX_HASHES);
 * another algorithm is counted as skipped. 0 or -1 with `e` set. */
int conveyed_add_hash(struct conveyed_boot_image *b, int sha256, const char *hex, size_t n,
                      const char *what, struct err *e);

/* configuration-handling "merge" or "replace" into o->handling; else -1. */
int conveyed_set_handling(struct conveyed_onboarding *o, const char *s, const char *what,
                          struct err *e);

/* The rules across leaves of onboarding information: download URIs need a
 * sha-256 hash; configuration needs configuration-handling. */
int conveyed_check_onboarding(const struct conveyed_onboarding *o, struct err *e);

#endif
