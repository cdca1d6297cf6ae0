/*
 * json.h: a thin, defensive layer over cJSON for hostile JSON documents.
 *
 * Why cJSON and not a hand-written parser: cJSON is a small, widely used and
 * well-kept C library, packaged (and patched for security) by Debian, which we
 * build from the Debian source package. A new hand-written JSON parser would
 * be one more parser of hostile input to get right; what cJSON lacks for our
 * use we add here, in front of it and on top of it:
 *
 *  - a maximum document size (JSON_MAX_SIZE, 1 MiB) and nesting depth
 *    (JSON_MAX_DEPTH, 32), checked by a linear pre-scan BEFORE cJSON (which
 *    is recursive and whose own compiled-in limit is 1000 levels) sees the
 *    input. cJSON allocates in proportion to the document; the size cap
 *    bounds that;
 *  - NUL bytes and the escape \u0000 are refused (cJSON strings are C strings,
 *    so "SN\u0000x" would otherwise compare equal to "SN");
 *  - the whole input must be one JSON value (trailing whitespace allowed,
 *    nothing else);
 *  - object members are looked up case-sensitively and a member name that
 *    appears twice in one object is an error, never "first one wins";
 *  - typed getters that report a wrong type with a clear one-line message:
 *      conveyed-information: "port" must be a number or string, got array
 *
 * Getter convention: `what` names the enclosing object for messages (e.g.
 * "conveyed-information: bootstrap-server[1]"). Getters return 1 when the
 * member is present and of the right type, 0 when it is absent and not
 * mandatory, and -1 (with `e` set) when it is absent but mandatory, has the
 * wrong type, or is duplicated.
 */
#ifndef SZTP_JSON_H
#define SZTP_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "base/err.h"

#define JSON_MAX_SIZE  (1024u * 1024u) /* bytes of JSON text */
#define JSON_MAX_DEPTH 32              /* nested objects/arrays */

/*
 * Parse `len` bytes of JSON text. `what` names the document for messages
 * ("voucher"). Returns a tree to free with json_free(), or NULL with `e` set.
 * A leading UTF-8 byte order mark is tolerated.
 */
cJSON *json_parse(const uint8_t *buf, size_t len, const char *what, struct err *e);

/* Free a tree from json_parse() (NULL is fine). */
void json_free(cJSON *root);

/* The JSON type of `item` as a word: "object", "array", "string", "number",
 * "boolean", "null" or "invalid". */
const char *json_type_name(const cJSON *item);

/*
 * Find member `name` of object `obj`. Returns 1 and sets *out when present
 * once, 0 when absent (or mandatory=0), -1 when absent and mandatory or when
 * present more than once.
 */
int json_member(const cJSON *obj, const char *name, int mandatory,
                const cJSON **out, const char *what, struct err *e);

/* A member that must be a JSON object. */
int json_get_object(const cJSON *obj, const char *name, int mandatory,
                    const cJSON **out, const char *what, struct err *e);

/* A member that must be a JSON array; *count receives its length. */
int json_get_array(const cJSON *obj, const char *name, int mandatory,
                   const cJSON **out, int *count, const char *what, struct err *e);

/* A member that must be a JSON string; *out points into the tree. */
int json_get_string(const cJSON *obj, const char *name, int mandatory,
                    const char **out, const char *what, struct err *e);

/* A string member copied into dst[dstsz]; too long is an error, not a
 * truncation. Empty strings are allowed unless nonempty is set. */
int json_get_strcpy(const cJSON *obj, const char *name, int mandatory, int nonempty,
                    char *dst, size_t dstsz, const char *what, struct err *e);

/* A member that must be true or false. */
int json_get_bool(const cJSON *obj, const char *name, int mandatory,
                  int *out, const char *what, struct err *e);

/*
 * An unsigned integer member in [min, max], given either as a JSON number
 * (integral) or as a string of decimal digits (YANG JSON encodes 64-bit
 * integers as strings, and some servers quote every number).
 */
int json_get_uint(const cJSON *obj, const char *name, int mandatory,
                  unsigned long min, unsigned long max, unsigned long *out,
                  const char *what, struct err *e);

#endif
