/* dhcp4_ip.c: IPv4 + UDP framing for DHCP over a packet socket. */
#include "base/bytes.h"
#include "net/dhcp4_ip.h"

#include <string.h>

uint16_t dhcp4_ip_checksum(const void *p, size_t n, uint32_t sum)
{
	const uint8_t *b = p;
	uint64_t s = sum;
	size_t i;
	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (i < n)
		s += (uint32_t)b[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Sum of the UDP pseudo header, not folded. */
static uint32_t pseudo(const uint8_t *src4, const uint8_t *dst4, size_t udp_len)
{
	return (uint32_t)(be16_get(src4) + be16_get(src4 + 2) + be16_get(dst4) + be16_get(dst4 + 2)) +
	       17u + (uint32_t)udp_len;
}

int dhcp4_ip_wrap(uint8_t *out, size_t cap, struct in_addr src, uint16_t sport,
		  struct in_addr dst, uint16_t dport, const uint8_t *payload, size_t n)
{
	size_t total = DHCP4_IP_HDR + DHCP4_UDP_HDR + n;
	uint8_t *ip = out, *udp = out + DHCP4_IP_HDR;
	uint16_t c;
	if (total > 0xffff || total > cap)
		return -1;
	memset(out, 0, DHCP4_IP_HDR + DHCP4_UDP_HDR);
	ip[0] = 0x45;
	ip[1] = 0x10; /* DSCP low delay, as ISC dhclient */
	be16_put(ip + 2, (uint16_t)total);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &src.s_addr, 4);
	memcpy(ip + 16, &dst.s_addr, 4);
	be16_put(ip + 10, dhcp4_ip_checksum(ip, DHCP4_IP_HDR, 0));

	be16_put(udp, sport);
	be16_put(udp + 2, dport);
	be16_put(udp + 4, (uint16_t)(DHCP4_UDP_HDR + n));
	memcpy(udp + DHCP4_UDP_HDR, payload, n);
	c = dhcp4_ip_checksum(udp, DHCP4_UDP_HDR + n, pseudo(ip + 12, ip + 16, DHCP4_UDP_HDR + n));
	be16_put(udp + 6, c ? c : 0xffff);
	return (int)total;
}

int dhcp4_ip_unwrap(const uint8_t *pkt, size_t len, uint16_t dport, int verify_udp_csum,
		    const uint8_t **payload, size_t *plen, struct in_addr *src, struct err *e)
{
	size_t ihl, total, ulen;
	const uint8_t *udp;

	if (len < DHCP4_IP_HDR)
		return err_set(e, "IP packet of %zu bytes is too short", len);
	if ((pkt[0] >> 4) != 4)
		return err_set(e, "IP version %u is not 4", pkt[0] >> 4);
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	if (ihl < DHCP4_IP_HDR || ihl > len)
		return err_set(e, "bad IP header length %zu", ihl);
	if (dhcp4_ip_checksum(pkt, ihl, 0) != 0)
		return err_set(e, "bad IP header checksum");
	total = be16_get(pkt + 2);
	if (total < ihl || total > len)
		return err_set(e, "IP total length %zu does not fit the %zu bytes received",
			       total, len);
	if (be16_get(pkt + 6) & 0x3fff)
		return err_set(e, "IP fragment");
	if (pkt[9] != 17)
		return err_set(e, "IP protocol %u is not UDP", pkt[9]);
	if (total - ihl < DHCP4_UDP_HDR)
		return err_set(e, "UDP header truncated");
	udp = pkt + ihl;
	if (be16_get(udp + 2) != dport)
		return err_set(e, "UDP port %u is not %u", be16_get(udp + 2), dport);
	ulen = be16_get(udp + 4);
	if (ulen < DHCP4_UDP_HDR || ulen > total - ihl)
		return err_set(e, "UDP length %zu does not fit the IP packet", ulen);
	if (verify_udp_csum && be16_get(udp + 6) != 0 &&
	    dhcp4_ip_checksum(udp, ulen, pseudo(pkt + 12, pkt + 16, ulen)) != 0)
		return err_set(e, "bad UDP checksum");
	*payload = udp + DHCP4_UDP_HDR;
	*plen = ulen - DHCP4_UDP_HDR;
	if (src)
		memcpy(&src->s_addr, pkt + 12, 4);
	return 0;
}
