/* backoff.c: capped exponential backoff with equal jitter (see backoff.h). */
#include "sztp/backoff.h"

void backoff_init(struct backoff *b, int min_ms, int max_ms)
{
	if (min_ms < 1)
		min_ms = 1;
	if (max_ms < min_ms)
		max_ms = min_ms;
	b->min_ms = min_ms;
	b->max_ms = max_ms;
	b->cur_ms = min_ms;
}

int backoff_next(struct backoff *b, uint32_t rnd)
{
	int nominal = b->cur_ms, half = nominal / 2;
	int delay = nominal - half + (int)(rnd % (uint32_t)(half + 1));

	b->cur_ms = nominal > b->max_ms / 2 ? b->max_ms : nominal * 2;
	return delay;
}
