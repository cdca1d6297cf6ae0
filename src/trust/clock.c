/* clock.c: the clock and freshness policy (see clock.h). */
#include "trust/clock.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "trust/voucher.h"

/* The Makefile passes the build time (SOURCE_DATE_EPOCH or the last commit's
 * time); a build without either falls back to CLOCK_BUILD_TIME_MIN. */
#ifndef SZTP_BUILD_TIME
#define SZTP_BUILD_TIME 0
#endif

time_t clock_build_time(void)
{
	long long t = SZTP_BUILD_TIME;
	return t > (long long)CLOCK_BUILD_TIME_MIN ? (time_t)t : CLOCK_BUILD_TIME_MIN;
}

void clock_policy_init(struct clock_policy *p, enum sztp_clock mode, time_t build_time,
                       time_t rtc, const time_t *floor)
{
	memset(p, 0, sizeof *p);
	p->mode = mode;
	p->build_time = build_time;
	p->rtc = rtc;
	p->base = build_time;
	p->source = CLOCK_SRC_BUILD;
	if (floor) {
		p->have_floor = 1;
		p->floor = *floor;
		if (*floor > p->base) {
			p->base = *floor;
			p->source = CLOCK_SRC_FLOOR;
		}
	}
	p->bound = p->base;
	switch (mode) {
	case SZTP_CLOCK_RTC:
		p->rtc_trusted = 1;
		break;
	case SZTP_CLOCK_FLOOR:
		p->rtc_trusted = 0;
		break;
	default:
		p->rtc_trusted = rtc >= p->base;
		break;
	}
	if (p->rtc_trusted && rtc > p->bound) {
		p->bound = rtc;
		p->source = CLOCK_SRC_RTC;
	}
}

void clock_policy_exact(struct clock_policy *p, time_t t)
{
	clock_policy_init(p, SZTP_CLOCK_RTC, 0, t, NULL);
	p->bound = t;
	p->source = CLOCK_SRC_RTC;
}

int clock_expired(const struct clock_policy *p, time_t end)
{
	return end < p->bound;
}

int clock_not_yet(const struct clock_policy *p, time_t start, time_t skew)
{
	return p->rtc_trusted && start > p->rtc && start - p->rtc > skew;
}

const char *clock_fmt(time_t t, char *buf, size_t cap)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, cap, "%lld", (long long)t);
	return buf;
}

const char *clock_source_name(enum clock_source s)
{
	switch (s) {
	case CLOCK_SRC_FLOOR: return "TPM floor";
	case CLOCK_SRC_RTC: return "RTC";
	default: return "build time";
	}
}

int clock_check_validity(const struct clock_policy *p, time_t not_before, time_t not_after,
                         const char *what, struct err *e)
{
	char t[CLOCK_STR_MAX], b[CLOCK_STR_MAX];

	if (clock_expired(p, not_after))
		return err_set(e, "%s has expired (notAfter %s, before the bound %s (%s))", what,
		               clock_fmt(not_after, t, sizeof t), clock_fmt(p->bound, b, sizeof b),
		               clock_source_name(p->source));
	if (clock_not_yet(p, not_before, 0))
		return err_set(e, "%s is not yet valid (notBefore %s, after the RTC %s)", what,
		               clock_fmt(not_before, t, sizeof t), clock_fmt(p->rtc, b, sizeof b));
	return 0;
}

int clock_chain_time(const struct clock_policy *p, time_t nb_max, time_t na_min,
                     time_t *t, struct err *e)
{
	char a[CLOCK_STR_MAX], b[CLOCK_STR_MAX];

	*t = nb_max > p->bound ? nb_max : p->bound;
	if (*t > na_min)
		return err_set(e, "the validity periods of the chain do not overlap (latest notBefore %s, "
		               "earliest notAfter %s)", clock_fmt(nb_max, a, sizeof a),
		               clock_fmt(na_min, b, sizeof b));
	return 0;
}

time_t clock_floor_next(const struct clock_policy *p, time_t evidence)
{
	time_t t = p->bound;
	if (p->have_floor && p->floor > t)
		t = p->floor;
	if (evidence > t && evidence <= CLOCK_TIME_MAX)
		t = evidence;
	return t;
}

int clock_parse_time(const char *s, time_t *out, struct err *e)
{
	struct err ignored;

	*out = 0;
	if (s && s[0] >= '0' && s[0] <= '9' && strspn(s, "0123456789") == strlen(s)) {
		int64_t v = 0;
		for (const char *q = s; *q; q++) {
			v = v * 10 + (*q - '0');
			if (v > (int64_t)CLOCK_TIME_MAX)
				goto bad;
		}
		if (sizeof(time_t) < 8 && v > INT32_MAX)
			goto bad;
		*out = (time_t)v;
		return 0;
	}
	if (s && rfc3339_parse(s, out, &ignored) == 0 && *out >= 0 && *out <= CLOCK_TIME_MAX)
		return 0;
bad:
	*out = 0;
	return err_set(e, "bad time \"%.40s\": want RFC 3339 (2026-01-31T12:00:00Z) or Unix seconds",
	               s ? s : "");
}

const char *clock_describe(const struct clock_policy *p, char *buf, size_t cap)
{
	char b[CLOCK_STR_MAX], r[CLOCK_STR_MAX], f[CLOCK_STR_MAX], bt[CLOCK_STR_MAX];
	const char *rtc_state;

	clock_fmt(p->bound, b, sizeof b);
	clock_fmt(p->rtc, r, sizeof r);
	clock_fmt(p->build_time, bt, sizeof bt);
	if (p->have_floor)
		clock_fmt(p->floor, f, sizeof f);
	else
		snprintf(f, sizeof f, "none");
	if (p->mode == SZTP_CLOCK_FLOOR)
		rtc_state = "ignored: notBefore and created-on are not checked";
	else if (!p->rtc_trusted)
		rtc_state = "not trusted (earlier than the build time or the TPM floor): "
			    "notBefore and created-on are not checked";
	else if (p->rtc < p->base)
		rtc_state = "trusted, but earlier than the build time or the TPM floor: "
			    "expiry is judged at the bound";
	else
		rtc_state = "trusted";
	snprintf(buf, cap, "bound %s (%s); RTC %s %s; build time %s, TPM floor %s; "
	         "sztp.clock=%s%s", b, clock_source_name(p->source), r, rtc_state, bt, f,
	         config_clock_name(p->mode),
	         p->nonce_required ? ", sztp.voucher=nonce-required" : "");
	return buf;
}
