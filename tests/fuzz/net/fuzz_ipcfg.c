/* fuzz_ipcfg.c: dracut's ip= and vlan= values, and name-server addresses
 * (nameserver=, DHCP, resolv.conf: dns_server_parse()). */
#include "net/dns_client.h"
#include "net/ipcfg.h"
#include "base/log.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[CFG_STR];
	struct ipcfg_entry en;
	struct ipcfg_vlan v;
	struct ipcfg_addr a;
	struct err e;

	log_set_level(LOG_ERR);
	if (size >= sizeof s)
		size = sizeof s - 1;
	memcpy(s, data, size);
	s[size] = '\0';
	if (ipcfg_parse_ip(s, &en, &e) == 0) {
		if (!memchr(en.ifname, 0, sizeof en.ifname) || !memchr(en.hostname, 0, sizeof en.hostname))
			abort();
		if (en.methods & IPCFG_STATIC) {
			int max = en.addr.family == AF_INET6 ? 128 : 32;
			if (en.prefix < 0 || en.prefix > max || !en.addr.family)
				abort();
		}
	}
	if (ipcfg_parse_vlan(s, &v, &e) == 0 && (v.id < 1 || v.id > 4094))
		abort();
	ipcfg_parse_addr(s, &a, &e);
	{
		struct dns_server d;
		char b[128];
		if (dns_server_parse(s, 1, &d, &e) == 0) {
			if ((d.sa.ss_family != AF_INET && d.sa.ss_family != AF_INET6) ||
			    d.len == 0 || d.len > sizeof d.sa)
				abort();
			dns_server_str(&d, b, sizeof b);
			if (!memchr(b, 0, sizeof b))
				abort();
		}
	}
	return 0;
}
