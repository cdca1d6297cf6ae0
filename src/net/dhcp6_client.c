/* dhcp6_client.c: DHCPv6 and router-advertisement sockets (see dhcp6_client.h). */
#include "net/dhcp6_client.h"

#include "base/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int dhcp6_ipv6_available(void)
{
	return access("/proc/sys/net/ipv6", F_OK) == 0;
}

static int write_sysctl(const char *ifname, const char *key, const char *val)
{
	char path[128];
	int fd, ok;
	snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/%s", ifname, key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		log_debug("net", "%s: %s", path, strerror(errno));
		return -1;
	}
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

static int read_sysctl(const char *ifname, const char *key)
{
	char path[128], b[16] = "";
	int fd;
	ssize_t n;
	snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/%s", ifname, key);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, b, sizeof b - 1);
	close(fd);
	if (n <= 0)
		return -1;
	b[n] = '\0';
	return b[0] - '0';
}

int dhcp6_sysctl_prepare(const char *ifname)
{
	int rc = 0;
	const char *ra = read_sysctl(ifname, "forwarding") == 1 ? "2" : "1";
	if (write_sysctl(ifname, "disable_ipv6", "0") < 0 ||
	    write_sysctl(ifname, "accept_ra", ra) < 0 ||
	    write_sysctl(ifname, "autoconf", "1") < 0) {
		log_warn("net", "%s: cannot enable IPv6 router advertisements / SLAAC", ifname);
		rc = -1;
	}
	return rc;
}

void dhcp6_sock_close(struct dhcp6_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->ra_fd >= 0)
		close(s->ra_fd);
	s->fd = s->ra_fd = -1;
}

void dhcp6_send_rs(struct dhcp6_sock *s)
{
	struct sockaddr_in6 to;
	uint8_t rs[8] = { ND_ROUTER_SOLICIT, 0, 0, 0, 0, 0, 0, 0 };
	memset(&to, 0, sizeof to);
	to.sin6_family = AF_INET6;
	to.sin6_scope_id = (uint32_t)s->ifindex;
	inet_pton(AF_INET6, "ff02::2", &to.sin6_addr);
	if (sendto(s->ra_fd, rs, sizeof rs, 0, (struct sockaddr *)&to, sizeof to) < 0)
		log_debug("dhcp6", "router solicitation not sent: %s", strerror(errno));
}

int dhcp6_sock_open(struct dhcp6_sock *s, int ifindex, const char *ifname, struct err *e)
{
	struct sockaddr_in6 sa;
	struct icmp6_filter f;
	int one = 1, hops = 255;

	s->ifindex = ifindex;
	s->fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	s->ra_fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMPV6);
	if (s->fd < 0 || s->ra_fd < 0) {
		err_set(e, "dhcp6: socket: %s", strerror(errno));
		goto fail;
	}
	if (setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    setsockopt(s->fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0 ||
	    setsockopt(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0 ||
	    setsockopt(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex) < 0) {
		err_set(e, "dhcp6: socket options on %s: %s", ifname, strerror(errno));
		goto fail;
	}
	memset(&sa, 0, sizeof sa);
	sa.sin6_family = AF_INET6;
	sa.sin6_port = htons(DHCP6_CLIENT_PORT);
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		err_set(e, "dhcp6: bind [::]:%d on %s: %s", DHCP6_CLIENT_PORT, ifname,
			strerror(errno));
		goto fail;
	}
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ND_ROUTER_ADVERT, &f);
	if (setsockopt(s->ra_fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f) < 0 ||
	    setsockopt(s->ra_fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0 ||
	    setsockopt(s->ra_fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops) < 0 ||
	    setsockopt(s->ra_fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex) < 0) {
		err_set(e, "dhcp6: ICMPv6 socket options on %s: %s", ifname, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	dhcp6_sock_close(s);
	return -1;
}

int dhcp6_sock_send(struct dhcp6_sock *s, const uint8_t *msg, size_t n, struct err *e)
{
	struct sockaddr_in6 to;
	memset(&to, 0, sizeof to);
	to.sin6_family = AF_INET6;
	to.sin6_port = htons(DHCP6_SERVER_PORT);
	to.sin6_scope_id = (uint32_t)s->ifindex;
	inet_pton(AF_INET6, "ff02::1:2", &to.sin6_addr);
	if (sendto(s->fd, msg, n, 0, (struct sockaddr *)&to, sizeof to) < 0)
		return err_set(e, "dhcp6: send: %s", strerror(errno));
	return 0;
}

int dhcp6_sock_recv(struct dhcp6_sock *s, uint8_t *buf, size_t cap, struct err *e)
{
	for (;;) {
		ssize_t r = recv(s->fd, buf, cap, MSG_TRUNC);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (r < 0)
			return err_set(e, "dhcp6: recv: %s", strerror(errno));
		if ((size_t)r > cap) {
			log_debug("dhcp6", "datagram of %zd bytes ignored (too large)", r);
			continue;
		}
		if (r == 0)
			continue;
		return (int)r;
	}
}

int dhcp6_ra_recv(struct dhcp6_sock *s, int *flags, int *autoconf)
{
	uint8_t buf[1500];
	for (;;) {
		struct err e;
		ssize_t r = recv(s->ra_fd, buf, sizeof buf, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		if (dhcp6_parse_ra(buf, (size_t)r, flags, autoconf, &e) < 0) {
			log_debug("dhcp6", "%s", e.msg);
			continue;
		}
		return 1;
	}
}
