/*
 * restconf.h: the RESTCONF (RFC 8040) side of the RFC 8572 bootstrap-server
 * API, as pure functions: request bodies, operation paths, media-type checks
 * and the "ietf-restconf:errors" reply.
 *
 *   get-bootstrapping-data  POST {root}/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data
 *   report-progress         POST {root}/operations/ietf-sztp-bootstrap-server:report-progress
 *
 * Bodies are JSON (application/yang-data+json), module-qualified at the top
 * ("ietf-sztp-bootstrap-server:input"), as RFC 7951 wants.
 */
#ifndef SZTP_RESTCONF_H
#define SZTP_RESTCONF_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define RESTCONF_ROOT        "/restconf"
#define RESTCONF_MEDIA       "application/yang-data+json"
#define RESTCONF_XML_NS      "urn:ietf:params:xml:ns:yang:ietf-restconf"
#define RESTCONF_OP_GBD      "ietf-sztp-bootstrap-server:get-bootstrapping-data"
#define RESTCONF_OP_REPORT   "ietf-sztp-bootstrap-server:report-progress"
#define RESTCONF_ROOT_MAX    256  /* bytes of a RESTCONF root path */
#define RESTCONF_NONCE_MIN   16   /* nonce bytes (YANG length 16..32) */
#define RESTCONF_NONCE_MAX   32
#define RESTCONF_STR_MAX     256  /* hw-model, os-name, os-version */
#define RESTCONF_MSG_MAX     1024 /* progress message bytes */
#define RESTCONF_ERRORS_MAX  (64 * 1024) /* error reply bytes parsed */

/* get-bootstrapping-data input. */
struct restconf_gbd_input {
	int signed_data_preferred;  /* send "signed-data-preferred": [null] */
	const uint8_t *nonce;       /* nonce bytes or NULL; 16..32 when set */
	size_t nonce_len;
	const char *hw_model;       /* NULL: not sent */
	const char *os_name;
	const char *os_version;
};

/*
 * Write the get-bootstrapping-data request body into out[cap] (NUL-ended).
 * Returns its length, or -1 with `e` set (bad nonce length, string too long
 * or with control characters, no room).
 */
int restconf_gbd_body(const struct restconf_gbd_input *in, char *out, size_t cap,
		      struct err *e);

/*
 * Write the report-progress request body for progress type `type` (its YANG
 * name) and an optional `message` (NULL: none; control characters are
 * replaced by spaces, at most RESTCONF_MSG_MAX bytes kept) into out[cap].
 * Returns the length or -1 with `e` set.
 */
int restconf_report_body(const char *type, const char *message, char *out, size_t cap,
			 struct err *e);

/* One ssh-host-keys/ssh-host-key entry of bootstrap-complete. */
struct restconf_ssh_key {
	const char *algorithm;   /* "ssh-ed25519": printable, 1..RESTCONF_STR_MAX-1 bytes */
	const char *key_data;    /* base64 of the RFC 4253 public key blob */
};

/* A whole report-progress input. */
struct restconf_report {
	const char *type;                     /* the progress-type YANG name */
	const char *message;                  /* NULL: none (as restconf_report_body) */
	const struct restconf_ssh_key *keys;  /* "ssh-host-keys": bootstrap-complete only */
	size_t n_keys;
	const char *aug_name;                 /* an augmentation member, "module:name" ... */
	const char *aug_json;                 /* ... and its value, a JSON object (NULL: none) */
};

/*
 * Write the report-progress request body for `r` into out[cap]:
 *   {"ietf-sztp-bootstrap-server:input":{"progress-type":T,"message":M,
 *    "ssh-host-keys":{"ssh-host-key":[{"algorithm":A,"key-data":K},...]},
 *    "<aug_name>":<aug_json>}}
 * Refused (-1, `e` set): ssh-host-keys with another type than
 * bootstrap-complete, an empty or non-printable algorithm, key-data that is
 * not base64, an augmentation name that is not "module:name" or a value that
 * is not exactly one JSON object (json_parse()) without control characters
 * (other than white space), no room. Returns the length.
 */
int restconf_report_write(const struct restconf_report *r, char *out, size_t cap, struct err *e);

/*
 * Write "{root}/operations/{op}" into out[cap]. `root` must be a valid path
 * without a trailing '/' (RESTCONF_ROOT). Returns the length or -1.
 */
int restconf_op_path(const char *root, const char *op, char *out, size_t cap, struct err *e);

/*
 * 1 when the Content-Type value `ct` is application/yang-data+json (case-
 * insensitive, parameters such as "; charset=utf-8" allowed), else 0.
 */
int restconf_media_ok(const char *ct);

/*
 * 1 when `ct` is a Content-Type some servers send with a JSON body although
 * they should say application/yang-data+json: none at all (""), text/plain
 * or application/json (parameters allowed). The client then takes the body
 * as JSON with a warning; it is verified like any other. 0 otherwise.
 */
int restconf_media_tolerated(const char *ct);

/*
 * The first line of a reply body that is not an RFC 8040 error document,
 * for a log line: at most RESTCONF_LINE_MAX bytes of body[0..len) up to the
 * first CR or LF, printable ASCII kept, '"' and '\\' backslash-escaped,
 * other bytes as \xNN, "..." appended when cut; into out[cap] (always
 * terminated). Returns the length written.
 */
#define RESTCONF_LINE_MAX 120
size_t restconf_body_line(const uint8_t *body, size_t len, char *out, size_t cap);

/*
 * Summarise an RFC 8040 error reply body[0..len), JSON or XML (told by its
 * first byte, base/xml.h's rules and limits):
 *   {"ietf-restconf:errors":{"error":[{"error-type":..,"error-tag":..,
 *     "error-message":..,"error-app-tag":..}]}}
 *   <errors xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf"><error>
 *     <error-tag>..</error-tag><error-message>..</error-message>..</error></errors>
 * into out[cap] as 'error-tag "invalid-value": message' (first error; "and
 * N more" when there are several). Returns 0, or -1 with `e` set when the
 * body is not such a document (out is then "").
 */
int restconf_errors_summary(const uint8_t *body, size_t len, char *out, size_t cap,
			    struct err *e);

/*
 * The RESTCONF root to use for a bootstrap-server URI path: "" or "/" give
 * RESTCONF_ROOT; a path ending in "/operations/<op>" gives what precedes
 * it; any other path is taken as the root itself (trailing '/' removed).
 * Returns 0 or -1 with `e` set (too long, or not starting with '/').
 */
int restconf_root_from_path(const char *path, char *root, size_t cap, struct err *e);

#endif
