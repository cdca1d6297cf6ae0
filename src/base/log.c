/* log.c: console log lines with boot-relative timestamps, plus a ring buffer. */
#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RING_SIZE (64 * 1024)

static enum log_level console_max = LOG_INFO;
static char ring[RING_SIZE];
static size_t ring_head; /* next write position */
static int ring_wrapped;
/* the image pipeline logs from its worker threads too (install/image.c) */
static pthread_mutex_t ring_mu = PTHREAD_MUTEX_INITIALIZER;

void log_set_level(enum log_level max) { console_max = max; }

static void ring_put(const char *s, size_t n)
{
	while (n > 0) {
		size_t room = RING_SIZE - ring_head;
		size_t k = n < room ? n : room;
		memcpy(ring + ring_head, s, k);
		ring_head += k;
		s += k;
		n -= k;
		if (ring_head == RING_SIZE) {
			ring_head = 0;
			ring_wrapped = 1;
		}
	}
}

static const char *level_tag(enum log_level lvl)
{
	switch (lvl) {
	case LOG_ERR: return "error: ";
	case LOG_WARN: return "warning: ";
	default: return "";
	}
}

void log_vmsg(enum log_level lvl, const char *stage, const char *fmt, va_list ap)
{
	char line[1024];
	struct timespec ts;
	int n, m;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	n = snprintf(line, sizeof line, "[%5lld.%03ld] %s: %s", (long long)ts.tv_sec,
		     ts.tv_nsec / 1000000, stage, level_tag(lvl));
	if (n < 0 || (size_t)n >= sizeof line)
		n = 0;
	m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if ((size_t)n >= sizeof line - 1) {
		n = (int)sizeof line - 5;
		memcpy(line + n, "...", 3); // NOLINT(bugprone-not-null-terminated-result): "\n" follows
		n += 3;
	}
	line[n++] = '\n';
	pthread_mutex_lock(&ring_mu);
	ring_put(line, (size_t)n);
	pthread_mutex_unlock(&ring_mu);
	if (lvl <= console_max) {
		ssize_t w = write(STDERR_FILENO, line, (size_t)n);
		(void)w;
	}
}

void log_msg(enum log_level lvl, const char *stage, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vmsg(lvl, stage, fmt, ap);
	va_end(ap);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int log_save(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int r = 0;
	if (fd < 0)
		return -errno;
	pthread_mutex_lock(&ring_mu);
	if (ring_wrapped)
		r = write_all(fd, ring + ring_head, RING_SIZE - ring_head);
	if (r == 0)
		r = write_all(fd, ring, ring_head);
	pthread_mutex_unlock(&ring_mu);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}
