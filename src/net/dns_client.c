/* dns_client.c: DNS and mDNS queries over sockets (see dns_client.h). */
#include "net/dns_client.h"

#include "net/dhcp4_client.h" /* dhcp4_now_ms(), dhcp4_seed() */
#include "base/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define QUERY_MAX 512

int dns_server_parse(const char *text, int ifindex, struct dns_server *s, struct err *e)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *port_s = NULL;
	long port = DNS_PORT;
	size_t n;

	memset(s, 0, sizeof *s);
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || (size_t)(close - text - 1) >= sizeof host)
			return err_set(e, "dns: bad server address \"%.64s\"", text);
		n = (size_t)(close - text - 1);
		memcpy(host, text + 1, n);
		host[n] = '\0';
		if (close[1] == ':')
			port_s = close + 2;
		else if (close[1])
			return err_set(e, "dns: bad server address \"%.64s\"", text);
	} else {
		const char *colon = strchr(text, ':');
		if (colon && !strchr(colon + 1, ':')) { /* IPv4:port */
			n = (size_t)(colon - text);
			port_s = colon + 1;
		} else {
			n = strlen(text);
		}
		if (n >= sizeof host)
			return err_set(e, "dns: bad server address \"%.64s\"", text);
		memcpy(host, text, n);
		host[n] = '\0';
	}
	if (port_s) {
		char *end;
		port = strtol(port_s, &end, 10);
		if (*end || end == port_s || port < 1 || port > 65535)
			return err_set(e, "dns: bad port in server address \"%.64s\"", text);
	}
	{
		struct sockaddr_in *a4 = (struct sockaddr_in *)&s->sa;
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&s->sa;
		if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
			a4->sin_family = AF_INET;
			a4->sin_port = htons((uint16_t)port);
			s->len = sizeof *a4;
			return 0;
		}
		if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
			a6->sin6_family = AF_INET6;
			a6->sin6_port = htons((uint16_t)port);
			if (IN6_IS_ADDR_LINKLOCAL(&a6->sin6_addr))
				a6->sin6_scope_id = (uint32_t)ifindex;
			s->len = sizeof *a6;
			return 0;
		}
	}
	return err_set(e, "dns: \"%.64s\" is not an IP address", text);
}

void dns_server_str(const struct dns_server *s, char *out, size_t cap)
{
	char a[INET6_ADDRSTRLEN];
	if (s->sa.ss_family == AF_INET) {
		const struct sockaddr_in *a4 = (const struct sockaddr_in *)&s->sa;
		inet_ntop(AF_INET, &a4->sin_addr, a, sizeof a);
		if (ntohs(a4->sin_port) == DNS_PORT)
			snprintf(out, cap, "%s", a);
		else
			snprintf(out, cap, "%s:%u", a, (unsigned)ntohs(a4->sin_port));
	} else {
		const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&s->sa;
		inet_ntop(AF_INET6, &a6->sin6_addr, a, sizeof a);
		if (ntohs(a6->sin6_port) == DNS_PORT)
			snprintf(out, cap, "%s", a);
		else
			snprintf(out, cap, "[%s]:%u", a, (unsigned)ntohs(a6->sin6_port));
	}
}

/* Is this the answer to our question? */
static int matches(const struct dns_msg *m, uint16_t id, const char *name, uint16_t type,
		   int mdns, struct err *e)
{
	if (!mdns) {
		if (m->id != id)
			return err_set(e, "dns: answer with ID %u, want %u", m->id, id);
		if (m->qdcount < 1 || !dns_name_eq(m->qname, name) || m->qtype != type)
			return err_set(e, "dns: answer to another question (\"%.80s\")", m->qname);
		return 0;
	}
	if (m->id != id && m->id != 0)
		return err_set(e, "mdns: answer with ID %u, want %u", m->id, id);
	for (int i = 0; i < m->n_rr; i++)
		if (m->rr[i].type == type && dns_name_eq(m->rr[i].name, name))
			return 0;
	return err_set(e, "mdns: answer without a %s record for %.80s", dns_type_name(type), name);
}

/* Wait for a datagram on fd until `deadline`; 1 when one is readable, 0 on timeout. */
static int wait_in(int fd, int64_t deadline)
{
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int64_t now = dhcp4_now_ms();
		int r;
		if (now >= deadline)
			return 0;
		r = poll(&p, 1, (int)(deadline - now));
		if (r < 0 && errno == EINTR)
			continue;
		return r > 0;
	}
}

static int tcp_query(const struct dns_server *srv, const uint8_t *q, size_t qlen, uint16_t id,
		     const char *name, uint16_t type, int timeout_ms, uint8_t *buf, size_t cap,
		     size_t *len, struct dns_msg *m, struct err *e)
{
	int64_t deadline = dhcp4_now_ms() + timeout_ms;
	uint8_t lenbuf[2];
	size_t want = 0, got = 0;
	int fd = socket(srv->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	char who[64];

	dns_server_str(srv, who, sizeof who);
	if (fd < 0)
		return err_set(e, "dns: TCP socket: %s", strerror(errno));
	if (connect(fd, (const struct sockaddr *)&srv->sa, srv->len) < 0 && errno != EINPROGRESS) {
		err_set(e, "dns: TCP connect to %s: %s", who, strerror(errno));
		goto fail;
	}
	{
		struct pollfd p = { fd, POLLOUT, 0 };
		int soerr = 0;
		socklen_t sl = sizeof soerr;
		if (poll(&p, 1, timeout_ms) <= 0) {
			err_set(e, "dns: TCP connect to %s: timed out", who);
			goto fail;
		}
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
		if (soerr) {
			err_set(e, "dns: TCP connect to %s: %s", who, strerror(soerr));
			goto fail;
		}
	}
	{
		uint8_t out[2 + QUERY_MAX];
		out[0] = (uint8_t)(qlen >> 8);
		out[1] = (uint8_t)qlen;
		memcpy(out + 2, q, qlen);
		if (send(fd, out, qlen + 2, MSG_NOSIGNAL) != (ssize_t)(qlen + 2)) {
			err_set(e, "dns: TCP send to %s: %s", who, strerror(errno));
			goto fail;
		}
	}
	/* the 2-byte length, then the message */
	for (;;) {
		uint8_t *dst = want ? buf + got : lenbuf + got;
		size_t room = want ? want - got : 2 - got;
		ssize_t r;
		if (!wait_in(fd, deadline)) {
			err_set(e, "dns: TCP answer from %s: timed out", who);
			goto fail;
		}
		r = recv(fd, dst, room, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0) {
			err_set(e, "dns: TCP answer from %s: %s", who,
				r == 0 ? "connection closed early" : strerror(errno));
			goto fail;
		}
		got += (size_t)r;
		if (!want && got == 2) {
			want = ((size_t)lenbuf[0] << 8) | lenbuf[1];
			got = 0;
			if (want < DNS_HDR || want > cap) {
				err_set(e, "dns: TCP answer from %s of %zu bytes (at most %zu)", who,
					want, cap);
				goto fail;
			}
		} else if (want && got == want) {
			break;
		}
	}
	close(fd);
	if (dns_parse(buf, want, m, e) < 0 || matches(m, id, name, type, 0, e) < 0)
		return err_wrap(e, "TCP answer from %s", who);
	*len = want;
	return 0;
fail:
	close(fd);
	return -1;
}

int dns_query(const struct dns_server *srv, const char *name, uint16_t type, int timeout_ms,
	      uint8_t *buf, size_t cap, size_t *len, struct dns_msg *m, struct err *e)
{
	uint8_t q[QUERY_MAX];
	uint16_t id = (uint16_t)dhcp4_seed();
	int qlen, fd, tries = 2;
	char who[64];
	struct err why;

	dns_server_str(srv, who, sizeof who);
	qlen = dns_build_query(q, sizeof q, id, DNS_F_RD, name, type, 0, e);
	if (qlen < 0)
		return -1;
	fd = socket(srv->sa.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return err_set(e, "dns: socket: %s", strerror(errno));
	if (connect(fd, (const struct sockaddr *)&srv->sa, srv->len) < 0) {
		err_set(e, "dns: %s: %s", who, strerror(errno));
		close(fd);
		return -1;
	}
	snprintf(why.msg, sizeof why.msg, "no answer");
	for (int t = 0; t < tries; t++) {
		int64_t deadline = dhcp4_now_ms() + timeout_ms / tries;
		if (send(fd, q, (size_t)qlen, 0) < 0) {
			err_set(&why, "send: %s", strerror(errno));
			break;
		}
		log_debug("dns", "%s %s? to %s", name, dns_type_name(type), who);
		while (wait_in(fd, deadline)) {
			ssize_t r = recv(fd, buf, cap, 0);
			if (r < 0) {
				if (errno == EINTR || errno == EAGAIN)
					continue;
				err_set(&why, "%s", strerror(errno)); /* e.g. ECONNREFUSED */
				goto out;
			}
			if (dns_parse(buf, (size_t)r, m, &why) < 0 ||
			    matches(m, id, name, type, 0, &why) < 0) {
				log_debug("dns", "%s: answer ignored: %s", who, why.msg);
				continue;
			}
			close(fd);
			if (m->flags & DNS_F_TC) {
				log_info("dns", "%s %s: answer from %s truncated, retrying over TCP",
					 name, dns_type_name(type), who);
				return tcp_query(srv, q, (size_t)qlen, id, name, type, timeout_ms,
						 buf, cap, len, m, e);
			}
			*len = (size_t)r;
			return 0;
		}
	}
out:
	close(fd);
	return err_set(e, "dns: %s %s to %s: %s", name, dns_type_name(type), who, why.msg);
}

int dns_query_mdns(int ifindex, int family, const char *name, uint16_t type, int timeout_ms,
		   uint8_t *buf, size_t cap, size_t *len, struct dns_msg *m, struct err *e)
{
	uint8_t q[QUERY_MAX];
	uint16_t id = (uint16_t)dhcp4_seed();
	struct sockaddr_storage to;
	socklen_t tolen;
	char ifn[IF_NAMESIZE] = "";
	const char *fam = family == AF_INET6 ? "IPv6" : "IPv4";
	int qlen, fd, hops = 255;
	struct err why;

	if (!if_indextoname((unsigned)ifindex, ifn))
		return err_set(e, "mdns: no link %d", ifindex);
	qlen = dns_build_query(q, sizeof q, id, 0, name, type, DNS_QU, e);
	if (qlen < 0)
		return -1;
	memset(&to, 0, sizeof to);
	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return err_set(e, "mdns: %s socket: %s", fam, strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifn, (socklen_t)strlen(ifn)) < 0) {
		err_set(e, "mdns: bind to %s: %s", ifn, strerror(errno));
		goto fail;
	}
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&to;
		struct ip_mreqn mr;
		unsigned char ttl = 255;
		memset(&mr, 0, sizeof mr);
		mr.imr_ifindex = ifindex;
		if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof mr) < 0 ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) < 0) {
			err_set(e, "mdns: IPv4 multicast on %s: %s", ifn, strerror(errno));
			goto fail;
		}
		a->sin_family = AF_INET;
		a->sin_port = htons(MDNS_PORT);
		inet_pton(AF_INET, "224.0.0.251", &a->sin_addr);
		tolen = sizeof *a;
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&to;
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops) < 0) {
			err_set(e, "mdns: IPv6 multicast on %s: %s", ifn, strerror(errno));
			goto fail;
		}
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(MDNS_PORT);
		a->sin6_scope_id = (uint32_t)ifindex;
		inet_pton(AF_INET6, "ff02::fb", &a->sin6_addr);
		tolen = sizeof *a;
	}
	snprintf(why.msg, sizeof why.msg, "no answer within %d ms", timeout_ms);
	for (int t = 0; t < 2; t++) {
		int64_t deadline = dhcp4_now_ms() + timeout_ms / 2;
		if (sendto(fd, q, (size_t)qlen, 0, (struct sockaddr *)&to, tolen) < 0) {
			err_set(&why, "send: %s", strerror(errno));
			break;
		}
		log_debug("mdns", "%s %s? on %s (%s)", name, dns_type_name(type), ifn, fam);
		while (wait_in(fd, deadline)) {
			ssize_t r = recv(fd, buf, cap, 0);
			if (r < 0) {
				if (errno == EINTR || errno == EAGAIN)
					continue;
				err_set(&why, "%s", strerror(errno));
				goto out;
			}
			if (dns_parse(buf, (size_t)r, m, &why) < 0 ||
			    matches(m, id, name, type, 1, &why) < 0) {
				log_debug("mdns", "%s: answer ignored: %s", ifn, why.msg);
				snprintf(why.msg, sizeof why.msg, "no acceptable answer");
				continue;
			}
			close(fd);
			*len = (size_t)r;
			return 0;
		}
	}
out:
	close(fd);
	return err_set(e, "mdns: %s %s on %s (%s): %s", name, dns_type_name(type), ifn, fam,
		       why.msg);
fail:
	close(fd);
	return -1;
}
