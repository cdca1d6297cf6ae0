/* fuzz_ipcfg.c: dracut's ip= and vlan= values. */
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
	return 0;
}
