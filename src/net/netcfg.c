/* netcfg.c: apply a lease; write resolv.conf. */
#include "net/netcfg.h"

#include "base/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int netcfg_apply(struct nl *nl, int ifindex, int cur_mtu, const struct dhcp4_lease *l,
		 struct err *e)
{
	struct in_addr any = { 0 };
	char a[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN];
	int offlink;

	if (l->mtu >= 68 && l->mtu != cur_mtu && nl_set_mtu(nl, ifindex, l->mtu, e) < 0)
		return -1;
	if (nl_addr_add(nl, ifindex, l->addr, l->prefix, l->broadcast, e) < 0)
		return -1;
	inet_ntop(AF_INET, &l->addr, a, sizeof a);
	inet_ntop(AF_INET, &l->router, r, sizeof r);
	if (l->router.s_addr == 0) {
		log_info("net", "configured %s/%d, no router", a, l->prefix);
		return 0;
	}
	offlink = (l->router.s_addr & l->netmask.s_addr) != (l->addr.s_addr & l->netmask.s_addr);
	if (offlink && nl_route_add(nl, ifindex, l->router, 32, any, e) < 0)
		return -1;
	if (nl_route_add(nl, ifindex, any, 0, l->router, e) < 0)
		return -1;
	log_info("net", "configured %s/%d, default route via %s%s", a, l->prefix, r,
		 offlink ? " (off-subnet: host route added)" : "");
	return 0;
}

int netcfg_format_resolv(char *buf, size_t cap, const struct in_addr *dns, int n_dns,
			 const char *domain)
{
	size_t off = 0;
	int r = snprintf(buf, cap, "# written by sztpboot (dhcp4)\n");
	if (r < 0 || (size_t)r >= cap)
		return -1;
	off = (size_t)r;
	for (int i = 0; i < n_dns; i++) {
		char a[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &dns[i], a, sizeof a);
		r = snprintf(buf + off, cap - off, "nameserver %s\n", a);
		if (r < 0 || (size_t)r >= cap - off)
			return -1;
		off += (size_t)r;
	}
	if (domain && domain[0]) {
		r = snprintf(buf + off, cap - off, "search %s\n", domain);
		if (r < 0 || (size_t)r >= cap - off)
			return -1;
		off += (size_t)r;
	}
	return (int)off;
}

static int write_atomic(const char *path, const char *text, int n, struct err *e)
{
	char tmp[4096];
	int fd, r;
	size_t off = 0;

	r = snprintf(tmp, sizeof tmp, "%s.sztp-tmp", path);
	if (r < 0 || (size_t)r >= sizeof tmp)
		return err_set(e, "resolv.conf: path too long");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return err_set(e, "resolv.conf: create %s: %s", tmp, strerror(errno));
	while (off < (size_t)n) {
		ssize_t w = write(fd, text + off, (size_t)n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int x = errno;
			close(fd);
			unlink(tmp);
			return err_set(e, "resolv.conf: write %s: %s", tmp, strerror(x));
		}
		off += (size_t)w;
	}
	r = fsync(fd) < 0 ? errno : 0;
	if (close(fd) < 0 && r == 0)
		r = errno;
	if (r) {
		int x = r;
		unlink(tmp);
		return err_set(e, "resolv.conf: sync %s: %s", tmp, strerror(x));
	}
	if (rename(tmp, path) < 0) {
		int x = errno;
		unlink(tmp);
		return err_set(e, "resolv.conf: rename to %s: %s", path, strerror(x));
	}
	return 0;
}

int netcfg_write_resolv(const char *path, const struct in_addr *dns, int n_dns,
			const char *domain, struct err *e)
{
	char text[1024];
	int n;

	if (!path)
		path = NETCFG_RESOLV_DEFAULT;
	if (n_dns == 0 && !(domain && domain[0]))
		return 0;
	n = netcfg_format_resolv(text, sizeof text, dns, n_dns, domain);
	if (n < 0)
		return err_set(e, "resolv.conf: text too long");
	return write_atomic(path, text, n, e);
}

int netcfg_format_resolv_list(char *buf, size_t cap, const char (*servers)[INET6_ADDRSTRLEN],
			      int n_servers, const char (*domains)[256], int n_domains)
{
	size_t off = 0;
	int r = snprintf(buf, cap, "# written by sztpboot\n");
	if (r < 0 || (size_t)r >= cap)
		return -1;
	off = (size_t)r;
	for (int i = 0; i < n_servers; i++) {
		r = snprintf(buf + off, cap - off, "nameserver %s\n", servers[i]);
		if (r < 0 || (size_t)r >= cap - off)
			return -1;
		off += (size_t)r;
	}
	for (int i = 0; i < n_domains; i++) {
		r = snprintf(buf + off, cap - off, "%s%s%s", i ? " " : "search ", domains[i],
			     i == n_domains - 1 ? "\n" : "");
		if (r < 0 || (size_t)r >= cap - off)
			return -1;
		off += (size_t)r;
	}
	return (int)off;
}

int netcfg_write_resolv_list(const char *path, const char (*servers)[INET6_ADDRSTRLEN],
			     int n_servers, const char (*domains)[256], int n_domains,
			     struct err *e)
{
	char text[2048];
	int n;
	if (!path)
		path = NETCFG_RESOLV_DEFAULT;
	if (n_servers == 0 && n_domains == 0)
		return 0;
	n = netcfg_format_resolv_list(text, sizeof text, servers, n_servers, domains, n_domains);
	if (n < 0)
		return err_set(e, "resolv.conf: text too long");
	return write_atomic(path, text, n, e);
}
