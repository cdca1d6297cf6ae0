/* events.c: provisioning events as JSON Lines (see events.h). */
#include "base/events.h"
#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int ev_fd = -1;
static unsigned ev_seq;
static char ev_serial[128];
static struct timespec ev_t0;
static char ev_path[256];

int events_open(const char *path)
{
	events_close();
	ev_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (ev_fd < 0)
		return -errno;
	snprintf(ev_path, sizeof ev_path, "%s", path);
	ev_seq = 0;
	clock_gettime(CLOCK_MONOTONIC, &ev_t0);
	return 0;
}

const char *events_path(void)
{
	return ev_fd >= 0 ? ev_path : NULL;
}

void events_close(void)
{
	if (ev_fd >= 0)
		close(ev_fd);
	ev_fd = -1;
}

void events_set_serial(const char *serial)
{
	snprintf(ev_serial, sizeof ev_serial, "%s", serial ? serial : "");
}

double events_elapsed(void)
{
	struct timespec t;
	if (ev_t0.tv_sec == 0 && ev_t0.tv_nsec == 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - ev_t0.tv_sec) + (double)(t.tv_nsec - ev_t0.tv_nsec) / 1e9;
}

/* The line being built; `full` once a field had to be cut. */
struct line {
	char *b;
	int cap, n, full;
};

/* Bytes `c` takes escaped. */
static int esc_len(unsigned char c)
{
	if (c == '"' || c == '\\')
		return 2;
	return c < 0x20 || c > 0x7e ? 6 : 1;
}

static int esc_put(char *o, unsigned char c)
{
	if (c == '"' || c == '\\') {
		o[0] = '\\';
		o[1] = (char)c;
		return 2;
	}
	if (c < 0x20 || c > 0x7e)
		return snprintf(o, 7, "\\u%04x", c);
	o[0] = (char)c;
	return 1;
}

/* Room kept for the closing "}\n" and its NUL. */
#define TAIL 3

/* ,"key":<raw> when it fits whole (numbers, short fixed words). */
static void put_raw(struct line *l, const char *key, const char *raw)
{
	int k = (int)strlen(key) + (int)strlen(raw) + 4;
	if (l->full || l->n + k + TAIL > l->cap) {
		l->full = 1;
		return;
	}
	l->n += snprintf(l->b + l->n, (size_t)(l->cap - l->n), "%s\"%s\":%s", l->n > 1 ? "," : "",
			 key, raw);
}

/* ,"key":"<escaped value>", cut to what fits (ending in "..."). */
static void put_str(struct line *l, const char *key, const char *v)
{
	size_t len;
	int head, need = 0, room;

	if (!v || l->full)
		return;
	len = strnlen(v, EVENTS_STR_MAX + 1);
	head = (int)strlen(key) + 5; /* ,"key":" */
	for (size_t i = 0; i < len && i < EVENTS_STR_MAX; i++)
		need += esc_len((unsigned char)v[i]);
	if (len > EVENTS_STR_MAX)
		need += 3;
	room = l->cap - TAIL - l->n - head - 1;
	if (room < 8) {
		l->full = 1;
		return;
	}
	l->n += snprintf(l->b + l->n, (size_t)(l->cap - l->n), "%s\"%s\":\"", l->n > 1 ? "," : "",
			 key);
	if (need <= room && len <= EVENTS_STR_MAX) {
		for (size_t i = 0; i < len; i++)
			l->n += esc_put(l->b + l->n, (unsigned char)v[i]);
	} else {
		int used = 0;
		for (size_t i = 0; i < len && i < EVENTS_STR_MAX; i++) {
			int k = esc_len((unsigned char)v[i]);
			if (used + k > room - 3)
				break;
			used += k;
			l->n += esc_put(l->b + l->n, (unsigned char)v[i]);
		}
		memcpy(l->b + l->n, "...", 3);
		l->n += 3;
		if (need > room)
			l->full = 1;
	}
	l->b[l->n++] = '"';
	l->b[l->n] = 0;
}

int events_format(const struct event *ev, unsigned seq, const char *time_str, double uptime,
		  char *buf, int cap)
{
	struct line l = { buf, cap, 0, 0 };
	char num[48];

	if (cap < 64)
		return 0;
	buf[l.n++] = '{';
	buf[l.n] = 0;
	put_raw(&l, "v", "1");
	snprintf(num, sizeof num, "%u", seq);
	put_raw(&l, "seq", num);
	put_str(&l, "time", time_str);
	snprintf(num, sizeof num, "%.3f", uptime);
	put_raw(&l, "uptime", num);
	put_str(&l, "serial", ev_serial[0] ? ev_serial : NULL);
	put_str(&l, "phase", ev->phase ? ev->phase : "unknown");
	put_str(&l, "outcome", ev->outcome ? ev->outcome : EV_INFO);
	put_str(&l, "step", ev->step);
	put_str(&l, "source", ev->source);
	put_str(&l, "server", ev->server);
	if (ev->round > 0) {
		snprintf(num, sizeof num, "%d", ev->round);
		put_raw(&l, "round", num);
	}
	put_str(&l, "version", ev->version);
	put_str(&l, "identity", ev->identity);
	put_str(&l, "os", ev->os);
	put_str(&l, "disk", ev->disk);
	if (ev->bytes) {
		snprintf(num, sizeof num, "%llu", (unsigned long long)ev->bytes);
		put_raw(&l, "bytes", num);
	}
	if (ev->duration > 0) {
		snprintf(num, sizeof num, "%.1f", ev->duration);
		put_raw(&l, "duration", num);
	}
	put_str(&l, "action", ev->action);
	put_str(&l, "report", ev->report);
	put_str(&l, "reason", ev->reason);
	buf[l.n++] = '}';
	buf[l.n++] = '\n';
	buf[l.n] = 0;
	return l.n;
}

void events_emit(const struct event *ev)
{
	char line[EVENTS_LINE_MAX + 1], ts[80];
	struct timespec rt, bt;
	struct tm tm;
	int n;

	if (ev_fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	gmtime_r(&rt.tv_sec, &tm);
	snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (long)(rt.tv_nsec / 1000000) % 1000);
	n = events_format(ev, ++ev_seq, ts, (double)bt.tv_sec + (double)bt.tv_nsec / 1e9, line,
			  (int)sizeof line);
	if (n > 0 && write(ev_fd, line, (size_t)n) < 0) {
		/* a full /run: nothing more to do about it here */
	}
}

void events_note(const char *phase, const char *outcome, const char *step, const char *reason)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	ev.phase = phase;
	ev.outcome = outcome;
	ev.step = step;
	ev.reason = reason;
	events_emit(&ev);
}

void events_phase(const char *phase, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	log_info("sztpboot", "== phase %s: %s", phase, what);
	events_note(phase, EV_START, NULL, what);
}
