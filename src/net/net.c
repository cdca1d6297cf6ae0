/*
 * net.c: the network and discovery stage (see net.h): media, links, static
 * or DHCPv4 + DHCPv6 + SLAAC on all links at once, DNS discovery.
 */
#include "net/net.h"

#include "net/dhcp4_client.h"
#include "net/dhcp6_client.h"
#include "net/dnsdisc.h"
#include "net/ipcfg.h"
#include "base/log.h"
#include "base/str.h"
#include "net/media.h"
#include "net/netcfg.h"
#include "net/netlink.h"
#include "trust/serial.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CARRIER_POLL_MS 100
#define SLAAC_POLL_MS   250
#define SLAAC_WAIT_MS   3000 /* for a global address once a router said "autoconf" */
#define GRACE_MS        1500 /* for the other family once a redirect arrived */
#define RS_DELAY_MS     1000 /* no RA (or no SLAAC) by then: solicit one ourselves */
#define RS_MAX          3

struct link_run {
	struct nl_link l;
	unsigned methods;              /* IPCFG_* */
	const struct ipcfg_entry *ip;  /* the ip= entry, or NULL */
	int started;                   /* 1 carrier seen, -1 unusable */
	int64_t lease_ms;              /* first lease of any kind (0: none) */
	int64_t start_ms;              /* carrier seen, configuration started */
	int redirect;                  /* a lease with option 143/136 */
	/* static */
	int is_static;
	/* DHCPv4 */
	int v4;                        /* running */
	struct dhcp4_sock s;
	struct dhcp4_client c;
	int v4_bound;
	/* DHCPv6, RA, SLAAC */
	int v6;                        /* running */
	struct dhcp6_sock s6;
	struct dhcp6_client c6;
	int v6_done;
	int ra_seen, ra_autoconf;
	int have_slaac;
	struct in6_addr slaac;
	int64_t next_slaac;
	int64_t next_rs;               /* when to solicit an RA ourselves */
	int n_rs;
};

static int parse_mac(const char *s, char sep, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		unsigned v = 0;
		for (int k = 0; k < 2; k++) {
			char ch = *s++;
			v <<= 4;
			if (ch >= '0' && ch <= '9')
				v |= (unsigned)(ch - '0');
			else if (ch >= 'a' && ch <= 'f')
				v |= (unsigned)(ch - 'a' + 10);
			else if (ch >= 'A' && ch <= 'F')
				v |= (unsigned)(ch - 'A' + 10);
			else
				return -1;
		}
		mac[i] = (uint8_t)v;
		if (i < 5 && *s++ != sep)
			return -1;
	}
	return *s ? -1 : 0;
}

/* Is this link wanted? sztp.ifname=NAME, ifname=NAME:MAC, BOOTIF=01-MAC,
 * ip=...:IFACE:..., vlan=NAME:PHYS (the VLAN, not its parent). */
static int wanted(const struct sztp_config *cfg, const struct ipcfg *ipc, const struct nl_link *l)
{
	uint8_t mac[6];
	int named = 0;
	for (int i = 0; i < ipc->n_vlan; i++) {
		if (strcmp(ipc->vlan[i].name, l->name) == 0)
			return 1;
		if (strcmp(ipc->vlan[i].phys, l->name) == 0)
			return 0; /* the parent only carries the VLAN */
	}
	for (int i = 0; i < ipc->n_ip; i++)
		if (ipc->ip[i].ifname[0]) {
			named = 1;
			if (strcmp(ipc->ip[i].ifname, l->name) == 0)
				return 1;
		}
	if (cfg->n_ifnames == 0 && !cfg->bootif[0] && !named)
		return 1;
	for (int i = 0; i < cfg->n_ifnames; i++) {
		const char *w = cfg->ifnames[i], *colon = strchr(w, ':');
		size_t n = colon ? (size_t)(colon - w) : strlen(w);
		if (strlen(l->name) == n && strncmp(w, l->name, n) == 0)
			return 1;
		if (colon && parse_mac(colon + 1, ':', mac) == 0 && memcmp(mac, l->mac, 6) == 0)
			return 1;
	}
	if (cfg->bootif[0] && strncmp(cfg->bootif, "01-", 3) == 0 &&
	    parse_mac(cfg->bootif + 3, '-', mac) == 0 && memcmp(mac, l->mac, 6) == 0)
		return 1;
	return 0;
}

static void my_hostname(char *out, size_t cap)
{
	char h[256];
	out[0] = '\0';
	if (gethostname(h, sizeof h) < 0)
		return;
	h[sizeof h - 1] = '\0';
	if (!h[0] || strcmp(h, "(none)") == 0 || strcmp(h, "localhost") == 0 || strlen(h) >= cap)
		return;
	for (const char *p = h; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			return;
	str_copy(out, cap, h);
}

static void addrs(char *buf, size_t cap, const struct in_addr *a, int n)
{
	size_t off = 0;
	if (n == 0) {
		snprintf(buf, cap, "none");
		return;
	}
	buf[0] = '\0';
	for (int i = 0; i < n && off < cap; i++) {
		char s[INET_ADDRSTRLEN];
		int r;
		inet_ntop(AF_INET, &a[i], s, sizeof s);
		r = snprintf(buf + off, cap - off, "%s%s", i ? "," : "", s);
		if (r < 0)
			return;
		off += (size_t)r;
	}
}

static void uri_list(char *buf, size_t cap, int has, const struct sztp_uri_list *l)
{
	size_t off = 0;
	snprintf(buf, cap, "none");
	for (int i = 0; has && i < l->n; i++) {
		int r = snprintf(buf + off, cap - off, "%s%s", i ? "," : "", l->uri[i]);
		if (r < 0 || (size_t)r >= cap - off)
			break;
		off += (size_t)r;
	}
}

void net_lease_summary(char *buf, size_t cap, const char *ifname, const struct dhcp4_lease *l)
{
	char a[INET_ADDRSTRLEN], srv[INET_ADDRSTRLEN], rt[INET_ADDRSTRLEN];
	char dns[DHCP4_MAX_DNS * INET_ADDRSTRLEN + 8];
	char uris[SZTP_URI_MAX * SZTP_URI_LEN + 8];

	inet_ntop(AF_INET, &l->addr, a, sizeof a);
	inet_ntop(AF_INET, &l->server_id, srv, sizeof srv);
	if (l->router.s_addr)
		inet_ntop(AF_INET, &l->router, rt, sizeof rt);
	else
		snprintf(rt, sizeof rt, "none");
	addrs(dns, sizeof dns, l->dns, l->n_dns);
	uri_list(uris, sizeof uris, l->has_sztp, &l->sztp);
	snprintf(buf, cap, "lease %s/%d on %s from %s router %s dns %s sztp-redirect %s", a,
		 l->prefix, ifname, srv, rt, dns, uris);
}

static void dhcp6_summary(char *buf, size_t cap, const char *ifname, const struct dhcp6_reply *r)
{
	char a[INET6_ADDRSTRLEN] = "none", dns[DHCP6_MAX_DNS * INET6_ADDRSTRLEN + 8];
	char uris[SZTP_URI_MAX * SZTP_URI_LEN + 8];
	size_t off = 0;
	if (r->has_addr)
		inet_ntop(AF_INET6, &r->addr, a, sizeof a);
	snprintf(dns, sizeof dns, "none");
	for (int i = 0; i < r->n_dns; i++) {
		char s[INET6_ADDRSTRLEN];
		int k;
		inet_ntop(AF_INET6, &r->dns[i], s, sizeof s);
		k = snprintf(dns + off, sizeof dns - off, "%s%s", i ? "," : "", s);
		if (k < 0 || (size_t)k >= sizeof dns - off)
			break;
		off += (size_t)k;
	}
	uri_list(uris, sizeof uris, r->has_sztp, &r->sztp);
	if (snprintf(buf, cap, "reply on %s (%s) address %s dns %s domain %s sztp-redirect %s",
		     ifname, r->has_addr ? "stateful" : "stateless", a, dns,
		     r->n_domains ? r->domains[0] : "none", uris) >= (int)cap)
		buf[cap - 1] = '\0'; /* truncated: still one line */
}

/* ------------------------------------------------------------ the race */

static void start_link(struct link_run *lr, const struct net_opts *opts, int64_t now)
{
	struct err e;
	if (lr->methods & IPCFG_DHCP) {
		struct dhcp4_id id;
		if (dhcp4_sock_open(&lr->s, lr->l.ifindex, &e) < 0) {
			log_warn("net", "%s: DHCPv4: %s", lr->l.name, e.msg);
		} else {
			memset(&id, 0, sizeof id);
			memcpy(id.mac, lr->l.mac, 6);
			my_hostname(id.hostname, sizeof id.hostname);
			dhcp4_client_init(&lr->c, &id, dhcp4_seed(), now);
			lr->v4 = 1;
		}
	}
	if ((lr->methods & (IPCFG_DHCP6 | IPCFG_AUTO6)) && !opts->no_dhcp6 &&
	    dhcp6_ipv6_available()) {
		if (dhcp6_sock_open(&lr->s6, lr->l.ifindex, lr->l.name, &e) < 0) {
			log_warn("net", "%s: DHCPv6: %s", lr->l.name, e.msg);
		} else {
			struct dhcp6_id id6;
			dhcp6_id_from_mac(&id6, lr->l.mac);
			dhcp6_client_init(&lr->c6, &id6, dhcp4_seed(), now);
			if (!(lr->methods & IPCFG_DHCP6))
				lr->c6.state = DHCP6_STATE_OFF; /* SLAAC only: RA socket kept */
			lr->v6 = 1;
			lr->next_slaac = now;
			lr->next_rs = now + RS_DELAY_MS;
		}
	}
	lr->started = (lr->v4 || lr->v6 || lr->is_static) ? 1 : -1;
	log_info("net", "%s: carrier up, starting%s%s%s", lr->l.name,
		 lr->is_static ? " static" : "", lr->v4 ? " DHCPv4" : "",
		 lr->v6 ? ((lr->methods & IPCFG_DHCP6) ? " DHCPv6/SLAAC" : " SLAAC") : "");
}

/* Start the links that got carrier; returns how many did. */
static int check_carrier(struct nl *nl, struct link_run *lr, int n, const struct net_opts *opts,
			 int64_t now)
{
	int started = 0;
	for (int i = 0; i < n; i++) {
		struct nl_link cur;
		struct err e;
		if (lr[i].started)
			continue;
		if (nl_link_get(nl, lr[i].l.ifindex, &cur, &e) < 0) {
			log_debug("net", "%s: %s", lr[i].l.name, e.msg);
			continue;
		}
		if (!cur.carrier)
			continue;
		lr[i].l.mtu = cur.mtu;
		start_link(&lr[i], opts, now);
		lr[i].start_ms = now;
		if (lr[i].is_static)
			lr[i].lease_ms = now;
		started++;
	}
	return started;
}

static void got_lease(struct link_run *lr, int redirect, int64_t now)
{
	if (!lr->lease_ms)
		lr->lease_ms = now;
	if (redirect)
		lr->redirect = 1;
}

static void drain4(struct link_run *lr, int64_t now)
{
	uint8_t buf[DHCP4_FRAME_MAX];
	for (;;) {
		const uint8_t *msg;
		size_t n;
		struct err why;
		int got = dhcp4_sock_recv(&lr->s, buf, sizeof buf, &msg, &n, &why);
		if (got < 0) {
			log_warn("dhcp4", "%s: %s", lr->l.name, why.msg);
			return;
		}
		if (got == DHCP4_RECV_NONE)
			return;
		if (got == DHCP4_RECV_SKIP) {
			log_debug("dhcp4", "%s: packet ignored: %s", lr->l.name, why.msg);
			continue;
		}
		switch (dhcp4_client_input(&lr->c, dhcp4_now_ms(), msg, n, &why)) {
		case DHCP4_EV_IGNORED:
			log_debug("dhcp4", "%s: reply ignored: %s", lr->l.name, why.msg);
			break;
		case DHCP4_EV_OFFER: {
			char a[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];
			inet_ntop(AF_INET, &lr->c.offer.addr, a, sizeof a);
			inet_ntop(AF_INET, &lr->c.offer.server_id, s, sizeof s);
			log_info("dhcp4", "%s: offer %s from %s", lr->l.name, a, s);
			break;
		}
		case DHCP4_EV_NAK: {
			char s[INET_ADDRSTRLEN];
			inet_ntop(AF_INET, &lr->c.lease.server_id, s, sizeof s);
			log_warn("dhcp4", "%s: NAK from %s%s%s, starting over", lr->l.name, s,
				 lr->c.lease.message[0] ? ": " : "", lr->c.lease.message);
			break;
		}
		case DHCP4_EV_ACK: {
			char line[1024];
			net_lease_summary(line, sizeof line, lr->l.name, &lr->c.lease);
			log_info("dhcp4", "%s", line);
			lr->v4_bound = 1;
			got_lease(lr, lr->c.lease.has_sztp, now);
			dhcp4_sock_close(&lr->s); /* bound: nothing more to read */
			return;
		}
		}
	}
}

static void drain6(struct link_run *lr, int64_t now)
{
	uint8_t buf[DHCP6_PKT_MAX];
	for (;;) {
		struct err why;
		int n = dhcp6_sock_recv(&lr->s6, buf, sizeof buf, &why);
		if (n < 0) {
			log_warn("dhcp6", "%s: %s", lr->l.name, why.msg);
			return;
		}
		if (n == 0)
			return;
		switch (dhcp6_client_input(&lr->c6, now, buf, (size_t)n, &why)) {
		case DHCP6_EV_IGNORED:
			log_debug("dhcp6", "%s: %s", lr->l.name, why.msg);
			break;
		case DHCP6_EV_ADVERTISE:
			log_info("dhcp6", "%s: advertise (preference %d)", lr->l.name,
				 lr->c6.adv.preference);
			break;
		case DHCP6_EV_STATELESS:
			log_info("dhcp6", "%s: no addresses on offer, asking for information only",
				 lr->l.name);
			break;
		case DHCP6_EV_REPLY: {
			char line[1024];
			dhcp6_summary(line, sizeof line, lr->l.name, &lr->c6.reply);
			log_info("dhcp6", "%s", line);
			lr->v6_done = 1;
			got_lease(lr, lr->c6.reply.has_sztp, now);
			return;
		}
		}
	}
}

static void ra_input(struct link_run *lr, int64_t now)
{
	int flags, autoconf;
	while (dhcp6_ra_recv(&lr->s6, &flags, &autoconf) == 1) {
		if (!lr->ra_seen)
			log_info("dhcp6", "%s: router advertisement:%s%s%s", lr->l.name,
				 flags & DHCP6_RA_MANAGED ? " managed" : "",
				 flags & DHCP6_RA_OTHER ? " other-config" : "",
				 autoconf ? " autoconf" : "");
		lr->ra_seen = 1;
		lr->ra_autoconf |= autoconf;
		if (lr->methods & IPCFG_DHCP6)
			dhcp6_client_ra(&lr->c6, flags, now);
	}
}

/* Is this link still working on something? */
static int busy(const struct link_run *lr)
{
	if (lr->started == 0)
		return 1;
	if (lr->started < 0)
		return 0;
	if (lr->v4 && !lr->v4_bound)
		return 1;
	if (lr->v6 && !lr->v6_done && lr->c6.state != DHCP6_STATE_OFF)
		return 1;
	if (lr->v6 && lr->ra_autoconf && !lr->have_slaac)
		return 1;
	return 0;
}

/* The winner: a link with a redirect, else the earliest lease. */
static int pick(const struct link_run *lr, int n)
{
	int best = -1;
	for (int i = 0; i < n; i++)
		if (lr[i].redirect && (best < 0 || lr[i].lease_ms < lr[best].lease_ms))
			best = i;
	if (best >= 0)
		return best;
	for (int i = 0; i < n; i++)
		if (lr[i].lease_ms && (best < 0 || lr[i].lease_ms < lr[best].lease_ms))
			best = i;
	return best;
}

static int run_links(struct nl *nl, struct link_run *lr, int n, const struct net_opts *opts,
		     int timeout_ms)
{
	int64_t start = dhcp4_now_ms(), deadline = start + timeout_ms, next_carrier = start;
	int64_t end = deadline;
	uint8_t buf[DHCP4_FRAME_MAX];

	for (;;) {
		struct pollfd pfd[3 * NL_MAX_LINKS];
		int map[3 * NL_MAX_LINKS], kind[3 * NL_MAX_LINKS], np = 0, pending = 0, r;
		int64_t now = dhcp4_now_ms(), wake, first = 0;
		int win = pick(lr, n), any_busy = 0;

		/* when to stop */
		for (int i = 0; i < n; i++) {
			if (lr[i].lease_ms && (!first || lr[i].lease_ms < first))
				first = lr[i].lease_ms;
			any_busy |= busy(&lr[i]);
		}
		if (win >= 0 && lr[win].redirect) {
			int64_t g = lr[win].lease_ms + GRACE_MS;
			if (lr[win].ra_autoconf && !lr[win].have_slaac)
				g = lr[win].lease_ms + SLAAC_WAIT_MS;
			if (g < end)
				end = g;
			if (!busy(&lr[win]) || opts->first_uri)
				return win;
		} else if (first) {
			/* a lease without redirect: wait a little for one with it, and
			 * give every link still trying one retransmission's time */
			int64_t settle = first + NET_SETTLE_MS;
			for (int i = 0; i < n; i++)
				if (busy(&lr[i]) && lr[i].start_ms + NET_MIN_TRY_MS > settle)
					settle = lr[i].start_ms + NET_MIN_TRY_MS;
			if (settle < end)
				end = settle;
		}
		if (!any_busy && win >= 0)
			return win;
		if (now >= end)
			return win;
		wake = end;

		if (now >= next_carrier) {
			next_carrier = now + CARRIER_POLL_MS;
			if (check_carrier(nl, lr, n, opts, now) > 0)
				continue; /* decide again with the new links */
		}
		for (int i = 0; i < n; i++) {
			struct link_run *l = &lr[i];
			if (l->started == 0)
				pending = 1;
			if (l->started != 1)
				continue;
			if (l->v4 && !l->v4_bound) {
				int64_t next = end;
				int len = dhcp4_client_tick(&l->c, now, buf, sizeof buf, &next);
				if (len > 0) {
					struct err e;
					log_debug("dhcp4", "%s: send %s (attempt %d)", l->l.name,
						  l->c.state == DHCP4_STATE_SELECTING ? "DISCOVER"
										      : "REQUEST",
						  l->c.attempt);
					if (dhcp4_sock_send(&l->s, buf, (size_t)len, &e) < 0)
						log_warn("dhcp4", "%s: %s", l->l.name, e.msg);
				}
				if (next < wake)
					wake = next;
				pfd[np].fd = l->s.fd;
				pfd[np].events = POLLIN;
				kind[np] = 4;
				map[np++] = i;
			}
			if (l->v6) {
				if (!l->v6_done) {
					int64_t next = end;
					int len = dhcp6_client_tick(&l->c6, now, buf, sizeof buf, &next);
					if (len > 0) {
						struct err e;
						log_debug("dhcp6", "%s: send %s (attempt %d)", l->l.name,
							  dhcp6_msg_name(buf[0]), l->c6.attempt);
						if (dhcp6_sock_send(&l->s6, buf, (size_t)len, &e) < 0) {
							log_debug("dhcp6", "%s: %s", l->l.name, e.msg);
							/* link-local address still tentative: soon again */
							l->c6.next_ms = now + 500;
							next = now + 500;
						}
					}
					if (l->c6.state != DHCP6_STATE_OFF && next < wake)
						wake = next;
					pfd[np].fd = l->s6.fd;
					pfd[np].events = POLLIN;
					kind[np] = 6;
					map[np++] = i;
				}
				pfd[np].fd = l->s6.ra_fd;
				pfd[np].events = POLLIN;
				kind[np] = 1;
				map[np++] = i;
				/* no RA yet, or one that the kernel has not acted upon (it
				 * drops RAs that arrive before the link is ready): ask */
				if ((!l->ra_seen || (l->ra_autoconf && !l->have_slaac)) &&
				    l->n_rs < RS_MAX) {
					if (now >= l->next_rs) {
						dhcp6_send_rs(&l->s6);
						l->n_rs++;
						l->next_rs = now + 2 * RS_DELAY_MS;
					}
					if (l->next_rs < wake)
						wake = l->next_rs;
				}
				/* SLAAC: look for a global address now and then */
				if (l->ra_autoconf && !l->have_slaac && now >= l->next_slaac) {
					struct err e;
					if (nl_addr6_global(nl, l->l.ifindex, &l->slaac, &e) == 1) {
						char a[INET6_ADDRSTRLEN];
						inet_ntop(AF_INET6, &l->slaac, a, sizeof a);
						log_info("net", "%s: SLAAC address %s", l->l.name, a);
						l->have_slaac = 1;
						got_lease(l, 0, now);
					}
					l->next_slaac = now + SLAAC_POLL_MS;
				}
				if (l->ra_autoconf && !l->have_slaac && l->next_slaac < wake)
					wake = l->next_slaac;
			}
		}
		if (pending && next_carrier < wake)
			wake = next_carrier;
		for (int k = 0; k < np; k++)
			pfd[k].revents = 0;
		r = poll(pfd, (nfds_t)np, (int)(wake > now ? wake - now : 0));
		if (r < 0 && errno != EINTR) {
			log_err("net", "poll: %s", strerror(errno));
			return pick(lr, n);
		}
		now = dhcp4_now_ms();
		for (int k = 0; r > 0 && k < np; k++) {
			struct link_run *l = &lr[map[k]];
			if (!(pfd[k].revents & POLLIN))
				continue;
			if (kind[k] == 4 && l->v4 && !l->v4_bound)
				drain4(l, now);
			else if (kind[k] == 6 && !l->v6_done)
				drain6(l, now);
			else if (kind[k] == 1)
				ra_input(l, now);
		}
	}
}

static void why_not(char *buf, size_t cap, const struct link_run *lr, int n)
{
	size_t off = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && off < cap; i++) {
		const char *why = lr[i].started == 0 ? "no carrier"
				: lr[i].started < 0 ? "no socket"
				: !lr[i].v4 ? "no DHCPv4"
				: lr[i].c.state == DHCP4_STATE_SELECTING ? "no offer"
				: "no ack";
		int r = snprintf(buf + off, cap - off, "%s%s (%s)", i ? ", " : "", lr[i].l.name, why);
		if (r < 0)
			break;
		off += (size_t)r;
	}
}

/* ------------------------------------------------------------ applying */

static void add_ns(struct net_result *out, int family, const void *a)
{
	char s[INET6_ADDRSTRLEN];
	inet_ntop(family, a, s, sizeof s);
	for (int i = 0; i < out->n_name_servers; i++)
		if (strcmp(out->name_servers[i], s) == 0)
			return;
	if (out->n_name_servers < NET_MAX_DNS)
		{
		str_copy(out->name_servers[out->n_name_servers], sizeof out->name_servers[0], s);
		out->n_name_servers++;
	}
}

static void add_domain(struct net_result *out, const char *d)
{
	if (!d[0])
		return;
	for (int i = 0; i < out->n_domains; i++)
		if (strcmp(out->domains[i], d) == 0)
			return;
	if (out->n_domains < NET_MAX_DOMAINS && strlen(d) < sizeof out->domains[0])
		{
		str_copy(out->domains[out->n_domains], sizeof out->domains[0], d);
		out->n_domains++;
	}
}

static int apply_static(struct nl *nl, struct link_run *lr, struct err *e)
{
	const struct ipcfg_entry *ip = lr->ip;
	char a[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];
	if (ip->mtu && ip->mtu != lr->l.mtu && nl_set_mtu(nl, lr->l.ifindex, ip->mtu, e) < 0)
		return -1;
	ipcfg_addr_str(&ip->addr, a, sizeof a);
	ipcfg_addr_str(&ip->gw, g, sizeof g);
	if (ip->addr.family == AF_INET) {
		struct in_addr any = { 0 }, brd = { 0 };
		uint32_t mask = ip->prefix ? htonl(0xffffffffu << (32 - ip->prefix)) : 0;
		if (ip->prefix < 31)
			brd.s_addr = (ip->addr.u.v4.s_addr & mask) | ~mask;
		if (nl_addr_add(nl, lr->l.ifindex, ip->addr.u.v4, ip->prefix, brd, e) < 0)
			return -1;
		if (ip->gw.family == AF_INET) {
			if ((ip->gw.u.v4.s_addr & mask) != (ip->addr.u.v4.s_addr & mask) &&
			    nl_route_add(nl, lr->l.ifindex, ip->gw.u.v4, 32, any, e) < 0)
				return -1;
			if (nl_route_add(nl, lr->l.ifindex, any, 0, ip->gw.u.v4, e) < 0)
				return -1;
		}
	} else {
		struct in6_addr any6;
		memset(&any6, 0, sizeof any6);
		if (nl_addr6_add(nl, lr->l.ifindex, &ip->addr.u.v6, ip->prefix, 0xffffffffu,
				 0xffffffffu, e) < 0)
			return -1;
		if (ip->gw.family == AF_INET6 &&
		    nl_route6_add(nl, lr->l.ifindex, &any6, 0, &ip->gw.u.v6, e) < 0)
			return -1;
	}
	log_info("net", "%s: static %s/%d%s%s", lr->l.name, a, ip->prefix,
		 ip->gw.family ? " gateway " : "", ip->gw.family ? g : "");
	return 0;
}

/* Send DHCPRELEASE for the losers' leases (never applied). */
static void release_losers(struct link_run *lr, int n, int win)
{
	for (int i = 0; i < n; i++) {
		struct err e;
		if (i == win || !lr[i].v4_bound)
			continue;
		if (dhcp4_release(lr[i].l.ifindex, lr[i].l.name, &lr[i].c.id, &lr[i].c.lease, 0,
				  &e) < 0)
			log_warn("dhcp4", "%s: RELEASE not sent: %s", lr[i].l.name, e.msg);
		else
			log_info("dhcp4", "%s: lease released (another link won)", lr[i].l.name);
	}
}

/* Create the vlan= links (8021q loaded first when there is a loader). */
static void make_vlans(struct nl *nl, const struct ipcfg *ipc, const struct net_opts *opts)
{
	struct err me;
	if (ipc->n_vlan && opts->load_module && opts->load_module("8021q", &me) < 0)
		log_debug("net", "%s", me.msg);
	for (int i = 0; i < ipc->n_vlan; i++) {
		const struct ipcfg_vlan *v = &ipc->vlan[i];
		unsigned parent = if_nametoindex(v->phys);
		struct err e;
		if (if_nametoindex(v->name)) {
			log_info("net", "VLAN %s exists already", v->name);
			continue;
		}
		if (!parent) {
			log_warn("net", "vlan=%s:%s: no link %s", v->name, v->phys, v->phys);
			continue;
		}
		if (nl_link_up(nl, (int)parent, &e) < 0 ||
		    nl_vlan_add(nl, v->name, (int)parent, v->id, &e) < 0) {
			log_warn("net", "%s", e.msg);
			continue;
		}
		log_info("net", "created VLAN %s (id %d) on %s", v->name, v->id, v->phys);
	}
}

int net_run(const struct sztp_config *cfg, const struct net_opts *opts,
	    struct net_result *out, struct err *e)
{
	static struct link_run lr[NL_MAX_LINKS];
	static struct ipcfg ipc;
	static const struct net_opts none;
	struct nl_link all[NL_MAX_LINKS];
	struct nl nl = { -1, 0 };
	int n_all, n = 0, win = -1, timeout_s = cfg->dhcp_timeout_s > 0 ? cfg->dhcp_timeout_s : 30;
	char line[1024], serial[SERIAL_MAX];
	char why[600] = "";

	if (!opts)
		opts = &none;
	memset(out, 0, sizeof *out);
	out->ifindex = -1;
	ipcfg_load(cfg, &ipc);
	if (device_serial(cfg, serial, sizeof serial) == 0)
		snprintf(out->serial, sizeof out->serial, "%s", serial);
	else
		log_info("net", "no device serial (sztp.serial= or DMI): per-device discovery off");

	/* 1. removable media */
	if (opts->media_root) {
		media_read_root(opts->media_root, opts->media_root, out->serial, out);
	} else if (!opts->no_media) {
		struct media_opts mo;
		memset(&mo, 0, sizeof mo);
		mo.serial = out->serial;
		mo.allow_loop = opts->media_loop;
		mo.load_module = opts->load_module;
		media_scan(&mo, out);
	}
	/* 2. the command line */
	for (int i = 0; i < cfg->n_urls; i++)
		net_add_uri(out, cfg->urls[i], "cmdline");

	/* 3. links */
	if (nl_open(&nl, e) < 0)
		goto done;
	make_vlans(&nl, &ipc, opts);
	n_all = nl_links(&nl, all, NL_MAX_LINKS, e);
	if (n_all < 0)
		goto done;
	for (int i = 0; i < n_all; i++) {
		struct err le;
		struct link_run *l = &lr[n];
		if (!wanted(cfg, &ipc, &all[i])) {
			log_debug("net", "%s: not selected by ifname=/BOOTIF=/ip=", all[i].name);
			continue;
		}
		memset(l, 0, sizeof *l);
		l->l = all[i];
		l->s.fd = -1;
		l->s6.fd = l->s6.ra_fd = -1;
		l->methods = ipcfg_methods(&ipc, all[i].name, &l->ip);
		if (l->methods & IPCFG_OFF) {
			log_info("net", "%s: ip=off", all[i].name);
			continue;
		}
		if (l->methods & IPCFG_STATIC) {
			/* an ip= without interface applies to one link only */
			int taken = 0;
			for (int k = 0; k < n; k++)
				if (lr[k].ip == l->ip)
					taken = 1;
			if (taken) {
				log_debug("net", "%s: static ip= already used by another link",
					  all[i].name);
				continue;
			}
			l->is_static = 1;
		}
		if ((l->methods & (IPCFG_DHCP6 | IPCFG_AUTO6)) && !opts->no_dhcp6)
			dhcp6_sysctl_prepare(all[i].name);
		if (!(all[i].flags & IFF_UP) && nl_link_up(&nl, all[i].ifindex, &le) < 0) {
			log_warn("net", "%s", le.msg);
			continue;
		}
		n++;
	}
	if (n == 0) {
		snprintf(why, sizeof why, "no usable Ethernet link (%d found%s)", n_all,
			 cfg->n_ifnames || cfg->bootif[0] ? ", none selected by ifname=/BOOTIF=" : "");
		goto done;
	}
	line[0] = '\0';
	for (int i = 0, off = 0; i < n && off < (int)sizeof line; i++) {
		const uint8_t *m = lr[i].l.mac;
		int r = snprintf(line + off, sizeof line - (size_t)off,
				 "%s%s (%02x:%02x:%02x:%02x:%02x:%02x)", i ? ", " : "", lr[i].l.name,
				 m[0], m[1], m[2], m[3], m[4], m[5]);
		if (r < 0)
			break;
		off += r;
	}
	log_info("net", "%d link%s: %s", n, n == 1 ? "" : "s", line);

	/* 4. addresses */
	win = run_links(&nl, lr, n, opts, timeout_s * 1000);
	for (int i = 0; i < n; i++) {
		dhcp4_sock_close(&lr[i].s);
		dhcp6_sock_close(&lr[i].s6);
	}
	if (win < 0) {
		why_not(line, sizeof line, lr, n);
		if (snprintf(why, sizeof why, "no %s within %d s: %s",
			     opts->no_dhcp6 ? "DHCPv4 lease" : "address", timeout_s, line) >=
		    (int)sizeof why)
			why[sizeof why - 1] = '\0';
		log_warn("net", "%s", why);
		/* mDNS still works over IPv6 link-local addresses */
		for (int i = 0; i < n && !opts->no_dns && !opts->no_dhcp6; i++)
			if (lr[i].started == 1 && dhcp6_ipv6_available()) {
				struct dnsdisc_params p;
				memset(&p, 0, sizeof p);
				p.serial = out->serial;
				p.ifindex = lr[i].l.ifindex;
				p.mdns_family = AF_INET6;
				p.timeout_ms = opts->dns_timeout_ms > 0 ? opts->dns_timeout_ms : 2000;
				log_info("net", "%s: trying mDNS over IPv6 link-local", lr[i].l.name);
				dnsdisc_run(&p, out);
				break;
			}
		goto done;
	}
	release_losers(lr, n, win);

	{
		struct link_run *w = &lr[win];
		snprintf(out->ifname, sizeof out->ifname, "%s", w->l.name);
		out->ifindex = w->l.ifindex;
		log_info("net", "%s wins%s", w->l.name,
			 w->redirect ? " (SZTP redirect)" : n > 1 ? " (first lease)" : "");
		if (w->v6_done) {
			const struct dhcp6_reply *r6 = &w->c6.reply;
			out->have_dhcp6 = 1;
			out->dhcp6 = *r6;
			out->id6 = w->c6.id;
			for (int i = 0; r6->has_sztp && i < r6->sztp.n; i++)
				net_add_uri(out, r6->sztp.uri[i], "dhcp6");
			for (int i = 0; i < r6->n_dns; i++)
				add_ns(out, AF_INET6, &r6->dns[i]);
			for (int i = 0; i < r6->n_domains; i++)
				add_domain(out, r6->domains[i]);
		}
		if (w->v4_bound) {
			const struct dhcp4_lease *l = &w->c.lease;
			out->have_lease = 1;
			out->addr = l->addr;
			out->prefix = l->prefix;
			out->router = l->router;
			out->n_dns = l->n_dns;
			memcpy(out->dns, l->dns, sizeof out->dns);
			snprintf(out->domain, sizeof out->domain, "%s", l->domain);
			out->lease = *l;
			out->id = w->c.id;
			for (int i = 0; l->has_sztp && i < l->sztp.n; i++)
				net_add_uri(out, l->sztp.uri[i], "dhcp4");
			for (int i = 0; i < l->n_dns; i++)
				add_ns(out, AF_INET, &l->dns[i]);
			add_domain(out, l->domain);
		}
		if (w->have_slaac) {
			out->have_addr6 = 1;
			out->addr6 = w->slaac;
		}
		if (opts->apply) {
			struct err ae;
			if (w->is_static) {
				if (apply_static(&nl, w, &ae) < 0)
					log_err("net", "%s: %s", w->l.name, ae.msg);
				else
					out->have_static = 1;
			}
			if (w->v4_bound) {
				if (netcfg_apply(&nl, w->l.ifindex, w->l.mtu, &w->c.lease, &ae) < 0)
					log_err("net", "%s: %s", w->l.name, ae.msg);
				else
					out->applied = 1;
			}
			if (w->v6_done && w->c6.reply.has_addr) {
				const struct dhcp6_reply *r6 = &w->c6.reply;
				if (nl_addr6_add(&nl, w->l.ifindex, &r6->addr, 128, r6->preferred,
						 r6->valid, &ae) < 0) {
					log_err("net", "%s: %s", w->l.name, ae.msg);
				} else {
					char a6[INET6_ADDRSTRLEN];
					inet_ntop(AF_INET6, &r6->addr, a6, sizeof a6);
					log_info("net", "configured %s/128 (DHCPv6)", a6);
					out->have_addr6 = 1;
					out->addr6 = r6->addr;
					out->addr6_applied = 1;
				}
			}
		}
		/* ip=...:<hostname>:...: a fully qualified name gives the domain */
		if (w->is_static && w->ip && strchr(w->ip->hostname, '.'))
			add_domain(out, strchr(w->ip->hostname, '.') + 1);
	}

	/* name servers: nameserver= and ip= first, then DHCP */
	{
		char tmp[NET_MAX_DNS][INET6_ADDRSTRLEN];
		int nt = out->n_name_servers;
		memcpy(tmp, out->name_servers, sizeof tmp);
		out->n_name_servers = 0;
		for (int i = 0; i < ipc.n_ns; i++)
			add_ns(out, ipc.ns[i].family, &ipc.ns[i].u);
		for (int i = 0; i < nt; i++)
			if (out->n_name_servers < NET_MAX_DNS) {
				int dup = 0;
				for (int k = 0; k < out->n_name_servers; k++)
					dup |= strcmp(out->name_servers[k], tmp[i]) == 0;
				if (!dup)
					{
					str_copy(out->name_servers[out->n_name_servers],
						 sizeof out->name_servers[0], tmp[i]);
					out->n_name_servers++;
				}
			}
	}
	if (opts->apply && (out->n_name_servers || out->n_domains)) {
		struct err re;
		if (netcfg_write_resolv_list(opts->resolv_path, out->name_servers,
					     out->n_name_servers, out->domains, out->n_domains,
					     &re) < 0)
			log_warn("net", "%s", re.msg);
	}

	/* 5. DNS: now, or only if the sources found so far fail (dns_lazy) */
	if (!opts->no_dns) {
		out->dns_mdns_family = (out->have_lease || (lr[win].is_static && lr[win].ip &&
							    lr[win].ip->addr.family == AF_INET))
					       ? AF_INET : AF_INET6;
		out->dns_timeout_ms = opts->dns_timeout_ms > 0 ? opts->dns_timeout_ms : 2000;
		out->dns_deferred = 1;
		if (opts->dns_lazy && out->n_order > 0)
			log_info("net", "DNS/mDNS discovery deferred: tried only if the %d "
				 "source(s) found so far fail", out->n_order);
		else
			net_discover_deferred(out);
	}

done:
	nl_close(&nl);
	net_log_sources(out);
	if (win >= 0 || out->n_order > 0)
		return 0;
	if (!why[0])
		snprintf(why, sizeof why, "%s", e->msg);
	return err_set(e, "%s", why);
}

int net_discover_deferred(struct net_result *out)
{
	struct dnsdisc_params p;
	int before = out->n_order;

	if (!out->dns_deferred)
		return 0;
	out->dns_deferred = 0;
	memset(&p, 0, sizeof p);
	p.serial = out->serial;
	p.ifindex = out->ifindex;
	p.mdns_family = out->dns_mdns_family;
	p.servers = out->name_servers;
	p.n_servers = out->n_name_servers;
	p.domains = out->domains;
	p.n_domains = out->n_domains;
	p.timeout_ms = out->dns_timeout_ms;
	dnsdisc_run(&p, out);
	return out->n_order - before;
}

int stage_network(const struct sztp_config *cfg, int (*load_module)(const char *, struct err *),
		  struct net_result *out, struct err *e)
{
	struct net_opts o;
	memset(&o, 0, sizeof o);
	o.apply = 1;
	o.load_module = load_module;
	o.first_uri = 1;
	o.dns_lazy = 1;
	return net_run(cfg, &o, out, e);
}

/* DHCPv6 RELEASE of the address we were given (one transmission: the
 * server's binding expires anyway if it is lost). */
static int release6(struct net_result *r, struct err *e)
{
	struct dhcp6_sock s = { -1, -1, 0 };
	uint8_t buf[DHCP6_PKT_MAX];
	int n = dhcp6_build(buf, sizeof buf, DHCP6_RELEASE, &r->id6, dhcp4_seed() & 0xffffff, 0,
			    &r->dhcp6);
	if (n < 0)
		return err_set(e, "dhcp6: cannot build RELEASE");
	if (dhcp6_sock_open(&s, r->ifindex, r->ifname, e) < 0)
		return -1;
	n = dhcp6_sock_send(&s, buf, (size_t)n, e);
	dhcp6_sock_close(&s);
	return n;
}

int net_release(struct net_result *r)
{
	struct err e;
	int rc = 0;
	media_unmount_all();
	if (r->have_dhcp6 && r->dhcp6.has_addr) {
		char a6[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &r->dhcp6.addr, a6, sizeof a6);
		if (release6(r, &e) < 0) {
			log_warn("dhcp6", "%s: RELEASE not sent: %s", r->ifname, e.msg);
			rc = -1;
		} else {
			log_info("dhcp6", "%s: released %s", r->ifname, a6);
		}
		r->have_dhcp6 = 0;
	}
	if (r->addr6_applied) {
		struct nl nl = { -1, 0 };
		if (nl_open(&nl, &e) < 0 || nl_addr6_del(&nl, r->ifindex, &r->addr6, 128, &e) < 0) {
			log_warn("net", "%s: %s", r->ifname, e.msg);
			rc = -1;
		}
		nl_close(&nl);
		r->addr6_applied = 0;
	}
	if (!r->have_lease)
		return rc;
	if (dhcp4_release(r->ifindex, r->ifname, &r->id, &r->lease, r->applied, &e) < 0) {
		log_warn("dhcp4", "%s: RELEASE not sent: %s", r->ifname, e.msg);
		rc = -1;
	} else {
		log_info("dhcp4", "%s: released %s", r->ifname, inet_ntoa(r->addr));
	}
	if (r->applied) {
		struct nl nl = { -1, 0 };
		if (nl_open(&nl, &e) < 0 || nl_addr_flush(&nl, r->ifindex, &e) < 0) {
			log_warn("net", "%s: %s", r->ifname, e.msg);
			rc = -1;
		}
		nl_close(&nl);
		r->applied = 0;
	}
	r->have_lease = 0;
	return rc;
}
