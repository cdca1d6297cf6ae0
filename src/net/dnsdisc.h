/*
 * dnsdisc.h: DNS discovery of RFC 8572 section 4.2, the I/O around
 * dns_sztp.h. In this order:
 *   1. mDNS TXT "<serial>._sztp.local" on the link;
 *   2. unicast TXT "<serial>._sztp.<domain>" for each domain, asking the
 *      name servers in turn until one answers;
 *   3. mDNS SRV "_sztp._tcp.local";
 *   4. unicast SRV "_sztp._tcp.<domain>" for each domain.
 * TXT artifacts become artifact sources ("mdns" / "dns"), SRV targets URI
 * sources ("mdns" / "dns"), appended to the result in that order. Every
 * query is logged on one line with its outcome. An mDNS query waits at most
 * 1 s (or timeout_ms when shorter), a unicast one timeout_ms.
 */
#ifndef SZTP_DNSDISC_H
#define SZTP_DNSDISC_H

#include <netinet/in.h>

#include "net/net.h"

struct dnsdisc_params {
	const char *serial;      /* NULL/"": no TXT queries */
	int ifindex;             /* link for mDNS; 0: no mDNS */
	int mdns_family;         /* AF_INET or AF_INET6 */
	const char (*servers)[INET6_ADDRSTRLEN]; /* unicast name servers */
	int n_servers;
	const char (*domains)[DHCP4_NAME_MAX];   /* domains to search */
	int n_domains;
	int timeout_ms;          /* per query (UDP tries + TCP each) */
};

/* Run the queries; returns the number of sources added. */
int dnsdisc_run(const struct dnsdisc_params *p, struct net_result *out);

#endif
