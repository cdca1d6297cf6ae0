/*
 * netlink.h: the few rtnetlink (NETLINK_ROUTE) operations the agent needs:
 * list Ethernet links, set a link up, wait for carrier, add IPv4 and IPv6
 * addresses, add routes, set the MTU, flush addresses, create VLAN links. Every request asks for an ACK;
 * a failure is reported with the errno name and, when the kernel gives one,
 * its extended-ACK message, e.g.
 *   netlink: add address 192.0.2.10/24 on eth0: EEXIST (File exists)
 */
#ifndef SZTP_NETLINK_H
#define SZTP_NETLINK_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>

#include "base/err.h"

#define NL_MAX_LINKS 32

struct nl {
	int fd;
	uint32_t seq;
};

struct nl_link {
	int ifindex;
	char name[IF_NAMESIZE];
	uint8_t mac[6];
	unsigned flags;   /* IFF_* */
	int carrier;      /* 1: carrier up (IFLA_CARRIER, else IFF_LOWER_UP) */
	int operstate;    /* IF_OPER_*, from IFLA_OPERSTATE */
	int mtu;
};

/* Open a NETLINK_ROUTE socket. Returns 0 or -1 with `e` set. */
int nl_open(struct nl *nl, struct err *e);

/* Close it (safe on a closed or zeroed struct nl with fd -1). */
void nl_close(struct nl *nl);

/*
 * List the Ethernet links (ARPHRD_ETHER with a 6-byte address; loopback and
 * everything else skipped), in kernel order. At most `max` are stored.
 * Returns the number stored, or -1 with `e` set.
 */
int nl_links(struct nl *nl, struct nl_link *out, int max, struct err *e);

/* Read one link by index. Returns 0, or -1 with `e` set (ENODEV when gone). */
int nl_link_get(struct nl *nl, int ifindex, struct nl_link *out, struct err *e);

/* Set IFF_UP on a link. */
int nl_link_up(struct nl *nl, int ifindex, struct err *e);

/* Set the MTU of a link. */
int nl_set_mtu(struct nl *nl, int ifindex, int mtu, struct err *e);

/*
 * Wait until the link has carrier, checking every 100 ms, for at most
 * `timeout_ms`. Returns 0 with carrier, or -1 with `e` set ("no carrier on
 * eth0 after 5000 ms").
 */
int nl_wait_carrier(struct nl *nl, int ifindex, int timeout_ms, struct err *e);

/* Add (or replace) IPv4 address `addr`/`prefix` with broadcast `brd` (0: none). */
int nl_addr_add(struct nl *nl, int ifindex, struct in_addr addr, int prefix,
		struct in_addr brd, struct err *e);

/* Delete every IPv4 address of the link. Returns the number deleted or -1. */
int nl_addr_flush(struct nl *nl, int ifindex, struct err *e);

/*
 * Add (or replace) an IPv4 route in the main table: to `dst`/`prefix`
 * (0.0.0.0/0 for the default route) via `gw` (0: directly connected, scope
 * link) out of `ifindex`.
 */
int nl_route_add(struct nl *nl, int ifindex, struct in_addr dst, int prefix,
		 struct in_addr gw, struct err *e);

/*
 * Add IPv6 address `a`/`prefix` with lifetimes in seconds (0xffffffff:
 * forever), or replace it. NLM_F_REPLACE keeps DAD running as usual.
 */
int nl_addr6_add(struct nl *nl, int ifindex, const struct in6_addr *a, int prefix,
		 uint32_t preferred, uint32_t valid, struct err *e);

/* Delete IPv6 address `a`/`prefix` from the link. */
int nl_addr6_del(struct nl *nl, int ifindex, const struct in6_addr *a, int prefix,
		 struct err *e);

/*
 * Look for a usable global IPv6 address on the link (scope universe, neither
 * tentative nor deprecated nor failed DAD). Returns 1 with *out set, 0 when
 * there is none (yet), -1 with `e` set.
 */
int nl_addr6_global(struct nl *nl, int ifindex, struct in6_addr *out, struct err *e);

/* Add (or replace) an IPv6 route to `dst`/`prefix` (::/0 default) via `gw`
 * (NULL or :: for on-link) out of `ifindex`. */
int nl_route6_add(struct nl *nl, int ifindex, const struct in6_addr *dst, int prefix,
		  const struct in6_addr *gw, struct err *e);

/*
 * Create the 802.1Q VLAN link `name` with id `vid` (1..4094) on link
 * `parent`. An existing link of that name is an error (EEXIST). Needs the
 * 8021q module. Returns 0 or -1 with `e` set.
 */
int nl_vlan_add(struct nl *nl, const char *name, int parent, int vid, struct err *e);

/* Name of an errno value ("EEXIST"), or "E?" when unknown. */
const char *nl_errno_name(int err);

#endif
