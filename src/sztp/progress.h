/*
 * progress.h: the RFC 8572 progress-report types (ietf-sztp-bootstrap-server
 * report-progress "progress-type", all 27, in YANG order) and which of them
 * are sent at each reporting-level.
 *
 *   minimal  bootstrap-initiated plus the report that ends the attempt:
 *            any *-error, boot-image-mismatch, boot-image-installed-rebooting,
 *            bootstrap-complete.
 *   verbose  everything: also every *-initiated, *-warning, *-complete step,
 *            bootstrap-warning and informational.
 *
 * bootstrap-initiated and bootstrap-complete must be acknowledged with
 * 204 No Content (progress_must_ack); see docs/client.md.
 */
#ifndef SZTP_PROGRESS_H
#define SZTP_PROGRESS_H

enum progress_type {
	PROGRESS_BOOTSTRAP_INITIATED = 0,
	PROGRESS_PARSING_INITIATED,
	PROGRESS_PARSING_WARNING,
	PROGRESS_PARSING_ERROR,
	PROGRESS_PARSING_COMPLETE,
	PROGRESS_BOOT_IMAGE_INITIATED,
	PROGRESS_BOOT_IMAGE_WARNING,
	PROGRESS_BOOT_IMAGE_ERROR,
	PROGRESS_BOOT_IMAGE_MISMATCH,
	PROGRESS_BOOT_IMAGE_INSTALLED_REBOOTING,
	PROGRESS_BOOT_IMAGE_COMPLETE,
	PROGRESS_PRE_SCRIPT_INITIATED,
	PROGRESS_PRE_SCRIPT_WARNING,
	PROGRESS_PRE_SCRIPT_ERROR,
	PROGRESS_PRE_SCRIPT_COMPLETE,
	PROGRESS_CONFIG_INITIATED,
	PROGRESS_CONFIG_WARNING,
	PROGRESS_CONFIG_ERROR,
	PROGRESS_CONFIG_COMPLETE,
	PROGRESS_POST_SCRIPT_INITIATED,
	PROGRESS_POST_SCRIPT_WARNING,
	PROGRESS_POST_SCRIPT_ERROR,
	PROGRESS_POST_SCRIPT_COMPLETE,
	PROGRESS_BOOTSTRAP_WARNING,
	PROGRESS_BOOTSTRAP_ERROR,
	PROGRESS_BOOTSTRAP_COMPLETE,
	PROGRESS_INFORMATIONAL,
	PROGRESS_N /* 27 */
};

/* The YANG enum name ("bootstrap-initiated"), or NULL when out of range. */
const char *progress_name(enum progress_type t);

/* The type named `name`, or -1. */
int progress_from_name(const char *name);

/* 1 when `t` is sent at reporting-level minimal (verbose sends all). */
int progress_minimal(enum progress_type t);

/* 1 when `t` is sent at the given level (verbose: 1 for verbose). */
int progress_wanted(enum progress_type t, int verbose);

/* 1 when the server must answer `t` with 204 for the onboarding to go on. */
int progress_must_ack(enum progress_type t);

#endif
