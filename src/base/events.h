/*
 * events.h: provisioning events as JSON Lines, for fleet tooling that must
 * not parse the log's prose. One JSON object a line, appended to
 * EVENTS_PATH on the device (it moves into the provisioned OS with /run,
 * and install_save_log() copies it to /var/log/sztp/) or to the file given
 * to `sztpboot run --events FILE` on a host:
 *
 *   {"v":1,"seq":7,"time":"2025-03-01T10:00:03.141Z","uptime":3.141,
 *    "serial":"SN-1","phase":"bootstrap","outcome":"fail",
 *    "step":"get-bootstrapping-data","source":"dhcp4",
 *    "server":"https://192.0.2.1:8443","reason":"HTTP 503 (expected 200)"}
 *
 * The field names, the phases and the outcomes are the schema of
 * docs/events.md (docs/events.schema.json): stable; a field is added, never
 * renamed. Strings are written as printable ASCII: '"' and '\' escaped,
 * every other byte outside 0x20..0x7e as \u00XX, so a line is always valid
 * JSON whatever a server sent. A line is at most EVENTS_LINE_MAX bytes (a
 * long reason is cut, ending in "..."); each is one write(2) on a file
 * opened O_APPEND. Without events_open() nothing is written.
 */
#ifndef SZTP_EVENTS_H
#define SZTP_EVENTS_H

#include <stdint.h>

#define EVENTS_PATH     "/run/sztp/events.jsonl"
#define EVENTS_VERSION  1
#define EVENTS_LINE_MAX 2048
#define EVENTS_STR_MAX  512  /* bytes of one string value before escaping */

/* Phases, in boot order (docs/events.md). */
#define EV_BOOT       "boot"       /* the agent started; the device's identity */
#define EV_HARDWARE   "hardware"   /* TPM and kernel modules */
#define EV_NETWORK    "network"    /* links, addresses, discovered sources */
#define EV_BOOTSTRAP  "bootstrap"  /* bootstrap servers and local data, attempt by attempt */
#define EV_ONBOARDING "onboarding" /* the RFC 8572 section 5.6 steps (step: the progress type) */
#define EV_HANDOVER   "handover"   /* entering the provisioned OS */
#define EV_RESULT     "result"     /* the last event of a run: outcome "ok" or "fail" */

/* Outcomes. */
#define EV_START "start"
#define EV_OK    "ok"
#define EV_FAIL  "fail"
#define EV_WARN  "warn"
#define EV_RETRY "retry"
#define EV_INFO  "info"

/* One event; every pointer may be NULL and every number 0 (then the field
 * is left out), except phase and outcome. */
struct event {
	const char *phase;
	const char *outcome;
	const char *step;       /* within the phase: "connect", "boot-image-complete", ... */
	const char *source;     /* how the server was found: "dhcp4", "cmdline", "media", ... */
	const char *server;     /* "https://host:port", or what local data was */
	const char *reason;     /* one line: why (failures), what (others) */
	const char *version;    /* the agent's version (boot) */
	const char *identity;   /* "tpm" or "file" (boot) */
	const char *os;         /* "os-name os-version" installed (result) */
	const char *disk;       /* the target disk (result) */
	const char *action;     /* what the device does next (result fail) */
	const char *report;     /* where the failure report is (result fail) */
	int round;              /* bootstrap round, 1.. */
	uint64_t bytes;         /* image bytes written (result) */
	double duration;        /* seconds since the agent started (result) */
};

/* Start writing events to `path` (created 0644, truncated). Returns 0 or
 * -errno (events are then not written; the caller logs it). */
int events_open(const char *path);

/* The file events go to (as given to events_open()), or NULL when off. */
const char *events_path(void);

/* Stop writing events (the file is closed). */
void events_close(void);

/* Every later event carries "serial" (NULL or "": none). Copied. */
void events_set_serial(const char *serial);

/* Seconds since events_open() (0 before it). */
double events_elapsed(void);

/* Format `ev` as one line (with its '\n') into buf[cap]; returns its length.
 * seq, time and uptime are given so that tests can compare lines. */
int events_format(const struct event *ev, unsigned seq, const char *time_str, double uptime,
		  char *buf, int cap);

/* Write one event (numbered, timestamped) when events are on. */
void events_emit(const struct event *ev);

/*
 * A phase begins: the console marker "== phase NAME: what" (stage
 * "sztpboot", level info, so a grep for "== phase " lists a boot's phases)
 * and the event {phase NAME, outcome "start", reason what}.
 */
void events_phase(const char *phase, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Shorthand: events_emit() of phase, outcome, step and reason only. */
void events_note(const char *phase, const char *outcome, const char *step, const char *reason);

#endif
