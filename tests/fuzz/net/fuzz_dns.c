/* fuzz_dns.c: the DNS message parser and the SZTP TXT/SRV decoders. */
#include "net/dns.h"
#include "net/dns_sztp.h"
#include "base/log.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_msg m;
	static struct sztp_uri_list l;
	static uint8_t ci[4096], oc[1024], ov[1024];
	struct sztp_txt t = { ci, oc, ov, sizeof ci, sizeof oc, sizeof ov, 0, 0, 0, 0 };
	struct err e;

	log_set_level(LOG_ERR);
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
