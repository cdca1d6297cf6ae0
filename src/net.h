/*
 * net.h: the network boot stage. List the Ethernet links (or those named by
 * sztp.ifname= / ifname= / BOOTIF=), bring them up, run DHCPv4 on every link
 * that gets carrier, all in one poll loop; the first acknowledged lease wins
 * and is applied. The result carries the bootstrap server URIs: those of
 * sztp.url= first (source "cmdline"), then those of DHCPv4 option 143
 * (source "dhcp4").
 *
 * One summary line is logged per lease, e.g.
 *   dhcp4: lease 192.0.2.123/24 on eth0 from 192.0.2.1 router 192.0.2.1 dns 192.0.2.1 sztp-redirect https://bootstrap.example:8443
 * ("router none", "dns none", "sztp-redirect none" when absent; several
 * values are joined with commas).
 */
#ifndef SZTP_NET_H
#define SZTP_NET_H

#include <net/if.h>
#include <netinet/in.h>

#include "config.h"
#include "dhcp4.h"
#include "err.h"
#include "sztp_uri.h"

#define NET_MAX_URIS (CFG_MAX_URLS + SZTP_URI_MAX)

struct net_uri {
	char uri[CFG_STR];
	char source[16]; /* "cmdline" or "dhcp4" */
};

struct net_result {
	int have_lease;
	int applied;                 /* the lease is configured on the link */
	char ifname[IF_NAMESIZE];
	int ifindex;
	struct in_addr addr;
	int prefix;
	struct in_addr router;       /* 0 when none */
	struct in_addr dns[DHCP4_MAX_DNS];
	int n_dns;
	char domain[DHCP4_NAME_MAX];
	struct dhcp4_lease lease;    /* everything the server said */
	struct dhcp4_id id;          /* who we were (for RELEASE) */
	struct net_uri uris[NET_MAX_URIS];
	int n_uris;
};

struct net_opts {
	int apply;               /* 0: only bring links up, leave addresses alone */
	const char *resolv_path; /* NULL: /etc/resolv.conf; used when apply is set */
};

/*
 * Run the stage with options. Honors cfg->ifnames, cfg->bootif,
 * cfg->dhcp_timeout_s (the whole wait, carrier included) and cfg->urls.
 * Returns 0 with `out` filled (have_lease set), or -1 with `e` set. Without
 * a lease, `out` still lists the cmdline URIs.
 */
int net_run(const struct sztp_config *cfg, const struct net_opts *opts,
	    struct net_result *out, struct err *e);

/* The boot stage: net_run() that applies the lease and writes /etc/resolv.conf. */
int stage_network(const struct sztp_config *cfg, struct net_result *out, struct err *e);

/*
 * Give the lease back: send DHCPRELEASE to the server and, when the lease was
 * applied, remove the link's IPv4 addresses (its routes go with them). Logs
 * what went wrong; returns 0 or -1. Safe to call without a lease (no-op).
 */
int net_release(struct net_result *r);

/* Format the summary line (without the "dhcp4: " stage prefix) into `buf`. */
void net_lease_summary(char *buf, size_t cap, const char *ifname, const struct dhcp4_lease *l);

#endif
