/*
 * measure.h: measured provisioning.
 *
 * Every artifact the device acts on is hashed, extended into the provisioning
 * PCR (cfg->pcr, default SZTP_DEFAULT_PCR) in every PCR bank the TPM has
 * allocated (SHA-1, SHA-256, SHA-384, SHA-512), and recorded as one CEL-JSON
 * record (cel.h) appended to the event log, MEASURE_LOG_PATH:
 *
 *   measure_data("voucher", "ownership voucher", buf, len, &e);
 *   measure_file("module", "/lib/modules/.../e1000.ko", &e);
 *   measure_separator(&e);              before the pivot to the provisioned OS
 *   measure_emergency("bootstrap failed", &e);   when a shell is entered
 *
 * The TPM itself is behind struct measure_backend (tpm_measure.c provides
 * it in the agent), so this file builds and is tested on the host too. The
 * PCR is extended first and the record written after; if either fails the
 * call fails and the caller must not go on provisioning (the log and the PCR
 * would no longer agree).
 *
 * Without a backend (no TPM) measuring is off: the calls succeed and do
 * nothing, and measure_active() returns 0.
 *
 * The state is process-wide (one provisioning run per boot).
 */
#ifndef SZTP_MEASURE_H
#define SZTP_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "tpm/cel.h"
#include "base/err.h"

#define MEASURE_LOG_PATH "/run/sztp/tpm2-measure.log"

/* What the separator and emergency events hash (so a verifier can predict
 * their digests): four zero bytes, as TCG EV_SEPARATOR; the ASCII string. */
#define MEASURE_EMERGENCY_DATA "sztp: emergency shell"

struct measure_backend {
	void *ctx;
	const char *what;   /* names the TPM in messages */
	unsigned banks;     /* CEL_BANK() bits: the banks allocated for the PCR */
	/* Extend ev->pcr with ev->digest[] for each bank in ev->banks. */
	int (*extend)(void *ctx, const struct cel_event *ev, struct err *e);
	/* Attestation evidence as JSON (see tpm_quote.h); may be NULL. */
	int (*quote)(void *ctx, const uint8_t *nonce, size_t nonce_len, char *out,
		size_t cap, struct err *e);
};

/*
 * Start measuring into `pcr` (8..23) with backend `b` (copied; NULL turns
 * measuring off) and the log at `log_path` (NULL: MEASURE_LOG_PATH; its
 * directory is created). An existing log is continued (recnum goes on).
 */
int measure_init(uint32_t pcr, const char *log_path, const struct measure_backend *b,
	struct err *e);

/* 1 when a backend is set. */
int measure_active(void);

/* The PCR and the log path in use. */
uint32_t measure_pcr(void);
const char *measure_log_path(void);

/* Measure data[0..len) as an event of `type` (cel_type_ok()) and `name`. */
int measure_data(const char *type, const char *name, const uint8_t *data, size_t len,
	struct err *e);

/* Streaming form, for artifacts too large to hold (boot images). */
struct measure_stream {
	br_hash_compat_context h[CEL_NALGS];
	uint64_t size;
};
void measure_stream_init(struct measure_stream *s);
void measure_stream_update(struct measure_stream *s, const void *data, size_t len);
int measure_stream_finish(struct measure_stream *s, const char *type, const char *name,
	struct err *e);

/* Measure the contents of a file (read in chunks, any size). */
int measure_file(const char *type, const char *path, struct err *e);

/* The separator event: nothing after it is part of provisioning. */
int measure_separator(struct err *e);

/* The emergency-shell event; `why` goes into the record's string. */
int measure_emergency(const char *why, struct err *e);

/* Attestation evidence (tpm_quote.h's JSON) through the backend; fails when
 * measuring is off or the backend cannot quote. */
int measure_quote_json(const uint8_t *nonce, size_t nonce_len, char *out, size_t cap,
	struct err *e);

#endif
