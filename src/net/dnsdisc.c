/* dnsdisc.c: DNS and mDNS discovery (see dnsdisc.h). */
#include "net/dnsdisc.h"

#include "net/dhcp4_client.h" /* dhcp4_seed() */
#include "net/dns_client.h"
#include "net/dns_sztp.h"
#include "base/log.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define MDNS_TIMEOUT_MS 1000

static uint8_t msg[DNS_MSG_MAX];
static struct dns_msg parsed;
static uint8_t ci[NET_CI_MAX], oc[NET_CMS_MAX], ov[NET_CMS_MAX];

/* Ask: mDNS when `mdns`, else each server until one answers. 0 with an answer. */
/* The message without its own "dns: " / "mdns: " prefix (the log line has it). */
static const char *bare(const struct err *e)
{
	if (strncmp(e->msg, "dns: ", 5) == 0)
		return e->msg + 5;
	if (strncmp(e->msg, "mdns: ", 6) == 0)
		return e->msg + 6;
	return e->msg;
}

static int ask(const struct dnsdisc_params *p, int mdns, const char *name, uint16_t type,
	       size_t *len)
{
	struct err e;
	if (mdns) {
		/* responders on the link answer at once: a short wait will do */
		int t = p->timeout_ms < MDNS_TIMEOUT_MS ? p->timeout_ms : MDNS_TIMEOUT_MS;
		if (dns_query_mdns(p->ifindex, p->mdns_family, name, type, t, msg,
				   sizeof msg, len, &parsed, &e) < 0) {
			log_info("mdns", "%s", bare(&e));
			return -1;
		}
		return 0;
	}
	for (int i = 0; i < p->n_servers; i++) {
		struct dns_server s;
		char who[64];
		if (dns_server_parse(p->servers[i], p->ifindex, &s, &e) < 0) {
			log_warn("dns", "%s", e.msg);
			continue;
		}
		dns_server_str(&s, who, sizeof who);
		if (dns_query(&s, name, type, p->timeout_ms, msg, sizeof msg, len, &parsed, &e) < 0) {
			log_info("dns", "%s", bare(&e));
			continue;
		}
		if (parsed.rcode != 0) {
			log_info("dns", "%s %s from %s: %s", name, dns_type_name(type), who,
				 dns_rcode_name(parsed.rcode));
			/* NXDOMAIN is an answer; SERVFAIL/REFUSED: try the next server */
			if (parsed.rcode == 3)
				return -1;
			continue;
		}
		return 0;
	}
	return -1;
}

static int txt(const struct dnsdisc_params *p, int mdns, const char *name,
	       struct net_result *out)
{
	struct sztp_txt t = { ci, oc, ov, sizeof ci, sizeof oc, sizeof ov, 0, 0, 0, 0 };
	const char *stage = mdns ? "mdns" : "dns";
	struct err e;
	size_t len;
	int r;

	if (ask(p, mdns, name, DNS_T_TXT, &len) < 0)
		return 0;
	r = sztp_txt_assemble(msg, len, &parsed, name, &t, &e);
	if (r < 0) {
		log_warn(stage, "%s TXT: %s", name, bare(&e));
		return 0;
	}
	if (r == 0) {
		log_info(stage, "%s TXT: no ci=/oc=/ov= values", name);
		return 0;
	}
	log_info(stage, "%s TXT: conveyed-information %zu bytes%s%s", name, t.ci_len,
		 t.oc_len ? ", owner-certificate, ownership-voucher" : "",
		 t.base64 ? " (base64 text)" : "");
	return net_add_artifacts(out, stage, name, ci, t.ci_len, t.oc_len ? oc : NULL, t.oc_len,
				 t.ov_len ? ov : NULL, t.ov_len) == 0;
}

static int srv(const struct dnsdisc_params *p, int mdns, const char *name,
	       struct net_result *out)
{
	static struct sztp_uri_list l;
	const char *stage = mdns ? "mdns" : "dns";
	size_t len;
	int n;

	if (ask(p, mdns, name, DNS_T_SRV, &len) < 0)
		return 0;
	n = sztp_srv_uris(msg, len, &parsed, name, dhcp4_seed(), &l);
	if (n == 0) {
		log_info(stage, "%s SRV: no usable record", name);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		log_info(stage, "%s SRV: %s", name, l.uri[i]);
		net_add_uri(out, l.uri[i], stage);
	}
	return n;
}

int dnsdisc_run(const struct dnsdisc_params *p, struct net_result *out)
{
	char name[DNS_NAME_MAX];
	struct err e;
	int added = 0;
	int mdns = p->ifindex > 0;

	if (p->serial && p->serial[0]) {
		if (mdns && sztp_dns_txt_name(p->serial, "local", name, sizeof name, &e) == 0)
			added += txt(p, 1, name, out);
		for (int d = 0; d < p->n_domains && p->n_servers; d++) {
			if (sztp_dns_txt_name(p->serial, p->domains[d], name, sizeof name, &e) < 0) {
				log_warn("dns", "%s", e.msg);
				continue;
			}
			added += txt(p, 0, name, out);
		}
	} else {
		log_info("dns", "no device serial known: device-specific TXT records not queried");
	}
	if (mdns && sztp_dns_srv_name("local", name, sizeof name, &e) == 0)
		added += srv(p, 1, name, out);
	for (int d = 0; d < p->n_domains && p->n_servers; d++) {
		if (sztp_dns_srv_name(p->domains[d], name, sizeof name, &e) < 0) {
			log_warn("dns", "%s", e.msg);
			continue;
		}
		added += srv(p, 0, name, out);
	}
	if (p->n_servers == 0)
		log_info("dns", "no name server known: unicast DNS discovery skipped");
	else if (p->n_domains == 0)
		log_info("dns", "no domain known: unicast DNS discovery skipped");
	return added;
}
