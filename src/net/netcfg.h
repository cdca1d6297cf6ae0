/*
 * netcfg.h: apply a DHCPv4 lease to a link (address, routes, MTU through
 * netlink) and write resolv.conf.
 */
#ifndef SZTP_NETCFG_H
#define SZTP_NETCFG_H

#include <netinet/in.h>
#include <stddef.h>

#include "net/dhcp4.h"
#include "base/err.h"
#include "net/netlink.h"

#define NETCFG_RESOLV_DEFAULT "/etc/resolv.conf"

/*
 * Put the lease on link `ifindex`: the address with its prefix and
 * broadcast; when there is a router, a host route to it if it is outside the
 * subnet, then the default route via it; the MTU when the lease has one and
 * it differs from `cur_mtu`. Returns 0 or -1 with `e` set.
 */
int netcfg_apply(struct nl *nl, int ifindex, int cur_mtu, const struct dhcp4_lease *l,
		 struct err *e);

/*
 * Format resolv.conf text into `buf`: "# written by sztpboot (dhcp4)", one
 * "nameserver A.B.C.D" per server, "search DOMAIN" when `domain` is not
 * empty. `domain` must already be a checked name (dhcp4_parse() makes sure).
 * Returns the length, or -1 when it does not fit.
 */
int netcfg_format_resolv(char *buf, size_t cap, const struct in_addr *dns, int n_dns,
			 const char *domain);

/*
 * Write resolv.conf at `path` (NULL: NETCFG_RESOLV_DEFAULT) atomically: a
 * temporary file beside it, fsync, rename. Does nothing (returns 0) when
 * there is neither a server nor a domain. Returns 0 or -1 with `e` set.
 */
int netcfg_write_resolv(const char *path, const struct in_addr *dns, int n_dns,
			const char *domain, struct err *e);

/*
 * The same for servers of both families given as text (already checked
 * addresses) and a search list of checked names: "# written by sztpboot",
 * "nameserver X" lines, one "search a b" line. Returns the length or -1.
 */
int netcfg_format_resolv_list(char *buf, size_t cap, const char (*servers)[INET6_ADDRSTRLEN],
			      int n_servers, const char (*domains)[256], int n_domains);

/* Write that text atomically like netcfg_write_resolv(). */
int netcfg_write_resolv_list(const char *path, const char (*servers)[INET6_ADDRSTRLEN],
			     int n_servers, const char (*domains)[256], int n_domains,
			     struct err *e);

#endif
