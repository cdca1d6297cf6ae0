/*
 * fuzz_dhcp4.c: the DHCPv4 reply parser, the IP/UDP unwrapper and the client
 * state machine on arbitrary bytes. The xid and chaddr are taken from the
 * input so that the parser gets past those checks.
 */
#include "net/dhcp4.h"
#include "net/dhcp4_ip.h"
#include "base/log.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_lease(const struct dhcp4_lease *l)
{
	if (l->n_dns < 0 || l->n_dns > DHCP4_MAX_DNS || l->n_ntp < 0 || l->n_ntp > DHCP4_MAX_NTP)
		abort();
	if (memchr(l->domain, 0, sizeof l->domain) == NULL ||
	    memchr(l->hostname, 0, sizeof l->hostname) == NULL ||
	    memchr(l->message, 0, sizeof l->message) == NULL)
		abort();
	if (l->has_sztp && (l->sztp.n < 1 || l->sztp.n > SZTP_URI_MAX))
		abort();
	for (int i = 0; l->has_sztp && i < l->sztp.n; i++)
		if (memchr(l->sztp.uri[i], 0, SZTP_URI_LEN) == NULL)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp4_lease l;
	static struct dhcp4_client c;
	static uint8_t buf[DHCP4_PKT_MAX];
	struct dhcp4_id id;
	uint8_t mac[6] = { 0 };
	uint32_t xid = 0;
	const uint8_t *p;
	size_t n;
	struct err e;
	int64_t next;

	log_set_level(LOG_ERR);
	if (size >= 8)
		xid = (uint32_t)data[4] << 24 | (uint32_t)data[5] << 16 | (uint32_t)data[6] << 8 |
		      data[7];
	if (size >= 34)
		memcpy(mac, data + 28, 6);

	if (dhcp4_parse(data, size, xid, mac, &l, &e) == 0)
		check_lease(&l);
	{
		uint8_t v[DHCP4_OPT_MAX];
		int k = dhcp4_get_option(data, size, size ? data[size - 1] : 1, v, sizeof v, &e);
		if (k > (int)sizeof v)
			abort();
	}

	/* the same bytes as an IP datagram */
	if (dhcp4_ip_unwrap(data, size, DHCP4_CLIENT_PORT, 1, &p, &n, NULL, &e) == 0) {
		if (p < data || p + n > data + size)
			abort();
		if (dhcp4_parse(p, n, xid, mac, &l, &e) == 0)
			check_lease(&l);
	}

	/* the state machine: DISCOVER sent, then this as the reply, twice */
	memset(&id, 0, sizeof id);
	memcpy(id.mac, mac, 6);
	dhcp4_client_init(&c, &id, 1, 0);
	if (dhcp4_client_tick(&c, 0, buf, sizeof buf, &next) <= 0)
		abort();
	c.xid = xid;
	if (dhcp4_client_input(&c, 10, data, size, &e) == DHCP4_EV_OFFER) {
		if (dhcp4_client_tick(&c, 10, buf, sizeof buf, &next) <= 0)
			abort();
		if (dhcp4_client_input(&c, 20, data, size, &e) == DHCP4_EV_ACK)
			check_lease(&c.lease);
	}
	return 0;
}
