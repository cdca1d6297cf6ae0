/*
 * cmd_clock.h: the clock options `sztpboot verify` and `sztpboot run` share,
 * so that a host judges times exactly as the device does (trust/clock.h):
 *
 *   --clock auto|rtc|floor   sztp.clock= (default auto; with --time, rtc)
 *   --floor T                the TPM floor the device would have read
 *                            (RFC 3339 or Unix seconds; default: none)
 *   --time T                 the RTC reading (default: this host's clock);
 *                            verify only
 *   --nonce-required         sztp.voucher=nonce-required
 *
 * The build time is this agent's own (the same source gives the same one).
 */
#ifndef SZTP_CMD_CLOCK_H
#define SZTP_CMD_CLOCK_H

#include "base/config.h"
#include "trust/clock.h"

struct cmd_clock {
	const char *clock;   /* --clock word, or NULL */
	const char *floor;   /* --floor, or NULL */
	const char *time;    /* --time, or NULL */
	int nonce_required;  /* --nonce-required */
};

/*
 * Make the policy `p` from the options. On a bad value prints
 * "<who>: --clock: ..." to stderr and returns 2 (usage); else 0.
 */
int cmd_clock_policy(const struct cmd_clock *o, const char *who, struct clock_policy *p);

#endif
