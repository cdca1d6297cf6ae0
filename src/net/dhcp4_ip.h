/*
 * dhcp4_ip.h: IPv4 + UDP framing of DHCP messages for a packet socket, no
 * I/O. Before it has an address, a DHCP client sends and receives whole IP
 * datagrams on an AF_PACKET socket; these functions build and check them.
 */
#ifndef SZTP_DHCP4_IP_H
#define SZTP_DHCP4_IP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define DHCP4_IP_HDR  20
#define DHCP4_UDP_HDR 8

/* The Internet checksum (RFC 1071) of `n` bytes, starting from `sum`. */
uint16_t dhcp4_ip_checksum(const void *p, size_t n, uint32_t sum);

/*
 * Wrap `payload` in an IPv4 header (TTL 64, DF clear, no options) and a UDP
 * header, both with checksums, into `out`. Returns the datagram length, or -1
 * when `cap` is too small or the payload too large.
 */
int dhcp4_ip_wrap(uint8_t *out, size_t cap, struct in_addr src, uint16_t sport,
		  struct in_addr dst, uint16_t dport, const uint8_t *payload, size_t n);

/*
 * Check an IPv4 datagram received on a packet socket: version 4, header
 * length and checksum, total length within `len`, not a fragment, protocol
 * UDP, UDP destination port `dport`, UDP length, and the UDP checksum when it
 * is not zero and `verify_udp_csum` is set (a packet socket sees locally
 * generated packets before the checksum is filled in). On success sets
 * `*payload` / `*plen` to the UDP payload and `*src` to the IP source and
 * returns 0; otherwise -1 with `e` set.
 */
int dhcp4_ip_unwrap(const uint8_t *pkt, size_t len, uint16_t dport, int verify_udp_csum,
		    const uint8_t **payload, size_t *plen, struct in_addr *src, struct err *e);

#endif
