/* netlink.c: rtnetlink requests with checked ACKs. */
#include "net/netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef RTPROT_DHCP
#define RTPROT_DHCP 16
#endif

#define NL_BUF 32768
#define NL_REQ 512
#define NL_TIMEOUT_MS 5000
#define FLUSH_MAX 64

const char *nl_errno_name(int err)
{
	switch (err) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case EMSGSIZE: return "EMSGSIZE";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EADDRINUSE: return "EADDRINUSE";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case ENETDOWN: return "ENETDOWN";
	case ENETUNREACH: return "ENETUNREACH";
	case ENOBUFS: return "ENOBUFS";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	default: return "E?";
	}
}

static const char *ifname(int ifindex, char buf[IF_NAMESIZE + 8])
{
	if (!if_indextoname((unsigned)ifindex, buf))
		snprintf(buf, IF_NAMESIZE + 8, "ifindex %d", ifindex);
	return buf;
}

int nl_open(struct nl *nl, struct err *e)
{
	struct sockaddr_nl sa;
	int one = 1;
	memset(&sa, 0, sizeof sa);
	sa.nl_family = AF_NETLINK;
	nl->seq = (uint32_t)time(NULL);
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0)
		return err_set(e, "netlink: socket: %s (%s)", nl_errno_name(errno), strerror(errno));
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int x = errno;
		nl_close(nl);
		return err_set(e, "netlink: bind: %s (%s)", nl_errno_name(x), strerror(x));
	}
	/* extended ACK messages are a nicety; older kernels lack them */
	(void)setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

/* Append an attribute to the message in `buf` (capacity NL_REQ). */
static int addattr(struct nlmsghdr *n, int type, const void *data, size_t len)
{
	size_t alen = RTA_LENGTH(len);
	struct rtattr *rta;
	if (NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(alen) > NL_REQ)
		return -1;
	rta = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));
	rta->rta_type = (unsigned short)type;
	rta->rta_len = (unsigned short)alen;
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	n->nlmsg_len = (uint32_t)(NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(alen));
	return 0;
}

/* The extended-ACK text of an NLMSG_ERROR, if any. */
static void ext_ack_msg(const struct nlmsghdr *h, char *out, size_t cap)
{
	const struct nlmsgerr *err = NLMSG_DATA(h);
	size_t off, end = h->nlmsg_len;
	out[0] = '\0';
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = NLMSG_HDRLEN + sizeof *err;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(err->msg.nlmsg_len) - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	while (off + sizeof(struct nlattr) <= end) {
		const struct nlattr *a = (const struct nlattr *)((const char *)h + off);
		if (a->nla_len < sizeof *a || off + a->nla_len > end)
			return;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			size_t n = a->nla_len - sizeof *a;
			const char *s = (const char *)(a + 1);
			size_t k = 0;
			for (size_t i = 0; i < n && s[i] && k + 1 < cap; i++)
				out[k++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
			out[k] = '\0';
			return;
		}
		off += NLA_ALIGN(a->nla_len);
	}
}

static int recv_some(struct nl *nl, char *buf, size_t cap, const char *what, struct err *e)
{
	struct pollfd pfd = { nl->fd, POLLIN, 0 };
	ssize_t n;
	for (;;) {
		int r = poll(&pfd, 1, NL_TIMEOUT_MS);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return err_set(e, "netlink: %s: poll: %s", what, strerror(errno));
		if (r == 0)
			return err_set(e, "netlink: %s: no answer from the kernel in %d ms", what,
				       NL_TIMEOUT_MS);
		n = recv(nl->fd, buf, cap, MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(e, "netlink: %s: recv: %s (%s)", what, nl_errno_name(errno),
				       strerror(errno));
		if ((size_t)n > cap)
			return err_set(e, "netlink: %s: reply of %zd bytes truncated", what, n);
		return (int)n;
	}
}

/*
 * Send `req` and read replies until its ACK (or, for a dump, NLMSG_DONE).
 * Each non-control message of a dump is passed to `cb`.
 */
static int transact(struct nl *nl, struct nlmsghdr *req, const char *what,
		    int (*cb)(const struct nlmsghdr *h, void *ctx), void *ctx, struct err *e)
{
	static char buf[NL_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct sockaddr_nl sa;
	int dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;

	memset(&sa, 0, sizeof sa);
	sa.nl_family = AF_NETLINK;
	req->nlmsg_seq = ++nl->seq;
	req->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	while (sendto(nl->fd, req, req->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof sa) < 0) {
		if (errno != EINTR)
			return err_set(e, "netlink: %s: send: %s (%s)", what, nl_errno_name(errno),
				       strerror(errno));
	}
	for (;;) {
		int n = recv_some(nl, buf, sizeof buf, what, e);
		struct nlmsghdr *h;
		if (n < 0)
			return -1;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != req->nlmsg_seq)
				continue; /* a stale reply */
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *er = NLMSG_DATA(h);
				char ext[200];
				if (h->nlmsg_len < NLMSG_LENGTH(sizeof *er))
					return err_set(e, "netlink: %s: short error message", what);
				if (er->error == 0) {
					if (!dump)
						return 0;
					continue;
				}
				ext_ack_msg(h, ext, sizeof ext);
				return err_set(e, "netlink: %s: %s (%s)%s%s", what,
					       nl_errno_name(-er->error), strerror(-er->error),
					       ext[0] ? ": " : "", ext);
			}
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (cb && cb(h, ctx) < 0)
				return err_set(e, "netlink: %s: bad reply", what);
		}
	}
}

/* ------------------------------------------------------------ links */

static int parse_link(const struct nlmsghdr *h, struct nl_link *l)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	const struct rtattr *a;
	int len, has_carrier = 0, has_mac = 0;

	if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof *ifi))
		return -1;
	memset(l, 0, sizeof *l);
	l->ifindex = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *ifi));
	for (a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		size_t n = RTA_PAYLOAD(a);
		const unsigned char *d = RTA_DATA(a);
		switch (a->rta_type) {
		case IFLA_IFNAME:
			if (n > 0 && n <= IF_NAMESIZE) {
				memcpy(l->name, d, n);
				l->name[IF_NAMESIZE - 1] = '\0';
				l->name[n - 1] = '\0';
			}
			break;
		case IFLA_ADDRESS:
			if (n == 6) {
				memcpy(l->mac, d, 6);
				has_mac = 1;
			}
			break;
		case IFLA_CARRIER:
			if (n >= 1) {
				l->carrier = d[0] != 0;
				has_carrier = 1;
			}
			break;
		case IFLA_OPERSTATE:
			if (n >= 1)
				l->operstate = d[0];
			break;
		case IFLA_MTU:
			if (n == 4) {
				uint32_t m;
				memcpy(&m, d, 4);
				l->mtu = (int)m;
			}
			break;
		default:
			break;
		}
	}
	if (!has_carrier)
		l->carrier = (l->flags & IFF_LOWER_UP) != 0;
	if (!(l->flags & IFF_UP))
		l->carrier = 0;
	/* the kernel activates the queue when it sets the operational state:
	 * frames sent before that are dropped, so wait for it (UNKNOWN is what
	 * drivers without link detection report) */
	if (l->operstate != 6 /* IF_OPER_UP */ && l->operstate != 0 /* IF_OPER_UNKNOWN */)
		l->carrier = 0;
	/* an Ethernet link: ARPHRD_ETHER with a MAC, not loopback */
	return (ifi->ifi_type == ARPHRD_ETHER && has_mac && !(l->flags & IFF_LOOPBACK)) ? 1 : 0;
}

struct links_ctx {
	struct nl_link *out;
	int max, n;
};

static int links_cb(const struct nlmsghdr *h, void *ctx)
{
	struct links_ctx *c = ctx;
	struct nl_link l;
	if (h->nlmsg_type != RTM_NEWLINK)
		return 0;
	if (parse_link(h, &l) == 1 && c->n < c->max)
		c->out[c->n++] = l;
	return 0;
}

int nl_links(struct nl *nl, struct nl_link *out, int max, struct err *e)
{
	char req[NL_REQ] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *h = (struct nlmsghdr *)req;
	struct ifinfomsg *ifi;
	struct links_ctx c = { out, max, 0 };

	memset(req, 0, sizeof req);
	h->nlmsg_len = NLMSG_LENGTH(sizeof *ifi);
	h->nlmsg_type = RTM_GETLINK;
	h->nlmsg_flags = NLM_F_DUMP;
	ifi = NLMSG_DATA(h);
	ifi->ifi_family = AF_UNSPEC;
	if (transact(nl, h, "list links", links_cb, &c, e) < 0)
		return -1;
	return c.n;
}

struct one_ctx {
	struct nl_link *out;
	int found;
};

static int one_cb(const struct nlmsghdr *h, void *ctx)
{
	struct one_ctx *c = ctx;
	if (h->nlmsg_type == RTM_NEWLINK && parse_link(h, c->out) >= 0)
		c->found = 1;
	return 0;
}

int nl_link_get(struct nl *nl, int ifindex, struct nl_link *out, struct err *e)
{
	char req[NL_REQ] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *h = (struct nlmsghdr *)req;
	struct ifinfomsg *ifi;
	// cppcheck-suppress ctuuninitvar ; out is only stored here: the reply fills it
	struct one_ctx c = { out, 0 };
	char what[64];

	memset(req, 0, sizeof req);
	h->nlmsg_len = NLMSG_LENGTH(sizeof *ifi);
	h->nlmsg_type = RTM_GETLINK;
	ifi = NLMSG_DATA(h);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	snprintf(what, sizeof what, "get link %d", ifindex);
	/* a GET with ACK answers with the link and then the ACK */
	if (transact(nl, h, what, one_cb, &c, e) < 0)
		return -1;
	if (!c.found)
		return err_set(e, "netlink: %s: no such link", what);
	return 0;
}

static int set_link(struct nl *nl, int ifindex, unsigned flags, unsigned change, int mtu,
		    const char *what, struct err *e)
{
	char req[NL_REQ] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *h = (struct nlmsghdr *)req;
	struct ifinfomsg *ifi;

	memset(req, 0, sizeof req);
	h->nlmsg_len = NLMSG_LENGTH(sizeof *ifi);
	h->nlmsg_type = RTM_NEWLINK;
	ifi = NLMSG_DATA(h);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	ifi->ifi_change = change;
	if (mtu > 0) {
		uint32_t m = (uint32_t)mtu;
		if (addattr(h, IFLA_MTU, &m, 4) < 0)
			return err_set(e, "netlink: %s: request too large", what);
	}
	return transact(nl, h, what, NULL, NULL, e);
}

int nl_link_up(struct nl *nl, int ifindex, struct err *e)
{
	char what[64], nb[IF_NAMESIZE + 8];
	snprintf(what, sizeof what, "set %s up", ifname(ifindex, nb));
	return set_link(nl, ifindex, IFF_UP, IFF_UP, 0, what, e);
}

int nl_set_mtu(struct nl *nl, int ifindex, int mtu, struct err *e)
{
	char what[64], nb[IF_NAMESIZE + 8];
	snprintf(what, sizeof what, "set MTU %d on %s", mtu, ifname(ifindex, nb));
	if (mtu < 68)
		return err_set(e, "netlink: %s: MTU below 68", what);
	return set_link(nl, ifindex, 0, 0, mtu, what, e);
}

int nl_wait_carrier(struct nl *nl, int ifindex, int timeout_ms, struct err *e)
{
	struct nl_link l;
	int waited = 0;
	char nb[IF_NAMESIZE + 8];
	for (;;) {
		if (nl_link_get(nl, ifindex, &l, e) < 0)
			return -1;
		if (l.carrier)
			return 0;
		if (waited >= timeout_ms)
			return err_set(e, "no carrier on %s after %d ms", ifname(ifindex, nb),
				       waited);
		{
			struct timespec ts = { 0, 100 * 1000000L };
			nanosleep(&ts, NULL);
		}
		waited += 100;
	}
}

/* ------------------------------------------------------------ addresses */

/* Start an address request in req[NL_REQ]: the header and the ifaddrmsg. */
static struct nlmsghdr *addr_msg(char *req, int type, unsigned flags, int family,
				 int ifindex, int prefix)
{
	struct nlmsghdr *h = (struct nlmsghdr *)req;
	struct ifaddrmsg *ifa;

	memset(req, 0, NL_REQ);
	h->nlmsg_len = NLMSG_LENGTH(sizeof *ifa);
	h->nlmsg_type = (uint16_t)type;
	h->nlmsg_flags = (uint16_t)flags;
	ifa = NLMSG_DATA(h);
	ifa->ifa_family = (unsigned char)family;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)ifindex;
	return h;
}

static int addr_req(struct nl *nl, int type, unsigned flags, int ifindex, struct in_addr addr,
		    int prefix, struct in_addr brd, const char *what, struct err *e)
{
	char req[NL_REQ] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *h;

	if (prefix < 0 || prefix > 32)
		return err_set(e, "netlink: %s: bad prefix length %d", what, prefix);
	h = addr_msg(req, type, flags, AF_INET, ifindex, prefix);
	if (addattr(h, IFA_LOCAL, &addr.s_addr, 4) < 0 ||
	    addattr(h, IFA_ADDRESS, &addr.s_addr, 4) < 0 ||
	    (brd.s_addr && addattr(h, IFA_BROADCAST, &brd.s_addr, 4) < 0))
		return err_set(e, "netlink: %s: request too large", what);
	return transact(nl, h, what, NULL, NULL, e);
}

int nl_addr_add(struct nl *nl, int ifindex, struct in_addr addr, int prefix,
		struct in_addr brd, struct err *e)
{
	char what[96], nb[IF_NAMESIZE + 8], a[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &addr, a, sizeof a);
	snprintf(what, sizeof what, "add address %s/%d on %s", a, prefix, ifname(ifindex, nb));
	return addr_req(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, ifindex, addr, prefix,
			brd, what, e);
}

struct flush_ctx {
	int ifindex, n;
	struct in_addr addr[FLUSH_MAX];
	int prefix[FLUSH_MAX];
};

static int flush_cb(const struct nlmsghdr *h, void *ctx)
{
	struct flush_ctx *c = ctx;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	const struct rtattr *a;
	int len;
	if (h->nlmsg_type != RTM_NEWADDR || h->nlmsg_len < NLMSG_LENGTH(sizeof *ifa))
		return 0;
	if (ifa->ifa_family != AF_INET || (int)ifa->ifa_index != c->ifindex || c->n >= FLUSH_MAX)
		return 0;
	len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *ifa));
	for (a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFA_LOCAL && RTA_PAYLOAD(a) == 4) {
			memcpy(&c->addr[c->n].s_addr, RTA_DATA(a), 4);
			c->prefix[c->n++] = ifa->ifa_prefixlen;
			break;
		}
	}
	return 0;
}

int nl_addr_flush(struct nl *nl, int ifindex, struct err *e)
{
	char req[NL_REQ] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *h = addr_msg(req, RTM_GETADDR, NLM_F_DUMP, AF_INET, 0, 0);
	struct flush_ctx c;
	struct in_addr none = { 0 };

	memset(&c, 0, sizeof c);
	c.ifindex = ifindex;
	if (transact(nl, h, "list addresses", flush_cb, &c, e) < 0)
		return -1;
	for (int i = 0; i < c.n; i++) {
		char what[96], nb[IF_NAMESIZE + 8], a[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &c.addr[i], a, sizeof a);
		snprintf(what, sizeof what, "delete address %s/%d on %s", a, c.prefix[i],
			 ifname(ifindex, nb));
		if (addr_req(nl, RTM_DELADDR, 0, ifindex, c.addr[i], c.prefix[i], none, what, e) < 0)
			return -1;
	}
	return c.n;
}

/* ------------------------------------------------------------ routes */

/* Add (or replace) a unicast route in the main table: `dst`/`gw` are
 * addresses of `family` (gw NULL: on-link). */
static int route_req(struct nl *nl, int family, int ifindex, const void *dst, int prefix,
		     const void *gw, unsigned char protocol, unsigned char scope,
		     const char *what, struct err *e)
{
	char req[NL_REQ] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *h = (struct nlmsghdr *)req;
	struct rtmsg *rtm;
	unsigned short alen = family == AF_INET ? 4 : 16;
	uint32_t oif = (uint32_t)ifindex;

	if (prefix < 0 || prefix > alen * 8)
		return err_set(e, "netlink: %s: bad prefix length", what);
	memset(req, 0, sizeof req);
	h->nlmsg_len = NLMSG_LENGTH(sizeof *rtm);
	h->nlmsg_type = RTM_NEWROUTE;
	h->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	rtm = NLMSG_DATA(h);
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = (unsigned char)prefix;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = protocol;
	rtm->rtm_scope = scope;
	rtm->rtm_type = RTN_UNICAST;
	if ((prefix > 0 && addattr(h, RTA_DST, dst, alen) < 0) ||
	    (gw && addattr(h, RTA_GATEWAY, gw, alen) < 0) || addattr(h, RTA_OIF, &oif, 4) < 0)
		return err_set(e, "netlink: %s: request too large", what);
	return transact(nl, h, what, NULL, NULL, e);
}

int nl_route_add(struct nl *nl, int ifindex, struct in_addr dst, int prefix,
		 struct in_addr gw, struct err *e)
{
	char what[128], nb[IF_NAMESIZE + 8], d[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &dst, d, sizeof d);
	inet_ntop(AF_INET, &gw, g, sizeof g);
	snprintf(what, sizeof what, "add route %s/%d%s%s dev %s", d, prefix,
		 gw.s_addr ? " via " : "", gw.s_addr ? g : "", ifname(ifindex, nb));
	return route_req(nl, AF_INET, ifindex, &dst.s_addr, prefix, gw.s_addr ? &gw.s_addr : NULL,
			 RTPROT_DHCP, gw.s_addr ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK, what, e);
}

/* ------------------------------------------------------------ IPv6 */

static int addr6_req(struct nl *nl, int type, unsigned flags, int ifindex,
		     const struct in6_addr *a, int prefix, uint32_t preferred, uint32_t valid,
		     const char *what, struct err *e)
{
	char req[NL_REQ] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *h;

	if (prefix < 0 || prefix > 128)
		return err_set(e, "netlink: %s: bad prefix length %d", what, prefix);
	h = addr_msg(req, type, flags, AF_INET6, ifindex, prefix);
	if (addattr(h, IFA_LOCAL, a, 16) < 0 || addattr(h, IFA_ADDRESS, a, 16) < 0)
		return err_set(e, "netlink: %s: request too large", what);
	if (type == RTM_NEWADDR && valid != 0xffffffffu) {
		struct ifa_cacheinfo ci;
		memset(&ci, 0, sizeof ci);
		ci.ifa_prefered = preferred;
		ci.ifa_valid = valid;
		if (addattr(h, IFA_CACHEINFO, &ci, sizeof ci) < 0)
			return err_set(e, "netlink: %s: request too large", what);
	}
	return transact(nl, h, what, NULL, NULL, e);
}

int nl_addr6_add(struct nl *nl, int ifindex, const struct in6_addr *a, int prefix,
		 uint32_t preferred, uint32_t valid, struct err *e)
{
	char what[128], nb[IF_NAMESIZE + 8], s[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, a, s, sizeof s);
	snprintf(what, sizeof what, "add address %s/%d on %s", s, prefix, ifname(ifindex, nb));
	return addr6_req(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, ifindex, a, prefix,
			 preferred, valid, what, e);
}

int nl_addr6_del(struct nl *nl, int ifindex, const struct in6_addr *a, int prefix,
		 struct err *e)
{
	char what[128], nb[IF_NAMESIZE + 8], s[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, a, s, sizeof s);
	snprintf(what, sizeof what, "delete address %s/%d on %s", s, prefix, ifname(ifindex, nb));
	return addr6_req(nl, RTM_DELADDR, 0, ifindex, a, prefix, 0, 0, what, e);
}

struct g6_ctx {
	int ifindex, found;
	struct in6_addr addr;
};

static int g6_cb(const struct nlmsghdr *h, void *ctx)
{
	struct g6_ctx *c = ctx;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	const struct rtattr *a;
	uint32_t flags;
	int len;
	if (h->nlmsg_type != RTM_NEWADDR || h->nlmsg_len < NLMSG_LENGTH(sizeof *ifa))
		return 0;
	if (ifa->ifa_family != AF_INET6 || (int)ifa->ifa_index != c->ifindex || c->found ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return 0;
	flags = ifa->ifa_flags;
	len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *ifa));
	for (a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == IFA_FLAGS && RTA_PAYLOAD(a) == 4)
			memcpy(&flags, RTA_DATA(a), 4);
	if (flags & (IFA_F_TENTATIVE | IFA_F_DEPRECATED | IFA_F_DADFAILED))
		return 0;
	len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *ifa));
	for (a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if ((a->rta_type == IFA_ADDRESS || a->rta_type == IFA_LOCAL) &&
		    RTA_PAYLOAD(a) == 16) {
			memcpy(&c->addr, RTA_DATA(a), 16);
			c->found = 1;
			break;
		}
	}
	return 0;
}

int nl_addr6_global(struct nl *nl, int ifindex, struct in6_addr *out, struct err *e)
{
	char req[NL_REQ] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *h = addr_msg(req, RTM_GETADDR, NLM_F_DUMP, AF_INET6, 0, 0);
	struct g6_ctx c;

	memset(&c, 0, sizeof c);
	c.ifindex = ifindex;
	if (transact(nl, h, "list IPv6 addresses", g6_cb, &c, e) < 0)
		return -1;
	if (c.found)
		*out = c.addr;
	return c.found;
}

int nl_route6_add(struct nl *nl, int ifindex, const struct in6_addr *dst, int prefix,
		  const struct in6_addr *gw, struct err *e)
{
	char what[160], nb[IF_NAMESIZE + 8], d[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];
	int has_gw = gw && !IN6_IS_ADDR_UNSPECIFIED(gw);

	inet_ntop(AF_INET6, dst, d, sizeof d);
	if (has_gw)
		inet_ntop(AF_INET6, gw, g, sizeof g);
	snprintf(what, sizeof what, "add route %s/%d%s%s dev %s", d, prefix, has_gw ? " via " : "",
		 has_gw ? g : "", ifname(ifindex, nb));
	return route_req(nl, AF_INET6, ifindex, dst, prefix, has_gw ? gw : NULL, RTPROT_BOOT,
			 RT_SCOPE_UNIVERSE, what, e);
}

/* ------------------------------------------------------------ VLAN */

/* Open a nested attribute; returns it (close with nest_end) or NULL. */
static struct rtattr *nest_begin(struct nlmsghdr *n, int type)
{
	struct rtattr *nest = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));
	if (addattr(n, type, NULL, 0) < 0)
		return NULL;
	return nest;
}

static void nest_end(struct nlmsghdr *n, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)n + NLMSG_ALIGN(n->nlmsg_len) - (char *)nest);
}

int nl_vlan_add(struct nl *nl, const char *name, int parent, int vid, struct err *e)
{
	char req[NL_REQ] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *h = (struct nlmsghdr *)req;
	struct ifinfomsg *ifi;
	struct rtattr *linkinfo, *data;
	char what[96], nb[IF_NAMESIZE + 8];
	uint32_t link = (uint32_t)parent;
	uint16_t id = (uint16_t)vid;

	snprintf(what, sizeof what, "add VLAN %s id %d on %s", name, vid, ifname(parent, nb));
	if (vid < 1 || vid > 4094)
		return err_set(e, "netlink: %s: VLAN id out of 1..4094", what);
	if (!name[0] || strlen(name) >= IF_NAMESIZE)
		return err_set(e, "netlink: %s: bad link name", what);
	memset(req, 0, sizeof req);
	h->nlmsg_len = NLMSG_LENGTH(sizeof *ifi);
	h->nlmsg_type = RTM_NEWLINK;
	h->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifi = NLMSG_DATA(h);
	ifi->ifi_family = AF_UNSPEC;
	if (addattr(h, IFLA_IFNAME, name, strlen(name) + 1) < 0 ||
	    addattr(h, IFLA_LINK, &link, 4) < 0 || !(linkinfo = nest_begin(h, IFLA_LINKINFO)) ||
	    addattr(h, IFLA_INFO_KIND, "vlan", 4) < 0 || !(data = nest_begin(h, IFLA_INFO_DATA)) ||
	    addattr(h, IFLA_VLAN_ID, &id, 2) < 0)
		return err_set(e, "netlink: %s: request too large", what);
	nest_end(h, data);
	nest_end(h, linkinfo);
	return transact(nl, h, what, NULL, NULL, e);
}
