/*
 * dhcp6_client.h: the I/O side of the DHCPv6 client and of router
 * advertisements, per link.
 *
 * DHCPv6: a UDP socket bound to [::]:546 on one device (SO_BINDTODEVICE,
 * several links each have their own), sending to All_DHCP_Relay_Agents_and_
 * Servers ff02::1:2 port 547 from the link-local address. Sending fails
 * while that address is still tentative (DAD): the caller retries.
 * RA: a raw ICMPv6 socket on the device that passes only router
 * advertisements. The kernel solicits them itself when the link comes up
 * (and acts on them: SLAAC); dhcp6_send_rs() asks again when none came.
 * The engine (dhcp6.h) decides what to send and when.
 */
#ifndef SZTP_DHCP6_CLIENT_H
#define SZTP_DHCP6_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "net/dhcp6.h"
#include "base/err.h"

struct dhcp6_sock {
	int fd;     /* UDP 546 */
	int ra_fd;  /* ICMPv6, router advertisements only */
	int ifindex;
};

/* 1 when the kernel has IPv6 (/proc/sys/net/ipv6 exists). */
int dhcp6_ipv6_available(void);

/*
 * Make the kernel accept router advertisements and do SLAAC on `ifname`
 * (accept_ra=1, or 2 when forwarding is on; autoconf=1). Best effort: logs
 * and returns -1 when a sysctl cannot be written.
 */
int dhcp6_sysctl_prepare(const char *ifname);

/* Open both sockets on the link. Returns 0 or -1 with `e` set (both closed). */
int dhcp6_sock_open(struct dhcp6_sock *s, int ifindex, const char *ifname, struct err *e);

/* Close them (safe when already closed: fds of -1). */
void dhcp6_sock_close(struct dhcp6_sock *s);

/* Send a router solicitation to ff02::2 (best effort, logged at debug level). */
void dhcp6_send_rs(struct dhcp6_sock *s);

/* Multicast a message to the servers. 0, or -1 with `e` set. */
int dhcp6_sock_send(struct dhcp6_sock *s, const uint8_t *msg, size_t n, struct err *e);

/*
 * Read one pending DHCPv6 datagram (non-blocking) into buf[cap]. Returns its
 * length (> 0), 0 when nothing is pending, -1 with `e` set on an error.
 */
int dhcp6_sock_recv(struct dhcp6_sock *s, uint8_t *buf, size_t cap, struct err *e);

/*
 * Read one pending router advertisement. Returns 1 with *flags / *autoconf
 * set (dhcp6_parse_ra()), 0 when nothing usable is pending.
 */
int dhcp6_ra_recv(struct dhcp6_sock *s, int *flags, int *autoconf);

#endif
