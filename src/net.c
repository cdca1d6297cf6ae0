/* net.c: the network stage: links up, DHCPv4 on all of them, first lease wins. */
#include "net.h"

#include "dhcp4_client.h"
#include "log.h"
#include "netcfg.h"
#include "netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CARRIER_POLL_MS 100

struct link_run {
	struct nl_link l;
	int started;          /* carrier seen, DHCP running */
	struct dhcp4_sock s;
	struct dhcp4_client c;
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

/* Is this link wanted? sztp.ifname=NAME, ifname=NAME:MAC, BOOTIF=01-MAC. */
static int wanted(const struct sztp_config *cfg, const struct nl_link *l)
{
	uint8_t mac[6];
	if (cfg->n_ifnames == 0 && !cfg->bootif[0])
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
	strcpy(out, h);
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

void net_lease_summary(char *buf, size_t cap, const char *ifname, const struct dhcp4_lease *l)
{
	char a[INET_ADDRSTRLEN], srv[INET_ADDRSTRLEN], rt[INET_ADDRSTRLEN];
	char dns[DHCP4_MAX_DNS * INET_ADDRSTRLEN + 8];
	char uris[SZTP_URI_MAX * SZTP_URI_LEN + 8];
	size_t off = 0;

	inet_ntop(AF_INET, &l->addr, a, sizeof a);
	inet_ntop(AF_INET, &l->server_id, srv, sizeof srv);
	if (l->router.s_addr)
		inet_ntop(AF_INET, &l->router, rt, sizeof rt);
	else
		snprintf(rt, sizeof rt, "none");
	addrs(dns, sizeof dns, l->dns, l->n_dns);
	snprintf(uris, sizeof uris, "none");
	for (int i = 0; l->has_sztp && i < l->sztp.n; i++) {
		int r = snprintf(uris + off, sizeof uris - off, "%s%s", i ? "," : "", l->sztp.uri[i]);
		if (r < 0 || (size_t)r >= sizeof uris - off)
			break;
		off += (size_t)r;
	}
	snprintf(buf, cap, "lease %s/%d on %s from %s router %s dns %s sztp-redirect %s", a,
		 l->prefix, ifname, srv, rt, dns, uris);
}

static void add_uri(struct net_result *out, const char *uri, const char *source)
{
	for (int i = 0; i < out->n_uris; i++)
		if (strcmp(out->uris[i].uri, uri) == 0)
			return;
	if (out->n_uris >= NET_MAX_URIS || strlen(uri) >= sizeof out->uris[0].uri) {
		log_warn("net", "bootstrap URI \"%s\" (%s) dropped: list full", uri, source);
		return;
	}
	snprintf(out->uris[out->n_uris].uri, sizeof out->uris[0].uri, "%s", uri);
	snprintf(out->uris[out->n_uris].source, sizeof out->uris[0].source, "%s", source);
	out->n_uris++;
}

/* Poll the carrier of links not yet started; start DHCP where it is up. */
static void check_carrier(struct nl *nl, struct link_run *lr, int n, int64_t now)
{
	for (int i = 0; i < n; i++) {
		struct nl_link cur;
		struct err e;
		struct dhcp4_id id;
		if (lr[i].started)
			continue;
		if (nl_link_get(nl, lr[i].l.ifindex, &cur, &e) < 0) {
			log_debug("net", "%s: %s", lr[i].l.name, e.msg);
			continue;
		}
		if (!cur.carrier)
			continue;
		lr[i].l.mtu = cur.mtu;
		if (dhcp4_sock_open(&lr[i].s, lr[i].l.ifindex, &e) < 0) {
			log_warn("net", "%s: %s", lr[i].l.name, e.msg);
			lr[i].started = -1; /* give up on this link */
			continue;
		}
		memset(&id, 0, sizeof id);
		memcpy(id.mac, lr[i].l.mac, 6);
		my_hostname(id.hostname, sizeof id.hostname);
		dhcp4_client_init(&lr[i].c, &id, dhcp4_seed(), now);
		lr[i].started = 1;
		log_info("net", "%s: carrier up, starting DHCPv4", lr[i].l.name);
	}
}

/* Read everything pending on one link. Returns 1 when it got an ACK. */
static int drain(struct link_run *lr)
{
	uint8_t buf[DHCP4_FRAME_MAX];
	for (;;) {
		const uint8_t *msg;
		size_t n;
		struct err why;
		enum dhcp4_event ev;
		int got = dhcp4_sock_recv(&lr->s, buf, sizeof buf, &msg, &n, &why);
		if (got < 0) {
			log_warn("dhcp4", "%s: %s", lr->l.name, why.msg);
			return 0;
		}
		if (got == DHCP4_RECV_NONE)
			return 0;
		if (got == DHCP4_RECV_SKIP) {
			log_debug("dhcp4", "%s: packet ignored: %s", lr->l.name, why.msg);
			continue;
		}
		ev = dhcp4_client_input(&lr->c, dhcp4_now_ms(), msg, n, &why);
		switch (ev) {
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
		case DHCP4_EV_ACK:
			return 1;
		}
	}
}

/* One poll loop over all wanted links; returns the index of the winner or -1. */
static int run_dhcp(struct nl *nl, struct link_run *lr, int n, int timeout_ms)
{
	int64_t start = dhcp4_now_ms(), deadline = start + timeout_ms, next_carrier = start;
	uint8_t buf[DHCP4_FRAME_MAX];

	for (;;) {
		struct pollfd pfd[NL_MAX_LINKS];
		int map[NL_MAX_LINKS], np = 0, pending = 0, r;
		int64_t now = dhcp4_now_ms(), wake = deadline;

		if (now >= deadline)
			return -1;
		if (now >= next_carrier) {
			check_carrier(nl, lr, n, now);
			next_carrier = now + CARRIER_POLL_MS;
		}
		for (int i = 0; i < n; i++) {
			int64_t next = deadline;
			int len;
			if (lr[i].started == 0)
				pending = 1;
			if (lr[i].started != 1)
				continue;
			len = dhcp4_client_tick(&lr[i].c, now, buf, sizeof buf, &next);
			if (len > 0) {
				struct err e;
				log_debug("dhcp4", "%s: send %s (attempt %d)", lr[i].l.name,
					  lr[i].c.state == DHCP4_STATE_SELECTING ? "DISCOVER"
										 : "REQUEST",
					  lr[i].c.attempt);
				if (dhcp4_sock_send(&lr[i].s, buf, (size_t)len, &e) < 0)
					log_warn("dhcp4", "%s: %s", lr[i].l.name, e.msg);
			}
			if (next < wake)
				wake = next;
			pfd[np].fd = lr[i].s.fd;
			pfd[np].events = POLLIN;
			pfd[np].revents = 0;
			map[np++] = i;
		}
		if (pending && next_carrier < wake)
			wake = next_carrier;
		r = poll(pfd, (nfds_t)np, (int)(wake > now ? wake - now : 0));
		if (r < 0 && errno != EINTR) {
			log_err("net", "poll: %s", strerror(errno));
			return -1;
		}
		for (int k = 0; r > 0 && k < np; k++)
			if ((pfd[k].revents & POLLIN) && drain(&lr[map[k]]))
				return map[k];
	}
}

static void why_not(char *buf, size_t cap, const struct link_run *lr, int n)
{
	size_t off = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && off < cap; i++) {
		const char *why = lr[i].started == 0 ? "no carrier"
				: lr[i].started < 0 ? "no socket"
				: lr[i].c.state == DHCP4_STATE_SELECTING ? "no offer"
				: "no ack";
		int r = snprintf(buf + off, cap - off, "%s%s (%s)", i ? ", " : "", lr[i].l.name, why);
		if (r < 0)
			break;
		off += (size_t)r;
	}
}

int net_run(const struct sztp_config *cfg, const struct net_opts *opts,
	    struct net_result *out, struct err *e)
{
	static struct link_run lr[NL_MAX_LINKS];
	struct nl_link all[NL_MAX_LINKS];
	struct nl nl = { -1, 0 };
	int n_all, n = 0, win, timeout_s = cfg->dhcp_timeout_s > 0 ? cfg->dhcp_timeout_s : 30;
	char line[1024];

	memset(out, 0, sizeof *out);
	out->ifindex = -1;
	for (int i = 0; i < cfg->n_urls; i++)
		add_uri(out, cfg->urls[i], "cmdline");

	if (nl_open(&nl, e) < 0)
		return -1;
	n_all = nl_links(&nl, all, NL_MAX_LINKS, e);
	if (n_all < 0)
		goto fail;
	for (int i = 0; i < n_all; i++) {
		struct err le;
		if (!wanted(cfg, &all[i])) {
			log_debug("net", "%s: not selected by ifname=/BOOTIF=", all[i].name);
			continue;
		}
		if (!(all[i].flags & IFF_UP) && nl_link_up(&nl, all[i].ifindex, &le) < 0) {
			log_warn("net", "%s", le.msg);
			continue;
		}
		memset(&lr[n], 0, sizeof lr[n]);
		lr[n].l = all[i];
		lr[n].s.fd = -1;
		n++;
	}
	if (n == 0) {
		err_set(e, "no usable Ethernet link (%d found%s)", n_all,
			cfg->n_ifnames || cfg->bootif[0] ? ", none selected by ifname=/BOOTIF=" : "");
		goto fail;
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
	log_info("net", "DHCPv4 on %d link%s: %s", n, n == 1 ? "" : "s", line);

	win = run_dhcp(&nl, lr, n, timeout_s * 1000);
	for (int i = 0; i < n; i++)
		dhcp4_sock_close(&lr[i].s);
	if (win < 0) {
		why_not(line, sizeof line, lr, n);
		err_set(e, "no DHCPv4 lease within %d s: %s", timeout_s, line);
		goto fail;
	}

	{
		const struct link_run *w = &lr[win];
		const struct dhcp4_lease *l = &w->c.lease;
		net_lease_summary(line, sizeof line, w->l.name, l);
		log_info("dhcp4", "%s", line);
		out->have_lease = 1;
		snprintf(out->ifname, sizeof out->ifname, "%s", w->l.name);
		out->ifindex = w->l.ifindex;
		out->addr = l->addr;
		out->prefix = l->prefix;
		out->router = l->router;
		out->n_dns = l->n_dns;
		memcpy(out->dns, l->dns, sizeof out->dns);
		snprintf(out->domain, sizeof out->domain, "%s", l->domain);
		out->lease = *l;
		out->id = w->c.id;
		for (int i = 0; l->has_sztp && i < l->sztp.n; i++)
			add_uri(out, l->sztp.uri[i], "dhcp4");

		if (opts && opts->apply) {
			struct err re;
			if (netcfg_apply(&nl, w->l.ifindex, w->l.mtu, l, e) < 0) {
				err_wrap(e, "%s", w->l.name);
				goto fail;
			}
			out->applied = 1;
			if (netcfg_write_resolv(opts->resolv_path, l->dns, l->n_dns, l->domain,
						&re) < 0)
				log_warn("net", "%s", re.msg);
		}
	}
	nl_close(&nl);
	return 0;
fail:
	nl_close(&nl);
	return -1;
}

int stage_network(const struct sztp_config *cfg, struct net_result *out, struct err *e)
{
	struct net_opts o = { 1, NULL };
	return net_run(cfg, &o, out, e);
}

int net_release(struct net_result *r)
{
	struct err e;
	int rc = 0;
	if (!r->have_lease)
		return 0;
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
