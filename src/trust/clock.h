/*
 * clock.h: the device's one clock and freshness policy. Everything that
 * judges a time (voucher.c, x509.c, verify.c, tls_x509.c, the bootstrap
 * engine, `sztpboot verify` and `run`) takes a struct clock_policy; nothing
 * else reads the clock. docs/trust-model.md ("Clock and freshness") is the
 * user's version of this comment.
 *
 * RFC 8572 section 9.1: a device that cannot ensure an accurate clock should
 * treat certificates and vouchers as if they never expired, and should not
 * rely on NTP. An initramfs is such a device. Treating everything as never
 * expiring would let anyone replay an old signed bundle (a previous owner's,
 * say) from removable media or DNS, so instead the device keeps a trusted
 * LOWER BOUND on the current time and refuses only what is known to have
 * expired before it:
 *
 *   base  = the latest of the agent's build time (clock_build_time()) and
 *           the floor kept in TPM NV (tpm/tpm_floor.h; advanced after every
 *           successful provisioning, never moved back; no TPM: no floor);
 *   bound = base, or the RTC when the RTC is trusted and later.
 *
 * The RTC is the kernel's clock at boot (CLOCK_REALTIME, which the kernel
 * sets from the hardware clock; nothing in the initramfs sets it). How far it
 * is trusted is sztp.clock= (enum sztp_clock, base/config.h):
 *
 *   auto   (default) trusted when it is not earlier than base: a clock that
 *          reset to 1970 or 2000 is recognised as wrong and ignored;
 *   rtc    trusted as the current time. One that reads earlier than base is
 *          wrong all the same: expiry is then judged at base (the bound),
 *          not-yet-valid at the RTC;
 *   floor  ignored: the build time and the TPM floor only.
 *
 * The rules, for every source alike (servers, removable media, DNS, mDNS):
 *   - expiry, always: a certificate whose notAfter, a voucher whose
 *     expires-on, is before the bound is refused;
 *   - not yet valid, only when the RTC is trusted: a certificate whose
 *     notBefore is after the RTC, a voucher whose created-on is more than
 *     CLOCK_MAX_SKEW after it, is refused.
 * Without a trusted RTC nothing is refused as "not yet valid", which is what
 * section 9.1 asks for; what is refused as expired provably is.
 *
 * Pure code (no clock, no TPM): the callers bring the readings.
 */
#ifndef SZTP_CLOCK_H
#define SZTP_CLOCK_H

#include <stddef.h>
#include <time.h>

#include "base/config.h"
#include "base/err.h"

/* Seconds a voucher's created-on may be after a trusted RTC (a device whose
 * clock is a little behind the server must not refuse a voucher made on
 * demand). */
#define CLOCK_MAX_SKEW 300

/* The earliest build time the agent will claim, whatever the build says
 * (2026-12-01T00:00:00Z, when this policy was written): a build without git
 * and without SOURCE_DATE_EPOCH still has a bound. */
#define CLOCK_BUILD_TIME_MIN ((time_t)1796083200)

/* RFC 3339 / Unix times this module accepts: up to 9999-12-31T23:59:59Z. */
#define CLOCK_TIME_MAX ((time_t)253402300799LL)

#define CLOCK_STR_MAX 32 /* "2026-12-02T10:00:00Z" and the like, with NUL */

/* What set the bound. */
enum clock_source {
	CLOCK_SRC_BUILD = 0, /* the agent's build time */
	CLOCK_SRC_FLOOR,     /* the TPM NV floor */
	CLOCK_SRC_RTC,       /* the trusted RTC */
};

struct clock_policy {
	enum sztp_clock mode;  /* sztp.clock= / --clock */
	time_t build_time;     /* the agent's build time */
	int have_floor;        /* a TPM floor was read ... */
	time_t floor;          /* ... and said this */
	time_t rtc;            /* the RTC reading */
	int rtc_trusted;       /* not-yet-valid is checked, against `rtc` */
	time_t base;           /* latest of build time and floor */
	time_t bound;          /* expiry is judged against this */
	enum clock_source source; /* what `bound` is */
	int nonce_required;    /* sztp.voucher=nonce-required: only vouchers
	                          that echo the nonce sent are accepted */
};

/* The TPM floor, as the boot sequence hands it to the bootstrap stage
 * (boot/identity.c implements it over tpm/tpm_floor.h). */
struct clock_floor {
	void *ctx;
	/* 1 with *t set, 0 when no floor was ever written, -1 with `e` set */
	int (*read)(void *ctx, time_t *t, struct err *e);
	/* raise the floor to `t`; a floor already at or after `t` is left
	 * alone (never moved back). 0, or -1 with `e` set */
	int (*advance)(void *ctx, time_t t, struct err *e);
};

/* The agent's build time: SZTP_BUILD_TIME (the Makefile's: SOURCE_DATE_EPOCH,
 * else the last commit's time), never earlier than CLOCK_BUILD_TIME_MIN. */
time_t clock_build_time(void);

/*
 * Make the policy for mode `mode` from the build time, the RTC reading and
 * the TPM floor (`floor` NULL: none), as described at the top of this file.
 * nonce_required is left 0.
 */
void clock_policy_init(struct clock_policy *p, enum sztp_clock mode, time_t build_time,
                       time_t rtc, const time_t *floor);

/*
 * A policy that judges at exactly `t` with a trusted clock and no other
 * bound (build time 0, no floor): for tests and fuzz targets.
 */
void clock_policy_exact(struct clock_policy *p, time_t t);

/* 1 when something that ends at `end` (notAfter, expires-on; inclusive) is
 * known to have ended: end < bound. */
int clock_expired(const struct clock_policy *p, time_t end);

/* 1 when something that starts at `start` (notBefore, created-on) plus
 * `skew` seconds is known not to have started: only with a trusted RTC,
 * start > rtc + skew. */
int clock_not_yet(const struct clock_policy *p, time_t start, time_t skew);

/*
 * Judge one validity period [not_before, not_after] (a certificate's).
 * `what` names it in messages. Returns 0, or -1 with `e` set to
 *   "<what> has expired (notAfter T, before the bound B (build time))"
 *   "<what> is not yet valid (notBefore T, after the RTC R)"
 */
int clock_check_validity(const struct clock_policy *p, time_t not_before, time_t not_after,
                         const char *what, struct err *e);

/*
 * The one time at which a chain whose certificates each passed
 * clock_check_validity() is checked by BearSSL (which takes a single time
 * for the whole chain): the bound, or the latest notBefore of the chain
 * (`nb_max`) when that is later. -1 with `e` set when that time is after the
 * chain's earliest notAfter (`na_min`): the periods do not overlap.
 */
int clock_chain_time(const struct clock_policy *p, time_t nb_max, time_t na_min,
                     time_t *t, struct err *e);

/*
 * The value the TPM floor is advanced to after a successful provisioning:
 * the latest of the floor, the bound and `evidence` (the created-on of the
 * voucher acted upon, a time its signer vouched had come; 0: none).
 */
time_t clock_floor_next(const struct clock_policy *p, time_t evidence);

/*
 * Parse a time given by an operator: RFC 3339 ("2026-12-02T10:00:00Z",
 * rfc3339_parse()) or Unix seconds ("1796205600"). Returns 0, or -1 with
 * `e` set to "bad time \"...\": want RFC 3339 (...) or Unix seconds".
 */
int clock_parse_time(const char *s, time_t *out, struct err *e);

/* "2026-12-02T10:00:00Z" (or the number, out of gmtime's range) into buf. */
const char *clock_fmt(time_t t, char *buf, size_t cap);

/* "build time", "TPM floor", "RTC". */
const char *clock_source_name(enum clock_source s);

/*
 * One line describing the policy in force, for the log, e.g.
 *   bound 2026-11-30T12:00:00Z (build time); RTC 1970-01-01T00:00:07Z not
 *   trusted (earlier than the bound): expiry only; TPM floor none; sztp.clock=auto
 * Returns buf.
 */
const char *clock_describe(const struct clock_policy *p, char *buf, size_t cap);

#endif
