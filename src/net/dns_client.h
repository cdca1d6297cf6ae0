/*
 * dns_client.h: send one DNS question and read the answer: unicast over UDP
 * with a TCP retry when the answer is truncated (TC), or multicast DNS
 * (RFC 6762) as a one-shot query from an ephemeral port to 224.0.0.251 or
 * ff02::fb port 5353 on one link, the responders answering by unicast
 * (RFC 6762 section 5.1).
 *
 * A reply is accepted only when it parses (dns.h), is a response, and for
 * unicast carries our ID and our question (name and type); for mDNS the ID
 * must match or be 0 and at least one record must be named like the
 * question. Anything else is ignored with a debug line while the wait goes on.
 */
#ifndef SZTP_DNS_CLIENT_H
#define SZTP_DNS_CLIENT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "net/dns.h"
#include "base/err.h"

#define DNS_PORT  53
#define MDNS_PORT 5353

/* A name server: an IPv4 or IPv6 address, port 53 unless set otherwise. */
struct dns_server {
	struct sockaddr_storage sa;
	socklen_t len;
};

/* Fill `s` from "192.0.2.1", "2001:db8::1", "[2001:db8::1]:5300" or
 * "192.0.2.1:5300", with `ifindex` as IPv6 scope. 0 or -1 with `e` set. */
int dns_server_parse(const char *text, int ifindex, struct dns_server *s, struct err *e);

/* "192.0.2.1" / "[2001:db8::1]:5300" for logs. */
void dns_server_str(const struct dns_server *s, char *out, size_t cap);

/*
 * Ask `srv` for `name`/`type` with recursion desired, waiting at most
 * `timeout_ms` for UDP (two tries) and as long again for TCP when the UDP
 * answer is truncated. The answer goes into buf[cap] (*len its size) and is
 * parsed into `m`. Returns 0 (whatever the RCODE: look at m->rcode), or -1
 * with `e` set (no answer, network error, malformed answers only).
 */
int dns_query(const struct dns_server *srv, const char *name, uint16_t type, int timeout_ms,
	      uint8_t *buf, size_t cap, size_t *len, struct dns_msg *m, struct err *e);

/*
 * One-shot mDNS query for `name`/`type` on link `ifindex`, over IPv4
 * (`family` AF_INET) or IPv6 (AF_INET6), waiting `timeout_ms` for the first
 * acceptable answer. Same results as dns_query(); -1 with "no answer" when
 * nobody answered.
 */
int dns_query_mdns(int ifindex, int family, const char *name, uint16_t type, int timeout_ms,
		   uint8_t *buf, size_t cap, size_t *len, struct dns_msg *m, struct err *e);

#endif
