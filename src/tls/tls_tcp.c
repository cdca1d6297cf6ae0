/* tls_tcp.c: TCP connect with timeout over every resolved address (see tls_tcp.h). */
#include "tls/tls_tcp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"

int64_t tls_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *tls_fmt_ms(int ms, char *buf, size_t cap)
{
	if (ms % 1000 == 0)
		snprintf(buf, cap, "%d s", ms / 1000);
	else
		snprintf(buf, cap, "%d ms", ms);
	return buf;
}

static void fmt_addr(const struct sockaddr *sa, char *buf, size_t cap)
{
	char a[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a);
		snprintf(buf, cap, "[%s]:%u", a, (unsigned)ntohs(s6->sin6_port));
	} else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof a);
		snprintf(buf, cap, "%s:%u", a, (unsigned)ntohs(s4->sin_port));
	} else {
		snprintf(buf, cap, "(address family %d)", sa->sa_family);
	}
}

/* Connect one address; returns the socket or -1 with `why` filled. */
static int connect_one(const struct addrinfo *ai, int timeout_ms, char *why, size_t cap)
{
	struct pollfd pfd;
	int fd, r, soerr = 0;
	socklen_t sl = sizeof soerr;
	int64_t deadline = tls_now_ms() + timeout_ms;

	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd < 0) {
		snprintf(why, cap, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno != EINPROGRESS && errno != EINTR) {
		snprintf(why, cap, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	for (;;) {
		int64_t left = deadline - tls_now_ms();
		char t[32];
		if (left <= 0) {
			snprintf(why, cap, "timed out after %s", tls_fmt_ms(timeout_ms, t, sizeof t));
			close(fd);
			return -1;
		}
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(why, cap, "poll: %s", strerror(errno));
			close(fd);
			return -1;
		}
		if (r > 0)
			break;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
		soerr = errno;
	if (soerr != 0) {
		snprintf(why, cap, "%s", strerror(soerr));
		close(fd);
		return -1;
	}
	return fd;
}

int tls_tcp_connect(const char *host, int numeric, uint16_t port, int timeout_ms, int only,
		    int *n_addr, char *peer, size_t peer_cap, struct err *e)
{
	struct addrinfo hints, *res = NULL, *ai;
	char portstr[8], summary[ERR_MSG_MAX], addr[64], why[128];
	size_t used = 0;
	int r, n = 0, fd = -1, k = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = AI_NUMERICSERV | (numeric ? AI_NUMERICHOST : 0);
	snprintf(portstr, sizeof portstr, "%u", (unsigned)port);
	r = getaddrinfo(host, portstr, &hints, &res);
	if (r != 0)
		return err_set(e, "resolve %s: %s", host,
			       r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
	summary[0] = '\0';
	for (ai = res; ai; ai = ai->ai_next)
		k += ai->ai_family == AF_INET || ai->ai_family == AF_INET6;
	if (n_addr)
		*n_addr = k;
	k = 0;
	for (ai = res; ai; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		if (only > 0 && ++k != only)
			continue;
		fmt_addr(ai->ai_addr, addr, sizeof addr);
		fd = connect_one(ai, timeout_ms, why, sizeof why);
		if (fd >= 0) {
			snprintf(peer, peer_cap, "%s", addr);
			break;
		}
		log_debug("https", "connect %s: %s", addr, why);
		r = snprintf(summary + used, sizeof summary - used, "%s%s: %s",
			     n ? "; " : "", addr, why);
		if (r > 0)
			used += (size_t)r < sizeof summary - used ? (size_t)r : sizeof summary - used - 1;
		n++;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		return fd;
	if (n == 0 && only > 0 && k > 0)
		return err_set(e, "resolve %s: no address number %d", host, only);
	if (n == 0)
		return err_set(e, "resolve %s: no IPv4 or IPv6 address", host);
	if (n == 1)
		return err_set(e, "connect %s", summary);
	return err_set(e, "connect %s:%u: %s", host, (unsigned)port, summary);
}
