/*
 * cmd_dhcp4.c: sztpboot dhcp4 [--ifname IF]... [--timeout SEC] [--apply]
 *                             [--resolv PATH] [--release]
 *
 * Runs the network stage on the host and prints the lease, one key=value per
 * line:
 *   ifname=eth0
 *   address=192.0.2.123
 *   prefix=24
 *   router=192.0.2.1        (absent without a router)
 *   dns=192.0.2.1           (one line per server)
 *   domain=example.net      (absent without a domain)
 *   lease_time=3600
 *   uri=https://bootstrap.example:8443   (one line per option 143 URI)
 * Without --apply only the links are brought up; addresses stay as they are.
 * --release sends a DHCPRELEASE after printing (and, with --apply, removes
 * the address again). Exit 0 with a lease, 1 without, 2 on usage errors.
 */
#include "cmd/commands.h"
#include "base/config.h"
#include "base/log.h"
#include "base/str.h"
#include "net/net.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
	return cmd_usage("dhcp4");
}

int cmd_dhcp4(int argc, char **argv)
{
	static struct sztp_config cfg;
	static struct net_result res;
	struct net_opts opts;
	struct err e;
	int release = 0;
	char a[INET_ADDRSTRLEN];

	config_defaults(&cfg);
	memset(&opts, 0, sizeof opts);
	opts.no_media = 1; /* DHCPv4 only: sztpboot discover does the rest */
	opts.no_dns = 1;
	opts.no_dhcp6 = 1;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--ifname") == 0 && i + 1 < argc) {
			if (cfg.n_ifnames >= CFG_MAX_IF || strlen(argv[i + 1]) >= CFG_STR) {
				fprintf(stderr, "sztpboot dhcp4: too many or too long --ifname\n");
				return 2;
			}
			str_copy(cfg.ifnames[cfg.n_ifnames], sizeof cfg.ifnames[0], argv[++i]);
			cfg.n_ifnames++;
		} else if (strcmp(arg, "--timeout") == 0 && i + 1 < argc) {
			char *end;
			long t = strtol(argv[++i], &end, 10);
			if (*end || end == argv[i] || t < 1 || t > 3600) {
				fprintf(stderr, "sztpboot dhcp4: --timeout wants 1..3600 seconds\n");
				return 2;
			}
			cfg.dhcp_timeout_s = (int)t;
		} else if (strcmp(arg, "--apply") == 0) {
			opts.apply = 1;
		} else if (strcmp(arg, "--resolv") == 0 && i + 1 < argc) {
			opts.resolv_path = argv[++i];
		} else if (strcmp(arg, "--release") == 0) {
			release = 1;
		} else if (strcmp(arg, "--debug") == 0) {
			log_set_level(LOG_DEBUG);
		} else {
			return usage();
		}
	}

	if (net_run(&cfg, &opts, &res, &e) < 0) {
		fprintf(stderr, "sztpboot dhcp4: %s\n", e.msg);
		return 1;
	}
	if (!res.have_lease) {
		fprintf(stderr, "sztpboot dhcp4: no DHCPv4 lease\n");
		return 1;
	}
	printf("ifname=%s\n", res.ifname);
	printf("address=%s\n", inet_ntop(AF_INET, &res.addr, a, sizeof a));
	printf("prefix=%d\n", res.prefix);
	if (res.router.s_addr)
		printf("router=%s\n", inet_ntop(AF_INET, &res.router, a, sizeof a));
	for (int i = 0; i < res.n_dns; i++)
		printf("dns=%s\n", inet_ntop(AF_INET, &res.dns[i], a, sizeof a));
	if (res.domain[0])
		printf("domain=%s\n", res.domain);
	printf("lease_time=%u\n", (unsigned)res.lease.lease_time);
	for (int i = 0; i < res.n_uris; i++)
		printf("uri=%s\n", res.uris[i].uri);
	fflush(stdout);
	if (release)
		net_release(&res);
	return 0;
}
