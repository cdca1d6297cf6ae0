/* fuzz_dns.c: the DNS message parser and the SZTP TXT/SRV decoders; and,
 * with the input's first bytes as a domain name (as DHCP or the command
 * line gives it), the SZTP query names and the query built for them, which
 * must parse back to the same name and type. */
#include "net/dns.h"
#include "net/dns_sztp.h"
#include "base/log.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_msg m;
	static struct sztp_uri_list l;
	static uint8_t ci[4096], oc[1024], ov[1024];
	struct sztp_txt t = { ci, oc, ov, sizeof ci, sizeof oc, sizeof ov, 0, 0, 0, 0 };
	struct err e;

	log_set_level(LOG_ERR);
	if (size < 300) {
		char dom[300], name[DNS_NAME_MAX + 64];
		uint8_t q[512];
		int n;
		memcpy(dom, data, size);
		dom[size] = 0;
		(void)dns_type_name(size ? data[0] : 0);
		(void)dns_rcode_name(size ? data[0] & 15 : 0);
		for (int k = 0; k < 2; k++) {
			if ((k ? sztp_dns_srv_name(dom, name, sizeof name, &e) :
				 sztp_dns_txt_name("SZTP-DEMO-0001", dom, name, sizeof name, &e)) < 0)
				continue;
			n = dns_build_query(q, sizeof q, 0x1234, 0x0100, name,
					    k ? DNS_T_SRV : DNS_T_TXT, 0, &e);
			if (n < 0)
				abort(); /* a name the builder made must be encodable */
			if (name[0] && name[strlen(name) - 1] == '.')
				name[strlen(name) - 1] = 0; /* a final dot is not sent */
			q[2] |= 0x80; /* as its (empty) answer: dns_parse() reads responses */
			if (dns_parse(q, (size_t)n, &m, &e) < 0 || m.qdcount != 1 ||
			    m.qtype != (k ? DNS_T_SRV : DNS_T_TXT) || strcasecmp(m.qname, name) != 0)
				abort();
		}
	}
	if (dns_parse(data, size, &m, &e) < 0)
		return 0;
	if (m.n_rr > DNS_MAX_RR)
		abort();
	for (int i = 0; i < m.n_rr; i++) {
		const struct dns_rr *rr = &m.rr[i];
		struct dns_srv srv;
		size_t pos = 0, n;
		const uint8_t *s;
		if (rr->rdoff + rr->rdlen > size || !memchr(rr->name, 0, sizeof rr->name))
			abort();
		if (rr->type == DNS_T_SRV && dns_rr_srv(data, size, rr, &srv, &e) == 0 &&
		    !memchr(srv.target, 0, sizeof srv.target))
			abort();
		if (rr->type == DNS_T_TXT)
			while (dns_txt_next(data, rr, &pos, &s, &n, &e) == 1)
				if (s < data || s + n > data + size)
					abort();
	}
	/* the question name as the owner of the SZTP records */
	if (sztp_txt_assemble(data, size, &m, m.qname, &t, &e) == 1 &&
	    (t.ci_len == 0 || t.ci_len > sizeof ci || t.oc_len > sizeof oc || t.ov_len > sizeof ov ||
	     ci[0] != 0x30))
		abort();
	if (sztp_srv_uris(data, size, &m, m.qname, 1, &l) > SZTP_URI_MAX)
		abort();
	return 0;
}
