/*
 * backoff.h: capped exponential backoff with jitter between rounds of the
 * bootstrap source loop.
 *
 * The nominal delay starts at min_ms and doubles after every round up to
 * max_ms; the delay actually waited is drawn uniformly from
 * [nominal/2, nominal] ("equal jitter"), so that a rack of machines that
 * power up together spreads its retries instead of hitting the server in
 * step, while no device waits less than half the nominal delay.
 */
#ifndef SZTP_BACKOFF_H
#define SZTP_BACKOFF_H

#include <stdint.h>

struct backoff {
	int min_ms;
	int max_ms;
	int cur_ms; /* the next nominal delay */
};

/* Start at min_ms (>= 1), cap at max_ms (>= min_ms; raised to min_ms if lower). */
void backoff_init(struct backoff *b, int min_ms, int max_ms);

/*
 * The delay before the next round, in ms, using `rnd` (a uniformly random
 * 32-bit value) for the jitter; advances the nominal delay.
 */
int backoff_next(struct backoff *b, uint32_t rnd);

#endif
