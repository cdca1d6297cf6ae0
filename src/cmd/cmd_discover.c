/*
 * cmd_discover.c: sztpboot discover [options]
 *
 * Runs the discovery of the boot sequence on a host (removable media, links,
 * static or DHCPv4/DHCPv6/SLAAC addressing, DNS and mDNS) and prints one line
 * per bootstrap source, in the order the device would try them:
 *   https://bootstrap.example:8443 dhcp4
 *   artifacts:SN-1._sztp.example.net dns     (a set of CMS artifacts)
 *   https://fallback.example built-in        (from --servers FILE)
 * The log (stderr) says how each was found. Exit 0 when discovery found at
 * least one source (built-in servers do not count), 1 when none, 2 on usage
 * errors.
 *
 * Options:
 *   --ifname IF      use this link (repeatable; default: all Ethernet links)
 *   --timeout SEC    wait for addresses at most SEC seconds (default 30)
 *   --serial SN      device serial for TXT/media lookups (default: DMI)
 *   --url URI        like sztp.url= (repeatable)
 *   --ip SPEC, --nameserver IP, --vlan NAME:PHYS   like ip=, nameserver=, vlan=
 *   --apply          configure the winning link (needed for unicast DNS when
 *                    the host has no address there yet); --resolv PATH
 *                    writes resolv.conf there instead of /etc/resolv.conf
 *   --release        afterwards give the lease back and remove the addresses
 *   --media-dir DIR  read DIR as a removable medium instead of scanning
 *   --no-media, --no-dns, --no-dhcp6, --scan-loop (consider loop devices)
 *   --dns-timeout MS per DNS/mDNS query (default 2000)
 *   --servers FILE   built-in server list (default /etc/sztp/servers)
 *   --dump DIR       write each artifact set N (1, 2, ... in source order) to
 *                    DIR/N/{conveyed-information,owner-certificate,
 *                    ownership-voucher}.cms and DIR/N/response.json (the
 *                    body "sztpboot verify" takes)
 *   --debug
 */
#include "cmd/commands.h"
#include "base/config.h"
#include "base/log.h"
#include "base/str.h"
#include "net/net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SERVERS_DEFAULT "/etc/sztp/servers"

static int write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[CFG_STR * 2];
	FILE *f;
	int ok;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "we");
	if (!f) {
		log_err("discover", "%s: %s", path, strerror(errno));
		return -1;
	}
	ok = fwrite(p, 1, n, f) == n;
	if (fclose(f) != 0 || !ok) {
		log_err("discover", "%s: write failed", path);
		return -1;
	}
	return 0;
}

/* --dump DIR: the artifact sets as files. */
static int dump(const char *dir, const struct net_result *r)
{
	static char body[NET_CI_MAX * 2 + NET_CMS_MAX * 3];
	int k = 0, rc = 0;
	mkdir(dir, 0755);
	for (int i = 0; i < r->n_order; i++) {
		const struct net_artifacts *a;
		char sub[CFG_STR * 2];
		long n;
		if (r->order[i].kind != NET_SRC_ARTIFACTS)
			continue;
		a = &r->artifacts[r->order[i].index];
		snprintf(sub, sizeof sub, "%s/%d", dir, ++k);
		mkdir(sub, 0755);
		rc |= write_file(sub, "conveyed-information.cms", a->ci, a->ci_len);
		if (a->oc)
			rc |= write_file(sub, "owner-certificate.cms", a->oc, a->oc_len);
		if (a->ov)
			rc |= write_file(sub, "ownership-voucher.cms", a->ov, a->ov_len);
		n = net_artifacts_response(a, body, sizeof body);
		if (n < 0) {
			log_err("discover", "%s: response body too large", sub);
			rc = -1;
		} else {
			rc |= write_file(sub, "response.json", body, (size_t)n);
		}
	}
	return rc;
}

static int usage(void)
{
	return cmd_usage("discover");
}

static int push(char (*arr)[CFG_STR], int *n, int max, const char *what, const char *v)
{
	if (*n >= max || strlen(v) >= CFG_STR) {
		fprintf(stderr, "sztpboot discover: too many or too long %s\n", what);
		return -1;
	}
	str_copy(arr[*n], CFG_STR, v);
	(*n)++;
	return 0;
}

static long num(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*end || end == s || v < lo || v > hi)
		return -1;
	return v;
}

static void builtin(const char *path, int explicit)
{
	char line[CFG_STR + 2];
	FILE *f = fopen(path, "re");
	if (!f) {
		if (explicit)
			log_warn("discover", "%s: cannot read", path);
		return;
	}
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n#")] = '\0';
		if (line[0])
			printf("%s built-in\n", line);
	}
	fclose(f);
}

int cmd_discover(int argc, char **argv)
{
	static struct sztp_config cfg;
	static struct net_result res;
	struct net_opts o;
	struct err e;
	const char *servers = SERVERS_DEFAULT, *dump_dir = NULL;
	int release = 0, explicit_servers = 0, rc;

	config_defaults(&cfg);
	memset(&o, 0, sizeof o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		long t;
		if (strcmp(a, "--ifname") == 0 && v) {
			if (push(cfg.ifnames, &cfg.n_ifnames, CFG_MAX_IF, a, v) < 0)
				return 2;
			i++;
		} else if (strcmp(a, "--timeout") == 0 && v) {
			if ((t = num(v, 1, 3600)) < 0) {
				fprintf(stderr, "sztpboot discover: --timeout wants 1..3600 seconds\n");
				return 2;
			}
			cfg.dhcp_timeout_s = (int)t;
			i++;
		} else if (strcmp(a, "--dns-timeout") == 0 && v) {
			if ((t = num(v, 50, 60000)) < 0) {
				fprintf(stderr, "sztpboot discover: --dns-timeout wants 50..60000 ms\n");
				return 2;
			}
			o.dns_timeout_ms = (int)t;
			i++;
		} else if (strcmp(a, "--serial") == 0 && v) {
			if (strlen(v) >= sizeof cfg.serial)
				return usage();
			str_copy(cfg.serial, sizeof cfg.serial, v);
			i++;
		} else if (strcmp(a, "--url") == 0 && v) {
			if (push(cfg.urls, &cfg.n_urls, CFG_MAX_URLS, a, v) < 0)
				return 2;
			i++;
		} else if (strcmp(a, "--ip") == 0 && v) {
			if (push(cfg.ip, &cfg.n_ip, CFG_MAX_IP, a, v) < 0)
				return 2;
			i++;
		} else if (strcmp(a, "--nameserver") == 0 && v) {
			if (push(cfg.nameservers, &cfg.n_nameservers, CFG_MAX_DNS, a, v) < 0)
				return 2;
			i++;
		} else if (strcmp(a, "--vlan") == 0 && v) {
			if (push(cfg.vlan, &cfg.n_vlan, CFG_MAX_IF, a, v) < 0)
				return 2;
			i++;
		} else if (strcmp(a, "--resolv") == 0 && v) {
			o.resolv_path = v;
			i++;
		} else if (strcmp(a, "--media-dir") == 0 && v) {
			o.media_root = v;
			i++;
		} else if (strcmp(a, "--servers") == 0 && v) {
			servers = v;
			explicit_servers = 1;
			i++;
		} else if (strcmp(a, "--dump") == 0 && v) {
			dump_dir = v;
			i++;
		} else if (strcmp(a, "--apply") == 0) {
			o.apply = 1;
		} else if (strcmp(a, "--release") == 0) {
			release = 1;
		} else if (strcmp(a, "--no-media") == 0) {
			o.no_media = 1;
		} else if (strcmp(a, "--no-dns") == 0) {
			o.no_dns = 1;
		} else if (strcmp(a, "--no-dhcp6") == 0) {
			o.no_dhcp6 = 1;
		} else if (strcmp(a, "--scan-loop") == 0) {
			o.media_loop = 1;
		} else if (strcmp(a, "--debug") == 0) {
			log_set_level(LOG_DEBUG);
		} else {
			return usage();
		}
	}

	if (net_run(&cfg, &o, &res, &e) < 0)
		log_warn("discover", "%s", e.msg);
	for (int i = 0; i < res.n_order; i++) {
		const struct net_source *s = &res.order[i];
		if (s->kind == NET_SRC_URI)
			printf("%s %s\n", res.uris[s->index].uri, res.uris[s->index].source);
		else
			printf("artifacts:%s %s\n", res.artifacts[s->index].where,
			       res.artifacts[s->index].source);
	}
	builtin(servers, explicit_servers);
	if (dump_dir && dump(dump_dir, &res) < 0)
		log_warn("discover", "--dump %s: not everything was written", dump_dir);
	fflush(stdout);
	rc = res.n_order > 0 ? 0 : 1;
	if (rc)
		log_warn("discover", "no bootstrap source discovered");
	if (release)
		net_release(&res);
	return rc;
}
