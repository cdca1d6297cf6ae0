/* fuzz_dhcp6.c: DHCPv6 message, domain list and router-advertisement parsers,
 * and the client state machine fed with the input. */
#include "net/dhcp6.h"
#include "base/log.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	static struct dhcp6_reply r;
	static struct dhcp6_client c;
	static char dom[4][DHCP6_NAME_MAX];
	struct dhcp6_id id;
	struct err e;
	uint8_t out[DHCP6_PKT_MAX];
	int64_t next;
	int flags, ac;
	uint32_t xid;

	log_set_level(LOG_ERR);
	dhcp6_id_from_mac(&id, mac);
	xid = size >= 4 ? ((uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3]) : 0;
	if (dhcp6_parse(data, size, xid, &id, &r, &e) == 0) {
		if (r.n_dns > DHCP6_MAX_DNS || r.n_domains > DHCP6_MAX_DOMAINS ||
		    r.server_id_len == 0 || r.server_id_len > DHCP6_DUID_MAX)
			abort();
		for (int i = 0; i < r.n_domains; i++)
			if (!memchr(r.domains[i], 0, DHCP6_NAME_MAX))
				abort();
	}
	if (dhcp6_domain_list(data, size, dom, 4, &e) > 4)
		abort();
	dhcp6_parse_ra(data, size, &flags, &ac, &e);
	/* the state machine: every state that reads input */
	for (int mode = 0; mode < 3; mode++) {
		dhcp6_client_init(&c, &id, 1, 0);
		dhcp6_client_ra(&c, mode == 1 ? DHCP6_RA_OTHER : DHCP6_RA_MANAGED, 0);
		if (dhcp6_client_tick(&c, 0, out, sizeof out, &next) <= 0)
			abort();
		if (mode == 2) { /* get to REQUEST with a made-up advertise */
			c.have_adv = 1;
			c.adv.server_id_len = 1;
			c.collect_until = 0;
			if (dhcp6_client_tick(&c, 1, out, sizeof out, &next) <= 0)
				abort();
		}
		if (size >= 4) {
			/* make the transaction id match so the parser goes deep */
			uint8_t *copy = malloc(size);
			if (!copy)
				return 0;
			memcpy(copy, data, size);
			copy[1] = (uint8_t)(c.xid >> 16);
			copy[2] = (uint8_t)(c.xid >> 8);
			copy[3] = (uint8_t)c.xid;
			dhcp6_client_input(&c, 5, copy, size, &e);
			free(copy);
			dhcp6_client_tick(&c, 10, out, sizeof out, &next);
		}
	}
	return 0;
}
