/*
 * net.h: the network and discovery boot stage (RFC 8572 section 4).
 *
 * What net_run() does, in order:
 *  1. removable media (media.h): artifact sources "media";
 *  2. links: the Ethernet links (or those named by sztp.ifname= / ifname= /
 *     BOOTIF=, and the VLAN links of vlan=, which are created over netlink),
 *     brought up; IPv6 router advertisements and SLAAC enabled on them;
 *  3. addressing, all links in parallel in one poll loop: static ip= where
 *     given (ipcfg.h), else DHCPv4 and DHCPv6 (dhcp4.h, dhcp6.h) as ip=
 *     allows (default: both, plus SLAAC). A link whose DHCPv4 ACK or DHCPv6
 *     REPLY carries an SZTP redirect (143 / 136) wins at once; otherwise
 *     the first link with a lease wins NET_SETTLE_MS after its lease (so
 *     that a second NIC with the option can still win; links still trying
 *     get at least NET_MIN_TRY_MS from their carrier, enough for one DHCP
 *     retransmission); the losers' DHCPv4
 *     leases are released. The winner's lease(s) are applied (with
 *     opts->apply) and resolv.conf written;
 *  4. DNS (§4.2) with the serial (serial.h), unless opts->dns_lazy and an
 *     earlier step already found a source (then net_discover_deferred()
 *     runs it, when those sources failed): mDNS then unicast TXT
 *     "<serial>._sztp.<domain>" (artifact sources "mdns" / "dns"), then mDNS
 *     and unicast SRV "_sztp._tcp.<domain>" (URI sources "mdns" / "dns"),
 *     unicast to the DHCP/cmdline name servers, for the DHCP domain and
 *     search list.
 *
 * The result lists every source found, in the order the bootstrap client
 * must try them (logged as "net: source N: ..."):
 *   removable media, sztp.url= ("cmdline"), DHCPv6 ("dhcp6"), DHCPv4
 *   ("dhcp4"), DNS TXT artifacts ("mdns", "dns"), DNS SRV ("mdns", "dns");
 * the built-in servers of /etc/sztp/servers come last (contact.h adds them).
 *
 *  - uris[0..n_uris): bootstrap server URIs, in that order among themselves
 *    (a client that ignores artifacts keeps working unchanged);
 *  - artifacts[0..n_artifacts): sets of CMS artifacts (conveyed information
 *    plus, for signed data, owner certificate and ownership voucher), DER,
 *    ALWAYS UNTRUSTED: verify them like an untrusted server's response,
 *    net_artifacts_response() builds that response body;
 *  - order[0..n_order): the full order: each entry says which array
 *    (NET_SRC_URI / NET_SRC_ARTIFACTS) and the index in it.
 * The artifact bytes live in static storage of net.c: valid until the next
 * net_run() (one result at a time).
 *
 * Summary lines are logged per lease, e.g.
 *   dhcp4: lease 192.0.2.123/24 on eth0 from 192.0.2.1 router 192.0.2.1 dns 192.0.2.1 sztp-redirect https://bootstrap.example:8443
 *   dhcp6: reply on eth0 from <duid> address 2001:db8::10 dns 2001:db8::1 sztp-redirect https://...
 */
#ifndef SZTP_NET_H
#define SZTP_NET_H

#include <net/if.h>
#include <netinet/in.h>

#include "base/config.h"
#include "net/dhcp4.h"
#include "net/dhcp6.h"
#include "base/err.h"
#include "net/sztp_uri.h"

#define NET_MAX_URIS      32
#define NET_MAX_ARTIFACTS 4
#define NET_CI_MAX        (64 * 1024) /* conveyed-information bytes */
#define NET_CMS_MAX       (32 * 1024) /* owner-certificate / ownership-voucher bytes */
#define NET_MAX_DNS       8
#define NET_MAX_DOMAINS   4
#define NET_SETTLE_MS     3000 /* after a lease without redirect, wait for one with it ... */
#define NET_MIN_TRY_MS    6000 /* ... and give each link this long from its carrier */

struct net_uri {
	char uri[CFG_STR];
	char source[16]; /* "cmdline", "dhcp6", "dhcp4", "mdns", "dns" */
};

/* One set of artifacts (untrusted). */
struct net_artifacts {
	char source[16];             /* "media", "mdns", "dns" */
	char where[CFG_STR];         /* "SZTP:/sztp/SN-1", "SN-1._sztp.example.net" */
	const uint8_t *ci, *oc, *ov; /* DER; oc and ov NULL for unsigned data */
	size_t ci_len, oc_len, ov_len;
	char medium[CFG_STR];        /* "media": the medium's root directory (its mount
				      * point), where file:// download-uris in this data
				      * resolve (imgsrc.h); "" for other sources */
};

enum { NET_SRC_URI = 0, NET_SRC_ARTIFACTS = 1 };

struct net_source {
	int kind;  /* NET_SRC_URI or NET_SRC_ARTIFACTS */
	int index; /* into uris[] or artifacts[] */
};

struct net_result {
	int have_lease;              /* DHCPv4 lease */
	int applied;                 /* the lease is configured on the link */
	char ifname[IF_NAMESIZE];    /* the winning link ("" when none) */
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
	/* --- since issue 5 --- */
	int have_static;             /* ip= static configuration applied */
	int have_dhcp6;              /* a DHCPv6 REPLY on the winning link */
	struct dhcp6_reply dhcp6;
	struct dhcp6_id id6;         /* who we were (for RELEASE) */
	int have_addr6;              /* a global IPv6 address (DHCPv6 or SLAAC) */
	struct in6_addr addr6;
	int addr6_applied;           /* we added addr6 ourselves (DHCPv6) */
	char name_servers[NET_MAX_DNS][INET6_ADDRSTRLEN]; /* all, for DNS discovery */
	int n_name_servers;
	char domains[NET_MAX_DOMAINS][DHCP4_NAME_MAX];    /* DHCP domain + search list */
	int n_domains;
	char serial[64];             /* the serial used for discovery ("" if none) */
	struct net_artifacts artifacts[NET_MAX_ARTIFACTS];
	int n_artifacts;
	struct net_source order[NET_MAX_URIS + NET_MAX_ARTIFACTS];
	int n_order;
	/* --- since issue 13 --- */
	int dns_deferred;            /* DNS/mDNS discovery left for later (opts->dns_lazy) */
	int dns_mdns_family;         /* its mDNS family (AF_INET or AF_INET6) */
	int dns_timeout_ms;          /* its per-query timeout */
};

struct net_opts {
	int apply;               /* 0: only bring links up, leave addresses alone */
	const char *resolv_path; /* NULL: /etc/resolv.conf; used when apply is set */
	/* --- since issue 5 (all 0/NULL = the boot defaults) --- */
	int no_media;            /* skip removable media */
	const char *media_root;  /* read this directory as a medium instead of scanning */
	int media_loop;          /* let media_scan() consider loop devices */
	int no_dns;              /* skip DNS / mDNS discovery */
	int dns_timeout_ms;      /* per query; 0: 2000 */
	int no_dhcp6;            /* skip DHCPv6 and SLAAC */
	/* load a kernel module (8021q for vlan=, file systems for media):
	 * coldplug_load() on the device; NULL: modules are the host's business */
	int (*load_module)(const char *name, struct err *e);
	/* --- since issue 13 (boot time) --- */
	int first_uri;           /* a link whose lease carries an SZTP redirect
				  * wins at once: no wait for the other family's
				  * reply (the boot; discover waits GRACE_MS) */
	int dns_lazy;            /* when DHCP, media or the command line gave a
				  * source, DNS/mDNS discovery is not run but left
				  * to net_discover_deferred() (the boot) */
};

/*
 * DNS/mDNS discovery that net_run() deferred (out->dns_deferred): run it now,
 * on the link and name servers the stage configured, and append what it
 * finds to out's sources (uris, artifacts, order). Returns the number of
 * order entries added; 0 when nothing was deferred (or is found). Runs once.
 */
int net_discover_deferred(struct net_result *out);

/*
 * Run the stage. Honors cfg->ifnames, cfg->bootif, cfg->ip/nameservers/vlan,
 * cfg->dhcp_timeout_s (the whole address wait, carrier included), cfg->urls
 * and cfg->serial. Returns 0 with `out` filled when there is any address or
 * any source; -1 with `e` set when there is neither (out still lists what
 * was found).
 */
int net_run(const struct sztp_config *cfg, const struct net_opts *opts,
	    struct net_result *out, struct err *e);

/* The boot stage: net_run() that applies the configuration and writes
 * /etc/resolv.conf; `load_module` as in struct net_opts. */
int stage_network(const struct sztp_config *cfg, int (*load_module)(const char *, struct err *),
		  struct net_result *out, struct err *e);

/*
 * Give the lease back before handing over: DHCPRELEASE for the DHCPv4 lease,
 * a DHCPv6 RELEASE for a DHCPv6 address, removal of the addresses we added,
 * and unmounting of removable media. Logs what went wrong; returns 0 or -1.
 * Safe to call without a lease (no-op).
 */
int net_release(struct net_result *r);

/* Format the summary line (without the "dhcp4: " stage prefix) into `buf`. */
void net_lease_summary(char *buf, size_t cap, const char *ifname, const struct dhcp4_lease *l);

/* ------------------------------------------------------------ sources */

/* Append a URI source (duplicates dropped, logged when the list is full). */
void net_add_uri(struct net_result *out, const char *uri, const char *source);

/*
 * Append an artifact source, copying the bytes into the static storage.
 * `oc`/`ov` may be NULL (lengths 0). Returns 0, or -1 (logged) when the list
 * is full or a size exceeds NET_CI_MAX / NET_CMS_MAX.
 */
int net_add_artifacts(struct net_result *out, const char *source, const char *where,
		      const uint8_t *ci, size_t ci_len, const uint8_t *oc, size_t oc_len,
		      const uint8_t *ov, size_t ov_len);

/* Space needed by net_artifacts_response() for `a` (NUL included). */
size_t net_artifacts_response_size(const struct net_artifacts *a);

/*
 * Build the get-bootstrapping-data output body that verify_response() takes
 * (verify.h) from an artifact set:
 *   {"ietf-sztp-bootstrap-server:output":{"conveyed-information":"<b64>",
 *    "owner-certificate":"<b64>","ownership-voucher":"<b64>"}}
 * into buf[cap] (NUL-terminated). Returns the length, or -1 when cap is too
 * small. Verify it with trusted_source = 0 and no nonce.
 */
long net_artifacts_response(const struct net_artifacts *a, char *buf, size_t cap);

/* Log the source list ("net: source 1: media SZTP:/sztp/SN (signed, 3 artifacts)"). */
void net_log_sources(const struct net_result *r);

#endif
