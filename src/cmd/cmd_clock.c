/* cmd_clock.c: the host commands' clock options (see cmd_clock.h). */
#include "cmd/cmd_clock.h"

#include <stdio.h>
#include <time.h>

int cmd_clock_policy(const struct cmd_clock *o, const char *who, struct clock_policy *p)
{
	enum sztp_clock mode = o->time ? SZTP_CLOCK_RTC : SZTP_CLOCK_AUTO;
	time_t rtc = time(NULL), floor = 0;
	struct err e;

	if (o->clock && config_clock_parse(o->clock, &mode) < 0) {
		fprintf(stderr, "%s: --clock: \"%s\": want auto, rtc or floor\n", who, o->clock);
		return 2;
	}
	if (o->time && clock_parse_time(o->time, &rtc, &e) < 0) {
		fprintf(stderr, "%s: --time: %s\n", who, e.msg);
		return 2;
	}
	if (o->floor && clock_parse_time(o->floor, &floor, &e) < 0) {
		fprintf(stderr, "%s: --floor: %s\n", who, e.msg);
		return 2;
	}
	clock_policy_init(p, mode, clock_build_time(), rtc, o->floor ? &floor : NULL);
	p->nonce_required = o->nonce_required;
	return 0;
}
