/*
 * conveyed.h: RFC 8572 conveyed information (ietf-sztp-conveyed-info@2019-04-30),
 * JSON encoding, parsed into fixed-capacity structures.
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

#define CONVEYED_MAX_SERVERS 16   /* redirect-information/bootstrap-server entries */
#define CONVEYED_HOST_MAX    256  /* inet:host, NUL included */
#define CONVEYED_MAX_URIS    8    /* boot-image/download-uri entries */
#define CONVEYED_URI_MAX     1024 /* one URI, NUL included */
#define CONVEYED_MAX_HASHES  4    /* usable (sha-256) image-verification entries */
#define CONVEYED_STR_MAX     256  /* os-name, os-version, NUL included */
#define CONVEYED_ARENA_SIZE  (JSON_MAX_SIZE / 4 * 3 + 64)

#define CONVEYED_SHA256_ALG "ietf-sztp-conveyed-info:sha-256"

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

#endif
