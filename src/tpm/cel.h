/*
 * cel.h: the measured-provisioning event log, TCG Canonical Event Log (CEL)
 * records in JSON, written as an RFC 7464 JSON text sequence (each record is
 * 0x1E, one JSON object, 0x0A), the form systemd uses for
 * /run/log/systemd/tpm2-measure.log:
 *
 *   <RS>{"recnum":0,"pcr":14,"digests":[{"hashAlg":"sha256","digest":"9f86..."}],
 *        "content_type":"sztp","content":{"eventType":"voucher",
 *        "string":"ownership voucher","size":1342}}<LF>
 *
 * One record per PCR extension: `digests` holds, for each PCR bank that was
 * extended, the digest that was extended into it (the hash of the measured
 * bytes); `content` says what was measured (eventType from a fixed list,
 * `string` a short description, `size` the number of bytes hashed).
 *
 * Replay: for a PCR and a bank, start from the PCR's initial value (all zero
 * for PCRs 8-15 after a reset, unless something measured before us) and for
 * each record of that PCR compute PCR = H(PCR || digest). cel_replay() does
 * that; the result must equal the TPM's PCR (and the PCR digest in a quote).
 *
 * Pure code (BearSSL hashes, cJSON via json.h): unit-tested and fuzzed.
 */
#ifndef SZTP_CEL_H
#define SZTP_CEL_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "base/err.h"

enum cel_alg { CEL_SHA1 = 0, CEL_SHA256, CEL_SHA384, CEL_SHA512, CEL_NALGS };
#define CEL_BANK(a)     (1u << (a))
#define CEL_ALL_BANKS   ((1u << CEL_NALGS) - 1)
#define CEL_DIGEST_MAX  64
#define CEL_TYPE_MAX    32    /* eventType, NUL included */
#define CEL_NAME_MAX    256   /* string, NUL included */
#define CEL_RECORD_MAX  2048  /* one formatted record, RS and LF included */
#define CEL_LOG_MAX     (256u * 1024u)  /* a log cel_replay() accepts */

struct cel_event {
	uint64_t recnum;
	uint32_t pcr;
	unsigned banks;                               /* CEL_BANK() bits present */
	uint8_t digest[CEL_NALGS][CEL_DIGEST_MAX];
	char type[CEL_TYPE_MAX];                      /* content.eventType */
	char name[CEL_NAME_MAX];                      /* content.string */
	uint64_t size;                                /* content.size */
};

/* "sha1", "sha256", "sha384", "sha512". */
const char *cel_alg_name(int alg);
/* The alg for a name, or -1. */
int cel_alg_from_name(const char *name);
/* Digest size in bytes. */
size_t cel_alg_size(int alg);
/* The BearSSL hash class. */
const br_hash_class *cel_alg_hash(int alg);

/* 1 if `type` is one of the event types we write: voucher, owner-certificate,
 * conveyed-information, boot-image, configuration, pre-configuration-script,
 * post-configuration-script, module, trust-anchor, separator, emergency,
 * other. */
int cel_type_ok(const char *type);

/* Set ev->banks = banks and ev->digest[alg] = H_alg(data) for each bank. */
void cel_hash(struct cel_event *ev, unsigned banks, const uint8_t *data, size_t len);

/* pcr = H(pcr || digest) for one bank (pcr and digest are cel_alg_size()). */
void cel_extend(int alg, uint8_t *pcr, const uint8_t *digest);

/*
 * Format one record (RS, JSON, LF) into out; *len receives its length. The
 * name is JSON-escaped (control characters as \u00XX). Fails if the type is
 * not cel_type_ok(), no bank is set, or the record exceeds cap.
 */
int cel_format(const struct cel_event *ev, char *out, size_t cap, size_t *len,
	struct err *e);

/*
 * Parse one record's JSON text (without RS/LF) into ev. Strict: recnum, pcr
 * (0..23), digests (1..4, each a known hashAlg once, hex of the right size),
 * content_type "sztp" and content {eventType, string, size} must be present;
 * errors name the field.
 */
int cel_parse(const uint8_t *json, size_t len, struct cel_event *ev, struct err *e);

/* Iterate over a JSON text sequence. */
struct cel_reader {
	const uint8_t *p;
	size_t left;
	size_t index;         /* records returned so far */
};
void cel_reader_init(struct cel_reader *r, const uint8_t *log, size_t len);
/* 1 with the next record in ev, 0 at the end, -1 on error ("cel: record 3:
 * ..."). Records must start with RS; the recnums must count up from 0. */
int cel_next(struct cel_reader *r, struct cel_event *ev, struct err *e);

/*
 * Replay log[0..len) for `pcr` in bank `alg`, from `initial` (NULL: zeros),
 * into out (cel_alg_size(alg) bytes). *n_events (may be NULL) receives the
 * number of records for that PCR. A record of that PCR without a digest for
 * `alg` is an error: the bank would not be reproducible.
 */
int cel_replay(const uint8_t *log, size_t len, uint32_t pcr, int alg,
	const uint8_t *initial, uint8_t *out, size_t *n_events, struct err *e);

#endif
