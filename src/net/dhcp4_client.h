/*
 * dhcp4_client.h: the I/O side of the DHCPv4 client.
 *
 * A DHCP socket is an AF_PACKET datagram socket bound to one interface and to
 * IPv4, with a classic BPF filter that passes only unfragmented UDP to port
 * 68. Packets are framed with dhcp4_ip.h and sent to the Ethernet broadcast
 * address from 0.0.0.0:68 to 255.255.255.255:67. The state machine is in
 * dhcp4.h; net.c drives several links with one poll loop, dhcp4_acquire()
 * drives one.
 */
#ifndef SZTP_DHCP4_CLIENT_H
#define SZTP_DHCP4_CLIENT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "net/dhcp4.h"
#include "net/dhcp4_ip.h"
#include "base/err.h"

/* Largest IP datagram we send or accept. */
#define DHCP4_FRAME_MAX (DHCP4_IP_HDR + DHCP4_UDP_HDR + DHCP4_PKT_MAX)

struct dhcp4_sock {
	int fd;
	int ifindex;
};

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t dhcp4_now_ms(void);

/* A random 32-bit seed from getrandom() (the clock when that fails), never 0. */
uint32_t dhcp4_seed(void);

/* Open the packet socket on `ifindex`. Returns 0 or -1 with `e` set. */
int dhcp4_sock_open(struct dhcp4_sock *s, int ifindex, struct err *e);

/* Close it (safe when fd is -1). */
void dhcp4_sock_close(struct dhcp4_sock *s);

/* Broadcast a DHCP message (the UDP payload). Returns 0 or -1 with `e` set. */
int dhcp4_sock_send(struct dhcp4_sock *s, const uint8_t *msg, size_t n, struct err *e);

/* Results of dhcp4_sock_recv(). */
enum { DHCP4_RECV_NONE = 0, DHCP4_RECV_MSG = 1, DHCP4_RECV_SKIP = 2 };

/*
 * Read one datagram (non-blocking). Returns DHCP4_RECV_MSG and points
 * `*msg`/`*n` into `buf` at the DHCP message; DHCP4_RECV_NONE when nothing is
 * pending; DHCP4_RECV_SKIP when a datagram was read but is unusable (our own,
 * too large, malformed IP/UDP: `e` says which); -1 on a socket error.
 */
int dhcp4_sock_recv(struct dhcp4_sock *s, uint8_t *buf, size_t cap, const uint8_t **msg,
		    size_t *n, struct err *e);

/*
 * Get a lease on one link: DISCOVER, OFFER, REQUEST, ACK with
 * retransmissions, for at most `timeout_ms`. Returns 0 with `out` filled, or
 * -1 with `e` set ("no DHCPv4 lease on eth0 within 20 s").
 */
int dhcp4_acquire(int ifindex, const char *ifname, const struct dhcp4_id *id, int timeout_ms,
		  struct dhcp4_lease *out, struct err *e);

/*
 * Send a DHCPRELEASE for `lease` on `ifindex`. With `configured` (the address
 * is on the link) it is a unicast UDP datagram from the leased address to the
 * server; otherwise, or when that socket cannot be bound, it goes out on a
 * packet socket. Returns 0 or -1 with `e` set.
 */
int dhcp4_release(int ifindex, const char *ifname, const struct dhcp4_id *id,
		  const struct dhcp4_lease *lease, int configured, struct err *e);

#endif
